"""The project's strategies now live in :mod:`dealmodel.testing` (users get them too)."""

from typing import Any

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
    Suspended,
    ViolationAlleged,
    deal_from_dict,
)
from dealmodel.model.events import (
    DutyEnded,
    FindingIssued,
    IncidentReported,
    PhaseEnded,
    Released,
    RenewalObjected,
    Renewed,
    Reported,
    Stated,
    Withheld,
)

PARTIES = ["a", "b"]
INDICATOR = "tonnes"
MEDIATOR = "m"
MONITOR = "mon"
OUTSIDER = "x"
PART_NAMES = ("north", "south")


@st.composite
def obligations(draw: st.DrawFn, prefix: str, duration: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["quantity", "act", "ongoing", "prohibition"]))
        ob: dict[str, Any] = {"id": f"{prefix}_o{i}", "kind": kind}
        if draw(st.integers(0, 3)):
            ob["obligor"] = draw(st.sampled_from(PARTIES))
        else:
            ob["obligors"] = list(PARTIES)  # owed jointly
        if kind in ("quantity", "act") and draw(st.integers(0, 3)) == 0:
            ob["strict"] = True
        if kind == "quantity":
            amount = draw(st.integers(0, 20))
            if draw(st.integers(0, 3)) == 0:
                ob["parts"] = list(PART_NAMES)
            ob["quantity"] = {"amount": amount, "unit": draw(st.sampled_from(["u", "v"]))}
            if draw(st.booleans()) and duration >= 2 and amount >= 1:
                days = sorted(draw(st.sets(st.integers(1, duration), min_size=1, max_size=3)))
                cums = sorted(draw(st.lists(st.integers(1, amount), min_size=len(days),
                                            max_size=len(days))))
                ob["schedule"] = [{"day": d, "cumulative": c} for d, c in zip(days, cums,
                                                                               strict=True)]
            elif amount >= 1 or not draw(st.booleans()):
                _deadline(draw, ob, duration, out)
            if out and out[0]["kind"] == "quantity" and draw(st.booleans()):
                ob["reciprocal"] = [{"per": out[0]["id"], "ratio": draw(st.integers(1, 3))}]
        elif kind == "act":
            if draw(st.integers(0, 3)) == 0:
                ob["parts"] = list(PART_NAMES)
            _deadline(draw, ob, duration, out)
        else:  # standing duties: sometimes a term of their own, renewed, or a due day
            term = draw(st.sampled_from(["none", "none", "term", "renewing", "day", "deal"]))
            if term in ("term", "renewing"):
                ob["term_days"] = draw(st.integers(1, duration + 3))
            if term == "renewing":
                ob["renewal"] = {"term_days": draw(st.integers(1, 5)),
                                 "automatic": draw(st.booleans()),
                                 "notice_days": draw(st.integers(0, 2)),
                                 "max_renewals": draw(st.sampled_from([None, 1, 2]))}
            elif term == "day":
                ob["due_day"] = draw(st.integers(1, duration + 5))
            elif term == "deal":
                ob["due"] = {"day": draw(st.integers(1, 40))}
            if kind == "ongoing" and draw(st.integers(0, 3)) == 0:
                ob["quantity"] = {"unit": "t"}  # a running total
        out.append(ob)
    return out


def _deadline(draw: st.DrawFn, ob: dict[str, Any], duration: int,
              before: list[dict[str, Any]]) -> None:
    """None, a due day, the end of the phase, or days after an earlier duty / the phase."""
    choice = draw(st.sampled_from(["none", "day", "end", "after"]))
    if choice == "day":
        ob["due_day"] = draw(st.integers(1, duration + 5))
    elif choice == "end":
        ob["due"] = "end_of_phase"
    elif choice == "after":
        anchors = [o["id"] for o in before] + ["event:report"]
        ob["due"] = {"after": draw(st.sampled_from(anchors)), "days": draw(st.integers(0, 4))}
    elif draw(st.integers(0, 3)) == 0:  # an absolute deal day
        ob["due"] = {"day": draw(st.integers(1, 40))}


