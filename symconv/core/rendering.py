"""How the engine's objects show themselves, filled in from above.

Signals, results, counterexamples, derivations and outcomes have ``repr``, ``str`` and
notebook forms (``_repr_html_``, ``_repr_latex_``), but rendering is presentation, which
lives in a layer above them (:mod:`symconv.display`).  So the classes ask this registry
and :mod:`symconv.display` registers its renderers when it is imported, which
``import symconv`` does (importing any submodule runs the package's ``__init__`` first).
Without a registered renderer an object falls back to :func:`object.__repr__`.
:class:`Rendered` gives a class all five forms.

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


class Rendered:
    """``repr``, ``str``, ``_latex`` (SymPy's printer hook, inline LaTeX) and the notebook
    forms of a class, each by the renderer registered for it (``"repr"``, ``"str"``,
    ``"latex"``, ``"notebook-latex"``, ``"html"``).  A dataclass using it needs
    ``repr=False``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return render(self, "repr")

    def __str__(self) -> str:
        return render(self, "str")

    def _latex(self, printer: Any = None) -> str:
        return render(self, "latex")

    def _repr_latex_(self) -> str:
        return render(self, "notebook-latex")

    def _repr_html_(self) -> str:
        return render(self, "html")
