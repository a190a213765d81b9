"""An outcome as text: the timeline and the summary ``dealmodel run`` prints.

Everything is made from the run's typed records and the events themselves at the edge:
what each event says in its own words (a suspension's reason, an allegation's evidence,
a report's summary), its note and its source are printed with it; the summary says on
which day (and date) each state was entered, each phase's term ran to and the deal
ended, and lists what was put on record without judging.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dealmodel.engine.record_handlers import on_record
from dealmodel.engine.records import EndCause, Ended
from dealmodel.model.deal import Deal
from dealmodel.model.events import Event
from dealmodel.scenarios.documents import iso, phase_terms

if TYPE_CHECKING:
    from dealmodel.scenarios.outcome import Outcome

__all__ = ["ending_event", "event_lines", "head_lines", "record_lines", "summary", "timeline"]

_INDENT = " " * 10


def when(deal: Deal, day: int) -> str:
    """``day  12 (2025-01-30)``: a day, with its date where the deal has one."""
    date = iso(deal, day)
    return f"day {day:>3}" + (f" ({date})" if date else "")


def _on(deal: Deal, day: int) -> str:
    date = iso(deal, day)
    return f" ({date})" if date else ""


def event_lines(event: Event, shown: str = "") -> list[str]:
    """What an event says in its own words, then its note and source: ``field: text``
    lines (a text already in ``shown``, the event's description, is not repeated)."""
    lines = [f"{name}: {text}" for name, text in event.texts() if text not in shown]
    if event.disputed:
        lines.append(f"disputed: {event.disputed}")
    if event.note:
        lines.append(f"note: {event.note}")
    if event.source:
        lines.append(f"source: {event.source}")
    return lines


def timeline(outcome: Outcome) -> str:
    """A readable timeline: day, event, what it says (note, source, reason, ...), the
    state change and the obligations changed. What the clock did on earlier days (a
    deadline passed, a phase expired) is printed under its own day, before the event
    that moved the clock."""
    deal = outcome.run.deal
    lines = []
    for item in outcome.events:
        day = item.event.day
        shown = None
        for r in item.records:
            if r.day < day:
                if r.day != shown:
                    lines.append(f"{when(deal, r.day)}  (as the clock passes)")
                    shown = r.day
                lines.append(f"{_INDENT}{r}")
        mark = "" if item.accepted else "  REFUSED"
        described = item.event.describe()
        label = described + (" [hypothetical]" if item.event.hypothetical else "")
        lines.append(f"{when(deal, day)}  {label}{mark}")
        if not item.accepted:
            lines.append(f"{_INDENT}refused ({item.code}): {item.reason}")
        lines.extend(f"{_INDENT}{text}" for text in event_lines(item.event, described))
        lines.extend(f"{_INDENT}{r}" for r in item.records if r.day >= day)
    return "\n".join(lines)


#: The event type behind each ending that an event brings about (the others: time ran out).
_ENDED_BY = {EndCause.HOSTILITIES: "hostilities_resumed", EndCause.TERMINATED: "terminate",
             EndCause.TALKS_ENDED: "negotiations_ended",
             EndCause.RENEWAL_OBJECTED: "object_renewal"}


def ending_event(outcome: Outcome) -> Event | None:
    """The accepted event that brought the deal's ending about (a declaration, fighting,
    talks ending, an objection), or None when time ran out or the deal has not ended."""
    end = outcome.run.end
    kind = _ENDED_BY.get(end.cause) if end is not None else None
    if end is None or kind is None:
        return None
    found = [e.event for e in outcome.events if e.accepted and kind == e.event.TYPE
             and e.event.day <= end.day]
    return found[-1] if found else None


def _end_by(end: Ended) -> str:
    if not end.by:
        return ""
    who = ", ".join(end.by)
    if end.cause is EndCause.HOSTILITIES:
        return f" (attributed to {who}, as reported)"
    return f" (by {who})"


def head_lines(outcome: Outcome) -> list[str]:
    """The head of the summary: deal, scenario, final state (as of which day), how and
    when the deal ended (with what the ending event said), the day and date each state
    was entered, and each phase's term."""
    run = outcome.run
    deal = run.deal
    scenario = outcome.scenario
    hyp = " (hypothetical)" if scenario.hypothetical else ""
    title = deal.title + (" (hypothetical deal)" if deal.hypothetical else "")
    lines = [title, f"scenario: {scenario.title or '(untitled scenario)'}{hyp}",
             f"final state: {run.state} as of day {run.day}{_on(deal, run.day)}"]
    end = run.end
    if end is not None:
        lines.append(f"ended: {end.state} on day {end.day}{_on(deal, end.day)} - "
                     f"{end.cause.value}{_end_by(end)}")
        cause = ending_event(outcome)
        if cause is not None:
            lines.extend(f"  {text}" for text in event_lines(cause, cause.describe()))
    lines.append("phases: " + ", ".join(
        f"{s} (day {d}" + (f", {iso(deal, d)})" if iso(deal, d) else ")") for s, d in run.history))
    terms = []
    for item in phase_terms(run):
        if item["entered_day"] is None:
            continue
        end_day = item["end_day"]
        span = (f"days {item['entered_day']}-{end_day}" if end_day is not None
                else f"from day {item['entered_day']}, open-ended")
        extra = []
        if item["extended_days"]:
            extra.append(f"extended by {item['extended_days']} day(s)")
        if item["renewals"]:
            extra.append(f"renewed {item['renewals']} time(s)")
        if item["left_day"] is not None:
            extra.append(f"left on day {item['left_day']}")
        terms.append(f"{item['id']} {span}" + (f" ({', '.join(extra)})" if extra else ""))
    if terms:
        lines.append("terms: " + "; ".join(terms))
    return lines


def record_lines(outcome: Outcome) -> list[str]:
    """What the record holds besides the ledger: the reasons given, what was put on
    record without judging, the indicators measured, and the sources cited."""
    run = outcome.run
    deal = run.deal
    lines: list[str] = []
    reasons = [(e.event, text) for e in outcome.events if e.accepted
               for name, text in e.event.texts() if name == "reason"]
    if reasons:
        lines.append("reasons given (as stated):")
        lines.extend(f"  day {ev.day}: {ev.describe()} - {text}" for ev, text in reasons)
    noted = on_record(run)
    if noted:
        events = {id(r): e.event for e in run.log for r in e.records}
        lines.append("on record (as reported; recorded, not judged):")
        for r in noted:
            ev = events[id(r)]
            source = f" - source: {ev.source}" if ev.source else ""
            lines.append(f"  {r.id} day {r.day}: {ev.describe()}{source}")
    for indicator in deal.indicators:
        reports = [r for r in noted if r.indicator == indicator.id and r.total is not None]
        total = f"{reports[-1].total:,} {indicator.unit}" if reports else "no figures"
        lines.append(f"indicator {indicator.id}: {total} ({len(reports)} report(s))")
    sources = list(dict.fromkeys(e.event.source for e in outcome.events if e.event.source))
    if sources:
        lines.append(f"sources cited ({len(sources)}):")
        lines.extend(f"  {s}" for s in sources)
    return lines


def summary(outcome: Outcome) -> str:
    """Final state, day, a table of obligations, the allegations and the record."""
    run = outcome.run
    lines = [*head_lines(outcome), ""]
    rows = [("obligation", "obligor", "status", "progress", "due")]
    for entry in run.ledger.values():
        ob = entry.obligation
        owed = run.owed(entry)
        progress = f"{entry.progress:,}/{owed:,}" if owed is not None else f"{entry.progress:,}"
        rows.append((ob.id, "+".join(ob.obligors), entry.status.value, progress,
                     "-" if entry.due_day is None else str(entry.due_day)))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    for i, row in enumerate(rows):
        cells = (cell.ljust(w) for cell, w in zip(row, widths, strict=True))
        lines.append("  ".join(cells).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines.append("")
    if run.allegations:
        lines.append("allegations (an allegation is not a finding):")
        for a in run.allegations:
            what = a.obligation or "the deal"
            ruling = (f"{a.status.value} by {a.ruled_by} on day {a.ruled_day}"
                      if a.ruled_by else "no ruling")
            about = f" (concerning {a.refers_to})" if a.refers_to else ""
            held = (f" (withheld by {a.against} since day {a.withheld_from})"
                    if a.withheld_from is not None else "")
            lines.append(f"  {a.id} day {a.day}: {a.by} alleges {a.against} violated "
                         f"{what}{held}{about} - {ruling}")
    else:
        lines.append("allegations: none")
    lines.extend(record_lines(outcome))
    refused = outcome.refused
    if refused:
        lines.append(f"refused events: {len(refused)}")
    return "\n".join(lines)
