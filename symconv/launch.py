"""The ``symconv`` command's entry point, light enough to answer Ctrl-C at once.

Importing the engine (sympy, numpy) takes about a second, and building the parser a few
milliseconds more; a Ctrl-C there would otherwise end in a traceback (exit -2), before
:func:`symconv.cli.main` reaches the command that catches it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    try:
        from symconv.cli import main as cli_main

        code = cli_main(argv)
    except (KeyboardInterrupt, RuntimeError) as exc:
        # a Ctrl-C inside a class body's __set_name__ (dataclass fields, during the import)
        # comes out as "RuntimeError: Error calling __set_name__", caused by the interrupt
        if isinstance(exc, RuntimeError) and not isinstance(exc.__cause__, KeyboardInterrupt):
            raise
        print("symconv: interrupted", file=sys.stderr)
        code = 130
    if code == 130:
        # CPython marks a Ctrl-C "unhandled" when it passes through exec() of a string
        # (dataclasses build __init__ so), caught or not, and a `python -m symconv` then ends
        # by SIGINT (status -2) instead of 130; the next exec() of a string clears the mark.
        exec("")
    return code
