"""Mesa's view of a run: yearly replica means and the ``DataCollector`` (a mixin of the model).

``mesa.batch_run`` reads the model's ``datacollector``; natosim itself reads the recorded
arrays (:meth:`~sim.model.model.NatoRussiaModel.recorded`), so the collector is built only
when asked for, from those arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa

from sim.model.records import SERIES_COLUMNS


class MesaReporting:
    """Replica means and the lazily built ``DataCollector`` of the model."""

    @property
    def mean_R(self) -> float:
        return float(self.R.mean())

    @property
    def mean_S(self) -> float:
        return float(self.S.mean())

    @property
    def mean_russia_burden(self) -> float:
        return float(self.russia.burden.mean())

    @property
    def datacollector(self) -> mesa.DataCollector:
        """Mesa's ``DataCollector`` of the yearly replica means (``year``, ``R``, ``S``,
        ``russia_burden``), for ``mesa.batch_run``.

        Built on first use from the recorded arrays (the same values the model held at the
        end of each year), so a run that never reads it does not pay for collecting.
        """
        done = len(self._collect_times)
        if self._collector is None or self._collector[0] != done:
            collector = mesa.DataCollector(model_reporters=dict(_REPORTERS))
            columns = {name: SERIES_COLUMNS[3:].index(name) for name in ("R", "S", "russia_burden")}
            for t, time in enumerate(self._collect_times):
                collector.collect(_YearMeans(
                    time=time, year=int(self.inputs.years[t]),
                    **{f"mean_{k}": float(self._series[t, j].mean()) for k, j in columns.items()}))
            self._collector = (done, collector)
        return self._collector[1]


_REPORTERS = {"year": "year", "R": "mean_R", "S": "mean_S",
              "russia_burden": "mean_russia_burden"}


@dataclass(frozen=True)
class _YearMeans:
    """One recorded year as the DataCollector reads it (its model reporters' attributes)."""

    time: float
    year: int
    mean_R: float
    mean_S: float
    mean_russia_burden: float
