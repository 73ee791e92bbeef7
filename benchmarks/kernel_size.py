"""Line counts of the trusted kernel listed in ``symconv/prove/__init__.py``.

The kernel is the code a false claim must get past to come out PROVED, VERIFIED or
PROBABLE.  Each entry is a whole module or named top-level functions and classes of one
(``Class.method`` for a method); a name is looked up in the first of the entry's modules
that defines it, so the same list counts a tree from before a function moved.  Lines are
source lines of the definition, docstrings and comments included, as ``wc -l`` counts.

    python benchmarks/kernel_size.py                  # this tree
    python benchmarks/kernel_size.py --root /tmp/old  # e.g. git worktree add /tmp/old REV
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

WHOLE = None
# (group, modules searched in order, names or WHOLE)
KERNEL: list[tuple[str, tuple[str, ...], tuple[str, ...] | None]] = [
    ("shared", ("symconv/lang/dsl.py",), WHOLE),
    ("shared", ("symconv/lang/claims.py",), ("SignalSpec",)),
    ("shared", ("symconv/lang/assumptions.py",), ("substitute_integers",)),
    ("shared", ("symconv/core/ops.py",), WHOLE),
    ("shared", ("symconv/core/signal.py",), WHOLE),
    ("shared", ("symconv/core/algebra.py",), WHOLE),
    ("shared", ("symconv/core/cyclotomic.py",), WHOLE),
    ("shared", ("symconv/core/fourier.py",), WHOLE),
    ("shared", ("symconv/core/kernels.py",), WHOLE),
    ("shared", ("symconv/prove/tiers.py",), ("decide",)),
    ("shared", ("symconv/prove/verdict.py", "symconv/prove/__init__.py"), ("Result.meets",)),
    ("shared", ("symconv/prove/cache.py",), WHOLE),
    ("PROVED", ("symconv/prove/general.py",), ("attempt",)),
    ("PROVED", ("symconv/prove/general.py",), ("fixed_axes_scope", "_operation_ndim", "modes_scope",
                                                "hypotheses_scope", "shared_sizes_note")),
    ("PROVED", ("symconv/prove/general.py",), ("_accepted",)),
    ("PROVED", ("symconv/prove/checker.py",), WHOLE),
    ("PROVED", ("symconv/prove/derivation.py", "symconv/prove/general.py"),
     ("declared_signals", "Derivation.check")),
    ("PROVED", ("symconv/prove/recheck.py", "symconv/prove/general.py"),
     ("backstop", "recheck_statement", "recheck_assignments", "sides_differ", "recheck_modes",
      "_holds_at", "_random_entries")),
    ("VERIFIED", ("symconv/prove/exact.py",), WHOLE),
    ("VERIFIED", ("symconv/prove/counterexample.py",),
     ("exact_difference", "exact_differs", "difference", "claim_sides", "build_env")),
    ("VERIFIED", ("symconv/prove/evaluate.py",), WHOLE),
    ("VERIFIED", ("symconv/prove/packed.py",), WHOLE),
    ("PROBABLE", ("symconv/prove/random.py",), WHOLE),
    ("PROBABLE", ("symconv/prove/modular.py",), WHOLE),
]


def _definitions(tree: ast.Module) -> dict[str, ast.AST]:
    found: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            found[node.name] = node
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef):
                        found[f"{node.name}.{item.name}"] = item
    return found


def _span(node: ast.AST) -> int:
    first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
    return node.end_lineno - first + 1  # type: ignore[attr-defined,no-any-return]


def measure(root: Path) -> list[tuple[str, str, int]]:
    """(group, what, lines) per entry; a name found in no module counts 0 and says so."""
    rows = []
    for group, modules, names in KERNEL:
        present = [m for m in modules if (root / m).exists()]
        if not present:
            rows.append((group, f"{modules[0]} (absent)", 0))
            continue
        if names is WHOLE:
            text = (root / present[0]).read_text(encoding="utf-8")
            rows.append((group, present[0], len(text.splitlines())))
            continue
        trees = {m: _definitions(ast.parse((root / m).read_text(encoding="utf-8"))) for m in present}
        for name in names:
            module = next((m for m in present if name in trees[m]), None)
            lines = _span(trees[module][name]) if module else 0
            rows.append((group, f"{module or present[0]}:{name}" + ("" if module else " (absent)"),
                         lines))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args(argv)
    rows = measure(args.root)
    totals: dict[str, int] = {}
    for group, what, lines in rows:
        print(f"{group:9} {lines:6}  {what}")
        totals[group] = totals.get(group, 0) + lines
    print("totals: " + ", ".join(f"{g} {n}" for g, n in totals.items())
          + f"; all {sum(totals.values())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
