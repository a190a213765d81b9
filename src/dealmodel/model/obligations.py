"""Obligations: what a party owes, to whom, how much, by when, and from which clause.

An obligation is one of four kinds (:class:`ObligationKind`):

* ``quantity`` - deliver *n* units (hostages, prisoners, trucks); progress is k of n.
  Its deadline is a single ``due_day`` or a ``schedule`` of cumulative targets.
  A *reciprocal* quantity is owed in proportion to another obligation's progress
  (30 prisoners per hostage released); its ``quantity`` is then the cap.
* ``act`` - do one thing (withdraw from a corridor) by ``due_day``.
* ``ongoing`` - keep doing something (let 600 aid trucks in a day) for as long as
  the deal is in force; suspending it is recorded, never judged.
* ``prohibition`` - do not do something (no offensive operations); silence until
  the end is compliance, an upheld allegation is a violation.

Days are *phase days*: day 1 is the first day of the phase the obligation belongs to.
A ``due_day`` of ``None`` means "by the end of the phase" (and follows extensions).
"""

from __future__ import annotations

import enum

import attrs

from dealmodel.errors import Problem
from dealmodel.model._checks import check_id, check_int, raise_if, to_tuple

__all__ = [
    "Milestone",
    "Obligation",
    "ObligationKind",
    "ObligationStatus",
    "Quantity",
    "Reciprocity",
]


class ObligationKind(enum.Enum):
    QUANTITY = "quantity"
    ACT = "act"
    ONGOING = "ongoing"
    PROHIBITION = "prohibition"


class ObligationStatus(enum.Enum):
    """The lifecycle of one obligation in a run (after Symboleo)."""

    PENDING = "pending"  # its phase has not begun
    ACTIVE = "active"  # in effect
    SUSPENDED = "suspended"  # its obligor has suspended performance
    FULFILLED = "fulfilled"
    VIOLATED = "violated"  # a deadline passed unmet, or an allegation was upheld
    DISCHARGED = "discharged"  # ended without fulfilment or violation (deal ended, waived)

    @property
    def settled(self) -> bool:
        return self in (ObligationStatus.FULFILLED, ObligationStatus.DISCHARGED)


@attrs.frozen
class Quantity:
    """An amount with a unit, e.g. ``Quantity(33, "hostages")``."""

    amount: int
    unit: str

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        check_int(problems, "amount", self.amount, 1)
        if not isinstance(self.unit, str) or not self.unit:
            problems.append(Problem("unit", f"must be a non-empty string, got {self.unit!r}"))
        raise_if(problems)

    def __str__(self) -> str:
        return f"{self.amount:,} {self.unit}"


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
class Obligation:
    """One duty of one party, as data. See the module docstring for the kinds."""

    id: str
    obligor: str
    kind: ObligationKind = attrs.field(default=ObligationKind.ACT, converter=ObligationKind)
    description: str = ""
    beneficiary: str | None = None
    quantity: Quantity | None = None
    due_day: int | None = None
    schedule: tuple[Milestone, ...] = attrs.field(default=(), converter=to_tuple)
    reciprocal: tuple[Reciprocity, ...] = attrs.field(default=(), converter=to_tuple)
    clause: str | None = None

    def __attrs_post_init__(self) -> None:
        raise_if(self.local_problems())

    @property
    def target(self) -> int | None:
        """The fixed target n (for a reciprocal obligation: the cap), or None."""
        if self.kind is ObligationKind.QUANTITY and self.quantity is not None:
            return self.quantity.amount
        if self.kind is ObligationKind.ACT:
            return 1
        return None

    @property
    def unit(self) -> str:
        return self.quantity.unit if self.quantity is not None else "act"

    def local_problems(self) -> list[Problem]:
        """Problems visible from this obligation alone (references are checked by Deal)."""
        problems: list[Problem] = []
        check_id(problems, "id", self.id)
        check_id(problems, "obligor", self.obligor)
        if self.beneficiary is not None:
            check_id(problems, "beneficiary", self.beneficiary)
        check_int(problems, "due_day", self.due_day, 1)
        kind = self.kind
        if kind is ObligationKind.QUANTITY and self.quantity is None:
            problems.append(
                Problem("quantity", "a quantity obligation needs a quantity",
                        "add e.g. quantity: {amount: 33, unit: hostages}")
            )
        if kind is not ObligationKind.QUANTITY and (self.schedule or self.reciprocal):
            field = "schedule" if self.schedule else "reciprocal"
            problems.append(
                Problem(field, f"only quantity obligations have a {field}, this is {kind.value}",
                        "set kind: quantity, or remove it")
            )
        if kind in (ObligationKind.ACT, ObligationKind.PROHIBITION) and self.quantity is not None:
            problems.append(
                Problem("quantity", f"an {kind.value} obligation has no quantity",
                        "remove it, or set kind: quantity")
            )
        if self.schedule and self.due_day is not None:
            problems.append(
                Problem("due_day", "give either due_day or schedule, not both",
                        "the last milestone of a schedule is its due day")
            )
        previous: Milestone | None = None
        for i, milestone in enumerate(self.schedule):
            if previous is not None and milestone.day <= previous.day:
                problems.append(
                    Problem(f"schedule[{i}].day",
                            f"days must increase, got {milestone.day} after {previous.day}")
                )
            if previous is not None and milestone.cumulative < previous.cumulative:
                problems.append(
                    Problem(f"schedule[{i}].cumulative",
                            "targets are cumulative and must not decrease, "
                            f"got {milestone.cumulative} after {previous.cumulative}")
                )
            previous = milestone
        if (previous is not None and self.quantity is not None
                and previous.cumulative > self.quantity.amount):
            problems.append(
                Problem(f"schedule[{len(self.schedule) - 1}].cumulative",
                        f"the schedule reaches {previous.cumulative} but the quantity is "
                        f"{self.quantity.amount}",
                        "lower the schedule or raise quantity.amount")
            )
        for i, rec in enumerate(self.reciprocal):
            if rec.per == self.id:
                problems.append(Problem(f"reciprocal[{i}].per", "an obligation cannot be "
                                        "reciprocal to itself"))
        return problems

    def due_days(self) -> tuple[int, ...]:
        """The phase days on which a deadline of this obligation falls (may be empty)."""
        if self.schedule:
            return tuple(m.day for m in self.schedule)
        return (self.due_day,) if self.due_day is not None else ()

    def describe_target(self) -> str:
        if self.kind is ObligationKind.PROHIBITION:
            return "refrain"
        if self.kind is ObligationKind.ONGOING:
            return f"ongoing ({self.quantity}/day)" if self.quantity else "ongoing"
        if self.reciprocal:
            per = ", ".join(f"{r.ratio} per {r.per}" for r in self.reciprocal)
            cap = f", at most {self.quantity}" if self.quantity else ""
            return f"{per}{cap}"
        return str(self.quantity) if self.quantity else "act"
