"""The exceptions dealmodel raises.

Every error derives from :class:`DealModelError`; each also mixes in the built-in
exception a caller would naturally catch (``ValueError`` for bad input), so both
``except DealModelError`` and ``except ValueError`` work.
"""

from __future__ import annotations

import reprlib
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = [
    "ConditionSyntaxError",
    "DealDefinitionError",
    "DealModelError",
    "EventDefinitionError",
    "EventRejected",
    "InputError",
    "Problem",
    "ScenarioError",
    "short",
]

#: At most this many problems are listed in an error's message (all are in ``problems``).
MAX_LISTED = 50


class _Short(reprlib.Repr):
    """``repr`` that never builds the full text of a big value (strings, huge ints, nests)."""

    def __init__(self) -> None:
        super().__init__()
        self.maxstring = self.maxother = 60
        self.maxlist = self.maxtuple = self.maxdict = self.maxset = 4
        self.maxlevel = 2

    def repr1(self, x: Any, level: int) -> str:
        # Dispatch on the built-in base type, so dict and str subclasses are shortened too
        # (reprlib looks up methods by the exact type name and would fall back to repr()).
        if isinstance(x, bool) or x is None:
            return repr(x)
        if isinstance(x, int):
            return self.repr_int(x, level)
        if isinstance(x, str):
            return self.repr_str(x, level)
        if isinstance(x, dict):
            return self.repr_dict(x, level)
        if isinstance(x, list):
            return self.repr_list(x, level)
        if isinstance(x, tuple):
            return self.repr_tuple(x, level)
        return super().repr1(x, level)

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > 200:  # repr() of a 5,000-digit int is slow or refused
            return f"<a whole number of about {int(x.bit_length() * 0.30103) + 1} digits>"
        return reprlib.Repr.repr_int(self, x, level)


_SHORT = _Short()


def short(value: object) -> str:
    """A short ``repr`` of ``value`` for messages (at most 100 characters)."""
    text = _SHORT.repr(value)
    return text if len(text) <= 100 else text[:97] + "..."


class DealModelError(Exception):
    """Base class of every error raised by dealmodel."""


class Problem:
    """One problem found in a definition or a scenario: where, what, and the fix."""

    __slots__ = ("fix", "line", "message", "path", "source")

    def __init__(self, path: str, message: str, fix: str = "", line: int | None = None,
                 source: str | None = None) -> None:
        self.path = path
        self.message = message
        self.fix = fix
        self.line = line
        self.source = source  # the file, when it is not the one the error is about

    def prefixed(self, prefix: str, line: int | None = None) -> Problem:
        """The same problem, one level deeper (``prefix`` + ``.`` + path)."""
        if not prefix:
            path = self.path
        elif not self.path or self.path.startswith("["):
            path = prefix + self.path
        else:
            path = f"{prefix}.{self.path}"
        return Problem(path, self.message, self.fix,
                       self.line if self.line is not None else line, self.source)

    def located(self, line: int | None = None, source: str | None = None) -> Problem:
        """The same problem with a line and file filled in where it has none."""
        return Problem(self.path, self.message, self.fix,
                       self.line if self.line is not None else line, self.source or source)

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        if self.source:
            where = f"{self.source}, {where}" if where else f"{self.source}: "
        text = f"{where}{self.path}: {self.message}" if self.path else where + self.message
        return f"{text} ({self.fix})" if self.fix else text

    def __repr__(self) -> str:
        return f"Problem({self.path!r}, {self.message!r}, {self.fix!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Problem) and (self.path, self.message, self.fix) == (
            other.path,
            other.message,
            other.fix,
        )

    def __hash__(self) -> int:
        return hash((self.path, self.message, self.fix))


def _render(header: str, problems: Sequence[Problem], source: str | None) -> str:
    where = f"{source}: " if source else ""
    if len(problems) == 1:
        return f"{where}{header}: {problems[0]}"
    lines = [f"{where}{header} ({len(problems)} problems):"]
    lines.extend(f"  - {p}" for p in problems[:MAX_LISTED])
    if len(problems) > MAX_LISTED:
        lines.append(f"  ... and {len(problems) - MAX_LISTED} more; fix these first")
    return "\n".join(lines)


class DealDefinitionError(DealModelError, ValueError):
    """A deal definition is invalid. ``problems`` lists every problem found at once."""

    def __init__(self, problems: Iterable[Problem], source: str | None = None) -> None:
        self.problems = tuple(problems)
        self.source = source
        super().__init__(_render("invalid deal definition", self.problems, source))


class ScenarioError(DealModelError, ValueError):
    """A scenario file or variant is invalid. ``problems`` lists every problem found."""

    def __init__(self, problems: Iterable[Problem], source: str | None = None) -> None:
        self.problems = tuple(problems)
        self.source = source
        super().__init__(_render("invalid scenario", self.problems, source))


class InputError(DealModelError, ValueError):
    """A file cannot be used: missing, refused by the file access policy, over a limit,
    not UTF-8 text, not YAML, or a saved run that does not match its format."""

    def __init__(self, problems: Iterable[Problem], source: str | None = None,
                 header: str = "cannot load") -> None:
        self.problems = tuple(problems)
        self.source = source
        super().__init__(_render(header, self.problems, source))


class EventDefinitionError(DealModelError, ValueError):
    """An event was built with a field of the wrong type (``quantity=2.5``, ``day="5"``).

    ``problems`` names every bad field of the event at once.
    """

    def __init__(self, event_type: str, problems: Iterable[Problem]) -> None:
        self.event_type = event_type
        self.problems = tuple(problems)
        super().__init__(_render(f"invalid {event_type} event", self.problems, None))


class ConditionSyntaxError(DealModelError, ValueError):
    """A condition expression does not parse; the message points at the bad token."""

    def __init__(self, expression: str, position: int, message: str, length: int = 1) -> None:
        self.expression = expression
        self.position = position
        self.reason = message
        start = 0
        shown = expression
        if len(expression) > _WINDOW:  # show the part around the caret, not the whole text
            start = max(0, min(position - _WINDOW // 2, len(expression) - _WINDOW))
            shown = expression[start:start + _WINDOW]
            shown = ("..." if start else "") + shown + (
                "..." if start + _WINDOW < len(expression) else "")
            start -= 3 if start else 0
        marker = " " * (position - start) + "^" * max(1, min(length, _WINDOW))
        super().__init__(f"{message}\n    {shown}\n    {marker}")


_WINDOW = 80


class EventRejected(DealModelError):
    """An event cannot be applied to a run; the run is left exactly as it was.

    ``reason`` says why in one sentence, naming the condition that failed and the
    values it saw; ``code`` names the cause for machines (e.g. ``not-obligor``,
    ``phase-not-begun``, ``over-quantity``, ``deal-ended``; the full list is
    ``dealmodel.engine.guards.CODES``).
    """

    def __init__(self, event: object, reason: str, code: str = "refused") -> None:
        self.event = event
        self.reason = reason
        self.code = code
        super().__init__(f"event refused ({code}): {reason}")


class MissingExtraError(DealModelError, ImportError):
    """An optional dependency is not installed; the message names the extra to install.

    ``module`` is the import that failed, ``extra`` the dealmodel extra that provides it.
    The command line reports it without a traceback and exits 1.
    """

    def __init__(self, feature: str, module: str, extra: str) -> None:
        self.feature = feature
        self.module = module
        self.extra = extra
        super().__init__(f"{feature} needs {module}, which is not installed; install it "
                         f"with: pip install 'dealmodel[{extra}]'")
