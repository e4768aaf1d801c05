#!/usr/bin/env python3
"""Wallets: `cortex wallet` and the real bittensor-wallet 4.x open each other's files.

1. A wallet made by `cortex wallet create` (password-encrypted coldkey, plaintext hotkey) opens in
   bittensor-wallet with the same coldkey and hotkey addresses; so do keys `cortex wallet import`
   writes from URIs (bittensor then loads them from `privateKey` alone). Messages signed by
   `cortex wallet sign` verify with bittensor's `Keypair.verify`, and bittensor's signatures
   (raw and `<Bytes>`-wrapped) verify with `cortex wallet verify`.
2. A wallet made by bittensor-wallet with a password is shown by `cortex wallet show` with the
   same addresses and signs through `cortex wallet sign`.
3. Refusals: a wrong password exits non-zero, says the password is wrong and changes no file; an
   existing wallet without --overwrite is refused and nothing changes; a missing wallet's message
   names its path.

None of this needs a node. test_node.py runs WALLET_TESTS with the others (the node is up but
unused); run this file alone for just these, with the interop venv's python:

    CORTEX_BIN=target/release/cortex target/interop-venv/bin/python scripts/interop/wallet_interop.py
"""

import json
import os
import subprocess
import sys
import tempfile
import shutil
import traceback
from pathlib import Path

import bittensor as bt
from common import BOB as BOB_SS58, REPO, Keypair, TestFailure, Wallet, check

# A password-encrypted key costs one Argon2i at 512 MiB per open (about a second each side).
CORTEX_TIMEOUT = 120
PASSWORD = "interop-password-1"


def cortex_bin() -> Path:
    binary = Path(os.environ.get("CORTEX_BIN", "target/release/cortex"))
    return binary if binary.is_absolute() else REPO / binary


def run_cortex(args: list, password=None, expect_ok=True) -> subprocess.CompletedProcess:
    """`cortex wallet ARGS --json`, with CORTEX_PASSWORD set to `password` (or unset) and no
    terminal (stdin is /dev/null), so it never waits on a prompt. Checks the exit code against
    `expect_ok` and that stdout is exactly one JSON document; `.doc` holds it."""
    env = dict(os.environ)
    env.pop("CORTEX_PASSWORD", None)
    env.pop("CORTEX_WALLET_PATH", None)
    if password is not None:
        env["CORTEX_PASSWORD"] = password
    cmd = [str(cortex_bin()), "wallet", *args, "--json"]
    print(f"  $ {' '.join(cmd)}", flush=True)
    cp = subprocess.run(
        cmd, env=env, capture_output=True, text=True, timeout=CORTEX_TIMEOUT, stdin=subprocess.DEVNULL, start_new_session=True
    )
    ok = cp.returncode == 0
    if ok != expect_ok:
        raise TestFailure(
            f"cortex exited {cp.returncode} (expected {'0' if expect_ok else 'non-zero'})\n"
            f"--- stdout ---\n{cp.stdout}\n--- stderr ---\n{cp.stderr}"
        )
    try:
        cp.doc = json.loads(cp.stdout)
    except json.JSONDecodeError as e:
        raise TestFailure(f"cortex --json printed something that is not one JSON document ({e}): {cp.stdout!r}")
    return cp


