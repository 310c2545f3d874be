"""The likelihood comparison: log scores, information criteria, ranks and the costly breaks.

Inputs are two long tables, built by :mod:`sim.analysis.likelihood.protocol`:

* ``scored``: the pointwise table (:data:`~sim.analysis.likelihood.decisions.POINTWISE_COLUMNS`)
  of every forecaster (paradigms and rivals) plus ``seed`` and ``split``: each split's rows
  score *every* year with the parameters fitted on that split's training years only, so the
  training rows are in-sample and the test rows out-of-sample. Rivals are deterministic; their
  rows repeat for every seed.
* ``fits``: one row per ``seed, split, forecaster`` with ``role`` (``paradigm`` or ``rival``),
  ``n_params`` (estimated parameters) and ``n_train`` (training decisions).

A higher log score is better: the sum of the natural log of the probability given to each
observed decision (the prequential score of Dawid 1984 when the test rows are one-step
forecasts, as in teacher forcing).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.analysis.validation import ORIGINS

ALL = "all"  # the kind label of a total over every decision kind
PARADIGM, RIVAL = "paradigm", "rival"


@dataclass(frozen=True)
class Split:
    """Fit on ``train`` (inclusive years), score ``test``.

    Attributes:
        name: ``primary``, ``vantage`` or ``origin <year>``.
        train: first and last training year.
        test: first and last scored year.
        family: ``split`` or ``origin`` (a rolling origin, part of the leave-future-out set).
    """

    name: str
    train: tuple[int, int]
    test: tuple[int, int]
    family: str = "split"


def likelihood_splits(first: int, last: int) -> list[Split]:
    """The primary and vantage splits and the rolling origins a period allows.

    Primary: train ``first``-2007, test 2008-``last``; vantage: ``first``-2008 / 2009-``last``
    (the article's vantage point); rolling origins (:data:`sim.analysis.validation.ORIGINS`):
    train ``first``-origin, test the years up to the next origin (the last origin to
    ``last``), so the origins' test windows tile the years after the first origin: the
    leave-future-out set (:mod:`sim.analysis.likelihood.stacking`).
    """
    splits = [Split(name, (first, cut), (cut + 1, last))
              for name, cut in (("primary", 2007), ("vantage", 2008)) if first < cut < last]
    origins = [o for o in ORIGINS if first < o < last]
    for o, nxt in zip(origins, [*origins[1:], last], strict=True):
        splits.append(Split(f"origin {o}", (first, o), (o + 1, nxt), "origin"))
    return splits


def _window(scored: pd.DataFrame, years: tuple[int, int]) -> pd.DataFrame:
    return scored.loc[scored["year"].between(*years)]


def log_scores(scored: pd.DataFrame, splits: list[Split]) -> pd.DataFrame:
    """Out-of-sample log score per seed, split, forecaster and kind (and ``all`` kinds).

    Columns: ``seed, split, test, forecaster, kind, n, log_score`` (sum), ``mean`` (per
    decision), ``floored`` (cells scored at the floor) and ``floored_share`` (their share of
    the log score).
    """
    frames = []
    for split in splits:
        rows = _window(scored.loc[scored["split"] == split.name], split.test)
        if rows.empty:
            continue
        per_kind = _summarise(rows, ["seed", "forecaster", "kind"])
        total = _summarise(rows, ["seed", "forecaster"]).assign(kind=ALL)
        both = pd.concat([per_kind, total], ignore_index=True)
        both.insert(1, "split", split.name)
        both.insert(2, "test", f"{split.test[0]}-{split.test[1]}")
        frames.append(both)
    columns = ["seed", "split", "test", "forecaster", "kind", "n", "log_score", "mean",
               "floored", "floored_share"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(
        columns=columns)


def _summarise(rows: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    flo = rows["logp"].where(rows["floored"], 0.0)
    out = (rows.assign(_flo=flo).groupby(by, sort=False)
           .agg(n=("logp", "size"), log_score=("logp", "sum"), floored=("floored", "sum"),
                _flo=("_flo", "sum")).reset_index())
    out["mean"] = out["log_score"] / out["n"]
    out["floored_share"] = np.where(out["log_score"] != 0, out["_flo"] / out["log_score"], 0.0)
    return out.drop(columns="_flo")


def information_criteria(scored: pd.DataFrame, fits: pd.DataFrame,
                         splits: list[Split]) -> pd.DataFrame:
    """AIC and BIC of every fit on its own training decisions.

    ``AIC = 2k - 2 log L``, ``BIC = k log n - 2 log L`` with ``log L`` the training log
    likelihood, ``k`` estimated parameters and ``n`` training decisions. Where ``k`` is equal
    (all paradigms) the penalty cancels in every difference: AIC and BIC then rank exactly as
    the training log likelihood does (``penalty_cancels``).
    """
    rows = []
    for split in splits:
        train = _window(scored.loc[scored["split"] == split.name], split.train)
        ll = train.groupby(["seed", "forecaster"], sort=False)["logp"].agg(["sum", "size"])
        for (seed, name), (loglik, n) in ll.iterrows():
            fit = fits.loc[(fits["seed"] == seed) & (fits["split"] == split.name)
                           & (fits["forecaster"] == name)]
            k = int(fit["n_params"].iloc[0]) if len(fit) else 0
            role = str(fit["role"].iloc[0]) if len(fit) else RIVAL
            rows.append({"seed": seed, "split": split.name,
                         "train": f"{split.train[0]}-{split.train[1]}", "forecaster": name,
                         "role": role, "k": k, "n": int(n), "loglik": float(loglik),
                         "aic": 2 * k - 2 * float(loglik),
                         "bic": k * math.log(n) - 2 * float(loglik) if n else math.nan})
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    ks = table.loc[table["role"] == PARADIGM].groupby(["seed", "split"])["k"].nunique()
    same = table.set_index(["seed", "split"]).index.map(lambda i: ks.get(i, 2) == 1)
    table["penalty_cancels"] = np.asarray(same) & (table["role"] == PARADIGM).to_numpy()
    return table


def totals(log_score_table: pd.DataFrame, split: str) -> pd.DataFrame:
    """``seed x forecaster`` total out-of-sample log score of one split."""
    rows = log_score_table.loc[(log_score_table["split"] == split)
                               & (log_score_table["kind"] == ALL)]
    return rows.pivot_table(index="seed", columns="forecaster", values="log_score",
                            aggfunc="first", sort=False)


def rank_stability(log_score_table: pd.DataFrame, split: str) -> pd.DataFrame:
    """Per forecaster: rank by seed (1 = best), times ranked first, mean and spread of ranks.

    Columns: ``forecaster, seeds, first, rank_min, rank_max, rank_mean, log_score_mean,
    log_score_sd``, plus ``rank_seed_<s>`` per seed.
    """
    wide = totals(log_score_table, split)
    if wide.empty:
        return pd.DataFrame()
    ranks = wide.rank(axis=1, ascending=False, method="min")
    out = pd.DataFrame({
        "forecaster": wide.columns, "seeds": len(wide),
        "first": (ranks == 1).sum().to_numpy(), "rank_min": ranks.min().to_numpy(),
        "rank_max": ranks.max().to_numpy(), "rank_mean": ranks.mean().to_numpy(),
        "log_score_mean": wide.mean().to_numpy(),
        "log_score_sd": wide.std(ddof=1).fillna(0.0).to_numpy(),
    })
    for seed in wide.index:
        out[f"rank_seed_{seed}"] = ranks.loc[seed].to_numpy()
    return out.sort_values(["rank_mean", "forecaster"]).reset_index(drop=True)


def year_contributions(scored: pd.DataFrame, split: str, seed: int) -> pd.DataFrame:
    """``year x forecaster`` summed log-likelihood (in- and out-of-sample years of a split)."""
    rows = scored.loc[(scored["split"] == split) & (scored["seed"] == seed)]
    return rows.pivot_table(index="year", columns="forecaster", values="logp", aggfunc="sum",
                            sort=False).sort_index()


def scored_events(decisions: pd.DataFrame) -> pd.DataFrame:
    """The breaks of the observed record, read from the decision table (no date typed in).

    A break is a suspension (a ``status`` decision with outcome 1: S fell) or an escalation
    of coercion to force (a ``coercion`` decision with outcome >= 2 above the previous level).
    Columns: ``year, kind, actor, outcome, label``.
    """
    status = decisions.loc[(decisions["kind"] == "status") & (decisions["outcome"] == 1)]
    force = decisions.loc[(decisions["kind"] == "coercion") & (decisions["outcome"] >= 2)
                          & (decisions["outcome"] > decisions["prev_state"].fillna(0))]
    events = pd.concat([status, force])[["year", "kind", "actor", "outcome"]]
    labels = np.where(events["kind"] == "status", "suspension",
                      "force F=" + events["outcome"].astype(str) + " " + events["actor"])
    return (events.assign(label=labels).sort_values(["year", "kind"])
            .reset_index(drop=True))


def break_costs(scored: pd.DataFrame, decisions: pd.DataFrame, fits: pd.DataFrame,
                split: Split, seed: int) -> pd.DataFrame:
    """What each forecaster paid for each break, and which paradigm paid most.

    Columns: ``year, label, sample`` (in/out of sample for ``split``), one ``logp`` column per
    forecaster, ``paid_most`` (the paradigm with the lowest log p) and ``best_rival``.
    """
    events = scored_events(decisions)
    rows = scored.loc[(scored["split"] == split.name) & (scored["seed"] == seed)]
    wide = rows.pivot_table(index=["year", "kind", "actor"], columns="forecaster",
                            values="logp", aggfunc="first", sort=False)
    roles = fits.loc[(fits["split"] == split.name) & (fits["seed"] == seed)]
    roles = roles.set_index("forecaster")["role"]
    paradigms = [f for f in wide.columns if roles.get(f) == PARADIGM]
    rivals = [f for f in wide.columns if roles.get(f) != PARADIGM]
    out = []
    for ev in events.itertuples(index=False):
        key = (ev.year, ev.kind, ev.actor)
        if key not in wide.index:
            continue
        cells = wide.loc[key]
        sample = "out" if split.test[0] <= ev.year <= split.test[1] else "in"
        row = {"year": ev.year, "label": ev.label, "sample": sample, **cells.to_dict()}
        row["paid_most"] = cells[paradigms].idxmin() if paradigms else ""
        row["best_rival"] = cells[rivals].idxmax() if rivals else ""
        out.append(row)
    return pd.DataFrame(out)
