"""The interactive explorer: natosim in the browser, one model per browser session.

Start it with ``natosim explore`` (which calls :func:`serve`) or ``solara run sim/viz/app.py``.
Pick a scenario and a paradigm, move the sliders (the paradigm's three parameters and the
chassis parameters; ranges and defaults from the parameter registry), press **Reset** to
build a model with exactly what the sidebar shows, then **Step** or **▶** through the years.
Four charts follow the run: R(t), S(t) with the observed status, the military burden with
the observed burdens, and partner alignment; input milestones are numbered (key below the
charts) and the scored events of the observed record are shaded apart from them.

The page is built with Solara components directly (Mesa's ``SolaraViz`` rebuilt a model of
its first paradigm on Reset, redrew every chart from scratch on each step and brought its
own clock, tab and thread switch). The model is still a Mesa model
(:class:`~sim.model.model.NatoRussiaModel`). The charts are laid out once per model and then
only their data move (:mod:`sim.viz.live`).

The explorer needs the optional ``app`` extra (``pip install -e ".[app]"``). It works
offline: ``solara-assets`` ships Solara's front-end, and only matplotlib images are used.
"""

from __future__ import annotations

import inspect
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

try:
    import solara
    import solara.lab
    import solara.server.settings
except ImportError as err:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "the explorer needs the optional 'app' extra: pip install -e '.[app]' "
        f"({err.name} is missing)"
    ) from err

import matplotlib

matplotlib.use("Agg")

from sim.data.scenario import list_scenarios  # noqa: E402
from sim.model.model import NatoRussiaModel  # noqa: E402
from sim.model.paradigms import PARADIGMS  # noqa: E402
from sim.model.parameter import CHASSIS, Param  # noqa: E402
from sim.model.params import registry  # noqa: E402
from sim.viz.app_panels import (  # noqa: E402
    EXPLORER_MODES,
    applied_parameters,
    glossary_html,
    milestone_key_html,
    year_caption,
)
from sim.viz.live import CHARTS, LiveCharts  # noqa: E402

DEFAULT_SCENARIO = "post-cold-war"
DEFAULT_PARADIGM = next(iter(PARADIGMS), "")  # the first registered paradigm
DEFAULT_REPLICAS = 5
MAX_REPLICAS = 20
DEFAULT_SEED = 0
DEFAULT_INTERVAL = 300  # ms between two years when playing
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


def slider_label(qualified: str, param: Param) -> str:
    """A slider's label: the qualified name and the default (always visible)."""
    return f"{qualified} (default {param.default:g})"


def default_values() -> dict[str, float]:
    """Every registered parameter's default, by qualified name (chassis and all paradigms)."""
    return {q: spec.default for q, spec in registry().items()}


# --------------------------------------------------------------------------- the session


@dataclass(frozen=True)
class Settings:
    """What the sidebar shows: everything a Reset builds a model from.

    Attributes:
        scenario: a shipped scenario name.
        paradigm: a registered paradigm.
        mode: ``replay`` or ``free``.
        replicas: K.
        seed: the model's seed.
        values: parameter values by qualified name (every paradigm's; only the chosen
            paradigm's and the chassis' are used).
    """

    scenario: str = DEFAULT_SCENARIO
    paradigm: str = DEFAULT_PARADIGM
    mode: str = "replay"
    replicas: int = DEFAULT_REPLICAS
    seed: int = DEFAULT_SEED
    values: dict[str, float] = field(default_factory=default_values)

    def used(self) -> dict[str, float]:
        """The values a model of this paradigm is built with, by qualified name."""
        return {q: self.values.get(q, spec.default)
                for q, spec in registry(self.paradigm).items()}


def build_model(settings: Settings) -> ExplorerModel:
    """The model the sidebar describes."""
    values = {spec.name: settings.used()[q] for q, spec in registry(settings.paradigm).items()}
    return ExplorerModel(scenario_name=settings.scenario, paradigm=settings.paradigm,
                         mode=settings.mode, replicas=int(settings.replicas),
                         seed=int(settings.seed), **values)


class Session:
    """One browser session's model, its live charts and the latest chart frames.

    Args:
        settings: what to build first.
    """

    def __init__(self, settings: Settings) -> None:
        self.lock = threading.Lock()
        self.timings: list[float] = []  # seconds per step, stepping and redrawing
        self.reset(settings)

    def reset(self, settings: Settings) -> None:
        """Build a new model from ``settings`` (what the sidebar shows)."""
        with self.lock:
            self.settings = settings
            self.model = build_model(settings)
            self.charts = LiveCharts(self.model)
            self.frames = {chart: self.charts.frame(chart) for chart in CHARTS}

    def step(self) -> bool:
        """Advance one year and redraw; False when the run is already complete."""
        with self.lock:
            if not self.model.running or self.model.year > self.model.end:
                return False
            started = time.perf_counter()
            self.model.step()
            self.charts.update()
            self.frames = {chart: self.charts.frame(chart) for chart in CHARTS}
            self.timings.append(time.perf_counter() - started)
            return True


# --------------------------------------------------------------------------- components


def scenario_names() -> list[str]:
    """The shipped scenarios' names."""
    return [name for name, _ in list_scenarios()]


