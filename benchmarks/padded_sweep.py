"""Every statement of the padded differential test's space, with its PROVED verdicts re-checked.

The statements are those of ``test_the_padded_model_agrees_with_the_exact_tier`` in
tests/test_prove_differential.py (a law with an integer zeropad length N = 2, 3, 4, two holes,
signals centred or at origin 0), all of them rather than a sample.  For each PROVED verdict
the exact tier compares the two sides at every size up to N per signal that the proof's
hypotheses and ties admit; a difference is printed as UNSOUND.  For each statement whose
canonical forms on Z_N^d differ ("not an identity"), it counts those with a counterexample
at some size up to N per signal; the others are laws of one number N alone (at N = 2,
ω = −1 and −x ≡ x; the forms are those of every period), which the exact tier VERIFIES.

Run from the repository root (``PYTHONPATH=$PWD`` in a worktree); a few seconds::

    python benchmarks/padded_sweep.py
"""

from __future__ import annotations

import itertools
import time
from collections import Counter

from symconv.lang.claims import claim_from_text
from symconv.lang.dsl import names, parse_statement
from symconv.prove import Budget, Verdict
from symconv.prove.general import attempt, compare
from tests.test_prove_differential import PADDED_HOLES, PADDED_LAWS, padded_differs, padded_scope


def main() -> int:
    counts: Counter[str] = Counter()
    unsound = []
    unexplained = []  # forms that differ, no counterexample, N > 2: not a law of N = 2 alone
    start = time.monotonic()
    for law, a, b, n, at_origin in itertools.product(PADDED_LAWS, PADDED_HOLES, PADDED_HOLES,
                                                      (2, 3, 4), (False, True)):
        statement = law.format(a=a, b=b, n=n, m=n - 1)
        table = {name: {"shape": "2", "real": False} | ({"origin": [0]} if at_origin else {})
                 for name in names(parse_statement(statement)) & {"f", "g"}}
        claim = claim_from_text(statement, table)
        result = attempt(claim, Budget(30))
        counts["statements"] += 1
        if compare(claim)[1] is not None:  # "not an identity": a counterexample up to N?
            counts["not an identity"] += 1
            found = any(padded_differs(statement, table, dict(zip(sorted(table), k, strict=True)))
                        for k in itertools.product(range(1, n + 1), repeat=len(table)))
            counts["... with a counterexample up to N per signal"] += found
            if not found:
                counts[f"... without one, N = {n}"] += 1
                if n > 2:
                    unexplained.append((statement, at_origin))
        if result is None or result.verdict is not Verdict.PROVED or result.derivation is None:
            continue
        counts["PROVED"] += 1
        for k in itertools.product(range(1, n + 1), repeat=len(table)):
            sizes = dict(zip(sorted(table), k, strict=True))
            if not padded_scope(result.derivation.certificate, sizes):
                continue
            differs = padded_differs(statement, table, sizes)
            if differs is None:
                continue  # the statement does not apply at this size
            counts["sizes re-checked"] += 1
            if differs:
                unsound.append((statement, at_origin, sizes))
    print(", ".join(f"{key}: {value}" for key, value in counts.items()),
          f"({time.monotonic() - start:.1f} s)")
    for case in unsound:
        print("UNSOUND", *case)
    for case in unexplained:
        print("NO COUNTEREXAMPLE FOUND", *case)
    return 1 if unsound else 0


if __name__ == "__main__":
    raise SystemExit(main())
