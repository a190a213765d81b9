"""Outcomes: what became of each event of a scenario, and the run it left, as text or JSON.

:func:`run_scenario` applies a scenario's events in order; a refused event is recorded
with its reason and code (and the clock still moves to its day), and the run goes on
without it. The :class:`Outcome` renders as a timeline, a summary, or the JSON document
``dealmodel run --json`` prints (with calendar dates beside days where the deal has an
``in_force`` date).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import attrs

from dealmodel import _display
from dealmodel.engine import Run
from dealmodel.engine.record_data import record_to_dict
from dealmodel.engine.records import (
    AfterEnd,
    Amendment,
    PhaseExtended,
    Record,
    TermRenewed,
)
from dealmodel.engine.score import implementation_rate
from dealmodel.errors import EventRejected
from dealmodel.model.events import ClockAdvanced, Event
from dealmodel.scenarios import export, text
from dealmodel.scenarios.documents import (
    event_document,
    indicator_documents,
    iso,
    obligation_document,
    on_record_documents,
    phase_terms,
)
from dealmodel.scenarios.expect import Mismatch, check_expectations

if TYPE_CHECKING:
    from dealmodel.scenarios.scenario import Scenario

__all__ = ["EventOutcome", "Outcome", "apply_events", "run_scenario"]


def _record_tuple(records: Iterable[Record]) -> tuple[Record, ...]:
    return tuple(records)


@attrs.frozen
class EventOutcome:
    """What became of one event: accepted with the records of what it changed, or refused
    with the reason and its code. A refused event still moves the clock to its day, so
    ``records`` then holds what the clock did (deadlines passed, a phase expired)."""

    event: Event
    accepted: bool
    reason: str | None
    records: tuple[Record, ...] = attrs.field(converter=_record_tuple)
    state: str  # the state after the event
    code: str | None = None  # the refusal's code

    @property
    def changes(self) -> list[str]:
        """The records in words (for display)."""
        return [str(r) for r in self.records]


@attrs.frozen
class Outcome:
    """The result of running a scenario: the final run and each event's fate."""

    scenario: Scenario
    run: Run
    events: tuple[EventOutcome, ...]

    @property
    def refused(self) -> tuple[EventOutcome, ...]:
        return tuple(e for e in self.events if not e.accepted)

    def mismatches(self) -> list[Mismatch]:
        """Where the run differs from the scenario's ``expect:`` (empty if none is given)."""
        if not self.scenario.expect:
            return []
        return check_expectations(self.scenario.expect, self.to_dict())

    def to_dict(self) -> dict[str, Any]:
        """The document printed by ``dealmodel run --json``."""
        run = self.run
        obligations = [obligation_document(run, entry) for entry in run.ledger.values()]
        deal = run.deal
        end = run.end
        return {
            "deal": deal.id,
            "scenario": self.scenario.title,
            "hypothetical": self.scenario.hypothetical,
            "in_force": deal.in_force,
            "final_state": run.state,
            "day": run.day,
            "as_of_day": run.day,
            "as_of_date": iso(deal, run.day),
            "ended_day": end.day if end else None,
            "ended_date": iso(deal, end.day) if end else None,
            "end_cause": end.cause.value if end else None,
            "ended_by": list(end.by) if end else [],
            "phase_history": [{"state": s, "entered_day": d, "entered_date": iso(deal, d)}
                              for s, d in run.history],
            "phases": phase_terms(run),
            "obligations": obligations,
            "events": [event_document(deal, e) for e in self.events],
            "on_record": on_record_documents(run),
            "indicators": indicator_documents(run),
            "extensions": self._records_of(PhaseExtended),
            "amendments": self._records_of(Amendment),
            "renewals": self._records_of(TermRenewed),
            "after_end": self._records_of(AfterEnd),
            "allegations": [a.to_dict() for a in run.allegations],
            "implementation": [{"day": d, "rate": r} for d, r in implementation_rate(run)],
        }

    def records(self, table: str = "ledger") -> list[dict[str, Any]]:
        """Rows of a table: ``ledger`` (over time), ``events`` or ``allegations``."""
        return export.records(self, table)

    def to_csv(self, table: str = "ledger") -> str:
        """A table (see :meth:`records`) as CSV text, what ``dealmodel run --csv`` prints."""
        return export.to_csv(self.records(table), export.COLUMNS[table])

    def to_dataframe(self, table: str = "ledger") -> Any:
        """A table (see :meth:`records`) as a pandas DataFrame (``dealmodel[pandas]``)."""
        return export.to_dataframe(self.records(table), export.COLUMNS[table])

    def _repr_html_(self) -> str:
        """Jupyter: a compact summary with the details folded (see dealmodel.render.html)."""
        return _display.html(self)

    def __repr__(self) -> str:
        title = self.scenario.title or "untitled scenario"
        hyp = " (hypothetical)" if self.scenario.hypothetical else ""
        return (f"<Outcome of {title!r}{hyp}: {self.run.state} on day {self.run.day}, "
                f"{len(self.events)} events, {len(self.refused)} refused>")

    def _records_of(self, kind: type[Record]) -> list[dict[str, Any]]:
        return [record_to_dict(r) for e in self.events for r in e.records if isinstance(r, kind)]

    def timeline(self) -> str:
        """A readable timeline: day, event, what it says (reason, note, source, ...),
        state change, obligations changed. What the clock did on earlier days (a deadline
        passed, a phase expired) is printed under its own day, before the event that
        moved the clock (see :mod:`dealmodel.scenarios.text`)."""
        return text.timeline(self)

    def head_lines(self) -> list[str]:
        """The head of the summary: deal, scenario, final state (as of which day), how and
        when the deal ended, the day (and date) each state was entered, each phase's term."""
        return text.head_lines(self)

    def record_lines(self) -> list[str]:
        """The reasons given, what was put on record, the indicators and the sources."""
        return text.record_lines(self)

    def summary(self) -> str:
        """Final state, day, a table of obligations, the allegations and the record."""
        return text.summary(self)


def apply_events(run: Run, events: Iterable[Event]) -> list[EventOutcome]:
    """Apply events in order to ``run``; a refused event is recorded with its reason."""
    outcomes = []
    for event in events:
        try:
            entry = run.apply(event)
        except EventRejected as exc:
            clock: tuple[Record, ...] = ()
            if exc.code != "before-clock" and event.day > run.day:
                clock = run.advance_to(event.day).records  # time passes all the same
            outcomes.append(EventOutcome(event, False, exc.reason, clock, run.state, exc.code))
        else:
            outcomes.append(EventOutcome(event, True, None, entry.records, run.state))
    return outcomes


def run_scenario(scenario: Scenario, run: Run | None = None, until: int | None = None,
                 ) -> Outcome:
    """Apply the scenario's events in order; refused events are recorded, not fatal.

    With ``until`` (or the scenario's own ``until:``) only the events up to that day are
    applied and the clock is then moved to it: the deal as it stood on that day.
    """
    run = run if run is not None else Run(scenario.deal)
    until = until if until is not None else scenario.until
    events = scenario.events if until is None else [e for e in scenario.events
                                                    if e.day <= until]
    outcomes = apply_events(run, events)
    if until is not None and until > run.day:
        stop = ClockAdvanced(until, note="until: the deal as it stood on this day")
        outcomes.extend(apply_events(run, [stop]))
    return Outcome(scenario, run, tuple(outcomes))
