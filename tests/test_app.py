"""The explorer without a browser: model wrapper, sliders, Reset, live charts, side by side,
downloads, user scenario files, the page."""

from __future__ import annotations

import inspect
import io
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("solara", reason="the app extra is not installed: pip install -e '.[app]'")

import ipyvuetify as v  # noqa: E402
import ipywidgets as widgets  # noqa: E402
import solara  # noqa: E402

from sim.model.paradigms import PARADIGMS  # noqa: E402
from sim.model.parameter import CHASSIS  # noqa: E402
from sim.viz import app, app_panels, live, live_side, observed_marks  # noqa: E402

SCENARIOS = ("post-cold-war", "ratti-2009")  # the two shipped base scenarios


@pytest.fixture(scope="module")
def stepped() -> app.ExplorerModel:
    """A model of the default (first registered) paradigm stepped through 1991-1999."""
    model = app.ExplorerModel(replicas=3, seed=1)
    for _ in range(9):
        model.step()
    return model


# --------------------------------------------------------------------------- model wrapper


def test_explorer_model_keeps_only_the_chosen_paradigms_parameters() -> None:
    chosen, other = list(PARADIGMS)[-1], list(PARADIGMS)[0]
    own, param = next(iter(PARADIGMS[chosen].parameters.items()))
    foreign = {n: p.bounds[1] for n, p in PARADIGMS[other].parameters.items()
               if n not in PARADIGMS[chosen].parameters}
    model = app.ExplorerModel(paradigm=chosen, replicas=2, mu=0.7, **{own: param.bounds[1]},
                              **foreign)
    assert model.paradigm.name == chosen
    assert model.paradigm.values[own] == param.bounds[1]
    assert set(model.paradigm.values) == set(PARADIGMS[chosen].parameters)
    assert model.p["mu"] == 0.7
    assert model.K == 2 and model.scenario_name == "post-cold-war"


def test_explorer_model_rejects_unknown_names() -> None:
    with pytest.raises(TypeError):
        app.ExplorerModel(kapa=1.0)


def test_signature_lists_every_parameter_and_no_scenario() -> None:
    params = inspect.signature(app.ExplorerModel.__init__).parameters
    every = set(CHASSIS) | {n for cls in PARADIGMS.values() for n in cls.parameters}
    assert every <= set(params)
    assert "scenario" not in params
    assert not any(p.kind is p.VAR_KEYWORD for p in params.values())


def _moved(paradigm: str, scenario: str) -> tuple[app.Settings, str, float]:
    """Sidebar settings with the paradigm's first slider at the top of its range."""
    name, param = next(iter(PARADIGMS[paradigm].parameters.items()))
    qualified = f"{paradigm}.{name}"
    settings = app.Settings(scenario=scenario, paradigm=paradigm, replicas=2, seed=3)
    values = {**settings.values, qualified: param.bounds[1], "chassis.mu": 0.7}
    return app.Settings(scenario=scenario, paradigm=paradigm, replicas=2, seed=3,
                        values=values), name, param.bounds[1]


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("paradigm", list(PARADIGMS))
def test_reset_builds_what_the_sidebar_shows(paradigm: str, scenario: str) -> None:
    settings, name, value = _moved(paradigm, scenario)
    model = app.build_model(settings)
    assert model.paradigm.name == paradigm and model.scenario_name == scenario
    assert model.paradigm.values[name] == value and model.p["mu"] == 0.7
    assert model.K == 2 and model.mode == "replay"
    others = set(PARADIGMS[paradigm].parameters) - {name}
    assert all(model.paradigm.values[n] == PARADIGMS[paradigm].parameters[n].default
               for n in others)


def test_session_reset_after_a_paradigm_change_runs_the_new_paradigm() -> None:
    first, last = list(PARADIGMS)[0], list(PARADIGMS)[-1]
    session = app.Session(app.Settings(paradigm=first, replicas=1))
    session.step()
    settings, name, value = _moved(last, "ratti-2009")
    session.reset(settings)
    assert session.model.paradigm.name == last and session.model.year == session.model.start
    assert session.model.paradigm.values[name] == value and session.model.end == 2008
    assert session.step() and session.model.year == session.model.start + 1
    assert set(session.frames) == set(live.CHARTS)


