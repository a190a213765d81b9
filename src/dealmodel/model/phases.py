"""Phases: a stage of a deal with a duration, entry condition, obligations and expiry rule.

A phase's *expiry rule* says what happens when its time runs out:

* ``advance`` - move to the next phase if its entry condition holds, otherwise lapse;
  the last phase concludes the deal.
* ``continue_while_negotiating`` - move to the next phase if its entry condition holds;
  otherwise the truce continues in *limbo* as long as negotiations on the next phase
  are open, and lapses when they end.
* ``hold`` - move to the next phase if its entry condition holds; otherwise the truce
  holds in *limbo* with or without talks, until the next phase is agreed, a party
  terminates the deal or hostilities resume.
* ``lapse`` - the deal lapses when the phase ends.
* ``expire`` - the deal expires when the phase ends (a fixed term that ran out); with a
  :class:`Renewal` clause the term renews instead, unless a party objects in time.

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
from dealmodel.model.terms import Renewal

__all__ = ["LIMBO_RULES", "MAX_DAYS_AFTER_PHASE", "TERMINAL_STATES", "ExpiryRule", "Extension",
           "Phase", "Renewal"]


#: The lifecycle states in which a deal has ended (one definition for the whole library):
#: concluded (last phase done), expired (a term ran out with no renewal or successor),
#: lapsed (talks ended in limbo, or a lapse rule), terminated (a declaration), collapsed
#: (hostilities resumed).
TERMINAL_STATES = ("concluded", "expired", "lapsed", "terminated", "collapsed")


#: A one-off duty's phase-day deadline may fall at most this many days after its phase.
MAX_DAYS_AFTER_PHASE = 366


class ExpiryRule(enum.Enum):
    ADVANCE = "advance"
    CONTINUE_WHILE_NEGOTIATING = "continue_while_negotiating"
    HOLD = "hold"
    LAPSE = "lapse"
    EXPIRE = "expire"


#: Expiry rules under which a phase whose time is up waits in limbo.
LIMBO_RULES = (ExpiryRule.CONTINUE_WHILE_NEGOTIATING, ExpiryRule.HOLD)


def _to_condition(value: Expression | str | None) -> Expression | None:
    if value is None or isinstance(value, Expression):
        return value
    return compile_condition(value)


def _pairs(value: Any) -> tuple[tuple[str, int], ...]:
    return tuple((str(k), n) for k, n in dict(value).items())


@attrs.frozen
class Extension:
    """A power to extend a phase: by whom, up to how many days, what each day adds.

    ``max_days`` caps the days added in all (None: no cap); ``max_days_each`` caps each
    extension. ``jointly``: every actor in ``granted_by`` must agree to it (an
    ``extend`` event's ``by`` lists them all); otherwise any one of them may extend.
    """

    max_days: int | None
    granted_by: tuple[str, ...] = attrs.field(converter=to_tuple)
    per_day: tuple[tuple[str, int], ...] = attrs.field(default=(), converter=_pairs)
    clause: str | None = None
    max_days_each: int | None = None
    jointly: bool = False

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        check_int(problems, "max_days", self.max_days, 1)
        check_int(problems, "max_days_each", self.max_days_each, 1)
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
    renewal: Renewal | None = None

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        check_id(problems, "id", self.id)
        check_int(problems, "duration_days", self.duration_days, 1)
        for i, obligation in enumerate(self.obligations):
            # a one-off deadline a year past its phase is most likely a slip (a deal day
            # written as a phase day); a standing duty's due day is where it ends
            if self.duration_days is not None and not obligation.standing:
                for day in obligation.due_days():
                    if day > self.duration_days + MAX_DAYS_AFTER_PHASE:
                        problems.append(Problem(
                            f"obligations[{i}].due_day",
                            f"day {day} is more than a year after the phase's "
                            f"{self.duration_days} days", "due days count from the phase's "
                            "first day; for a deal day write due: {day: N}"))
        if self.extension is not None and self.duration_days is None:
            problems.append(Problem("extension", "an open-ended phase cannot be extended",
                                    "give duration_days"))
        if self.renewal is not None and self.duration_days is None:
            problems.append(Problem("renewal", "an open-ended phase has no term to renew",
                                    "give duration_days"))
        raise_if(problems)

    @property
    def title(self) -> str:
        return self.name or self.id

    @property
    def limbo_state(self) -> str | None:
        if self.on_expiry in LIMBO_RULES:
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
