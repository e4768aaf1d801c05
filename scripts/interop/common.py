#!/usr/bin/env python3
"""What the interop tests share: the node process, the clients' environment, the dev wallets,
btcli as a subprocess, and the checks. test_node.py (the SDK and btcli basics) and btcli_flow.py
(a subnet's life through btcli's defaults) import it; test_node.py runs them all."""


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

    def __init__(self, binary: Path, workdir: Path, extra_args: list = ()):
        self.binary = binary
        self.workdir = workdir
        self.extra_args = list(extra_args)
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
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.base_path.mkdir(parents=True, exist_ok=True)
        cmd = [
            str(self.binary),
            "node",
            "--dev",
            "--rpc-port",
            str(self.port),
            "--base-path",
            str(self.base_path),
            *self.extra_args,
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


def run_btcli(args: list, workdir: Path, timeout: float = BTCLI_TIMEOUT) -> "subprocess.CompletedProcess":
    """Runs `btcli ARGS` with a timeout, in an isolated environment (a private HOME, caches off,
    a wide terminal), and returns the finished process. A timeout or a non-zero exit raises a
    TestFailure carrying btcli's stdout, stderr and debug log."""
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
    cmd = [btcli_path(), *args]
    print(f"  $ {' '.join(cmd)}", flush=True)
    try:
        cp = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as e:
        raise btcli_failure(workdir, f"timed out after {timeout:.0f} s", e.stdout, e.stderr)
    if cp.returncode != 0:
        raise btcli_failure(workdir, f"exited with {cp.returncode}", cp.stdout, cp.stderr)
    return cp


def btcli_failure(workdir: Path, what: str, stdout, stderr) -> TestFailure:
    """A failure report with btcli's output and the tail of its debug log."""
    debug = tail(workdir / "btcli-home" / ".bittensor" / "debug.txt", 40)
    return TestFailure(
        f"btcli {what}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}\n--- btcli debug log tail ---\n{debug}"
    )


def run_btcli_json(args: list, workdir: Path, timeout: float = BTCLI_TIMEOUT):
    """Runs `btcli ARGS --json-output` (see run_btcli) and returns the JSON document it printed.

    Note: btcli 9.23.2 exits 0 even when it cannot reach the chain, and --json-output silences
    its console, so a missing JSON document (not the exit code) is what reveals most failures;
    btcli's debug log (~/.bittensor/debug.txt, rewritten on every run since the default
    config has use_cache: true) then says what happened."""
    cp = run_btcli([*args, "--json-output"], workdir, timeout)
    # Console output is silenced in JSON mode, but be tolerant of stray lines before the JSON.
    starts = [i for i in (cp.stdout.find("{"), cp.stdout.find("[")) if i >= 0]
    if not starts:
        raise btcli_failure(workdir, "printed no JSON (could it reach the node?)", cp.stdout, cp.stderr)
    try:
        doc, _ = json.JSONDecoder(strict=False).raw_decode(cp.stdout[min(starts):])
    except json.JSONDecodeError as e:
        raise btcli_failure(workdir, f"printed JSON that does not parse ({e})", cp.stdout, cp.stderr)
    return doc


# --- what the tests share -------------------------------------------------------------------


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
