"""The interactive explorer: Mesa's SolaraViz in the browser, one model per browser session.

Start it with ``natosim explore`` (which calls :func:`serve`) or ``solara run sim/viz/app.py``.
Pick a scenario and a paradigm, move the sliders (the paradigm's three parameters and the
chassis parameters; ranges from their :class:`~sim.model.params.Param`), press **Reset** to build
a model with them, then **Step** or **▶** through the years. Four charts follow the run:
R(t), S(t), Russia's (and NATO's) military burden, and partner alignment, with the input
milestones marked as they fire and listed in a panel.

The explorer needs the optional ``app`` extra (``pip install -e ".[app]"``). It works
offline: ``solara-assets`` ships Solara's front-end, and only matplotlib charts are used
(Altair would load from a CDN).
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

try:
    import solara
    import solara.server.settings
    from mesa.visualization import SolaraViz
except ImportError as err:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "the explorer needs the optional 'app' extra: pip install -e '.[app]' "
        f"({err.name} is missing)"
    ) from err

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from sim.data.scenario import list_scenarios  # noqa: E402
from sim.model.model import MODES, NatoRussiaModel  # noqa: E402
from sim.model.paradigms import PARADIGMS  # noqa: E402
from sim.model.parameter import CHASSIS, Param  # noqa: E402
from sim.model.records import S_LABELS  # noqa: E402
from sim.viz.plots import NATO_COLOR, RUSSIA_COLOR, STYLE, paradigm_color  # noqa: E402

DEFAULT_SCENARIO = "post-cold-war"
DEFAULT_PARADIGM = next(iter(PARADIGMS), "")  # the first registered paradigm
DEFAULT_REPLICAS = 5
MAX_REPLICAS = 20
DEFAULT_SEED = 0
LABEL_GAP = 0.8  # years between two milestone labels on the R chart
_STEPS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0)


# --------------------------------------------------------------------------- the model


def _paradigm_param_names() -> list[str]:
    """Every paradigm's own parameter names, in registry order, without duplicates."""
    names: list[str] = []
    for cls in PARADIGMS.values():
        names += [n for n in cls.parameters if n not in names]
    return names


def _explorer_signature() -> inspect.Signature:
    """Keyword parameters of :class:`ExplorerModel`, as SolaraViz inspects them.

    Built from the parameter registries so a new paradigm parameter needs no edit here.
    There is deliberately no ``scenario`` and no ``**kwargs``: SolaraViz's Reset would
    otherwise pass Mesa's own ``Scenario`` object in place of ours.
    """
    defaults: dict[str, Any] = {
        "scenario_name": DEFAULT_SCENARIO, "paradigm": DEFAULT_PARADIGM, "mode": "replay",
        "replicas": DEFAULT_REPLICAS, "seed": DEFAULT_SEED,
    }
    defaults |= dict.fromkeys([*CHASSIS, *_paradigm_param_names()])
    params = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    params += [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=value)
               for name, value in defaults.items()]
    return inspect.Signature(params)


_SIGNATURE = _explorer_signature()


class ExplorerModel(NatoRussiaModel):
    """:class:`NatoRussiaModel` with a flat, SolaraViz-friendly constructor.

    Takes every slider's value; the parameters of paradigms other than ``paradigm`` and
    values left at ``None`` are ignored (the defaults apply).

    Args:
        scenario_name: a shipped scenario name or a YAML path.
        paradigm: a registered paradigm (``sim.model.paradigms.PARADIGMS``).
        mode: ``replay`` or ``free``.
        replicas: K, advanced together; the charts show the median.
        seed: seed of the model's random stream.
        **params: chassis parameters and the paradigm's own parameters by their name in
            their group (``mu``, ``kappa``): only the chosen paradigm's are used, so two
            paradigms may share a name; the sliders show the qualified name
            (``chassis.mu``, ``realist.kappa``).
    """

    def __init__(self, **options: Any) -> None:
        bound = _SIGNATURE.bind(self, **options)  # TypeError on an unknown name
        bound.apply_defaults()
        run = {k: v for k, v in bound.arguments.items() if k != "self"}
        paradigm = run["paradigm"]
        own = PARADIGMS[paradigm].parameters if paradigm in PARADIGMS else {}
        values = {k: v for k, v in run.items()
                  if v is not None and (k in CHASSIS or k in own)}
        super().__init__(
            scenario=run["scenario_name"], paradigm=paradigm, mode=run["mode"],
            replicas=int(run["replicas"]), rng=int(run["seed"]), **values,
        )
        self.scenario_name = str(run["scenario_name"])


ExplorerModel.__init__.__signature__ = _SIGNATURE


# --------------------------------------------------------------------------- sliders


