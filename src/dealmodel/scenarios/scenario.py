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

import datetime as dt
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import yaml

from dealmodel.errors import DealDefinitionError, Problem, ScenarioError
from dealmodel.io.deals import deal_from_dict, resolve_deal
from dealmodel.io.events import event_from_dict
from dealmodel.io.yaml import LineDict, Reader, load_yaml, yaml_error_problem
from dealmodel.model.deal import Deal
from dealmodel.model.events import Event
from dealmodel.scenarios.expect import (
    Expectation,
    expectation_from_dict,
)
from dealmodel.scenarios.outcome import EventOutcome, Outcome, run_scenario
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
           "expect", "until")


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
    #: run only up to this day (``until:``), to see the deal as it stood then
    until: int | None = None

    def run(self, until: int | None = None) -> Outcome:
        """Run the scenario (up to day ``until``, or the file's ``until:``, if given)."""
        return run_scenario(self, until=until)

    def __repr__(self) -> str:
        hyp = ", hypothetical" if self.hypothetical else ""
        return (f"<Scenario {self.title or 'untitled'!r} of deal {self.deal.id!r}: "
                f"{len(self.events)} events{hyp}>")

    def variant(self, name: str, description: str = "") -> Variant:
        """A hypothetical variant of this scenario, to change with drop/shift/add/with_deal."""
        return Variant(self, name, description)

    def variants(self) -> tuple[Variant, ...]:
        """The variants declared under ``variants:`` in the scenario file."""
        return parse_variants(self)


def parse_events(items: Sequence[Any], path: str = "events", in_force: str | None = None,
                 ) -> tuple[list[Event], list[Problem]]:
    events: list[Event] = []
    problems: list[Problem] = []
    for i, item in enumerate(items):
        event, found = event_from_dict(item, f"{path}[{i}]", in_force)
        problems.extend(found)
        if event is not None:
            events.append(event)
    return events, problems


def day_or_date(value: object, deal: Deal) -> int:
    """A deal day from a day number or a calendar date (``2025-03-13``); ValueError if neither."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, dt.date):
        return deal.day_of(value)
    if isinstance(value, str):
        if value.strip().lstrip("-").isdigit():
            return int(value)
        return deal.day_of(dt.date.fromisoformat(value.strip()))
    raise ValueError(f"not a day or a date: {value!r:.40}")


def _until(reader: Reader, m: dict[str, Any], deal: Deal | None) -> int | None:
    if m.get("until") is None or deal is None:
        return None
    try:
        return day_or_date(m["until"], deal)
    except ValueError as exc:
        reader.problem("until", f"must be a day number or a date (YYYY-MM-DD): {exc}",
                       "a date needs the deal's in_force date", m, "until")
        return None


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
    events, problems = parse_events(reader.items(m, "events", "", required=True),
                                    in_force=deal.in_force if deal is not None else None)
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
    until = _until(reader, m, deal)
    if reader.problems or deal is None:
        raise ScenarioError(reader.problems, source)
    scenario = Scenario(deal, events, title, description, hypothetical, tuple(sources), source,
                        m.get("variants"), expect, until)
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