def test_reset_keeps_the_charts_laid_out_when_only_values_change() -> None:
    session = app.Session(app.Settings(replicas=2, seed=1))
    session.step()
    charts = session.charts
    settings, _, _ = _moved(session.settings.paradigm, "post-cold-war")
    session.reset(settings)  # same paradigm and scenario: only the data move
    assert session.charts is charts and charts.model is session.model
    assert len(charts.r_line.get_data()[0]) == 0  # back at the start, nothing drawn
    session.step()
    np.testing.assert_allclose(charts.r_line.get_data()[1], np.median(
        session.model.records().series.pivot(index="year", columns="replica", values="R"),
        axis=1))
    session.reset(replace(settings, scenario="ratti-2009"))  # other years: new charts
    assert session.charts is not charts
    side = replace(settings, side_by_side=True)
    session.reset(side)
    kept = session.charts
    session.reset(replace(side, seed=9))
    assert session.charts is kept and kept.models is session.models


@pytest.mark.parametrize("paradigm", list(PARADIGMS))
def test_sliders_span_each_params_range(paradigm: str) -> None:
    for name, param in {**PARADIGMS[paradigm].parameters, **CHASSIS}.items():
        lo, hi = param.bounds
        step = app.slider_step(param)
        steps = (hi - lo) / step, (param.default - lo) / step
        assert all(abs(s - round(s)) < 1e-9 for s in steps), name
        assert step <= (hi - lo) / 10
        assert f"default {param.default:g}" in app.slider_label(name, param)


# --------------------------------------------------------------------------- what it shows


def test_session_pool_hands_out_the_session_built_ahead_and_builds_the_next() -> None:
    pool = app.SessionPool(app.Settings(replicas=1), delay=0.0)
    pool.fill()
    ahead = pool.ready
    assert ahead is not None and ahead.settings == app.Settings(replicas=1)
    assert pool.take(app.Settings(replicas=1)) is ahead  # no build on the page's render
    other = pool.take(app.Settings(replicas=2, seed=3))  # other settings: built for them
    assert other is not ahead and other.model.K == 2 and other.settings.seed == 3
    deadline = time.monotonic() + 20
    while pool.ready is None and time.monotonic() < deadline:  # the next, built in a thread
        time.sleep(0.05)
    assert pool.ready is not None and pool.ready is not ahead
    assert pool.ready.model.year == pool.ready.model.start  # fresh: nothing stepped


def test_year_caption_follows_the_run() -> None:
    model = app.ExplorerModel(scenario_name="ratti-2009", replicas=1)
    assert app_panels.year_caption(model).startswith("Start of 1991")
    model.step()
    assert app_panels.year_caption(model).startswith("End of 1991 (1 of 18")
    model.run()
    assert app_panels.year_caption(model).startswith("End of 2008: run complete")


def test_fired_milestones_follow_event_log(stepped) -> None:
    fired = app_panels.fired_milestones(stepped)
    assert [m["id"] for m in fired] == [mid for _, mid in stepped.event_log]
    assert all(m["time"] < stepped.year for m in fired)
    html = app_panels.milestone_key_html(stepped)
    assert html.count(" ✓</li>") == len({mid for _, mid in stepped.event_log})


def test_milestone_key_escapes_labels(stepped, monkeypatch) -> None:
    first = live.input_milestones(stepped)[0]
    fake = first.model_copy(update={"label": "<b>&"})
    monkeypatch.setattr(app_panels, "input_milestones", lambda model: [fake])
    assert "&lt;b&gt;&amp;" in app_panels.milestone_key_html(stepped)


def test_glossary_gives_every_parameters_meaning_and_citation() -> None:
    for paradigm, cls in PARADIGMS.items():
        html = app_panels.glossary_html(paradigm)
        for _name, param in {**cls.parameters, **CHASSIS}.items():
            assert param.meaning.split("(")[0].strip()[:20].replace("'", "&#x27;") in html
        assert all(k not in html for k in cls.references)  # keys resolved to citations


# --------------------------------------------------------------------------- observed marks


def test_force_onsets_hand_worked() -> None:
    import pandas as pd

    # AAA: 0 2 2 3 0 -> onsets 2001 (level 2) and 2003 (3, higher); BBB: 1 1 0 0 2 -> 2004.
    table = pd.DataFrame([[0, 2, 2, 3, 0], [1, 1, 0, 0, 2]], index=["AAA", "BBB"],
                         columns=[2000, 2001, 2002, 2003, 2004])
    onsets = observed_marks.force_onsets(table)
    assert [(e.partner, e.year, e.level) for e in onsets] == [
        ("AAA", 2001, 2), ("AAA", 2003, 3), ("BBB", 2004, 2)]


