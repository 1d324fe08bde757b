"""``python -m skdib`` and the ``skdib`` console script."""

import sys

from skdib._cli import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
