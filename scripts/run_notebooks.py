"""Maintainer script (`make notebooks`): execute the tutorial notebooks in place, with outputs.

Usage::

    python scripts/run_notebooks.py [notebooks/NAME.ipynb ...]    # default: every notebook

The notebooks are committed executed, so that the repository and the documentation site
(`make docs`, which never executes them) show their figures and tables. Each runs top to
bottom in a fresh kernel from its own folder; figures are PNG at a modest resolution (the
``FIGURE_DPI`` below, set in the kernel's configuration, not by the notebooks). The result
is deterministic: no timing metadata, and the same seeds give the same numbers, so running
it twice gives the same files. The notebook's metadata records the sha256 of its code cells
(``natosim.sources_sha256``), which tests/test_notebooks.py compares with the cells, so that
a notebook whose code was edited after it was run is caught. Not imported by the package.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from pathlib import Path

import nbclient
import nbformat

ROOT = Path(__file__).resolve().parent.parent
FIGURE_DPI = 72  # inline PNGs of ~40-80 kB each: legible on a page, small in the repository
TIMEOUT = 600  # s per cell
# The kernel's start-up configuration (a throw-away IPYTHONDIR): PNG only, at FIGURE_DPI.
KERNEL_CONFIG = (
    "c.InlineBackend.figure_formats = {'png'}\n"
    f"c.InlineBackend.print_figure_kwargs = {{'bbox_inches': 'tight', 'dpi': {FIGURE_DPI}}}\n"
)


def sources_sha256(notebook) -> str:
    """sha256 of the notebook's code cells, in order (what its outputs were computed from)."""
    digest = hashlib.sha256()
    for cell in notebook.cells:
        if cell.cell_type == "code":
            digest.update(cell.source.encode() + b"\x00")
    return digest.hexdigest()


def execute(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=TIMEOUT, kernel_name="python3", record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
    notebook.metadata.pop("widgets", None)
    notebook.metadata["natosim"] = {"sources_sha256": sources_sha256(notebook)}
    nbformat.validate(notebook)
    path.write_text(nbformat.writes(notebook) + "\n", encoding="utf-8")
    print(f"{path.name}: {path.stat().st_size / 1024:.0f} kB")


def main(argv: list[str]) -> int:
    paths = [Path(a).resolve() for a in argv] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    with tempfile.TemporaryDirectory() as ipython_dir:
        profile = Path(ipython_dir) / "profile_default"
        profile.mkdir()
        (profile / "ipython_kernel_config.py").write_text(KERNEL_CONFIG)
        os.environ["IPYTHONDIR"] = ipython_dir  # read by the kernels started below
        for path in paths:
            execute(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
