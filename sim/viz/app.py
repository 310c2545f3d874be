"""The interactive explorer: natosim in the browser, one set of models per browser session.

Start it with ``natosim explore`` (which calls :func:`serve`) or ``solara run sim/viz/app.py``.
Pick a scenario (shipped, from the folder given to :func:`serve`, or any file opened by its
path) and a paradigm, move the sliders (ranges and defaults from the parameter registry),
press **Reset** to build exactly what the sidebar shows, then **Step** or **▶** through the
years. *Side by side* runs every registered paradigm on the same seed in one view.

One paradigm: four charts follow the run: R(t), S(t) with the observed status, the military
burden with the observed burdens, and partner alignment. Side by side: R(t) of every
paradigm overlaid with the observed O7, small multiples of S(t) and of partner alignment
beside the observed O8 (:mod:`sim.viz.live_side`). Input milestones are numbered (key below
the charts) and the scored events of the observed record are shaded apart from them. The
series (CSV) and every chart (PNG, SVG) can be downloaded.

The page is built with Solara components directly; the models are Mesa models
(:class:`~sim.model.model.NatoRussiaModel`); the state lives in :mod:`sim.viz.app_session`.
The charts are laid out once per Reset and then only their data move (:mod:`sim.viz.live`).

The explorer needs the optional ``app`` extra (``pip install -e ".[app]"``). It works
offline: ``solara-assets`` ships Solara's front-end, and only matplotlib images are used.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import replace
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

from sim.core.errors import InputError  # noqa: E402
from sim.model.paradigms import PARADIGMS  # noqa: E402
from sim.model.params import registry  # noqa: E402
from sim.viz.app_panels import (  # noqa: E402
    EXPLORER_MODES,
    applied_parameters,
    glossary_html,
    milestone_key_html,
    year_caption,
)
from sim.viz.app_session import (  # noqa: E402, F401  (re-exported: the explorer's API)
    DEFAULT_INTERVAL,
    DEFAULT_PARADIGM,
    DEFAULT_REPLICAS,
    DEFAULT_SCENARIO,
    DEFAULT_SEED,
    MAX_REPLICAS,
    SCENARIOS_ENV,
    ExplorerModel,
    Session,
    SessionPool,
    Settings,
    build_model,
    build_models,
    default_values,
    first_line,
    folder_scenarios,
    open_scenario,
    scenario_names,
    slider_label,
    slider_step,
)

ERROR_STYLE = {"color": "#b2182b", "font-size": "0.85em", "display": "block"}
# Each slider's label on its own line above the track, and room above the track for the
# value, which is always shown (a long label otherwise squeezes the track to nothing and
# the value bubble covers the control above it).
SLIDER_CSS = """
.v-input__slider .v-input__slot { flex-wrap: wrap; }
.v-input__slider .v-input__slot > .v-label { width: 100%; max-width: 100%; height: auto;
  white-space: normal; font-size: 0.85em; }
