"""What the explorer writes beside its charts: the clock, the parameters in force, the
milestone key and the glossary (R, S, alignment, every parameter from the registry).

Plain functions returning text or escaped HTML (no Markdown: Solara's Markdown renderer would
fetch KaTeX from a CDN), so they are tested without a browser.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape
from typing import Any

from sim.model.model import NatoRussiaModel
from sim.model.params import registry
from sim.model.records import S_LABELS
from sim.viz.live import input_milestones, milestone_time
from sim.viz.observed_marks import O5_LEVELS, milestone_groups, scored_events

#: The explorer's run modes (teacher mode needs an observed history: not offered here).
EXPLORER_MODES = ("replay", "free")
MODE_HELP = {
    "replay": "NATO and partner milestones are forced at their dates; Russia's responses, "
              "S, arming and R are simulated (the main mode).",
    "free": "enlargement decisions are left to the model from the start year.",
}


def year_caption(model: NatoRussiaModel) -> str:
    """Where the run is, e.g. ``End of 1995 (5 of 34 years)`` (the page's only clock)."""
    done = model.year - model.start
    total = model.end - model.start + 1
    if done == 0:
        return f"Start of {model.start}: nothing simulated yet ({total} years to go)"
    if done >= total:
        return f"End of {model.end}: run complete ({total} years)"
    return f"End of {model.year - 1} ({done} of {total} years)"


def applied_parameters(model: NatoRussiaModel) -> str:
    """The parameter values the running model was built with, on one line (qualified)."""
    values = {**{f"{model.paradigm.name}.{k}": v for k, v in model.paradigm.values.items()},
              **{f"chassis.{k}": v for k, v in model.p.items()}}
    return ", ".join(f"{k}={v:g}" for k, v in values.items())


def fired_milestones(model: NatoRussiaModel) -> list[dict[str, Any]]:
    """The input milestones applied so far, in the order they fired (from ``event_log``)."""
    by_id = {m.id: m for m in model.inputs.milestones}
    out = []
    for time, mid in model.event_log:
        m = by_id.get(mid)
        out.append({"time": float(time), "id": mid, "date": str(m.date) if m else "",
                    "type": m.type if m else "", "label": m.label if m else mid})
    return out


def milestone_key_html(model: NatoRussiaModel) -> str:
    """The numbered key of the input milestones (the numbers on the R chart), fired ones in
    bold, followed by the scored events of the observed record."""
    fired = {mid for _, mid in model.event_log}
    items = input_milestones(model)
    rows = []
    for i, m in enumerate(items, start=1):
        text = (f"<b>{i}</b> {escape(str(m.date))} {escape(m.label)} "
                f"<small style='color:#777'>({escape(m.type)})</small>")
        style = "" if m.id in fired else " style='color:#999'"
        rows.append(f"<li{style}>{text}{' ✓' if m.id in fired else ''}</li>")
    scored = [e for e in scored_events() if model.start <= e.year <= model.end]
    events = "".join(f"<li><b>{escape(e.partner)} {e.year}</b>: "
                     f"{escape(O5_LEVELS[e.level])} (O5 level {e.level})</li>" for e in scored)
    groups = len(milestone_groups([milestone_time(model, m) for m in items]))
    return (f"<p style='margin:0'>Input milestones ({len(items)}, {len(fired)} fired; "
            f"{groups} labels on the R chart, ✓ = fired):</p>"
            f"<ol style='margin:0; padding-left:1.6em; list-style:none'>{''.join(rows)}</ol>"
            "<p style='margin:6px 0 0 0'>Scored events (shaded years: the observed record, "
            "O5 in <code>sim/data/observed_coercion.csv</code>, never a model input):</p>"
            f"<ul style='margin:0; padding-left:1.2em'>{events}</ul>")


@lru_cache(maxsize=1)
def _references() -> dict[str, str]:
    from sim.data.datasets import load_data

    return {k: str(v.get("citation", "")) for k, v in load_data().references.items()}


def glossary_html(paradigm: str | None) -> str:
    """HTML: what R, S and alignment are, the run options, and each parameter of the chassis
    and of ``paradigm`` (None: every paradigm) from the registry (meaning, range, default,
    provenance, citation)."""
    rungs = ", ".join(f"{k} {escape(v)}" for k, v in S_LABELS.items())
    head = (
        "<p><b>R</b>, the NATO–Russia relation, runs from −1 (hostile) to +1 (cooperative): "
        "R(t) = μ R(t−1) + (1 − μ) tanh(−(H<sub>R</sub> + H<sub>N</sub>)/2) + noise, where H "
        "is each side's hostility as the paradigm appraises it.</p>"
        f"<p><b>S</b>, the institutional status of the relation: {rungs}.</p>"
        "<p><b>Alignment</b> of each partner runs from −1 (toward Russia) to +1 (toward "
        "NATO).</p>"
        "<p><b>mode</b>: " + " ".join(f"<i>{m}</i>: {escape(t)}" for m, t in MODE_HELP.items())
        + " <b>replicas</b>: K runs advanced together with their own random draws; the charts "
        "show the median and the 10–90 % band. <b>seed</b>: the seed of the random stream "
        "(the same seed and settings give the same run).</p>"
    )
    refs = _references()
    rows = []
    for spec in registry(paradigm).values():
        p = spec.param
        cites = "; ".join(escape(refs.get(k.strip(), k.strip()))
                          for k in spec.citation.split(";") if k.strip())
        rows.append(
            f"<li><b>{escape(spec.qualified)}</b> [{p.bounds[0]:g}, {p.bounds[1]:g}], "
            f"default {p.default:g} ({escape(p.provenance)}): {escape(p.meaning)}"
            f"<br><small style='color:#666'>{cites}</small></li>")
    return (f"<div style='font-size:0.85em'>{head}<ul style='padding-left:1.2em'>"
            f"{''.join(rows)}</ul></div>")
