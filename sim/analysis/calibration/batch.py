"""Batched candidates: B parameter sets x K replicas in ONE vectorised model run.

Every parameter becomes a per-replica vector (candidate ``b`` fills replicas
``b*K .. b*K + K - 1``) and every candidate gets the SAME K random draws each year (the K
draws of a plain K-replica run, tiled B times), so candidate ``b`` of a batch is exactly the
sequential run of that parameter set with the model seed (tested): common random numbers,
one model run instead of B.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from sim.model.model import NatoRussiaModel


class BatchModel(NatoRussiaModel):
    """A model of ``batch`` candidates x ``replicas_each`` replicas sharing their draws."""

    def __init__(self, *args, batch: int, replicas_each: int, **kwargs) -> None:
        self._batch, self._each = int(batch), int(replicas_each)
        # replica k draws row k % K: the K rows of a plain K-replica run, for every candidate
        super().__init__(*args, replicas=self._batch * self._each, draw_rows=self._each,
                         **kwargs)


def stack_parameters(nested: Sequence[Mapping[str, Mapping[str, float]]],
                     replicas_each: int) -> dict[str, dict[str, np.ndarray]]:
    """Nested values of B candidates -> nested per-replica vectors (each value repeated K
    times). Every candidate must set the same names."""
    out: dict[str, dict[str, np.ndarray]] = {}
    for group in nested[0]:
        out[group] = {name: np.repeat([float(c[group][name]) for c in nested], replicas_each)
                      for name in nested[0][group]}
    return out


def split_recorded(years: np.ndarray, series: Mapping[str, np.ndarray],
                   partners: Mapping[str, np.ndarray], batch: int, each: int):
    """The recorded arrays of candidate b, for b in 0..B-1 (replica slices of K)."""
    for b in range(batch):
        cut = slice(b * each, (b + 1) * each)
        yield (years, {k: v[:, cut] for k, v in series.items()},
               {k: v[:, cut] for k, v in partners.items()})