@st.composite
def deals(draw: st.DrawFn) -> Deal:
    """Valid deals of 1-4 phases with every expiry rule, extensions and conditions."""
    count = draw(st.integers(1, 4))
    phases: list[dict[str, Any]] = []
    for i in range(count):
        duration = draw(st.integers(1, 12))
        open_ended = draw(st.integers(0, 4)) == 0  # ended by an end_phase event
        last = i == count - 1
        rules = ["advance", "continue_while_negotiating"] + (["lapse"] if last else [])
        phase: dict[str, Any] = {
            "id": f"ph{i}", "duration_days": None if open_ended else duration,
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
        if draw(st.booleans()) and not open_ended:
            phase["extension"] = {"max_days": draw(st.integers(1, 4)), "granted_by": [MEDIATOR],
                                  "per_day": {q: 1 for q in quantities[:1]}}
        phases.append(phase)
    return deal_from_dict({
        "id": "generated", "title": "Generated (hypothetical)", "hypothetical": True,
        "parties": [{"id": p, "name": p.upper()} for p in PARTIES],
        "mediators": [{"id": MEDIATOR, "name": "M",
                       "roles": draw(st.sampled_from([["mediator"], ["mediator", "obligor"]]))}],
        "indicators": [{"id": INDICATOR, "unit": "t"}],
        "powers": draw(st.sampled_from([[], [{"power": "amend", "holders": [MEDIATOR]},
                                              {"power": "renew", "holders": [MEDIATOR]}]])),
        "actors": [{"id": MONITOR, "name": "Monitor", "role": "monitor"},
                   {"id": OUTSIDER, "name": "Outsider", "role": "non_signatory"}],
        "phases": phases,
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
         "suspend", "resume", "extend", "allege", "rule", "hostilities", "withhold",
         "release", "report", "end_phase", "record", "end_duty", "renew_duty"]))
    if kind in ("perform", "withhold", "release") and ob != "unknown_ob" \
            and draw(st.integers(0, 4)):
        party = draw(st.sampled_from(deal.obligation(ob).obligors))
    if kind == "perform":
        by = draw(st.sampled_from([None, None, None, *parties]))
        part = draw(st.sampled_from([None, *PART_NAMES]))
        quantity = 1 if draw(st.booleans()) else draw(st.integers(-1, 25))
        if draw(st.integers(0, 3)) == 0:  # a running total instead
            return Performed(when, party=party, obligation=ob, by=by, part=part,
                             cumulative=draw(st.integers(-1, 30)))
        return Performed(when, party=party, obligation=ob, quantity=quantity, by=by, part=part)
    if kind == "record":
        which = draw(st.sampled_from(["report", "statement", "incident", "finding"]))
        ident = draw(st.sampled_from([None, None, "I1", "r-1"]))
        if which == "report":
            amount = draw(st.sampled_from([None, 0, 5, 40]))
            return Reported(when, by=draw(st.sampled_from([MONITOR, party])), id=ident,
                            indicator=draw(st.sampled_from([None, INDICATOR])),
                            obligation=draw(st.sampled_from([None, ob])),
                            **({"cumulative": amount} if draw(st.booleans())
                               else {"quantity": amount}))
        if which == "statement":
            return Stated(when, by=party, text="as stated", id=ident)
        if which == "incident":
            return IncidentReported(when, by=draw(st.sampled_from([None, party])), id=ident,
                                    location="somewhere",
                                    obligation=draw(st.sampled_from([None, ob])))
        return FindingIssued(when, body="A court", concerning=draw(st.sampled_from(
            [None, party])), id=ident)
    if kind == "end_duty":
        return DutyEnded(when, by=draw(st.sampled_from([party, MEDIATOR])), obligation=ob)
    if kind == "renew_duty":
        if draw(st.booleans()):
            return Renewed(when, by=draw(st.sampled_from([party, MEDIATOR])), obligation=ob)
        return RenewalObjected(when, by=party, obligation=ob)
    if kind == "withhold":
        return Withheld(when, party=party, obligation=ob, condition="the other side's part",
                        quantity=draw(st.sampled_from([None, 0, 3])))
    if kind == "release":
        return Released(when, party=party, obligation=ob)
    if kind == "report":
        return Reported(when, by=draw(st.sampled_from([MONITOR, party])),
                        obligation=draw(st.sampled_from([None, ob])))
    if kind == "end_phase":
        return PhaseEnded(when, phase=phase)
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
        return ViolationAlleged(when, by=party,
                                against=draw(st.sampled_from([*parties, OUTSIDER])),
                                obligation=draw(st.sampled_from([None, ob])),
                                refers_to=draw(st.sampled_from([None, None, "I1", "r-1"])))
    if kind == "rule":
        return Ruling(when, by=draw(st.sampled_from([MEDIATOR, MONITOR, "qatar", party])),
                      allegation=draw(st.sampled_from(["A1", "A2", "A3"])),
                      upheld=draw(st.booleans()))
    return HostilitiesResumed(when)
