"""The explorer's state without the page: the model wrapper, the sidebar's settings, one
browser session's models and charts, and opening user scenario files.

No Solara here, so everything is tested without a browser (``tests/test_app.py``). The
page itself is :mod:`sim.viz.app`, which re-exports these names.
"""

from __future__ import annotations

import inspect
import math
import os
import threading
import time
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from sim.core.errors import InputError, ScenarioError
from sim.data.scenario import list_scenarios, load_scenario
from sim.model.model import NatoRussiaModel
from sim.model.paradigms import PARADIGMS
from sim.model.parameter import CHASSIS, Param
from sim.model.params import registry
from sim.viz.live import BlittedCharts, LiveCharts
from sim.viz.live_side import SideBySideCharts

DEFAULT_SCENARIO = "post-cold-war"
DEFAULT_PARADIGM = next(iter(PARADIGMS), "")  # the first registered paradigm
DEFAULT_REPLICAS = 5
MAX_REPLICAS = 20
DEFAULT_SEED = 0
DEFAULT_INTERVAL = 300  # ms between two years when playing
#: The environment variable ``serve(scenarios=...)`` hands the page a folder of scenarios by.
SCENARIOS_ENV = "NATOSIM_EXPLORER_SCENARIOS"
#: Held while charts are built: each is built inside ``matplotlib.rc_context``, which sets
#: the process-wide rc parameters, and tabs (and :class:`SessionPool`) build in threads.
_BUILDING = threading.Lock()
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
    """What the sidebar shows: everything a Reset builds a model (or models) from.

    Attributes:
        scenario: a shipped scenario name or the path of a user scenario file.
        paradigm: a registered paradigm (the one-paradigm view).
        mode: ``replay`` or ``free``.
        replicas: K.
        seed: the model's seed.
        values: parameter values by qualified name (every paradigm's; only the chosen
            paradigm's and the chassis' are used, or every one side by side).
        side_by_side: run every registered paradigm on the same seed, in one view.
    """

    scenario: str = DEFAULT_SCENARIO
    paradigm: str = DEFAULT_PARADIGM
    mode: str = "replay"
    replicas: int = DEFAULT_REPLICAS
    seed: int = DEFAULT_SEED
    values: dict[str, float] = field(default_factory=default_values)
    side_by_side: bool = False

    def used(self) -> dict[str, float]:
        """The values a model of this paradigm is built with, by qualified name."""
        return {q: self.values.get(q, spec.default)
                for q, spec in registry(self.paradigm).items()}

    def shown(self) -> dict[str, float]:
        """The sliders' values: the paradigm's and the chassis', or all side by side."""
        if not self.side_by_side:
            return self.used()
        return {q: self.values.get(q, spec.default) for q, spec in registry().items()}


def build_model(settings: Settings) -> ExplorerModel:
    """The model the sidebar describes (its ``paradigm``)."""
    values = {spec.name: settings.used()[q] for q, spec in registry(settings.paradigm).items()}
    return ExplorerModel(scenario_name=settings.scenario, paradigm=settings.paradigm,
                         mode=settings.mode, replicas=int(settings.replicas),
                         seed=int(settings.seed), **values)


def build_models(settings: Settings) -> dict[str, ExplorerModel]:
    """The models the sidebar describes: one per registered paradigm side by side (all on
    the same scenario, mode, replicas and seed, each with its own sliders' values), else the
    chosen paradigm's alone."""
    names = list(PARADIGMS) if settings.side_by_side else [settings.paradigm]
    return {name: build_model(replace(settings, paradigm=name)) for name in names}


class Session:
    """One browser session's models, their live charts and the latest chart frames.

    Args:
        settings: what to build first.
    """

    def __init__(self, settings: Settings) -> None:
        self.lock = threading.Lock()
        self.timings: list[float] = []  # seconds per step, stepping and redrawing
        self.reset(settings)

    def reset(self, settings: Settings) -> None:
        """Build new models from ``settings`` (what the sidebar shows).

        Raises:
            InputError: the scenario cannot be run (the running models are kept).
        """
        models = build_models(settings)
        with self.lock:
            old = getattr(self, "charts", None)
            charts: BlittedCharts
            if old is not None and type(old) is self._kind(settings) and old.adopt(models):
                charts = old  # laid out for these models already: only the data move
            else:
                with _BUILDING:  # one at a time: a chart is built under matplotlib's global rc
                    charts = (SideBySideCharts(models) if settings.side_by_side
                              else LiveCharts(next(iter(models.values()))))
            self.frames = {chart: charts.frame(chart) for chart in charts.names}
            self.settings, self.models, self.charts = settings, models, charts
            self.model = next(iter(models.values()))
            self.timings = []

    @staticmethod
    def _kind(settings: Settings) -> type[BlittedCharts]:
        return SideBySideCharts if settings.side_by_side else LiveCharts

    def step(self) -> bool:
        """Advance every model one year and redraw; False when the run is already complete."""
        with self.lock:
            if not self.model.running or self.model.year > self.model.end:
                return False
            started = time.perf_counter()
            for model in self.models.values():
                model.step()
            self.charts.update()
            self.frames = {chart: self.charts.frame(chart) for chart in self.charts.names}
            self.timings.append(time.perf_counter() - started)
            return True


