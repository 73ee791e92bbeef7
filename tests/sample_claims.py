"""Claim files that several test modules run (the CLI, the pytest plugin, the progress
display): one true claim, two false ones, a Python claim module, and :func:`claim_toml` to
write others in the same layout."""

from __future__ import annotations

import json
from typing import Any


def _toml_value(value: Any) -> str:
    # JSON strings and arrays of strings are TOML too; a dict is an inline table.
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    return json.dumps(value)


def claim_toml(name: str, statement: str, signals: dict[str, str], expect: str = "holds",
               **fields: Any) -> str:
    """One ``[[claim]]`` table: name, statement, signals, ``fields`` in order, expect.

    It starts with a blank line, so that tables concatenate into one file with the k-th
    claim's header on line 6k - 4.
    """
    lines = ["", "[[claim]]", f"name = {_toml_value(name)}",
             f"statement = {_toml_value(statement)}", f"signals = {_toml_value(signals)}",
             *(f"{key} = {_toml_value(value)}" for key, value in fields.items()),
             f"expect = {_toml_value(expect)}"]
    return "\n".join(lines) + "\n"


FLIP_EQUIVALENCE = claim_toml("flip-equivalence", "conv(F, I) == corr(flip(F), I)",
                              {"F": "3x3", "I": "4x4"})
# False, and expected to hold: a MISMATCH.
CONV_IS_CORR = claim_toml("conv-is-corr", "conv(F, I) == corr(F, I)", {"F": "3x3", "I": "4x4"})
CORR_NOT_ASSOCIATIVE = claim_toml("corr-not-associative",
                                  "corr(corr(a, b), c) == corr(a, corr(b, c))",
                                  {"a": "3", "b": "3", "c": "3"}, expect="fails")

# A Python claim module with one true claim, py-flip.
PY_FLIP_MODULE = '''
from symconv.lang.claims import python_claim
from symconv.core.ops import conv, corr, flip


@python_claim("py-flip", {"F": "3x3", "I": "4x4"})
def flip_equivalence(F, I):
    return conv(F, I), corr(flip(F), I)
'''
