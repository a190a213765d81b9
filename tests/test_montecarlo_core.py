"""Differential tests: the compiled lifecycle and lean run agree with the engine's Run.

The same event streams go through the real engine (``Run.apply``, whose lifecycle is a
``transitions`` machine) and through :class:`LeanRun` on the deal compiled by
:func:`compile_deal`; after every event the state history, every ledger entry, the
negotiations, agreements and allegations must be identical. Streams are generated
(arbitrary events for generated deals, and plausible ones for the Gaza deal), filtered
through the engine so that only accepted events are applied, as the simulator does.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dealmodel import (
    AgreementReached,
    Deal,
    Event,
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
    builtin_deal,
    load_deal,
    load_scenario,
    start,
)
from dealmodel.analysis.montecarlo_core import STATUS_NAMES, LeanRun
from dealmodel.analysis.montecarlo_events import apply_event
from dealmodel.analysis.montecarlo_table import TRIGGERS, compile_deal
from tests.conftest import DATA
from tests.strategies import deals, events_for


def engine_snapshot(run: Run) -> dict[str, Any]:
    return {
        "state": run.state, "day": run.day, "history": list(run.history),
        "phase_index": run.phase_index, "phase_end": run.phase_end,
        "extended_days": run.extended_days, "expiry_deferred": run.expiry_deferred,
        "suspended_by": run.suspended_by,
        "negotiating": sorted(run.negotiating), "agreed": sorted(run.agreed),
        "ledger": {oid: (e.status.value, e.progress, e.target, e.due_day, e.violated_day,
                         e.suspended_by if e.status.value == "suspended" else None)
                   for oid, e in run.ledger.items()},
        "allegations": [(a.against, a.obligation, a.status) for a in run.allegations],
    }


def lean_snapshot(lean: LeanRun) -> dict[str, Any]:
    cd = lean.cd
    return {
        "state": cd.states[lean.state], "day": lean.day,
        "history": [(cd.states[s], d) for s, d in lean.history],
        "phase_index": lean.phase_index, "phase_end": lean.phase_end,
        "extended_days": lean.extended_days, "expiry_deferred": lean.expiry_deferred,
        "suspended_by": lean.suspended_by,
        "negotiating": sorted(cd.phase_ids[p] for p in lean.negotiating),
        "agreed": sorted(cd.phase_ids[p] for p in lean.agreed),
        "ledger": {oid: (STATUS_NAMES[lean.status[k]], lean.progress[k], lean.target[k],
                         lean.due_day[k], lean.violated_day[k],
                         lean.ob_suspended_by[k] if lean.status[k] == 2 else None)
                   for k, oid in enumerate(cd.ob_ids)},
        "allegations": [(a, cd.ob_ids[o] if isinstance(o, int) and o >= 0 else None,
                         ("open", "upheld", "dismissed")[s])  # type: ignore[index]
                        for a, o, s in lean.allegations],
    }


def run_both(deal: Deal, events: list[Event]) -> int:
    """Apply ``events`` to both; assert equal after each accepted one. Returns how many."""
    run, lean = start(deal), LeanRun(compile_deal(deal))
    accepted = 0
    for event in events:
        if run.check(event) is not None:
            continue
        run.apply(event)
        apply_event(lean, event)
        accepted += 1
        assert lean_snapshot(lean) == engine_snapshot(run), event
    return accepted


def compiled_edges(deal: Deal) -> set[tuple[str, str, str]]:
    cd = compile_deal(deal)
    edges = {(TRIGGERS[t], cd.states[s], cd.states[d])
             for s, row in enumerate(cd.table) for t, d in enumerate(row) if d >= 0}
    return edges | {("resume", cd.states[s], cd.states[d])
                    for s, dests in enumerate(cd.resume_to) for d in dests}


def engine_edges(deal: Deal) -> set[tuple[str, str, str]]:
    from dealmodel.engine.machine import lifecycle  # the engine's own machine

    return {(e.trigger, e.source, e.dest) for e in lifecycle(deal).edges}


def test_compiled_table_has_the_engines_edges() -> None:
    for deal in (builtin_deal("gaza-2025"), load_deal(DATA / "truce-2phase.yaml")):
        assert compiled_edges(deal) == engine_edges(deal)


@settings(max_examples=100, deadline=None)
@given(deals())
def test_compiled_table_has_the_engines_edges_generated(deal: Deal) -> None:
    assert compiled_edges(deal) == engine_edges(deal)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_generated_deals_and_streams(data: st.DataObject) -> None:
    deal = data.draw(deals())
    events: list[Event] = []
    day = 0
    for _ in range(data.draw(st.integers(0, 40))):
        event = data.draw(events_for(deal, day))
        events.append(event)
        day = max(day, event.day)
    run_both(deal, events)


@st.composite
def gaza_events(draw: st.DrawFn) -> list[Event]:
    """Mostly valid events for the Gaza deal: performances, talks, suspensions, rulings."""
    deal = builtin_deal("gaza-2025")
    obligations = [o for o in deal.obligations()]
    events: list[Event] = []
    day = 1
    for _ in range(draw(st.integers(1, 60))):
        day += draw(st.integers(0, 6))
        kind = draw(st.sampled_from(["perform"] * 6 + ["open", "agree", "end", "suspend",
                                                       "resume", "allege", "rule", "collapse",
                                                       "suspend_ob", "resume_ob"]))
        ob = draw(st.sampled_from(obligations))
        phase = draw(st.sampled_from(["phase2", "phase3"]))
        party = draw(st.sampled_from(["israel", "hamas"]))
        if kind == "perform":
            events.append(Performed(day, party=ob.obligor, obligation=ob.id,
                                    quantity=draw(st.integers(1, 120))))
        elif kind == "open":
            events.append(NegotiationsOpened(day, phase=phase))
        elif kind == "agree":
            events.append(AgreementReached(day, phase=phase))
        elif kind == "end":
            events.append(NegotiationsEnded(day, phase=phase))
        elif kind == "suspend":
            events.append(Suspended(day, party=party))
        elif kind == "resume":
            events.append(Resumed(day, party=party))
        elif kind == "suspend_ob":
            events.append(Suspended(day, party=ob.obligor, obligation=ob.id))
        elif kind == "resume_ob":
            events.append(Resumed(day, party=ob.obligor, obligation=ob.id))
        elif kind == "allege":
            against = ob.obligor
            by = "hamas" if against == "israel" else "israel"
            events.append(ViolationAlleged(day, by=by, against=against,
                                           obligation=draw(st.sampled_from([None, ob.id]))))
        elif kind == "rule":
            events.append(Ruling(day, by="qatar", allegation=f"A{draw(st.integers(1, 4))}",
                                 upheld=draw(st.booleans())))
        elif draw(st.integers(0, 3)) == 0:
            events.append(HostilitiesResumed(day))
    return events


@settings(max_examples=300, deadline=None)
@given(gaza_events())
def test_gaza_streams(events: list[Event]) -> None:
    run_both(builtin_deal("gaza-2025"), events)


def test_example_timelines() -> None:
    for name in ("gaza-2025", "gaza-2025-whatif"):
        scenario = load_scenario(name)
        assert run_both(scenario.deal, list(scenario.events)) > 10


def test_extension_deal() -> None:
    deal = load_deal(DATA / "truce-2phase.yaml")
    events: list[Event] = [Performed(1, party=o.obligor, obligation=o.id)
                           for o in deal.obligations() if o.kind.value == "act"]
    mediator = deal.mediators[0].id
    events += [Extended(3, by=mediator, days=1), Extended(4, by=mediator, days=1)]
    assert run_both(deal, events) >= 1
