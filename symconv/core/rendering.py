"""How the engine's objects show themselves, filled in from above.

Signals, results, counterexamples, derivations and outcomes have ``repr``, ``str`` and
notebook forms (``_repr_html_``, ``_repr_latex_``), but rendering is presentation, which
lives in a layer above them (:mod:`symconv.display`).  So the classes ask this registry
and :mod:`symconv.display` registers its renderers when it is imported, which
``import symconv`` does (importing any submodule runs the package's ``__init__`` first).
Without a registered renderer an object falls back to :func:`object.__repr__`.

>>> class Point:
...     def __repr__(self) -> str:
...         return render(self, "repr")
>>> repr(Point()).startswith("<symconv.core.rendering.Point object")
True
>>> register(Point, "repr", lambda point: "Point()")
>>> repr(Point())
'Point()'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Renderer = Callable[[Any], str]

_RENDERERS: dict[tuple[type, str], Renderer] = {}


def register(cls: type, form: str, renderer: Renderer) -> None:
    """Show instances of ``cls`` (and its subclasses) in ``form`` with ``renderer``."""
    _RENDERERS[cls, form] = renderer


def render(obj: Any, form: str) -> str:
    """``obj`` in ``form`` (``"repr"``, ``"text"``, ``"html"``, ``"latex"``, ...)."""
    for cls in type(obj).__mro__:
        renderer = _RENDERERS.get((cls, form))
        if renderer is not None:
            return renderer(obj)
    return object.__repr__(obj)