def test_scored_events_come_from_the_observed_record() -> None:
    from sim.data.observed import load_observed

    coercion = load_observed().coercion
    for event in observed_marks.scored_events():
        assert coercion.loc[event.partner, event.year] == event.level >= 2
    assert len(observed_marks.scored_events()) >= 3


def test_milestone_groups_hand_worked() -> None:
    # 1994.0, 1994.1 and 1994.25 chain (gaps < 0.2) -> one label "1-3"; 1996 alone.
    assert observed_marks.milestone_groups([1994.0, 1994.1, 1994.25, 1996.0]) == [
        (1994.0, 1, 3), (1996.0, 4, 4)]


# --------------------------------------------------------------------------- live charts


def test_live_charts_follow_the_model(stepped) -> None:
    charts = live.LiveCharts(stepped)
    x, median = charts.r_line.get_data()
    expected = np.median(stepped.records().series.pivot(index="year", columns="replica",
                                                        values="R"), axis=1)
    np.testing.assert_allclose(median, expected)
    np.testing.assert_array_equal(x, np.arange(1992, 2001))  # year y drawn at y + 1
    matrix = charts.alignment_matrix()
    assert matrix.shape == (len(stepped.inputs.partners), 34)
    assert np.isfinite(matrix[:, :9]).all() and np.isnan(matrix[:, 9:]).all()
    for chart in live.CHARTS:
        assert charts.frame(chart).startswith(b"\x89PNG")
    assert charts.render("relation", "svg").lstrip().startswith(b"<?xml")
    assert charts.series_csv().decode().splitlines()[0].startswith("paradigm,replica,year")


def test_status_image_stacks_each_years_replicas_by_rung() -> None:
    """Hand-worked: four replicas, 1991 at S = 0, 2, 2, 4 and 1992 at 3, 3, 1, 3; the image
    column of a year holds its replicas sorted (rung 0 at the bottom), so the rows at rung k
    are the share of replicas at k; unsimulated years are NaN (transparent)."""
    s_values = np.array([[0, 3], [2, 3], [2, 1], [4, 3]], dtype=float)
    matrix = live.status_matrix(s_values, 3)
    np.testing.assert_array_equal(matrix[:, 0], [0, 2, 2, 4])
    np.testing.assert_array_equal(matrix[:, 1], [1, 3, 3, 3])
    assert np.isnan(matrix[:, 2]).all()
    shares = [(matrix[:, 1] == k).mean() for k in range(5)]
    assert shares == [0.0, 0.25, 0.0, 0.75, 0.0]


def test_live_status_chart_is_the_share_of_replicas_at_each_rung(stepped) -> None:
    charts = live.LiveCharts(stepped)
    image = np.ma.filled(charts.s_image.get_array().astype(float), np.nan)
    assert image.shape == (stepped.K, 34)
    s = stepped.records().series.pivot(index="replica", columns="year", values="S")
    for j, year in enumerate(s.columns):  # each column: the year's replicas, sorted
        np.testing.assert_array_equal(image[:, j], np.sort(s[year].to_numpy(dtype=float)))
    assert np.isnan(image[:, 9:]).all()
    x, y = charts.s_observed.get_data()
    observed = live.observed_record().status
    np.testing.assert_allclose(y[:-1], (observed.loc[1991:2024].to_numpy() + 0.5) / 5)
    assert x[0] == 1991 and x[-1] == 2025


def test_live_chart_ticks_are_whole_years() -> None:
    charts = live.LiveCharts(app.ExplorerModel(scenario_name="ratti-2009", replicas=1))
    for fig in charts.figures.values():
        ticks = fig.axes[0].get_xticks()
        assert len(ticks) >= 3 and np.allclose(ticks, np.round(ticks))
    ids = [a.get_gid() for a in charts.figures["relation"].axes[0].get_children()]
    assert ids.count("milestone") == len(charts.milestones)
    assert ids.count("scored-event") == len([e for e in charts.events if e.year <= 2008])


# --------------------------------------------------------------------------- side by side


@pytest.fixture(scope="module")
def side() -> app.Session:
    """A side-by-side session (every paradigm, seed 7, 3 replicas) stepped through 1991-1995."""
    session = app.Session(app.Settings(side_by_side=True, seed=7, replicas=3))
    for _ in range(5):
        assert session.step()
    return session


