#!/usr/bin/env bash
# Benchmarks of a BFT chain of four `cortex node` validators on 127.0.0.1 (docs/benchmarks.md,
# "Many validators"): submission-to-finality latency, finalized transfers per second, and a
# validator's catch-up speed after being down for BEHIND blocks.
#
#   cargo build --release -p cortex-cli --bin cortex && cargo build --release -p cortex-client --examples
#   scripts/perf/bft_bench.sh [--behind 1000] [--count 20000] [--latency 200] [--skip-catchup]
#
# Every node, the load generator and the latency client share this machine's cores. Nodes are
# stopped at exit (and on Ctrl-C); their logs stay in the work directory it prints.
set -euo pipefail

BEHIND=1000
COUNT=20000
LATENCY=200
CATCHUP=1
while [ $# -gt 0 ]; do
    case "$1" in
        --behind) BEHIND=$2; shift 2 ;;
        --count) COUNT=$2; shift 2 ;;
        --latency) LATENCY=$2; shift 2 ;;
        --skip-catchup) CATCHUP=0; shift ;;
        *) echo "usage: $0 [--behind N] [--count N] [--latency N] [--skip-catchup]" >&2; exit 2 ;;
    esac
done

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$ROOT/target/release
WORK=$(mktemp -d /tmp/cortex-bft-bench-XXXX)
echo "work directory: $WORK"
P2P=${P2P_BASE:-36333}
RPC=${RPC_BASE:-9850}
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

"$BIN/cortex" chain-spec new --validators 4 --p2p-base-port "$P2P" --out "$WORK/spec" >/dev/null

start() { # $1: validator index
    "$BIN/cortex" node --chain "$WORK/spec/chain-spec.json" --validator-key "$WORK/spec/validator-$1.key" \
        --base-path "$WORK/node-$1" --rpc-port $((RPC + $1)) >>"$WORK/node-$1.log" 2>&1 &
    pids[$1]=$!
}
head_of() { # $1: validator index
    curl -s -H 'Content-Type: application/json' \
        -d '{"id":1,"jsonrpc":"2.0","method":"chain_getHeader","params":[]}' "http://127.0.0.1:$((RPC + $1))" |
        python3 -c 'import sys, json; print(int(json.load(sys.stdin)["result"]["number"], 16))' 2>/dev/null || echo 0
}

for i in 1 2 3 4; do start "$i"; done
until [ "$(head_of 4)" -ge 5 ] && [ "$(head_of 1)" -ge 5 ]; do sleep 0.5; done
echo "four validators finalizing"

echo "== submission to finality, $LATENCY transfers one at a time through validator 2"
"$BIN/examples/finality" --url "ws://127.0.0.1:$((RPC + 2))" --count "$LATENCY"

echo "== finalized transfers per second, $COUNT transfers through validator 1"
"$BIN/examples/transfers" --url "ws://127.0.0.1:$((RPC + 1))" --count "$COUNT"

if [ "$CATCHUP" = 1 ]; then
    echo "== catch-up after $BEHIND blocks down"
    kill -9 "${pids[4]}"
    wait "${pids[4]}" 2>/dev/null || true
    down=$(head_of 1)
    until [ $(( $(head_of 1) - down )) -ge "$BEHIND" ]; do sleep 1; done
    target=$(head_of 1)
    t0=$(date +%s.%N)
    start 4
    until [ "$(head_of 4)" -ge "$target" ]; do sleep 0.1; done
    t1=$(date +%s.%N)
    caught=$(( target - down ))
    python3 - "$t0" "$t1" "$caught" <<'EOF'
import sys
t0, t1, n = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
print(f"validator 4 was {n} blocks behind: caught up in {t1 - t0:.1f} s from its restart "
      f"(process start included), {n / (t1 - t0):.0f} blocks/s")
EOF
fi
