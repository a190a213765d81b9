"""Obligations: what a party owes, to whom, how much, by when, and from which clause.

An obligation is one of four kinds (:class:`ObligationKind`):

* ``quantity`` - deliver *n* units (hostages, prisoners, trucks); progress is k of n.
  Its deadline is a single ``due_day`` or a ``schedule`` of cumulative targets.
  A *reciprocal* quantity is owed in proportion to another obligation's progress
  (30 prisoners per hostage released); its ``quantity`` is then the cap.
* ``act`` - do one thing (withdraw from a corridor) by ``due_day``.
* ``ongoing`` - keep doing something (let 600 aid trucks in a day) for as long as
  the deal is in force; suspending it is recorded, never judged. Its ``quantity`` is a
  daily rate for information, or a unit alone (``{unit: tonnes}``): a running total
  with no target.
* ``prohibition`` - do not do something (no offensive operations); silence until
  the end is compliance, an upheld allegation is a violation.

Days are *phase days*: day 1 is the first day of the phase the obligation belongs to.
A deadline is one of: a ``due_day``; a ``schedule``; ``due_at_phase_end`` ("by the end
of the phase", following extensions); a :class:`RelativeDue` (``days`` after another
obligation is fulfilled, a phase is entered, or an event first happens); or
``due_deal_day``, an absolute deal day (day 1 = the day the deal takes effect, whatever
the phase). A duty with no deadline stays open until the deal ends: it is never judged
at the end of its phase.

Standing duties (ongoing, prohibitions) have no deadline but may have a *term*: a
``due_day`` (or ``due_deal_day``) on a standing duty is the day it ends, and
``term_days`` a term of its own from the day it takes effect, which a ``renewal`` may
renew (automatically unless an obligor objects in time). A standing duty that runs
its term is fulfilled; an ``end_duty`` event ends one early.

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
from dealmodel.model.terms import (
    ANCHOR_PREFIXES,
    Milestone,
    Quantity,
    Reciprocity,
    RelativeDue,
    Renewal,
)

__all__ = [
    "ANCHOR_PREFIXES",
    "Milestone",
    "Obligation",
    "ObligationKind",
    "ObligationStatus",
    "Quantity",
    "Reciprocity",
    "RelativeDue",
    "Renewal",
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
        return self in _PERFORMABLE


_SETTLED = frozenset({ObligationStatus.FULFILLED, ObligationStatus.FULFILLED_LATE,
                      ObligationStatus.DISCHARGED})
_PERFORMABLE = frozenset({ObligationStatus.ACTIVE, ObligationStatus.VIOLATED,
                          ObligationStatus.PARTIALLY_FULFILLED})




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
    #: an absolute deadline (or, for a standing duty, its last day): a deal day
    due_deal_day: int | None = None
    #: a standing duty's own term, in days from the day it takes effect
    term_days: int | None = None
    renewal: Renewal | None = None  # how a standing duty's term renews
    document: str | None = None  # which of the deal's documents it is in (mirror texts)

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
    def unit(self) -> str | None:
        """What its progress counts: the quantity's unit, ``parts`` or ``act`` (None for a
        standing duty with no quantity)."""
        if self.quantity is not None:
            return self.quantity.unit
        if self.standing:
            return None
        return "parts" if self.parts else "act"

    @property
    def standing(self) -> bool:
        """An ongoing duty or a prohibition: kept over time rather than done once."""
        return self.kind in (ObligationKind.ONGOING, ObligationKind.PROHIBITION)

    @property
    def has_deadline(self) -> bool:
        """Whether the text gives it a deadline (else it stays open until the deal ends)."""
        return bool(self.schedule or self.due_day is not None or self.due is not None
                    or self.due_at_phase_end or self.due_deal_day is not None)

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
        check_int(problems, "due.day", self.due_deal_day, 1)
        check_int(problems, "term_days", self.term_days, 1)
        deadlines = [name for name, given in (("due_day", self.due_day is not None),
                                             ("schedule", bool(self.schedule)),
                                             ("due", self.due is not None),
                                             ("due: end_of_phase", self.due_at_phase_end),
                                             ("due: {day}", self.due_deal_day is not None),
                                             ("term_days", self.term_days is not None))
                     if given]
        if len(deadlines) > 1 and deadlines != ["due_day", "schedule"]:
            problems.append(Problem("due", f"give one deadline, got {' and '.join(deadlines)}",
                                    "due_day, schedule, due: {after, days}, due: {day}, "
                                    "due: end_of_phase or (for a standing duty) term_days"))
        problems.extend(self._term_problems())
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
                and self.quantity.amount is not None
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

    def _term_problems(self) -> list[Problem]:
        problems: list[Problem] = []
        kind = self.kind
        if self.term_days is not None and not self.standing:
            problems.append(Problem("term_days", f"only standing duties (ongoing, prohibition) "
                                    f"have a term, this is {kind.value}",
                                    "give a one-off duty a deadline: due_day or due"))
        if self.renewal is not None:
            if not self.standing:
                problems.append(Problem("renewal", f"only standing duties (ongoing, "
                                        f"prohibition) have a term to renew, this is "
                                        f"{kind.value}"))
            elif self.term_days is None and self.due_day is None and self.due_deal_day is None:
                problems.append(Problem("renewal", "a renewal needs a first term to renew",
                                        "give term_days (or due_day)"))
        if self.quantity is not None and self.quantity.amount is None \
                and kind is not ObligationKind.ONGOING:
            problems.append(Problem("quantity.amount", f"a {kind.value} obligation needs an "
                                    "amount", "only an ongoing duty may give a unit alone "
                                    "(a running total with no target)"))
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
            if self.quantity is not None and self.quantity.amount is None:
                return f"ongoing (running total in {self.quantity.unit})"
            return f"ongoing ({self.quantity}/day)" if self.quantity else "ongoing"
        if self.reciprocal:
            per = ", ".join(f"{r.ratio} per {r.per}" for r in self.reciprocal)
            cap = f", at most {self.quantity}" if self.quantity else ""
            return f"{per}{cap}"
        if self.parts and self.kind is ObligationKind.ACT:
            return f"act in {len(self.parts)} parts"
        return str(self.quantity) if self.quantity else "act"
