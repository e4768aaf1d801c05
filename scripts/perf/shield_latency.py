#!/usr/bin/env python3
"""Time from submission to inclusion of a `stake add`, shielded (MEV shield) and not.

    CORTEX_BIN=target/release/cortex target/interop-venv/bin/python scripts/perf/shield_latency.py [RUNS]

Runs with the interop virtualenv's python (bittensor 10.5.0). Starts `cortex node --dev` on a
free port, registers and starts a subnet with //Alice, then alternates RUNS unshielded and RUNS
shielded `add_stake` calls of 0.1 TAO from //Bob to //Alice's subnet hotkey through the SDK
(`mev_protection=False` / `True`), each timed from the call until the SDK reports the stake
included (for the shielded one: until the decrypted inner extrinsic has run). Prints the median,
the 90th percentile and the worst of each, and checks that every call staked. Figures go to
docs/benchmarks.md.
"""
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "interop"))

from common import REPO, Balance, Node, bittensor  # noqa: E402
from btcli_flow import btcli_wallet  # noqa: E402


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    binary = Path(os.environ.get("CORTEX_BIN", "target/release/cortex"))
    if not binary.is_absolute():
        binary = REPO / binary
    workdir = Path(tempfile.mkdtemp(prefix="cortex-shield-perf-"))
    node = Node(binary, workdir)
    node.start()
    try:
        sub = bittensor.Subtensor(network=node.url)
        owner = btcli_wallet(workdir / "wallets", "owner", "//Alice", "//Alice//perf-owner")
        staker = btcli_wallet(workdir / "wallets", "staker", "//Bob", "//Bob//perf-staker")
        before = set(sub.get_all_subnets_netuid())
        assert sub.register_subnet(owner, mev_protection=False).success, "register_subnet failed"
        (netuid,) = set(sub.get_all_subnets_netuid()) - before
        assert sub.start_call(owner, netuid, mev_protection=False).success, "start_call failed"
        hotkey = owner.hotkey.ss58_address
        times = {False: [], True: []}
        for i in range(2 * runs):
            shielded = i % 2 == 1
            stake0 = sub.get_stake(staker.coldkeypub.ss58_address, hotkey, netuid).rao
            t0 = time.perf_counter()
            r = sub.add_stake(
                wallet=staker,
                netuid=netuid,
                hotkey_ss58=hotkey,
                amount=Balance.from_tao(0.1),
                mev_protection=shielded,
                wait_for_inclusion=True,
                wait_for_finalization=True,
            )
            elapsed = time.perf_counter() - t0
            assert r.success, f"add_stake (shielded={shielded}) failed: {r.message}"
            stake1 = sub.get_stake(staker.coldkeypub.ss58_address, hotkey, netuid).rao
            assert stake1 > stake0, f"add_stake (shielded={shielded}) staked nothing"
            times[shielded].append(elapsed)
        for shielded, label in ((False, "unshielded"), (True, "shielded")):
            t = sorted(times[shielded])
            p90 = t[min(len(t) - 1, int(0.9 * len(t)))]
            print(
                f"{label:>10}: {len(t)} calls, median {statistics.median(t) * 1000:.0f} ms, "
                f"p90 {p90 * 1000:.0f} ms, worst {t[-1] * 1000:.0f} ms"
            )
        sub.close()
    finally:
        node.stop()
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)
