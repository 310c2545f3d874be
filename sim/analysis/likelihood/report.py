"""All tables of the likelihood comparison, and the verdict, from one protocol result."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from sim.analysis.likelihood import compare as cmp
from sim.analysis.likelihood.nonnested import N_BOOT, pairwise_tests
from sim.analysis.likelihood.protocol import LikelihoodResult
from sim.analysis.likelihood.stacking import lfo_pointwise, stacking_table
from sim.analysis.likelihood.verdict import make_verdict

#: output table name -> what it holds (the file names of ``natosim likelihood``)
TABLES: dict[str, str] = {
    "log_scores": "out-of-sample log score per seed, split, forecaster and decision kind",
    "pairwise": "Vuong and Clarke tests between every pair (raw, Schwarz, block bootstrap)",
    "information": "AIC and BIC of every fit on its training decisions",
    "rank_stability": "rank of every forecaster by seed (primary and vantage splits)",
    "stacking": "leave-future-out elpd and stacking weights (arviz)",
    "breaks": "log p each forecaster gave each break of the record; who paid most",
    "year_contributions": "per-year log-likelihood of every forecaster (primary fits)",
    "fits": "fitted parameters, counts, training log-likelihood, parameters at bounds",
    "rival_fits": "how each rival was fitted per split and kind (MLE, ridge, base rate)",
}


@dataclass(frozen=True)
class LikelihoodReport:
    """The comparison tables (:data:`TABLES`) and the verdict sentences."""

    tables: dict[str, pd.DataFrame]
    verdict: list[str]
    primary: str
    seed: int


def build_report(result: LikelihoodResult, *, n_boot: int = N_BOOT) -> LikelihoodReport:
    """Every table of :data:`TABLES` and the verdict, from one protocol result."""
    seed = result.main_seed
    scored = result.scored
    splits = result.splits
    scores = cmp.log_scores(scored, splits)
    main_fits = result.fits.loc[result.fits["seed"] == seed]
    pairs = []
    for split in splits:
        rows = scored.loc[(scored["split"] == split.name) & (scored["seed"] == seed)]
        k = main_fits.loc[main_fits["split"] == split.name].set_index("forecaster")["n_params"]
        samples = {"test": split.test, "train": split.train} if split.family == "split" else {
            "test": split.test}
        for sample, years in samples.items():
            window = rows.loc[rows["year"].between(*years)]
            if window["year"].nunique() < 1:
                continue
            table = pairwise_tests(window, k.to_dict(), seed=seed, n_boot=n_boot)
            table.insert(0, "sample", sample)
            table.insert(0, "split", split.name)
            pairs.append(table)
    lfo = lfo_pointwise(scored, splits, seed)
    if not lfo.empty:
        k = main_fits.groupby("forecaster")["n_params"].max().to_dict()
        table = pairwise_tests(lfo, k, seed=seed, n_boot=n_boot)
        table.insert(0, "sample", "test")
        table.insert(0, "split", "leave-future-out")
        pairs.append(table)
    pairwise = pd.concat(pairs, ignore_index=True) if pairs else pd.DataFrame()
    stacking = stacking_table(lfo) if not lfo.empty else pd.DataFrame()
    stability = pd.concat([cmp.rank_stability(scores, s.name).assign(split=s.name)
                           for s in splits if s.family == "split"], ignore_index=True)
    primary = next((s for s in splits if s.family == "split"), splits[0])
    breaks = cmp.break_costs(scored, result.decisions, result.fits, primary, seed)
    contributions = (cmp.year_contributions(scored, primary.name, seed)
                     .reset_index().melt(id_vars="year", var_name="forecaster",
                                         value_name="loglik"))
    n_params = main_fits.loc[main_fits["split"] == primary.name].set_index(
        "forecaster")["n_params"].to_dict()
    verdict = make_verdict(scores, pairwise, stacking, n_params, result.paradigms,
                           result.rivals, seed=seed,
                           splits=tuple(s.name for s in splits if s.family == "split"))
    tables = {
        "log_scores": scores, "pairwise": pairwise,
        "information": cmp.information_criteria(scored, result.fits, splits),
        "rank_stability": stability, "stacking": stacking, "breaks": breaks,
        "year_contributions": contributions, "fits": result.fits,
        "rival_fits": result.rival_info,
    }
    return LikelihoodReport(tables=tables, verdict=verdict, primary=primary.name, seed=seed)