def slider_step(param: Param) -> float:
    """A round slider step on which both ends of the range and the default fall."""
    lo, hi = param.bounds

    def on_grid(x: float, step: float) -> bool:
        return math.isclose((x - lo) / step, round((x - lo) / step), abs_tol=1e-9)

    for step in _STEPS:
        if step >= (hi - lo) / 100 and on_grid(hi, step) and on_grid(param.default, step):
            return step
    return _STEPS[0]


def slider(name: str, param: Param, group: str = "chassis") -> dict[str, Any]:
    """A SolaraViz ``SliderFloat`` spec for one parameter, range from its ``Param``.

    The label is the qualified name (``group.name``), as everywhere else in natosim.
    """
    lo, hi = param.bounds
    return {
        "type": "SliderFloat", "label": f"{group}.{name}", "value": param.default,
        "min": lo, "max": hi, "step": slider_step(param),
    }


def model_params(scenario: str, paradigm: str) -> dict[str, Any]:
    """SolaraViz ``model_params``: run options, the paradigm's sliders, the chassis sliders.

    ``scenario`` and ``paradigm`` are fixed here; they are chosen above the SolaraViz panel
    (changing them rebuilds the page with that paradigm's own sliders).
    """
    params: dict[str, Any] = {
        "scenario_name": scenario,
        "paradigm": paradigm,
        "mode": {"type": "Select", "label": "mode", "value": "replay", "values": list(MODES)},
        "replicas": {"type": "SliderInt", "label": "replicas",
                     "value": DEFAULT_REPLICAS, "min": 1, "max": MAX_REPLICAS, "step": 1},
        "seed": {"type": "SliderInt", "label": "seed", "value": DEFAULT_SEED,
                 "min": 0, "max": 999, "step": 1},
    }
    params |= {n: slider(n, p, paradigm) for n, p in PARADIGMS[paradigm].parameters.items()}
    params |= {n: slider(n, p) for n, p in CHASSIS.items()}
    return params


# --------------------------------------------------------------------------- what to show


def year_caption(model: NatoRussiaModel) -> str:
    """Where the run is, e.g. ``End of 1995 (5 of 34 years)``."""
    done = model.year - model.start
    total = model.end - model.start + 1
    if done == 0:
        return f"Start of {model.start}: nothing simulated yet ({total} years to go)"
    if done >= total:
        return f"End of {model.end}: run complete ({total} years)"
    return f"End of {model.year - 1} ({done} of {total} years)"


def fired_milestones(model: NatoRussiaModel) -> list[dict[str, Any]]:
    """The input milestones applied so far, in the order they fired (from ``event_log``)."""
    by_id = {m.id: m for m in model.inputs.milestones}
    out = []
    for time, mid in model.event_log:
        m = by_id.get(mid)
        out.append({"time": float(time), "id": mid, "date": str(m.date) if m else "",
                    "type": m.type if m else "", "label": m.label if m else mid})
    return out


def milestones_html(model: NatoRussiaModel) -> str:
    """The fired milestones as an HTML list, newest first (escaped; no Markdown, whose
    renderer would fetch KaTeX from a CDN)."""
    fired = fired_milestones(model)
    if not fired:
        return "<p><i>No milestone yet.</i></p>"
    items = "".join(
        f"<li><b>{escape(m['date'])}</b> {escape(m['label'])} "
        f"<small style='color:#777'>({escape(m['type'])})</small></li>"
        for m in reversed(fired)
    )
    return f"<ul style='margin:0; padding-left:1.2em'>{items}</ul>"


def applied_parameters(model: NatoRussiaModel) -> str:
    """The parameter values the running model was built with, on one line (qualified)."""
    values = {**{f"{model.paradigm.name}.{k}": v for k, v in model.paradigm.values.items()},
              **{f"chassis.{k}": v for k, v in model.p.items()}}
    return ", ".join(f"{k}={v:g}" for k, v in values.items())


def parameter_glossary(paradigm: str) -> str:
    """HTML: what each slider means, with its range (the paradigm's first, then chassis)."""
    params = {**{f"{paradigm}.{n}": p for n, p in PARADIGMS[paradigm].parameters.items()},
              **{f"chassis.{n}": p for n, p in CHASSIS.items()}}
    rows = "".join(
        f"<li><b>{escape(n)}</b> [{p.bounds[0]:g}, {p.bounds[1]:g}]: {escape(p.meaning)}</li>"
        for n, p in params.items()
    )
    return f"<ul style='margin:0; padding-left:1.2em; font-size:0.8em'>{rows}</ul>"


def _quantiles(model: NatoRussiaModel, column: str) -> pd.DataFrame:
    """q10, q50, q90 of a series column by recorded year (empty before the first step)."""
    if model.year == model.start:  # model.records() cannot build empty tables
        return pd.DataFrame({c: pd.Series(dtype=float) for c in ("year", "q10", "q50", "q90")})
    series = model.records().series
    grouped = series.groupby("year")[column]
    return pd.DataFrame({
        "year": sorted(series["year"].unique()),
        "q10": grouped.quantile(0.1).to_numpy(), "q50": grouped.median().to_numpy(),
        "q90": grouped.quantile(0.9).to_numpy(),
    })


