"""The agenda of a simulated run: the kinds of action, and the rarer actions' handling.

The kinds are valued by their order within a day; hostilities resume last in a day (their
day is kept apart by the simulator, drawn again whenever the collapse hazard changes).
:func:`handle_rare` applies the suspensions, resumptions, allegations and rulings a
:class:`~dealmodel.analysis.montecarlo_sampler.Simulation` drew, checking each against
the run first, as the common actions are (see
:mod:`~dealmodel.analysis.montecarlo_sampler`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dealmodel.analysis.montecarlo_table import (
    ACTIVE,
    BREACHED,
    NO_STATE,
    PENDING_STATE,
    SUSPEND,
    SUSPENDED,
    SUSPENDED_STATE,
    TERMINAL_STATE,
)
from dealmodel.model.events import Resumed, Ruling, Suspended, ViolationAlleged

if TYPE_CHECKING:
    from dealmodel.analysis.montecarlo_sampler import Simulation

__all__ = ["AGREE", "ALLEGE", "BREAK", "NEVER", "PERFORM", "RESUME_DEAL", "RESUME_OB", "RULE",
           "SUSPEND_DEAL", "SUSPEND_OB", "TALKS", "handle_rare", "redeliver"]

PERFORM, RESUME_DEAL, RESUME_OB, TALKS, AGREE, BREAK, ALLEGE, RULE, SUSPEND_OB, \
    SUSPEND_DEAL = range(10)
#: a day that never comes
NEVER = 1 << 30


def handle_rare(self: Simulation, day: int, kind: int, arg: Any) -> None:
    """Suspensions, resumptions, allegations and rulings."""
    plan, trace = self.plan, self.trace
    cd = plan.cd
    state_kind = cd.kind_of[self.state]
    in_force = state_kind != TERMINAL_STATE and state_kind != PENDING_STATE
    if kind == SUSPEND_OB:
        ob, gen = arg
        if gen != self.ob_gen[ob]:
            return
        status = self.status[ob]
        if status == ACTIVE and in_force:
            party = cd.ob_obligor[ob]
            self.suspend(day, party, ob)
            if trace is not None:
                trace.append(Suspended(day, party=party, obligation=cd.ob_ids[ob]))
            self.push(day + plan.suspend_days[ob].sample(self.u()), RESUME_OB, ob)
        elif status == SUSPENDED:  # suspended with all its obligor's duties: wait
            self.push(day + self.wait(plan.suspend_daily[ob]), SUSPEND_OB, arg)
    elif kind == RESUME_OB:
        ob = arg
        party = cd.ob_obligor[ob]
        if self.status[ob] == SUSPENDED and self.ob_suspended_by[ob] == party:
            self.resume(day, party, ob)
            if trace is not None:
                trace.append(Resumed(day, party=party, obligation=cd.ob_ids[ob]))
            redeliver(self, day)
        if self.status[ob] == ACTIVE:
            self.ob_gen[ob] += 1
            self.push(day + self.wait(plan.suspend_daily[ob]), SUSPEND_OB,
                      (ob, self.ob_gen[ob]))
    elif kind == SUSPEND_DEAL:
        p, gen = arg
        if gen != self.party_gen[p]:
            return
        party = plan.parties[p]
        if cd.table[self.state][SUSPEND] != NO_STATE:
            self.suspend(day, party)
            if trace is not None:
                trace.append(Suspended(day, party=party))
            self.push(day + plan.suspend_deal_days[p].sample(self.u()), RESUME_DEAL, p)
        else:
            self.push(day + self.wait(plan.suspend_deal_daily[p]), SUSPEND_DEAL, arg)
    elif kind == RESUME_DEAL:
        p = arg
        party = plan.parties[p]
        if state_kind == SUSPENDED_STATE and self.suspended_by == party:
            self.resume(day, party)
            if trace is not None:
                trace.append(Resumed(day, party=party))
            redeliver(self, day)
            self.party_gen[p] += 1
            self.push(day + self.wait(plan.suspend_deal_daily[p]), SUSPEND_DEAL,
                      (p, self.party_gen[p]))
    elif kind == ALLEGE:
        ob = arg
        status = self.status[ob]
        if not in_force or (status != ACTIVE and status != SUSPENDED):
            return
        against = cd.ob_obligor[ob]
        index = self.allege(day, against, ob)
        if trace is not None:
            trace.append(ViolationAlleged(day, by=plan.alleged_by[ob], against=against,
                                          obligation=cd.ob_ids[ob]))
        u_upheld, wait_u = self.u(), self.u()
        chance = plan.upheld[ob]
        if chance is not None:
            self.push(day + plan.ruling_days[ob].sample(wait_u), RULE,
                      (index, u_upheld < chance, ob))
        self.push(day + self.wait(plan.allegation_daily[ob]), ALLEGE, ob)
    else:  # RULE
        index, upheld, ob = arg
        self.rule(day, index, upheld)
        if trace is not None:
            trace.append(Ruling(day, by=plan.ruled_by[ob], allegation=f"A{index + 1}",
                                upheld=upheld))

def redeliver(self: Simulation, day: int) -> None:
    """Performances held up by a suspension go ahead on the day it ends."""
    status = self.status
    for ob in sorted(self.deferred):
        if status[ob] == ACTIVE or status[ob] in BREACHED:
            for quantity in self.deferred.pop(ob):
                self.push(day, PERFORM, (ob, quantity))
