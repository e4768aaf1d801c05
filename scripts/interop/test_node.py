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
    CORTEX_INTEROP_ONLY=S run only the tests whose name contains S (e.g. `btcli_`)
    CORTEX_AXON_EXAMPLES  directory of the cortex-axon example binaries (default: beside
                          CORTEX_BIN, in examples/)

Plain Python on purpose: a tiny hand-written runner instead of pytest, because the venv holds
only the two pinned clients and their dependencies, and pytest is not one of them. The tests run
in a fixed order and each measures its own before/after balances, so they stay exact even though
they share one chain.

Exit code 0 only if every test passes; the last line is `interop: N passed, M failed`.
"""

import os
import shutil
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path

# common sets the clients' environment before importing them, so it comes first.
from common import (  # noqa: E402
    REPO,
    NODE_START_TIMEOUT,
    TEST_TIMEOUT,
    BTCLI_TIMEOUT,
    RAO_PER_TAO,
    GENESIS_FREE,
    ALICE,
    BOB,
    bittensor,
    DEFAULT_PERIOD,
    Balance,
    Keypair,
    Wallet,
    Node,
    TestFailure,
    check,
    dev_wallet,
    free_rao,
    same_account,
    event_parts,
    fee_paid,
    extrinsic_events,
    describe_events,
    btcli_path,
    run_btcli_json,
    Ctx,
    tail,
)
import axon_interop  # noqa: E402
import btcli_flow  # noqa: E402
import subnet_interop  # noqa: E402
import bft_interop  # noqa: E402
import wallet_interop  # noqa: E402


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


def test_sdk_refusal_names_its_error(ctx: Ctx):
    """A call the chain refuses (`burned_register` on a netuid that does not exist, sent past the
    SDK's own pre-check) reaches the SDK as the error's name and documentation, and costs //Bob
    exactly the fee."""
    sub = ctx.sub
    wallet = btcli_flow.btcli_wallet(ctx.workdir / "refused-wallets", "bob", "//Bob", "//Bob//refused")
    before = free_rao(sub, BOB)
    call = sub.compose_call("SubtensorModule", "burned_register", {"netuid": 99, "hotkey": wallet.hotkey.ss58_address})
    resp = sub.sign_and_send_extrinsic(call=call, wallet=wallet, wait_for_inclusion=True, wait_for_finalization=True)
    print(f"  sign_and_send_extrinsic -> success={resp.success} message={resp.message!r}")
    message = str(resp.message)
    check(resp.success is False, "registering on a subnet that does not exist succeeded")
    check("SubnetNotExists" in message, f"the SDK does not name the error: {message}")
    check("No subnet exists with this netuid" in message, f"the SDK shows no explanation: {message}")
    check("Unknown" not in message, f"the SDK could not decode the error: {message}")
    receipt = resp.extrinsic_receipt
    events = extrinsic_events(sub, receipt.block_hash, receipt.extrinsic_idx)
    print(f"  events: {describe_events(events)}")
    fee = fee_paid(events, BOB)
    after = free_rao(sub, BOB, block=sub.substrate.get_block_number(receipt.block_hash))
    check(fee is not None and before - after == fee, f"//Bob paid {before - after} rao, the fee was {fee}")


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
    test_sdk_refusal_names_its_error,
    test_btcli_wallet_balance,
    test_btcli_subnets_list,
    *btcli_flow.FLOW_TESTS,
    *wallet_interop.WALLET_TESTS,  # `cortex wallet` and bittensor-wallet's files (and a transfer)
    *axon_interop.AXON_TESTS,  # the synapse protocol, both directions; needs no chain
    *subnet_interop.SUBNET_TESTS,  # Python miner and validator in cortex localnet's subnet
    *bft_interop.BFT_TESTS,  # four validators under simplex BFT, the SDK on each
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
            only = os.environ.get("CORTEX_INTEROP_ONLY")
            for test in TESTS:
                if only and only not in test.__name__:
                    continue
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
