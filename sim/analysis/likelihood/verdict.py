"""The plain-language verdict of the likelihood comparison, generated from its tables.

Rules the wording follows (tested in both directions with made-up tables):

* No paradigm is called best without saying, in the same sentence, whether it beats every
  rival. If no paradigm beats the naive rivals (persistence, base rate), the first sentence
  says so plainly.
* Significance is the Schwarz-corrected Vuong test with the block bootstrap over years.
* The ranking's stability over the seeds is always stated.
"""

from __future__ import annotations

import pandas as pd

from sim.analysis.likelihood.compare import ALL, totals

NAIVE: tuple[str, ...] = ("persistence", "base rate")  # the rivals that need no covariates
LEVEL = 0.05
MIN_SEEDS = 5  # fewer seeds than this cannot show whether a ranking is stable


def _fmt(x: float) -> str:
    return f"{x:.1f}"


def _test(pairwise: pd.DataFrame, split: str, a: str, b: str) -> pd.Series | None:
    rows = pairwise.loc[(pairwise["split"] == split) & (pairwise["sample"] == "test")]
    hit = rows.loc[((rows["a"] == a) & (rows["b"] == b)) | ((rows["a"] == b) & (rows["b"] == a))]
    return hit.iloc[0] if len(hit) else None


def _significance(pairwise: pd.DataFrame, split: str, a: str, b: str) -> str:
    """``'significant'`` / ``'not significant'`` phrase for A against B."""
    row = _test(pairwise, split, a, b)
    if row is None:
        return "untested"
    p = row["vuong_p_block_bic"]
    p = p if pd.notna(p) else row["vuong_p_bic"]
    word = "significant" if p < LEVEL and row["favours"] == a else "not significant"
    shown = "< 0.001" if p < 0.001 else f"= {p:.3f}"
    return f"{word} (block-bootstrap Vuong p {shown})"


def headline(scores: pd.Series, paradigms: list[str], rivals: list[str], window: str,
             pairwise: pd.DataFrame, split: str) -> str:
    """The first sentence: the best paradigm and whether it beats every rival."""
    best_p = scores[paradigms].idxmax()
    naive = [r for r in rivals if r in NAIVE] or rivals
    best_naive = scores[naive].idxmax()
    best_rival = scores[rivals].idxmax()
    lp, ln, lr = scores[best_p], scores[best_naive], scores[best_rival]
    if lp <= ln:
        return (f"No theory beats the naive rivals: out of sample ({window}) the best "
                f"paradigm, {best_p}, has a log score of {_fmt(lp)} against {_fmt(ln)} for "
                f"{best_naive}, so no paradigm forecasts the observed decisions better than "
                f"the assumption that nothing changes or happens at its usual rate; "
                f"{best_naive}'s advantage is "
                f"{_significance(pairwise, split, best_naive, best_p)}.")
    if lp > lr:
        return (f"{best_p} is the best forecaster out of sample ({window}) and beats every "
                f"rival: log score {_fmt(lp)} against {_fmt(lr)} for the best rival, "
                f"{best_rival}; the difference is "
                f"{_significance(pairwise, split, best_p, best_rival)}.")
    return (f"{best_p} is the best paradigm out of sample ({window}) and beats the naive "
            f"rivals ({_fmt(lp)} against {_fmt(ln)} for {best_naive}), but it does not beat "
            f"every rival: {best_rival} scores {_fmt(lr)}.")


def paradigm_sentence(scores: pd.Series, paradigms: list[str], pairwise: pd.DataFrame,
                      split: str, n_params: dict[str, int]) -> str:
    """The paradigms' order, the gap between the first two, and the parameter counts."""
    order = scores[paradigms].sort_values(ascending=False)
    listed = ", ".join(f"{p} {_fmt(v)}" for p, v in order.items())
    text = f"Among the paradigms the order is {listed}"
    if len(order) > 1:
        first, second = order.index[0], order.index[1]
        text += (f"; {first} over {second} is "
                 f"{_significance(pairwise, split, first, second)}")
    ks = sorted({n_params.get(p, 0) for p in paradigms})
    if len(ks) == 1:
        text += (f". Every paradigm has {ks[0]} fitted parameters, so the AIC, BIC and "
                 f"Schwarz corrections cancel between paradigms")
    else:
        counts = ", ".join(f"{p} {n_params.get(p, 0)}" for p in paradigms)
        text += (f". The paradigms search different numbers of parameters ({counts}; the "
                 f"others cannot act on this likelihood), so the corrections do not cancel")
    return text + "."


