"""``natosim compare``: every paradigm on one scenario, scored against the observed record.

The paradigms run with one seed (common random numbers, :func:`sim.runs.experiments.run_paradigms`);
:func:`sim.analysis.scoring.score` scores them and the baselines over one or more windows;
they are
gathered into :class:`~sim.analysis.comparison.Comparison` (tidy tables), which
:mod:`sim.outputs.compare` writes with the charts and a manifest and
:mod:`sim.analysis.scorecard_tables` prints. How to read the outputs: ``docs/scoring.md``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.analysis.comparison import Comparison
from sim.analysis.leaders import best_paradigms  # noqa: F401  (re-exported)
from sim.analysis.scoring import Scorecard, score, simulate
from sim.core.errors import ParameterError

if TYPE_CHECKING:
    from sim.data.observed import Observed
    from sim.model.records import Records

ARTICLE_WINDOW = (1991, 2008)  # Ratti (2009)'s vantage point
DEFAULT_CALIBRATION = (1991, 2007)
TABLE_FILES = ("scorecard.csv", "scorecard.json", "aggregate.csv", "rank_stability.csv",
               "pit.csv")
CHART_FILES = ("observed_vs_simulated.png", "scorecard.png", "events.png")
SHORT_NAMES = {"persistence": "persist.", "base_rate": "base rate"}  # the baselines
COLUMN_WIDTH = 10  # longer forecaster names are cut to this width in the console table
COMPONENT_NAMES = {"russia_milex": "Russia milex", "russia_burden": "Russia burden",
                   "nato_burden": "NATO burden", "S": "status S", "R": "relation R",
                   "coercion": "coercion", "status": "partner status"}


def short_name(name: str) -> str:
    """A forecaster's column heading: the baselines' short names, other names cut to
    :data:`COLUMN_WIDTH` characters (``"construct."``)."""
    if name in SHORT_NAMES:
        return SHORT_NAMES[name]
    return name if len(name) <= COLUMN_WIDTH else name[: COLUMN_WIDTH - 1] + "."


Window = tuple[int, int]


# --------------------------------------------------------------------------- options


def window_label(window: Window) -> str:
    """``(1991, 2008)`` → ``"1991-2008"`` (the ``window`` column of the tables)."""
    return f"{window[0]}-{window[1]}"


def default_windows(period: Window) -> list[Window]:
    """The article's window (1991–2008) and the whole scenario period, without duplicates.

    A window outside the period is left out; a scenario that ends before 2008 keeps only its
    own period.
    """
    candidates = [ARTICLE_WINDOW, (int(period[0]), int(period[1]))]
    inside = [w for w in candidates if w[0] <= period[1] and w[1] >= period[0]]
    return list(dict.fromkeys(inside))


def check_windows(windows: Sequence[Window], calibration: Window, period: Window) -> None:
    """Fail before a run when a window or the calibration misses the scenario period.

    Raises:
        ParameterError: a window with no simulated year, or fewer than two calibration years
            in the period (z-scores and trends need two).
    """
    for window in windows:
        if window[0] > period[1] or window[1] < period[0]:
            raise ParameterError("--window", "", f"{window_label(window)} has no year in the "
                                                 f"scenario period {window_label(period)}")
    overlap = min(calibration[1], period[1]) - max(calibration[0], period[0]) + 1
    if overlap < 2:
        raise ParameterError("--calibration", "", f"{window_label(calibration)} needs at least "
                                                  f"two years in the scenario period "
                                                  f"{window_label(period)}")


def load_params(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a parameter file into the nested format ``{chassis: {...}, realist: {...}}``.

    Uses :func:`sim.model.params.load_params_file` (validated names and ranges) when it exists;
    otherwise reads TOML or YAML with safe loaders and leaves checking to the model.

    Raises:
        ParameterError: a missing or unreadable file, bad syntax or not a mapping.
    """
    from sim.model import params as params_module

    loader: Callable[[Any], Any] | None = getattr(params_module, "load_params_file", None)
    if loader is not None:
        return dict(loader(path))
    return _read_params_table(Path(path))


