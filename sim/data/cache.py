"""Scenario, data and model inputs cached by content, not by path.

Loading and checking a scenario and the dataset and building the model's inputs take a
few hundred milliseconds; a loop that runs natosim point by point (EMA Workbench, optuna,
SALib, a notebook) would pay that on every call. :func:`resolve` pays it once per content:

* a scenario named by path or shipped name is re-used while the bytes of its file and of
  every file it ``extends`` are unchanged (their SHA-256 are re-computed on every call,
  microseconds for files this size), so an edited file is re-read in the same process;
* the dataset is re-used while the bytes of every data file are unchanged and no partner
  file (``partners/XYZ.csv``) appeared or vanished;
* the inputs are keyed by the scenario's content hash (:attr:`Scenario.sha256`) and the
  data files' hashes, so a ``Scenario`` built in code is cached by its content too.

Cached objects are shared between callers: treat them as read-only (the model does).
"""

from __future__ import annotations

import os
from collections import OrderedDict
from pathlib import Path
from typing import Any

from sim.core.files import file_sha256, sha256_json
from sim.data.datasets import Dataset, data_files, default_data_dir, load_data
from sim.data.inputs import Inputs, build_inputs
from sim.data.scenario import Scenario, load_scenario

MAX_ENTRIES = 16  # per cache: scenarios, datasets and inputs (least recently used dropped)


class _LRU(OrderedDict):
    def get_fresh(self, key: Any) -> Any:
        value = self.get(key)
        if value is not None:
            self.move_to_end(key)
        return value

    def put(self, key: Any, value: Any) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > MAX_ENTRIES:
            self.popitem(last=False)


_SCENARIOS = _LRU()  # (cwd, argument) -> (file hashes, Scenario)
_DATA = _LRU()  # (data folder, file hashes) -> Dataset
_INPUTS = _LRU()  # (scenario sha256, data sha256) -> Inputs


def clear() -> None:
    """Forget every cached scenario, dataset and inputs."""
    for cache in (_SCENARIOS, _DATA, _INPUTS):
        cache.clear()


def _hashes(paths: tuple[str, ...]) -> tuple[str, ...] | None:
    try:
        return tuple(file_sha256(p) for p in paths)
    except OSError:
        return None  # a file vanished: load again (and report it the loader's way)


def scenario(path_or_name: str | os.PathLike[str]) -> Scenario:
    """:func:`~sim.data.scenario.load_scenario`, re-used while its files are unchanged."""
    key = (os.getcwd(), str(path_or_name))
    hit = _SCENARIOS.get_fresh(key)
    if hit is not None:
        hashes, loaded = hit
        if _hashes(loaded.source_files) == hashes:
            return loaded
    loaded = load_scenario(path_or_name)
    hashes = _hashes(loaded.source_files)
    if hashes is not None:
        _SCENARIOS.put(key, (hashes, loaded))
    return loaded


def dataset(data_dir: str | os.PathLike[str] | None = None) -> Dataset:
    """:func:`~sim.data.datasets.load_data`, re-used while every data file is unchanged."""
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    files = data_files(folder)  # a new or removed partner file changes the names
    hashes = _hashes(tuple(str(path) for path in files.values()))
    key = (str(folder.resolve()), tuple(files), hashes)
    hit = _DATA.get_fresh(key) if hashes is not None else None
    if hit is not None:
        return hit
    data = load_data(folder)
    if hashes is not None and data.hashes == dict(zip(files, hashes, strict=True)):
        _DATA.put(key, data)  # cached only if nothing changed while it was read
    return data


def inputs(loaded: Scenario, data: Dataset) -> Inputs:
    """:func:`~sim.data.inputs.build_inputs`, keyed by scenario content and data hashes."""
    key = (loaded.sha256, sha256_json(dict(sorted(data.hashes.items()))))
    hit = _INPUTS.get_fresh(key)
    if hit is None:
        hit = build_inputs(loaded, data)
        _INPUTS.put(key, hit)
    return hit


def resolve(scenario_arg: Any, data: Dataset | None = None) -> tuple[Scenario, Dataset, Inputs]:
    """A scenario (name, path or object), the dataset (given, or the shipped one) and the
    model inputs, each from the content cache."""
    loaded = scenario_arg if isinstance(scenario_arg, Scenario) else scenario(scenario_arg)
    data = data if data is not None else dataset()
    return loaded, data, inputs(loaded, data)
