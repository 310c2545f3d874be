"""Writing a command's charts in every format asked for (``--format png,svg,pdf``)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sim.core.files import save_figure_atomic

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: The default: PNG only, the files every command wrote before ``--format`` existed.
DEFAULT_FORMATS: tuple[str, ...] = ("png",)


def chart_names(names: Sequence[str], formats: Sequence[str] = DEFAULT_FORMATS) -> list[str]:
    """Chart file names (``relation.png`` or a bare stem) in each format, chart by chart."""
    return [f"{Path(name).with_suffix('').as_posix()}.{fmt}" for name in names
            for fmt in formats]


def save_charts(figures: Mapping[str, Figure], directory: str | os.PathLike[str],
                formats: Sequence[str] = DEFAULT_FORMATS) -> list[str]:
    """Write every figure (keyed by its ``.png`` file name or stem) once per format into
    ``directory``; return the file names written, in order. The same figure gives the same
    bytes in every format (:func:`sim.core.files.save_figure_atomic`)."""
    directory = Path(directory)
    written = []
    for name, figure in figures.items():
        for path in chart_names([name], formats):
            save_figure_atomic(figure, directory / path)
            written.append(path)
    return written