def _figure(height: float = 3.0) -> Figure:
    fig = Figure(figsize=(6.4, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _time_axis(ax, model: NatoRussiaModel) -> None:
    ax.set_xlim(model.start - 0.3, model.end + 1.3)
    ax.set_xlabel("year (yearly values are the state on 31 December)")


def _mark_fired(ax, model: NatoRussiaModel) -> None:
    """Grey lines at fired milestones; those of the last simulated year in orange, labelled
    where there is room (the progress panel lists them all)."""
    transform = ax.get_xaxis_transform()
    last_label = -np.inf
    for m in fired_milestones(model):
        recent = m["time"] >= model.year - 1
        ax.axvline(m["time"], color="#e08214" if recent else "#999999",
                   lw=1.0 if recent else 0.5, alpha=0.9 if recent else 0.5, zorder=0,
                   gid="milestone")
        if recent and m["time"] - last_label >= LABEL_GAP:
            last_label = m["time"]
            ax.text(m["time"], 0.02, " " + m["label"][:30], transform=transform, rotation=90,
                    fontsize=6.5, color="#8c510a", ha="right", va="bottom",
                    gid="milestone-label")


def _band(ax, model: NatoRussiaModel, column: str, color: str, label: str) -> None:
    q = _quantiles(model, column)
    x = q["year"].to_numpy(dtype=float) + 1.0
    if model.K > 1:
        ax.fill_between(x, q["q10"], q["q90"], color=color, alpha=0.18, lw=0)
    ax.plot(x, q["q50"], color=color, lw=1.8, marker="o", ms=2.5, label=label)


def relation_figure(model: NatoRussiaModel) -> Figure:
    """R(t): median over replicas (10–90 % band), milestones fired so far marked."""
    name = model.paradigm.name
    with matplotlib.rc_context(STYLE):
        fig = _figure(3.3)
        ax = fig.subplots()
        _band(ax, model, "R", paradigm_color(name), f"{name} (median)")
        _mark_fired(ax, model)
        ax.axhline(0.0, color="#444444", lw=0.6)
        ax.set_ylim(-1.05, 1.05)
        ax.set_ylabel("R (−1 hostile … +1 cooperative)")
        ax.set_title(f"NATO–Russia relation R(t) · {name}")
        _time_axis(ax, model)
    return fig


def status_figure(model: NatoRussiaModel) -> Figure:
    """S(t): the institutional rung, median over replicas, with the rung on offer."""
    name = model.paradigm.name
    with matplotlib.rc_context(STYLE):
        fig = _figure(2.8)
        ax = fig.subplots()
        q = _quantiles(model, "S")
        x = np.concatenate([q["year"].to_numpy(dtype=float)[:1], q["year"] + 1.0])
        y = np.concatenate([q["q50"].to_numpy(dtype=float)[:1], q["q50"]])
        ax.plot(x, y, drawstyle="steps-pre", color=paradigm_color(name), lw=2.0,
                label="S (median)")
        menu = _quantiles(model, "menu")
        ax.plot(menu["year"] + 1.0, menu["q50"], ls=":", color="#555555", lw=1.0,
                label="highest rung on offer")
        ax.set_yticks(list(S_LABELS), [f"{k} {v}" for k, v in S_LABELS.items()])
        ax.set_ylim(-0.3, max(S_LABELS) + 0.3)
        ax.set_title("Institutional status S(t)")
        ax.legend(loc="upper left")
        _time_axis(ax, model)
    return fig


def arming_figure(model: NatoRussiaModel) -> Figure:
    """Military burden (% of GDP): Russia and NATO, median over replicas."""
    with matplotlib.rc_context(STYLE):
        fig = _figure(2.8)
        ax = fig.subplots()
        _band(ax, model, "russia_burden", RUSSIA_COLOR, "Russia")
        _band(ax, model, "nato_burden", NATO_COLOR, "NATO")
        ax.set_ylabel("% of GDP")
        ax.set_ylim(bottom=0.0)
        ax.set_title("Arming: military burden")
        ax.legend(loc="lower right")
        _time_axis(ax, model)
    return fig


def alignment_matrix(model: NatoRussiaModel) -> pd.DataFrame:
    """Median alignment, partners (rows) × every scenario year (NaN until simulated)."""
    years = list(range(model.start, model.end + 1))
    if model.year == model.start:
        return pd.DataFrame(np.nan, index=list(model.inputs.partners), columns=years)
    partners = model.records().partners
    matrix = partners.pivot_table(index="partner", columns="year", values="alignment",
                                  aggfunc="median")
    return matrix.reindex(index=list(model.inputs.partners), columns=years)


def alignment_figure(model: NatoRussiaModel) -> Figure:
    """Partner alignment heatmap (blue toward NATO, red toward Russia), median over replicas."""
    matrix = alignment_matrix(model)
    with matplotlib.rc_context({**STYLE, "axes.grid": False}):
        fig = _figure(3.3)
        ax = fig.subplots()
        image = ax.imshow(matrix.to_numpy(dtype=float), cmap="RdBu", vmin=-1.0, vmax=1.0,
                          aspect="auto", interpolation="nearest",
                          extent=(model.start, model.end + 1, len(matrix) - 0.5, -0.5))
        ax.set_yticks(range(len(matrix)), matrix.index.to_list(), fontsize=5.5)
        ax.set_title("Partner alignment (median)")
        fig.colorbar(image, ax=ax, shrink=0.9, label="−1 Russia … +1 NATO")
        _time_axis(ax, model)
    return fig


# --------------------------------------------------------------------------- components


def _chart(draw: Callable[[NatoRussiaModel], Figure]) -> Callable[[NatoRussiaModel], Any]:
    """A SolaraViz component (model in, element out) showing ``draw(model)`` as a PNG."""

    def component(model: NatoRussiaModel) -> Any:
        return solara.FigureMatplotlib(draw(model), format="png", dpi=100)

    component.__name__ = draw.__name__.replace("_figure", "_chart")
    return component


def progress_panel(model: NatoRussiaModel) -> Any:
    """The year reached, the parameters in force and the milestones fired so far."""
    with solara.Card(year_caption(model)) as card:
        solara.Text(f"{model.paradigm.name} · {model.scenario_name} · {model.mode} · "
                    f"{model.K} replicas · {applied_parameters(model)}",
                    style={"font-size": "0.85em", "color": "#555"})
        solara.Text(f"Milestones so far: {len(model.event_log)}",
                    style={"font-weight": "bold", "display": "block", "margin-top": "8px"})
        solara.HTML(tag="div", unsafe_innerHTML=milestones_html(model),
                    style="max-height: 200px; overflow-y: auto; font-size: 0.9em")
    return card


COMPONENTS = [
    (progress_panel, 0),
    (_chart(relation_figure), 0),
    (_chart(status_figure), 0),
    (_chart(arming_figure), 0),
    (_chart(alignment_figure), 0),
]


def scenario_names() -> list[str]:
    """The shipped scenarios' names."""
    return [name for name, _ in list_scenarios()]


@solara.component
def Page() -> None:
    """The explorer page: scenario and paradigm pickers above Mesa's SolaraViz.

    Every browser session renders its own ``Page``, so it gets its own model. Picking
    another scenario or paradigm builds a new model and remounts SolaraViz with that
    paradigm's sliders (the ``key``), so no slider of the previous paradigm lingers.
    """
    scenario = solara.use_reactive(DEFAULT_SCENARIO)
    paradigm = solara.use_reactive(DEFAULT_PARADIGM)
    model = solara.use_memo(
        lambda: ExplorerModel(scenario_name=scenario.value, paradigm=paradigm.value),
        [scenario.value, paradigm.value],
    )
    with solara.Sidebar(), solara.Card("Scenario and theory"):
        solara.Select("scenario", values=scenario_names(), value=scenario)
        solara.Select("paradigm", values=list(PARADIGMS), value=paradigm)
        solara.HTML(tag="p", unsafe_innerHTML=(
            "Move the sliders under <i>Model Parameters</i>, then press <b>Reset</b> to build "
            "a model with them; <b>Step</b> or <b>▶</b> runs the years."))
        solara.Details("What the sliders mean", children=[
            solara.HTML(tag="div", unsafe_innerHTML=parameter_glossary(paradigm.value))])
    SolaraViz(
        model, components=COMPONENTS, model_params=model_params(scenario.value, paradigm.value),
        name="natosim explorer", play_interval=300,
    ).key(f"viz-{scenario.value}-{paradigm.value}")


# --------------------------------------------------------------------------- server


def serve(host: str = "127.0.0.1", port: int = 8765, *, open_browser: bool = False) -> None:
    """Run the explorer with Solara's server until interrupted (``natosim explore``).

    Args:
        host: interface to listen on (``127.0.0.1`` keeps it local).
        port: TCP port.
        open_browser: open the page in the default browser once the server is up.
    """
    from solara.__main__ import cli

    solara.server.settings.telemetry.mixpanel_enable = False  # offline: no usage pings
    args = ["run", str(Path(__file__).resolve()), "--host", host, "--port", str(port),
            "--production", "--no-check-version", "--open" if open_browser else "--no-open"]
    cli.main(args=args, prog_name="natosim explore", standalone_mode=False)
