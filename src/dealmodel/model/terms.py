"""Terms as small frozen values: amounts, cumulative targets, ratios, deadlines, renewals.

Used by obligations (:mod:`dealmodel.model.obligations`) and phases
(:mod:`dealmodel.model.phases`), which re-export them.
"""

from __future__ import annotations

import attrs

from dealmodel.errors import Problem
from dealmodel.model._checks import check_id, check_int, raise_if

__all__ = ["ANCHOR_PREFIXES", "Milestone", "Quantity", "Reciprocity", "RelativeDue", "Renewal"]

#: What a relative deadline may count from, besides another obligation's id:
#: ``phase:<id>`` (the day the phase is entered) and ``event:<type>`` (the day an event
#: of that type is first accepted).
ANCHOR_PREFIXES = ("phase:", "event:")


@attrs.frozen
class Quantity:
    """An amount with a unit, e.g. ``Quantity(33, "hostages")``; an ongoing duty's
    quantity may give the unit alone (``amount`` None): a running total with no target."""

    amount: int | None
    unit: str

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        check_int(problems, "amount", self.amount, 0)  # 0: grows by extension terms
        if not isinstance(self.unit, str) or not self.unit:
            problems.append(Problem("unit", f"must be a non-empty string, got {self.unit!r}"))
        raise_if(problems)

    def __str__(self) -> str:
        return self.unit if self.amount is None else f"{self.amount:,} {self.unit}"


@attrs.frozen
class Milestone:
    """A cumulative target: at least ``cumulative`` delivered by the end of phase day ``day``."""

    day: int
    cumulative: int

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        check_int(problems, "day", self.day, 1)
        check_int(problems, "cumulative", self.cumulative, 1)
        raise_if(problems)


@attrs.frozen
class Reciprocity:
    """``ratio`` units of this obligation are owed per unit delivered of obligation ``per``."""

    per: str
    ratio: int

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        check_id(problems, "per", self.per)
        check_int(problems, "ratio", self.ratio, 1)
        raise_if(problems)


@attrs.frozen
class RelativeDue:
    """A deadline ``days`` after an anchor: another obligation's fulfilment (its id),
    a phase's entry (``phase:<id>``) or an event's first acceptance (``event:<type>``).

    Until the anchor happens the duty has no deadline (it stays open); the deadline
    falls on the anchor's day plus ``days``.
    """

    after: str
    days: int

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        if not isinstance(self.after, str) or not self.after:
            problems.append(Problem("after", f"must name an obligation, phase:<id> or "
                                    f"event:<type>, got {self.after!r}"))
        check_int(problems, "days", self.days, 0)
        raise_if(problems)

    @property
    def anchor_kind(self) -> str:
        """``obligation``, ``phase`` or ``event``."""
        for prefix in ANCHOR_PREFIXES:
            if self.after.startswith(prefix):
                return prefix[:-1]
        return "obligation"

    @property
    def anchor(self) -> str:
        """The anchor's id without its prefix."""
        return self.after.partition(":")[2] if self.anchor_kind != "obligation" else self.after

    def __str__(self) -> str:
        return f"{self.days} day(s) after {self.after}"


@attrs.frozen
class Renewal:
    """A term that renews: by ``term_days`` at a time, automatically unless a party objects
    at least ``notice_days`` before the term ends (or only by a ``renew`` event when not
    ``automatic``), at most ``max_renewals`` times (None: no limit)."""

    term_days: int
    automatic: bool = True
    notice_days: int = 0
    max_renewals: int | None = None
    clause: str | None = None

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        check_int(problems, "term_days", self.term_days, 1)
        check_int(problems, "notice_days", self.notice_days, 0)
        check_int(problems, "max_renewals", self.max_renewals, 1)
        raise_if(problems)
