"""Differential tests: the compiled lifecycle and lean run agree with the engine's Run.

The same event streams go through the real engine (``Run.apply``, whose lifecycle is a
``transitions`` machine) and through :class:`LeanRun` on the deal compiled by
:func:`compile_deal`; after every event the state history, every ledger entry, the
negotiations, agreements and allegations must be identical. Streams are generated
(arbitrary events for generated deals, and plausible ones for the Gaza deal), filtered
through the engine so that only accepted events are applied, as the simulator does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dealmodel import (
    AgreementReached,
    ClockAdvanced,
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
    deal_from_dict,
    load_deal,
    load_scenario,
    replay,
    start,
)
from dealmodel.analysis.montecarlo_core import LeanRun
from dealmodel.analysis.montecarlo_events import apply_event
from dealmodel.analysis.montecarlo_table import STATUS_NAMES, TRIGGERS, compile_deal
from tests.conftest import DATA
from tests.strategies import MEDIATOR, PARTIES, deals


def engine_snapshot(run: Run) -> dict[str, Any]:
    return {
        "state": run.state, "day": run.day, "history": list(run.history),
        "phase_index": run.phase_index, "phase_end": run.phase_end,
        "expiry_deferred": run.expiry_deferred, "suspended_by": run.suspended_by,
        "negotiating": sorted(run.negotiating), "agreed": sorted(run.agreed),
        "ledger": {oid: (e.status.value, e.progress, e.target, e.due_day, e.violated_day,
                         e.fulfilled_day, e.held_status.value if e.held_status else None,
                         e.suspended_by if e.status.value == "suspended" else None)
                   for oid, e in run.ledger.items()},
        "allegations": [(a.against, a.obligation, a.status.value) for a in run.allegations],
    }


def lean_snapshot(lean: LeanRun) -> dict[str, Any]:
    cd = lean.cd
    return {
        "state": cd.states[lean.state], "day": lean.day,
        "history": [(cd.states[s], d) for s, d in lean.history],
        "phase_index": lean.phase_index, "phase_end": lean.phase_end,
        "expiry_deferred": lean.expiry_deferred, "suspended_by": lean.suspended_by,
        "negotiating": sorted(cd.phase_ids[p] for p in lean.negotiating),
        "agreed": sorted(cd.phase_ids[p] for p in lean.agreed),
        "ledger": {oid: (STATUS_NAMES[lean.status[k]], lean.progress[k], lean.target[k],
                         lean.due_day[k], lean.violated_day[k], lean.fulfilled_day[k],
                         STATUS_NAMES[lean.held[k]] if lean.held[k] >= 0 else None,
                         lean.ob_suspended_by[k] if STATUS_NAMES[lean.status[k]] == "suspended"
                         else None)
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


@st.composite
def sim_deals(draw: st.DrawFn) -> Deal:
    """Deals simulation covers: 1-4 phases with every expiry rule, agreements, entry
    conditions, open-ended phases; duties of every kind with a due day, a schedule, the
    end of the phase or no deadline, reciprocity, joint obligors (hypothetical)."""
    count = draw(st.integers(1, 4))
    phases: list[dict[str, Any]] = []
    for i in range(count):
        last = i == count - 1
        duration = draw(st.integers(1, 12))
        rules = ["advance", "continue_while_negotiating", "hold", "expire"] + (
            ["lapse"] if last else [])
        obligations: list[dict[str, Any]] = []
        for j in range(draw(st.integers(0, 4))):
            kind = draw(st.sampled_from(["quantity", "act", "ongoing", "prohibition"]))
            ob: dict[str, Any] = {"id": f"ph{i}_o{j}", "kind": kind}
            if draw(st.integers(0, 3)):
                ob["obligor"] = draw(st.sampled_from(PARTIES))
            else:
                ob["obligors"] = list(PARTIES)
            deadline = draw(st.sampled_from(["none", "day", "end", "schedule"]))
            if kind == "quantity":
                amount = draw(st.integers(1, 20))
                ob["quantity"] = {"amount": amount, "unit": draw(st.sampled_from(["u", "v"]))}
                if deadline == "schedule" and duration >= 2:
                    days = sorted(draw(st.sets(st.integers(1, duration), min_size=1,
                                               max_size=3)))
                    cums = sorted(draw(st.lists(st.integers(1, amount), min_size=len(days),
                                                max_size=len(days))))
                    ob["schedule"] = [{"day": d, "cumulative": c}
                                      for d, c in zip(days, cums, strict=True)]
                    deadline = "schedule"
                per = [o for o in obligations if o["kind"] == "quantity"]
                if per and draw(st.booleans()):
                    ob["reciprocal"] = [{"per": per[0]["id"], "ratio": draw(st.integers(1, 3))}]
            if kind in ("quantity", "act") and deadline == "day":
                ob["due_day"] = draw(st.integers(1, duration + 5))
            elif kind in ("quantity", "act") and deadline == "end":
                ob["due"] = "end_of_phase"
            obligations.append(ob)
        phase: dict[str, Any] = {
            "id": f"ph{i}", "on_expiry": draw(st.sampled_from(rules)),
            "duration_days": None if draw(st.integers(0, 5)) == 0 else duration,
            "suspendable": draw(st.booleans()), "obligations": obligations}
        if i > 0:
            phase["requires_agreement"] = draw(st.booleans())
            if draw(st.booleans()):
                earlier = [o["id"] for p in phases for o in p["obligations"]
                           if o["kind"] == "quantity"]
                phase["entry_condition"] = draw(st.sampled_from(
                    [f"day >= {draw(st.integers(1, 30))}", 'allegations("a") < 2',
                     *(f'released("{o}") >= 3' for o in earlier[:1])]))
        phases.append(phase)
    return deal_from_dict({
        "id": "generated", "title": "Generated (hypothetical)", "hypothetical": True,
        "parties": [{"id": p, "name": p.upper()} for p in PARTIES],
        "mediators": [{"id": MEDIATOR, "name": "M"}], "phases": phases})


@st.composite
def sim_events(draw: st.DrawFn, deal: Deal) -> list[Event]:
    """Events of the kinds a simulation draws, many of them valid for ``deal``."""
    obligations = [o for o in deal.obligations()]
    phases = [p.id for p in deal.phases]
    events: list[Event] = []
    day = 0
    for _ in range(draw(st.integers(0, 45))):
        day += draw(st.integers(0, 4))
        kind = draw(st.sampled_from(["perform"] * 5 + ["open", "agree", "agree", "end",
                                                       "suspend", "resume", "allege", "rule",
                                                       "advance", "collapse"]))
        party = draw(st.sampled_from(PARTIES))
        phase = draw(st.sampled_from(phases))
        ob = draw(st.sampled_from(obligations)) if obligations else None
        if kind == "perform" and ob is not None:
            events.append(Performed(day, party=draw(st.sampled_from(ob.obligors)),
                                    obligation=ob.id, quantity=1 if ob.kind.value == "act"
                                    else draw(st.integers(1, 8))))
        elif kind == "open":
            events.append(NegotiationsOpened(day, phase=phase))
        elif kind == "agree":
            events.append(AgreementReached(day, phase=phase))
        elif kind == "end":
            events.append(NegotiationsEnded(day, phase=phase))
        elif kind in ("suspend", "resume"):
            cls = Suspended if kind == "suspend" else Resumed
            which = draw(st.sampled_from([None, ob]))
            events.append(cls(day, party=which.obligors[0] if which else party,
                              obligation=which.id if which else None))
        elif kind == "allege" and ob is not None:
            events.append(ViolationAlleged(day, by=MEDIATOR, against=ob.obligors[0],
                                           obligation=draw(st.sampled_from([None, ob.id]))))
        elif kind == "rule":
            events.append(Ruling(day, by=MEDIATOR, allegation=f"A{draw(st.integers(1, 3))}",
                                 upheld=draw(st.booleans())))
        elif kind == "advance":
            events.append(ClockAdvanced(day))
        elif kind == "collapse" and draw(st.integers(0, 3)) == 0:
            events.append(HostilitiesResumed(day))
    return events


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_generated_deals_and_streams(data: st.DataObject) -> None:
    deal = data.draw(sim_deals())
    run_both(deal, data.draw(sim_events(deal)))


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


def test_events_a_lean_run_does_not_take() -> None:
    deal = builtin_deal("gaza-2025")
    with pytest.raises(TypeError, match="extend"):
        apply_event(LeanRun(compile_deal(deal)), Extended(1, by="qatar"))


# -- the simulator's own streams ------------------------------------------------------
EXAMPLE = Path(__file__).parent.parent / "examples" / "gaza-2025-montecarlo.yaml"

#: assumption sets that exercise every kind of drawn event (hypothetical numbers)
BUSY: dict[str, Any] = {
    "horizon_days": 200,
    "defaults": {"on_schedule": 0.7, "delay": {"geometric": 4}, "withhold": 0.2},
    "actors": {"israel": {"suspend_deal_daily": 0.01, "suspend_deal_days": {"uniform": [2, 9]}},
               "hamas": {"suspend_deal_daily": 0.01, "on_schedule": 0.6}},
    "obligations": {
        "p1_aid": {"suspend_daily": 0.05, "allegation_daily": 0.05, "upheld": 0.4},
        "p1_hostages": {"suspend_daily": 0.02, "allegation_daily": 0.02, "upheld": 0.5},
        "p1_ceasefire_israel": {"allegation_daily": 0.03, "upheld": 0.2},
        "p1_ceasefire_hamas": {"allegation_daily": 0.03, "upheld": 0.2},
        "p2_withdrawal": {"planned_day": 10}},
    "phases": {
        "phase1": {"talks_open_day": 16, "agreement_daily": 0.03, "talks_break_daily": 0.005,
                   "collapse_daily": 0.002, "limbo_collapse_daily": 0.01,
                   "collapse_per_violation": 0.003, "collapse_per_suspension": 0.002},
        "phase2": {"agreement_daily": 0.05, "collapse_daily": 0.001}},
}


def _simulated(deal: Deal, assumptions: Any, seed: int, index: int) -> tuple[LeanRun, list[Event]]:
    import numpy as np

    from dealmodel.analysis.montecarlo_assumptions import parse_assumptions
    from dealmodel.analysis.montecarlo_sampler import make_plan, simulate_run

    plan = make_plan(deal, parse_assumptions(assumptions, deal))
    trace: list[Event] = []
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(index,))))
    return simulate_run(plan, rng, trace), trace


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32), index=st.integers(0, 10**6),
       which=st.sampled_from(["busy", "example"]))
def test_simulated_streams_replay_identically_on_the_engine(seed: int, index: int,
                                                            which: str) -> None:
    """Every event the simulator draws is accepted by the engine, and the engine's run
    ends exactly where the simulator's lean run did."""
    deal = builtin_deal("gaza-2025")
    assumptions = BUSY if which == "busy" else load_scenario(EXAMPLE).raw_assumptions
    lean, trace = _simulated(deal, assumptions, seed, index)
    run = start(deal)
    for event in trace:
        assert run.check(event) is None, (event, run.check(event))
        run.apply(event)
    assert engine_snapshot(run) == lean_snapshot(lean)


@settings(max_examples=60, deadline=None)
@given(deal=sim_deals(), seed=st.integers(0, 2**32),
       rates=st.tuples(*[st.sampled_from([0.0, 0.01, 0.1, 0.5]) for _ in range(5)]))
def test_simulated_streams_on_generated_deals(deal: Deal, seed: int,
                                              rates: tuple[float, ...]) -> None:
    on_time, agree, collapse, suspend, allege = rates
    assumptions = {
        "horizon_days": 60,
        "defaults": {"on_schedule": 1 - on_time, "withhold": on_time,
                     "suspend_daily": suspend, "allegation_daily": allege, "upheld": 0.5},
        "actors": {p: {"suspend_deal_daily": suspend} for p in ("a", "b")},
        "phases": {p.id: {"collapse_daily": collapse, "collapse_per_violation": collapse,
                          **({"agreement_daily": agree, "talks_break_daily": agree / 2}
                             if i + 1 < len(deal.phases) else {})}
                   for i, p in enumerate(deal.phases)},
    }
    lean, trace = _simulated(deal, assumptions, seed, 0)
    assert engine_snapshot(replay(deal, trace)) == lean_snapshot(lean)
