"""The engine: lifecycle, ledger, deadlines, refusals (all-or-nothing), dry runs, save/restore."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
import transitions

from dealmodel import (
    AgreementReached,
    ClockAdvanced,
    Deal,
    Event,
    EventRejected,
    Extended,
    HostilitiesResumed,
    NegotiationsEnded,
    NegotiationsOpened,
    Performed,
    Resumed,
    Ruling,
    Run,
    Suspended,
    ViolationAlleged,
    load_scenario,
    replay,
    start,
)
from dealmodel.engine.machine import lifecycle

ROOT = Path(__file__).parent.parent


def status(run: Run, obligation: str) -> str:
    return run.ledger[obligation].status.value


def phase1_on_schedule(deal: Deal) -> list[Event]:
    """All phase-1 hostage releases on the reported schedule, prisoners at 30:1."""
    events: list[Event] = []
    for day, n in [(1, 3), (7, 4), (14, 3), (21, 3), (28, 3), (35, 3), (40, 14)]:
        events.append(Performed(day, party="hamas", obligation="p1_hostages", quantity=n))
        events.append(Performed(day, party="israel", obligation="p1_prisoners", quantity=30 * n))
    return events


def test_record_scenario(gaza: Deal) -> None:
    """The public record runs through the engine with nothing refused (the full check of
    the documented outcome is tests/test_gaza_record.py)."""
    outcome = load_scenario(ROOT / "examples" / "gaza-2025-record.yaml").run()
    run = outcome.run
    assert not outcome.refused
    assert run.state == "collapsed" and run.day == 59
    assert run.history == [("pending", 0), ("phase1", 1), ("phase1:limbo", 43),
                           ("collapsed", 59)]
    assert status(run, "p1_hostages") == "fulfilled"
    assert status(run, "p1_philadelphi") == "violated"
    assert status(run, "p2_hostages") == "pending"


@pytest.mark.parametrize(("builtin", "example"), [
    ("gaza-2025", "gaza-2025-record"), ("gaza-2025-whatif", "gaza-2025-whatif")])
def test_builtin_scenario_matches_example(builtin: str, example: str) -> None:
    # The installed copy (from src/ in a checkout, from site-packages when testing a wheel).
    packaged = resources.files("dealmodel") / "data" / "scenarios" / f"{builtin}.yaml"
    assert packaged.read_text("utf-8") == (ROOT / "examples" / f"{example}.yaml").read_text(
        "utf-8")


def test_deal_takes_effect_on_day_1(gaza: Deal) -> None:
    run = start(gaza)
    assert (run.state, run.day) == ("pending", 0)
    run.advance_to(1)
    assert run.state == "phase1" and run.phase_entered == 1 and run.phase_end == 42
    assert status(run, "p1_hostages") == "active"
    assert run.ledger["p1_netzarim"].due_day == 22


def test_missed_milestone_is_violated_after_its_day(gaza: Deal) -> None:
    run = start(gaza)
    run.apply(Performed(1, party="hamas", obligation="p1_hostages", quantity=2))
    run.advance_to(1)
    assert status(run, "p1_hostages") == "active"  # day 1 is not over yet
    run.advance_to(2)
    assert status(run, "p1_hostages") == "partially fulfilled"  # 2 of the 3 due
    assert run.ledger["p1_hostages"].violated_day == 1
    # the duty persists: late performance still counts
    run.apply(Performed(3, party="hamas", obligation="p1_hostages", quantity=1))
    assert run.ledger["p1_hostages"].progress == 3


def test_missed_deadline_with_nothing_done_is_violated(gaza: Deal) -> None:
    run = start(gaza)
    run.advance_to(2)
    assert status(run, "p1_hostages") == "violated"
    assert run.ledger["p1_hostages"].violated_day == 1


def test_agreement_before_expiry_enters_phase2_on_day_43(gaza: Deal) -> None:
    events = [*phase1_on_schedule(gaza), NegotiationsOpened(16, phase="phase2"),
              AgreementReached(35, phase="phase2")]
    run = replay(gaza, sorted(events, key=lambda e: e.day))
    run.advance_to(43)
    assert run.history[-1] == ("phase2", 43)
    assert all(not s.endswith(":limbo") for s, _ in run.history)
    assert status(run, "p1_ceasefire_israel") == "fulfilled"
    assert status(run, "p2_hostages") == "active"
    assert status(run, "p1_philadelphi") == "active"  # survives the phase, due day 50


def test_limbo_then_agreement_advances_at_once(gaza: Deal) -> None:
    run = replay(gaza, [NegotiationsOpened(16, phase="phase2")])
    run.advance_to(43)
    assert run.state == "phase1:limbo"
    run.apply(AgreementReached(60, phase="phase2"))
    assert run.history[-1] == ("phase2", 60)


def test_limbo_lapses_when_talks_end(gaza_talks: Deal) -> None:
    run = replay(gaza_talks, [NegotiationsOpened(16, phase="phase2"), ClockAdvanced(45),
                        NegotiationsEnded(46, phase="phase2")])
    assert run.state == "lapsed"
    assert status(run, "p1_ceasefire_hamas") == "discharged"


def test_no_talks_means_lapse_at_expiry(gaza_talks: Deal) -> None:
    run = replay(gaza_talks, [ClockAdvanced(43)])
    assert run.state == "lapsed" and run.history[-1] == ("lapsed", 43)
    assert run.end is not None and run.end.cause.value == \
        "time ran out with no agreement and no talks"


def test_builtin_gaza_holds_in_limbo_without_talks(gaza: Deal) -> None:
    """The built-in deal's phase 1 holds (clause phase1-expiry): no talks, no lapse."""
    run = replay(gaza, [ClockAdvanced(60)])
    assert run.history[-1] == ("phase1:limbo", 43) and run.state == "phase1:limbo"
    run.apply(HostilitiesResumed(61, by="israel"))
    assert run.state == "collapsed" and run.end is not None and run.end.day == 61


