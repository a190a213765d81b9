"""One run's measures in a comparison (:class:`VariantResult`) and where it first differs
from the base (:class:`Divergence`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from dealmodel.engine import Run
from dealmodel.engine.record_data import record_to_dict
from dealmodel.engine.records import StatusChanged
from dealmodel.io.events import event_to_dict
from dealmodel.model.obligations import ObligationStatus
from dealmodel.scenarios.outcome import EventOutcome, Outcome

__all__ = ["Divergence", "VariantResult", "diverge"]


@attrs.frozen
class Divergence:
    """Where a variant's run first differs from the base: the day, and what each did.

    ``base`` and ``variant`` say it in words; ``base_event`` and ``variant_event`` hold
    the two events' outcomes (None: no such event that day) for :meth:`to_dict`, which
    gives them as typed records.
    """

    day: int
    index: int  # position in the timeline (0-based)
    base: str
    variant: str
    base_event: EventOutcome | None = attrs.field(default=None, eq=False, repr=False)
    variant_event: EventOutcome | None = attrs.field(default=None, eq=False, repr=False)

    def describe(self) -> str:
        return f"day {self.day}: base: {self.base}; variant: {self.variant}"

    def to_dict(self) -> dict[str, Any]:
        return {"day": self.day, "index": self.index, "base": self.base,
                "variant": self.variant, "base_event": _event_dict(self.base_event),
                "variant_event": _event_dict(self.variant_event)}


def _event_dict(item: EventOutcome | None) -> dict[str, Any] | None:
    """An event's outcome as typed fields: what it was, accepted or refused, its records."""
    if item is None:
        return None
    return {"event": event_to_dict(item.event), "accepted": item.accepted,
            "refusal": None if item.accepted else {"code": item.code, "reason": item.reason},
            "records": [record_to_dict(r) for r in item.records], "state": item.state}


def _result_text(item: EventOutcome) -> str:
    text = f"{item.event.describe()}"
    if not item.accepted:
        return f"{text} - REFUSED: {item.reason}"
    return f"{text} -> {', '.join(item.changes)}" if item.changes else text


def diverge(base: Sequence[EventOutcome], other: Sequence[EventOutcome]) -> Divergence | None:
    def found(day: int, i: int, b: EventOutcome | None, v: EventOutcome | None) -> Divergence:
        return Divergence(day, i, _result_text(b) if b else f"no such event on day {day}",
                          _result_text(v) if v else f"no such event on day {day}", b, v)

    for i in range(max(len(base), len(other))):
        b = base[i] if i < len(base) else None
        v = other[i] if i < len(other) else None
        if b is not None and v is not None:
            if b.event == v.event:
                if (b.accepted, b.reason, b.changes, b.state) == (
                        v.accepted, v.reason, v.changes, v.state):
                    continue
                return found(b.event.day, i, b, v)
            if b.event.day == v.event.day:
                return found(b.event.day, i, b, v)
        if v is None or (b is not None and b.event.day < v.event.day):
            assert b is not None
            return found(b.event.day, i, b, None)
        return found(v.event.day, i, None, v)
    return None


@attrs.frozen
class VariantResult:
    """One column of a comparison: a run's outcome and the measures compared."""

    name: str
    description: str
    outcome: Outcome
    changes: tuple[str, ...] = ()
    divergence: Divergence | None = None
    forked_at_day: int | None = None  # the base run was forked on this day (None: replayed)

    @property
    def hypothetical(self) -> bool:
        return self.name != "base"

    @property
    def run(self) -> Run:
        return self.outcome.run

    @property
    def final_state(self) -> str:
        return self.run.state

    @property
    def final_day(self) -> int:
        return self.run.day

    def phase_entered(self) -> dict[str, int | None]:
        """The day each phase was first entered (None: never)."""
        out: dict[str, int | None] = {p.id: None for p in self.run.deal.phases}
        for state, day in self.run.history:
            if state in out and out[state] is None:
                out[state] = day
        return out

    def _days_in(self, suffix: str) -> int:
        history, total = self.run.history, 0
        for i, (state, day) in enumerate(history):
            if state.endswith(suffix):
                end = history[i + 1][1] if i + 1 < len(history) else self.run.day + 1
                total += end - day
        return total

    @property
    def days_in_limbo(self) -> int:
        return self._days_in(":limbo")

    @property
    def days_suspended(self) -> int:
        """Days the whole deal was suspended (a suspension of one obligation is listed apart)."""
        return self._days_in(":suspended")

    def suspensions(self) -> list[dict[str, Any]]:
        """Suspensions of single obligations: which, by whom, from and to which day."""
        out = []
        for entry in self.run.ledger.values():
            current: dict[str, Any] | None = None
            for r in entry.history:
                if not isinstance(r, StatusChanged):
                    continue
                if r.status is ObligationStatus.SUSPENDED:
                    current = {"obligation": entry.id, "by": r.actor, "from_day": r.day,
                               "to_day": None, "days": None}
                    out.append(current)
                elif current is not None:
                    current["to_day"] = r.day
                    current["days"] = r.day - current["from_day"]
                    current = None
            if current is not None:
                current["days"] = self.run.day - current["from_day"] + 1
        return sorted(out, key=lambda s: s["from_day"])

    def first_violation(self) -> dict[str, Any] | None:
        found = [e for e in self.run.ledger.values() if e.violated_day is not None]
        if not found:
            return None
        first = min(found, key=lambda e: e.violated_day or 0)
        return {"obligation": first.id, "party": first.obligation.obligor,
                "day": first.violated_day}

    def obligations(self) -> dict[str, dict[str, Any]]:
        run = self.run
        return {e.id: {"status": e.status.value, "progress": e.progress,
                       "owed": run.owed(e), "violated_day": e.violated_day}
                for e in run.ledger.values()}

    def refused(self) -> list[dict[str, Any]]:
        return [{"day": e.event.day, "type": e.event.TYPE, "event": e.event.describe(),
                 "code": e.code, "reason": e.reason} for e in self.outcome.refused]

    def __repr__(self) -> str:
        hyp = " (hypothetical)" if self.hypothetical else ""
        return f"<VariantResult {self.name!r}{hyp}: {self.final_state} on day {self.final_day}>"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "hypothetical": self.hypothetical,
            "description": self.description, "changes": list(self.changes),
            "final_state": self.final_state, "final_day": self.final_day,
            "phase_entered": self.phase_entered(), "days_in_limbo": self.days_in_limbo,
            "days_suspended": self.days_suspended, "suspensions": self.suspensions(),
            "first_violation": self.first_violation(),
            "obligations": self.obligations(),
            "allegations": [a.to_dict() for a in self.run.allegations],
            "refused": self.refused(),
            "divergence": self.divergence.to_dict() if self.divergence else None,
            "forked_at_day": self.forked_at_day,
        }
