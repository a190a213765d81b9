"""Expected outcomes: what a scenario file says should come out of its run, and the check.

A scenario file may state under ``expect:`` the outcome its author expects; ``dealmodel
test FILE...`` (and :func:`check_expectations` from Python or pytest) runs it and lists
every mismatch, expected against actual. Expectations are compared with the run's JSON
document (``dealmodel run --json``), so every field that document has can be expected::

    expect:
      final_state: collapsed        # any top-level field of the JSON: day, ended_day, ...
      ended_day: 59
      phases: {phase1: 1, "phase1:limbo": 43, phase2: null}   # entered on (null: never)
      obligations:
        p1_netzarim: {status: fulfilled, fulfilled_day: 22}  # any per-obligation field
      terms:
        phase1: {end_day: 44, extended_days: 2}   # any field of the phase's term
      on_record:
        I1: {event: incident, by: [hamas]}        # any field of what is on record
      counts: {refused: 0, allegations: 1, on_record: 2}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from dealmodel.errors import Problem

__all__ = ["Expectation", "Mismatch", "check_expectations", "expectation_from_dict"]

_SECTIONS = ("phases", "obligations", "terms", "on_record", "counts")
#: keys for the reader (what the file demonstrates), not compared with the run
_NOTES = ("property", "note")
#: The keyed sections: expected fields of each item of a list in the run's JSON document,
#: by its id (section -> the document's list, and what an item is called in messages).
_KEYED = {"obligations": ("obligations", "obligation"), "terms": ("phases", "phase"),
          "on_record": ("on_record", "record")}
_COUNTS = ("refused", "accepted", "events", "allegations", "hypothetical", "on_record")


@attrs.frozen
class Mismatch:
    """One expected value that the run did not produce."""

    path: str
    expected: Any
    actual: Any

    def __str__(self) -> str:
        return f"{self.path}: expected {self.expected!r}, got {self.actual!r}"


@attrs.frozen
class Expectation:
    """What a scenario's run should produce (see the module docstring for the format)."""

    fields: Mapping[str, Any] = attrs.field(factory=dict)
    phases: Mapping[str, int | None] = attrs.field(factory=dict)
    obligations: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)
    counts: Mapping[str, int] = attrs.field(factory=dict)
    allegations: Mapping[str, str] = attrs.field(factory=dict)
    #: a phase's term (the JSON ``phases`` entries) and what is on record, by id
    terms: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)
    on_record: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)

    def __bool__(self) -> bool:
        return bool(self.fields or self.phases or self.obligations or self.counts
                    or self.allegations or self.terms or self.on_record)

    def keyed(self, section: str) -> Mapping[str, Mapping[str, Any]]:
        out: Mapping[str, Mapping[str, Any]] = getattr(self, section)
        return out


