#!/usr/bin/env python3
"""A miner of Cortex's reference subnet (handwritten digits), written with bittensor 10.5.0.

It trains a k-nearest-neighbours classifier (numpy only) on the public training split, serves
`DigitClassify` on a bittensor Axon, announces the axon on chain, and admits only hotkeys
registered on the subnet. Run it beside `cortex localnet`:

    cortex localnet export-digits --out digits.json
    python examples/python/digits_miner.py --data digits.json --wallet-name miner --port 8901
"""

import threading
from typing import Tuple
import time

import bittensor as bt
import numpy as np

from digits_common import DigitClassify, load_split, options, say, wallet_from


class Knn:
    """k nearest neighbours (Euclidean), majority vote."""

    def __init__(self, samples: list, k: int = 3):
        self.x = np.array([s["pixels"] for s in samples], dtype=np.float64)
        self.y = np.array([s["label"] for s in samples], dtype=np.int64)
        self.k = k

    def predict(self, rows: list) -> list:
        q = np.array(rows, dtype=np.float64)
        d = ((q[:, None, :] - self.x[None, :, :]) ** 2).sum(axis=2)
        nearest = np.argsort(d, axis=1)[:, : self.k]
        out = []
        for idx in nearest:
            votes = np.bincount(self.y[idx], minlength=10)
            out.append(int(votes.argmax()))
        return out


def main() -> int:
    p = options(__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=8901)
    p.add_argument("--duration", type=float, default=None, help="stop after this many seconds")
    args = p.parse_args()
    wallet = wallet_from(args)
    model = Knn(load_split(args.data)["train"])
    sub = bt.Subtensor(network=args.url)
    metagraph = sub.metagraph(args.netuid)
    lock = threading.Lock()
    registered = set(metagraph.hotkeys)

    def blacklist(synapse: DigitClassify) -> Tuple[bool, str]:
        with lock:
            if synapse.dendrite.hotkey not in registered:
                return True, "hotkey not registered on the subnet"
        return False, "registered"

    def forward(synapse: DigitClassify) -> DigitClassify:
        rows = synapse.pixels
        if any(len(r) != 64 for r in rows):
            raise ValueError("every row has 64 pixels")
        synapse.predictions = model.predict(rows) if rows else []
        return synapse

    if wallet.hotkey.ss58_address not in registered:
        raise SystemExit(f"hotkey {wallet.hotkey.ss58_address} is not registered on subnet {args.netuid}")
    axon = bt.Axon(wallet=wallet, port=args.port, ip="127.0.0.1", external_ip="127.0.0.1")
    axon.attach(forward_fn=forward, blacklist_fn=blacklist)
    served = sub.serve_axon(netuid=args.netuid, axon=axon, mev_protection=False)
    if not served.success:
        raise SystemExit(f"serve_axon failed: {served.message}")
    axon.start()
    say(event="serving", hotkey=wallet.hotkey.ss58_address, port=args.port)
    started = time.monotonic()
    try:
        while args.duration is None or time.monotonic() - started < args.duration:
            time.sleep(2)
            try:
                m = sub.metagraph(args.netuid)
            except Exception as e:  # a node restart: keep the last metagraph
                say(event="metagraph_error", error=str(e))
                continue
            with lock:
                registered.clear()
                registered.update(m.hotkeys)
    except KeyboardInterrupt:
        pass
    finally:
        axon.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