class SessionPool:
    """A session of the default settings built before a page asks for one.

    A new browser tab's first render built its models and laid out and drew its charts
    (about half a second of an idle core); :meth:`take` hands out the session built ahead
    (waiting for it if it is being built) and builds the next one ``delay`` seconds later in
    a thread, so that the page that took it is not slowed down.

    Args:
        settings: the settings a page opens with.
        delay: seconds to wait before building the next session.
    """

    def __init__(self, settings: Settings | None = None, delay: float = 1.0) -> None:
        self.settings = settings if settings is not None else Settings()
        self.delay = delay
        self.ready: Session | None = None
        self.building = False
        self.changed = threading.Condition()

    def fill(self) -> None:
        """Build the next session now (unless one is waiting or being built)."""
        with self.changed:
            if self.ready is not None or self.building:
                return
            self.building = True
        session = None
        try:
            session = Session(self.settings)
        finally:
            with self.changed:
                self.building = False
                if self.ready is None:
                    self.ready = session
                self.changed.notify_all()

    def take(self, settings: Settings) -> Session:
        """A session of ``settings``: the one built ahead if it matches, else a new one."""
        ready = None
        if settings == self.settings:
            with self.changed:
                self.changed.wait_for(lambda: not self.building, timeout=30.0)
                ready, self.ready = self.ready, None
        if ready is None:
            return Session(settings)
        timer = threading.Timer(self.delay, self.fill)
        timer.daemon = True
        timer.start()
        return ready


# --------------------------------------------------------------------------- scenario files


def first_line(err: BaseException) -> str:
    """An error as the page shows it: one line."""
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def open_scenario(path: str) -> str:
    """Check a user scenario file with the safe loader (and that the project data cover it)
    and return its absolute path.

    Args:
        path: the file's path as typed (``~`` is expanded).

    Raises:
        InputError: one line naming the file, the key and what was expected.
    """
    text = path.strip()
    if not text:
        raise ScenarioError("scenario file", "", "expected the path of a YAML scenario file")
    resolved = Path(text).expanduser()
    if not resolved.exists():
        raise ScenarioError(text, "", "no such file")
    scenario = load_scenario(resolved)  # the safe loader: size, UTF-8, SafeLoader YAML, schema
    if scenario.history:  # the explorer runs replay or free mode: the edits would be ignored
        raise ScenarioError(text, "history", "edits the observed record that teacher-forced "
                            "runs impose; the explorer simulates that record (replay or free "
                            "mode) and would ignore the edits: use natosim run --mode teacher "
                            "or natosim compare --counterfactual --mode teacher")
    absolute = str(resolved.resolve())
    ExplorerModel(scenario_name=absolute, replicas=1)  # and the data cover its period
    return absolute


def folder_scenarios(folder: str | Path | None = None) -> tuple[list[str], list[str]]:
    """The scenario files of a folder (``natosim explore --scenarios DIR``): the paths that
    load, and one line for each that does not.

    Args:
        folder: the folder; None reads it from :data:`SCENARIOS_ENV` (unset: none).
    """
    folder = folder if folder is not None else os.environ.get(SCENARIOS_ENV, "")
    if not folder:
        return [], []
    root = Path(folder).expanduser()
    if not root.is_dir():
        return [], [f"{root}: not a folder of scenario files"]
    ok, errors = [], []
    for path in sorted([*root.glob("*.yaml"), *root.glob("*.yml")]):
        try:
            ok.append(open_scenario(str(path)))
        except InputError as err:
            errors.append(first_line(err))
    return ok, errors


@lru_cache(maxsize=1)
def _shipped_scenarios() -> tuple[str, ...]:
    return tuple(name for name, _ in list_scenarios())


def scenario_names() -> list[str]:
    """The shipped scenarios' names, read once per process (they ship with the package;
    reading them loaded every scenario file, 0.6 s, on each render of the page)."""
    return list(_shipped_scenarios())
