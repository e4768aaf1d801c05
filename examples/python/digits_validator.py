#!/usr/bin/env python3
"""A validator of Cortex's reference subnet (handwritten digits), written with bittensor 10.5.0.

Each round it sends a batch of its held-out images to every axon of the subnet, scores each
answer by its accuracy on the held-out labels, keeps a moving average per uid, and sets its
scores as weights once a tempo. Run it beside `cortex localnet`:

    cortex localnet export-digits --out digits.json
    python examples/python/digits_validator.py --data digits.json --wallet-name validator
"""

import asyncio
import random
import time

import bittensor as bt

from digits_common import DigitClassify, load_split, options, say, wallet_from

ALPHA = 0.1  # the moving average's step
BATCH = 64


async def run(args) -> int:
    wallet = wallet_from(args)
    holdout = load_split(args.data)["holdout"]
    sub = bt.Subtensor(network=args.url)
    dendrite = bt.Dendrite(wallet=wallet)
    me = wallet.hotkey.ss58_address
    scores: dict[int, float] = {}
    hotkey_of: dict[int, str] = {}
    last_set = 0
    started = time.monotonic()
    while args.duration is None or time.monotonic() - started < args.duration:
        metagraph = sub.metagraph(args.netuid)
        block = sub.get_current_block()
        targets = [
            (uid, axon)
            for uid, (hk, axon) in enumerate(zip(metagraph.hotkeys, metagraph.axons))
            if hk != me and axon.ip not in ("0.0.0.0", "") and axon.port != 0
        ]
        for uid, hk in enumerate(metagraph.hotkeys):
            if hotkey_of.get(uid) not in (None, hk):
                scores.pop(uid, None)  # a new neuron on this uid inherits nothing
            hotkey_of[uid] = hk
        if targets:
            batch = [random.choice(holdout) for _ in range(BATCH)]
            labels = [s["label"] for s in batch]
            synapse = DigitClassify(pixels=[s["pixels"] for s in batch])
            answers = await dendrite.forward(
                axons=[a for _, a in targets], synapse=synapse, timeout=args.timeout, deserialize=False
            )
            for (uid, _), answer in zip(targets, answers):
                p = answer.predictions
                ok = answer.is_success and p is not None and len(p) == len(labels)
                acc = sum(a == b for a, b in zip(p, labels)) / len(labels) if ok else 0.0
                scores[uid] = scores.get(uid, 0.0) + ALPHA * (acc - scores.get(uid, 0.0))
            say(event="round", block=block, scores={str(u): round(s, 4) for u, s in sorted(scores.items())},
                status={str(u): a.dendrite.status_code for (u, _), a in zip(targets, answers)})
        tempo = int(metagraph.tempo) if hasattr(metagraph, "tempo") else 10
        if block - last_set >= max(tempo, 1) and any(s > 0 for s in scores.values()):
            uids = [u for u, s in sorted(scores.items()) if s > 0]
            weights = [scores[u] for u in uids]
            r = sub.set_weights(wallet=wallet, netuid=args.netuid, uids=uids, weights=weights,
                                mev_protection=False, wait_for_inclusion=True, wait_for_finalization=False,
                                block_time=0.25)
            say(event="set_weights", block=block, success=bool(r.success), message=str(r.message), uids=uids)
            if r.success:
                last_set = block
        await asyncio.sleep(args.round_interval)
    await dendrite.aclose_session()
    return 0


def main() -> int:
    p = options(__doc__.splitlines()[0])
    p.add_argument("--timeout", type=float, default=5.0, help="seconds per miner answer")
    p.add_argument("--round-interval", type=float, default=1.0)
    p.add_argument("--duration", type=float, default=None, help="stop after this many seconds")
    args = p.parse_args()
    try:
        return asyncio.run(run(args))
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
