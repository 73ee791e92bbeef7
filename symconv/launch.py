"""The ``symconv`` command's entry point, light enough to answer Ctrl-C at once.

Importing the engine (sympy, numpy) takes about a second; a Ctrl-C in that second would
otherwise end in a traceback, before :func:`symconv.cli.main` can catch it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    try:
        from symconv.cli import main as cli_main
    except KeyboardInterrupt:
        print("symconv: interrupted", file=sys.stderr)
        return 130
    return cli_main(argv)
