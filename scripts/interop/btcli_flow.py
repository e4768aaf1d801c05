#!/usr/bin/env python3
"""A subnet's life through btcli 9.23.2 with its defaults (MEV protection on, safe staking on),
as a new user would type it, checked step by step against the chain through the SDK.

btcli exits 0 on most failures, so every step checks what btcli printed (its JSON document or
its text) and then what the chain holds; an exit code alone proves nothing. The steps share one
subnet and run in order; a step whose prerequisite failed fails at once, naming it.

  create -> start -> register -> show -> metagraph -> sudo set (and a refused one) ->
  stake add -> stake list -> stake remove -> stake transfer -> view dashboard -> subnets price
"""

import os
import time
from pathlib import Path

from common import (
    RAO_PER_TAO,
    Keypair,
    Node,
    TestFailure,
    Wallet,
    bittensor,
    check,
    run_btcli,
    run_btcli_json,
    event_parts,
    extrinsic_events,
    same_account,
)

OWNER_COLD, OWNER_HOT = "//Alice", "//Alice//subnet-owner"
MINER_COLD, MINER_HOT = "//Bob", "//Bob//miner"
SUBNET_NAME = "cortex-interop"
# `subnets price` reads 4 hours of 12 s blocks back (1,200 blocks, a point every 300) and needs
# the subnet at every point (it does not skip missing ones).
PRICE_HISTORY_BLOCKS = 1_200


def btcli_wallet(root: Path, name: str, cold_uri: str, hot_uri: str) -> Wallet:
    """A wallet btcli can sign with: unencrypted coldkey and hotkey files under `root`."""
    w = Wallet(name=name, hotkey="default", path=str(root))
    cold, hot = Keypair.create_from_uri(cold_uri), Keypair.create_from_uri(hot_uri)
    w.set_coldkey(cold, encrypt=False, overwrite=True)
    w.set_coldkeypub(cold, encrypt=False, overwrite=True)
    w.set_hotkey(hot, encrypt=False, overwrite=True)
    w.set_hotkeypub(hot, encrypt=False, overwrite=True)
    return w


class Flow:
    """The subnet the steps share, and which steps have passed."""

    def __init__(self, ctx):
        root = ctx.workdir / "btcli-wallets"
        self.root = root
        self.owner = btcli_wallet(root, "owner", OWNER_COLD, OWNER_HOT)
        self.miner = btcli_wallet(root, "miner", MINER_COLD, MINER_HOT)
        self.netuid = None
        self.created_at = None
        self.done = set()

    def wallet_args(self, w: Wallet) -> list:
        return ["--wallet-name", w.name, "--wallet-path", str(self.root), "--hotkey", "default"]

    def needs(self, *steps: str) -> None:
        missing = [s for s in steps if s not in self.done]
        if missing:
            raise TestFailure(f"skipped: needs the step(s) {', '.join(missing)}, which failed")


def flow(ctx) -> Flow:
    if not hasattr(ctx, "flow"):
        ctx.flow = Flow(ctx)
    return ctx.flow


def net(ctx) -> list:
    return ["--network", ctx.node.url]


def shield() -> list:
    """btcli's default (MEV shield on), or, with CORTEX_INTEROP_NO_MEV=1 (for debugging the other
    steps on a node without the shield), `--no-mev-protection`."""
    return ["--no-mev-protection"] if os.environ.get("CORTEX_INTEROP_NO_MEV") == "1" else []


def stake_rao(ctx, coldkey: str, hotkey: str, netuid: int) -> int:
    return ctx.sub.get_stake(coldkey, hotkey, netuid).rao


def events_of(ctx, extrinsic_id: str) -> list:
    """`(pallet, event, attributes)` of the extrinsic btcli names as `BLOCK-INDEX`. Stake checks
    read the events rather than compare balances, because the hotkey earns emission every tempo
    and its stake moves between any two reads."""
    block, index = (int(x) for x in str(extrinsic_id).split("-"))
    block_hash = ctx.sub.substrate.get_block_hash(block)
    return [event_parts(ev) for ev in extrinsic_events(ctx.sub, block_hash, index)]


