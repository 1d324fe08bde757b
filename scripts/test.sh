#!/usr/bin/env bash
# Set up (if needed) and run the whole test suite, slow tests included.
source "$(dirname "${BASH_SOURCE[0]}")/_setup.sh"
python -m ruff check .
python -m pytest "$@"
