"""Drive natosim with the fourth paradigm installed (run by tests/test_fourth_paradigm.py).

Run in a fresh interpreter whose ``PYTHONPATH`` holds tests/plugins/natosim_fourth, so the
plugin's entry point is discovered exactly as an installed package's would be. Every
command goes through the ``natosim`` app; the exit codes and outputs are written to
``OUT/driven.json`` for the test to check.

Usage: ``python drive_fourth.py OUT SHORT_SCENARIO LONG_SCENARIO``
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from typer.testing import CliRunner

from sim.cli import app


def main(out: Path, short: str, long: str) -> None:
    runner = CliRunner()
    commands = {
        "paradigms": ["paradigms"],
        "run": ["run", short, "--replicas", "2", "--seed", "3", "--set", "fourth.kappa=2.5",
                "--out", str(out / "run")],
        "compare": ["compare", long, "--replicas", "2", "--window", "1991-2008",
                    "--out", str(out / "compare")],
        "calibrate": ["calibrate", short, "--paradigm", "fourth", "--train", "2004-2007",
                      "--budget", "2", "--replicas", "2", "--out", str(out / "fourth.toml")],
        "validate": ["validate", long, "--budget", "2", "--replicas", "2",
                     "--eval-replicas", "2", "--processes", "1", "--out", str(out / "validate")],
        "sensitivity": ["sensitivity", short, "--paradigm", "fourth", "--vary", "fourth.kappa",
                        "--vary", "fourth.eta", "--outcome", "R_2008", "--n", "4",
                        "--workers", "1", "--out", str(out / "sensitivity")],
    }
    results: dict[str, object] = {}
    for name, args in commands.items():
        done = runner.invoke(app, args)
        results[name] = {"exit_code": done.exit_code, "output": done.output[-4000:]}
    results["explorer"] = explorer(short)
    (out / "driven.json").write_text(json.dumps(results, indent=1))


def explorer(short: str) -> dict[str, object]:
    """The explorer's model construction: directly, and as its controls build it."""
    try:
        from sim.viz import app as explorer_app
    except ImportError as err:  # the optional 'app' extra
        return {"skipped": str(err)}
    model = explorer_app.ExplorerModel(scenario_name=short, paradigm="fourth", replicas=1,
                                       seed=0, kappa=2.0)
    start = model.year
    model.step()
    names: list[str] = []
    if hasattr(explorer_app, "build_model"):  # the sidebar's settings, by qualified name
        settings = explorer_app.Settings(
            scenario=short, paradigm="fourth", replicas=1,
            values={**explorer_app.default_values(), "fourth.kappa": 2.0})
        names = sorted(settings.used())
        built = explorer_app.build_model(settings)
    else:  # SolaraViz sliders
        spec = explorer_app.model_params(short, "fourth")
        names = sorted(s["label"] for s in spec.values() if isinstance(s, dict) and "min" in s)
        values = {k: (s["value"] if isinstance(s, dict) else s) for k, s in spec.items()}
        built = explorer_app.ExplorerModel(**{**values, "kappa": 2.0, "replicas": 1})
    return {"names": names, "paradigm": model.paradigm.name, "values": model.paradigm.values,
            "built": {"paradigm": built.paradigm.name, "values": built.paradigm.values},
            "stepped": [start, model.year]}


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], sys.argv[3])
