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

import math
import os
import reprlib
import stat
from pathlib import Path
from typing import Any

import yaml

from sim.core.errors import InputError

#: Scenario and parameter files: the shipped baseline is about 50 kB.
MAX_SCENARIO_BYTES = 5 * 1024 * 1024
#: Each data file: the largest shipped one is under 100 kB.
MAX_DATA_BYTES = 20 * 1024 * 1024

#: User values (names, paths) are quoted in messages cut to this many characters.
MAX_QUOTED = 200
#: Deepest nesting of lists/mappings accepted in any user file (the shipped files use 4).
MAX_DEPTH = 32
#: Longest integer accepted in any user file, in digits (seeds are below 2**32: 10 digits).
MAX_INT_DIGITS = 20

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
    """Read a user file's bytes after checking that it is a regular file and small enough.

    The file is opened without blocking (a FIFO with no writer cannot hang the reader) and
    checked with ``fstat`` on the opened descriptor, so FIFOs, sockets and devices (a link
    to ``/dev/zero``) are refused before a byte is read. At most ``limit + 1`` bytes are
    ever read, so a file that grows while it is read, or whose size ``stat`` does not tell
    (``/proc``), is still refused at the limit.

    Args:
        path: the file.
        limit: the largest accepted size in bytes.
        error: the :class:`InputError` subclass to raise.
        what: what the file is, for the message (``"scenario file"``).

    Raises:
        InputError: (as ``error``) a missing path, a directory, a special file, a file over
            ``limit``, or an unreadable file.
    """
    source = short_path(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise error(source, "", f"no such {what}") from None
    except IsADirectoryError:
        raise error(source, "", f"expected a {what}, got a directory") from None
    except OSError as exc:
        raise error(source, "", f"cannot read the {what} ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise error(source, "", f"expected a {what}, got a directory")
        if not stat.S_ISREG(info.st_mode):
            kind = _special_kind(info.st_mode)
            raise error(source, "", f"expected a regular {what}, got {kind}")
        if info.st_size > limit:
            raise error(
                source,
                "",
                f"{what} is {_size_text(info.st_size)}; the limit is {_size_text(limit)}",
            )
        data = _read_at_most(fd, limit + 1)
    except OSError as exc:
        raise error(source, "", f"cannot read the {what} ({exc.strerror})") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise error(source, "", f"{what} is over the limit of {_size_text(limit)}")
    return data


def _read_at_most(fd: int, count: int) -> bytes:
    chunks: list[bytes] = []
    left = count
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _special_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def short_path(path: str | os.PathLike[str], limit: int = MAX_QUOTED) -> str:
    """A path (or any user value) cut to ``limit`` characters for a one-line message."""
    return shorten(str(path), limit)


def shorten(text: str, limit: int = MAX_QUOTED) -> str:
    """``text`` cut in the middle to at most ``limit`` characters (``abc…xyz``)."""
    if len(text) <= limit:
        return text
    keep = max(limit - 1, 2) // 2
    return f"{text[:keep]}…{text[-keep:]}"


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


def read_json_object(path: Path, default_name: str, *, limit: int, what: str,
                     expected: str) -> tuple[dict[str, Any], Path, str]:
    """A user JSON file that must hold one object (or a folder holding ``default_name``).

    Returns:
        The object, the file's path and its short name for messages.

    Raises:
        InputError: a missing, special or over-large file, invalid JSON, nesting too deep,
            or JSON that is not an object (``expected``, e.g. "a natosim manifest").
    """
    path = Path(path)
    if path.is_dir():
        path = path / default_name
    source = short_path(path)
    content = parse_json(read_text_file(path, limit=limit, what=what), source)
    if not isinstance(content, dict):
        raise InputError(source, "", f"expected a JSON object ({expected})")
    return content, path, source


class SafeDateLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` whose impossible dates (``1994-31-02``), over-long integers and
    over-deep nesting are YAML errors with a line, instead of a bare ``ValueError`` or a
    ``RecursionError`` from inside PyYAML."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:  # noqa: D102 (PyYAML's API)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                problem = f"nested more than {MAX_DEPTH} levels deep"
                raise yaml.composer.ComposerError(None, None, problem, mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        problem = f"'{node.value}' is not a calendar date ({exc})"
        raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark) from None


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    """An integer, refused (with its line) when longer than :data:`MAX_INT_DIGITS` digits:
    Python refuses 4,300 digits with a bare ``ValueError`` and turning 400 digits into a
    float overflows."""
    digits = sum(ch.isdigit() for ch in str(node.value))
    if ":" in str(node.value):  # YAML 1.1 reads 33:14 as 33 * 60 + 14 = 1994
        problem = (f"'{node.value}' is a base-60 number in YAML 1.1 (not accepted); "
                   "write the plain number, or quote it if it is text")
        raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark)
    if digits > MAX_INT_DIGITS:
        problem = f"an integer of {digits} digits; at most {MAX_INT_DIGITS} are accepted"
        raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark)
    return yaml.SafeLoader.construct_yaml_int(loader, node)


def _construct_float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    """A float, refused (with its line) in YAML 1.1's base-60 form (``1:30.5``)."""
    if ":" in str(node.value):
        problem = (f"'{node.value}' is a base-60 number in YAML 1.1 (not accepted); "
                   "write the plain number, or quote it if it is text")
        raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark)
    return yaml.SafeLoader.construct_yaml_float(loader, node)


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
SafeDateLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
SafeDateLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)


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


# --------------------------------------------------------------------------- JSON, TOML, checks


def check_structure(data: Any, source: str, *, error: type[InputError] = InputError) -> Any:
    """Refuse nesting deeper than :data:`MAX_DEPTH`, integers longer than
    :data:`MAX_INT_DIGITS` digits and binary values anywhere in parsed user data; return
    ``data``.

    Shared sub-trees (YAML aliases) are visited once, so an alias bomb costs nothing here.

    Raises:
        InputError: (as ``error``) naming the key path of the offending value.
    """
    seen: set[int] = set()
    stack: list[tuple[Any, int, str]] = [(data, 0, "")]
    while stack:
        value, depth, where = stack.pop()
        if isinstance(value, bool):
            continue
        if isinstance(value, bytes | bytearray):
            raise error(source, where, "binary data (a !!binary value) is not accepted")
        if isinstance(value, int):
            if value.bit_length() > MAX_INT_DIGITS * 3.33:
                digits = "many" if value.bit_length() > 14000 else str(len(str(abs(value))))
                problem = f"an integer of {digits} digits; at most {MAX_INT_DIGITS} are accepted"
                raise error(source, where, problem)
            continue
        if not isinstance(value, dict | list | tuple) or id(value) in seen:
            continue
        seen.add(id(value))
        if depth >= MAX_DEPTH:
            raise error(source, where, f"nested more than {MAX_DEPTH} levels deep")
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            inner = (
                f"{where}[{key}]"
                if isinstance(key, int)
                else (f"{where}.{shorten(str(key), 60)}" if where else shorten(str(key), 60))
            )
            stack.append((item, depth + 1, inner))
    return data


def _json_int(text: str) -> int:
    digits = sum(ch.isdigit() for ch in text)
    if digits > MAX_INT_DIGITS:
        raise _NumberTooLong(
            f"an integer of {digits} digits; at most {MAX_INT_DIGITS} are accepted"
        )
    return int(text)


class _NumberTooLong(ValueError):
    pass


def parse_json(text: str, source: str, *, error: type[InputError] = InputError) -> Any:
    """``json.loads`` of a user file with one-line errors, then :func:`check_structure`.

    ``NaN`` and ``Infinity`` (not JSON) are refused.

    Raises:
        InputError: (as ``error``) invalid JSON (with its line), nesting too deep, an
            over-long integer, or a non-standard constant.
    """
    import json

    def _no_constant(name: str) -> Any:
        raise _NumberTooLong(f"{name} is not a JSON number")

    try:
        data = json.loads(text, parse_int=_json_int, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise error(source, f"line {exc.lineno}", f"not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise error(source, "", f"nested more than {MAX_DEPTH} levels deep") from None
    except _NumberTooLong as exc:
        raise error(source, "", str(exc)) from None
    return check_structure(data, source, error=error)


def parse_toml(text: str, source: str, *, error: type[InputError] = InputError) -> Any:
    """``tomllib.loads`` of a user file with one-line errors, then :func:`check_structure`.

    Raises:
        InputError: (as ``error``) a syntax error (with its line), nesting too deep or an
            over-long integer.
    """
    import re
    import tomllib

    try:
        data = tomllib.loads(text, parse_float=_toml_float)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        detail = str(exc).split(" (at ")[0]
        where = f"line {line[1]}" if line else ""
        raise error(source, where, f"TOML syntax error: {detail}") from None
    except RecursionError:
        raise error(source, "", f"nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as exc:  # an integer over Python's 4,300-digit limit
        raise error(source, "", f"a number too long to read ({shorten(str(exc), 80)})") from None
    return check_structure(data, source, error=error)


def _toml_float(text: str) -> float:
    value = float(text)
    if math.isinf(value) and "inf" not in text:
        raise ValueError(f"{shorten(text, 30)} overflows a float")
    return value
