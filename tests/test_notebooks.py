"""The tutorial notebooks run top to bottom (nbclient) and are stored without outputs."""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="needs the dev extra: pip install -e '.[dev]'")
nbclient = pytest.importorskip("nbclient", reason="needs the dev extra: pip install -e '.[dev]'")

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
CELL_TIMEOUT = 300  # s; every notebook uses replicas <= 20 and runs in seconds
MAX_REPLICAS = 20


def _read(path: Path):
    return nbformat.read(path, as_version=4)


def test_the_four_tutorials_exist() -> None:
    names = {p.stem for p in NOTEBOOKS}
    assert {"01-quickstart", "02-which-theory-fits", "03-what-if", "04-calibration"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    for cell in _read(path).cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, (
                f"{path.name}: strip outputs before committing (Kernel > Restart & Clear)")


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
