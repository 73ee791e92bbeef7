"""Exceptions raised by symconv.

Every failure a user can cause is a :class:`SymconvError` (a ``ValueError``),
with a one-line message that names the offending value and what was expected.
The command line prints that line and exits with status 2.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'conv'?)`` for the closest known names (a typo; all that are equally
    close: 'sobel_x' or 'sobel_y'), else nothing."""
    scores = {c: difflib.SequenceMatcher(None, word, c).ratio() for c in candidates}
    best = max(scores.values(), default=0.0)
    close = sorted(c for c, score in scores.items() if score == best >= 0.6)
    return f" (did you mean {' or '.join(map(repr, close))}?)" if close else ""


class SymconvError(ValueError):
    """Base class of every error symconv reports to a user."""


class ShapeError(SymconvError):
    """A shape, size or dimension that does not fit (empty, mismatched, non-integer)."""


class SizeLimitError(SymconvError):
    """A size that would blow up the exact computation."""


class UnknownNameError(SymconvError):
    """An unknown kernel, mode, boundary, function or signal name."""


class ClaimFileError(SymconvError):
    """A malformed claim file or statement; the message names file, claim and position."""


class NotSupportedError(SymconvError):
    """A well-formed request that this version cannot carry out."""


class ReportError(SymconvError):
    """A report that cannot be rendered or built (template error, LaTeX failure)."""


class IdentifyError(SymconvError):
    """A function that `symconv identify` cannot probe (not importable, not bilinear)."""


class InputLimitError(ClaimFileError):
    """Input beyond one of the limits that keep parsing and checking bounded (statement
    length, expression depth, digits of a number, axes, name length, literal size)."""