def test_side_by_side_runs_one_model_per_paradigm_on_the_same_seed(side) -> None:
    assert list(side.models) == list(PARADIGMS)
    assert all(m.paradigm.name == name and m.K == 3 and m.year == 1996
               for name, m in side.models.items())
    for name, model in side.models.items():  # each equals a lone run of seed 7
        alone = app.ExplorerModel(paradigm=name, replicas=3, seed=7)
        for _ in range(5):
            alone.step()
        pd.testing.assert_frame_equal(model.records().series, alone.records().series)
    other = app.build_models(replace(side.settings, seed=8))
    first = next(iter(PARADIGMS))
    other[first].step()
    fresh = app.ExplorerModel(paradigm=first, replicas=3, seed=7)
    fresh.step()
    assert not np.array_equal(other[first].records().series["R"],
                              fresh.records().series["R"])  # the seed matters


def test_side_by_side_uses_each_paradigms_own_sliders() -> None:
    values = app.default_values()
    moved = {}
    for name, cls in PARADIGMS.items():
        bare, param = next(iter(cls.parameters.items()))
        values[f"{name}.{bare}"] = moved[name] = param.bounds[1]
    models = app.build_models(app.Settings(side_by_side=True, replicas=1, values=values))
    for name, model in models.items():
        bare = next(iter(PARADIGMS[name].parameters))
        assert model.paradigm.values[bare] == moved[name]
    shown = app.Settings(side_by_side=True).shown()
    assert all(f"{name}.{n}" in shown for name, cls in PARADIGMS.items() for n in cls.parameters)


def test_side_by_side_charts_follow_every_model(side) -> None:
    charts = side.charts
    assert isinstance(charts, live_side.SideBySideCharts)
    assert set(side.frames) == set(live_side.SIDE_CHARTS)
    heights = []
    for name, model in side.models.items():
        x, median = charts.r_lines[name].get_data()
        table = model.records().series.pivot(index="year", columns="replica", values="R")
        np.testing.assert_allclose(median, np.median(table, axis=1))
        np.testing.assert_array_equal(x, np.arange(1992, 1997))
        label = charts.r_labels[name]
        assert label.get_visible() and label.get_text() == name
        assert label.get_position()[0] > x[-1]
        heights.append(label.get_position()[1])
        matrix = np.ma.filled(charts.images[name].get_array().astype(float), np.nan)
        assert np.isfinite(matrix[:, :5]).all() and np.isnan(matrix[:, 5:]).all()
        status = np.ma.filled(charts.s_images[name].get_array().astype(float), np.nan)
        s = model.records().series.pivot(index="replica", columns="year", values="S")
        np.testing.assert_array_equal(status[:, :5], np.sort(s.to_numpy(dtype=float), axis=0))
    gaps = np.diff(sorted(heights))
    assert (gaps >= live_side.LABEL_GAP - 1e-9).all()  # direct labels never overlap


def test_side_by_side_draws_o7_and_o8_from_the_observed_record(side) -> None:
    from sim.data.observed import load_observed

    observed = load_observed()
    charts = side.charts
    o7 = [ln for ax in charts.figures["relation"].axes for ln in ax.get_lines()
          if ln.get_gid() == "observed-O7"]
    x, y = o7[0].get_data()
    assert x[0] == 1992 and x[-1] == 2020  # 1991-2019, each at the end of its year
    np.testing.assert_allclose(y, observed.unga_rus_usa.loc[1991:2019].to_numpy())
    o8 = charts._o8()  # noqa: SLF001 - the panel's own grid
    row, col = charts.partners.index("POL"), 1995 - 1991
    assert o8[row, col] == pytest.approx(observed.unga_alignment.loc["POL", 1995])
    assert np.isnan(o8[:, 2019 - 1991 + 1:]).all()  # no O8 after 2019


def test_spread_labels_hand_worked() -> None:
    assert live_side.spread_labels([0.0, 0.05, 0.9], gap=0.1) == pytest.approx([0, 0.1, 0.9])
    # two near the top are pushed down from 1.0; order kept
    assert live_side.spread_labels([0.99, 0.98], gap=0.1) == pytest.approx([1.0, 0.9])
    assert live_side.spread_labels([-3.0], gap=0.1) == [-1.0]


# --------------------------------------------------------------------------- downloads