def test_suspension_of_the_whole_deal_and_resumption(gaza: Deal) -> None:
    run = replay(gaza, [NegotiationsOpened(16, phase="phase2"),
                        Suspended(30, party="hamas", reason="test")])
    assert run.state == "phase1:suspended"
    assert status(run, "p1_ceasefire_hamas") == "suspended"
    assert status(run, "p1_hostages") == "violated"  # missed day 1 before; not suspended
    assert status(run, "p1_aid") == "active"  # the other party's duties are untouched
    run.advance_to(45)
    assert run.state == "phase1:suspended"  # expiry waits while suspended
    run.apply(Resumed(46, party="hamas"))
    assert run.state == "phase1:limbo"  # expiry applied on resumption
    assert run.history[-2:] == [("phase1", 46), ("phase1:limbo", 46)]


def test_hostilities_collapse_the_deal_and_terminal_stays_terminal(gaza: Deal) -> None:
    run = replay(gaza, [HostilitiesResumed(20)])
    assert run.state == "collapsed"
    assert status(run, "p1_aid") == "discharged"
    assert run.end is not None and (run.end.day, run.end.cause.value) == (
        20, "hostilities resumed")
    # facts after the end are recorded as such; the final state does not change
    run.apply(Performed(21, party="hamas", obligation="p1_hostages", quantity=1))
    run.apply(HostilitiesResumed(22))
    assert (run.state, run.day) == ("collapsed", 22)
    assert [(f.day, f.event) for f in run.after_end] == [(21, "perform"),
                                                         (22, "hostilities_resumed")]
    assert run.ledger["p1_hostages"].progress == 0
    # ... unless wrong for another reason
    with pytest.raises(EventRejected, match="unknown obligation"):
        run.apply(Performed(23, party="hamas", obligation="nope"))


def test_allegation_and_ruling(gaza: Deal) -> None:
    run = replay(gaza, [
        Suspended(10, party="israel", obligation="p1_aid"),
        ViolationAlleged(11, by="qatar", against="israel", obligation="p1_aid",
                         evidence="crossings closed"),
        ViolationAlleged(12, by="israel", against="hamas"),
    ])
    assert [a.status.value for a in run.allegations] == ["open", "open"]
    run.apply(Ruling(13, by="egypt", allegation="A1", upheld=True))
    run.apply(Ruling(13, by="us", allegation="A2", upheld=False))
    # the finding is kept; the duty shows as suspended until resumed, then as violated
    assert status(run, "p1_aid") == "suspended"
    assert run.ledger["p1_aid"].violated_day == 13
    assert [a.status.value for a in run.allegations] == ["upheld", "dismissed"]
    run.apply(Resumed(14, party="israel", obligation="p1_aid"))
    assert status(run, "p1_aid") == "violated"