def snapshot(root: Path) -> dict:
    """Every file under `root` with its bytes, to show that a refused command changed nothing."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_wallet_cortex_to_bittensor(ctx):
    """A wallet made by `cortex wallet create` opens in bittensor-wallet; signatures cross both ways."""
    root = ctx.workdir / "wallet-interop-cortex"
    made = run_cortex(["create", "--wallet-path", str(root), "--name", "made", "--hotkey", "default"], password=PASSWORD).doc
    cold_ss58, hot_ss58 = made["coldkey_ss58"], made["hotkey_ss58"]
    check(made["encrypted"] is True, f"the coldkey was not encrypted: {made}")
    check(len(made["mnemonic"].split()) == 12 and len(made["hotkey_mnemonic"].split()) == 12, f"mnemonics: {made}")
    check(Keypair.create_from_mnemonic(made["mnemonic"]).ss58_address == cold_ss58, "bittensor derives another coldkey from the printed mnemonic")
    check(Keypair.create_from_mnemonic(made["hotkey_mnemonic"]).ss58_address == hot_ss58, "bittensor derives another hotkey from the printed mnemonic")
    check((root / "made" / "coldkey").read_bytes().startswith(b"$NACL"), "the coldkey file is not $NACL")

    w = Wallet(name="made", hotkey="default", path=str(root))
    check(w.coldkeypub.ss58_address == cold_ss58, f"bittensor's coldkeypub {w.coldkeypub.ss58_address} != {cold_ss58}")
    cold = w.get_coldkey(PASSWORD)
    check(cold.ss58_address == cold_ss58, f"bittensor decrypts coldkey {cold.ss58_address} != {cold_ss58}")
    check(w.hotkey.ss58_address == hot_ss58, f"bittensor's hotkey {w.hotkey.ss58_address} != {hot_ss58}")
    check(w.hotkeypub.ss58_address == hot_ss58, f"bittensor's hotkeypub {w.hotkeypub.ss58_address} != {hot_ss58}")
    print(f"  bittensor opens cortex's wallet: coldkey {cold_ss58}, hotkey {hot_ss58}")

    # cortex signs, bittensor verifies (coldkey with its password, hotkey in plaintext).
    message = "cortex interop: sign me"
    signed = run_cortex(["sign", "--wallet-path", str(root), "--name", "made", "--message", message], password=PASSWORD).doc
    check(signed["ss58"] == cold_ss58, f"signed by {signed['ss58']}, not the coldkey")
    check(Keypair(ss58_address=cold_ss58).verify(message, signed["signature"]), "bittensor rejects cortex's coldkey signature")
    check(not Keypair(ss58_address=cold_ss58).verify(message + "!", signed["signature"]), "bittensor accepts the signature for another message")
    hot_signed = run_cortex(["sign", "--wallet-path", str(root), "--name", "made", "--hotkey", "default", "--message", message]).doc
    check(Keypair(ss58_address=hot_ss58).verify(message, hot_signed["signature"]), "bittensor rejects cortex's hotkey signature")

    # bittensor signs, cortex verifies: raw, <Bytes>-wrapped, and a forgery refused.
    raw = "0x" + cold.sign(message).hex()
    wrapped = "0x" + cold.sign(f"<Bytes>{message}</Bytes>").hex()
    for sig in (raw, wrapped):
        doc = run_cortex(["verify", "--ss58", cold_ss58, "--message", message, "--signature", sig]).doc
        check(doc.get("valid") is True, f"cortex verify: {doc}")
    bad = run_cortex(["verify", "--ss58", hot_ss58, "--message", message, "--signature", raw], expect_ok=False).doc
    check("does not verify" in bad.get("error", ""), f"a signature by another key: {bad}")

    # Keys imported from URIs carry only privateKey: bittensor must load them from it alone.
    run_cortex(
        ["import", "--wallet-path", str(root), "--name", "uri", "--uri", "//Alice//interop", "--no-password", "--hotkey", "h", "--hotkey-uri", "//Alice//interop//h"]
    )
    data = json.loads((root / "uri" / "coldkey").read_text())
    check("secretPhrase" not in data and "secretSeed" not in data and "privateKey" in data, f"URI coldkey fields: {sorted(data)}")
    u = Wallet(name="uri", hotkey="h", path=str(root))
    want_cold = Keypair.create_from_uri("//Alice//interop")
    want_hot = Keypair.create_from_uri("//Alice//interop//h")
    check(u.coldkey.ss58_address == want_cold.ss58_address, f"bittensor loads {u.coldkey.ss58_address} from cortex's URI coldkey")
    check(u.hotkey.ss58_address == want_hot.ss58_address, f"bittensor loads {u.hotkey.ss58_address} from cortex's URI hotkey")
    sig = "0x" + u.coldkey.sign(message).hex()
    doc = run_cortex(["verify", "--ss58", want_cold.ss58_address, "--message", message, "--signature", sig]).doc
    check(doc.get("valid") is True, "bittensor's signature with cortex's privateKey does not verify")


def bittensor_made_wallet(root: Path, name: str = "made-by-bittensor") -> Wallet:
    """A wallet made by bittensor-wallet: a password-encrypted coldkey and a plaintext hotkey
    `default`, from fresh mnemonics (as `btcli wallet create` makes them)."""
    w = Wallet(name=name, hotkey="default", path=str(root))
    w.create_new_coldkey(n_words=12, use_password=True, overwrite=True, suppress=True, coldkey_password=PASSWORD)
    w.create_new_hotkey(n_words=12, use_password=False, overwrite=True, suppress=True)
    return w


def test_wallet_bittensor_to_cortex(ctx):
    """A wallet made by bittensor-wallet with a password is shown and signs through `cortex wallet`."""
    root = ctx.workdir / "wallet-interop-bittensor"
    w = bittensor_made_wallet(root)
    cold_ss58, hot_ss58 = w.coldkeypub.ss58_address, w.hotkey.ss58_address
    shown = run_cortex(["show", "--wallet-path", str(root), "--name", w.name]).doc
    check(shown["coldkey_ss58"] == cold_ss58, f"cortex shows coldkey {shown['coldkey_ss58']}, bittensor {cold_ss58}")
    check(shown["coldkey_encrypted"] is True, f"cortex does not see the coldkey as encrypted: {shown}")
    hotkeys = {h["name"]: h["ss58"] for h in shown["hotkeys"]}
    check(hotkeys == {"default": hot_ss58}, f"cortex shows hotkeys {hotkeys}, bittensor default={hot_ss58}")
    listed = run_cortex(["list", "--wallet-path", str(root)]).doc
    check([x["coldkey_ss58"] for x in listed["wallets"]] == [cold_ss58], f"cortex wallet list: {listed}")

    message = "signed by cortex with bittensor's coldkey"
    signed = run_cortex(["sign", "--wallet-path", str(root), "--name", w.name, "--message", message], password=PASSWORD).doc
    check(signed["ss58"] == cold_ss58, f"cortex unlocked {signed['ss58']}, not {cold_ss58}")
    check(Keypair(ss58_address=cold_ss58).verify(message, signed["signature"]), "bittensor rejects the signature cortex made with its coldkey")
    hot_signed = run_cortex(["sign", "--wallet-path", str(root), "--name", w.name, "--hotkey", "default", "--message", message]).doc
    check(Keypair(ss58_address=hot_ss58).verify(message, hot_signed["signature"]), "bittensor rejects the signature cortex made with its hotkey")

    # A transfer signed by this bittensor-made coldkey through `cortex transfer`: fund it from
    # //Alice with the SDK, send part back through cortex, and check both balances move exactly.
    # (Run alone, without test_node.py's node, the wallet tests stop here.)
    if not hasattr(ctx, "node"):
        print("  (no node: the transfer through cortex is checked under test_node.py)")
        return
    funded = ctx.sub.transfer(
        wallet=ctx.alice, destination_ss58=cold_ss58, amount=bt.Balance.from_tao(3),
        wait_for_inclusion=True, wait_for_finalization=True,
    )
    check(funded.success, f"funding the bittensor-made coldkey failed: {funded.message}")
    before_cold = ctx.sub.get_balance(cold_ss58).rao
    before_bob = ctx.sub.get_balance(BOB_SS58).rao
    env = dict(os.environ, CORTEX_PASSWORD=PASSWORD)
    cmd = [str(cortex_bin()), "transfer", "--url", ctx.node.url, "--wallet-path", str(root), "--name", w.name,
           "--dest", BOB_SS58, "--amount", "1.25", "--json"]
    print(f"  $ {' '.join(cmd)}", flush=True)
    cp = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=CORTEX_TIMEOUT,
                        stdin=subprocess.DEVNULL, start_new_session=True)
    check(cp.returncode == 0, f"cortex transfer failed: {cp.stdout} {cp.stderr}")
    sent = json.loads(cp.stdout)
    check(sent["from"] == cold_ss58 and sent["amount_rao"] == 1_250_000_000, f"cortex transfer reported {sent}")
    after_bob = ctx.sub.get_balance(BOB_SS58).rao
    after_cold = ctx.sub.get_balance(cold_ss58).rao
    check(after_bob - before_bob == 1_250_000_000, f"Bob received {after_bob - before_bob} rao, not 1.25 TAO")
    check(before_cold - after_cold == 1_250_000_000 + sent["fee_rao"],
          f"the coldkey paid {before_cold - after_cold} rao for 1.25 TAO and a {sent['fee_rao']} rao fee")


def test_wallet_refusals_change_nothing(ctx):
    """Wrong password, existing wallet without --overwrite, missing wallet: clear refusals, no file changed."""
    root = ctx.workdir / "wallet-interop-refusals"
    run_cortex(["create", "--wallet-path", str(root), "--name", "w", "--hotkey", "default"], password=PASSWORD)
    before = snapshot(root)

    wrong = run_cortex(["sign", "--wallet-path", str(root), "--name", "w", "--message", "x"], password="not-the-password", expect_ok=False)
    check("the password is wrong" in wrong.stderr, f"wrong password message: {wrong.stderr!r}")
    check(str(root / "w" / "coldkey") in wrong.doc.get("error", ""), f"the message does not name the coldkey file: {wrong.doc}")
    check(snapshot(root) == before, "a wrong password changed a file")

    # No password at all and no terminal: refused, not hung on a prompt.
    nopw = run_cortex(["sign", "--wallet-path", str(root), "--name", "w", "--message", "x"], expect_ok=False)
    check("CORTEX_PASSWORD" in nopw.stderr, f"no-password message: {nopw.stderr!r}")

    for args in (["create", "--name", "w"], ["create", "--name", "w", "--hotkey", "other"], ["new-hotkey", "--name", "w", "--hotkey", "default"], ["import", "--name", "w", "--uri", "//Bob", "--no-password"]):
        refused = run_cortex([*args, "--wallet-path", str(root)], password=PASSWORD, expect_ok=False)
        check("already exists" in refused.stderr and "--overwrite" in refused.stderr, f"{args}: {refused.stderr!r}")
        check(snapshot(root) == before, f"{args} without --overwrite changed the wallet")

    missing = root / "nobody"
    gone = run_cortex(["show", "--wallet-path", str(root), "--name", "nobody"], expect_ok=False)
    check(str(missing) in gone.stderr and "cortex wallet create --name nobody" in gone.stderr, f"missing wallet: {gone.stderr!r}")
    gone = run_cortex(["sign", "--wallet-path", str(root), "--name", "nobody", "--message", "x"], password=PASSWORD, expect_ok=False)
    check(str(missing / "coldkey") in gone.stderr, f"missing coldkey: {gone.stderr!r}")
    check(not missing.exists(), "reading a missing wallet created it")

    # bittensor still opens the untouched wallet with the original password.
    w = Wallet(name="w", hotkey="default", path=str(root))
    check(w.get_coldkey(PASSWORD).ss58_address == w.coldkeypub.ss58_address, "the wallet no longer opens in bittensor")


WALLET_TESTS = [
    test_wallet_cortex_to_bittensor,
    test_wallet_bittensor_to_cortex,
    test_wallet_refusals_change_nothing,
]


class _Standalone:
    """What the wallet tests need of test_node.py's Ctx: a work directory (no node)."""

    def __init__(self, workdir: Path):
        self.workdir = workdir


def main() -> int:
    binary = cortex_bin()
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        print(f"wallet interop: {binary} not found or not executable; build it or set CORTEX_BIN", file=sys.stderr)
        return 1
    workdir = Path(tempfile.mkdtemp(prefix="cortex-wallet-interop-"))
    ctx = _Standalone(workdir)
    only = os.environ.get("CORTEX_INTEROP_ONLY")
    passed = failed = 0
    for test in WALLET_TESTS:
        if only and only not in test.__name__:
            continue
        print(f"== {test.__name__}: {test.__doc__.strip().splitlines()[0]}", flush=True)
        try:
            test(ctx)
        except Exception as e:
            failed += 1
            print(f"FAIL {test.__name__}: {type(e).__name__}: {e}", flush=True)
            if not isinstance(e, TestFailure):
                traceback.print_exc()
        else:
            passed += 1
            print(f"ok   {test.__name__}", flush=True)
    if failed == 0 and os.environ.get("CORTEX_INTEROP_KEEP") != "1":
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        print(f"kept {workdir}")
    print(f"wallet interop: {passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
