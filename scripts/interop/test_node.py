#!/usr/bin/env python3
"""Interop test: the real PyPI clients against a Cortex dev node.

Runs `bittensor==10.5.0` (the SDK, used as a library) and `bittensor-cli==9.23.2` (`btcli`, run
as a subprocess) against a freshly started `cortex node --dev`, and checks that what they report
matches the chain's exact accounting. Run it with the interop virtualenv's python (see
scripts/interop/run.sh, which also creates the venv):

    CORTEX_BIN=target/release/cortex target/interop-venv/bin/python scripts/interop/test_node.py

Environment:
    CORTEX_BIN            node binary (default target/release/cortex; relative paths are taken
                          relative to the repository root)
    CORTEX_INTEROP_KEEP=1 keep the temp dir (chain database, node log, wallets) even on success
                          (it is always kept on failure)

Plain Python on purpose: a tiny hand-written runner instead of pytest, because the venv holds
only the two pinned clients and their dependencies, and pytest is not one of them. The tests run
in a fixed order and each measures its own before/after balances, so they stay exact even though
they share one chain.

Exit code 0 only if every test passes; the last line is `interop: N passed, M failed`.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

# --- environment that must be set before the clients are imported ---------------------------
# async-substrate-interface (the transport under both clients) reads NO_CACHE once, at import
# time. With NO_CACHE=1 its SQLite cache lives in memory (":memory:") instead of
# ~/.cache/async-substrate-interface. A dev chain is recreated on every run and block numbers
# map to new hashes each time; a disk cache keyed by block number would hand back stale hashes
# and runtime versions from an earlier run.
os.environ["NO_CACHE"] = "1"

REPO = Path(__file__).resolve().parent.parent.parent
NODE_START_TIMEOUT = 30.0  # seconds until the RPC port must accept connections
TEST_TIMEOUT = 180  # seconds per test (watchdog; a hung websocket call fails the test)
BTCLI_TIMEOUT = 60  # seconds per btcli invocation

RAO_PER_TAO = 1_000_000_000
GENESIS_FREE = 1_000_000 * RAO_PER_TAO  # dev-chain endowment of //Alice and //Bob
ALICE = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
BOB = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"

try:
    import bittensor
    from bittensor.core.settings import DEFAULT_PERIOD
    from bittensor.utils.balance import Balance
    from bittensor_wallet import Keypair, Wallet
except ImportError as e:  # pragma: no cover - environment problem, not a test failure
    print(
        f"interop: cannot import the clients ({e}); run scripts/interop/setup.sh and use the "
        f"venv's python (target/interop-venv/bin/python)",
        file=sys.stderr,
    )
    sys.exit(2)


# --- node management -------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port that is free right now (the OS picks it; tiny race until the node binds it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _die_with_parent() -> None:
    """In the child, before exec: ask Linux to SIGTERM the node if this test process dies
    without running its cleanup (e.g. SIGKILL), so no orphan node keeps running. A no-op
    elsewhere."""
    try:
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except Exception:
        pass


def tail(path: Path, lines: int = 60) -> str:
    try:
        text = path.read_text(errors="replace").splitlines()
    except OSError as e:
        return f"(no log: {e})"
    return "\n".join(text[-lines:])


class Node:
    """`cortex node --dev` on a free port, with its own base path and log, in a temp dir."""

    def __init__(self, binary: Path, workdir: Path):
        self.binary = binary
        self.workdir = workdir
        self.port = free_port()
        self.base_path = workdir / "chain"
        self.log_path = workdir / "node.log"
        self.proc = None
        self._log = None

    @property
    def url(self) -> str:
        # Loopback on purpose: btcli wraps its substrate client in a disk cache
        # (DiskCachedAsyncSubstrateInterface) that is skipped for URLs containing 127.0.0.1,
        # localhost or 0.0.0.0 (wire.md §1.5). NO_CACHE=1 is set as well, belt and braces.
        return f"ws://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.base_path.mkdir(parents=True, exist_ok=True)
        cmd = [
            str(self.binary),
            "node",
            "--dev",
            "--rpc-port",
            str(self.port),
            "--base-path",
            str(self.base_path),
        ]
        print(f"starting node: {' '.join(cmd)}", flush=True)
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            cmd,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )
        deadline = time.monotonic() + NODE_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"node exited with code {self.proc.returncode} before opening port {self.port}"
                )
            if port_open(self.port):
                print(f"node up on {self.url} (pid {self.proc.pid})", flush=True)
                return
            time.sleep(0.1)
        raise RuntimeError(f"node did not accept connections on port {self.port} within {NODE_START_TIMEOUT:.0f} s")

    def stop(self) -> None:
        """Stops the node this script started (by its pid only): SIGTERM, then SIGKILL."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, lines: int = 60) -> str:
        if self._log is not None:
            self._log.flush()
        return tail(self.log_path, lines)


