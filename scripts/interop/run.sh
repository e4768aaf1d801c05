#!/usr/bin/env bash
# Interop test: the real `bittensor` SDK and `btcli` against a Cortex dev node.
#
#   cargo build --release -p cortex-cli      # this script does not build
#   cargo build --release -p cortex-axon --examples   # the synapse-protocol interop binaries
#   scripts/interop/run.sh                   # CORTEX_BIN defaults to target/release/cortex
#
# Creates or reuses the client virtualenv (setup.sh), then runs test_node.py with the venv's
# python. CORTEX_BIN, CORTEX_INTEROP_VENV and CORTEX_INTEROP_KEEP pass through unchanged.
# Exit code: 0 if every test passed, 1 if any failed, 2 on a setup problem.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="${CORTEX_INTEROP_VENV:-$repo/target/interop-venv}"

"$here/setup.sh" || exit 2
cd "$repo"
export CORTEX_BIN="${CORTEX_BIN:-target/release/cortex}"
exec "$venv/bin/python" "$here/test_node.py"
