#!/usr/bin/env python3
"""The reference subnet across languages: bittensor 10.5.0's miner and validator
(examples/python/digits_*.py) join the subnet `cortex localnet` runs, both directions:

  (a) our Rust validator queries the Python miner and weighs it on chain;
  (b) the Python validator queries our Rust miners (status 200, correct answers) and weighs
      them on chain.

The localnet process runs 2 Rust miners and 1 Rust validator on its own port; the Python
neurons register with the SDK (funded by //Alice), then run as separate processes. Every
process is stopped in `finally`. test_node.py runs this test; `python subnet_interop.py` runs
it alone (CORTEX_BIN as for the other tests).
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import REPO, TestFailure, check, dev_wallet, free_port  # noqa: E402

import bittensor as bt  # noqa: E402
from bittensor_wallet import Keypair, Wallet  # noqa: E402

EXAMPLES = REPO / "examples" / "python"
WAIT = 90  # seconds for both directions to show on chain


def _binary() -> Path:
    b = Path(os.environ.get("CORTEX_BIN", "target/release/cortex"))
    return b if b.is_absolute() else REPO / b


def _wallet(root: Path, name: str, cold_uri: str, hot_uri: str) -> Wallet:
    w = Wallet(name=name, hotkey="default", path=str(root))
    ck = Keypair.create_from_uri(cold_uri)
    w.set_coldkey(ck, encrypt=False, overwrite=True)
    w.set_coldkeypub(ck, encrypt=False, overwrite=True)
    w.set_hotkey(Keypair.create_from_uri(hot_uri), encrypt=False, overwrite=True)
    return w


def _weights_of(sub, netuid: int) -> dict:
    return {uid: dict(row) for uid, row in sub.weights(netuid=netuid)}


def test_python_neurons_join_our_subnet(ctx=None):
    """bittensor 10.5.0's digits miner and validator take part in cortex localnet's subnet, both directions"""
    work = Path(tempfile.mkdtemp(prefix="cortex-subnet-interop-"))
    binary = _binary()
    data = work / "digits.json"
    subprocess.run([str(binary), "localnet", "export-digits", "--out", str(data)], check=True, timeout=60)
    port = free_port()
    url = f"ws://127.0.0.1:{port}"
    procs = []
    logs = {}

    def spawn(name, cmd):
        log = open(work / f"{name}.log", "wb")
        logs[name] = work / f"{name}.log"
        p = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=str(EXAMPLES))
        procs.append(p)
        return p

    def tail(name, n=30):
        try:
            return "\n".join(logs[name].read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    try:
        spawn("localnet", [str(binary), "localnet", "--miners", "2", "--validators", "1", "--no-tui",
                           "--rpc-port", str(port), "--duration", "150"])
        deadline = time.monotonic() + 90
        while "running 2 miners" not in tail("localnet", 200):
            check(time.monotonic() < deadline, f"localnet did not start within 90 s:\n{tail('localnet')}")
            check(procs[0].poll() is None, f"localnet exited:\n{tail('localnet')}")
            time.sleep(0.3)

        sub = bt.Subtensor(network=url)
        alice = dev_wallet(work / "wallets", "//Alice")
        miner = _wallet(work / "wallets", "pyminer", "//PyMiner", "//PyMiner//hotkey")
        validator = _wallet(work / "wallets", "pyvalidator", "//PyValidator", "//PyValidator//hotkey")
        for w in (miner, validator):
            r = sub.transfer(wallet=alice, destination_ss58=w.coldkeypub.ss58_address, amount=bt.Balance.from_tao(300),
                             mev_protection=False, wait_for_inclusion=True, wait_for_finalization=True)
            check(r.success, f"funding {w.name}: {r.message}")
            r = sub.burned_register(wallet=w, netuid=1, mev_protection=False)
            check(r.success, f"registering {w.name}: {r.message}")
        r = sub.add_stake(wallet=validator, netuid=1, hotkey_ss58=validator.hotkey.ss58_address,
                          amount=bt.Balance.from_tao(100), mev_protection=False)
        check(r.success, f"staking the Python validator: {r.message}")

        common = ["--url", url, "--netuid", "1", "--data", str(data)]
        spawn("pyminer", [sys.executable, "digits_miner.py", *common, "--coldkey-uri", "//PyMiner",
                          "--hotkey-uri", "//PyMiner//hotkey", "--port", str(free_port()), "--duration", "120"])
        spawn("pyvalidator", [sys.executable, "digits_validator.py", *common, "--coldkey-uri", "//PyValidator",
                              "--hotkey-uri", "//PyValidator//hotkey", "--round-interval", "0.5", "--duration", "120"])

        meta = sub.metagraph(1)
        uid_of = {hk: uid for uid, hk in enumerate(meta.hotkeys)}
        ours_v = uid_of[Keypair.create_from_uri("//localnet//validator0//hotkey").ss58_address]
        ours_m = [uid_of[Keypair.create_from_uri(f"//localnet//miner{i}//hotkey").ss58_address] for i in range(2)]
        py_m = uid_of[miner.hotkey.ss58_address]
        py_v = uid_of[validator.hotkey.ss58_address]
        deadline = time.monotonic() + WAIT
        a = b = False
        while time.monotonic() < deadline and not (a and b):
            for p, name in zip(procs, ("localnet", "pyminer", "pyvalidator")):
                check(p.poll() is None, f"{name} exited:\n{tail(name)}")
            w = _weights_of(sub, 1)
            a = w.get(ours_v, {}).get(py_m, 0) > 0
            b = all(w.get(py_v, {}).get(m, 0) > 0 for m in ours_m)
            time.sleep(1)
        check(a, f"our validator (uid {ours_v}) never weighed the Python miner (uid {py_m}): "
                 f"{_weights_of(sub, 1)}\n--- pyminer ---\n{tail('pyminer')}")
        check(b, f"the Python validator (uid {py_v}) never weighed our miners {ours_m}: "
                 f"{_weights_of(sub, 1)}\n--- pyvalidator ---\n{tail('pyvalidator')}")
        # The Python validator saw our miners answer correctly (scores are accuracies).
        rounds = [json.loads(l) for l in logs["pyvalidator"].read_text().splitlines() if l.startswith("{")]
        last = [r for r in rounds if r.get("event") == "round"][-1]
        for m in ours_m:
            check(last["status"].get(str(m)) == 200, f"our miner {m} answered {last['status']}")
        check(last["scores"].get(str(ours_m[0]), 0) > 0.3, f"our knn miner scored {last['scores']}")
        print(f"   our validator weighs the Python miner; the Python validator scores our miners {last['scores']}")
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()


SUBNET_TESTS = [test_python_neurons_join_our_subnet]

if __name__ == "__main__":
    try:
        test_python_neurons_join_our_subnet()
    except TestFailure as e:
        print(f"FAIL: {e}")
        sys.exit(1)
    print("ok")
