"""Scenarios: a deal plus a dated list of events, from YAML or Python, and their outcome.

A scenario file names its deal (a built-in name, a path relative to the file, or an
inline definition) and lists events::

    deal: gaza-2025
    title: As reported
    events:
      - {day: 1, type: perform, party: hamas, obligation: p1_hostages, quantity: 3}

:func:`run_scenario` applies the events in order; a refused event is recorded with
its reason and the run goes on without it. The :class:`Outcome` renders as a
timeline, a summary, or the JSON document ``dealmodel run --json`` prints.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import yaml

from dealmodel.engine import Run
from dealmodel.engine.records import Record, record_to_dict
from dealmodel.engine.score import implementation_rate
from dealmodel.errors import DealDefinitionError, EventRejected, Problem, ScenarioError
from dealmodel.io.deals import deal_from_dict, resolve_deal
from dealmodel.io.events import event_from_dict
from dealmodel.io.yaml import LineDict, Reader, load_yaml, yaml_error_problem
from dealmodel.model.deal import Deal
from dealmodel.model.events import Event
from dealmodel.scenarios.documents import event_fields, obligation_document
from dealmodel.scenarios.expect import (
    Expectation,
    Mismatch,
    check_expectations,
    expectation_from_dict,
)
from dealmodel.scenarios.variants import Variant, parse_variants

__all__ = [
    "EventOutcome",
    "Outcome",
    "Scenario",
    "builtin_scenario",
    "builtin_scenarios",
    "load_scenario",
    "run_scenario",
]

_FIELDS = ("deal", "title", "description", "hypothetical", "sources", "events", "variants",
           "expect")


def _str_tuple(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(items)


def _event_tuple(events: Iterable[Event]) -> tuple[Event, ...]:
    return tuple(events)


@attrs.frozen
class Scenario:
    """A deal and the dated events to run it against."""

    deal: Deal
    events: tuple[Event, ...] = attrs.field(converter=_event_tuple)
    title: str = ""
    description: str = ""
    hypothetical: bool = False
    sources: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    source: str | None = None  # the file it came from
    raw_variants: Any = attrs.field(default=None, eq=False, repr=False)
    #: the outcome the file's author expects (``expect:``), checked by ``dealmodel test``
    expect: Expectation | None = attrs.field(default=None, eq=False, repr=False)

    def run(self) -> Outcome:
        return run_scenario(self)

    def variant(self, name: str, description: str = "") -> Variant:
        """A hypothetical variant of this scenario, to change with drop/shift/add/with_deal."""
        return Variant(self, name, description)

    def variants(self) -> tuple[Variant, ...]:
        """The variants declared under ``variants:`` in the scenario file."""
        return parse_variants(self)


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
        return {
            "deal": run.deal.id,
            "scenario": self.scenario.title,
            "hypothetical": self.scenario.hypothetical,
            "final_state": run.state,
            "day": run.day,
            "phase_history": [{"state": s, "entered_day": d} for s, d in run.history],
            "obligations": obligations,
            "events": [
                {"day": e.event.day, "type": e.event.TYPE, "accepted": e.accepted,
                 "refusal": None if e.accepted else {"code": e.code, "reason": e.reason},
                 "description": e.event.describe(),
                 "records": [record_to_dict(r) for r in e.records],
                 **event_fields(e.event)}
                for e in self.events
            ],
            "allegations": [a.to_dict() for a in run.allegations],
            "implementation": [{"day": d, "rate": r} for d, r in implementation_rate(run)],
        }

    def timeline(self) -> str:
        """A readable timeline: day, event, state change, obligations changed."""
        lines = []
        for item in self.events:
            mark = "" if item.accepted else "  REFUSED"
            label = item.event.describe() + (" [hypothetical]" if item.event.hypothetical else "")
            lines.append(f"day {item.event.day:>3}  {label}{mark}")
            if not item.accepted:
                lines.append(f"          reason: {item.reason}")
            for change in item.changes:
                lines.append(f"          {change}")
        return "\n".join(lines)

    def summary(self) -> str:
        """Final state, day, a table of obligations and the allegations."""
        run = self.run
        title = self.scenario.title or "(untitled scenario)"
        hyp = " (hypothetical)" if self.scenario.hypothetical else ""
        lines = [f"{run.deal.title}", f"scenario: {title}{hyp}",
                 f"final state: {run.state} on day {run.day}",
                 "phases: " + ", ".join(f"{s} (day {d})" for s, d in run.history), ""]
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
                held = (f" (withheld by {a.against} since day {a.withheld_from})"
                        if a.withheld_from is not None else "")
                lines.append(f"  {a.id} day {a.day}: {a.by} alleges {a.against} violated "
                             f"{what}{held} - {ruling}")
        else:
            lines.append("allegations: none")
        refused = self.refused
        if refused:
            lines.append(f"refused events: {len(refused)}")
        return "\n".join(lines)



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


def run_scenario(scenario: Scenario, run: Run | None = None) -> Outcome:
    """Apply the scenario's events in order; refused events are recorded, not fatal."""
    run = run if run is not None else Run(scenario.deal)
    return Outcome(scenario, run, tuple(apply_events(run, scenario.events)))