def stability_sentence(log_scores: pd.DataFrame, split: str, paradigms: list[str]) -> str:
    """How often the same forecaster and the same paradigm order come first over seeds."""
    wide = totals(log_scores, split)
    n = len(wide)
    if n == 0:
        return "No seed was scored."
    top = wide.idxmax(axis=1)
    top_p = wide[paradigms].idxmax(axis=1)
    orders = wide[paradigms].apply(lambda r: tuple(r.sort_values(ascending=False).index), axis=1)
    mode = orders.mode().iloc[0]
    same = int((orders == mode).sum())
    best = top.mode().iloc[0]
    best_p = top_p.mode().iloc[0]
    stable = "stable" if same == n else "not stable"
    if n < MIN_SEEDS:
        stable += f" (only {n} seed{'s' if n > 1 else ''}: too few to judge, use {MIN_SEEDS})"
    return (f"Over {n} seeds the paradigms' ranking is {stable}: the order "
            f"{' > '.join(mode)} holds in {same} of {n}, {best_p} is the best paradigm in "
            f"{int((top_p == best_p).sum())} of {n}, and {best} the best of all forecasters "
            f"in {int((top == best).sum())} of {n}.")


def stacking_sentence(stacking: pd.DataFrame, paradigms: list[str]) -> str:
    """The leave-future-out stacking weights of the paradigms together and the top one."""
    if stacking.empty:
        return "No leave-future-out comparison was possible for this period."
    w = stacking.set_index("forecaster")["weight"]
    share = float(w[[p for p in paradigms if p in w.index]].sum())
    top = w.idxmax()
    best = stacking.sort_values("elpd", ascending=False).iloc[0]
    return (f"Leave-future-out (refits at the rolling origins, one-step scores) the highest "
            f"elpd is {best['forecaster']}'s ({_fmt(best['elpd'])}); stacking gives the "
            f"paradigms together a weight of {share:.2f}, the largest single weight "
            f"{w[top]:.2f} to {top}.")


def floored_sentence(log_scores: pd.DataFrame, split: str, seed: int) -> str | None:
    """Whose test scores are carried by outcomes given (almost) no probability (paradigms:
    outcomes their rules make impossible; rivals: a logit extrapolating)."""
    rows = log_scores.loc[(log_scores["split"] == split) & (log_scores["kind"] == ALL)
                          & (log_scores["seed"] == seed)]
    hit = rows.loc[rows["floored"] > 0]
    if hit.empty:
        return None
    parts = ", ".join(f"{r.forecaster} {int(r.floored)} ({r.floored_share:.0%} of its score)"
                      for r in hit.itertuples())
    return (f"Floored cells of the test years (an observed outcome given probability below "
            f"1e-6, scored log 1e-6): {parts}.")


def make_verdict(log_scores: pd.DataFrame, pairwise: pd.DataFrame, stacking: pd.DataFrame,
                 n_params: dict[str, int], paradigms: list[str], rivals: list[str], *,
                 seed: int, splits: tuple[str, ...] = ("primary", "vantage")) -> list[str]:
    """The verdict, one sentence per entry; the first is the headline of the first split."""
    sentences: list[str] = []
    for k, split in enumerate(splits):
        rows = log_scores.loc[(log_scores["split"] == split) & (log_scores["kind"] == ALL)
                              & (log_scores["seed"] == seed)]
        if rows.empty:
            continue
        scores = rows.set_index("forecaster")["log_score"]
        window = rows["test"].iloc[0]
        head = headline(scores, paradigms, rivals, window, pairwise, split)
        sentences.append(head if k == 0 else f"On the {split} split: {head}")
        if k == 0:
            sentences.append(paradigm_sentence(scores, paradigms, pairwise, split, n_params))
        sentences.append(stability_sentence(log_scores, split, paradigms))
        floored = floored_sentence(log_scores, split, seed)
        if floored and k == 0:
            sentences.append(floored)
    sentences.append(stacking_sentence(stacking, paradigms))
    return sentences
