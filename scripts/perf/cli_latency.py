#!/usr/bin/env python3
"""How long a read takes through `cortex … --json` and through btcli 9.23.2, process start to
exit, on the same dev chain in the same run; and `cortex metagraph` on a subnet of 256 uids
against the SDK's `Subtensor.metagraph`.

    target/interop-venv/bin/python scripts/perf/cli_latency.py [--runs 10]
    target/interop-venv/bin/python scripts/perf/cli_latency.py --metagraph-256 [--runs 20]

Runs with the interop virtualenv's python (bittensor 10.5.0, btcli 9.23.2; see
scripts/interop/setup.sh) and the release binary (CORTEX_BIN, default target/release/cortex;
build it with `cargo build --release -p cortex-cli`). Not part of CI: it is a measurement.

Default mode: starts `cortex node --dev` on a free port, creates and starts a subnet through
`cortex` as //Alice, registers four more hotkeys and stakes to one, then runs each read once
untimed through both tools (checking that each printed the document it should: btcli exits 0
on most failures), then RUNS timed rounds. In a round each tool's `--version` (its start alone)
runs once, then every read once through btcli and once through cortex, alternately, so both see
the same machine. Prints the median and p90 of each and the ratio of the medians; exits 1 if
any cortex read is not at least 10 times faster.

`--metagraph-256`: fills a subnet to 256 uids (the owner plus 255 burned registrations through
`cortex register`, eight coldkeys in parallel, after lowering max_burn to 1 TAO with
`cortex subnet set`), then times RUNS `cortex metagraph --netuid N --json` processes, RUNS calls
of the SDK's `Subtensor.metagraph(netuid)` on one open connection, and RUNS whole
`python -c` processes doing the same; exits 1 if the cortex median is not under 100 ms.

Times are wall clock around `subprocess.run` (fork, exec, the work, exit, the pipes drained).
Figures go to docs/benchmarks.md.
"""
import argparse
import concurrent.futures
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "interop"))

from common import ALICE, REPO, Keypair, Node, Wallet, bittensor  # noqa: E402

# The mini-secret of //Alice (the dev phrase hard-derived by "Alice"). A keypair made from it is
# //Alice, and bittensor-wallet then writes it to the keyfile as `secretSeed`, which both btcli
# and cortex read; a keypair made with `create_from_uri` is written with its private key only.
ALICE_SEED = "0xe5be9a5092b81bca64be81d212e7f2f9eba183bb7a90954f7b76361f6edb5c0a"
CALL_TIMEOUT = 120  # seconds per process
SPEEDUP = 10  # every cortex read must be this many times faster than btcli's (medians)
METAGRAPH_BUDGET = 0.100  # seconds, process start to exit, for `cortex metagraph` on 256 uids
UIDS = 256
COLDKEYS = 8  # registering in parallel: one process per coldkey, each waits for its block


def write_wallet(root: Path, name: str, coldkey: "Keypair", hotkeys: list) -> None:
    """A plaintext wallet written by bittensor-wallet: `coldkey`, and a fresh mnemonic hotkey
    for each name in `hotkeys`."""
    for h in hotkeys:
        kp = Keypair.create_from_mnemonic(Keypair.generate_mnemonic())
        w = Wallet(name=name, hotkey=h, path=str(root))
        w.set_hotkey(kp, encrypt=False, overwrite=True)
        w.set_hotkeypub(kp, encrypt=False, overwrite=True)
    w = Wallet(name=name, hotkey="default", path=str(root))
    w.set_coldkey(coldkey, encrypt=False, overwrite=True)
    w.set_coldkeypub(coldkey, encrypt=False, overwrite=True)


def alice() -> "Keypair":
    kp = Keypair.create_from_seed(ALICE_SEED)
    if kp.ss58_address != ALICE:
        raise SystemExit(f"ALICE_SEED derives {kp.ss58_address}, not //Alice ({ALICE})")
    return kp


