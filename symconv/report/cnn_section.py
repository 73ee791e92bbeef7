"""The CNN section of the derivation and lecture reports: values computed while the
report builds (the expanded pixel, the gradients checked against sympy.diff, one symbolic
learning step, and learning in floating point).
"""

from __future__ import annotations

from typing import Any

import sympy

from symconv.apps import cnn
from symconv.lang.claims import claim_from_text
from symconv.prove.verdict import exact_check_verdict
from symconv.report.checks import verify_displayed


def cnn_data(steps: int = 200, learned: cnn.LearningReport | None = None) -> dict[str, Any]:
    """Values for a ``cnn`` section of the derivation and lecture reports (computed now;
    ``learned``, a run of :func:`~symconv.apps.cnn.learning_equivalence` the caller also
    plots, instead of a new one of ``steps`` steps).

    Keys: ``pixel`` (LaTeX of y[0,0,0] for 2 input channels, 3x3 kernel),
    ``backprop`` (one dict per setting: ``settings`` text, ``verdict``,
    ``entries``), ``one_step`` (``verdict``), ``learning`` (steps,
    max_flip_difference, first_step_difference, exact_counterexample).
    """
    checks = []
    grid: list[dict[str, Any]] = [{}, {"stride": 2}, {"dilation": 2},
                                  {"stride": 2, "padding": 1, "dilation": 2}]
    for settings in grid:
        found = cnn.check_backprop(2, 2, (4, 4), (2, 2), **settings)
        text = ", ".join(f"{k} {v}" for k, v in settings.items()) or "stride 1, no padding"
        checks.append({"settings": text, "verdict": exact_check_verdict(found.holds).value,
                       "entries": sum(found.checked.values())})
    step = cnn.one_step_equivalence()
    if learned is None:
        learned = cnn.learning_equivalence(steps=steps)
    return {
        "pixel": sympy.latex(cnn.pixel_form(2, 0, (3, 3), (0, 0))),
        "backprop": checks,
        "one_step": {"verdict": exact_check_verdict(step.holds).value},
        "learning": {"steps": learned.steps,
                     "max_flip_difference": learned.max_flip_difference,
                     "first_step_difference": learned.first_step_difference,
                     "exact_counterexample": learned.exact_counterexample},
    }


def grouped_layers() -> list[dict[str, Any]]:
    """The grouped layers of ``proofs/cnn_groups.toml`` (:data:`cnn.BUNDLED_LAYERS`), their
    claims verified now: per layer its ``layer`` description, its closed forms ``laws`` and the
    ``mutants`` (CheckedClaims), each distinct (verdict, tier) of either (``law_verdicts``,
    ``mutant_verdicts``), and ``scope``: what the laws' PROVED verdicts cover (each distinct
    sentence once).  A claim that misses its expectation stops the build."""
    found = []
    for layer, input_size, kernel in cnn.BUNDLED_LAYERS:
        claims = [claim_from_text(c.statement, c.signals, c.expect, name=c.name)
                  for c in layer.claims(input_size, kernel)]
        checked = list(verify_displayed(claims).values())
        laws = [c for c in checked if c.claim.expect == "holds"]
        mutants = [c for c in checked if c.claim.expect == "fails"]
        found.append({"layer": layer.describe(), "laws": laws, "mutants": mutants,
                      # each distinct (verdict, tier) once: "PROVED (general)"
                      "law_verdicts": list(dict.fromkeys((c.verdict, c.result.method) for c in laws)),
                      "mutant_verdicts": list(dict.fromkeys((c.verdict, c.result.method)
                                                            for c in mutants)),
                      "scope": "; ".join(dict.fromkeys(c.result.scope_text() for c in laws))})
    return found
