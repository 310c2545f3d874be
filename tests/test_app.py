"""The explorer without a browser: model wrapper, sliders, Reset, live charts, the page."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

pytest.importorskip("solara", reason="the app extra is not installed: pip install -e '.[app]'")

import ipyvuetify as v  # noqa: E402
import solara  # noqa: E402

from sim.model.paradigms import PARADIGMS  # noqa: E402
from sim.model.parameter import CHASSIS  # noqa: E402
from sim.viz import app, app_panels, live, observed_marks

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


def test_live_chart_ticks_are_whole_years() -> None:
    charts = live.LiveCharts(app.ExplorerModel(scenario_name="ratti-2009", replicas=1))
    for fig in charts.figures.values():
        ticks = fig.axes[0].get_xticks()
        assert len(ticks) >= 3 and np.allclose(ticks, np.round(ticks))
    ids = [a.get_gid() for a in charts.figures["relation"].axes[0].get_children()]
    assert ids.count("milestone") == len(charts.milestones)
    assert ids.count("scored-event") == len([e for e in charts.events if e.year <= 2008])


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
    texts = [" ".join(map(str, w.children)) for w in rc.find(v.Html, tag="span").widgets]
    assert any(t.startswith(f"{last} · ") and f"{last}.{name}={value:g}," in t
               for t in texts)


def test_serve_runs_solara_on_this_module(monkeypatch) -> None:
    import solara.__main__

    seen = {}
    monkeypatch.setattr(solara.__main__.cli, "main", lambda **kw: seen.update(kw))
    app.serve("127.0.0.1", 9999)
    args = seen["args"]
    assert args[0] == "run" and args[1].endswith("sim/viz/app.py")
    assert args[args.index("--port") + 1] == "9999" and "--no-open" in args
    assert "--production" in args