def test_open_ended_last_phase_concludes_when_settled(gaza: Deal) -> None:
    events = [*phase1_on_schedule(gaza), NegotiationsOpened(16, phase="phase2"),
              AgreementReached(35, phase="phase2")]
    run = replay(gaza, sorted(events, key=lambda e: e.day))
    run.apply(NegotiationsOpened(50, phase="phase3"))
    run.apply(AgreementReached(60, phase="phase3"))
    run.advance_to(85)
    assert run.state == "phase3"
    for ob, party in [("p3_remains_hamas", "hamas"), ("p3_remains_israel", "israel"),
                      ("p3_crossings", "israel")]:
        run.apply(Performed(90, party=party, obligation=ob))
    assert run.state == "concluded" and run.history[-1] == ("concluded", 90)


def test_second_deal_with_extension_runs_through_the_same_engine(truce: Deal) -> None:
    run = start(truce)
    run.apply(Performed(1, party="side_b", obligation="captives", quantity=10))
    run.apply(Performed(1, party="side_a", obligation="detainees", quantity=30))
    run.apply(Extended(3, by="broker", days=2))
    assert run.state == "pause:extended" and run.phase_end == 6
    assert run.ledger["captives"].target == 70
    run.apply(Performed(5, party="side_b", obligation="captives", quantity=60))
    run.apply(Performed(5, party="side_a", obligation="detainees", quantity=180))
    run.apply(NegotiationsOpened(5, phase="second"))
    run.apply(AgreementReached(6, phase="second"))
    run.advance_to(8)
    assert run.history[-1] == ("second", 7)
    assert status(run, "detainees") == "fulfilled"
    run.advance_to(30)
    assert run.state == "concluded"
    assert status(run, "survey") == "violated"


def test_entry_condition_blocks_advance(truce: Deal) -> None:
    run = replay(truce, [NegotiationsOpened(2, phase="second"),
                         AgreementReached(3, phase="second")])
    run.advance_to(6)  # captives not fulfilled: fulfilled("captives") is false
    assert run.state == "lapsed"


# -- refusals: each leaves the run exactly as it was ---------------------------------------
REFUSALS = [
    (Performed(5, party="israel", obligation="p1_hostages", quantity=1),
     "only 'hamas' can perform 'p1_hostages'; party was 'israel'"),
    (Performed(5, party="hamas", obligation="p9_nothing", quantity=1),
     "unknown obligation 'p9_nothing'"),
    (Performed(5, party="hamas", obligation="p1_hostages", quantity=0),
     "quantity must be at least 1, got 0"),
    (Performed(5, party="hamas", obligation="p1_hostages", quantity=-2),
     "quantity must be at least 1, got -2"),
    (Performed(0, party="hamas", obligation="p1_hostages", quantity=1),
     "dated day 0, before the clock (day 2)"),
    (Performed(5, party="hamas", obligation="p2_hostages"),
     "its phase 'phase2' has not begun (state is 'phase1')"),
    (Performed(5, party="israel", obligation="p1_ceasefire_israel"),
     "is a prohibition"),
    (Performed(5, party="israel", obligation="p1_netzarim", quantity=2),
     "an act is done once; quantity was 2"),
    (AgreementReached(5, phase="phase2"),
     "negotiations on 'phase2' are not open"),
    (NegotiationsOpened(5, phase="phase3"),
     "only the next phase can be negotiated: 'phase3' is not next (next is phase2"),
    (NegotiationsOpened(5, phase="phase9"), "unknown phase 'phase9'"),
    (Resumed(5, party="hamas"), "nothing to resume: state is 'phase1'"),
    (Suspended(5, party="qatar"), "'qatar' is a mediator, not a party"),
    (Suspended(5, party="hamas", obligation="p1_aid"), "it is owed by 'israel'"),
    (Extended(5, by="qatar", days=1), "phase 'phase1' has no extension clause"),
    (ViolationAlleged(5, by="hamas", against="hamas"), "cannot allege a violation against itself"),
    (ViolationAlleged(5, by="nobody", against="hamas"), "by 'nobody' is not a party or mediator"),
    (ViolationAlleged(5, by="israel", against="hamas", obligation="p1_aid"),
     "'p1_aid' is owed by 'israel', not 'hamas'"),
    (Ruling(5, by="israel", allegation="A1", upheld=True), "'israel' is a party"),
    (Ruling(5, by="qatar", allegation="A7", upheld=True), "unknown allegation 'A7'"),
]


