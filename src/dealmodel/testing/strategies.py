"""Hypothesis strategies: generated deals, single events, and timeline-shaped scenarios.

``deals()`` draws valid deals of 1-4 phases (every expiry rule, extensions, conditions,
a power to terminate);
``events(deal)`` draws one event near a day, sometimes invalid (before the clock, naming
strangers); ``scenarios(deal)`` draws a whole timeline that makes sense on each day: at
every step it picks among the events the engine would accept now (found as
``dealmodel verify`` finds them), with the clock moving to the next deadline, and now and
then an event it would refuse.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from dealmodel.analysis.verify_space import Plan, actions, explorable_kinds
from dealmodel.engine import Run, start
from dealmodel.errors import EventRejected
from dealmodel.io.deals import deal_from_dict
from dealmodel.model.deal import Deal
from dealmodel.model.events import (
    AgreementReached,
    ClockAdvanced,
    Event,
    Extended,
    HostilitiesResumed,
    NegotiationsEnded,
    NegotiationsOpened,
    Performed,
    Resumed,
    Ruling,
    Suspended,
    ViolationAlleged,
)
from dealmodel.scenarios.scenario import Scenario

__all__ = ["MEDIATOR", "PARTIES", "deals", "events", "events_for", "scenarios", "timeline_step"]

PARTIES = ["a", "b"]
MEDIATOR = "m"


@st.composite
def obligations(draw: st.DrawFn, prefix: str, duration: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["quantity", "act", "ongoing", "prohibition"]))
        ob: dict[str, Any] = {"id": f"{prefix}_o{i}", "obligor": draw(st.sampled_from(PARTIES)),
                              "kind": kind}
        if kind == "quantity":
            amount = draw(st.integers(1, 20))
            ob["quantity"] = {"amount": amount, "unit": draw(st.sampled_from(["u", "v"]))}
            if draw(st.booleans()) and duration >= 2:
                days = sorted(draw(st.sets(st.integers(1, duration), min_size=1, max_size=3)))
                cums = sorted(draw(st.lists(st.integers(1, amount), min_size=len(days),
                                            max_size=len(days))))
                ob["schedule"] = [{"day": d, "cumulative": c} for d, c in zip(days, cums,
                                                                               strict=True)]
            elif draw(st.booleans()):
                ob["due_day"] = draw(st.integers(1, duration + 5))
            if out and out[0]["kind"] == "quantity" and draw(st.booleans()):
                ob["reciprocal"] = [{"per": out[0]["id"], "ratio": draw(st.integers(1, 3))}]
        elif kind == "act" and draw(st.booleans()):
            ob["due_day"] = draw(st.integers(1, duration + 5))
        out.append(ob)
    return out


@st.composite
def deals(draw: st.DrawFn) -> Deal:
    """Valid deals of 1-4 phases with every expiry rule, extensions, conditions and
    (sometimes) the parties' power to terminate."""
    count = draw(st.integers(1, 4))
    phases: list[dict[str, Any]] = []
    for i in range(count):
        duration = draw(st.integers(1, 12))
        last = i == count - 1
        rules = ["advance", "continue_while_negotiating", "hold", "expire"] + (
            ["lapse"] if last else [])
        phase: dict[str, Any] = {
            "id": f"ph{i}", "duration_days": duration,
            "on_expiry": draw(st.sampled_from(rules)),
            "obligations": draw(obligations(f"ph{i}", duration)),
            "suspendable": draw(st.booleans()),
        }
        if i > 0:
            phase["requires_agreement"] = draw(st.booleans())
            if draw(st.booleans()):
                phase["entry_condition"] = f"day >= {draw(st.integers(1, 30))}"
        quantities = [o["id"] for o in phase["obligations"] if o["kind"] == "quantity"
                      and "reciprocal" not in o]
        if draw(st.booleans()):
            phase["extension"] = {"max_days": draw(st.integers(1, 4)), "granted_by": [MEDIATOR],
                                  "per_day": {q: 1 for q in quantities[:1]}}
        phases.append(phase)
    powers = []
    if draw(st.booleans()):  # the parties may terminate (on notice, or at once)
        powers.append({"power": "terminate", "holders": "parties",
                       "notice_days": draw(st.integers(0, 3))})
    return deal_from_dict({
        "id": "generated", "title": "Generated (hypothetical)", "hypothetical": True,
        "parties": [{"id": p, "name": p.upper()} for p in PARTIES],
        "mediators": [{"id": MEDIATOR, "name": "M"}],
        "phases": phases,
        "powers": powers,
    })


