"""The ``natosim`` command line: a thin adapter over functions in :mod:`sim`.

Each command group lives in its own module and registers itself on the one typer app of
:mod:`sim.cli.common`; importing this module imports them all. Heavy modules (pandas,
matplotlib, mesa, the model) are imported inside the commands so that ``natosim --help``
answers at once.
"""

from __future__ import annotations

import sys

from sim.cli import (  # noqa: F401 (register)
    compare,
    experiments,
    fit,
    forecast,
    likelihood,
    paradigms,
    report,
    reproduce,
    run,
    scenarios,
)
from sim.cli.common import app

__all__ = ["app", "entry"]


def entry() -> None:
    """Entry point for ``python -m sim``."""
    app(prog_name="natosim")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(entry())
