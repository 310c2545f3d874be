"""One CLI vocabulary: the same option names, default policy and period parser in every
command, and one error handler at the app level."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from sim.cli import app
from sim.cli.common import DEFAULT_PROCESSES
from sim.core.errors import ParameterError
from sim.core.periods import parse_period

runner = CliRunner()
MANY = ("run", "compare", "validate", "likelihood")  # commands that run several paradigms
ONE = ("calibrate", "sweep", "sensitivity")  # commands that run one
PARALLEL = ("run", "compare", "validate", "likelihood", "sweep", "sensitivity")


def _commands() -> dict[str, object]:
    return typer.main.get_command(app).commands  # type: ignore[attr-defined]


def _options(command: str) -> dict[str, object]:
    """Option name -> the parameter that takes it (one command object)."""
    return {name: param for param in _commands()[command].params
            for name in getattr(param, "opts", ())}


@pytest.mark.parametrize("command", MANY + ONE)
def test_paradigms_and_paradigm_are_one_option_everywhere(command: str) -> None:
    options = _options(command)
    assert options["--paradigms"] is options["--paradigm"]


@pytest.mark.parametrize("command", PARALLEL)
def test_processes_has_one_name_alias_and_default(command: str) -> None:
    options = _options(command)
    assert options["--processes"] is options["--workers"]
    assert options["--processes"].default == DEFAULT_PROCESSES == 1


def test_no_command_takes_its_own_debug_or_context_parameter() -> None:
    group = typer.main.get_command(app)
    stack = list(group.commands.values())  # type: ignore[attr-defined]
    while stack:
        command = stack.pop()
        stack.extend(getattr(command, "commands", {}).values())
        names = {p.name for p in command.params}
        assert not names & {"debug", "ctx"}, command.name


@pytest.mark.parametrize("value", ["1991-2008", "1991–2008", "1991:2008", " 1991 : 2008 "])
def test_one_period_parser_accepts_every_form(value: str) -> None:
    assert parse_period(value, "--window") == (1991, 2008)
    assert parse_period("2008-2008", "--train") == (2008, 2008)


@pytest.mark.parametrize(("value", "message"), [
    ("1991", "expected YEAR-YEAR"), ("2007-1991", "first year 2007 is after last year 1991"),
    ("91-08", "expected YEAR-YEAR"),
])
def test_compare_and_calibrate_refuse_a_period_the_same_way(value: str, message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        parse_period(value, "--x")
    for args, option in ((["compare", "ratti-2009", "--window", value], "--window"),
                         (["compare", "ratti-2009", "--calibration", value], "--calibration"),
                         (["calibrate", "ratti-2009", "--train", value], "--train")):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output[-500:])
        line = result.stderr.strip()
        assert line.startswith("error: ") and option in line and message in line, line
        assert "\n" not in line


def test_debug_before_or_after_the_command_shows_the_traceback() -> None:
    for args in (["--debug", "calibrate", "ratti-2009", "--train", "1991"],
                 ["calibrate", "ratti-2009", "--train", "1991", "--debug"]):
        result = runner.invoke(app, args)
        assert isinstance(result.exception, ParameterError), args
