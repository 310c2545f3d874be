"""The printed scorecard of ``natosim compare``: rich renderables, returned, never printed.

Every table fits the terminal: :class:`Responsive` renders the wide layout (components x
forecasters) when it fits the console's width and otherwise a vertical one (one line per
component and forecaster), so no column vanishes and no word is cut at 80 columns.
Forecaster headers are abbreviated by one generic rule (:func:`short_name`), explained under
the table.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from sim.analysis.scoring import BASELINES

if TYPE_CHECKING:
    from sim.analysis.comparison import Comparison
    from sim.analysis.scoring import Scorecard

HEADING = "default parameters: not calibrated, not a verdict"
SHORT = 9  # forecaster names longer than this are abbreviated in the wide table
COMPONENT_NAMES = {"russia_milex": "Russia milex", "russia_burden": "Russia burden",
                   "nato_burden": "NATO burden", "S": "status S", "R": "relation R (flow)",
                   "R_stock": "relation R (stock)", "R_unga": "R vs UN votes",
                   "alignment": "alignment a", "coercion": "coercion",
                   "status": "partner status"}


def short_name(name: str) -> str:
    """``base_rate`` -> ``base rate``; a name longer than 9 characters keeps its first 7 and a
    full stop (``persistence`` -> ``persist.``): one rule for every forecaster."""
    text = name.replace("_", " ")
    return text if len(text) <= SHORT else text[:7] + "."


class Responsive:
    """The wide table when its natural width fits the console, else the vertical one."""

    def __init__(self, wide: Any, tall: Any) -> None:
        self.wide, self.tall = wide, tall

    def __rich_console__(self, console: Any, options: Any):
        from rich.measure import Measurement

        natural = Measurement.get(console, options.update(max_width=10_000), self.wide)
        fits = natural.maximum <= options.max_width
        yield self.wide if fits else self.tall


def scorecard_tables(comparison: Comparison) -> list[Any]:
    """The printed scorecard: per window a heading, the table and the reading under it."""
    from rich.console import Group
    from rich.text import Text

    from sim.analysis.leaders import best_paradigms

    leaders = best_paradigms(comparison)
    out = []
    for label, card in comparison.cards.items():
        lead = leaders[leaders["window"] == label]
        out.append(Group(Text(HEADING.upper(), style="bold"), Text(_title(comparison, label, card)),
                         Responsive(_wide(comparison, card, lead), _tall(comparison, card, lead)),
                         Text(_verdict(comparison, card))))
    return out


def _title(comparison: Comparison, label: str, card: Scorecard) -> str:
    meta, run = card.meta, comparison.records.meta
    return (f"scorecard, window {label} ({_sample(meta)}) · level maps, trends and base rates "
            f"from {_span(*meta['calibration'])} · {meta['mode']} · {run.get('replicas')} "
            f"replicas · seed {run.get('seed')}")


def _rows(comparison: Comparison, card: Scorecard, leaders: pd.DataFrame):
    """(label, {forecaster: skill}, best paradigm, lead text) per component, in order."""
    skills = card.skills()
    excluded = set(skills.index.get_level_values(0)) - set(card.meta["aggregate_observables"])
    for (obs_id, component), row in skills.iterrows():
        lead = leaders[(leaders["observable"] == obs_id) & (leaders["component"] == component)]
        name = f"{obs_id} {COMPONENT_NAMES.get(component, component)}"
        name += " *" if obs_id in excluded else ""
        yield name, {f: row.get(f) for f in comparison.forecasters}, lead["best"].iloc[0], \
            _margin(lead.iloc[0])


def _wide(comparison: Comparison, card: Scorecard, leaders: pd.DataFrame) -> Any:
    from rich.table import Table
    from rich.text import Text

    table = Table(caption=_legend(comparison), caption_justify="left")
    table.add_column("skill")
    for name in comparison.forecasters:
        table.add_column(short_name(name), justify="right", min_width=5)
    table.add_column("best paradigm (lead)")
    for name, cells, best, lead in _rows(comparison, card, leaders):
        table.add_row(Text(name), *(_skill_text(cells[f], f == best)
                                    for f in comparison.forecasters), Text(lead))
    table.add_section()
    agg, best, lead = _aggregate(comparison, card)
    table.add_row(Text(f"aggregate ({','.join(card.meta['aggregate_observables'])})"),
                  *(_skill_text(agg.get(f), f == best) for f in comparison.forecasters),
                  Text(lead))
    shares = card.rank_stability
    table.add_row(Text(f"first under {card.meta['n_weightings']:,} weightings"),
                  *(Text(f"{shares[f]:.0%}" if f in shares else "-")
                    for f in comparison.forecasters), Text(""))
    return table


def _tall(comparison: Comparison, card: Scorecard, leaders: pd.DataFrame) -> Any:
    """One line per component and forecaster: four narrow columns."""
    from rich.table import Table
    from rich.text import Text

    table = Table()
    for column in ("component", "forecaster", "skill", "best paradigm (lead)"):
        table.add_column(column, justify="right" if column == "skill" else "left")
    for name, cells, best, lead in _rows(comparison, card, leaders):
        for i, f in enumerate(comparison.forecasters):
            table.add_row(Text(name if i == 0 else ""), Text(f), _skill_text(cells[f], f == best),
                          Text(lead if i == 0 else ""))
        table.add_section()
    agg, best, lead = _aggregate(comparison, card)
    shares = card.rank_stability
    for i, f in enumerate(comparison.forecasters):
        share = f", first {shares[f]:.0%}" if f in shares else ""
        table.add_row(Text("aggregate" if i == 0 else ""), Text(f + share),
                      _skill_text(agg.get(f), f == best), Text(lead if i == 0 else ""))
    return table


def _legend(comparison: Comparison) -> str:
    pairs = [f"{short_name(n)} = {n}" for n in comparison.forecasters
             if short_name(n) != n.replace("_", " ")]
    return ("columns: " + "; ".join(pairs)) if pairs else ""


def _aggregate(comparison: Comparison, card: Scorecard) -> tuple[pd.Series, Any, str]:
    agg = card.aggregate.set_index("forecaster")["aggregate_skill"]
    paradigm_agg = agg.reindex(comparison.paradigms)
    best = paradigm_agg.idxmax() if paradigm_agg.notna().any() else None
    return agg, best, _aggregate_margin(paradigm_agg)


def _sample(meta: Mapping[str, Any]) -> str:
    """Which scored years are in-sample (inside the calibration) and which are not."""
    first, last = meta["years_scored"]
    cal_end = meta["calibration"][1]
    if last <= cal_end:
        return f"years {_span(first, last)} in-sample"
    if first > cal_end:
        return f"years {_span(first, last)} out of sample"
    return f"years {_span(first, cal_end)} in-sample, {_span(cal_end + 1, last)} out of sample"


def _span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}-{last}"


def _skill_text(value: Any, best: bool) -> Any:
    from rich.text import Text

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return Text("n/a", style="dim")
    style = "green" if value > 0 else ("red" if value < 0 else "")
    text = "-inf" if value == -math.inf else f"{value:+.2f}"
    return Text(text, style=f"bold {style}" if best else style)


def _margin(lead: pd.Series) -> str:
    if lead["runner_up"] is None or not math.isfinite(lead["margin"]):
        return str(lead["best"])
    return f"{lead['best']} (+{lead['margin']:.2f})"


def _aggregate_margin(values: pd.Series) -> str:
    ranked = values.dropna().sort_values(ascending=False, kind="stable")
    if ranked.empty:
        return ""
    if len(ranked) == 1:
        return str(ranked.index[0])
    return f"{ranked.index[0]} (+{ranked.iloc[0] - ranked.iloc[1]:.2f})"


def _sign_cell(card: Scorecard, forecaster: str) -> str:
    t = card.table
    rows = t[(t["forecaster"] == forecaster) & t["metric"].str.startswith("sign_")]
    if rows.empty:
        return "-"
    value = dict(zip(rows["metric"], rows["value"], strict=True))
    p = value["sign_p"]
    p_text = "n/a" if not math.isfinite(p) else f"{p:.2f}"
    return f"{int(value['sign_hits'])}/{int(value['sign_n'])} ({p_text})"


def _verdict(comparison: Comparison, card: Scorecard) -> str:
    """The reading under the table: definitions, sign test and the highest aggregate, with
    whether it beats every baseline (first when none does). Not a verdict: the parameters
    are the defaults."""
    agg = card.aggregate.set_index("forecaster")["aggregate_skill"]
    paradigm_agg = agg.reindex(comparison.paradigms).dropna().sort_values(ascending=False)
    baseline_agg = agg.reindex(list(BASELINES)).dropna().sort_values(ascending=False)
    lines = []
    if not paradigm_agg.empty and not baseline_agg.empty:
        best, top = paradigm_agg.index[0], baseline_agg.index[0]
        if paradigm_agg.iloc[0] > baseline_agg.iloc[0]:
            lines.append(f"With default parameters, {best} has the highest aggregate "
                         f"({paradigm_agg.iloc[0]:+.2f}) and beats every naive baseline "
                         f"(best: {top.replace('_', ' ')}, {baseline_agg.iloc[0]:+.2f}).")
        else:
            lines.append(f"With default parameters, no paradigm beats every naive baseline "
                         f"(best: {top.replace('_', ' ')}, {baseline_agg.iloc[0]:+.2f}); the "
                         f"highest paradigm is {best} ({paradigm_agg.iloc[0]:+.2f}).")
        share = card.rank_stability.get(best, float("nan"))
        lines.append(f"{best} is first under {share:.0%} of random weightings of the "
                     "observables. For the verdict, see natosim validate (fitted "
                     "parameters, out of sample).")
    lines.append("skill = 1 − score/score of the reference baseline (persistence for O1, O2, "
                 "O4, O7, O8; base rate for O3, O5, O6): > 0 beats it, 1 is perfect; "
                 "unclipped. The aggregate averages (ref − score)/(ref + score), a monotone "
                 "transform into [−1, 1].")
    lines.append("Scores: CRPS of the ensemble level with level (O1, O2; R and alignment "
                 "mapped by a + b·x fitted on the calibration years: O4, O7, O8), RPS (O3), "
                 "log score with ±1-year tolerance (O5, O6); details in scorecard.csv and "
                 "docs/scoring.md.")
    tests = [f"{p} {_sign_cell(card, p)}" for p in comparison.paradigms]
    lines.append("O4 milestone sign test, NATO-Russia milestones (hits/n, one-sided p): "
                 + ", ".join(tests) + ".")
    if card.meta.get("notes"):
        lines.append("* " + "; ".join(card.meta["notes"]) + ".")
    return "\n".join(lines)
