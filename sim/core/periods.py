"""The one parser of year periods given on the command line (``--window``, ``--train``,
``--calibration``): ``1991-2008``, ``1991–2008`` (en dash) or ``1991:2008``."""

from __future__ import annotations

import re

from sim.core.errors import ParameterError

_PERIOD = re.compile(r"^\s*(\d{4})\s*[-–—:]\s*(\d{4})\s*$")


def parse_period(value: str, option: str) -> tuple[int, int]:
    """``"1991-2008"``, ``"1991–2008"`` or ``"1991:2008"`` → ``(1991, 2008)``.

    A one-year period (``2008-2008``) is a period; a command that needs more years (a
    training window) says so itself.

    Raises:
        ParameterError: not two four-digit years, or the first after the last.
    """
    match = _PERIOD.match(str(value))
    if not match:
        raise ParameterError(option, "", f"expected YEAR-YEAR such as 1991-2008 (or 1991:2008), "
                                         f"got {value!r}")
    first, last = int(match.group(1)), int(match.group(2))
    if first > last:
        raise ParameterError(option, "", f"first year {first} is after last year {last}")
    return first, last
