"""The folder a report's figures are written to, with atomic PNG writes.

Figures are drawn on :class:`matplotlib.figure.Figure` objects directly (no
pyplot, so no global figure state and no interactive backend).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.image import imsave

from symconv.core.atomic import atomic_write


class FigureFolder:
    """``out_dir/name``; ``latex_path`` is how the ``.tex`` in ``out_dir`` refers to it."""

    def __init__(self, out_dir: Path, name: str) -> None:
        self.path = out_dir / name
        self.latex_path = name
        self._written: list[Path] = []

    @property
    def written(self) -> tuple[Path, ...]:
        return tuple(self._written)

    def _store(self, filename: str, data: bytes) -> str:
        target = self.path / filename
        atomic_write(target, data)
        self._written.append(target)
        return f"{self.latex_path}/{filename}"

    def save_figure(self, figure: Figure, filename: str, dpi: int = 150) -> str:
        """Save a matplotlib figure; returns the path to use in ``\\includegraphics``."""
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
        return self._store(filename, buffer.getvalue())

    def save_image(self, image: np.ndarray, filename: str, cmap: str = "gray",
                   vmin: float | None = None, vmax: float | None = None) -> str:
        """Save a 2D array as a PNG, one pixel per entry."""
        buffer = io.BytesIO()
        imsave(buffer, image, cmap=cmap, vmin=vmin, vmax=vmax, format="png")
        return self._store(filename, buffer.getvalue())