def parse_events(items: Sequence[Any], path: str = "events") -> tuple[list[Event], list[Problem]]:
    events: list[Event] = []
    problems: list[Problem] = []
    for i, item in enumerate(items):
        event, found = event_from_dict(item, f"{path}[{i}]")
        problems.extend(found)
        if event is not None:
            events.append(event)
    return events, problems


def _line_at(data: Any, path: str) -> int | None:
    """The line of the deepest key of a dotted ``path`` found in line-tracking mappings."""
    line = None
    for part in path.split("."):
        if not isinstance(data, LineDict) or part not in data:
            break
        line = data.line_of(part)
        data = data[part]
    return line


def scenario_from_dict(data: Any, source: str | None = None, base: Path | None = None,
                       default_deal: Deal | None = None) -> Scenario:
    """Build a Scenario from plain data; every problem is reported at once."""
    reader = Reader()
    m = reader.mapping(data, "", _FIELDS)
    if m is None:
        raise ScenarioError(reader.problems, source)
    deal: Deal | None = default_deal
    raw = m.get("deal")
    if raw is None and deal is None:
        reader.problem("deal", "is required", "name a built-in deal (e.g. gaza-2025), a "
                       "YAML path, or give the definition inline", m)
    elif isinstance(raw, dict):
        try:
            deal = deal_from_dict(raw, source)
        except DealDefinitionError as exc:
            line = m.line_of("deal") if isinstance(m, LineDict) else None
            reader.problems.extend(p.prefixed("deal", line) for p in exc.problems)
    elif raw is not None:
        if not isinstance(raw, str):
            reader.problem("deal", f"must be a name, a path or a mapping, got {raw!r:.60}",
                           "", m, "deal")
        else:
            try:
                deal = resolve_deal(raw, base)
            except DealDefinitionError as exc:
                line = m.line_of("deal") if isinstance(m, LineDict) else None
                reader.problems.extend(p.prefixed("deal", line) for p in exc.problems)
    events, problems = parse_events(reader.items(m, "events", "", required=True))
    reader.problems.extend(problems)
    title = reader.field(m, "title", "", str, "")
    description = reader.field(m, "description", "", str, "")
    hypothetical = reader.field(m, "hypothetical", "", bool, False)
    sources = reader.items(m, "sources", "")
    expect = None
    if "expect" in m:
        expect, found = expectation_from_dict(m["expect"])
        reader.problems.extend(Problem(p.path, p.message, p.fix, _line_at(m, p.path))
                               for p in found)
    if reader.problems or deal is None:
        raise ScenarioError(reader.problems, source)
    scenario = Scenario(deal, events, title, description, hypothetical, tuple(sources), source,
                        m.get("variants"), expect)
    if scenario.raw_variants is not None:
        scenario.variants()  # check them now: a bad variant is a bad scenario file
    return scenario


def builtin_scenarios() -> tuple[str, ...]:
    """Names of the scenarios shipped with dealmodel (e.g. ``gaza-2025``)."""
    folder = resources.files("dealmodel") / "data" / "scenarios"
    return tuple(sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml")))


def builtin_scenario(name: str) -> Scenario:
    """A built-in scenario by name, e.g. ``builtin_scenario("gaza-2025")``."""
    names = builtin_scenarios()
    if name not in names:
        raise ScenarioError([Problem("", f"no built-in scenario named {name!r}",
                                     "built-in scenarios: " + ", ".join(names))])
    resource = resources.files("dealmodel") / "data" / "scenarios" / f"{name}.yaml"
    with resources.as_file(resource) as real:
        return _load_scenario_file(real)


def load_scenario(ref: str | Path) -> Scenario:
    """A scenario from a YAML file, or a built-in scenario by name (``"gaza-2025"``).

    Errors name the file, line, entry and field; a path that does not exist says so.
    """
    text = str(ref)
    if not isinstance(ref, Path) and not text.endswith((".yaml", ".yml")) \
            and text in builtin_scenarios():
        return builtin_scenario(text)
    path = Path(ref)
    if not path.exists():
        raise ScenarioError([Problem("", "no such file", "check the path; built-in "
                                     "scenarios: " + ", ".join(builtin_scenarios()))], text)
    return _load_scenario_file(path)


def _load_scenario_file(path: Path) -> Scenario:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError([Problem("", f"cannot read scenario file: {exc.strerror}",
                                     "check the path")], str(path)) from None
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        raise ScenarioError([yaml_error_problem(exc)], str(path)) from None
    return scenario_from_dict(data, str(path), path.parent)