@st.composite
def events_for(draw: st.DrawFn, deal: Deal, day: int) -> Event:
    """One event for ``deal`` dated near ``day`` (sometimes before it, or naming unknowns)."""
    when = max(0, day + draw(st.integers(-2, 12)))
    obligations = [o.id for o in deal.obligations()] + ["unknown_ob"]
    parties = [p.id for p in deal.parties] + ["stranger"]
    phases = [p.id for p in deal.phases] + ["nophase"]
    ob = draw(st.sampled_from(obligations))
    party = draw(st.sampled_from(parties))
    phase = draw(st.sampled_from(phases))
    kind = draw(st.sampled_from(
        ["advance", "perform", "perform", "perform", "open", "end", "agree", "agree",
         "suspend", "resume", "extend", "allege", "rule", "hostilities"]))
    if kind == "perform":
        if ob != "unknown_ob" and draw(st.integers(0, 4)):
            party = deal.obligation(ob).obligors[0]
        return Performed(when, party=party, obligation=ob, quantity=draw(st.integers(-1, 25)))
    if kind == "advance":
        return ClockAdvanced(when)
    if kind == "open":
        return NegotiationsOpened(when, phase=phase)
    if kind == "end":
        return NegotiationsEnded(when, phase=phase)
    if kind == "agree":
        return AgreementReached(when, phase=phase)
    if kind == "suspend":
        return Suspended(when, party=party, obligation=draw(st.sampled_from([None, ob])))
    if kind == "resume":
        return Resumed(when, party=party, obligation=draw(st.sampled_from([None, ob])))
    if kind == "extend":
        return Extended(when, by=draw(st.sampled_from([MEDIATOR, "qatar", party])),
                        days=draw(st.integers(0, 3)))
    if kind == "allege":
        return ViolationAlleged(when, by=party, against=draw(st.sampled_from(parties)),
                                obligation=draw(st.sampled_from([None, ob])))
    if kind == "rule":
        return Ruling(when, by=draw(st.sampled_from([MEDIATOR, "qatar", party])),
                      allegation=draw(st.sampled_from(["A1", "A2", "A3"])),
                      upheld=draw(st.booleans()))
    return HostilitiesResumed(when)


def events(deal: Deal, day: int = 0) -> st.SearchStrategy[Event]:
    """One event for ``deal`` near ``day`` (valid or not: the engine decides)."""
    return events_for(deal, day)


#: How often each kind is drawn in a timeline (lifecycle progress first, war rarely).
WEIGHTS = {"advance": 6, "perform": 5, "negotiations_opened": 4, "agreement_reached": 4,
           "negotiations_ended": 1, "extend": 3, "suspend": 2, "resume": 3, "allege": 2,
           "rule": 3, "hostilities_resumed": 1, "terminate": 4}


def full_plan(deal: Deal) -> Plan:
    """Every duty driven and alleged: for drawing timelines (not for exhaustive search)."""
    ids = frozenset(o.id for o in deal.obligations())
    return Plan("all", ids, ids, True, 2, (), (), {})


#: Story lines a timeline may follow: kind weights that favour one way the deal goes.
INTENTS = {
    "free": WEIGHTS,
    "conclude": {"advance": 1, "perform": 10, "negotiations_opened": 8, "agreement_reached": 8,
                 "extend": 2, "resume": 4, "rule": 1},
    "limbo": {"advance": 8, "perform": 5, "negotiations_opened": 8, "agreement_reached": 2,
              "resume": 4, "allege": 1, "rule": 1, "suspend": 1, "extend": 1},
    "break off": {"advance": 6, "perform": 3, "negotiations_opened": 6, "negotiations_ended": 2,
                  "suspend": 2, "resume": 2, "allege": 2, "rule": 3, "hostilities_resumed": 1},
    "dispute": {"advance": 1, "perform": 3, "suspend": 4, "resume": 1, "allege": 4, "rule": 6,
                "negotiations_opened": 2, "agreement_reached": 2},
    "war": {"advance": 4, "perform": 3, "negotiations_opened": 2, "hostilities_resumed": 2,
            "terminate": 6, "allege": 1, "rule": 1},
}


#: The story lines as drawn: heading for conclusion, or into a dispute (suspensions,
#: allegations and rulings), twice as often as each other one.
STORIES = ("conclude", "dispute", *sorted(INTENTS))


def timeline_step(draw: st.DrawFn, run: Run, plan: Plan,
                  weights: dict[str, int] | None = None) -> Event | None:
    """Draw the next event of a timeline: one the engine accepts now. A kind is drawn by
    its weight among the kinds with an accepted event now, then one of its accepted events
    (only the drawn kind's candidates are checked, so a step stays cheap on big deals)."""
    weights = WEIGHTS if weights is None else weights
    kinds = [k for k in explorable_kinds() if weights.get(k[0].TYPE, 0) > 0]
    while kinds:
        pick = draw(st.sampled_from([i for i, (cls, _) in enumerate(kinds)
                                     for _ in range(weights[cls.TYPE])]))
        accepted = [e for e in actions(run, plan, (kinds[pick],)) if run.check(e) is None]
        if accepted:
            return draw(st.sampled_from(accepted))
        del kinds[pick]
    return None


@st.composite
def scenarios(draw: st.DrawFn, deal: Deal, max_events: int = 40) -> Scenario:
    """A timeline-shaped scenario for ``deal``: each event makes sense on its day, and the
    timeline follows a drawn story line (free, heading for conclusion, or into limbo)."""
    run = start(deal)
    plan = full_plan(deal)
    intent = draw(st.sampled_from(STORIES))
    for _ in range(draw(st.integers(1, max_events))):
        if draw(st.integers(0, 19)) == 0:  # now and then, something the engine may refuse
            event: Event | None = draw(events_for(deal, run.day))
        else:
            event = timeline_step(draw, run, plan, INTENTS[intent])
        if event is None:
            break
        try:
            run.apply(event)
        except EventRejected:
            continue
        if run.terminal:
            break
    return Scenario(deal, run.events(), title=f"generated timeline ({intent})",
                    hypothetical=True)
