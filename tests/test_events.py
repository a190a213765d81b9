"""Events: every type builds from data and back, describes itself, and bad data is named."""

from __future__ import annotations

from typing import Any

import pytest

from dealmodel import Performed
from dealmodel.io.events import event_from_dict, event_to_dict
from dealmodel.model.events import EVENT_TYPES

SAMPLES: list[dict[str, Any]] = [
    {"type": "advance", "day": 3},
    {"type": "perform", "day": 1, "party": "hamas", "obligation": "p1_hostages", "quantity": 3},
    {"type": "negotiations_opened", "day": 16, "phase": "phase2"},
    {"type": "negotiations_ended", "day": 50, "phase": "phase2"},
    {"type": "agreement_reached", "day": 35, "phase": "phase2"},
    {"type": "suspend", "day": 43, "party": "israel", "obligation": "p1_aid", "reason": "x"},
    {"type": "resume", "day": 44, "party": "israel"},
    {"type": "extend", "day": 4, "by": "qatar", "days": 2},
    {"type": "allege", "day": 44, "by": "qatar", "against": "israel", "evidence": "report"},
    {"type": "rule", "day": 45, "by": "egypt", "allegation": "A1", "upheld": False},
    {"type": "hostilities_resumed", "day": 59, "by": "israel", "note": "as reported",
     "hypothetical": True},
    {"type": "perform", "day": 9, "party": "a", "obligation": "remains", "by": "b",
     "part": "north", "quantity": 2, "disputed": "2 (one source) or 3 (another)"},
    {"type": "withhold", "day": 35, "party": "israel", "obligation": "p1_prisoners",
     "condition": "the next release is assured", "quantity": 602},
    {"type": "release", "day": 40, "party": "israel", "obligation": "p1_prisoners"},
    {"type": "report", "day": 12, "by": "monitor", "summary": "crossing open",
     "obligation": "p1_rafah"},
    {"type": "end_phase", "day": 30, "phase": "phase1", "by": "qatar"},
    {"type": "terminate", "day": 60, "by": "israel", "notice_days": 7, "reason": "x"},
    {"type": "amend", "day": 10, "by": ["israel", "hamas"], "obligation": "p1_rafah",
     "due_day": 14},
    {"type": "renew", "day": 30, "by": "qatar"},
    {"type": "object_renewal", "day": 30, "by": "hamas"},
    {"type": "declare", "day": 43, "by": "us", "statement": "phase 2 has begun",
     "phase": "phase2", "source": "https://example.org/statement"},
    {"type": "report", "day": 20, "by": ["monitor", "qatar"], "indicator": "tonnes",
     "cumulative": 32860000, "figures": {"vessels": 1204, "share_food": 0.57}, "id": "jcc-1"},
    {"type": "perform", "day": 14, "party": "hamas", "obligation": "p1_hostages",
     "cumulative": 10},
    {"type": "statement", "day": 21, "by": ["israel", "us"], "text": "talks continue",
     "obligation": "p1_aid"},
    {"type": "incident", "day": 22, "by": "hamas", "location": "Rafah", "summary": "a strike",
     "reported_by": "monitor", "obligation": "p1_ceasefire_hamas", "figures": {"killed": 2},
     "id": "rafah-strike", "source": "https://example.org/report"},
    {"type": "incident", "day": 23, "location": "the port", "summary": "shelling reported"},
    {"type": "finding", "day": 30, "body": "a court", "summary": "an order",
     "concerning": "israel",
     "obligation": "p1_aid"},
    {"type": "allege", "day": 31, "by": "israel", "against": "hamas", "refers_to": "I1"},
    {"type": "end_duty", "day": 40, "by": "israel", "obligation": "p1_aid",
     "reason": "mandate withdrawn"},
    {"type": "renew", "day": 30, "by": "qatar", "obligation": "mandate"},
    {"type": "object_renewal", "day": 30, "by": "hamas", "obligation": "mandate"},
]


def test_samples_cover_every_type() -> None:
    assert {s["type"] for s in SAMPLES} == set(EVENT_TYPES)


@pytest.mark.parametrize("data", SAMPLES, ids=[f"{i}-{s['type']}" for i, s in enumerate(SAMPLES)])
def test_round_trip(data: dict[str, Any]) -> None:
    event, problems = event_from_dict(data)
    assert problems == [] and event is not None
    assert data["type"] == event.TYPE and event.day == data["day"]
    assert event_to_dict(event) == data
    assert event.describe()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"day": 1}, "events[0].type: is required"),
        ({"type": ["perform"], "day": 1}, "events[0].type: must be an event type name, got a list"),
        ({"type": "perfom", "day": 1}, "did you mean 'perform'?"),
        ({"type": "perform", "day": "one", "party": "a", "obligation": "o"},
         "events[0].day: must be a whole number, got 'one' (str)"),
        ({"type": "perform", "day": 1, "party": "a"},
         "events[0].obligation: is required for a perform event"),
        ({"type": "rule", "day": 1, "by": "m", "allegation": "A1", "upheld": "yes"},
         "events[0].upheld: must be true or false, got 'yes' (str)"),
        ({"type": "advance", "day": 1, "party": "a"},
         "events[0].party: unknown field for a advance event"),
        ("not a mapping", "an event must be a mapping"),
    ],
)
def test_bad_event_data_is_named(data: Any, expected: str) -> None:
    event, problems = event_from_dict(data, "events[0]")
    assert event is None
    assert any(expected in str(p) for p in problems), problems


def test_describe_reads_naturally() -> None:
    assert Performed(1, party="hamas", obligation="p1_hostages", quantity=3).describe() == (
        "hamas performs 3 of p1_hostages")
    assert Performed(1, party="israel", obligation="p1_netzarim").describe() == (
        "israel performs p1_netzarim")
