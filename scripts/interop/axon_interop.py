#!/usr/bin/env python3
"""Interop of Cortex's synapse protocol (crates/axon) with bittensor 10.5.0's Axon and Dendrite,
both directions:

  (a) a Python `bt.Axon` serving a custom `bt.Synapse` answers our dendrite
      (crates/axon/examples/dendrite_call.rs);
  (b) our axon (crates/axon/examples/echo_axon.rs) answers bittensor's `bt.Dendrite`.

Each direction also checks a refusal (a hotkey the blacklist does not know gets 403), so the
status codes, not only the happy path, agree. The tests need no chain: bittensor's Axon applies
only the blacklist it is given, and ours reads the hotkeys it is told to admit.

The example binaries sit beside the cortex binary: $CORTEX_BIN's directory + /examples (build
them with `cargo build [--release] -p cortex-axon --examples`), or $CORTEX_AXON_EXAMPLES.
test_node.py runs these tests; `python axon_interop.py` runs them alone.
"""

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import ClassVar, Optional, Tuple

from common import REPO, TestFailure, check, free_port, port_open  # noqa: E402

import bittensor as bt  # noqa: E402
from bittensor.utils import networking  # noqa: E402
from bittensor_wallet import Keypair, Wallet  # noqa: E402

# bittensor's Dendrite asks public web services for its external IP; offline that stalls. Any
# address other than the axon's keeps the URL at the axon's own IP.
networking.get_external_ip = lambda: "192.0.2.1"

VALIDATOR = "//Validator"
STRANGER = "//Stranger"
MINER = "//Miner"
CALL_TIMEOUT = 20  # seconds for one example-binary run


class Predict(bt.Synapse):
    """The interop synapse; `features` has no default, so it travels as an input_obj header too,
    and `meta` is a hashed dict whose keys are not in sorted order (the hash follows the bytes)."""

    features: list[float]
    meta: dict[str, float] = {}
    prediction: Optional[float] = None
    required_hash_fields: ClassVar[tuple[str, ...]] = ("features", "meta")


def examples_dir() -> Path:
    override = os.environ.get("CORTEX_AXON_EXAMPLES")
    if override:
        return Path(override)
    return (REPO / os.environ.get("CORTEX_BIN", "target/release/cortex")).parent / "examples"


def example(name: str) -> Path:
    path = examples_dir() / name
    check(path.exists(), f"{path} is missing: run `cargo build -p cortex-axon --examples` first")
    return path


def ss58(uri: str) -> str:
    return Keypair.create_from_uri(uri).ss58_address


def hotkey_wallet(root: Path, uri: str) -> Wallet:
    kp = Keypair.create_from_uri(uri)
    w = Wallet(name=uri.strip("/").lower(), hotkey="default", path=str(root))
    w.set_hotkey(kp, encrypt=False, overwrite=True)
    w.set_coldkey(kp, encrypt=False, overwrite=True)
    w.set_coldkeypub(kp, encrypt=False, overwrite=True)
    return w


def wait_port(port: int, proc=None, seconds: float = 15.0) -> None:
    import time

    deadline = time.time() + seconds
    while time.time() < deadline:
        if port_open(port):
            return
        if proc is not None and proc.poll() is not None:
            raise TestFailure(f"the server exited with {proc.returncode} before listening")
        time.sleep(0.05)
    raise TestFailure(f"nothing listens on port {port} after {seconds}s")


