"""The explorer without a browser: model wrapper, sliders, charts and the Solara page."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

pytest.importorskip("solara", reason="the app extra is not installed: pip install -e '.[app]'")

import ipyvuetify as v  # noqa: E402
import solara  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from mesa.visualization.solara_viz import (  # noqa: E402
    _build_model_init_kwargs,
    _check_model_params,
)

from sim.model.paradigms import PARADIGMS  # noqa: E402
from sim.model.parameter import CHASSIS  # noqa: E402
from sim.viz import app


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


@pytest.mark.parametrize("paradigm", list(PARADIGMS))
def test_model_params_are_accepted_and_reset_builds_our_model(paradigm: str) -> None:
    """What SolaraViz's Reset does: check the params, then rebuild from the slider values."""
    model = app.ExplorerModel(paradigm=paradigm, replicas=1)
    spec = app.model_params("ratti-2009", paradigm)
    _check_model_params(model, spec)
    values = {k: (s["value"] if isinstance(s, dict) else s) for k, s in spec.items()}
    first = next(iter(PARADIGMS[paradigm].parameters))
    values[first] = PARADIGMS[paradigm].parameters[first].bounds[1]
    kwargs = _build_model_init_kwargs(model, values, add_scenario_when_empty=True,
                                      require_model_accepts_scenario=True)
    rebuilt = type(model)(**kwargs)
    assert rebuilt.scenario_name == "ratti-2009" and rebuilt.end == 2008
    assert rebuilt.paradigm.values[first] == PARADIGMS[paradigm].parameters[first].bounds[1]


@pytest.mark.parametrize("paradigm", list(PARADIGMS))
def test_sliders_span_each_params_range(paradigm: str) -> None:
    spec = app.model_params("post-cold-war", paradigm)
    for name, param in {**PARADIGMS[paradigm].parameters, **CHASSIS}.items():
        lo, hi = param.bounds
        slider = spec[name]
        assert (slider["min"], slider["max"], slider["value"]) == (lo, hi, param.default)
        steps = (hi - lo) / slider["step"], (param.default - lo) / slider["step"]
        assert all(abs(s - round(s)) < 1e-9 for s in steps), name
        assert slider["step"] <= (hi - lo) / 10
    labels = {s["label"] for s in spec.values() if isinstance(s, dict) and "min" in s
              and s["type"] == "SliderFloat"}
    assert labels == ({f"{paradigm}.{n}" for n in PARADIGMS[paradigm].parameters}
                      | {f"chassis.{n}" for n in CHASSIS})  # qualified, no other paradigm's


# --------------------------------------------------------------------------- what it shows


def test_year_caption_follows_the_run() -> None:
    model = app.ExplorerModel(scenario_name="ratti-2009", replicas=1)
    assert app.year_caption(model).startswith("Start of 1991")
    model.step()
    assert app.year_caption(model).startswith("End of 1991 (1 of 18")
    model.run()
    assert app.year_caption(model).startswith("End of 2008: run complete")


def test_fired_milestones_follow_event_log(stepped) -> None:
    fired = app.fired_milestones(stepped)
    assert [m["id"] for m in fired] == [mid for _, mid in stepped.event_log]
    assert all(m["time"] < stepped.year for m in fired)
    assert any(m["id"] == "offer-nacc" for m in fired)
    html = app.milestones_html(stepped)
    assert html.index(fired[-1]["label"].split(",")[0]) < html.index("NACC")  # newest first


def test_milestones_html_escapes_labels(stepped, monkeypatch) -> None:
    item = {"time": 1992.0, "id": "x", "date": "1992-01-01", "type": "t", "label": "<b>&"}
    monkeypatch.setattr(app, "fired_milestones", lambda model: [item])
    assert "&lt;b&gt;&amp;" in app.milestones_html(stepped)


@pytest.mark.parametrize("draw", [app.relation_figure, app.status_figure,
                                  app.arming_figure, app.alignment_figure])
def test_charts_draw_before_and_after_stepping(draw, stepped) -> None:
    assert isinstance(draw(app.ExplorerModel(replicas=1)), Figure)
    fig = draw(stepped)
    ax = fig.axes[0]
    assert ax.get_xlim()[0] < stepped.start and ax.get_xlim()[1] > stepped.end + 1


def test_relation_chart_marks_each_fired_milestone(stepped) -> None:
    ax = app.relation_figure(stepped).axes[0]
    lines = [ln for ln in ax.get_lines() if ln.get_gid() == "milestone"]
    assert len(lines) == len(stepped.event_log)
    median = ax.get_lines()[0].get_ydata()
    expected = np.median(stepped.records().series.pivot(index="year", columns="replica",
                                                        values="R"), axis=1)
    np.testing.assert_allclose(median, expected)


def test_alignment_matrix_covers_the_period_with_nan_ahead(stepped) -> None:
    matrix = app.alignment_matrix(stepped)
    assert list(matrix.index) == list(stepped.inputs.partners)
    assert matrix.columns[0] == 1991 and matrix.columns[-1] == 2024
    assert matrix.loc[:, 1999].notna().all() and matrix.loc[:, 2000].isna().all()


# --------------------------------------------------------------------------- the page


@solara.component
def _App():
    with solara.AppLayout():
        app.Page()


def _labels(rc) -> list[str]:
    return [w.label for w in rc.find(v.Slider).widgets]


def _titles(rc) -> list[str]:
    return [" ".join(map(str, w.children)) for w in rc.find(v.CardTitle).widgets]


def _qualified(paradigm: str) -> set[str]:
    return {f"{paradigm}.{n}" for n in PARADIGMS[paradigm].parameters}


def test_page_swaps_sliders_with_the_paradigm_and_steps() -> None:
    first, last = list(PARADIGMS)[0], list(PARADIGMS)[-1]
    _, rc = solara.render(_App(), handle_error=False)
    assert _qualified(first) | {"chassis.beta", "chassis.c_F"} <= set(_labels(rc))
    rc.find(v.Select, label="paradigm").widget.v_model = last
    labels = set(_labels(rc))
    assert _qualified(last) <= labels and not _qualified(first) & labels
    assert any(t.startswith("Start of 1991") for t in _titles(rc))
    rc.find(v.Btn, children=["Step"]).widget.click()
    assert any(t.startswith("End of 1991") for t in _titles(rc))


def test_page_applies_a_slider_on_reset() -> None:
    _, rc = solara.render(_App(), handle_error=False)
    first = list(PARADIGMS)[0]
    name, param = next(iter(PARADIGMS[first].parameters.items()))
    value = param.bounds[1]
    rc.find(v.Slider, label=f"{first}.{name}").widget.v_model = value
    rc.find(v.Btn, children=["Reset"]).widget.click()
    texts = [str(w.children) for w in rc.find(v.Html).widgets]
    assert any(f"{first}.{name}={value:g}" in t for t in texts)


def test_serve_runs_solara_on_this_module(monkeypatch) -> None:
    import solara.__main__

    seen = {}
    monkeypatch.setattr(solara.__main__.cli, "main", lambda **kw: seen.update(kw))
    app.serve("127.0.0.1", 9999)
    args = seen["args"]
    assert args[0] == "run" and args[1].endswith("sim/viz/app.py")
    assert args[args.index("--port") + 1] == "9999" and "--no-open" in args
    assert "--production" in args
