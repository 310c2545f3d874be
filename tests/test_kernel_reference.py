"""The reference kernel (benchmarks/kernel.py) reproduces the model's replay bit for bit.

The kernel is the yardstick the stepping benchmark times the model against; it is only a
fair one if it computes exactly what the model computes: the same equations, inputs and
random numbers. Small K, every registered paradigm, two seeds.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from sim.model.model import NatoRussiaModel
from sim.model.paradigms import PARADIGMS
from sim.runs.experiments import resolve

KERNEL_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "kernel.py"


def _kernel():
    spec = importlib.util.spec_from_file_location("natosim_bench_kernel", KERNEL_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def inputs():
    return resolve("post-cold-war")[2]


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    a, b = np.ascontiguousarray(a, dtype=float), np.ascontiguousarray(b, dtype=float)
    return a.shape == b.shape and a.tobytes() == b.tobytes()


@pytest.mark.parametrize("name", list(PARADIGMS))
@pytest.mark.parametrize("seed", [0, 7])
def test_kernel_matches_the_model_bitwise(inputs, name, seed):
    kernel = _kernel()
    model = NatoRussiaModel(paradigm=name, replicas=6, rng=seed, inputs=inputs).run()
    _, series, partners = model.recorded()
    k_series, k_partners = kernel.replay(inputs, PARADIGMS[name](), 6, seed)
    for j, column in enumerate(series):
        assert _same_bits(series[column], k_series[:, j]), column
    for column, values in partners.items():
        assert _same_bits(values, k_partners[column]), column


def test_the_draws_matter(inputs):
    """Two seeds give different drawn paths (the comparison above is not vacuous)."""
    kernel = _kernel()
    paradigm = PARADIGMS[next(iter(PARADIGMS))]()
    a, pa = kernel.replay(inputs, paradigm, 6, 0)
    b, pb = kernel.replay(inputs, paradigm, 6, 1)
    assert not np.array_equal(a[:, 0], b[:, 0])  # R carries the shocks
    assert not np.array_equal(pa["alignment"], pb["alignment"])
