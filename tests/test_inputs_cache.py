"""Inputs cached by content: an edited scenario or data file is read again in the same
process; unchanged content is re-used, whatever path or object it comes from."""

from __future__ import annotations

import shutil
from pathlib import Path

from sim.data import cache
from sim.data.datasets import default_data_dir
from sim.data.scenario import load_scenario
from sim.model.model import NatoRussiaModel
from sim.model.paradigms import PARADIGMS
from sim.runs.experiments import run_ensemble
from tests.short_scenario import write_short_scenario

FIRST = next(iter(PARADIGMS))  # any registered paradigm


def _last_year(model: NatoRussiaModel) -> int:
    return int(model.run().records().series["year"].max())


def test_an_edited_scenario_file_is_read_again_in_the_same_process(tmp_path: Path) -> None:
    path = write_short_scenario(tmp_path, 1991, 2000)
    assert _last_year(NatoRussiaModel(scenario=str(path), paradigm=FIRST)) == 2000
    write_short_scenario(tmp_path, 1991, 1995)  # same path, new content
    assert _last_year(NatoRussiaModel(scenario=str(path), paradigm=FIRST)) == 1995
    records = run_ensemble(str(path), FIRST, replicas=1)
    assert records.meta["period"] == [1991, 1995]


def test_an_edited_base_file_is_read_again(tmp_path: Path) -> None:
    write_short_scenario(tmp_path, 1991, 2000, name="base")
    (tmp_path / "short.yaml").rename(tmp_path / "base.yaml")
    child = tmp_path / "child.yaml"
    child.write_text('name: child\ndescription: "extends base"\nextends: base.yaml\n')
    assert cache.resolve(str(child))[0].period.end == 2000
    write_short_scenario(tmp_path, 1991, 1997, name="base")
    (tmp_path / "short.yaml").replace(tmp_path / "base.yaml")
    assert cache.resolve(str(child))[0].period.end == 1997


def test_unchanged_content_is_reused_from_a_name_a_path_or_an_object(tmp_path: Path) -> None:
    _, data, by_name = cache.resolve("post-cold-war")
    assert cache.resolve("post-cold-war")[2] is by_name
    built = load_scenario("post-cold-war")  # a fresh object with the same content
    assert cache.resolve(built, data)[2] is by_name
    path = write_short_scenario(tmp_path, 1991, 2000)
    first = cache.resolve(str(path))[2]
    path.write_text(path.read_text())  # rewritten, same bytes
    assert cache.resolve(str(path))[2] is first


def test_an_edited_data_file_is_read_again(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(default_data_dir(), folder, ignore=shutil.ignore_patterns("*.py", "*.md"))
    first = cache.dataset(folder)
    assert cache.dataset(folder) is first
    refs = folder / "references.yaml"
    refs.write_text(refs.read_text() + "\n# edited\n")
    second = cache.dataset(folder)
    assert second is not first
    assert second.hashes["references.yaml"] != first.hashes["references.yaml"]
    assert {k: v for k, v in second.hashes.items() if k != "references.yaml"} == \
        {k: v for k, v in first.hashes.items() if k != "references.yaml"}