.v-input__slider .v-slider { margin-top: 30px; }
"""
NOTE_STYLE = {"color": "#555", "font-size": "0.85em", "display": "block"}
#: The default session built ahead of each new browser tab (:class:`SessionPool`).
SESSIONS = SessionPool()


# --------------------------------------------------------------------------- components


@solara.component
def ParameterSliders(settings: solara.Reactive[Settings]) -> None:
    """The chassis sliders and the chosen paradigm's (every paradigm's side by side), each
    with its value and default always shown."""

    def setter(qualified: str) -> Callable[[float], None]:
        def on_value(value: float) -> None:
            now = settings.value
            settings.value = replace(now, values={**now.values, qualified: float(value)})
        return on_value

    specs = registry()
    group = ""
    for qualified, value in settings.value.shown().items():
        spec = specs[qualified]
        if settings.value.side_by_side and spec.group != group:
            group = spec.group
            solara.Text(group, style={"font-weight": "bold", "font-size": "0.85em"})
        lo, hi = spec.bounds
        solara.SliderFloat(slider_label(qualified, spec.param), value=value, min=lo, max=hi,
                           step=slider_step(spec.param), on_value=setter(qualified),
                           thumb_label="always")


@solara.component
def Controls(session: Session, settings: solara.Reactive[Settings],
             tick: solara.Reactive[int], error: solara.Reactive[str]) -> None:
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
        try:
            session.reset(settings.value)
            error.value = ""
        except InputError as err:
            error.value = first_line(err)
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
    solara.SliderInt(f"play interval (ms per year, default {DEFAULT_INTERVAL})",
                     value=interval, min=50, max=2000, step=50, thumb_label="always")
    if settings.value != session.settings:
        solara.Text("The sidebar differs from the running model: press Reset to apply.",
                    style={"color": "#b35806", "font-size": "0.85em"})


@solara.component
def ScenarioFiles(choose: Callable[..., bool], opened: solara.Reactive[list[str]],
                  error: solara.Reactive[str]) -> None:
    """Open a user scenario file by its path (checked by the safe loader)."""
    path = solara.use_reactive("")

    def open_file() -> None:
        try:
            resolved = open_scenario(path.value)
        except InputError as err:
            error.value = first_line(err)
            return
        if choose(scenario=resolved):
            opened.value = list(dict.fromkeys([*opened.value, resolved]))

    solara.InputText("scenario file (path to a YAML file)", value=path, continuous_update=True)
    solara.Button("Open file", on_click=open_file, outlined=True, small=True)


@solara.component
def ChartPanel(session: Session, chart: str, tick: int) -> None:
    """One chart image with its PNG and SVG downloads."""
    with solara.Column(gap="0px"):
        solara.Image(session.frames[chart], width="100%")
        with solara.Row(gap="4px"):
            for fmt in ("png", "svg"):
                solara.FileDownload(lambda fmt=fmt: session.charts.render(chart, fmt),
                                    filename=f"natosim-{chart}.{fmt}",
                                    label=f"{chart} {fmt.upper()}",
                                    mime_type="image/svg+xml" if fmt == "svg" else "image/png")


def progress_lines(session: Session) -> list[str]:
    """The run in force: what, where, how many, which seed; then the values per paradigm."""
    settings, model = session.settings, session.model
    what = ("side by side: " + ", ".join(session.models) if settings.side_by_side
            else model.paradigm.name)
    head = (f"{what} · {settings.scenario} · {model.mode} · {model.K} replicas · "
            f"seed {settings.seed}")
    if not settings.side_by_side:
        return [f"{head} · {applied_parameters(model)}"]
    return [head, *(f"{name}: {applied_parameters(m)}" for name, m in session.models.items())]


@solara.component
def MainView(session: Session, tick: solara.Reactive[int]) -> None:
    """The clock and parameters in force, the charts, the downloads, the key."""
    count = tick.value  # re-render on every step or reset
    model = session.model
    with solara.Card(year_caption(model)):
        for line in progress_lines(session):
            solara.Text(line, style=NOTE_STYLE)
        if session.timings:
            solara.Text(f"last step {session.timings[-1] * 1000:.0f} ms on the server "
                        f"(simulating {len(session.models)} model(s) and redrawing)",
                        style=NOTE_STYLE)
        with solara.Row(gap="4px"):
            solara.FileDownload(session.charts.series_csv, filename="natosim-series.csv",
                                label="series (CSV)", mime_type="text/csv")
            solara.FileDownload(session.charts.partners_csv, filename="natosim-partners.csv",
                                label="partners (CSV)", mime_type="text/csv")
    with solara.ColumnsResponsive(12, large=6):
        for chart in session.charts.names:
            ChartPanel(session, chart, count)
    with solara.Card("Key: input milestones and scored events"):
        solara.HTML(tag="div", unsafe_innerHTML=milestone_key_html(model),
                    style="max-height: 260px; overflow-y: auto; font-size: 0.8em")


@solara.component
def Page() -> None:
    """The explorer page. Every browser session renders its own ``Page`` and models.

    Changing the scenario, the paradigm or the view builds new models at once; the run
    options and sliders apply on **Reset**, which builds exactly what the sidebar shows.
    """
    settings = solara.use_reactive(Settings())
    session = solara.use_memo(lambda: SESSIONS.take(settings.value), [])
    tick = solara.use_reactive(0)
    error = solara.use_reactive("")
    folder, folder_errors = solara.use_memo(folder_scenarios, [])
    opened = solara.use_reactive(list(folder))

    def choose(**change: Any) -> bool:
        wanted = replace(settings.value, **change)
        try:
            session.reset(wanted)
        except InputError as err:
            error.value = first_line(err)
            return False
        settings.value, error.value = wanted, ""
        tick.value += 1
        return True

    now = settings.value
    solara.Title("natosim explorer")
    solara.Style(SLIDER_CSS)
    with solara.AppBar():
        solara.AppBarTitle("natosim explorer")
    with solara.Sidebar():
        with solara.Card("Scenario and theory"):
            solara.Select("scenario", values=[*scenario_names(), *opened.value],
                          value=now.scenario, on_value=lambda v: choose(scenario=v))
            ScenarioFiles(choose, opened, error)
            for line in folder_errors:
                solara.Text(line, style=ERROR_STYLE)
            solara.Switch(label="side by side: every paradigm, same seed",
                          value=now.side_by_side, on_value=lambda v: choose(side_by_side=v))
            solara.Select("paradigm", values=list(PARADIGMS), value=now.paradigm,
                          on_value=lambda v: choose(paradigm=v), disabled=now.side_by_side)
            if error.value:
                solara.Text(error.value, style=ERROR_STYLE, classes=["natosim-error"])
        with solara.Card("Run"):
            Controls(session, settings, tick, error)
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
            solara.HTML(tag="div", unsafe_innerHTML=glossary_html(
                None if now.side_by_side else now.paradigm))])
    MainView(session, tick)


# --------------------------------------------------------------------------- server


def warm_up() -> None:
    """Read what every page needs once, before the server answers: the data, the observed
    record, the scenario list, the glossary's citations and matplotlib's fonts (a first tab
    otherwise pays for them: about 2 s of a 3 s start on an idle core), and build the
    first tab's session (:data:`SESSIONS`)."""
    SESSIONS.fill()
    glossary_html(DEFAULT_PARADIGM)
    scenario_names()


def serve(host: str = "127.0.0.1", port: int = 8765, *, open_browser: bool = False,
          scenarios: str | Path | None = None) -> None:
    """Run the explorer with Solara's server until interrupted (``natosim explore``).

    Args:
        host: interface to listen on (``127.0.0.1`` keeps it local).
        port: TCP port.
        open_browser: open the page in the default browser once the server is up.
        scenarios: a folder of user scenario files to list beside the shipped ones (each
            checked by the safe loader; a file that does not load is named in the page).
    """
    from solara.__main__ import cli

    if scenarios is not None:
        os.environ[SCENARIOS_ENV] = str(Path(scenarios).expanduser().resolve())
    solara.server.settings.telemetry.mixpanel_enable = False  # offline: no usage pings
    warm_up()
    args = ["run", str(Path(__file__).resolve()), "--host", host, "--port", str(port),
            "--production", "--no-check-version", "--open" if open_browser else "--no-open"]
    cli.main(args=args, prog_name="natosim explore", standalone_mode=False)