def check_shielded(ctx, extrinsic_id: str, who: str) -> None:
    """With the shield on (btcli's default), the call btcli names as `BLOCK-INDEX` must have come
    through it: a `MevShield.EncryptedSubmitted` carrier from `who` in one of the blocks just
    before the one that ran it."""
    if shield():
        return
    block = int(str(extrinsic_id).split("-")[0])
    for b in range(block - 1, max(0, block - 4), -1):
        for ev in ctx.sub.substrate.get_events(block_hash=ctx.sub.substrate.get_block_hash(b)):
            pallet, name, attrs = event_parts(ev)
            if (pallet, name) == ("MevShield", "EncryptedSubmitted") and same_account(attrs.get("who"), who):
                print(f"  shielded: carrier in block {b}, inner extrinsic {extrinsic_id}")
                return
    raise TestFailure(f"no MevShield carrier from {who} before {extrinsic_id}: btcli did not go through the shield")


def find_event(events: list, pallet: str, name: str):
    found = [attrs for (p, n, attrs) in events if (p, n) == (pallet, name)]
    check(len(found) == 1, f"expected one {pallet}.{name} among {[(p, n) for (p, n, _) in events]}")
    return found[0]


# --- the steps -------------------------------------------------------------------------------


def test_btcli_subnets_create(ctx):
    """`btcli subnets create` with its defaults (MEV shield on) registers a subnet owned by the
    wallet, with the identity given."""
    f = flow(ctx)
    before = set(ctx.sub.get_all_subnets_netuid())
    doc = run_btcli_json(
        ["subnets", "create", *f.wallet_args(f.owner), *net(ctx), "--no-prompt",
         "--subnet-name", SUBNET_NAME, "--github-repo", "https://github.com/example/cortex-interop",
         "--subnet-contact", "owner@example.com", "--subnet-url", "https://example.com",
         "--discord-handle", "owner", "--description", "interop test subnet",
         "--logo-url", "https://example.com/logo.png", "--additional-info", "none", *shield()],
        ctx.workdir,
        timeout=120,
    )
    print(f"  btcli: {doc}")
    check(doc.get("success") is True, f"subnets create did not succeed: {doc}")
    netuid = doc.get("netuid")
    check(isinstance(netuid, int) and netuid not in before, f"no new netuid in {doc} (had {sorted(before)})")
    owner = ctx.sub.query_subtensor("SubnetOwner", params=[netuid])
    check(same_account(getattr(owner, "value", owner), f.owner.coldkeypub.ss58_address), f"subnet {netuid} is owned by {owner}")
    info = ctx.sub.subnet(netuid)
    check(info is not None and info.subnet_name == SUBNET_NAME, f"subnet {netuid} is named {getattr(info, 'subnet_name', None)!r}")
    check_shielded(ctx, doc["extrinsic_identifier"], f.owner.coldkeypub.ss58_address)
    f.netuid, f.created_at = netuid, ctx.sub.get_current_block()
    f.done.add("create")


def test_btcli_subnets_start(ctx):
    """`btcli subnets start` opens the subnet's emission schedule (FirstEmissionBlockNumber)."""
    f = flow(ctx)
    f.needs("create")
    cp = run_btcli(["subnets", "start", *f.wallet_args(f.owner), *net(ctx), "--no-prompt", "--netuid", str(f.netuid)], ctx.workdir)
    print(f"  btcli: {cp.stdout.strip()[-300:]}")
    check("Successfully started" in cp.stdout, f"subnets start printed no success:\n{cp.stdout}\n{cp.stderr}")
    first = ctx.sub.query_subtensor("FirstEmissionBlockNumber", params=[f.netuid])
    check(getattr(first, "value", first) is not None, f"FirstEmissionBlockNumber[{f.netuid}] is not set")
    f.done.add("start")


def test_btcli_subnets_register(ctx):
    """`btcli subnets register` (burned registration, safe mode) gives the miner's hotkey a uid."""
    f = flow(ctx)
    f.needs("start")
    doc = run_btcli_json(["subnets", "register", *f.wallet_args(f.miner), *net(ctx), "--no-prompt", "--netuid", str(f.netuid)], ctx.workdir)
    print(f"  btcli: {doc}")
    check(doc.get("success") is True, f"subnets register did not succeed: {doc}")
    uid = ctx.sub.get_uid_for_hotkey_on_subnet(f.miner.hotkey.ss58_address, f.netuid)
    check(uid is not None, f"the miner's hotkey has no uid on subnet {f.netuid}")
    check(f"UID {uid}" in str(doc.get("msg")), f"btcli names another uid than the chain's {uid}: {doc}")
    f.done.add("register")


