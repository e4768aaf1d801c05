#!/usr/bin/env python3
"""Signed axon requests per second: Cortex's axon against bittensor 10.5.0's Python `bt.Axon`,
under the same load, in one run.

    target/interop-venv/bin/python scripts/perf/axon_rps.py [--seconds 10] [--concurrency 128] [--rounds 2]

Needs the release examples (`cargo build --release -p cortex-axon --examples`; another directory
with $CORTEX_AXON_EXAMPLES) and the interop virtualenv (scripts/interop/setup.sh).

For each round it loads, one after the other and with the same load generator:

  1. Cortex: `echo_axon` (its own process) serving the interop `Predict` synapse, admitting
     //Validator through its stake-snapshot blacklist;
  2. Python: a `bt.Axon` in this process (uvicorn on its own thread) serving the same synapse
     with a blacklist that admits every caller and bittensor's own signature verification.

The load generator is `axon_bench`: --concurrency dendrite sessions of //Validator, each with
one signed call in flight, for --seconds after a warm-up. Server and load generator share the
machine's cores, as a miner's axon shares its machine with its model. Prints each figure and
the ratio; docs/benchmarks.md has the results.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "interop"))

from common import REPO, free_port, port_open  # noqa: E402
from axon_interop import Predict  # noqa: E402  (the interop synapse: one definition)

import bittensor as bt  # noqa: E402
from bittensor.utils import networking  # noqa: E402
from bittensor_wallet import Keypair, Wallet  # noqa: E402

# bittensor asks public web services for the external IP when none is given; offline that stalls.
networking.get_external_ip = lambda: "127.0.0.1"

VALIDATOR = "//Validator"
MINER = "//Miner"


def examples_dir() -> Path:
    override = os.environ.get("CORTEX_AXON_EXAMPLES")
    return Path(override) if override else REPO / "target" / "release" / "examples"


def example(name: str) -> Path:
    path = examples_dir() / name
    if not path.exists():
        sys.exit(f"{path} is missing: run `cargo build --release -p cortex-axon --examples`")
    return path


def wait_port(port: int, seconds: float = 15.0) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if port_open(port):
            return
        time.sleep(0.05)
    sys.exit(f"nothing listens on port {port} after {seconds}s")


def bench(port: int, hotkey: str, args) -> dict:
    cmd = [str(example("axon_bench")), "--target", f"127.0.0.1:{port}", "--axon-hotkey", hotkey,
           "--uri", VALIDATOR, "--concurrency", str(args.concurrency), "--duration", str(args.seconds),
           "--warmup", str(args.warmup), "--json"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=args.seconds + args.warmup + 60)
    if out.returncode != 0:
        sys.exit(f"axon_bench failed ({out.returncode}): {out.stderr}")
    lines = out.stdout.strip().splitlines()
    return json.loads(lines[-1])


def run_cortex(args) -> dict:
    port = free_port()
    proc = subprocess.Popen(
        [str(example("echo_axon")), "--port", str(port), "--uri", MINER,
         "--allow", Keypair.create_from_uri(VALIDATOR).ss58_address],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        line = proc.stdout.readline().split()
        if len(line) != 3 or line[0] != "listening":
            sys.exit(f"echo_axon said {line}")
        return bench(port, line[2], args)
    finally:
        proc.stdin.close()  # echo_axon stops when its stdin closes
        proc.wait(timeout=10)


def run_python(args, wallet: Wallet) -> dict:
    def forward(synapse: Predict) -> Predict:
        synapse.prediction = sum(synapse.features)
        return synapse

    def blacklist(synapse: Predict) -> Tuple[bool, str]:
        return False, "allowed"

    port = free_port()
    axon = bt.Axon(wallet=wallet, port=port, ip="127.0.0.1", external_ip="127.0.0.1")
    axon.attach(forward_fn=forward, blacklist_fn=blacklist)
    axon.start()
    try:
        wait_port(port)
        # This thread only waits on the load generator, so the GIL is the axon's.
        return bench(port, wallet.hotkey.ss58_address, args)
    finally:
        axon.stop()


def show(name: str, r: dict) -> None:
    print(f"  {name:<28} {r['rps']:>8.0f} req/s   p50 {r['p50_ms']:7.2f} ms   p99 {r['p99_ms']:7.2f} ms   "
          f"ok {r['ok']}   non-200 {r['non_200'] or 'none'}   "
          f"load generator {r.get('client_cpu_us_per_call') or 0:.0f} µs CPU/call", flush=True)
    for code, message in (r.get("messages") or {}).items():
        print(f"    first {code}: {message}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per axon")
    parser.add_argument("--warmup", type=float, default=1.0, help="warm-up seconds per axon")
    parser.add_argument("--concurrency", type=int, default=128, help="calls in flight")
    parser.add_argument("--rounds", type=int, default=1, help="Cortex/Python pairs to run")
    args = parser.parse_args()

    bt.logging.off()
    kp = Keypair.create_from_uri(MINER)
    wallet = Wallet(name="miner", hotkey="default", path=tempfile.mkdtemp(prefix="cortex-axon-rps-"))
    wallet.set_hotkey(kp, encrypt=False, overwrite=True)
    wallet.set_coldkeypub(kp, encrypt=False, overwrite=True)

    print(f"{os.cpu_count()} cores, concurrency {args.concurrency}, {args.seconds:g} s per axon "
          f"after {args.warmup:g} s warm-up, bittensor {bt.__version__}", flush=True)
    ratios, ours, theirs = [], [], []
    for i in range(args.rounds):
        # The machine may be shared: the load average shows when another job took cores.
        print(f"round {i + 1} (load average {os.getloadavg()[0]:.2f}):", flush=True)
        c = run_cortex(args)
        show("Cortex axon (echo_axon)", c)
        p = run_python(args, wallet)
        show(f"bittensor {bt.__version__} bt.Axon", p)
        ratio = c["rps"] / p["rps"] if p["rps"] > 0 else float("inf")
        print(f"  ratio {ratio:.1f}x", flush=True)
        ours.append(c["rps"])
        theirs.append(p["rps"])
        ratios.append(ratio)
    print(f"median: Cortex {statistics.median(ours):.0f} req/s, Python {statistics.median(theirs):.0f} req/s, "
          f"ratio {statistics.median(ratios):.1f}x")
    return 0


if __name__ == "__main__":
    code = main()
    # bittensor's axon leaves non-daemon threads behind; leave without waiting for them.
    sys.stdout.flush()
    os._exit(code)
