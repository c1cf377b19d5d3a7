"""Entry point of `make bench`: run every benchmark of issues 9 and 18 in one go and print the table.

Usage: python bench/run.py [--quick] [--only B1,B2,...] [--results-dir DIR]
"""

from __future__ import annotations

import sys

from nbbench.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