def test_series_download_is_the_models_records(side, stepped) -> None:
    for charts, models in ((side.charts, list(side.models.values())),
                           (live.LiveCharts(stepped), [stepped])):
        series = pd.read_csv(io.BytesIO(charts.series_csv()))
        expected = pd.concat([m.records().series for m in models], ignore_index=True)
        assert list(series.columns) == list(expected.columns)
        assert list(series["paradigm"].unique()) == [m.paradigm.name for m in models]
        for column in ("replica", "year", "R", "S", "russia_burden", "nato_burden"):
            np.testing.assert_allclose(series[column].to_numpy(float),
                                       expected[column].to_numpy(float), rtol=1e-12)
        partners = pd.read_csv(io.BytesIO(charts.partners_csv()))
        table = pd.concat([m.records().partners for m in models], ignore_index=True)
        np.testing.assert_allclose(partners["alignment"], table["alignment"], rtol=1e-12)
        assert (partners["partner"] == table["partner"]).all()


def test_downloads_before_the_first_step_are_headers() -> None:
    charts = live.LiveCharts(app.ExplorerModel(replicas=1))
    assert charts.series_csv().decode().strip() == ",".join(
        charts.model.records().series.columns)


def test_chart_downloads_are_png_and_svg(side) -> None:
    for chart in side.charts.names:
        assert side.charts.render(chart, "png").startswith(b"\x89PNG")
        svg = side.charts.render(chart, "svg")
        assert b"<svg" in svg[:2000]
    assert side.charts.frame("relation").startswith(b"\x89PNG")  # frames still work after


# --------------------------------------------------------------------------- scenario files

USER = "name: short\ndescription: a user copy ending in 2000\nextends: post-cold-war\n" \
       "period: {start: 1991, end: 2000}\n"


def test_open_scenario_loads_a_user_file(tmp_path: Path) -> None:
    path = tmp_path / "short.yaml"
    path.write_text(USER)
    opened = app.open_scenario(str(path))
    model = app.build_model(app.Settings(scenario=opened, replicas=1))
    assert (model.start, model.end) == (1991, 2000)


@pytest.mark.parametrize(("text", "expected"), [
    ("", "expected the path of a YAML scenario file"),
    ("{tmp}/missing.yaml", "no such file"),
    ("{tmp}/bad.yaml", "bad.yaml: line 2: YAML syntax error"),
    ("{tmp}/far.yaml", "reaches beyond the project data"),
    ("{tmp}/nokey.yaml", "nokey.yaml: description"),
])
def test_open_scenario_errors_are_one_line(tmp_path: Path, text: str, expected: str) -> None:
    from sim.core.errors import InputError

    (tmp_path / "bad.yaml").write_text("name: [\n")
    (tmp_path / "far.yaml").write_text(USER.replace("2000}", "2030}"))
    (tmp_path / "nokey.yaml").write_text("name: x\nextends: post-cold-war\n")
    with pytest.raises(InputError) as err:
        app.open_scenario(text.format(tmp=tmp_path))
    line = app.first_line(err.value)
    assert expected in line and "\n" not in line and line == str(err.value)


def test_folder_scenarios_lists_good_files_and_names_bad_ones(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "short.yaml").write_text(USER)
    (tmp_path / "bad.yaml").write_text("name: [\n")
    (tmp_path / "notes.txt").write_text("not a scenario")
    good, bad = app.folder_scenarios(tmp_path)
    assert good == [str((tmp_path / "short.yaml").resolve())]
    assert len(bad) == 1 and bad[0].startswith(str(tmp_path / "bad.yaml"))
    monkeypatch.setenv(app.SCENARIOS_ENV, str(tmp_path))
    assert app.folder_scenarios() == (good, bad)
    monkeypatch.delenv(app.SCENARIOS_ENV)
    assert app.folder_scenarios() == ([], [])


# --------------------------------------------------------------------------- the page


@solara.component
def _App():
    with solara.AppLayout():
        app.Page()


def _labels(rc) -> list[str]:
    return [w.label.split(" (default")[0] for w in rc.find(v.Slider).widgets]


def _titles(rc) -> list[str]:
    return [" ".join(map(str, w.children)) for w in rc.find(v.CardTitle).widgets]


def _qualified(paradigm: str) -> set[str]:
    return {f"{paradigm}.{n}" for n in PARADIGMS[paradigm].parameters}


