"""The house rules of docs/architecture.md, checked on the real import graph.

The layer contract itself is import-linter's (``lint-imports``, run by ``make test``); these
tests add what a layers contract does not see: cycles inside a layer, private names imported
across modules, and the maintainer scripts staying out of the package.
"""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "sim"


@pytest.fixture(scope="module")
def graph() -> nx.DiGraph:
    imports = grimp.build_graph("sim")
    g = nx.DiGraph()
    for module in imports.modules:
        g.add_node(module)
        for imported in imports.find_modules_directly_imported_by(module):
            g.add_edge(module, imported)
    return g


def test_no_import_cycles(graph: nx.DiGraph) -> None:
    cycles = list(nx.simple_cycles(graph))
    assert cycles == [], f"import cycles: {cycles[:5]}"


def test_the_graph_sees_imports_inside_functions(graph: nx.DiGraph) -> None:
    # The CLI imports the model layer lazily (inside commands); a graph that missed lazy
    # imports would make the cycle test above vacuous.
    reachable = nx.descendants(graph, "sim.cli.run")
    assert "sim.runs.experiments" in reachable


def _private_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sim"):
            found += [f"{node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
    return found


def test_no_private_name_is_imported_across_modules() -> None:
    offenders = {str(p.relative_to(PACKAGE)): _private_imports(p) for p in PACKAGE.rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_private_import_detector_finds_one(tmp_path: Path) -> None:
    sample = tmp_path / "m.py"
    sample.write_text("from sim.core.files import _write_atomic, file_sha256\n")
    assert _private_imports(sample) == ["sim.core.files._write_atomic"]


def test_maintainer_scripts_are_not_in_the_package() -> None:
    assert not list(PACKAGE.rglob("_build*.py"))
    assert (PACKAGE.parent / "scripts" / "build_data.py").is_file()
