"""Event fields are type-checked when an event is built (the Python API), not when applied."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from dealmodel import (
    ClockAdvanced,
    DealModelError,
    Event,
    Extended,
    HostilitiesResumed,
    Performed,
    Ruling,
    Suspended,
    ViolationAlleged,
    builtin_deal,
    start,
)
from dealmodel.errors import EventDefinitionError

NAN = float("nan")


@pytest.mark.parametrize(("build", "expected"), [
    (lambda: Performed(1, party="hamas", obligation="p1_hostages", quantity=2.5),
     "quantity: must be a whole number, got 2.5 (float)"),
    (lambda: Performed(1, party="hamas", obligation="p1_hostages", quantity=NAN),
     "quantity: must be a whole number, got nan (float)"),
    (lambda: Performed(1, party="hamas", obligation="p1_hostages", quantity=True),
     "quantity: must be a whole number, got True (bool)"),
    (lambda: ClockAdvanced(NAN), "day: must be a whole number, got nan (float)"),
    (lambda: ClockAdvanced("5"), "day: must be a whole number, got '5' (str)"),  # type: ignore[arg-type]
    (lambda: Extended(5, by="qatar", days=2.5), "days: must be a whole number, got 2.5"),
    (lambda: Ruling(5, by="qatar", allegation="A1", upheld="no"),  # type: ignore[arg-type]
     "upheld: must be true or false, got 'no' (str)"),
    (lambda: Ruling(5, by="qatar", allegation="A1", upheld=1),  # type: ignore[arg-type]
     "upheld: must be true or false, got 1 (int)"),
    (lambda: Suspended(5, party=3), "party: must be text, got 3 (int)"),  # type: ignore[arg-type]
    (lambda: Suspended(5, party="israel", obligation=["x"]),  # type: ignore[arg-type]
     "obligation: must be text or nothing, got ['x'] (list)"),
    (lambda: HostilitiesResumed(5, note=None),  # type: ignore[arg-type]
     "note: must be text, got None"),
    (lambda: ViolationAlleged(5, by="qatar", against="israel", hypothetical="yes"),  # type: ignore[arg-type]
     "hypothetical: must be true or false"),
])
def test_wrong_types_are_refused_at_construction(build: Any, expected: str) -> None:
    with pytest.raises(EventDefinitionError) as info:
        build()
    assert expected in str(info.value)
    assert isinstance(info.value, DealModelError) and isinstance(info.value, ValueError)
    assert not isinstance(info.value, TypeError)


def test_every_bad_field_is_named_at_once() -> None:
    with pytest.raises(EventDefinitionError) as info:
        Performed(1.5, party=2, obligation="o", quantity="3")  # type: ignore[arg-type]
    assert [p.path for p in info.value.problems] == ["day", "party", "quantity"]
    assert str(info.value).startswith("invalid perform event (3 problems):")


def test_evolve_is_checked_too() -> None:
    event = Performed(1, party="hamas", obligation="p1_hostages", quantity=3)
    with pytest.raises(EventDefinitionError):
        attrs.evolve(event, day=NAN)


def test_optional_fields_take_none_and_good_events_build() -> None:
    assert Suspended(5, party="israel", obligation=None).obligation is None
    assert HostilitiesResumed(5).by is None
    assert Ruling(5, by="qatar", allegation="A1", upheld=False).upheld is False


def test_a_nan_quantity_never_reaches_a_run() -> None:
    run = start(builtin_deal("gaza-2025"))
    run.apply(ClockAdvanced(1))
    before = run.to_dict()
    with pytest.raises(DealModelError):
        run.apply(Performed(1, party="hamas", obligation="p1_hostages", quantity=NAN))
    assert run.to_dict() == before


def test_user_defined_events_are_checked_by_their_annotations() -> None:
    @attrs.frozen
    class Shelled(Event):
        TYPE = "shelled"
        by: str
        rounds: int = 1
        where: str | None = None

    assert Shelled(3, by="x", rounds=4).rounds == 4
    with pytest.raises(EventDefinitionError, match="rounds: must be a whole number"):
        Shelled(3, by="x", rounds=4.0)


@pytest.mark.parametrize(("by", "expected"), [
    (3, "by: must be a name or a list of names, got 3 (int)"),
    ([], "by: must be a name or a list of names, got ()"),
    (["qatar", 5], "by: must be a name or a list of names, got ('qatar', 5)"),
    ([["qatar"]], "by: must be a name or a list of names"),
])
def test_joint_actors_are_names(by: Any, expected: str) -> None:
    with pytest.raises(EventDefinitionError, match=expected.replace("(", r"\(").replace(
            ")", r"\)")):
        Extended(5, by=by)


def test_joint_actors_build_and_are_checked_against_the_deal(tmp_path: Any) -> None:
    from dealmodel import ScenarioError, load_scenario

    assert Extended(5, by=["qatar", "egypt"]).by == ("qatar", "egypt")
    assert Extended(5, by=["qatar"]).by == "qatar"
    path = tmp_path / "s.yaml"
    path.write_text("deal: gaza-2025\nevents:\n  - {day: 2, type: extend, by: [qatar, egytp]}\n")
    with pytest.raises(ScenarioError, match=r"line 3: events\[0\].by: unknown party 'egytp' in "
                                            r"gaza-2025 \(did you mean 'egypt'\?\)"):
        load_scenario(path)
