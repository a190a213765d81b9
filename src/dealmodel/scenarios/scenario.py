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
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs

from dealmodel.errors import (
    InputError,
    Problem,
    ScenarioError,
    short,
)
from dealmodel.io.deals import (
    builtin_deal,
    builtin_deals,
    deal_from_dict,
)
from dealmodel.io.limits import Limits
from dealmodel.io.reader import Reader
from dealmodel.io.resolve import (
    AllowPaths,
    Source,
    builtin_names,
    load_source,
    looks_like_a_path,
    resolve,
)
from dealmodel.model.deal import Deal
from dealmodel.model.events import Event
from dealmodel.scenarios.expect import (
    Expectation,
    expectation_from_dict,
)
from dealmodel.scenarios.outcome import EventOutcome, Outcome, run_scenario
from dealmodel.scenarios.reading import line_at, parse_events, scenario_deal
from dealmodel.scenarios.variant_files import parse_variants
from dealmodel.scenarios.variants import Variant

__all__ = [
    "EventOutcome",
    "Outcome",
    "Scenario",
    "builtin_scenario",
    "builtin_scenarios",
    "load_deal_or_scenario",
    "load_scenario",
    "run_scenario",
]

_FIELDS = ("deal", "title", "description", "hypothetical", "sources", "events", "variants",
           "expect", "until", "assumptions")


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
    sources: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)
    source: str | None = None  # the file it came from
    raw_variants: Any = attrs.field(default=None, eq=False, repr=False)
    #: the outcome the file's author expects (``expect:``), checked by ``dealmodel test``
    expect: Expectation | None = attrs.field(default=None, eq=False, repr=False)
    #: run only up to this day (``until:``), to see the deal as it stood then
    until: int | None = None
    #: the ``assumptions:`` block for Monte Carlo simulation, as loaded (checked by
    #: :func:`dealmodel.analysis.montecarlo.assumptions_of`)
    raw_assumptions: Any = attrs.field(default=None, eq=False, repr=False)

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




def scenario_from_dict(data: Any, source: str | None = None, base: Path | None = None,
                       default_deal: Deal | None = None, *, allow_paths: AllowPaths = (),
                       limits: Limits | None = None) -> Scenario:
    """Build a Scenario from plain data; every problem is reported at once.

    A ``deal:`` path is read relative to ``base`` (default: the current folder) and must
    lead to a file under it or under one of ``allow_paths``.
    """
    reader = Reader()
    m = reader.mapping(data, "", _FIELDS)
    if m is None:
        raise ScenarioError(reader.problems, source)
    if "phases" in m and "events" not in m and "deal" not in m:
        raise ScenarioError([Problem("", "this is a deal file, not a scenario",
                                     "check it with: dealmodel check FILE; to run it, write "
                                     "a scenario with deal: FILE and events:")], source)
    deal = scenario_deal(reader, m, base or Path.cwd(), default_deal, allow_paths, limits)
    events, problems = parse_events(reader.items(m, "events", "", required=True), deal=deal)
    reader.problems.extend(problems)
    title = reader.field(m, "title", "", str, "")
    description = reader.field(m, "description", "", str, "")
    hypothetical = reader.field(m, "hypothetical", "", bool, False)
    sources = reader.texts(m, "sources", "")
    expect = None
    if "expect" in m:
        expect, found = expectation_from_dict(m["expect"])
        reader.problems.extend(Problem(p.path, p.message, p.fix, line_at(m, p.path))
                               for p in found)
    until = _until(reader, m, deal)
    if reader.problems or deal is None:
        raise ScenarioError(reader.problems, source)
    scenario = Scenario(deal, events, title, description, hypothetical, tuple(sources), source,
                        m.get("variants"), expect, until, m.get("assumptions"))
    if scenario.raw_variants is not None:
        scenario.variants()  # check them now: a bad variant is a bad scenario file
    return scenario


def builtin_scenarios() -> tuple[str, ...]:
    """Names of the scenarios shipped with dealmodel (e.g. ``gaza-2025``)."""
    return builtin_names("scenario")


def builtin_scenario(name: str) -> Scenario:
    """A built-in scenario by name, e.g. ``builtin_scenario("gaza-2025")``."""
    names = builtin_scenarios()
    if name not in names:
        raise ScenarioError([Problem("", f"no built-in scenario named {short(name)}",
                                     "built-in scenarios: " + ", ".join(names))])
    return _load(resolve(name, "scenario"), (), None)


def load_scenario(ref: str | os.PathLike[str], *, allow_paths: AllowPaths = (),
                  limits: Limits | None = None) -> Scenario:
    """A scenario from a YAML file, or a built-in scenario by name (``"gaza-2025"``).

    Errors name the file, line, entry and field; a path that does not exist says so. The
    file's ``deal:`` may name a built-in deal or a file under the scenario's folder; to
    allow files elsewhere, list their folders in ``allow_paths``. ``limits`` raises or
    lowers the bounds on what a file may cost (see :class:`~dealmodel.io.limits.Limits`).
    """
    try:
        source = resolve(ref, "scenario")
    except InputError as exc:
        raise ScenarioError(exc.problems, os.fspath(ref)) from None
    return _load(source, allow_paths, limits)


def _load(source: Source, allow_paths: AllowPaths, limits: Limits | None) -> Scenario:
    try:
        data = load_source(source, limits)
    except InputError as exc:
        raise ScenarioError(exc.problems, source.name) from None
    return scenario_from_dict(data, source.name, source.folder, allow_paths=allow_paths,
                              limits=limits)


def load_deal_or_scenario(ref: str | os.PathLike[str], *, allow_paths: AllowPaths = (),
                          limits: Limits | None = None) -> Deal | Scenario:
    """A deal or a scenario, told apart by the file's keys (a scenario has ``events:`` or
    ``deal:``); a bare name is a built-in deal, else a built-in scenario."""
    text = os.fspath(ref)
    if not isinstance(ref, os.PathLike) and text in builtin_deals():
        return builtin_deal(text)
    try:
        source = resolve(ref, "scenario")
    except InputError as exc:
        problems = exc.problems
        if not isinstance(ref, os.PathLike) and not looks_like_a_path(text):
            problems = (Problem("", f"no built-in deal or scenario and no file named "
                                f"{short(text)}", f"built-in deals: {', '.join(builtin_deals())}"
                                f"; built-in scenarios: {', '.join(builtin_scenarios())}"),)
        raise InputError(problems, text) from None
    if source.builtin:
        return _load(source, allow_paths, limits)
    data = load_source(source, limits)
    if isinstance(data, dict) and ("events" in data or "deal" in data):
        return scenario_from_dict(data, source.name, source.folder, allow_paths=allow_paths,
                                  limits=limits)
    return deal_from_dict(data, source.name)
