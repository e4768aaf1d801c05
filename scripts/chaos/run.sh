#!/usr/bin/env bash
# The full chaos run of issue 15: every attack at the issue's scale (six rounds of 1,024 storage
# subscriptions of 100 keys, 2M-key queries, 10 MB block-number lists, 1,000 idle WebSockets and
# 1,000 unfinished HTTP bodies from 127.0.0.2) against a release `cortex node` on 250 ms blocks,
# then the damaged-database checks. Every socket goes to 127.0.0.1; every attack is bounded in
# count and time. Prints the figures docs/reliability.md records.
#
# .ci/run runs the short version (two rounds, 500 ms blocks, debug build) inside `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CORTEX_CHAOS_ROUNDS="${CORTEX_CHAOS_ROUNDS:-6}"
export CORTEX_CHAOS_BLOCK_TIME="${CORTEX_CHAOS_BLOCK_TIME:-250ms}"
cargo test --release --locked -p cortex-cli --test chaos --test db_damage -- --nocapture --test-threads 1 2>&1 |
    grep -E "^(chaos|damage):|^error|test result|panicked"
