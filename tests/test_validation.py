"""Validation protocol: bootstrap, verdict wording from numbers, a tiny end-to-end run whose
results do not depend on the number of processes, and the files it writes."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from sim.analysis import validation as val
from sim.model.paradigms import PARADIGMS
from sim.outputs.validation import charts as validation_charts
from sim.outputs.validation import write_validation
from sim.viz import plots

TINY = dict(budget=3, replicas=2, eval_replicas=4, n_boot=50, seed=2)


@pytest.fixture(scope="module")
def tiny() -> val.Validation:
    return val.validate("post-cold-war", settings=val.Settings(**TINY, processes=1))


# --------------------------------------------------------------------------- bootstrap


def test_block_bootstrap_draws_whole_blocks() -> None:
    idx = val.block_bootstrap(17, 200, np.random.default_rng(1))
    assert idx.shape == (200, 17)
    assert idx.min() >= 0 and idx.max() <= 16
    full = idx[:, :15].reshape(200, 5, 3)  # the five complete blocks
    assert np.all(np.diff(full, axis=2) == 1)
    again = val.block_bootstrap(17, 200, np.random.default_rng(1))
    np.testing.assert_array_equal(idx, again)


def test_block_bootstrap_of_short_windows() -> None:
    assert val.block_bootstrap(1, 5, np.random.default_rng(0)).tolist() == [[0]] * 5
    assert val.block_bootstrap(2, 5, np.random.default_rng(0)).tolist() == [[0, 1]] * 5


# The verdict's wording: tests/test_verdict.py (made-up tables, both directions).


# --------------------------------------------------------------------------- end to end


def test_tiny_validation_has_every_part(tiny) -> None:
    assert set(tiny.skills["split"]) == {"primary", "vantage"}
    assert set(tiny.skills["sample"]) == {"in sample", "out of sample"}
    paradigms = tiny.skills[tiny.skills["kind"] == "paradigm"]
    assert set(paradigms["forecaster"]) == set(PARADIGMS)
    assert (tiny.skills["lo"] <= tiny.skills["hi"]).all()
    assert set(tiny.horizons["origin"]) == set(val.ORIGINS)
    assert set(tiny.horizons["horizon"]) == set(val.HORIZONS)
    # six training windows for every paradigm, plus the mixture on each of the two splits
    assert len(tiny.calibrations) == len(PARADIGMS) * 6 + 2
    assert tiny.mixture.groupby("split")["component"].apply(list).map(
        lambda c: c == list(PARADIGMS)).all()  # the mixture spans the whole registry
    weights = tiny.mixture.groupby("split")["weight"].sum()
    np.testing.assert_allclose(weights, 1.0)
    assert (tiny.mixture["lo"] <= tiny.mixture["weight"] + 1e-12).all()
    assert set(tiny.frozen["forecaster"]) >= set(PARADIGMS)
    topics = set(tiny.verdict["topic"])
    assert {"overall", "primary, out of sample", "vantage, in sample", "rolling origins",
            "encompassing, primary", "frozen inputs, primary"} <= topics


def test_results_do_not_depend_on_the_number_of_processes(tiny) -> None:
    parallel = val.validate("post-cold-war", settings=val.Settings(**TINY, processes=2))
    pd.testing.assert_frame_equal(parallel.skills, tiny.skills)
    pd.testing.assert_frame_equal(parallel.mixture, tiny.mixture)
    pd.testing.assert_frame_equal(parallel.verdict, tiny.verdict)


def test_fits_use_only_the_training_window(tiny) -> None:
    for (_, end), result in tiny.calibrations.items():
        assert result.provenance["train"][1] == end
        assert result.trials.num.shape[-1] == end - 1991 + 1


def test_write_validation(tiny, tmp_path) -> None:
    out = tmp_path / "validate"
    manifest = write_validation(tiny, out, force=False, scenario_name="post-cold-war",
                                    scenario_sha256="x", data_hashes={"a.csv": "y"},
                                    command=["natosim", "validate", "post-cold-war"])
    for name in ("skills.csv", "differences.csv", "horizons.csv", "mixture.csv", "frozen.csv",
                 "frozen_differences.csv", "verdict.csv", "parameters.csv", "validation.json",
                 "fit_primary.png", "fit_vantage.png", "skill_by_horizon.png",
                 "params/realist_train-1991-2007.toml", "manifest.json"):
        assert (out / name).is_file(), name
    assert "skills.csv" in manifest["files"]
    summary = json.loads((out / "validation.json").read_text())
    assert summary["verdict"][0]["topic"] == "overall"
    from sim.model.params import load_params_file

    assert set(load_params_file(out / "params/liberal_train-1991-2008.toml")) == {
        "chassis", "liberal"}


def test_charts(tiny) -> None:
    figures = validation_charts(tiny)
    assert set(figures) == {"verdict.png", "fit_primary.png", "fit_vantage.png",
                            "skill_by_horizon.png"}
    assert all(isinstance(f, Figure) for f in figures.values())
    split_lines = [line for ax in figures["fit_primary.png"].axes for line in ax.lines
                   if line.get_gid() == "train-test-split"]
    assert split_lines and all(line.get_xdata()[0] == 2008.0 for line in split_lines)


def test_skill_by_horizon_needs_rows() -> None:
    with pytest.raises(ValueError):
        plots.plot_skill_by_horizon(pd.DataFrame(columns=["origin", "horizon", "forecaster",
                                                          "kind", "skill"]))


def test_short_test_windows_get_no_interval() -> None:
    """ratti-2009 ends in 2008: a one-year test window has no bootstrap interval, and no
    difference is called distinguishable."""
    short = val.validate("ratti-2009", settings=val.Settings(**TINY, processes=1))
    out = short.skills[short.skills["sample"] == "out of sample"]
    assert set(out["window"]) == {"2008-2008"}
    assert out["lo"].isna().all() and out["hi"].isna().all()
    assert not short.differences.loc[short.differences["sample"] == "out of sample",
                                     "distinguishable"].any()
    assert "no interval" in short.verdict.set_index("topic").loc["primary, out of sample",
                                                                  "finding"]
