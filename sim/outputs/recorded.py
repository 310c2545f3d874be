"""The command line recorded in a manifest, checked before ``natosim reproduce`` runs it.

A manifest is a file users send each other, so its ``command`` is untrusted input. Only an
allow-list of subcommands and options is accepted (:data:`ALLOWED`), every value is a short
string, and nothing that reaches the network is replayed: a recorded ``--scheduler`` or
``--cluster`` only chose where the work ran (results are identical with 1 or N processes)
and is dropped; the user may pass ``reproduce --scheduler`` explicitly. The values
themselves are then checked by the subcommand, with the CLI's own limits, when it runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sim.core.errors import InputError
from sim.core.safeload import short_repr

#: Subcommands that write a ``manifest.json`` and can be re-run: option -> takes a value.
ALLOWED: dict[str, dict[str, bool]] = {
    "run": {
        "--paradigms": True, "--paradigm": True, "--mode": True, "--replicas": True,
        "--seed": True, "--out": True, "--force": False, "--processes": True, "--params": True,
        "--set": True, "--format": True,
    },
    "compare": {
        "--paradigms": True, "--paradigm": True, "--replicas": True, "--seed": True,
        "--window": True, "--processes": True,
        "--calibration": True, "--mode": True, "--params": True, "--out": True,
        "--force": False, "--set": True, "--counterfactual": True, "--column": True,
        "--partner": True, "--format": True,
    },
    "validate": {
        "--paradigms": True, "--paradigm": True, "--budget": True, "--replicas": True,
        "--eval-replicas": True, "--seed": True, "--mode": True, "--processes": True,
        "--out": True, "--force": False, "--format": True, "--seeds": True,
        "--headline": False,
    },
    "forecast": {
        "--origin": True, "--to": True, "--paradigms": True, "--paradigm": True,
        "--replicas": True, "--seed": True, "--out": True, "--force": False,
        "--params": True, "--set": True, "--format": True,
    },
    "sensitivity": {
        "--vary": True, "--outcome": True, "--paradigm": True, "--paradigms": True,
        "--method": True, "--n": True, "--processes": True,
        "--replicas": True, "--seed": True, "--mode": True, "--fill-nan": True,
        "--params": True, "--set": True, "--out": True, "--workers": True, "--force": False,
        "--format": True,
    },
    "likelihood": {
        "--paradigms": True, "--paradigm": True, "--seed": True, "--seeds": True,
        "--budget": True, "--particles": True, "--processes": True, "--out": True,
        "--force": False, "--format": True,
    },
}  # fmt: skip
#: Options naming where the work runs (a network address); recorded, never replayed.
NETWORK: frozenset[str] = frozenset({"--scheduler", "--cluster"})
#: Options replaced by reproduce itself.
REPLACED: frozenset[str] = frozenset({"--out", "--force"})
#: Options (and the positional scenario) whose values are file paths.
PATH_OPTIONS: frozenset[str] = frozenset({"--params", "--counterfactual"})
MAX_PARTS = 400
MAX_PART_CHARS = 4096


@dataclass
class Recorded:
    """A checked recorded command.

    Attributes:
        subcommand: ``run``, ``compare``, ``validate``, ``sensitivity`` or ``likelihood``.
        scenario: the positional scenario argument (a path or a shipped name).
        options: ``(option, value or None)`` in the recorded order, ``--out``, ``--force``
            and network options removed.
        out: the recorded ``--out`` (``None`` if it used the default).
        dropped: network options that were recorded and not replayed, for a note.
    """

    subcommand: str
    scenario: str
    options: list[tuple[str, str | None]] = field(default_factory=list)
    out: str | None = None
    dropped: list[str] = field(default_factory=list)

    def args(self, out: Path, base: Path | Sequence[Path | None] | None = None) -> list[str]:
        """The command line to re-run (without ``natosim``), writing into ``out``.

        Relative paths (the scenario, ``--params``, ``--counterfactual``) are resolved
        with :func:`resolve_path` against ``base``: the folder the recorded command ran in,
        or several candidate folders, tried in order (see :func:`candidate_folders`).
        """
        args = [self.subcommand, resolve_path(self.scenario, base)]
        for option, value in self.options:
            if value is None:
                args.append(option)
            else:
                args += [option, resolve_path(value, base) if option in PATH_OPTIONS else value]
        return [*args, "--out", str(out)]


def parse_command(command: object, source: str) -> Recorded:
    """Check a manifest's ``command`` against the allow-list.

    Raises:
        InputError: not a list of short strings starting ``natosim <subcommand>``, a
            subcommand that cannot be reproduced, an option outside the allow-list
            (``--help`` included), a missing value, or not exactly one scenario.
    """
    if (
        not isinstance(command, list)
        or not 2 <= len(command) <= MAX_PARTS
        or not all(isinstance(part, str) for part in command)
        or command[0] != "natosim"
    ):
        raise InputError(source, "command", "expected a list like ['natosim', 'run', ...]")
    for i, part in enumerate(command):
        if len(part) > MAX_PART_CHARS:
            raise InputError(source, f"command[{i}]", f"longer than {MAX_PART_CHARS} characters")
    rest = list(command[1:])
    while rest and rest[0] == "--debug":  # `natosim --debug sensitivity ...`: not a setting
        rest.pop(0)
    sub = rest[0] if rest else ""
    if sub not in ALLOWED:
        choices = ", ".join(ALLOWED)
        raise InputError(
            source, "command", f"cannot reproduce 'natosim {short_repr(sub)}'; only {choices}"
        )
    allowed = ALLOWED[sub]
    recorded = Recorded(sub, "")
    positional: list[str] = []
    parts = iter(rest[1:])
    for part in parts:
        if not part.startswith("-") or part == "-":
            positional.append(part)
            continue
        option, has_value, value = part.partition("=")
        if option == "--debug" and not has_value:
            continue
        if option in NETWORK:
            if not has_value and next(parts, None) is None:
                raise InputError(source, "command", f"{option} needs a value")
            recorded.dropped.append(option)
            continue
        if option not in allowed:
            raise InputError(
                source, "command",
                f"option {short_repr(option)} of 'natosim {sub}' is not accepted in a manifest",
            )  # fmt: skip
        if allowed[option] and not has_value:
            value = next(parts, None)
            if value is None:
                raise InputError(source, "command", f"{option} needs a value")
        elif not allowed[option] and has_value:
            raise InputError(source, "command", f"{option} takes no value")
        if option == "--out":
            recorded.out = value
        elif option not in REPLACED:
            recorded.options.append((option, value if allowed[option] else None))
    if len(positional) != 1:
        raise InputError(
            source, "command", f"expected one scenario argument, got {len(positional)}"
        )
    recorded.scenario = positional[0]
    return recorded


def base_folder(manifest_dir: Path, recorded_out: str | None) -> Path | None:
    """The working folder the recorded command ran in, if the manifest's place tells it.

    A run recorded with ``--out results/x/run`` whose manifest now sits in
    ``/somewhere/results/x/run`` ran in ``/somewhere``. ``None`` if the recorded ``--out``
    is absolute or does not match the manifest's folder.
    """
    if not recorded_out:
        return None
    out = Path(recorded_out)
    if out.is_absolute():
        return out.parent if out == manifest_dir else None
    parts = [p for p in out.parts if p not in ("", ".")]
    if ".." in parts or not parts:
        return None
    folder = manifest_dir.absolute()
    if list(folder.parts[-len(parts) :]) != parts:
        return None
    return Path(*folder.parts[: -len(parts)])


def candidate_folders(manifest_dir: Path, recorded_out: str | None,
                      working_directory: object = None) -> list[Path]:
    """Where a recorded relative path may be relative to, most telling first.

    The folder the recorded ``--out`` implies (:func:`base_folder`), the working folder the
    manifest recorded (``working_directory``, if it still exists), then the manifest's own
    folder and the three above it: a result written to the default
    ``results/<scenario>/<command>`` of a project folder finds the project's scenario files
    from wherever it is reproduced, even after the whole folder was moved or copied. The
    recorded scenario's sha256 is checked after, so a same-named other file is refused.
    """
    folders = [base_folder(manifest_dir, recorded_out)]
    if isinstance(working_directory, str) and working_directory:
        folders.append(Path(working_directory))
    here = manifest_dir.absolute()
    folders += [here, *list(here.parents)[:3]]
    return list(dict.fromkeys(f for f in folders if f is not None and f.is_dir()))


def resolve_path(value: str, base: Path | Sequence[Path | None] | None) -> str:
    """A relative file path from the recorded command, as an absolute path.

    Tried in order: relative to ``base`` (where the command ran; or each of several
    folders in turn), then to the current folder. A shipped scenario name (no ``/``, no
    ``.yaml``) is left alone, as is a path found nowhere (the subcommand then reports it).
    """
    path = Path(value)
    if path.is_absolute() or not (value.endswith((".yaml", ".yml", ".toml")) or "/" in value):
        return value
    bases = list(base) if isinstance(base, (list, tuple)) else [base]
    for folder in (*bases, Path.cwd()):
        if folder is not None and (folder / path).exists():
            return str((folder / path).absolute())
    return value
