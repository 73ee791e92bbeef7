"""The ``symconv`` command line: ``main(argv) -> int``.

Exit status: 0 success, 1 a verdict that contradicts its expectation, 2 bad
input (one line on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from symconv import __version__
from symconv.derive import LAYOUTS, OPERATIONS, ExpandedForm
from symconv.errors import SymconvError


def _cmd_derive(args: argparse.Namespace) -> int:
    form = ExpandedForm.build(args.op, args.size, args.dim, layout=args.layout)
    if args.latex:
        print(form._latex())
    else:
        print(form)
    return 0


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="symconv",
        description="Exact symbolic verification of discrete convolution and correlation.",
    )
    parser.add_argument("--version", action="version", version=f"symconv {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    derive = sub.add_parser(
        "derive",
        help="print the expanded Hadamard-sum form of conv or corr",
        description="Print (F op I)(x, ...) as the sum of the entries of a Hadamard product.",
    )
    derive.add_argument("op", choices=OPERATIONS, help="conv: sum F(i) I(x-i); corr: sum F(i) I(x+i)")
    derive.add_argument("--dim", type=int, default=2, help="number of dimensions (default 2)")
    derive.add_argument("--size", type=int, default=3, help="kernel size 2N+1 per axis (default 3)")
    derive.add_argument(
        "--layout", choices=LAYOUTS, default="patch",
        help="patch: terms placed over the image patch (the source's matrices); "
        "kernel: conv's terms in the order of its definition",
    )
    derive.add_argument("--latex", action="store_true", help="print LaTeX instead of a picture")
    derive.set_defaults(func=_cmd_derive)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except SymconvError as err:
        print(f"symconv: error: {err}", file=sys.stderr)
        return 2
    return code
