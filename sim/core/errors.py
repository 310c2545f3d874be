"""User-facing input errors.

Every problem with a user's input (scenario, data file, parameter, path) is raised as an
:class:`InputError`. The CLI prints it as one line, ``file: where: what was expected``, and
exits with code 2; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations


class InputError(Exception):
    """A problem with user input, reported as one line naming file, location and expectation.

    Args:
        source: the file (or other input, e.g. ``--set``) where the problem is.
        where: the line, key or column inside it (``"line 12"``, ``"milestones[3].date"``).
        message: what was expected, in plain words.
    """

    def __init__(self, source: str, where: str, message: str) -> None:
        self.source = str(source)
        self.where = str(where)
        self.message = message
        super().__init__(self.one_line())

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str, str]]:
        """Pickle with the three fields (errors cross process boundaries in ensembles)."""
        return (type(self), (self.source, self.where, self.message))

    def one_line(self) -> str:
        parts = [p for p in (self.source, self.where) if p]
        return ": ".join([*parts, self.message])


class DataError(InputError):
    """A project data file (``sim/data/*.csv``) is missing, malformed or incomplete."""


class ScenarioError(InputError):
    """A scenario YAML file is malformed or inconsistent."""


class ParameterError(InputError):
    """An unknown parameter name or a value outside its documented range."""