def test_btcli_subnets_show(ctx):
    """`btcli subnets show --netuid N` lists the subnet's neurons, the miner among them."""
    f = flow(ctx)
    f.needs("register")
    doc = run_btcli_json(["subnets", "show", *net(ctx), "--no-prompt", "--netuid", str(f.netuid)], ctx.workdir)
    text = str(doc)
    print(f"  btcli: {text[:400]}")
    check(f.miner.hotkey.ss58_address in text, f"subnets show does not list the miner's hotkey: {text[:2000]}")
    check(str(doc.get("netuid", f.netuid)) == str(f.netuid), f"subnets show is about netuid {doc.get('netuid')}")
    f.done.add("show")


def test_btcli_subnets_metagraph(ctx):
    """`btcli subnets metagraph --netuid N` shows every uid of the subnet with its hotkey."""
    f = flow(ctx)
    f.needs("register")
    doc = run_btcli_json(["subnets", "metagraph", *net(ctx), "--no-prompt", "--netuid", str(f.netuid)], ctx.workdir)
    text = str(doc)
    print(f"  btcli: {text[:400]}")
    check(f.miner.hotkey.ss58_address in text, f"the metagraph does not list the miner's hotkey: {text[:2000]}")
    n = ctx.sub.subnetwork_n(f.netuid)
    check(n >= 2, f"subnet {f.netuid} has {n} neurons, expected the owner and the miner")


def test_btcli_sudo_set(ctx):
    """The owner's `btcli sudo set --param immunity_period` changes the hyperparameter; the same
    setter repeated at once is refused by the chain's rate limit, and btcli names the error."""
    f = flow(ctx)
    f.needs("create")
    before = ctx.sub.get_subnet_hyperparameters(f.netuid).immunity_period
    value = before + 7
    # Owners may not change hyperparameters in the last block before each epoch (the admin
    # freeze window): a call that lands there is refused, by name, and tried again, as a user
    # would.
    for attempt in range(5):
        doc = run_btcli_json(
            ["sudo", "set", *f.wallet_args(f.owner), *net(ctx), "--no-prompt", "--netuid", str(f.netuid),
             "--param", "immunity_period", "--value", str(value)],
            ctx.workdir,
        )
        print(f"  btcli: {doc}")
        if "AdminActionProhibitedDuringWeightsWindow" not in str(doc.get("err_msg")):
            break
        time.sleep(0.5)
    check(doc.get("success") is True, f"sudo set did not succeed: {doc}")
    after = ctx.sub.get_subnet_hyperparameters(f.netuid).immunity_period
    check(after == value, f"immunity_period is {after}, expected {value}")
    doc = run_btcli_json(
        ["sudo", "set", *f.wallet_args(f.owner), *net(ctx), "--no-prompt", "--netuid", str(f.netuid),
         "--param", "immunity_period", "--value", str(value + 1)],
        ctx.workdir,
    )
    print(f"  btcli (repeated): {doc}")
    check(doc.get("success") is False, f"the repeated setter was not refused: {doc}")
    msg = str(doc.get("err_msg"))
    check("UnknownError" not in msg and "Unknown Description" not in msg, f"btcli could not name the error: {msg}")
    check("RateLimit" in msg, f"btcli does not name the rate limit the chain enforces: {msg}")
    check(ctx.sub.get_subnet_hyperparameters(f.netuid).immunity_period == value, "the refused setter changed the value")
    f.done.add("sudo")


def test_btcli_stake_add(ctx):
    """`btcli stake add` (safe staking, MEV shield on) stakes 1 TAO to the miner's hotkey."""
    f = flow(ctx)
    f.needs("register")
    cold, hot = f.miner.coldkeypub.ss58_address, f.miner.hotkey.ss58_address
    before = stake_rao(ctx, cold, hot, f.netuid)
    doc = run_btcli_json(
        ["stake", "add", *f.wallet_args(f.miner), *net(ctx), "--no-prompt", "--netuid", str(f.netuid),
         "--amount", "1", *shield()],
        ctx.workdir,
        timeout=120,
    )
    print(f"  btcli: {doc}")
    ok = doc.get("staking_success", {}).get(str(f.netuid), {}).get(hot)
    check(ok is True, f"stake add did not succeed: {doc}")
    xt = doc["extrinsic_ids"][str(f.netuid)][hot]
    check_shielded(ctx, xt, cold)
    # (coldkey, hotkey, tao, alpha bought, netuid, fee)
    added = list(find_event(events_of(ctx, xt), "SubtensorModule", "StakeAdded"))
    print(f"  StakeAdded {added}")
    check(same_account(added[0], cold) and same_account(added[1], hot), f"StakeAdded names other keys: {added}")
    check(added[2] == RAO_PER_TAO and added[4] == f.netuid and added[3] > 0, f"StakeAdded is not 1 TAO on {f.netuid}: {added}")
    after = stake_rao(ctx, cold, hot, f.netuid)
    check(after >= before + added[3], f"the miner's stake {before} -> {after} lacks the {added[3]} alpha bought")
    f.done.add("stake add")


