"""``natosim forecast`` and ``natosim score-forecast``: pre-registered forecasts.

``forecast`` filters the paradigms' particles through the observed history up to
``--origin``, simulates them to ``--to`` on the scenario's assumed input paths and writes a
forecast folder (:mod:`sim.outputs.forecast`). ``score-forecast`` scores a forecast file on
the observations that exist and lists the years still pending. See ``docs/forecasting.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from sim.cli.common import (
    ForceOption,
    FormatOption,
    ParadigmsOption,
    ParamsFileOption,
    ScenarioArg,
    SetOption,
    app,
    check_run_options,
    default_out_dir,
    format_args,
    load_scenario_arg,
    parse_formats,
    parse_paradigms,
    resolve_param_options,
    set_items,
    stderr_console,
)
from sim.core.errors import InputError

OriginOption = Annotated[int, typer.Option("--origin", help="Last year of data the forecast "
                                           "knows (at most the data's last year, 2024).")]
ToOption = Annotated[int, typer.Option("--to", help="Last year forecast (at most 2040).")]
DEFAULT_REPLICAS = 200
#: Components drawn as fan charts (every component is in the forecast file and scored).
FAN_COMPONENTS = ("relation", "russia_milex", "russia_burden", "nato_burden", "R_stock", "S")


def canonical_command(scenario: str, origin: int, to: int, paradigms: list[str],
                      replicas: int, seed: int, out: Path) -> list[str]:
    """The complete command line that makes this forecast again (recorded)."""
    return ["natosim", "forecast", scenario, "--origin", str(origin), "--to", str(to),
            "--paradigms", ",".join(paradigms), "--replicas", str(replicas),
            "--seed", str(seed), "--out", str(out)]


@app.command()
def forecast(
    scenario: ScenarioArg,
    origin: OriginOption,
    to: ToOption,
    paradigm: ParadigmsOption = "all",
    replicas: Annotated[int, typer.Option(help="Particles (replicas) per paradigm.")] =
        DEFAULT_REPLICAS,
    seed: Annotated[int, typer.Option(help="Seed shared by all paradigms.")] = 0,
    out: Annotated[Path | None, typer.Option(
        help="Output folder [default: results/<scenario-name>/forecast-<origin>-<to>].")] = None,
    force: ForceOption = False,
    params: ParamsFileOption = None,
    sets: SetOption = None,
    chart_format: FormatOption = "png",
) -> None:
    """Forecast from the observed state at --origin to --to; write the forecast folder."""
    from sim.model.paradigms import PARADIGMS

    paradigms = parse_paradigms(paradigm, list(PARADIGMS))
    formats = parse_formats(chart_format)
    check_run_options("replay", replicas, seed)
    overrides = resolve_param_options(params, sets, paradigms)
    loaded = load_scenario_arg(scenario, history=True)
    from sim.data.projection import check_forecast

    check_forecast(loaded, origin, to)
    from sim.runs.memory import check_memory

    check_memory(replicas, len(paradigms), to - loaded.period.start + 1,
                 len(loaded.agents.partners))  # refuse what cannot fit before starting
    out = out if out is not None else default_out_dir(loaded.name) / f"forecast-{origin}-{to}"
    from sim.outputs.folders import prepare_output_dir

    prepare_output_dir(out, force)  # fail before the run, not after it
    command = (canonical_command(scenario, origin, to, paradigms, replicas, seed, out)
               + set_items(overrides) + format_args(formats))
    content = _make(loaded, paradigms, origin, to, replicas, seed, overrides, out, force,
                    command, formats)
    _print_forecast(content, out)


def _make(loaded: Any, paradigms: list[str], origin: int, to: int, replicas: int, seed: int,
          overrides: dict[str, Any], out: Path, force: bool, command: list[str],
          formats: tuple[str, ...]) -> dict[str, Any]:
    import pandas as pd

    from sim.analysis.forecast import QUANTILES, observed_history, summarise, table
    from sim.data import cache
    from sim.data.observed import load_observed
    from sim.data.projection import project_inputs
    from sim.outputs.forecast import write_forecast
    from sim.runs.forecast import run_forecast

    data, observed = cache.dataset(), load_observed()  # the dataset re-used while unchanged
    projection = project_inputs(loaded, data, origin, to)
    console = stderr_console()
    with console.status(f"filtering to {origin}, forecasting to {to}"):
        result = run_forecast(projection, observed, paradigms, replicas=replicas, seed=seed,
                              params=overrides)
    summary = summarise(result, observed)
    settings = {
        "origin": origin, "horizon": to,
        "calibration": [int(projection.inputs.years[0]), origin],
        "quantile_levels": list(QUANTILES), "assumptions": projection.record(),
        "start_state": result.meta["start"], "filter_loglik": result.meta["filter_loglik"],
        "paradigms": paradigms,
    }
    meta = {**result.meta, "scenario": loaded.name}
    fans = pd.concat([table(summary["origin_state"]), table(summary["quantiles"])],
                     ignore_index=True)  # the fan starts from the filtered origin state
    history, label = observed_history(observed, origin), "observed"
    if projection.history_edits:  # draw the record the filter imposed, not the real one
        from sim.runs.forecast import imposed_record

        record = imposed_record(projection, observed)
        history["S"] = pd.Series(record.S.astype(float), index=record.years)
        label = "imposed record (edited)"
    figures = _figures(fans, history, projection, meta, label, table(summary["events"]))
    return write_forecast(out, force=force, summary=summary, figures=figures, meta=meta,
                          scenario=loaded, data_hashes=data.hashes,
                          observed_hashes=observed.hashes, command=command, formats=formats,
                          settings={**settings, "observed_data": dict(observed.hashes)})


def _figures(quantiles: Any, history: dict[str, Any], projection: Any,
             meta: dict[str, Any], label: str, events: Any) -> dict[str, Any]:
    from sim.viz.plots.forecast import plot_assumptions, plot_fan, plot_status_fan

    note = assumptions_note(projection)
    figures = {}
    for component in FAN_COMPONENTS:
        if component == "S":  # a ladder of rungs: stacked shares, not a median with bands
            figures["fan_S.png"] = plot_status_fan(events, history["S"], projection.origin,
                                                   meta, note, label)
            continue
        drawn = label if component == "S" else "observed"  # only S is an imposed component
        figures[f"fan_{component}.png"] = plot_fan(quantiles, component, history.get(component),
                                                   projection.origin, meta, note, drawn)
    inputs = projection.inputs
    series, rules = {}, {}
    for record in projection.paths:
        dyad = record["actor"] in ("RUS", "USA", "NATO")
        if not dyad and record["rule"] == "hold":
            continue  # partner series held at their origin value: not drawn one by one
        name = record["series"] + ("" if dyad else f" {record['actor']}")
        field = _field(record["series"])
        values = getattr(inputs, field)
        if values.ndim == 2:
            values = values[:, inputs.partners.index(record["actor"])]
        series[name], rules[name] = values, record["rule"]
    figures["assumptions.png"] = plot_assumptions(inputs.years, series, rules,
                                                  projection.origin, meta)
    return figures


def _field(series: str) -> str:
    from sim.data.scenario.assumptions import DYAD_SERIES, PARTNER_SERIES

    return {**DYAD_SERIES, **PARTNER_SERIES}.get(series, series)


def assumptions_note(projection: Any) -> str:
    """One line for the charts: what the forecast assumed after its origin."""
    given = [f"{r['series']}" + ("" if r["actor"] in ("RUS", "USA", "NATO") else f" {r['actor']}")
             + f" ({r['rule']})" for r in projection.paths if r["rule"] != "hold"]
    held = "every input held at its origin value" if not given else (
        "inputs held at their origin values except " + ", ".join(given[:4])
        + (f" and {len(given) - 4} more" if len(given) > 4 else ""))
    # the edits of a counterfactual record are added by the footnote (meta["history_edits"])
    return (f"after {projection.origin}: {held}; membership "
            f"{projection.assumptions.membership}; see assumptions.png")


def _print_forecast(content: dict[str, Any], out: Path) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from sim.analysis.forecast import table as as_frame

    frame = as_frame(content["quantiles"])
    last = int(content["horizon"])
    shown = frame[(frame["year"] == last)
                  & frame["component"].isin(["relation", "russia_burden", "S"])]
    grid = Table(title=f"forecast {content['origin']} → {last}: median and 80 % band in {last}")
    for column in ("paradigm", "component", "median", "80 % band"):
        grid.add_column(column, justify="left" if column in ("paradigm", "component") else "right")
    for row in shown.itertuples(index=False):
        values = row._asdict()
        grid.add_row(Text(str(values["paradigm"])), Text(str(values["component"])),
                     Text(f"{values['q50']:.2f}"),
                     Text(f"{values['q10']:.2f} – {values['q90']:.2f}"))
    console = Console()
    console.print(grid)
    console.print(f"forecast written to {out} (created {content['created']})",
                  highlight=False, markup=False)


@app.command("score-forecast")
def score_forecast(
    file: Annotated[Path, typer.Argument(help="A forecast.json (or the folder holding it).")],
    out: Annotated[Path | None, typer.Option(help="Also write the scores as JSON here.")] =
        None,
) -> None:
    """Score a forecast on the observations that exist; list the years still pending."""
    from sim.analysis.forecast_score import score_forecast as score
    from sim.data.observed import load_observed
    from sim.outputs.forecast import read_forecast, write_scores

    if out is not None and out.is_dir():
        raise InputError(str(out), "", "--out is a directory; expected the path of a .json file")
    content, members = read_forecast(file)
    observed = load_observed()
    try:
        result = score(content, members, observed)
    except (KeyError, ValueError, TypeError, IndexError) as err:  # rows of the wrong shape
        raise InputError(str(file), "", "not a well-formed natosim forecast "
                         f"({type(err).__name__}: {str(err)[:120]})") from err
    if dict(content.get("observed_data") or {}) != dict(observed.hashes):
        typer.echo("note: the observed record has changed since this forecast was made "
                   "(new years, or revised rows); it is scored on the record as it is now",
                   err=True)
    _print_scores(content, result)
    if out is not None:
        _write_scores(out, write_scores, {
            "forecast_manifest_sha256": content["manifest_sha256"],
            "origin": content["origin"], "horizon": content["horizon"],
            "observed_data": dict(sorted(observed.hashes.items())),
            "summary": _records(result.summary), "scores": _records(result.scores),
            "pending": result.pending, "scored_years": result.scored_years})
        typer.echo(f"scores written to {out}")


def _write_scores(out: Path, write: Any, content: dict[str, Any]) -> None:
    """Write the scores; a path that cannot be written is named as given (never the
    temporary file's name) and is bad input (exit 2)."""
    try:
        write(out, content)
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise InputError(str(out), "", f"cannot write the scores ({reason})") from None


def _records(frame: Any) -> list[dict[str, Any]]:
    import math

    rows = frame.to_dict(orient="records")
    return [{k: (None if isinstance(v, float) and not math.isfinite(v) else v)
             for k, v in row.items()} for row in rows]


def _print_scores(content: dict[str, Any], result: Any) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console()
    summary = result.summary
    grid = Table(title=f"forecast {content['origin']} → {content['horizon']} "
                 "scored on the observed years (lower score is better; skill against the "
                 "reference baseline, 1 perfect, 0 as good, < 0 worse)")
    for column in ("component", "forecaster", "metric", "years", "score", "skill"):
        grid.add_column(column, justify="left" if column in ("component", "forecaster",
                                                            "metric") else "right")
    for row in summary.itertuples(index=False):
        grid.add_row(Text(str(row.component)), Text(str(row.forecaster)), Text(str(row.metric)),
                     Text(str(row.years)), Text(f"{row.score:.4g}"),
                     Text("—" if row.skill != row.skill else f"{row.skill:+.3f}"))
    if len(summary):
        console.print(grid)
    groups: dict[str, list[str]] = {}
    for component, years in result.pending.items():
        if years:
            groups.setdefault(_spans(sorted(years)), []).append(component)
    for span, components in groups.items():
        console.print(f"pending (not observed yet): {span} ({', '.join(components)})",
                      highlight=False, markup=False)
    if not len(summary):
        console.print("no forecast year is observed yet: nothing to score", highlight=False,
                      markup=False)


def _spans(years: list[int]) -> str:
    spans, start = [], years[0]
    for prev, year in zip(years, [*years[1:], None], strict=True):
        if year != prev + 1 if year is not None else True:
            spans.append(f"{start}" if start == prev else f"{start}–{prev}")
            start = year
    return ", ".join(spans)
