"""A short scenario file for fast end-to-end tests (shared by the CLI test modules)."""

from __future__ import annotations

import textwrap
from pathlib import Path


def write_short_scenario(
    folder: Path, start: int = 2004, end: int = 2008, name: str = "short-test"
) -> Path:
    """Write ``folder/short.yaml``: the shipped baseline cut to ``start``-``end``."""
    path = folder / "short.yaml"
    path.write_text(
        textwrap.dedent(
            f"""\
            name: {name}
            description: "The baseline cut to {start}-{end}, for fast tests."
            extends: post-cold-war.yaml
            period:
              start: {start}
              end: {end}
            """
        )
    )
    return path