def test_btcli_stake_list(ctx):
    """`btcli stake list` shows the miner's stake on the subnet, as the chain holds it."""
    f = flow(ctx)
    f.needs("stake add")
    cold, hot = f.miner.coldkeypub.ss58_address, f.miner.hotkey.ss58_address
    low = stake_rao(ctx, cold, hot, f.netuid)
    doc = run_btcli_json(["stake", "list", *f.wallet_args(f.miner), *net(ctx), "--no-prompt"], ctx.workdir)
    high = stake_rao(ctx, cold, hot, f.netuid)
    print(f"  btcli: {str(doc)[:500]}")
    check(doc.get("coldkey_address") == f.miner.coldkeypub.ss58_address, f"stake list is about another coldkey: {doc}")
    rows = doc.get("stake_info", {}).get(f.miner.hotkey.ss58_address, [])
    rows = [r for r in rows if r.get("netuid") == f.netuid]
    check(len(rows) == 1, f"stake list has no row for the miner's hotkey on subnet {f.netuid}: {doc}")
    # `stake_value` is the alpha held (`value` its worth in TAO). The hotkey earns dividends every
    # tempo, so btcli's read lies between the chain's before and after it.
    shown = round(float(rows[0]["stake_value"]) * RAO_PER_TAO)
    check(low <= shown <= high, f"stake list shows {shown} rao of alpha, the chain held {low} before and {high} after")
    check(rows[0].get("registered") is True, f"stake list does not see the hotkey registered: {rows[0]}")


def test_btcli_stake_remove(ctx):
    """`btcli stake remove --amount 0.1` unstakes about 0.1 TAO's worth of alpha from the miner's hotkey."""
    f = flow(ctx)
    f.needs("stake add")
    cold, hot = f.miner.coldkeypub.ss58_address, f.miner.hotkey.ss58_address
    doc = run_btcli_json(
        ["stake", "remove", *f.wallet_args(f.miner), *net(ctx), "--no-prompt", "--netuid", str(f.netuid),
         "--include-hotkeys", hot, "--amount", "0.1", *shield()],
        ctx.workdir,
        timeout=120,
    )
    print(f"  btcli: {doc}")
    rows = [r for r in (doc if isinstance(doc, list) else []) if r.get("netuid") == f.netuid and r.get("hotkey_ss58") == hot]
    check(len(rows) == 1 and rows[0].get("success") is True, f"stake remove reports no success for the miner's hotkey on subnet {f.netuid}: {doc}")
    # (coldkey, hotkey, tao received, alpha sold, netuid, fee)
    check_shielded(ctx, rows[0]["extrinsic_identifier"], cold)
    removed = list(find_event(events_of(ctx, rows[0]["extrinsic_identifier"]), "SubtensorModule", "StakeRemoved"))
    print(f"  StakeRemoved {removed}")
    check(same_account(removed[0], cold) and same_account(removed[1], hot), f"StakeRemoved names other keys: {removed}")
    # btcli turns the 0.1 TAO asked for into alpha at the current price (about 1 here).
    check(removed[4] == f.netuid and 0.09 * RAO_PER_TAO < removed[3] < 0.11 * RAO_PER_TAO, f"StakeRemoved is not about 0.1 alpha on {f.netuid}: {removed}")
    check(removed[2] > 0, f"the unstake paid no TAO: {removed}")
    f.done.add("stake remove")


def test_btcli_stake_transfer(ctx):
    """`btcli stake transfer` moves 0.1 alpha of the miner's stake to the owner's coldkey."""
    f = flow(ctx)
    f.needs("stake add")
    hot = f.miner.hotkey.ss58_address
    owner = f.owner.coldkeypub.ss58_address
    before = stake_rao(ctx, owner, hot, f.netuid)
    doc = run_btcli_json(
        ["stake", "transfer", *f.wallet_args(f.miner), *net(ctx), "--no-prompt",
         "--origin-netuid", str(f.netuid), "--dest-netuid", str(f.netuid), "--dest-ss58", owner, "--amount", "0.1", *shield()],
        ctx.workdir,
        timeout=120,
    )
    print(f"  btcli: {doc}")
    check(doc.get("success") is True, f"stake transfer did not succeed: {doc}")
    # (origin coldkey, destination coldkey, hotkey, origin netuid, destination netuid, amount)
    check_shielded(ctx, doc["extrinsic_identifier"], f.miner.coldkeypub.ss58_address)
    moved = list(find_event(events_of(ctx, doc["extrinsic_identifier"]), "SubtensorModule", "StakeTransferred"))
    print(f"  StakeTransferred {moved}")
    check(same_account(moved[0], f.miner.coldkeypub.ss58_address) and same_account(moved[1], owner), f"StakeTransferred names other coldkeys: {moved}")
    after = stake_rao(ctx, owner, hot, f.netuid)
    print(f"  the owner's stake on the miner's hotkey {before} -> {after} rao")
    check(after > before, f"the owner received no stake: {before} -> {after}")


