"""What the Python miner and validator of Cortex's reference subnet share: the synapse, the data
file, the wallet and the command-line options.

The synapse is the same as crates/subnet/src/digits/synapse.rs: `pixels` (rows of 64 integer
intensities 0-16, hashed) and `predictions` (one digit per row, filled by the miner). The data
comes from `cortex localnet export-digits --out digits.json`, the same split the Rust side uses.
"""

import argparse
import json
import tempfile
from pathlib import Path
from typing import ClassVar, Optional

import bittensor as bt
from bittensor.utils import networking
from bittensor_wallet import Keypair, Wallet

# bittensor asks public web services for this machine's IP; on a local network (and offline)
# that stalls. Everything here runs on 127.0.0.1.
networking.get_external_ip = lambda: "127.0.0.1"


class DigitClassify(bt.Synapse):
    """Classify 8x8 images of handwritten digits."""

    pixels: list[list[int]]
    predictions: Optional[list[int]] = None
    required_hash_fields: ClassVar[tuple[str, ...]] = ("pixels",)


def load_split(path: str) -> dict:
    with open(path) as f:
        return json.load(f)


def options(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--url", default="ws://127.0.0.1:9944", help="the chain's RPC address")
    p.add_argument("--netuid", type=int, default=1)
    p.add_argument("--data", required=True, help="the file of `cortex localnet export-digits`")
    p.add_argument("--wallet-path", default=None, help="bittensor wallet directory")
    p.add_argument("--wallet-name", default=None)
    p.add_argument("--hotkey", default="default")
    p.add_argument("--coldkey-uri", default=None, help="dev only: a secret URI such as //Alice")
    p.add_argument("--hotkey-uri", default=None, help="dev only: a secret URI for the hotkey")
    return p


def wallet_from(args) -> Wallet:
    """A bittensor wallet: an existing one, or (dev) one made from secret URIs, unencrypted, in a
    private temporary directory."""
    if args.coldkey_uri and args.hotkey_uri:
        root = Path(tempfile.mkdtemp(prefix="digits-wallet-"))
        w = Wallet(name="dev", hotkey="default", path=str(root))
        ck = Keypair.create_from_uri(args.coldkey_uri)
        w.set_coldkey(ck, encrypt=False, overwrite=True)
        w.set_coldkeypub(ck, encrypt=False, overwrite=True)
        w.set_hotkey(Keypair.create_from_uri(args.hotkey_uri), encrypt=False, overwrite=True)
        return w
    if not args.wallet_name:
        raise SystemExit("give --wallet-name (and --wallet-path), or --coldkey-uri and --hotkey-uri")
    return Wallet(name=args.wallet_name, hotkey=args.hotkey, path=args.wallet_path or "~/.bittensor/wallets")


def say(**fields) -> None:
    """One JSON line per event on stdout, for people and for tests."""
    print(json.dumps(fields), flush=True)
