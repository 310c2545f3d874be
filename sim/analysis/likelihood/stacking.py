"""Leave-future-out expected log predictive density and stacking weights (arviz).

What is computed, exactly. arviz's :func:`arviz.lfo_cv` needs posterior draws and a refit
function; our forecasters are point estimates (maximum likelihood) scored prequentially, so it
does not apply. The leave-future-out elpd is therefore computed directly, as Bürkner, Gabry
and Vehtari (2020, *J. Stat. Comput. Simul.* 90(14)) define it with exact refits: every
decision of year ``t`` after the first rolling origin is scored by the fit on the years up to
the latest origin before ``t`` (refits at 1999, 2003, 2007, 2011, 2015), one step ahead
(teacher forcing conditions on the observed history through ``t - 1``). So

    elpd_lfo = sum over decisions i of log p(y_i | fit at origin(t_i), history < t_i).

Its standard error is ``sqrt(n) * sd(elpd_i)`` (the arviz convention; it ignores the
dependence of the decisions within a year, so read it as a lower bound). The pointwise values
go to arviz as :class:`arviz.ELPDDataLFO` objects (horizon 1, refits at the origins) and
:func:`arviz.compare` (``method="stacking"``) computes the stacking weights of Yao, Vehtari,
Simpson and Gelman (2018, *Bayesian Analysis* 13(3)) over paradigms and rivals together:
the convex combination of the forecasters' predictive distributions with the best
leave-future-out log score. A weight is not a probability that a theory is true; a rival
with a large weight says the theories add little that the rival does not already give.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analysis.likelihood.compare import Split


def lfo_pointwise(scored: pd.DataFrame, splits: list[Split], seed: int) -> pd.DataFrame:
    """Each forecaster's leave-future-out pointwise log p (the origins' test rows, tiled)."""
    origins = [s for s in splits if s.family == "origin"]
    frames = [scored.loc[(scored["split"] == s.name) & (scored["seed"] == seed)
                         & scored["year"].between(*s.test)]
              .assign(origin=s.train[1], train_first=s.train[0])
              for s in origins]
    if not frames:
        return pd.DataFrame(columns=[*scored.columns, "origin", "train_first"])
    return pd.concat(frames, ignore_index=True)


def lfo_elpd(lfo: pd.DataFrame) -> dict[str, object]:
    """``forecaster -> arviz.ELPDDataLFO`` built from the leave-future-out pointwise rows."""
    import xarray as xr
    from arviz_stats.utils import ELPDDataLFO

    wide = lfo.pivot_table(index=["year", "kind", "actor"], columns="forecaster",
                           values="logp", aggfunc="first", sort=True).dropna()
    origins = np.array(sorted(lfo["origin"].unique()))
    # training years at the first origin (arviz's "minimum training observations")
    min_obs = int(origins[0] - lfo["train_first"].min() + 1) if len(origins) else 0
    out: dict[str, object] = {}
    for name in dict.fromkeys(lfo["forecaster"]):
        e = wide[name].to_numpy(dtype=float)
        out[name] = ELPDDataLFO(
            elpd=float(e.sum()), se=float(np.sqrt(len(e)) * e.std(ddof=1)) if len(e) > 1 else 0.0,
            p=0.0, n_samples=1, n_data_points=len(e), scale="log", warning=False, good_k=None,
            elpd_i=xr.DataArray(e, dims=["decision"]), forecast_horizon=1,
            min_observations=min_obs,
            refits=origins, n_refits=len(origins))
    return out


def stacking_table(lfo: pd.DataFrame) -> pd.DataFrame:
    """arviz's comparison of the leave-future-out elpd with stacking weights.

    Columns: ``forecaster, rank, elpd, se, elpd_diff, dse, weight, n`` (``elpd_diff`` and
    ``dse`` against the best forecaster).
    """
    import arviz as az

    elpds = lfo_elpd(lfo)
    if len(elpds) < 2:
        return pd.DataFrame(columns=["forecaster", "rank", "elpd", "se", "elpd_diff", "dse",
                                     "weight", "n"])
    table = az.compare(elpds, method="stacking", round_to="none")
    table = table.rename_axis("forecaster").reset_index()
    table["n"] = [elpds[f].n_data_points for f in table["forecaster"]]
    return table[["forecaster", "rank", "elpd", "se", "elpd_diff", "dse", "weight", "n"]]
