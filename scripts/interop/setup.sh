#!/usr/bin/env bash
# Create (idempotently) the Python virtualenv used by the interop tests, holding the real
# PyPI clients `bittensor` (SDK) and `bittensor-cli` (btcli) at the versions in requirements.txt.
#
#   scripts/interop/setup.sh            # venv at $CORTEX_INTEROP_VENV or <repo>/target/interop-venv
#
# Needs only python3 (>= 3.10; 3.11 recommended) with the venv module, and network access to PyPI.
# A stamp file inside the venv records the sha256 of requirements.txt; when it matches, nothing
# is reinstalled, so repeated runs cost well under a second.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="${CORTEX_INTEROP_VENV:-$repo/target/interop-venv}"
req="$here/requirements.txt"
python="${PYTHON:-python3}"

hash_of() {
    if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1
    else shasum -a 256 "$1" | cut -d' ' -f1; fi
}
want="$(hash_of "$req")"
stamp="$venv/.cortex-interop-stamp"

if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    echo "interop venv up to date: $venv"
    exit 0
fi

if [[ ! -x "$venv/bin/python" ]]; then
    echo "creating interop venv at $venv"
    mkdir -p "$(dirname "$venv")"
    if ! "$python" -m venv "$venv"; then
        echo "setup.sh: '$python -m venv' failed; install the venv module (Debian/Ubuntu: apt-get install python3-venv) or set PYTHON" >&2
        rm -rf "$venv"
        exit 1
    fi
fi

start=$(date +%s)
# A recent pip resolves the dependency tree much faster and avoids old-resolver backtracking.
"$venv/bin/python" -m pip install --disable-pip-version-check -q --upgrade pip
"$venv/bin/python" -m pip install --disable-pip-version-check -r "$req"
# Fail here, not inside the tests, if either client cannot be imported or started.
"$venv/bin/python" -c "import bittensor, bittensor_wallet; print('bittensor', bittensor.__version__)"
"$venv/bin/btcli" --version
echo "$want" > "$stamp"
echo "interop venv ready in $(( $(date +%s) - start )) s: $venv"