def _read_params_table(path: Path) -> dict[str, Any]:
    import tomllib

    import yaml

    suffix = path.suffix.lower()
    if suffix not in (".toml", ".yaml", ".yml"):
        raise ParameterError(str(path), "", "expected a .toml, .yaml or .yml parameter file")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise ParameterError(str(path), "", f"cannot read ({err.strerror})") from None
    try:
        table = tomllib.loads(text) if suffix == ".toml" else yaml.safe_load(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as err:
        raise ParameterError(str(path), "", f"syntax error: {str(err).splitlines()[0]}") from None
    if table is None:
        return {}
    if not isinstance(table, dict):
        raise ParameterError(str(path), "", "expected a mapping such as {realist: {kappa: 1.5}}")
    table.pop("provenance", None)
    return table


# --------------------------------------------------------------------------- comparison


def score_windows(records: Records, observed: Observed, windows: Sequence[Window],
                  calibration: Window) -> Comparison:
    """Score ``records`` over each window with one calibration.

    Raises:
        ParameterError: a window has no simulated year.
    """
    cards: dict[str, Scorecard] = {}
    simulated = simulate(records, observed)  # read the ensembles once for every window
    for window in windows:
        try:
            cards[window_label(window)] = score(records, observed, window, calibration,
                                                simulated=simulated)
        except ValueError as err:
            raise ParameterError("--window", window_label(window), str(err)) from None
    return Comparison(records=records, observed=observed, cards=cards, calibration=calibration)


def run_comparison(scenario: Any, paradigms: Sequence[str], *, mode: str = "replay",
                   replicas: int = 200, seed: int = 0, params: dict[str, Any] | None = None,
                   windows: Sequence[Window] | None = None,
                   calibration: Window = DEFAULT_CALIBRATION, data: Any = None,
                   observed: Observed | None = None) -> Comparison:
    """Run every paradigm with the same seed and score them (the library form of the command).

    Args:
        scenario: a scenario name, path or :class:`~sim.data.scenario.Scenario`.
        paradigms: paradigm names.
        mode: ``replay`` or ``free``.
        replicas: replicas per paradigm.
        seed: the seed shared by all paradigms.
        params: nested parameter overrides ``{chassis: {...}, realist: {...}}``.
        windows: windows to score; default :func:`default_windows` of the scenario period.
        calibration: calibration years.
        data: a loaded :class:`~sim.data.datasets.Dataset` (loaded if None).
        observed: the observed record (loaded if None).
    """
    from sim.data.observed import load_observed
    from sim.runs.experiments import run_paradigms

    records = run_paradigms(scenario, paradigms, mode=mode, replicas=replicas, seed=seed,
                            params=params, data=data)
    period = tuple(records.meta.get("period") or (records.years[0], records.years[-1]))
    chosen = list(windows) if windows else default_windows(period)  # type: ignore[arg-type]
    return score_windows(records, observed or load_observed(), chosen, calibration)


def canonical_command(scenario: str, paradigms: str, *, mode: str, replicas: int, seed: int,
                      windows: str | None, calibration: str, params: str | None,
                      out: Path) -> list[str]:
    """The complete command line that reproduces a comparison (recorded in the manifest)."""
    command = ["natosim", "compare", scenario, "--paradigms", paradigms, "--mode", mode,
               "--replicas", str(replicas), "--seed", str(seed), "--calibration", calibration]
    if windows:
        command += ["--window", windows]
    if params:
        command += ["--params", params]
    return [*command, "--out", str(out)]


# --------------------------------------------------------------------------- printed scorecard


def scorecard_tables(comparison: Comparison) -> list[Any]:
    """The printed scorecard (:func:`sim.analysis.scorecard_tables.scorecard_tables`)."""
    from sim.analysis.scorecard_tables import scorecard_tables as tables

    return tables(comparison)
