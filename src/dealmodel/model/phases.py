"""Phases: a stage of a deal with a duration, entry condition, obligations and expiry rule.

A phase's *expiry rule* says what happens when its time runs out:

* ``advance`` - move to the next phase if its entry condition holds, otherwise lapse;
  the last phase concludes the deal.
* ``continue_while_negotiating`` - move to the next phase if its entry condition holds;
  otherwise the truce continues in *limbo* as long as negotiations on the next phase
  are open, and lapses when they end.
* ``lapse`` - the deal lapses when the phase ends.

An optional :class:`Extension` lets named parties or mediators extend the phase by
whole days, each extra day adding to the targets of named obligations
(November 2023: one more day per 10 further hostages).
"""

from __future__ import annotations

import enum
from typing import Any

import attrs

from dealmodel.errors import ConditionSyntaxError, Problem
from dealmodel.model._checks import check_id, check_int, raise_if, to_tuple
from dealmodel.model.conditions import Expression, compile_condition
from dealmodel.model.obligations import Obligation

__all__ = ["ExpiryRule", "Extension", "Phase"]


#: The lifecycle states in which a deal has ended (one definition for the whole library).
TERMINAL_STATES = ("concluded", "collapsed", "lapsed")


class ExpiryRule(enum.Enum):
    ADVANCE = "advance"
    CONTINUE_WHILE_NEGOTIATING = "continue_while_negotiating"
    LAPSE = "lapse"


def _to_condition(value: Expression | str | None) -> Expression | None:
    if value is None or isinstance(value, Expression):
        return value
    return compile_condition(value)


def _pairs(value: Any) -> tuple[tuple[str, int], ...]:
    return tuple((str(k), n) for k, n in dict(value).items())


@attrs.frozen
class Extension:
    """A power to extend a phase: by whom, up to how many days, what each day adds."""

    max_days: int
    granted_by: tuple[str, ...] = attrs.field(converter=to_tuple)
    per_day: tuple[tuple[str, int], ...] = attrs.field(default=(), converter=_pairs)
    clause: str | None = None

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        check_int(problems, "max_days", self.max_days, 1)
        if not self.granted_by:
            problems.append(Problem("granted_by", "name who may extend the phase",
                                    "e.g. granted_by: [qatar]"))
        for i, holder in enumerate(self.granted_by):
            check_id(problems, f"granted_by[{i}]", holder)
        for obligation, amount in self.per_day:
            check_int(problems, f"per_day.{obligation}", amount, 1)
        raise_if(problems)


@attrs.frozen
class Phase:
    """One stage of a deal. ``duration_days=None`` means open-ended (ends when settled)."""

    id: str
    duration_days: int | None
    obligations: tuple[Obligation, ...] = attrs.field(default=(), converter=to_tuple)
    name: str = ""
    entry_condition: Expression | None = attrs.field(default=None, converter=_to_condition)
    requires_agreement: bool = False
    on_expiry: ExpiryRule = attrs.field(default=ExpiryRule.ADVANCE, converter=ExpiryRule)
    extension: Extension | None = None
    suspendable: bool = True
    clause: str | None = None

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        check_id(problems, "id", self.id)
        check_int(problems, "duration_days", self.duration_days, 1)
        for i, obligation in enumerate(self.obligations):
            if self.duration_days is not None:
                for day in obligation.due_days():
                    if day > self.duration_days + 366:
                        problems.append(Problem(
                            f"obligations[{i}].due_day",
                            f"day {day} is more than a year after the phase's "
                            f"{self.duration_days} days", "due days count from the phase's "
                            "first day"))
        if self.extension is not None and self.duration_days is None:
            problems.append(Problem("extension", "an open-ended phase cannot be extended",
                                    "give duration_days"))
        raise_if(problems)

    @property
    def title(self) -> str:
        return self.name or self.id

    @property
    def limbo_state(self) -> str | None:
        if self.on_expiry is ExpiryRule.CONTINUE_WHILE_NEGOTIATING:
            return f"{self.id}:limbo"
        return None

    @property
    def extended_state(self) -> str | None:
        return f"{self.id}:extended" if self.extension is not None else None

    @property
    def suspended_state(self) -> str | None:
        return f"{self.id}:suspended" if self.suspendable else None


def parse_condition(text: str, path: str) -> tuple[Expression | None, Problem | None]:
    """Compile ``text`` for a loader, turning a syntax error into a Problem at ``path``."""
    try:
        return compile_condition(text), None
    except ConditionSyntaxError as exc:
        return None, Problem(path, str(exc))
