#!/usr/bin/env bash
# Set up (if needed) and run the demo: fit on a built-in dataset, print the path.
source "$(dirname "${BASH_SOURCE[0]}")/_setup.sh"
skdib demo "$@"