def test_btcli_view_dashboard(ctx):
    """`btcli view dashboard --save-file` writes an HTML dashboard of the miner's wallet."""
    f = flow(ctx)
    f.needs("stake add")
    out = ctx.workdir / "dashboard"
    out.mkdir(exist_ok=True)
    cp = run_btcli(
        ["view", "dashboard", *f.wallet_args(f.miner), *net(ctx), "--save-file", "--dashboard-path", str(out)],
        ctx.workdir,
        timeout=120,
    )
    files = sorted(out.glob("*.html"))
    print(f"  btcli: {cp.stdout.strip()[-300:]}; files {[p.name for p in files]}")
    check(files, f"no dashboard file in {out}:\n{cp.stdout}\n{cp.stderr}")
    html = files[0].read_text(errors="replace")
    cold = f.miner.coldkeypub.ss58_address
    # btcli shows addresses shortened to their first and last six characters.
    check(f"{cold[:6]}...{cold[-6:]}" in html, "the dashboard does not name the miner's coldkey")
    check(f"{f.netuid}</span> - {SUBNET_NAME}" in html, "the dashboard does not list the subnet staked on")


def test_btcli_subnets_price(ctx):
    """`btcli subnets price --netuids N` (4 hours of history, one point per 300 blocks) reads the
    subnet's price from archived states and ends at the chain's current price."""
    # btcli needs the subnet to exist 1,200 blocks back: 5 minutes of 250 ms blocks. This step
    # runs on a node of its own making a block every 20 ms, where that is 24 s.
    node = Node(ctx.node.binary, ctx.workdir / "price-node", ["--block-time", "20ms"])
    node.start()
    sub = None
    try:
        sub = bittensor.Subtensor(network=node.url)
        owner = flow(ctx).owner
        before = set(sub.get_all_subnets_netuid())
        r = sub.register_subnet(owner, mev_protection=False)
        check(r.success, f"the SDK could not register a subnet: {r.message}")
        (netuid,) = set(sub.get_all_subnets_netuid()) - before
        r = sub.start_call(owner, netuid, mev_protection=False)
        check(r.success, f"the SDK could not start subnet {netuid}: {r.message}")
        created = sub.get_current_block()
        deadline = time.monotonic() + 120
        while sub.get_current_block() < created + PRICE_HISTORY_BLOCKS + 10:
            check(time.monotonic() < deadline, "the chain did not grow 1,200 blocks in 120 s")
            time.sleep(0.5)
        doc = run_btcli_json(["subnets", "price", "--network", node.url, "--netuids", str(netuid)], ctx.workdir, timeout=120)
        print(f"  btcli: {str(doc)[:500]}")
        entry = doc.get(str(netuid))
        check(isinstance(entry, dict), f"no price entry for subnet {netuid}: {doc}")
        prices = entry.get("prices", [])
        check(len(prices) >= 5, f"btcli found {len(prices)} price points, expected 5 (one per 300 blocks): {entry}")
        price = sub.subnet(netuid).price.tao
        shown = float(entry["stats"]["current_price"])
        check(abs(shown - price) <= 1e-6 * max(price, 1.0), f"btcli's current price {shown} is not the chain's {price}")
    finally:
        if sub is not None:
            sub.close()
        node.stop()


FLOW_TESTS = [
    test_btcli_subnets_create,
    test_btcli_subnets_start,
    test_btcli_subnets_register,
    test_btcli_subnets_show,
    test_btcli_subnets_metagraph,
    test_btcli_sudo_set,
    test_btcli_stake_add,
    test_btcli_stake_list,
    test_btcli_stake_remove,
    test_btcli_stake_transfer,
    test_btcli_view_dashboard,
    test_btcli_subnets_price,  # on a node of its own
]