def dendrite_call(port: int, axon_hotkey: str, uri: str, features: str) -> dict:
    out = subprocess.run(
        [str(example("dendrite_call")), "--port", str(port), "--axon-hotkey", axon_hotkey,
         "--uri", uri, "--features", features],
        capture_output=True, text=True, timeout=CALL_TIMEOUT,
    )
    check(out.returncode == 0, f"dendrite_call failed ({out.returncode}): {out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_python_axon_answers_cortex_dendrite(ctx):
    """A bittensor 10.5.0 Axon with a custom Synapse answers Cortex's dendrite (200 and 403)."""
    workdir = Path(ctx.workdir) if ctx is not None else Path(os.environ.get("TMPDIR", "/tmp"))
    wallet = hotkey_wallet(workdir / "axon-interop-wallets", MINER)
    allowed = ss58(VALIDATOR)

    def forward(synapse: Predict) -> Predict:
        synapse.prediction = 2.0 * sum(synapse.features)
        return synapse

    def blacklist(synapse: Predict) -> Tuple[bool, str]:
        if synapse.dendrite.hotkey != allowed:
            return True, f"unknown hotkey {synapse.dendrite.hotkey}"
        return False, "allowed"

    port = free_port()
    axon = bt.Axon(wallet=wallet, port=port, ip="127.0.0.1", external_ip="127.0.0.1")
    axon.attach(forward_fn=forward, blacklist_fn=blacklist)
    axon.start()
    try:
        wait_port(port)
        ok = dendrite_call(port, wallet.hotkey.ss58_address, VALIDATOR, "1.5,2.0,0.25")
        check(ok["status_code"] == 200, f"Python axon answered {ok}")
        check(ok["prediction"] == 7.5, f"prediction {ok['prediction']}, expected 7.5")
        check(ok["axon_hotkey"] == wallet.hotkey.ss58_address, f"axon hotkey {ok['axon_hotkey']}")
        # Floats whose Python repr differs from their JSON text: the body hash is over str().
        odd = dendrite_call(port, wallet.hotkey.ss58_address, VALIDATOR, "1e-05,1e16,0.1,-0.0,123456.789")
        check(odd["status_code"] == 200, f"Python axon answered {odd} to floats in scientific notation")
        refused = dendrite_call(port, wallet.hotkey.ss58_address, STRANGER, "1.0")
        check(refused["status_code"] == 403, f"a stranger got {refused}, expected 403")
        check("Forbidden. Key is blacklisted" in (refused["status_message"] or ""), f"{refused}")
    finally:
        axon.stop()


def test_cortex_axon_answers_python_dendrite(ctx):
    """Cortex's axon answers a bittensor 10.5.0 Dendrite (200, and 403 for an unknown hotkey)."""
    port = free_port()
    proc = subprocess.Popen(
        [str(example("echo_axon")), "--port", str(port), "--uri", MINER, "--allow", ss58(VALIDATOR)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = proc.stdout.readline().split()
        check(len(line) == 3 and line[0] == "listening", f"echo_axon said {line}")
        axon_hotkey = line[2]
        check(axon_hotkey == ss58(MINER), f"echo_axon hotkey {axon_hotkey}")
        info = bt.AxonInfo(version=bt.core.settings.version_as_int, ip="127.0.0.1", port=port, ip_type=4,
                           hotkey=axon_hotkey, coldkey=axon_hotkey)

        async def ask(uri: str, features):
            d = bt.Dendrite(wallet=Keypair.create_from_uri(uri))
            try:
                return await d.call(target_axon=info, synapse=Predict(features=features, meta={"zeta": 1.0, "alpha": 2.0}), timeout=5.0,
                                    deserialize=False)
            finally:
                await d.aclose_session()

        ok = asyncio.run(ask(VALIDATOR, [1.5, 2.0, 0.25]))
        check(ok.is_success, f"Cortex axon answered {ok.dendrite.status_code} {ok.dendrite.status_message}")
        check(ok.prediction == 3.75, f"prediction {ok.prediction}, expected 3.75")
        check(ok.axon.hotkey == axon_hotkey, f"axon hotkey {ok.axon.hotkey}")
        check(ok.axon.status_message == "Success", f"axon status message {ok.axon.status_message}")
        check(ok.axon.signature and ok.axon.signature.startswith("0x"), f"axon signature {ok.axon.signature}")
        # The axon's signature over nonce.dendrite.axon.uuid verifies with bittensor's Keypair.
        message = f"{ok.axon.nonce}.{ok.dendrite.hotkey}.{ok.axon.hotkey}.{ok.axon.uuid}"
        check(Keypair(ss58_address=axon_hotkey).verify(message, ok.axon.signature), "axon signature does not verify")
        refused = asyncio.run(ask(STRANGER, [1.0]))
        check(refused.is_blacklist, f"a stranger got {refused.dendrite.status_code} {refused.dendrite.status_message}")
        check("Forbidden. Key is blacklisted" in (refused.dendrite.status_message or ""), f"{refused.dendrite}")
    finally:
        proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise TestFailure("echo_axon did not stop when its stdin closed")


AXON_TESTS = [test_python_axon_answers_cortex_dendrite, test_cortex_axon_answers_python_dendrite]


if __name__ == "__main__":
    failed = 0
    for test in AXON_TESTS:
        try:
            test(None)
            print(f"ok   {test.__name__}", flush=True)
        except Exception as e:  # noqa: BLE001
            failed += 1
            print(f"FAIL {test.__name__}: {type(e).__name__}: {e}", flush=True)
    print(f"axon interop: {len(AXON_TESTS) - failed} passed, {failed} failed")
    os._exit(1 if failed else 0)
