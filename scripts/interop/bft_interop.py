#!/usr/bin/env python3
"""bittensor 10.5.0 against a chain of four `cortex node` validators under simplex BFT.

`cortex chain-spec new` makes the spec and keys; four nodes start from it on 127.0.0.1. The
SDK submits a transfer through one validator and waits for finality there; then an SDK client
on every validator must see the same finalized head (hash for hash at a common height), the
same balances, and decode the blocks' header logs (the consensus link, a pre-runtime digest
item, with the type from the metadata). test_node.py runs this test; `python bft_interop.py`
runs it alone (CORTEX_BIN as for the other tests).
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import REPO, TestFailure, check, free_port  # noqa: E402

import bittensor as bt  # noqa: E402
from bittensor_wallet import Keypair, Wallet  # noqa: E402

N = 4


def _binary() -> Path:
    b = Path(os.environ.get("CORTEX_BIN", "target/release/cortex"))
    return b if b.is_absolute() else REPO / b


def _free_run(n: int) -> int:
    import socket

    for _ in range(200):
        base = free_port()
        if base > 65000:
            continue
        socks = []
        try:
            for i in range(n):
                s = socket.socket()
                s.bind(("127.0.0.1", base + i))
                socks.append(s)
            return base
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise TestFailure(f"no run of {n} free ports")


def _wait(what: str, limit: float, done) -> None:
    deadline = time.time() + limit
    while not done():
        if time.time() > deadline:
            raise TestFailure(f"timed out waiting: {what}")
        time.sleep(0.2)


def test_sdk_sees_one_finalized_chain_on_every_validator(ctx=None):
    """the SDK on each of four BFT validators: one finalized chain, transfers through any node"""
    work = Path(tempfile.mkdtemp(prefix="cortex-bft-interop-"))
    binary = _binary()
    p2p = _free_run(N)
    subprocess.run(
        [str(binary), "chain-spec", "new", "--validators", str(N), "--p2p-base-port", str(p2p), "--out", str(work)],
        check=True,
        timeout=60,
        capture_output=True,
    )
    procs, ports, logs = [], [], []
    try:
        for i in range(1, N + 1):
            port = free_port()
            log = open(work / f"node-{i}.log", "w")
            logs.append(log)
            procs.append(
                subprocess.Popen(
                    [
                        str(binary), "node",
                        "--chain", str(work / "chain-spec.json"),
                        "--validator-key", str(work / f"validator-{i}.key"),
                        "--base-path", str(work / f"node-{i}"),
                        "--rpc-port", str(port),
                    ],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            ports.append(port)
        subs = []
        for port in ports:
            deadline = time.time() + 60
            while True:
                try:
                    subs.append(bt.Subtensor(network=f"ws://127.0.0.1:{port}"))
                    break
                except Exception:
                    if time.time() > deadline:
                        raise
                    time.sleep(0.3)
        _wait("every validator finalizes 3 blocks", 60, lambda: all(sub.get_current_block() >= 3 for sub in subs))

        alice = Keypair.create_from_uri("//Alice")
        wallet = Wallet(name="alice", hotkey="default", path=str(work / "wallets"))
        wallet.set_coldkey(alice, encrypt=False, overwrite=True)
        wallet.set_coldkeypub(alice, encrypt=False, overwrite=True)
        dest = Keypair.create_from_uri("//Eve").ss58_address
        before = [sub.get_balance(dest).rao for sub in subs]
        check(len(set(before)) == 1, f"the validators disagree on Eve's balance before: {before}")
        t0 = time.time()
        r = subs[1].transfer(
            wallet=wallet,
            destination_ss58=dest,
            amount=bt.Balance.from_tao(7),
            wait_for_inclusion=True,
            wait_for_finalization=True,
        )
        took = time.time() - t0
        check(r.success, f"the transfer through validator 2 failed: {r.message}")
        print(f"   transfer through validator 2 final in {took:.2f} s")
        want = before[0] + 7 * 10**9
        _wait("Eve's balance on every validator", 20, lambda: all(sub.get_balance(dest).rao == want for sub in subs))

        # One chain: the finalized heads, and the hashes at the lowest of them.
        heads = [sub.substrate.get_chain_finalised_head() for sub in subs]
        numbers = [sub.substrate.get_block_number(h) for sub, h in zip(subs, heads)]
        low = min(numbers)
        at_low = [sub.substrate.get_block_hash(low) for sub in subs]
        check(len(set(at_low)) == 1, f"different blocks at #{low}: {at_low}")
        # The SDK decodes the header logs (the consensus link) with the metadata's DigestItem.
        block = subs[3].substrate.get_block(block_hash=at_low[0])
        logs_ = block["header"]["digest"]["logs"]
        check(len(logs_) == 1 and "PreRuntime" in str(logs_[0].value), f"header logs: {logs_}")
        for sub in subs:
            sub.close()
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        for log in logs:
            log.close()
    codes = [p.returncode for p in procs]
    if any(c != 0 for c in codes):
        tails = "\n".join((work / f"node-{i}.log").read_text()[-2000:] for i in range(1, N + 1))
        raise TestFailure(f"validators exited {codes}:\n{tails}")


BFT_TESTS = [test_sdk_sees_one_finalized_chain_on_every_validator]

if __name__ == "__main__":
    try:
        test_sdk_sees_one_finalized_chain_on_every_validator()
    except TestFailure as e:
        print(f"FAIL: {e}")
        sys.exit(1)
    print("ok")
    os._exit(0)
