"""Forecasts (issue 15): assumed input paths, the forecast file, its scoring, bad input.

Hand-checkable invariants: a held input equals its origin value in every later year, a growth
path compounds as written, quantiles are monotone, the same seed gives the same bytes, a
2015 forecast scored on 2016-2024 gives finite scores with 2025+ pending, and bad input is one
line with exit 2. One small forecast (one paradigm, 8 particles) is made twice for the lot.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.core.errors import ScenarioError
from sim.data.cache import dataset as load_data  # cached while the files are unchanged
from sim.data.inputs import build_inputs
from sim.data.projection import DYAD_FIELDS, PARTNER_FIELDS, project_inputs
from sim.data.scenario import load_scenario
from sim.model.paradigms import PARADIGMS

runner = CliRunner()
FIRST = next(iter(PARADIGMS))
ORIGIN, HORIZON = 2015, 2026
FILES = ("forecast.json", "manifest.json", "members.parquet")


def _scenario(tmp_path: Path, assumptions: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text("name: fc\ndescription: forecast test\nextends: post-cold-war\n"
                    + assumptions, encoding="utf-8")
    return path


def _forecast(out: Path, epoch: str = "0", force: bool = False):
    return runner.invoke(app, ["forecast", "post-cold-war", "--origin", str(ORIGIN), "--to",
                               str(HORIZON), "--paradigms", FIRST, "--replicas", "8",
                               "--seed", "3", "--out", str(out), *(["--force"] * force)],
                         env={"SOURCE_DATE_EPOCH": epoch})


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    """The forecast folder, and the bytes of every file of an earlier identical run into the
    same folder (the command, --out included, is part of the manifest)."""
    out = tmp_path_factory.mktemp("forecast") / "f"
    assert (result := _forecast(out)).exit_code == 0, result.output
    earlier = {p.name: p.read_bytes() for p in out.iterdir()}
    result = _forecast(out, epoch="0", force=True)
    assert result.exit_code == 0, result.output
    return out, earlier


def _one_line_error(result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


# --------------------------------------------------------------------------- input paths
def test_hold_last_value_equals_the_origin_value_every_later_year() -> None:
    data = load_data()
    scenario = load_scenario("post-cold-war")
    projection = project_inputs(scenario, data, ORIGIN, 2030)
    inputs = projection.inputs
    at = ORIGIN - int(inputs.years[0])
    assert list(inputs.years) == list(range(1991, 2031))
    for name in (*DYAD_FIELDS, *PARTNER_FIELDS):
        values = getattr(inputs, name)
        assert np.array_equal(values[at + 1:], np.repeat(values[at:at + 1], 2030 - ORIGIN, 0))
    # the data up to the origin are the data (the ordinary inputs of those years)
    full = build_inputs(scenario, data)
    assert np.array_equal(inputs.gdp_russia[:at + 1], full.gdp_russia[:at + 1])
    assert np.array_equal(inputs.dem[:at + 1], full.dem[:at + 1])
    assert all(r["rule"] == "hold" for r in projection.paths)


def test_observed_milestones_after_the_origin_are_not_known_to_the_forecast() -> None:
    projection = project_inputs(load_scenario("post-cold-war"), load_data(), ORIGIN, 2030)
    assert "accession-mne" in projection.dropped  # Montenegro joined in 2017
    assert all(m.date.year <= ORIGIN for m in projection.inputs.milestones)


def test_growth_and_value_paths_compound_as_written(tmp_path: Path) -> None:
    path = _scenario(tmp_path, "assumptions:\n  paths:\n"
                     "    - series: gdp_russia\n      growth: {2016: 0.10, 2018: -0.5}\n"
                     "    - series: democracy\n      partner: UKR\n      values: {2017: 0.3}\n")
    projection = project_inputs(load_scenario(path), load_data(), ORIGIN, 2019)
    inputs = projection.inputs
    at = ORIGIN - 1991
    x = float(inputs.gdp_russia[at])
    # 2016: x * 1.1; 2017: no rate given, so growth 0; 2018: halved; 2019: held
    assert inputs.gdp_russia[at + 1:] == pytest.approx([1.1 * x, 1.1 * x, 0.55 * x, 0.55 * x])
    ukr = inputs.partners.index("UKR")
    d = float(inputs.dem[at, ukr])
    assert inputs.dem[at + 1:, ukr] == pytest.approx([d, 0.3, 0.3, 0.3])
    other = inputs.partners.index("POL")
    assert np.all(inputs.dem[at + 1:, other] == inputs.dem[at, other])
    rules = {(r["series"], r["actor"]): r for r in projection.paths}
    assert rules[("gdp_russia", "RUS")]["rule"] == "growth"
    assert rules[("gdp_russia", "RUS")]["path"]["2018"] == pytest.approx(0.55 * x)


@pytest.mark.parametrize(("assumptions", "where"), [
    ("  paths:\n    - series: gdp_russia\n      growth: {2010: 0.1}\n",
     "assumptions.paths[0].growth[2010]"),
    ("  paths:\n    - series: democracy\n      partner: SRB\n      values: {2020: 0.5}\n",
     "assumptions.paths[0].partner"),
    ("  paths:\n    - series: trade_west\n      growth: {2016: 1.5}\n",
     "assumptions.paths[0].growth"),
])
def test_assumptions_that_do_not_fit_the_origin_are_refused(tmp_path: Path, assumptions: str,
                                                            where: str) -> None:
    path = _scenario(tmp_path, "assumptions:\n" + assumptions)
    with pytest.raises(ScenarioError, match=r"assumptions\.paths\[0\]") as err:
        project_inputs(load_scenario(path), load_data(), ORIGIN, 2020)
    assert err.value.where == where


@pytest.mark.parametrize(("assumptions", "fragments"), [
    ("  membership: maybe\n", ("assumptions.membership", "hold", "free")),
    ("  paths:\n    - series: gdp_russia\n      grwth: {2025: 0.1}\n",
     ("assumptions.paths[0].grwth", "did you mean 'growth'")),
    ("  paths:\n    - series: gdp\n      values: {2025: -3}\n",
     ("assumptions.paths[0].values[2025]", "positive")),
    ("  paths:\n    - series: gdp_russia\n      values: {2025: 1}\n      growth: {2026: 0}\n",
     ("exactly one of",)),
    ("  paths:\n    - series: gdp_russia\n      growth: {2016: 0.1}\n",
     ("growth[2016]", "not after the origin 2024")),
])
def test_bad_assumptions_are_one_line_and_exit_2(tmp_path: Path, assumptions: str,
                                                 fragments: tuple[str, ...]) -> None:
    path = _scenario(tmp_path, "assumptions:\n" + assumptions)
    result = runner.invoke(app, ["forecast", str(path), "--origin", "2024", "--to", "2030",
                                 "--out", str(tmp_path / "out")])
    _one_line_error(result, str(path), *fragments)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("origin", "to", "option"), [
    ("2024", "2041", "--to"), ("2015", "2015", "--to"), ("2025", "2030", "--origin"),
])
def test_horizon_past_2040_or_origin_past_the_data_exit_2(tmp_path: Path, origin: str, to: str,
                                                          option: str) -> None:
    result = runner.invoke(app, ["forecast", "post-cold-war", "--origin", origin, "--to", to,
                                 "--out", str(tmp_path / "out")])
    _one_line_error(result, option)


def test_ordinary_runs_still_refuse_a_period_beyond_the_data(tmp_path: Path) -> None:
    path = tmp_path / "long.yaml"
    path.write_text("name: long\ndescription: to 2030\nextends: post-cold-war\n"
                    "period: {start: 1991, end: 2030}\n", encoding="utf-8")
    result = runner.invoke(app, ["scenarios", "validate", str(path)])
    _one_line_error(result, "period", "beyond the project data")


# --------------------------------------------------------------------------- the forecast file
def test_same_seed_gives_identical_bytes_and_the_date_lives_in_the_forecast_only(made) -> None:
    out, earlier = made
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(earlier)
    assert set(FILES) <= set(names) and "assumptions.png" in names
    assert any(n.startswith("fan_") for n in names)
    for name in names:
        assert (out / name).read_bytes() == earlier[name], name
    manifest = json.loads((out / "manifest.json").read_text())
    forecast = json.loads((out / "forecast.json").read_text())
    assert forecast["created"] == "1970-01-01T00:00:00+00:00"  # SOURCE_DATE_EPOCH=0
    assert "forecast.json" in manifest["created"] and "forecast.json" not in manifest["files"]
    assert set(manifest["files"]) == set(names) - {"forecast.json", "manifest.json"}
    import hashlib
    assert forecast["manifest_sha256"] == hashlib.sha256(
        (out / "manifest.json").read_bytes()).hexdigest()


def test_the_creation_date_is_now_unless_source_date_epoch(monkeypatch) -> None:
    from datetime import UTC, datetime

    from sim.outputs.forecast import created_now

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")
    assert created_now() == "1970-01-02T00:00:00+00:00"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    now = datetime.fromisoformat(created_now())
    assert abs((datetime.now(UTC) - now).total_seconds()) < 60


def test_quantiles_are_monotone_and_probabilities_are_probabilities(made) -> None:
    forecast = json.loads((made[0] / "forecast.json").read_text())
    columns = forecast["quantiles"]["columns"]
    levels = [c for c in columns if c.startswith("q")]
    assert [float(c[1:]) / 100 for c in levels] == forecast["quantile_levels"]
    assert {0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95} <= set(forecast["quantile_levels"])
    rows = forecast["quantiles"]["rows"]
    assert rows and {r[3] for r in rows} == set(range(ORIGIN + 1, HORIZON + 1))
    for row in rows:
        qs = [row[columns.index(c)] for c in levels]
        assert all(a <= b for a, b in zip(qs, qs[1:], strict=False)), row
    events = forecast["events"]
    p = [r[events["columns"].index("p")] for r in events["rows"]]
    assert all(0.0 <= v <= 1.0 for v in p)
    status = {}
    for r in events["rows"]:
        if r[1] == "O3":
            status[r[4]] = status.get(r[4], 0.0) + r[5]
    assert status and all(v == pytest.approx(1.0) for v in status.values())


def test_manifest_records_every_input_path(made) -> None:
    manifest = json.loads((made[0] / "manifest.json").read_text())
    record = manifest["assumptions"]
    assert record["origin"] == ORIGIN and record["horizon"] == HORIZON
    assert record["membership"] == "hold"
    n_partners = len(load_scenario("post-cold-war").agents.partners)
    assert len(record["paths"]) == len(DYAD_FIELDS) + len(PARTNER_FIELDS) * n_partners
    for path in record["paths"]:
        assert sorted(path["path"]) == [str(y) for y in range(ORIGIN + 1, HORIZON + 1)]
    assert manifest["kind"] == "forecast" and manifest["mode"] == "forecast"


# --------------------------------------------------------------------------- scoring
def test_a_2015_forecast_scores_on_2016_2024_with_2025_on_pending(made, tmp_path: Path) -> None:
    out = tmp_path / "scores.json"
    result = runner.invoke(app, ["score-forecast", str(made[0] / "forecast.json"),
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "pending (not observed yet): 2025–2026" in " ".join(result.output.split())
    scores = json.loads(out.read_text())
    assert scores["scored_years"]["S"] == list(range(2016, 2025))
    assert scores["pending"]["S"] == [2025, 2026]
    assert scores["pending"]["russia_burden"] == [2025, 2026]
    forecasters = {row["forecaster"] for row in scores["summary"]}
    assert forecasters == {FIRST, "persistence", "trend", "base_rate"}
    for row in scores["summary"]:
        assert math.isfinite(row["score"]) and row["score"] >= 0, row
        assert row["years"] == len(scores["scored_years"][row["component"]])


def test_persistence_of_the_status_is_scored_by_hand(made) -> None:
    """O3 persistence from 2015 forecasts S(2015) every year: its RPS per year is
    sum_k (F_k - O_k)^2 / 4 with F, O the cumulative one-hot vectors (hand-worked)."""
    from sim.analysis.forecast_score import score_forecast
    from sim.data.observed import load_observed
    from sim.outputs.forecast import read_forecast

    observed = load_observed()
    content, members = read_forecast(made[0])
    scores = score_forecast(content, members, observed).scores
    rows = scores[(scores["component"] == "S") & (scores["forecaster"] == "persistence")]
    held = int(observed.status.loc[ORIGIN])
    for year, value in zip(rows["year"], rows["value"], strict=True):
        s = int(observed.status.loc[year])
        assert value == pytest.approx(abs(s - held) / 4)  # one-hot cumulatives differ in |s-h|


def test_a_changed_members_table_is_refused(made, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(made[0], copy)
    (copy / "members.parquet").write_bytes(b"not the table")
    result = runner.invoke(app, ["score-forecast", str(copy / "forecast.json")])
    _one_line_error(result, "members_sha256")


@pytest.mark.parametrize(("edit", "fragments"), [
    ({"horizon": ORIGIN - 5}, ("horizon", f"expected a year after the origin {ORIGIN}")),
    ({"horizon": ORIGIN}, ("horizon", f"expected a year after the origin {ORIGIN}")),
    ({"members_file": "../members.parquet"}, ("members_file", "expected a file name")),
    ({"members_file": "/etc/hostname"}, ("members_file", "expected a file name")),
    ({"members_file": 7}, ("members_file", "expected a file name")),
    ({"quantile_levels": [2, 3]}, ("quantile_levels", "between 0 and 1")),
    ({"quantile_levels": [0.9, 0.1]}, ("quantile_levels", "increasing")),
    ({"quantiles": {"columns": ["a", "b", "c"], "rows": [[1, 2]]}},
     ("quantiles.rows[0]", "expected a list of 3 values")),
])
def test_an_edited_forecast_file_is_one_line(made, tmp_path: Path, edit, fragments) -> None:
    """A horizon not after the origin, or a members table outside the folder, is refused
    (the hostile corpus found the first one scored as if nothing were wrong)."""
    import json
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(made[0], copy)
    content = json.loads((copy / "forecast.json").read_text())
    content.update(edit)
    (copy / "forecast.json").write_text(json.dumps(content))
    result = runner.invoke(app, ["score-forecast", str(copy)])
    _one_line_error(result, *fragments)


@pytest.mark.parametrize("where", ["/proc/scores.json", "DIR"])
def test_score_forecast_out_that_cannot_be_written_is_one_line(made, tmp_path: Path,
                                                              where: str) -> None:
    """--out under /proc or at a folder: exit 2 naming the path given, never a temporary
    file (the hostile corpus found exit 1 with '/proc/.x.json.<random>.tmp')."""
    out = str(tmp_path) if where == "DIR" else where
    result = runner.invoke(app, ["score-forecast", str(made[0]), "--out", out])
    _one_line_error(result, out)
    assert ".tmp" not in result.stderr


def test_a_forecast_is_reproduced_file_by_file(made) -> None:
    """forecast is on the reproduce allow-list; forecast.json (date, manifest hash) is kept
    outside the manifest, so it is compared without its date, command and manifest hash;
    everything else is compared byte for byte."""
    result = runner.invoke(app, ["reproduce", str(made[0] / "manifest.json")],
                           env={"SOURCE_DATE_EPOCH": "0"})
    assert result.exit_code == 0, result.output
    assert "reproduced: all" in result.output
    assert "forecast.json (content)" in result.output


@pytest.mark.parametrize("edit", [{"origin": ORIGIN + 1}, {"quantile_levels": [0.5]},
                                  {"created": "1999-01-01T00:00:00+00:00"}])
def test_an_edited_forecast_json_is_not_reproduced(made, tmp_path: Path, edit) -> None:
    """The pre-registered numbers live in forecast.json: an edit there is 'not reproduced'
    (exit 1; the hostile corpus found exit 0), but its creation date may differ."""
    import json
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(made[0], copy)
    content = json.loads((copy / "forecast.json").read_text())
    content.update(edit)
    (copy / "forecast.json").write_text(json.dumps(content))
    result = runner.invoke(app, ["reproduce", str(copy)], env={"SOURCE_DATE_EPOCH": "0"})
    if "created" in edit:
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code == 1, result.output
        assert "NOT reproduced" in result.output


# --------------------------------------------------------------------------- the model run
def test_held_membership_keeps_the_origin_statuses_and_an_assumed_invitation_fires(
        tmp_path: Path) -> None:
    """membership: hold keeps every partner's status at its observed origin value in every
    particle and year, except an assumed milestone after the data (Ukraine invited 2027)."""
    from sim.data.observed import load_observed
    from sim.runs.forecast import forecast_ensemble

    path = tmp_path / "ukr.yaml"
    path.write_text(
        "name: ukr-2027\ndescription: Ukraine invited in 2027\nextends: post-cold-war\n"
        "period: {start: 1991, end: 2030}\n"
        "add:\n  - id: invitation-ukr-2027\n    date: 2027-07-01\n    type: invitation\n"
        "    role: input\n    actors: [NATO, UKR]\n    label: UKR invited\n"
        "    source: an assumption of this test, not an event\n",
        encoding="utf-8")
    observed = load_observed()
    projection = project_inputs(load_scenario(path), load_data(), 2024, 2029)
    assert projection.future == ("invitation-ukr-2027",)
    ens = forecast_ensemble(projection, observed, FIRST, replicas=4, seed=0)
    status = ens.column("status")  # (T, K, P)
    years = list(ens.years)
    at = years.index(2024)
    origin = observed.partner_status.loc[list(ens.partners), 2024].to_numpy()
    ukr = ens.partners.index("UKR")
    for t in range(at + 1, len(years)):
        expected = origin.copy()
        if years[t] >= 2027:
            expected[ukr] = max(expected[ukr], 2)
        assert (status[t] == expected[None, :]).all(), years[t]
    assert (ens.column("S")[at] == int(observed.status.loc[2024])).all()  # imposed at the origin


def test_the_status_forecast_is_one_rung_a_year_to_the_origin_then_shares() -> None:
    """fan_S: every filtered particle carries the imposed S up to the origin (one-hot), then
    the forecast's probabilities of each rung (hand-made events table)."""
    from sim.viz.plots.forecast import forecast_status_shares, plot_status_fan

    rows = []
    for year, probs in ((2016, (0.5, 0, 0, 0, 0.5)), (2017, (0.25, 0.25, 0, 0, 0.5))):
        rows += [("p1", "O3", f"S={k}", "NATO-RUS", year, p) for k, p in enumerate(probs)]
    events = pd.DataFrame(rows, columns=["paradigm", "observable", "event", "actor", "year",
                                         "p"])
    history = pd.Series([4.0, 1.0], index=[2014, 2015])
    shares = forecast_status_shares(events, "p1", history, 2015)
    assert list(shares.columns) == [2014, 2015, 2016, 2017]
    assert shares[2014].tolist() == [0, 0, 0, 0, 1] and shares[2015].tolist() == [0, 1, 0, 0, 0]
    assert shares[2017].tolist() == [0.25, 0.25, 0, 0, 0.5]
    assert np.allclose(shares.sum(axis=0), 1.0)
    fig = plot_status_fan(events, history, 2015, {"scenario": "t"})
    assert [ax.get_title() for ax in fig.axes if ax.get_title()] == ["p1"]
