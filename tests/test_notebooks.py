"""The tutorial notebooks run top to bottom (nbclient) and are stored executed, with outputs.

They are committed with their outputs (``make notebooks``, scripts/run_notebooks.py) so that
the repository and the documentation site (``make docs``, which never executes them) show
their figures. The stored outputs must come from the stored code: the notebook's metadata
holds the sha256 of its code cells as they were run, compared here with the cells.
"""

from __future__ import annotations

import ast
import base64
import hashlib
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="needs the dev extra: pip install -e '.[dev]'")
nbclient = pytest.importorskip("nbclient", reason="needs the dev extra: pip install -e '.[dev]'")

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
CELL_TIMEOUT = 300  # s; every notebook uses replicas <= 20 and runs in seconds
MAX_REPLICAS = 20
MAX_BYTES = 1_000_000  # per stored notebook, outputs included (small PNGs, no SVG or HTML widgets)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _read(path: Path):
    return nbformat.read(path, as_version=4)


def test_the_tutorials_exist() -> None:
    names = {p.stem for p in NOTEBOOKS}
    assert {"01-quickstart", "02-which-theory-fits", "03-what-if", "04-calibration",
            "05-likelihood", "06-forecasting"} <= names


def _code_sha256(notebook) -> str:
    digest = hashlib.sha256()
    for cell in notebook.cells:
        if cell.cell_type == "code":
            digest.update(cell.source.encode() + b"\x00")
    return digest.hexdigest()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_executed_from_its_code(path: Path) -> None:
    notebook = _read(path)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    hint = f"{path.name}: run `make notebooks` and commit the executed notebook"
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1)), hint
    recorded = notebook.metadata.get("natosim", {}).get("sources_sha256")
    assert recorded == _code_sha256(notebook), f"{hint} (its code changed since it was run)"
    outputs = [o for c in code for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"], hint
    assert path.stat().st_size <= MAX_BYTES, f"{path.name}: over {MAX_BYTES} bytes"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_chart_is_stored_as_a_png(path: Path) -> None:
    """A cell that ends by drawing a chart (``plots.plot_...(...)``) shows it as a PNG image."""
    for cell in _read(path).cells:
        if cell.cell_type != "code":
            continue
        images = [o.data for o in cell.outputs if o.output_type in ("display_data",
                                                                    "execute_result")]
        for data in images:
            assert "image/svg+xml" not in data and "application/pdf" not in data
            if "image/png" in data:
                assert base64.b64decode(data["image/png"]).startswith(PNG_MAGIC)
        chart = _last_chart_call(cell.source)
        if chart:
            assert any("image/png" in d for d in images), (
                f"{path.name}: the chart of `{chart}(...)` is not stored as an image")


def _last_chart_call(source: str) -> str | None:
    """The name of the ``plot_*`` function the cell ends by calling, if it does."""
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("%"))
    body = ast.parse(code).body
    if not body or not isinstance(body[-1], ast.Expr) or not isinstance(body[-1].value, ast.Call):
        return None
    func = body[-1].value.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name if name.startswith("plot_") else None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_reads_like_a_tutorial(path: Path) -> None:
    cells = _read(path).cells
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# ")
    prose = sum(c.cell_type == "markdown" for c in cells)
    assert prose >= 2 and prose * 3 >= len(cells)
    source = "\n".join(c.source for c in cells if c.cell_type == "code")
    assert "sim" in source
    for line in source.splitlines():  # small ensembles only
        if line.strip().startswith("REPLICAS ="):
            assert int(line.split("=")[1].split("#")[0]) <= MAX_REPLICAS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes(path: Path, tmp_path: Path) -> None:
    notebook = _read(path)
    client = nbclient.NotebookClient(
        notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    nbformat.write(notebook, tmp_path / path.name)  # the executed copy, for inspection
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert not errors
