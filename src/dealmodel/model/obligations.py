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
A deadline is one of: a ``due_day``; a ``schedule``; ``due_at_phase_end`` ("by the end
of the phase", following extensions); or a :class:`RelativeDue` (``days`` after another
obligation is fulfilled, a phase is entered, or an event first happens). A duty with no
deadline stays open until the deal ends: it is never judged at the end of its phase.

Duties may be owed jointly (``obligors``; ``obligor`` is the one-party shorthand) and
owed to several beneficiaries. An act may have named ``parts`` (done part by part); a
quantity may name the ``parts`` its units fall into (living hostages, remains), counted
separately when a performance names its part. Delivering more than is owed is accepted
and shown as surplus, unless the obligation's cap is ``strict``. A quantity may start at
zero and grow by extension terms.
"""

from __future__ import annotations

import enum
from typing import Any

import attrs

from dealmodel.errors import Problem
from dealmodel.model._checks import check_id, check_int, raise_if, to_tuple

__all__ = [
    "ANCHOR_PREFIXES",
    "Milestone",
    "Obligation",
    "ObligationKind",
    "ObligationStatus",
    "Quantity",
    "Reciprocity",
    "RelativeDue",
]


class ObligationKind(enum.Enum):
    QUANTITY = "quantity"
    ACT = "act"
    ONGOING = "ongoing"
    PROHIBITION = "prohibition"


class ObligationStatus(enum.Enum):
    """The lifecycle of one obligation in a run (after Symboleo).

    ``pending`` -> ``active`` -> ``fulfilled`` | ``fulfilled late`` | ``partially
    fulfilled`` | ``violated`` | ``withheld`` | ``suspended`` | ``discharged``; see
    docs/explanation/lifecycle.md for every transition.
    """

    PENDING = "pending"  # its phase has not begun
    ACTIVE = "active"  # in effect
    SUSPENDED = "suspended"  # its obligor has suspended performance
    WITHHELD = "withheld"  # an obligor holds back performance, stating a condition
    FULFILLED = "fulfilled"
    FULFILLED_LATE = "fulfilled late"  # fulfilled after a breach (its violation day is kept)
    PARTIALLY_FULFILLED = "partially fulfilled"  # a deadline passed with part of it done
    VIOLATED = "violated"  # a deadline passed with nothing done, or an allegation was upheld
    DISCHARGED = "discharged"  # ended without fulfilment or violation (deal ended, waived)

    @property
    def settled(self) -> bool:
        """Done with: fulfilled (on time or late) or discharged."""
        return self in _SETTLED

    @property
    def fulfilled(self) -> bool:
        """Fulfilled, on time or late."""
        return self is ObligationStatus.FULFILLED or self is ObligationStatus.FULFILLED_LATE

    @property
    def breached(self) -> bool:
        """In breach now: violated, or partially fulfilled when a deadline passed."""
        return self is ObligationStatus.VIOLATED or self is ObligationStatus.PARTIALLY_FULFILLED

    @property
    def performable(self) -> bool:
        """Performance is accepted (a breached duty persists)."""
        return self is ObligationStatus.ACTIVE or self.breached


_SETTLED = frozenset({ObligationStatus.FULFILLED, ObligationStatus.FULFILLED_LATE,
                      ObligationStatus.DISCHARGED})

#: What a relative deadline may count from, besides another obligation's id:
#: ``phase:<id>`` (the day the phase is entered) and ``event:<type>`` (the day an event
#: of that type is first accepted).
ANCHOR_PREFIXES = ("phase:", "event:")


@attrs.frozen
class Quantity:
    """An amount with a unit, e.g. ``Quantity(33, "hostages")``."""

    amount: int
    unit: str

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        check_int(problems, "amount", self.amount, 0)  # 0: grows by extension terms
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


def _names(value: Any) -> tuple[str, ...]:
    return to_tuple(value)


@attrs.frozen
class Obligation:
    """One duty of one or more parties, as data. See the module docstring for the kinds.

    ``obligor`` and ``obligors`` are two spellings of who owes it: give either (or both,
    ``obligor`` first among ``obligors``); after construction ``obligor`` is the first
    obligor and ``obligors`` all of them. ``beneficiary``/``beneficiaries`` likewise.
    """

    id: str
    obligor: str | None = None
    kind: ObligationKind = attrs.field(default=ObligationKind.ACT, converter=ObligationKind)
    description: str = ""
    beneficiary: str | None = None
    quantity: Quantity | None = None
    due_day: int | None = None
    schedule: tuple[Milestone, ...] = attrs.field(default=(), converter=to_tuple)
    reciprocal: tuple[Reciprocity, ...] = attrs.field(default=(), converter=to_tuple)
    clause: str | None = None
    obligors: tuple[str, ...] = attrs.field(default=(), converter=_names)
    beneficiaries: tuple[str, ...] = attrs.field(default=(), converter=_names)
    due: RelativeDue | None = None
    due_at_phase_end: bool = False
    parts: tuple[str, ...] = attrs.field(default=(), converter=_names)
    strict: bool = False  # delivering more than is owed is refused (default: surplus)

    def __attrs_post_init__(self) -> None:
        for one, many in (("obligor", "obligors"), ("beneficiary", "beneficiaries")):
            single, several = getattr(self, one), getattr(self, many)
            if single is not None and not several:
                object.__setattr__(self, many, (single,))
            elif single is None and several:
                object.__setattr__(self, one, several[0])
        raise_if(self.local_problems())

    @property
    def target(self) -> int | None:
        """The fixed target n (for a reciprocal obligation: the cap), or None."""
        if self.kind is ObligationKind.QUANTITY and self.quantity is not None:
            return self.quantity.amount
        if self.kind is ObligationKind.ACT:
            return len(self.parts) or 1
        return None

    @property
    def unit(self) -> str:
        if self.quantity is not None:
            return self.quantity.unit
        return "parts" if self.parts else "act"

    @property
    def has_deadline(self) -> bool:
        """Whether the text gives it a deadline (else it stays open until the deal ends)."""
        return bool(self.schedule or self.due_day is not None or self.due is not None
                    or self.due_at_phase_end)

    def local_problems(self) -> list[Problem]:
        """Problems visible from this obligation alone (references are checked by Deal)."""
        problems: list[Problem] = []
        check_id(problems, "id", self.id)
        if not self.obligors:
            problems.append(Problem("obligor", "name who owes it",
                                    "give obligor: <party>, or obligors: [<party>, ...]"))
        for i, name in enumerate(self.obligors):
            check_id(problems, f"obligors[{i}]", name)
        for i, name in enumerate(self.beneficiaries):
            check_id(problems, f"beneficiaries[{i}]", name)
        for field, names in (("obligors", self.obligors), ("beneficiaries", self.beneficiaries)):
            if len(set(names)) != len(names):
                problems.append(Problem(field, f"names an actor twice: {list(names)}"))
        if self.obligor is not None and self.obligors and self.obligor != self.obligors[0]:
            problems.append(Problem("obligor", f"{self.obligor!r} must be the first of "
                                    f"obligors {list(self.obligors)}",
                                    "give obligors only, or put the obligor first"))
        if (self.beneficiary is not None and self.beneficiaries
                and self.beneficiary != self.beneficiaries[0]):
            problems.append(Problem("beneficiary", f"{self.beneficiary!r} must be the first "
                                    f"of beneficiaries {list(self.beneficiaries)}",
                                    "give beneficiaries only, or put it first"))
        check_int(problems, "due_day", self.due_day, 1)
        deadlines = [name for name, given in (("due_day", self.due_day is not None),
                                             ("schedule", bool(self.schedule)),
                                             ("due", self.due is not None),
                                             ("due: end_of_phase", self.due_at_phase_end))
                     if given]
        if len(deadlines) > 1 and deadlines != ["due_day", "schedule"]:
            problems.append(Problem("due", f"give one deadline, got {' and '.join(deadlines)}",
                                    "due_day, schedule, due: {after, days} or "
                                    "due: end_of_phase"))
        if self.due is not None and self.due.after == self.id:
            problems.append(Problem("due.after", "an obligation cannot be due after itself"))
        kind = self.kind
        if self.parts:
            if kind not in (ObligationKind.ACT, ObligationKind.QUANTITY):
                problems.append(Problem("parts", f"only acts and quantities have parts, this "
                                        f"is {kind.value}"))
            for i, name in enumerate(self.parts):
                check_id(problems, f"parts[{i}]", name)
            if len(set(self.parts)) != len(self.parts):
                problems.append(Problem("parts", f"names a part twice: {list(self.parts)}"))
        if self.strict and kind not in (ObligationKind.ACT, ObligationKind.QUANTITY):
            problems.append(Problem("strict", f"only acts and quantities have a cap, this is "
                                    f"{kind.value}"))
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
        """The fixed phase days on which a deadline of this obligation falls (may be empty;
        see ``due`` and ``due_at_phase_end`` for the others)."""
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
        if self.parts and self.kind is ObligationKind.ACT:
            return f"act in {len(self.parts)} parts"
        return str(self.quantity) if self.quantity else "act"
