"""The exceptions dealmodel raises.

Every error derives from :class:`DealModelError`; each also mixes in the built-in
exception a caller would naturally catch (``ValueError`` for bad input), so both
``except DealModelError`` and ``except ValueError`` work.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

__all__ = [
    "ConditionSyntaxError",
    "DealDefinitionError",
    "DealModelError",
    "EventRejected",
    "Problem",
    "ScenarioError",
]


class DealModelError(Exception):
    """Base class of every error raised by dealmodel."""


class Problem:
    """One problem found in a definition or a scenario: where, what, and the fix."""

    __slots__ = ("fix", "line", "message", "path")

    def __init__(self, path: str, message: str, fix: str = "", line: int | None = None) -> None:
        self.path = path
        self.message = message
        self.fix = fix
        self.line = line

    def prefixed(self, prefix: str, line: int | None = None) -> Problem:
        """The same problem, one level deeper (``prefix`` + ``.`` + path)."""
        if not prefix:
            path = self.path
        elif not self.path or self.path.startswith("["):
            path = prefix + self.path
        else:
            path = f"{prefix}.{self.path}"
        return Problem(path, self.message, self.fix, self.line if self.line is not None else line)

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
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
    lines.extend(f"  - {p}" for p in problems)
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


class ConditionSyntaxError(DealModelError, ValueError):
    """A condition expression does not parse; the message points at the bad token."""

    def __init__(self, expression: str, position: int, message: str, length: int = 1) -> None:
        self.expression = expression
        self.position = position
        self.reason = message
        marker = " " * position + "^" * max(1, length)
        super().__init__(f"{message}\n    {expression}\n    {marker}")


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
