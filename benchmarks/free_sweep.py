"""Every statement of the free-integer differential test's space, with its verdicts re-checked.

The statements are those of ``test_free_integers_agree_with_the_exact_tier`` in
tests/test_prove_differential.py: a law whose zeropad length is the claim's integer N
(declared 5), two holes, and one of six assumption lists (none among them), all of them
rather than a sample.  For each PROVED verdict the exact tier compares the sides at every
size up to 3 per signal and every N up to 6 that the assumptions and the proof's hypotheses
admit; a difference is printed as UNSOUND.  A general-tier refutation at other integers is
re-checked: admitted by the assumptions, and the sides differ there.  It also counts the
claims with assumptions that fail at an admitted size and are not REFUTED (missed), and
those that are VERIFIED with no admitted failure within the bounds (the statement is not
defined at some admitted size, or lies outside the padded model), and the VERIFIED claims
without assumptions that fail at some other size (stated at their declared sizes only).

Run from the repository root with ``PYTHONPATH=$PWD``; about 75 seconds::

    PYTHONPATH=$PWD python benchmarks/free_sweep.py
"""

from __future__ import annotations

import itertools
import time
from collections import Counter

from symconv.prove import Verdict
from tests.test_prove_differential import FREE_ASSUMPTIONS, FREE_LAWS, PADDED_HOLES, free_outcome


def main() -> int:
    counts: Counter[str] = Counter({"missed: fails at an admitted size, not REFUTED": 0})
    wrong = []
    start = time.monotonic()
    for law, a, b, assume in itertools.product(FREE_LAWS, PADDED_HOLES, PADDED_HOLES, FREE_ASSUMPTIONS):
        out = free_outcome(law, a, b, assume)
        if out is None:
            continue
        result, claim = out["result"], out["claim"]
        counts["statements"] += 1
        counts[f"{result.verdict.value} ({result.method})"] += 1
        counts["PROVED sizes re-checked"] += out["rechecked"]
        if out["unsound"]:
            wrong.append(("UNSOUND", law.format(a=a, b=b), assume, out["unsound"][0]))
        if out["refuted_at"] is not None:
            counts["refuted at other integers"] += 1
            if not out["refuted_at"][2]:
                wrong.append(("BAD COUNTEREXAMPLE", law.format(a=a, b=b), assume, out["refuted_at"]))
        if claim.assumptions and out["failing"] is not None and result.verdict is not Verdict.REFUTED:
            counts["missed: fails at an admitted size, not REFUTED"] += 1
        if claim.assumptions and out["failing"] is None and result.verdict is Verdict.VERIFIED:
            counts["VERIFIED with assumptions, no admitted failure"] += 1
        if not claim.assumptions and out["failing"] is not None and result.verdict is Verdict.VERIFIED:
            counts["VERIFIED without assumptions, failing at another size"] += 1
    print(", ".join(f"{key}: {value}" for key, value in counts.items()),
          f"({time.monotonic() - start:.1f} s)")
    for case in wrong:
        print(*case)
    return 1 if wrong else 0


if __name__ == "__main__":
    raise SystemExit(main())
