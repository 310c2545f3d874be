"""Reading user files safely: a size limit, no binary content, UTF-8 text, short messages.

Every user file natosim reads (scenarios, data files, parameter files) goes through
:func:`read_text_file`, which refuses, before parsing anything:

- a path that does not exist or is a directory;
- a file larger than a limit (checked with ``stat``, so a 50 MB file is refused at once);
- binary content (a NUL byte) or text that is not UTF-8, naming the line.

Problems are raised as one-line :class:`~sim.core.errors.InputError` subclasses. YAML is only
ever parsed by ``yaml.SafeLoader`` (``yaml.safe_load`` or :func:`safe_load_yaml`; a test
greps ``sim/`` for anything else), which builds plain dicts, lists, strings, numbers and
dates, never arbitrary Python objects.
"""

from __future__ import annotations

import reprlib
from pathlib import Path
from typing import Any

import yaml

from sim.core.errors import InputError

#: Scenario and parameter files: the shipped baseline is about 50 kB.
MAX_SCENARIO_BYTES = 5 * 1024 * 1024
#: Each data file: the largest shipped one is under 100 kB.
MAX_DATA_BYTES = 20 * 1024 * 1024

_SHORT = reprlib.Repr()
_SHORT.maxstring = 60
_SHORT.maxother = 60
_SHORT.maxlist = _SHORT.maxtuple = _SHORT.maxdict = _SHORT.maxset = 4
_SHORT.maxlevel = 2


def short_repr(value: object) -> str:
    """A ``repr`` cut to about 60 characters, for quoting user input in a one-line error."""
    return _SHORT.repr(value)


def _size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size} bytes"


def read_bytes_file(
    path: Path, *, limit: int, error: type[InputError] = InputError, what: str = "file"
) -> bytes:
    """Read a user file's bytes after checking that it exists, is a file and is small enough.

    Args:
        path: the file.
        limit: the largest accepted size in bytes.
        error: the :class:`InputError` subclass to raise.
        what: what the file is, for the message (``"scenario file"``).

    Raises:
        InputError: (as ``error``) a missing path, a directory, a file over ``limit``, or
            an unreadable file.
    """
    try:
        if path.is_dir():
            raise error(str(path), "", f"expected a {what}, got a directory")
        size = path.stat().st_size
    except FileNotFoundError:
        raise error(str(path), "", f"no such {what}") from None
    except OSError as exc:
        raise error(str(path), "", f"cannot read the {what} ({exc.strerror})") from None
    if size > limit:
        raise error(
            str(path), "", f"{what} is {_size_text(size)}; the limit is {_size_text(limit)}"
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise error(str(path), "", f"cannot read the {what} ({exc.strerror})") from None


def decode_text(
    data: bytes, path: Path, *, error: type[InputError] = InputError, what: str = "file"
) -> str:
    """Decode UTF-8 text, refusing binary content (a NUL byte) and invalid UTF-8 by line.

    Raises:
        InputError: (as ``error``) naming the line of the first offending byte.
    """
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise error(str(path), f"line {line}", f"binary content; expected a UTF-8 text {what}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise error(str(path), f"line {line}", f"not UTF-8 text; expected a text {what}") from None


def read_text_file(
    path: Path, *, limit: int, error: type[InputError] = InputError, what: str = "file"
) -> str:
    """:func:`read_bytes_file` then :func:`decode_text`: a user text file, checked."""
    return decode_text(read_bytes_file(path, limit=limit, error=error, what=what), path,
                       error=error, what=what)  # fmt: skip


class SafeDateLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` whose impossible dates (``1994-31-02``) are YAML errors with a
    line, instead of a bare ``ValueError`` from inside PyYAML's date constructor."""


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        problem = f"'{node.value}' is not a calendar date ({exc})"
        raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark) from None


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Any:
    """A mapping whose duplicate keys are an error (PyYAML silently keeps the last one)."""
    seen: dict[Any, Any] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, str | int | float | bool) and key in seen:
            problem = f"duplicate key {key!r} (first on line {seen[key] + 1})"
            raise yaml.constructor.ConstructorError(None, None, problem, key_node.start_mark)
        if isinstance(key, str | int | float | bool):
            seen[key] = key_node.start_mark.line
    return yaml.SafeLoader.construct_yaml_map(loader, node)


SafeDateLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
SafeDateLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def safe_load_yaml(text: str) -> Any:
    """Like ``yaml.safe_load``, with :class:`SafeDateLoader`.

    Raises:
        yaml.YAMLError: bad syntax, an unsafe tag, or an impossible date, each with a mark.
    """
    loader = SafeDateLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