def test_page_swaps_sliders_with_the_paradigm_and_steps() -> None:
    first, last = list(PARADIGMS)[0], list(PARADIGMS)[-1]
    _, rc = solara.render(_App(), handle_error=False)
    assert _qualified(first) | {"chassis.beta", "chassis.c_F"} <= set(_labels(rc))
    assert not {"Use Threads", "Play Interval (ms)"} & set(_labels(rc))
    rc.find(v.Select, label="paradigm").widget.v_model = last
    labels = set(_labels(rc))
    assert _qualified(last) <= labels and not _qualified(first) & labels
    assert any(t.startswith("Start of 1991") for t in _titles(rc))
    rc.find(v.Btn, children=["Step"]).widget.click()
    assert any(t.startswith("End of 1991") for t in _titles(rc))


def test_page_reset_after_a_paradigm_change_applies_the_sidebar() -> None:
    _, rc = solara.render(_App(), handle_error=False)
    last = list(PARADIGMS)[-1]
    rc.find(v.Select, label="paradigm").widget.v_model = last
    name, param = next(iter(PARADIGMS[last].parameters.items()))
    value = param.bounds[1]
    rc.find(v.Slider, label=app.slider_label(f"{last}.{name}", param)).widget.v_model = value
    rc.find(v.Btn, children=["Reset"]).widget.click()
    assert any(t.startswith(f"{last} · ") and f"{last}.{name}={value:g}," in t
               for t in _texts(rc))


def _texts(rc) -> list[str]:
    return [" ".join(map(str, w.children)) for w in rc.find(v.Html, tag="span").widgets]


def test_page_side_by_side_shows_every_paradigm_and_steps() -> None:
    _, rc = solara.render(_App(), handle_error=False)
    rc.find(v.Switch).widget.v_model = True
    labels = set(_labels(rc))
    assert all(_qualified(name) <= labels for name in PARADIGMS)
    assert any(t.startswith("side by side: " + ", ".join(PARADIGMS)) for t in _texts(rc))
    assert len(rc.find(widgets.Image).widgets) == len(live_side.SIDE_CHARTS)
    rc.find(v.Btn, children=["Step"]).widget.click()
    assert any(t.startswith("End of 1991") for t in _titles(rc))
    rc.find(v.Switch).widget.v_model = False
    assert len(rc.find(widgets.Image).widgets) == len(live.CHARTS)


def test_page_shows_a_bad_scenario_file_on_one_line(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("name: [\n")
    (tmp_path / "short.yaml").write_text(USER)
    _, rc = solara.render(_App(), handle_error=False)
    field = rc.find(v.TextField, label="scenario file (path to a YAML file)").widget
    field.v_model = str(tmp_path / "bad.yaml")
    rc.find(v.Btn, children=["Open file"]).widget.click()
    errors = [t for t in _texts(rc) if "YAML syntax error" in t]
    assert errors and errors[0].startswith(str(tmp_path / "bad.yaml") + ": line 2")
    assert any(t.startswith("Start of 1991: nothing simulated yet (34") for t in _titles(rc))
    field.v_model = str(tmp_path / "short.yaml")
    rc.find(v.Btn, children=["Open file"]).widget.click()
    assert not [t for t in _texts(rc) if "YAML syntax error" in t]  # the error is cleared
    assert any(t.startswith("Start of 1991: nothing simulated yet (10") for t in _titles(rc))
    assert any(" · " + str((tmp_path / "short.yaml").resolve()) + " · " in t
               for t in _texts(rc))


def test_serve_runs_solara_on_this_module(monkeypatch) -> None:
    import solara.__main__

    seen = {}
    monkeypatch.setattr(solara.__main__.cli, "main", lambda **kw: seen.update(kw))
    app.serve("127.0.0.1", 9999)
    args = seen["args"]
    assert args[0] == "run" and args[1].endswith("sim/viz/app.py")
    assert args[args.index("--port") + 1] == "9999" and "--no-open" in args
    assert "--production" in args


def test_serve_hands_the_scenario_folder_to_the_page(monkeypatch, tmp_path: Path) -> None:
    import solara.__main__

    monkeypatch.setattr(solara.__main__.cli, "main", lambda **kw: None)
    monkeypatch.delenv(app.SCENARIOS_ENV, raising=False)
    app.serve("127.0.0.1", 9999, scenarios=tmp_path)
    import os

    assert os.environ[app.SCENARIOS_ENV] == str(tmp_path.resolve())
    monkeypatch.delenv(app.SCENARIOS_ENV)