def timed(cmd: list, env: dict = None) -> tuple:
    """Runs `cmd` to its exit; returns (seconds, stdout). A non-zero exit or a timeout stops the
    script with the process's output."""
    t0 = time.perf_counter()
    try:
        cp = subprocess.run(
            cmd, env=env, capture_output=True, text=True, timeout=CALL_TIMEOUT, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired as e:
        raise SystemExit(f"`{' '.join(cmd)}` timed out after {CALL_TIMEOUT} s\n{e.stdout}\n{e.stderr}")
    elapsed = time.perf_counter() - t0
    if cp.returncode != 0:
        raise SystemExit(f"`{' '.join(cmd)}` exited with {cp.returncode}\n{cp.stdout}\n{cp.stderr}")
    return elapsed, cp.stdout


def json_doc(cmd: list, stdout: str):
    """The JSON document a command printed (btcli may print stray lines before it)."""
    starts = [i for i in (stdout.find("{"), stdout.find("[")) if i >= 0]
    if not starts:
        raise SystemExit(f"`{' '.join(cmd)}` printed no JSON: {stdout[:2000]!r}")
    try:
        doc, _ = json.JSONDecoder(strict=False).raw_decode(stdout[min(starts):])
    except json.JSONDecodeError as e:
        raise SystemExit(f"`{' '.join(cmd)}` printed JSON that does not parse ({e}): {stdout[:2000]!r}")
    return doc


class Cortex:
    """`cortex ARGS --json` against one node and wallet directory."""

    def __init__(self, binary: Path, url: str, wallets: Path):
        self.binary, self.url, self.wallets = binary, url, wallets

    def cmd(self, args: list) -> list:
        return [str(self.binary), *args, "--json", "--url", self.url, "--wallet-path", str(self.wallets)]

    def timed(self, args: list) -> tuple:
        """(seconds, document); a document with an `error` stops the script."""
        cmd = self.cmd(args)
        elapsed, out = timed(cmd)
        doc = json_doc(cmd, out)
        if isinstance(doc, dict) and "error" in doc:
            raise SystemExit(f"`{' '.join(cmd)}`: {doc['error']}")
        return elapsed, doc

    def __call__(self, *args) -> dict:
        return self.timed(list(args))[1]


class Btcli:
    """`btcli ARGS --network URL --json-output` in the environment the interop tests use
    (scripts/interop/common.py, run_btcli): a private HOME, the caches off, a wide terminal."""

    def __init__(self, url: str, workdir: Path):
        self.binary = str(Path(sys.executable).parent / "btcli")
        self.url = url
        home = workdir / "btcli-home"
        home.mkdir(exist_ok=True)
        self.env = dict(os.environ)
        self.env.update({"NO_CACHE": "1", "DISK_CACHE": "0", "HOME": str(home), "COLUMNS": "100000", "NO_COLOR": "1"})
        self.env.pop("BT_MEV_PROTECTION", None)

    def cmd(self, args: list) -> list:
        # The wallet-only commands take no --network (btcli refuses it there).
        network = [] if args[:2] in (["wallet", "list"], ["wallet", "overview-local"]) else ["--network", self.url]
        return [self.binary, *args, *network, "--json-output"]

    def timed(self, args: list) -> tuple:
        cmd = self.cmd(args)
        elapsed, out = timed(cmd, self.env)
        return elapsed, json_doc(cmd, out)


def p90(times: list) -> float:
    """The 90th percentile, nearest rank."""
    t = sorted(times)
    return t[max(0, math.ceil(0.9 * len(t)) - 1)]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds >= 0.0995 else f"{seconds * 1000:.1f} ms"


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def expect(ok, what: str, doc) -> None:
    """Stops the script unless `ok(doc)` holds (a missing field counts as not holding)."""
    try:
        held = bool(ok(doc))
    except (KeyError, IndexError, TypeError, AttributeError):
        held = False
    if not held:
        shown = json.dumps(doc) if isinstance(doc, (dict, list)) else repr(doc)
        raise SystemExit(f"{what}: unexpected answer {shown[:2000]}")


def latency(node: Node, workdir: Path, binary: Path, runs: int) -> int:
    """btcli against cortex on six reads (see the module's doc)."""
    wallets = workdir / "wallets"
    write_wallet(wallets, "alice", alice(), ["owner", "v", "m1", "m2", "m3"])
    cortex = Cortex(binary, node.url, wallets)
    btcli = Btcli(node.url, workdir)
    netuid = cortex("subnet", "create", "--name", "alice", "--hotkey", "owner")["netuid"]
    n = str(netuid)
    cortex("subnet", "start", "--name", "alice", "--netuid", n)
    for h in ("v", "m1", "m2", "m3"):
        cortex("register", "--name", "alice", "--hotkey", h, "--netuid", n)
    cortex("stake", "add", "--name", "alice", "--hotkey", "v", "--netuid", n, "--amount", "1")
    neurons = 5
    print(f"subnet {netuid} with {neurons} neurons; wallets in {wallets}", flush=True)

    wallet = ["--wallet-name", "alice", "--wallet-path", str(wallets)]
    # (read, btcli args, its check, cortex args, its check)
    reads = [
        (
            "wallet list",
            ["wallet", "list", "--wallet-path", str(wallets)],
            lambda d: ALICE in json.dumps(d),
            ["wallet", "list"],
            lambda d: any(x["coldkey_ss58"] == ALICE for x in d["wallets"]),
        ),
        (
            "balance",
            ["wallet", "balance", "--ss58", ALICE],
            lambda d: any(b.get("coldkey") == ALICE for b in d["balances"].values()),
            ["balance", "--ss58", ALICE],
            lambda d: d["ss58"] == ALICE and d["free_rao"] > 0,
        ),
        (
            "subnets list",
            ["subnets", "list"],
            lambda d: n in d["subnets"],
            ["subnet", "list"],
            lambda d: any(s["netuid"] == netuid for s in d["subnets"]),
        ),
        (
            "subnet show",
            ["subnets", "show", "--netuid", n, "--no-prompt"],
            lambda d: d["netuid"] == netuid and len(d["uids"]) == neurons,
            ["subnet", "show", "--netuid", n],
            lambda d: d["netuid"] == netuid and d["neurons"] == neurons,
        ),
        (
            "hyperparameters",
            ["subnets", "hyperparameters", "--netuid", n],
            lambda d: any(p["hyperparameter"] == "tempo" for p in d),
            ["subnet", "hyperparams", "--netuid", n],
            lambda d: "tempo" in d["hyperparameters"],
        ),
        (
            "metagraph",
            ["subnets", "metagraph", "--netuid", n, "--no-prompt"],
            lambda d: d["netuid"] == netuid and len(d["uids"]) == neurons,
            ["metagraph", "--netuid", n],
            lambda d: d["netuid"] == netuid and d["n"] == neurons,
        ),
        (
            "stake list",
            ["stake", "list", *wallet, "--no-prompt"],
            lambda d: d["coldkey_address"] == ALICE and len(d["stake_info"]) > 0,
            ["stake", "list", "--name", "alice"],
            lambda d: d["coldkey"] == ALICE and len(d["stakes"]) > 0,
        ),
    ]
    print("commands (one untimed run each, outputs checked):", flush=True)
    for label, b_args, b_ok, c_args, c_ok in reads:
        for tool, args, ok in ((btcli, b_args, b_ok), (cortex, c_args, c_ok)):
            print(f"  $ {' '.join(tool.cmd(args))}", flush=True)
            _, doc = tool.timed(args)
            expect(ok, f"{label} through {type(tool).__name__.lower()}", doc)

    load_before = loadavg()
    times = {label: ([], []) for label, *_ in reads}
    # Each tool's start alone, no chain: where btcli's time goes (the Python imports).
    starts = ([], [])
    for _ in range(runs):
        starts[0].append(timed([btcli.binary, "--version"], btcli.env)[0])
        starts[1].append(timed([str(binary), "--version"])[0])
        for label, b_args, b_ok, c_args, c_ok in reads:
            t, doc = btcli.timed(b_args)
            expect(b_ok, f"{label} through btcli", doc)
            times[label][0].append(t)
            t, doc = cortex.timed(c_args)
            expect(c_ok, f"{label} through cortex", doc)
            times[label][1].append(t)
    print(f"\n{runs} runs of each, interleaved; load average before {load_before}, after {loadavg()}")
    # ratio: of the medians (the check); worst: btcli's fastest run over cortex's slowest.
    print(
        f"{'read':<16} {'btcli median':>12} {'btcli p90':>10} {'cortex median':>13} {'cortex p90':>10} "
        f"{'ratio':>6} {'worst':>6}"
    )
    slow = []
    for label, (b, c) in times.items():
        ratio = statistics.median(b) / statistics.median(c)
        print(
            f"{label:<16} {ms(statistics.median(b)):>12} {ms(p90(b)):>10} "
            f"{ms(statistics.median(c)):>13} {ms(p90(c)):>10} {ratio:>5.0f}x {min(b) / max(c):>5.0f}x"
        )
        if ratio < SPEEDUP:
            slow.append(f"{label} ({ratio:.1f}x)")
    b, c = starts
    print(
        f"{'(--version)':<16} {ms(statistics.median(b)):>12} {ms(p90(b)):>10} "
        f"{ms(statistics.median(c)):>13} {ms(p90(c)):>10}   (start alone, no chain; not checked)"
    )
    if slow:
        print(f"FAIL: not {SPEEDUP}x faster than btcli: {', '.join(slow)}")
        return 1
    print(f"every cortex read is at least {SPEEDUP}x faster than btcli's (medians)")
    return 0


def populate(cortex: Cortex, wallets: Path) -> int:
    """A subnet of UIDS uids: the owner's, then burned registrations from COLDKEYS coldkeys in
    parallel. Returns the netuid."""
    netuid = cortex("subnet", "create", "--name", "alice", "--hotkey", "owner")["netuid"]
    n = str(netuid)
    cortex("subnet", "start", "--name", "alice", "--netuid", n)
    # The burn rises x1.26 per registration up to max_burn (100 TAO by default); 1 TAO keeps the
    # 255 registrations cheap. Slots: 256 is the default and the chain's ceiling; set it anyway.
    cortex("subnet", "set", "--name", "alice", "--netuid", n, "--param", "max_burn", "--value", "1000000000")
    cortex("subnet", "set", "--name", "alice", "--netuid", n, "--param", "max_allowed_uids", "--value", str(UIDS))
    wanted = UIDS - 1
    shares = [wanted // COLDKEYS + (1 if i < wanted % COLDKEYS else 0) for i in range(COLDKEYS)]
    for i, share in enumerate(shares):
        cold = Keypair.create_from_mnemonic(Keypair.generate_mnemonic())
        write_wallet(wallets, f"reg{i}", cold, [f"h{j}" for j in range(share)])
        cortex("transfer", "--name", "alice", "--dest", cold.ss58_address, "--amount", str(share * 2 + 10))

    def register_all(i: int) -> int:
        done = 0
        for j in range(shares[i]):
            cortex("register", "--name", f"reg{i}", "--hotkey", f"h{j}", "--netuid", n, "--max-burn", "1")
            done += 1
        return done

    t0 = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(COLDKEYS) as pool:
        registered = sum(pool.map(register_all, range(COLDKEYS)))
    print(f"registered {registered} hotkeys in {time.perf_counter() - t0:.1f} s", flush=True)
    return netuid


def metagraph_256(node: Node, workdir: Path, binary: Path, runs: int) -> int:
    """`cortex metagraph` against the SDK's on 256 uids (see the module's doc)."""
    wallets = workdir / "wallets"
    write_wallet(wallets, "alice", alice(), ["owner"])
    cortex = Cortex(binary, node.url, wallets)
    netuid = populate(cortex, wallets)
    args = ["metagraph", "--netuid", str(netuid)]
    doc = cortex(*args)
    expect(lambda d: d["n"] == UIDS and len(d["neurons"]) == UIDS, "cortex metagraph", doc)
    hotkeys = [u["hotkey"] for u in doc["neurons"]]

    sub = bittensor.Subtensor(network=node.url)
    first_t0 = time.perf_counter()
    m = sub.metagraph(netuid)
    first = time.perf_counter() - first_t0
    expect(lambda m: int(m.n) == UIDS and list(m.hotkeys) == hotkeys, "SDK metagraph", m)
    script = (
        "import sys, bittensor as bt\n"
        "s = bt.Subtensor(network=sys.argv[1]); m = s.metagraph(int(sys.argv[2]))\n"
        f"assert int(m.n) == {UIDS}, m.n\n"
        "s.close()\n"
    )
    py_cmd = [sys.executable, "-c", script, node.url, str(netuid)]
    print("commands:", flush=True)
    print(f"  $ {' '.join(cortex.cmd(args))}")
    print(f"  SDK: bt.Subtensor(network={node.url!r}).metagraph({netuid})  (one connection, call timed)")
    print(f"  $ {sys.executable} -c '<the same, then close>' {node.url} {netuid}", flush=True)

    load_before = loadavg()
    c_times, sdk_times, py_times = [], [], []
    for _ in range(runs):
        t, doc = cortex.timed(args)
        expect(lambda d: d["n"] == UIDS, "cortex metagraph", doc)
        c_times.append(t)
        t0 = time.perf_counter()
        m = sub.metagraph(netuid)
        sdk_times.append(time.perf_counter() - t0)
        expect(lambda m: int(m.n) == UIDS, "SDK metagraph", m)
        t, _ = timed(py_cmd)
        py_times.append(t)
    sub.close()
    print(f"\n{UIDS} uids on subnet {netuid}; {runs} runs of each, interleaved; "
          f"load average before {load_before}, after {loadavg()}")
    print(f"{'what':<44} {'median':>9} {'p90':>9}")
    for label, t in (
        ("cortex metagraph --json (process)", c_times),
        ("SDK Subtensor.metagraph() (the call)", sdk_times),
        ("python -c: connect + metagraph (process)", py_times),
    ):
        print(f"{label:<44} {ms(statistics.median(t)):>9} {ms(p90(t)):>9}")
    print(f"(the SDK's first metagraph call on its connection, untimed above: {ms(first)})")
    median = statistics.median(c_times)
    if median >= METAGRAPH_BUDGET:
        print(f"FAIL: cortex metagraph median {ms(median)} is not under {ms(METAGRAPH_BUDGET)}")
        return 1
    print(f"cortex metagraph on {UIDS} uids: median {ms(median)}, under {ms(METAGRAPH_BUDGET)}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, help="timed runs of each (default 10, or 20 with --metagraph-256)")
    parser.add_argument("--metagraph-256", action="store_true", help="time the metagraph of a 256-uid subnet")
    opts = parser.parse_args()
    runs = opts.runs or (20 if opts.metagraph_256 else 10)
    binary = Path(os.environ.get("CORTEX_BIN", "target/release/cortex"))
    if not binary.is_absolute():
        binary = REPO / binary
    if not binary.exists():
        raise SystemExit(f"{binary} does not exist: build it with `cargo build --release -p cortex-cli`")
    workdir = Path(tempfile.mkdtemp(prefix="cortex-cli-perf-"))
    node = Node(binary, workdir)
    node.start()
    try:
        if opts.metagraph_256:
            return metagraph_256(node, workdir, binary, runs)
        return latency(node, workdir, binary, runs)
    finally:
        node.stop()


if __name__ == "__main__":
    try:
        code = main()
    except SystemExit as e:
        if e.code is not None and not isinstance(e.code, int):
            print(e.code, file=sys.stderr)
        code = e.code if isinstance(e.code, int) else 1
    sys.stdout.flush()
    # The SDK's websocket layer can leave non-daemon threads behind; do not wait for them.
    os._exit(code)
