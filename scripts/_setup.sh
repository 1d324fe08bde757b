# Sourced by demo.sh and test.sh: create .venv (once) and install skdib with the
# CPU torch pin. Re-runs are cheap: pip finds everything already satisfied.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
STAMP=.venv/.skdib-setup-stamp
if [ ! -f "$STAMP" ] || [ setup.cfg -nt "$STAMP" ] || [ scripts/_setup.sh -nt "$STAMP" ] \
        || [ requirements/cpu-constraints.txt -nt "$STAMP" ]; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check \
        -c requirements/cpu-constraints.txt -e ".[dev,docs,glass,baselines,dask]"
    touch "$STAMP"
fi
export PATH="$ROOT/.venv/bin:$PATH"