def expectation_from_dict(data: Any, path: str = "expect") -> tuple[Expectation | None,
                                                                    list[Problem]]:
    """Parse an ``expect:`` mapping; returns (expectation, problems)."""
    if not isinstance(data, dict):
        return None, [Problem(path, f"must be a mapping, got {type(data).__name__}",
                              "write field: value pairs, e.g. final_state: collapsed")]
    problems: list[Problem] = []
    fields = {str(k): v for k, v in data.items() if k not in _SECTIONS and k not in _NOTES
              and k != "refused" and not (k == "allegations" and isinstance(v, dict))}
    phases: dict[str, int | None] = {}
    keyed: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in _KEYED}
    counts: dict[str, int] = {}
    raw = data.get("phases", {})
    if not isinstance(raw, dict):
        problems.append(Problem(f"{path}.phases", "must map states to the day each was "
                                "entered", 'e.g. phases: {phase1: 1, "phase1:limbo": 43}'))
    else:
        for state, day in raw.items():
            if day is not None and (not isinstance(day, int) or isinstance(day, bool)):
                problems.append(Problem(f"{path}.phases.{state}", f"must be a day number or "
                                        f"null (never entered), got {day!r:.40}", ""))
            else:
                phases[str(state)] = day
    for section, (_, what) in _KEYED.items():
        raw = data.get(section, {})
        if not isinstance(raw, dict):
            problems.append(Problem(f"{path}.{section}", f"must map {what} ids to fields",
                                    "e.g. obligations: {p1_netzarim: {status: fulfilled}}"))
            continue
        for oid, want in raw.items():
            if not isinstance(want, dict):
                problems.append(Problem(f"{path}.{section}.{oid}", "must be a mapping of "
                                        "fields", "e.g. {status: fulfilled, progress: 33}"))
            else:
                keyed[section][str(oid)] = {str(k): v for k, v in want.items()}
    raw = dict(data.get("counts", {})) if isinstance(data.get("counts", {}), dict) else \
        data.get("counts")
    if "refused" in data and isinstance(raw, dict):
        raw.setdefault("refused", data["refused"])  # shorthand for counts: {refused: n}
    if not isinstance(raw, dict):
        problems.append(Problem(f"{path}.counts", "must be a mapping",
                                "e.g. counts: {refused: 0}"))
    else:
        for name, n in raw.items():
            if name not in _COUNTS:
                problems.append(Problem(f"{path}.counts.{name}", "unknown count",
                                        "counts: " + ", ".join(_COUNTS)))
            elif not isinstance(n, int) or isinstance(n, bool):
                problems.append(Problem(f"{path}.counts.{name}", f"must be a whole number, "
                                        f"got {n!r:.40}", ""))
            else:
                counts[str(name)] = n
    rulings = data.get("allegations")
    allegations: dict[str, str] = {}
    if isinstance(rulings, dict):  # {A1: upheld, ...}: each allegation's status
        allegations = {str(k): str(v) for k, v in rulings.items()}
    return Expectation(fields, phases, keyed["obligations"], counts, allegations,
                       keyed["terms"], keyed["on_record"]), problems


def _counts(doc: Mapping[str, Any]) -> dict[str, int]:
    events = doc.get("events", [])
    return {
        "events": len(events),
        "accepted": sum(1 for e in events if e.get("accepted")),
        "refused": sum(1 for e in events if not e.get("accepted")),
        "hypothetical": sum(1 for e in events if e.get("hypothetical")),
        "allegations": len(doc.get("allegations", [])),
        "on_record": len(doc.get("on_record", [])),
    }


def check_expectations(expectation: Expectation, doc: Mapping[str, Any]) -> list[Mismatch]:
    """Every mismatch between ``expectation`` and a run's JSON document ``doc``."""
    out: list[Mismatch] = []
    missing = "(no such field)"
    for name, want in expectation.fields.items():
        got = doc.get(name, missing)
        if got != want:
            out.append(Mismatch(name, want, got))
    entered: dict[str, int] = {}
    for item in doc.get("phase_history", []):
        entered.setdefault(item["state"], item["entered_day"])
    for state, want_day in expectation.phases.items():
        got_day = entered.get(state)
        if got_day != want_day:
            out.append(Mismatch(f"phases.{state}", want_day,
                                "never entered" if got_day is None else got_day))
    for section, (listed, what) in _KEYED.items():
        by_id = {o["id"]: o for o in doc.get(listed, [])}
        for oid, want_fields in expectation.keyed(section).items():
            got_item = by_id.get(oid)
            if got_item is None:
                out.append(Mismatch(f"{section}.{oid}", want_fields, f"no such {what}"))
                continue
            for name, want in want_fields.items():
                got = got_item.get(name, missing)
                if got != want:
                    out.append(Mismatch(f"{section}.{oid}.{name}", want, got))
    statuses = {a["id"]: a["status"] for a in doc.get("allegations", [])}
    for aid, want_status in expectation.allegations.items():
        if statuses.get(aid) != want_status:
            out.append(Mismatch(f"allegations.{aid}", want_status,
                                statuses.get(aid, "no such allegation")))
    counts = _counts(doc)
    for name, want_n in expectation.counts.items():
        if counts[name] != want_n:
            out.append(Mismatch(f"counts.{name}", want_n, counts[name]))
    return out