@pytest.mark.parametrize(("event", "reason"), REFUSALS, ids=[r[1][:40] for r in REFUSALS])
def test_refused_events_explain_and_leave_the_run_unchanged(
    gaza: Deal, event: Event, reason: str
) -> None:
    run = replay(gaza, [Performed(1, party="hamas", obligation="p1_hostages", quantity=3),
                        ClockAdvanced(2)])
    before = run.to_dict()
    assert reason in (run.check(event) or "")
    with pytest.raises(EventRejected) as info:
        run.apply(event)
    assert reason in info.value.reason
    assert run.to_dict() == before


def test_refusal_after_deadlines_fired_rolls_the_clock_back(gaza: Deal) -> None:
    run = replay(gaza, [ClockAdvanced(2)])
    before = run.to_dict()
    # Moving to day 50 would fire milestones and the phase-1 expiry (-> lapsed); the
    # perform (by the wrong party) is refused, so nothing of that may stick.
    event = Performed(50, party="israel", obligation="p1_hostages", quantity=1)
    assert "only 'hamas' can perform" in (run.check(event) or "")
    with pytest.raises(EventRejected):
        run.apply(event)
    assert run.to_dict() == before and run.day == 2


def test_dry_run_changes_nothing(gaza: Deal) -> None:
    run = replay(gaza, [ClockAdvanced(2)])
    before = run.to_dict()
    assert run.check(Performed(60, party="israel", obligation="p1_hostages")) is not None
    assert run.check(Performed(60, party="hamas", obligation="p1_hostages")) is None  # after
    # the end (lapsed on day 43): an after-end fact, and still a dry run
    assert run.check(Performed(3, party="hamas", obligation="p1_hostages")) is None
    assert run.can_apply(ClockAdvanced(100))
    assert run.to_dict() == before


def test_save_and_restore_continues_identically(gaza: Deal, tmp_path: Path) -> None:
    scenario = load_scenario(ROOT / "examples" / "gaza-2025-record.yaml")
    events = list(scenario.events)
    head, tail = events[:12], events[12:]
    run = replay(gaza, head)
    path = tmp_path / "run.json"
    run.save(path)
    restored = Run.load(path)
    assert restored.to_dict() == run.to_dict()
    run.apply_all(tail)
    restored.apply_all(tail)
    assert restored.to_dict() == run.to_dict()
    assert restored.state == "collapsed"


def test_same_events_same_result(gaza: Deal) -> None:
    events = load_scenario(ROOT / "examples" / "gaza-2025-record.yaml").events
    assert replay(gaza, events).to_dict() == replay(gaza, events).to_dict()


def test_fork_is_independent(gaza: Deal) -> None:
    run = replay(gaza, [Performed(1, party="hamas", obligation="p1_hostages", quantity=3)])
    other = run.fork()
    other.apply(Performed(2, party="hamas", obligation="p1_hostages", quantity=2))
    other.apply(Suspended(3, party="israel", obligation="p1_aid"))
    assert run.ledger["p1_hostages"].progress == 3 and status(run, "p1_aid") == "active"
    assert run.day == 1 and len(run.log) == 1


# -- the transitions machine ------------------------------------------------------------
def test_machine_is_shared_and_has_no_auto_transitions(gaza: Deal) -> None:
    first, second = start(gaza), start(gaza)
    machine = lifecycle(gaza)
    assert first._machine is second._machine is machine
    assert isinstance(machine.machine, transitions.Machine)
    assert not any(name.startswith("to_") for name in machine.machine.events)
    assert machine.machine.auto_transitions is False


def test_phases_connect_only_to_the_next(gaza: Deal, truce: Deal) -> None:
    for deal in (gaza, truce):
        order = {p.id: i for i, p in enumerate(deal.phases)}

        def phase_of(state: str) -> int | None:
            return order.get(state.split(":")[0])

        for edge in lifecycle(deal).edges:
            src, dst = phase_of(edge.source), phase_of(edge.dest)
            if src is not None and dst is not None:
                assert dst in (src, src + 1), edge
            if edge.source == "pending" and dst is not None:
                assert dst == 0, edge


def test_runs_never_change_the_shared_initial_ledger(gaza: Deal) -> None:
    fresh = start(gaza).to_dict()
    outcome = load_scenario(ROOT / "examples" / "gaza-2025-record.yaml").run()
    restored = Run.from_dict(outcome.run.to_dict())
    restored.apply(Ruling(60, by="qatar", allegation="A1", upheld=True))
    assert start(gaza).to_dict() == fresh
    pristine = lifecycle(gaza).pristine_ledger()
    assert all(e.status.value == "pending" and e.progress == 0 and not e.history
               for e in pristine.values())