# --- helpers ---------------------------------------------------------------------------------


class TestFailure(AssertionError):
    pass


def check(cond: bool, msg: str) -> None:
    if not cond:
        raise TestFailure(msg)


def dev_wallet(root: Path, uri: str) -> "Wallet":
    """A bittensor_wallet.Wallet whose coldkey is the dev key `uri` (e.g. //Alice), stored
    unencrypted in a private wallet path so that signing never prompts for a password."""
    name = uri.strip("/").lower()
    kp = Keypair.create_from_uri(uri)
    w = Wallet(name=name, hotkey="default", path=str(root))
    w.set_coldkey(kp, encrypt=False, overwrite=True)
    w.set_coldkeypub(kp, encrypt=False, overwrite=True)
    return w


def free_rao(sub, address: str, block=None) -> int:
    """Free balance in rao, through the SDK's `Subtensor.get_balance` (System.Account.data.free)."""
    return sub.get_balance(address, block=block).rao


def same_account(value, ss58: str) -> bool:
    """An AccountId decoded by the clients: SS58 string, or hex of the public key."""
    if value == ss58:
        return True
    pk = Keypair(ss58_address=ss58).public_key.hex()
    if isinstance(value, str):
        return value.lower().removeprefix("0x") == pk
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).hex() == pk
    return False


def event_parts(ev: dict):
    e = ev["event"]
    return e["module_id"], e["event_id"], e["attributes"]


def fee_paid(events: list, who: str):
    """`TransactionPayment.TransactionFeePaid.actual_fee` for `who` among `events` (the events of
    one extrinsic), or None if there is no such event."""
    fees = [
        attrs["actual_fee"]
        for (mod, name, attrs) in map(event_parts, events)
        if mod == "TransactionPayment" and name == "TransactionFeePaid" and same_account(attrs["who"], who)
    ]
    check(len(fees) <= 1, f"more than one TransactionFeePaid for {who}: {fees}")
    return fees[0] if fees else None


def extrinsic_events(sub, block_hash: str, extrinsic_idx: int) -> list:
    """System.Events at `block_hash`, read directly (not from the SDK's receipt), keeping the
    records whose phase is ApplyExtrinsic(extrinsic_idx)."""
    return [ev for ev in sub.substrate.get_events(block_hash=block_hash) if ev.get("extrinsic_idx") == extrinsic_idx]


def describe_events(events: list) -> str:
    return "; ".join(f"{m}.{n}{a}" for (m, n, a) in map(event_parts, events))


def btcli_path() -> str:
    candidate = Path(sys.executable).parent / "btcli"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("btcli")
    if not found:
        raise TestFailure("btcli not found next to this python nor on PATH")
    return found


