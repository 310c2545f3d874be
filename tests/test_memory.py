"""A run that cannot fit in memory is refused before it starts, naming a feasible size."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from short_scenario import write_short_scenario
from typer.testing import CliRunner

from sim.cli import app
from sim.core.errors import ParameterError
from sim.runs import memory

runner = CliRunner()


def test_estimate_grows_with_every_factor_and_feasible_size_fits() -> None:
    base = memory.estimate_bytes(100, 1, 10, 5)
    for bigger in ((200, 1, 10, 5), (100, 2, 10, 5), (100, 1, 20, 5), (100, 1, 10, 6)):
        assert memory.estimate_bytes(*bigger) > base
    # hand-worked: 300 MB + 1000 × 3 × 34 × 23 × 500 bytes
    assert memory.estimate_bytes(1000, 3, 34, 22) == 300 * 1024**2 + 1000 * 3 * 34 * 23 * 500
    budget = 4 * 1024**3
    most = memory.feasible_replicas(3, 34, 22, budget)
    assert memory.estimate_bytes(most, 3, 34, 22) <= budget
    assert memory.estimate_bytes(most + 1, 3, 34, 22) > budget


def test_check_memory_names_a_feasible_replica_count(monkeypatch) -> None:
    monkeypatch.setattr(memory, "available_bytes", lambda: 2 * 1024**3)
    with pytest.raises(ParameterError) as err:
        memory.check_memory(100_000, 3, 34, 22)
    most = memory.feasible_replicas(3, 34, 22, int(2 * 1024**3 * memory.USABLE_SHARE))
    assert f"use --replicas {most:,} or fewer" in str(err.value)
    assert str(err.value).startswith("--replicas: 100,000 replicas × 3 paradigm(s)")
    memory.check_memory(most, 3, 34, 22)  # the advice itself is accepted


def test_unknown_memory_does_not_block(monkeypatch) -> None:
    monkeypatch.setattr(memory, "available_bytes", lambda: None)
    memory.check_memory(100_000, 3, 34, 22)


def test_huge_replicas_is_one_line_before_any_work(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(memory, "available_bytes", lambda: 1024**3)
    scenario = write_short_scenario(tmp_path)
    started = time.perf_counter()
    result = runner.invoke(app, ["run", str(scenario), "--replicas", "100000",
                                 "--out", str(tmp_path / "out")])  # fmt: skip
    assert result.exit_code == 2, result.output
    assert time.perf_counter() - started < 10
    line = result.stderr.strip()
    assert "\n" not in line and line.startswith("error: --replicas: 100,000 replicas")
    assert "or fewer" in line and "MemoryError" not in result.output
    assert not (tmp_path / "out").exists()