@solara.component
def ParameterSliders(settings: solara.Reactive[Settings]) -> None:
    """The chosen paradigm's three sliders, then the chassis sliders; value always shown."""

    def setter(qualified: str) -> Callable[[float], None]:
        def on_value(value: float) -> None:
            now = settings.value
            settings.value = replace(now, values={**now.values, qualified: float(value)})
        return on_value

    for qualified, spec in registry(settings.value.paradigm).items():
        lo, hi = spec.bounds
        solara.SliderFloat(slider_label(qualified, spec.param),
                           value=settings.value.used()[qualified], min=lo, max=hi,
                           step=slider_step(spec.param), on_value=setter(qualified),
                           thumb_label="always")


@solara.component
def Controls(session: Session, settings: solara.Reactive[Settings],
             tick: solara.Reactive[int]) -> None:
    """Reset, ▶/❚❚ and Step, and the play interval."""
    playing = solara.use_reactive(False)
    interval = solara.use_reactive(DEFAULT_INTERVAL)

    def play() -> None:
        while playing.value:
            started = time.monotonic()
            if not session.step():
                playing.value = False
                break
            tick.value += 1
            time.sleep(max(0.0, interval.value / 1000 - (time.monotonic() - started)))

    solara.lab.use_task(play, dependencies=[playing.value], prefer_threaded=True)

    def reset() -> None:
        playing.value = False
        session.reset(settings.value)
        tick.value += 1

    def step() -> None:
        if session.step():
            tick.value += 1

    done = session.model.year > session.model.end
    with solara.Row(justify="space-between"):
        solara.Button("Reset", color="primary", on_click=reset)
        solara.Button("❚❚" if playing.value else "▶", color="primary", disabled=done,
                      on_click=lambda: playing.set(not playing.value))
        solara.Button("Step", color="primary", on_click=step, disabled=playing.value or done)
    solara.SliderInt("play interval (ms per year)", value=interval, min=50, max=2000, step=50,
                     thumb_label="always")
    if settings.value != session.settings:
        solara.Text("The sidebar differs from the running model: press Reset to apply.",
                    style={"color": "#b35806", "font-size": "0.85em"})


@solara.component
def ChartPanel(session: Session, chart: str, tick: int) -> None:
    """One chart image with its PNG and SVG downloads."""
    with solara.Column(gap="0px"):
        solara.Image(session.frames[chart], width="100%")
        with solara.Row(gap="4px"):
            for fmt in ("png", "svg"):
                solara.FileDownload(lambda fmt=fmt: session.charts.render(chart, fmt),
                                    filename=f"natosim-{chart}.{fmt}", label=fmt.upper(),
                                    mime_type="image/svg+xml" if fmt == "svg" else "image/png")


@solara.component
def MainView(session: Session, tick: solara.Reactive[int]) -> None:
    """The clock and parameters in force, the four charts, the series download, the key."""
    count = tick.value  # re-render on every step or reset
    model = session.model
    with solara.Card(year_caption(model)):
        solara.Text(f"{model.paradigm.name} · {session.settings.scenario} · {model.mode} · "
                    f"{model.K} replicas · seed {session.settings.seed} · "
                    f"{applied_parameters(model)}",
                    style={"font-size": "0.85em", "color": "#555"})
        solara.FileDownload(session.charts.series_csv, filename="natosim-series.csv",
                            label="series (CSV)", mime_type="text/csv")
    with solara.ColumnsResponsive(12, large=6):
        for chart in CHARTS:
            ChartPanel(session, chart, count)
    with solara.Card("Key: input milestones and scored events"):
        solara.HTML(tag="div", unsafe_innerHTML=milestone_key_html(model),
                    style="max-height: 260px; overflow-y: auto; font-size: 0.8em")


@solara.component
def Page() -> None:
    """The explorer page. Every browser session renders its own ``Page`` and model.

    Changing the scenario or the paradigm builds a new model at once; the run options and
    sliders apply on **Reset**, which builds exactly what the sidebar shows.
    """
    settings = solara.use_reactive(Settings())
    session = solara.use_memo(lambda: Session(settings.value), [])
    tick = solara.use_reactive(0)

    def choose(**change: Any) -> None:
        settings.value = replace(settings.value, **change)
        session.reset(settings.value)
        tick.value += 1

    now = settings.value
    solara.Title("natosim explorer")
    with solara.AppBar():
        solara.AppBarTitle("natosim explorer")
    with solara.Sidebar():
        with solara.Card("Scenario and theory"):
            solara.Select("scenario", values=scenario_names(), value=now.scenario,
                          on_value=lambda v: choose(scenario=v))
            solara.Select("paradigm", values=list(PARADIGMS), value=now.paradigm,
                          on_value=lambda v: choose(paradigm=v))
        with solara.Card("Run"):
            Controls(session, settings, tick)
        with solara.Card("Run options and parameters (apply on Reset)"):
            solara.Select("mode", values=list(EXPLORER_MODES), value=now.mode,
                          on_value=lambda v: settings.set(replace(settings.value, mode=v)))
            solara.SliderInt(f"replicas (default {DEFAULT_REPLICAS})", value=now.replicas,
                             min=1, max=MAX_REPLICAS, thumb_label="always",
                             on_value=lambda v: settings.set(replace(settings.value,
                                                                     replicas=int(v))))
            solara.SliderInt(f"seed (default {DEFAULT_SEED})", value=now.seed, min=0, max=999,
                             thumb_label="always",
                             on_value=lambda v: settings.set(replace(settings.value,
                                                                     seed=int(v))))
            ParameterSliders(settings)
        solara.Details("What R, S, alignment and the parameters mean", children=[
            solara.HTML(tag="div", unsafe_innerHTML=glossary_html(now.paradigm))])
    MainView(session, tick)


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