def run_btcli_json(args: list, workdir: Path):
    """Runs `btcli ARGS --json-output` with a timeout, in an isolated environment, and returns
    the JSON document it printed. Any failure carries btcli's stdout, stderr and debug log.

    Note: btcli 9.23.2 exits 0 even when it cannot reach the chain, and --json-output silences
    its console, so a missing JSON document (not the exit code) is what reveals most failures;
    btcli's debug log (~/.bittensor/debug.txt, rewritten on every run since the default
    config has use_cache: true) then says what happened."""
    home = workdir / "btcli-home"
    home.mkdir(exist_ok=True)
    env = dict(os.environ)
    env.update(
        {
            # Caches off (see Node.url): in-memory ASI cache, and btcli's plain (non disk-cached)
            # substrate class.
            "NO_CACHE": "1",
            "DISK_CACHE": "0",
            # btcli creates ~/.bittensor/config.yml and an address-book database on every run;
            # a private HOME keeps the user's config (which may set a network, a wallet path or
            # use_cache) out of the test and the test's files out of the user's home.
            "HOME": str(home),
            # --json-output prints through a rich Console that wraps at the terminal width
            # (80 columns when piped), splitting the JSON across lines, even inside strings.
            # A very wide terminal keeps the JSON on one line.
            "COLUMNS": "100000",
            "NO_COLOR": "1",
        }
    )
    env.pop("BT_MEV_PROTECTION", None)
    cmd = [btcli_path(), *args, "--json-output"]
    print(f"  $ {' '.join(cmd)}", flush=True)

    def failure(what: str, stdout, stderr) -> TestFailure:
        debug = tail(home / ".bittensor" / "debug.txt", 40)
        return TestFailure(
            f"btcli {what}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}\n--- btcli debug log tail ---\n{debug}"
        )

    try:
        cp = subprocess.run(
            cmd, env=env, capture_output=True, text=True, timeout=BTCLI_TIMEOUT, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired as e:
        raise failure(f"timed out after {BTCLI_TIMEOUT} s", e.stdout, e.stderr)
    if cp.returncode != 0:
        raise failure(f"exited with {cp.returncode}", cp.stdout, cp.stderr)
    # Console output is silenced in JSON mode, but be tolerant of stray lines before the JSON.
    start = cp.stdout.find("{")
    if start < 0:
        raise failure("printed no JSON (could it reach the node?)", cp.stdout, cp.stderr)
    try:
        doc, _ = json.JSONDecoder(strict=False).raw_decode(cp.stdout[start:])
    except json.JSONDecodeError as e:
        raise failure(f"printed JSON that does not parse ({e})", cp.stdout, cp.stderr)
    return doc


# --- the tests -------------------------------------------------------------------------------


class Ctx:
    """What the tests share: the node, an SDK connection, and the two dev wallets."""

    def __init__(self, node: Node, workdir: Path):
        self.node = node
        self.workdir = workdir
        # SDK 10.5.0: Subtensor(network=...) accepts a network name or any ws:// / wss:// URL.
        self.sub = bittensor.Subtensor(network=node.url)
        wallets = workdir / "wallets"
        self.alice = dev_wallet(wallets, "//Alice")
        self.bob = dev_wallet(wallets, "//Bob")
        check(self.alice.coldkeypub.ss58_address == ALICE, "//Alice derives a different address")
        check(self.bob.coldkeypub.ss58_address == BOB, "//Bob derives a different address")

    def close(self):
        try:
            self.sub.close()
        except Exception:
            pass


def test_blocks_and_genesis_balance(ctx: Ctx):
    """The SDK connects, blocks advance (250 ms block time), and //Alice and //Bob hold exactly
    their genesis endowment (this test runs first, before anything is spent)."""
    sub = ctx.sub
    b1 = sub.get_current_block()
    time.sleep(1.0)
    b2 = sub.get_current_block()
    print(f"  block {b1} -> {b2} after 1 s")
    check(b2 > b1, f"block number did not advance in 1 s: {b1} -> {b2}")
    alice = free_rao(sub, ALICE)
    bob = free_rao(sub, BOB)
    print(f"  //Alice free = {alice} rao, //Bob free = {bob} rao")
    check(alice == GENESIS_FREE, f"//Alice free balance {alice} rao, expected {GENESIS_FREE}")
    check(bob == GENESIS_FREE, f"//Bob free balance {bob} rao, expected {GENESIS_FREE}")


def test_transfer(ctx: Ctx):
    """1 TAO //Alice -> //Bob through `Subtensor.transfer`; exact accounting against the events
    of the inclusion block and against the SDK's fee estimates."""
    sub = ctx.sub
    amount = Balance.from_tao(1)
    check(amount.rao == RAO_PER_TAO, f"Balance.from_tao(1).rao = {amount.rao}")

    # The SDK's own estimate, as it computes it inside transfer(): TransactionPaymentApi
    # query_info on a dummy-signed, *immortal* transfer_keep_alive.
    sdk_fee = sub.get_transfer_fee(wallet=ctx.alice, destination_ss58=BOB, amount=amount, keep_alive=True).rao
    # The same estimate for the extrinsic that transfer() really sends: sign_and_send_extrinsic
    # uses a mortal era {"period": DEFAULT_PERIOD}, whose encoding is one byte longer than the
    # immortal era, and fees include a length component.
    period = DEFAULT_PERIOD
    call = sub.compose_call("Balances", "transfer_keep_alive", {"dest": BOB, "value": amount.rao})
    exact_estimate = sub.substrate.get_payment_info(call=call, keypair=ctx.alice.coldkeypub, era={"period": period})[
        "partial_fee"
    ]
    print(f"  fee estimate: get_transfer_fee (immortal) = {sdk_fee} rao, query_info (period {period}) = {exact_estimate} rao")

    alice0, bob0 = free_rao(sub, ALICE), free_rao(sub, BOB)
    resp = sub.transfer(
        wallet=ctx.alice,
        destination_ss58=BOB,
        amount=amount,
        keep_alive=True,
        mev_protection=False,  # the SDK's default unless BT_MEV_PROTECTION is set; be explicit
        wait_for_inclusion=True,
        wait_for_finalization=True,
    )
    print(f"  transfer -> success={resp.success} message={resp.message!r} extrinsic_fee={resp.extrinsic_fee}")
    check(resp.success, f"transfer failed: {resp.message!r} error={resp.error!r}")
    receipt = resp.extrinsic_receipt
    check(receipt is not None and receipt.block_hash, "transfer succeeded but returned no receipt / inclusion block")

    block_hash = receipt.block_hash
    idx = receipt.extrinsic_idx
    number = sub.substrate.get_block_number(block_hash)
    print(f"  included in block #{number} {block_hash} at index {idx}")

    # The outcome read straight from System.Events at the inclusion block.
    events = extrinsic_events(sub, block_hash, idx)
    names = [(m, n) for (m, n, _) in map(event_parts, events)]
    print(f"  events: {describe_events(events)}")
    check(("System", "ExtrinsicSuccess") in names, f"no System.ExtrinsicSuccess for the transfer: {names}")
    transfers = [
        a for (m, n, a) in map(event_parts, events) if (m, n) == ("Balances", "Transfer")
    ]
    check(len(transfers) == 1, f"expected one Balances.Transfer event, got {transfers}")
    t = transfers[0]
    check(
        same_account(t["from"], ALICE) and same_account(t["to"], BOB) and t["amount"] == amount.rao,
        f"Balances.Transfer event {t} does not say 1 TAO //Alice -> //Bob",
    )
    fee = fee_paid(events, ALICE)
    check(fee is not None, "no TransactionPayment.TransactionFeePaid for //Alice")
    check(fee > 0, f"a transfer must pay a fee, TransactionFeePaid says {fee}")
    print(f"  TransactionFeePaid.actual_fee = {fee} rao")

    # The SDK's receipt must agree with the events.
    check(receipt.total_fee_amount == fee, f"receipt.total_fee_amount {receipt.total_fee_amount} != event fee {fee}")
    check(
        resp.extrinsic_fee is not None and resp.extrinsic_fee.rao == fee,
        f"ExtrinsicResponse.extrinsic_fee {resp.extrinsic_fee} != event fee {fee}",
    )
    # The pre-flight estimate must match what was charged. query_info for the same extrinsic
    # shape (mortal era) must be exact; the SDK's immortal-era estimate may differ only by the
    # length fee of the one extra era byte (Cortex, like subtensor, charges 1 rao per byte:
    # crates/runtime/src/executive.rs compute_fee).
    check(exact_estimate == fee, f"query_info estimate {exact_estimate} != charged fee {fee}")
    check(
        0 <= fee - sdk_fee <= 1,
        f"get_transfer_fee {sdk_fee} differs from the charged fee {fee} by more than the era byte",
    )
    if resp.transaction_tao_fee is not None:
        check(resp.transaction_tao_fee.rao == sdk_fee, f"transaction_tao_fee {resp.transaction_tao_fee} != {sdk_fee}")

    # Balances: over the inclusion block alone (parent -> block) and head before -> after.
    alice_before_blk = free_rao(sub, ALICE, block=number - 1)
    alice_at_blk = free_rao(sub, ALICE, block=number)
    bob_before_blk = free_rao(sub, BOB, block=number - 1)
    bob_at_blk = free_rao(sub, BOB, block=number)
    check(bob_at_blk - bob_before_blk == amount.rao, f"//Bob rose by {bob_at_blk - bob_before_blk} in the block, expected {amount.rao}")
    check(
        alice_before_blk - alice_at_blk == amount.rao + fee,
        f"//Alice fell by {alice_before_blk - alice_at_blk} in the block, expected {amount.rao} + {fee}",
    )
    alice1, bob1 = free_rao(sub, ALICE), free_rao(sub, BOB)
    print(f"  //Alice {alice0} -> {alice1} ({alice1 - alice0:+}), //Bob {bob0} -> {bob1} ({bob1 - bob0:+})")
    check(bob1 - bob0 == amount.rao, f"//Bob rose by {bob1 - bob0}, expected exactly {amount.rao}")
    check(alice0 - alice1 == amount.rao + fee, f"//Alice fell by {alice0 - alice1}, expected exactly {amount.rao + fee}")
    if isinstance(resp.data, dict) and "balance_after" in resp.data:
        check(resp.data["balance_after"].rao == alice1, f"response balance_after {resp.data['balance_after']} != {alice1}")


def test_overdraft(ctx: Ctx):
    """//Bob tries to send 10,000,000 TAO, more than he has. First through `Subtensor.transfer`
    (the SDK refuses before submitting), then by signing and sending the call anyway (the node
    must refuse it: in the pool, or in the block with the fee charged). Accounting is exact."""
    sub = ctx.sub
    too_much = Balance.from_tao(10_000_000)

    # (a) The SDK's transfer() checks the balance itself and must report failure, not raise.
    alice0, bob0 = free_rao(sub, ALICE), free_rao(sub, BOB)
    resp = sub.transfer(
        wallet=ctx.bob,
        destination_ss58=ALICE,
        amount=too_much,
        mev_protection=False,
        wait_for_inclusion=True,
        wait_for_finalization=True,
    )
    print(f"  transfer -> success={resp.success} message={resp.message!r}")
    check(resp.success is False, "an overdraft transfer reported success")
    check(bool(resp.message), "an overdraft transfer failed without a message")
    alice1, bob1 = free_rao(sub, ALICE), free_rao(sub, BOB)
    check((alice1, bob1) == (alice0, bob0), f"balances changed after a refused transfer: //Alice {alice0}->{alice1}, //Bob {bob0}->{bob1}")

    # (b) Bypass the SDK's pre-check: the node itself must refuse the overdraft.
    call = sub.compose_call("Balances", "transfer_keep_alive", {"dest": ALICE, "value": too_much.rao})
    resp = sub.sign_and_send_extrinsic(
        call=call, wallet=ctx.bob, wait_for_inclusion=True, wait_for_finalization=True
    )
    print(f"  sign_and_send_extrinsic -> success={resp.success} message={resp.message!r} error={resp.error!r}")
    check(resp.success is False, "the node accepted and executed an overdraft transfer")
    check(bool(resp.message), "overdraft failed without a message")
    alice2, bob2 = free_rao(sub, ALICE), free_rao(sub, BOB)
    receipt = resp.extrinsic_receipt
    if receipt is None or not receipt.block_hash:
        # Refused by the pool (JSON-RPC error on submit): nothing may change.
        print("  refused at submission (pool); no fee charged")
        check((alice2, bob2) == (alice1, bob1), f"balances changed after a pool rejection: //Alice {alice1}->{alice2}, //Bob {bob1}->{bob2}")
    else:
        # Included and failed: exactly the fee is charged, nothing is transferred.
        events = extrinsic_events(sub, receipt.block_hash, receipt.extrinsic_idx)
        names = [(m, n) for (m, n, _) in map(event_parts, events)]
        print(f"  failed in block {receipt.block_hash}: {describe_events(events)}")
        check(("System", "ExtrinsicFailed") in names, f"no System.ExtrinsicFailed for the overdraft: {names}")
        check(("Balances", "Transfer") not in names, "an overdraft emitted Balances.Transfer")
        fee = fee_paid(events, BOB)
        check(fee is not None, "failed extrinsic without TransactionFeePaid for //Bob")
        check(bob1 - bob2 == fee, f"//Bob fell by {bob1 - bob2}, expected exactly the fee {fee}")
        check(alice2 == alice1, f"//Alice changed by {alice2 - alice1} after a failed transfer to her")


def test_btcli_wallet_balance(ctx: Ctx):
    """`btcli wallet balance --ss58 <Alice> --network ws://127.0.0.1:PORT --json-output` shows
    //Alice's current free balance."""
    expected_rao = free_rao(ctx.sub, ALICE)
    doc = run_btcli_json(["wallet", "balance", "--ss58", ALICE, "--network", ctx.node.url], ctx.workdir)
    rows = [r for r in doc.get("balances", {}).values() if r.get("coldkey") == ALICE]
    check(len(rows) == 1, f"btcli balance JSON has no row for //Alice: {doc}")
    free_tao = float(rows[0]["free"])
    print(f"  btcli free = {free_tao} TAO, SDK free = {expected_rao / RAO_PER_TAO} TAO")
    # btcli prints Balance.tao (a float, rao / 1e9): compare to well below 1 rao.
    check(abs(free_tao - expected_rao / RAO_PER_TAO) < 1e-6, f"btcli shows {free_tao} TAO, chain has {expected_rao} rao")
    print(f"  btcli staked = {rows[0].get('staked')} TAO (not asserted)")


def test_btcli_subnets_list(ctx: Ctx):
    """`btcli subnets list --network ws://... --json-output` lists the root subnet, netuid 0."""
    doc = run_btcli_json(["subnets", "list", "--network", ctx.node.url], ctx.workdir)
    subnets = doc.get("subnets", {})
    # json.dumps turns the int netuid keys into strings.
    check("0" in subnets, f"netuid 0 missing from btcli subnets list: {list(subnets)}")
    root = subnets["0"]
    print(f"  netuids {sorted(subnets, key=int)}; root = {root}")
    check(root.get("netuid") == 0, f"root row has netuid {root.get('netuid')}")
    check("root" in str(root.get("subnet_name", "")).lower(), f"netuid 0 is named {root.get('subnet_name')!r}, expected 'root'")
    check(doc.get("total_netuids") == len(subnets), f"total_netuids {doc.get('total_netuids')} != {len(subnets)} rows")


TESTS = [
    test_blocks_and_genesis_balance,  # first: reads the untouched genesis balances
    test_transfer,
    test_overdraft,
    test_btcli_wallet_balance,
    test_btcli_subnets_list,
]


# --- runner ----------------------------------------------------------------------------------


class Timeout(BaseException):
    """A BaseException, so that the clients' own `except Exception` handlers (the SDK turns
    most errors into a failed ExtrinsicResponse) cannot swallow the watchdog."""


def _alarm(signum, frame):
    raise Timeout(f"test exceeded {TEST_TIMEOUT} s")


def _terminate(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main() -> int:
    binary = Path(os.environ.get("CORTEX_BIN", "target/release/cortex"))
    if not binary.is_absolute():
        binary = REPO / binary
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        print(
            f"interop: node binary {binary} not found or not executable; build it first "
            f"(cargo build --release -p cortex-cli) or set CORTEX_BIN",
            file=sys.stderr,
        )
        print(f"interop: 0 passed, {len(TESTS)} failed")
        return 1

    workdir = Path(tempfile.mkdtemp(prefix="cortex-interop-"))
    print(f"bittensor {bittensor.__version__}; workdir {workdir}", flush=True)
    node = Node(binary, workdir)
    ctx = None
    passed, failed = 0, 0
    # A watchdog per test: SIGALRM interrupts a client call that waits forever (for example on
    # a status notification the node never sends) so the run ends with a report.
    signal.signal(signal.SIGALRM, _alarm)
    # SIGTERM (e.g. a CI timeout) unwinds like Ctrl-C, so the `finally` below stops the node.
    signal.signal(signal.SIGTERM, _terminate)
    try:
        signal.alarm(TEST_TIMEOUT)
        try:
            node.start()
            ctx = Ctx(node, workdir)
        except (Exception, Timeout):
            print("interop: setup failed", file=sys.stderr)
            traceback.print_exc()
            print(f"--- node log tail ({node.log_path}) ---\n{node.log_tail()}", file=sys.stderr)
            failed = len(TESTS)
        else:
            signal.alarm(0)
            for test in TESTS:
                print(f"== {test.__name__}: {test.__doc__.strip().splitlines()[0]}", flush=True)
                signal.alarm(TEST_TIMEOUT)
                try:
                    test(ctx)
                except (Exception, Timeout) as e:
                    failed += 1
                    print(f"FAIL {test.__name__}: {type(e).__name__}: {e}", flush=True)
                    if not isinstance(e, TestFailure):
                        traceback.print_exc()
                    print(f"--- node log tail ({node.log_path}) ---\n{node.log_tail()}", flush=True)
                else:
                    passed += 1
                    print(f"ok   {test.__name__}", flush=True)
                finally:
                    signal.alarm(0)
    finally:
        signal.alarm(0)
        if ctx is not None:
            ctx.close()
        node.stop()
        if failed == 0 and os.environ.get("CORTEX_INTEROP_KEEP") != "1":
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"kept {workdir} (node log, chain database, wallets)")
    print(f"interop: {passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # os._exit: the clients' websocket layer can leave non-daemon threads behind after a failed
    # call; do not let them keep a finished test run alive.
    os._exit(code)
