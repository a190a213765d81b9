"""One simulated run: events drawn from the assumptions, applied to a lean run.

A :class:`Plan` is built once per deal and assumptions (the compiled deal plus the
assumptions as arrays by obligation and phase). :func:`simulate_run` then plays one run
on a :class:`~dealmodel.analysis.montecarlo_core.LeanRun` as a discrete-event
simulation: an agenda of dated actions - performances of each installment, talks
opening, agreement or talks breaking off, suspensions and resumptions, allegations and
rulings, the resumption of hostilities - drawn from the run's own random stream as the
run goes (a phase's duties are drawn when the phase is entered), interleaved with the
deal's own deadlines. Hazards are per day: the wait until a daily chance ``p`` first
comes up is geometric; when a hazard changes (another phase, limbo, a new violation or
suspension), its wait is drawn again from that day, which is exact for daily hazards.

Every action is checked against the run before it is applied, so every event is one the
engine accepts; with ``trace`` the events are also recorded, to be replayed on the real
engine (the tests do, and compare the runs).

Within one day actions go in a fixed order: performances, resumptions, talks opening,
agreement, talks breaking off, allegations, rulings, suspensions, hostilities.
"""

from __future__ import annotations

import heapq
import math
from typing import TYPE_CHECKING, Any

from dealmodel.analysis.montecarlo_core import (
    ACTIVE,
    SUSPENDED,
    VIOLATED,
    LeanRun,
)
from dealmodel.analysis.montecarlo_plan import Plan, make_plan
from dealmodel.analysis.montecarlo_table import (
    LIMBO_STATE,
    NO_STATE,
    PENDING_STATE,
    SUSPEND,
    SUSPENDED_STATE,
    TERMINAL_STATE,
)
from dealmodel.model.events import (
    AgreementReached,
    ClockAdvanced,
    Event,
    HostilitiesResumed,
    NegotiationsEnded,
    NegotiationsOpened,
    Performed,
    Resumed,
    Ruling,
    Suspended,
    ViolationAlleged,
)

if TYPE_CHECKING:
    import numpy as np

__all__ = ["Plan", "make_plan", "simulate_run"]  # Plan and make_plan: re-exported

# agenda kinds, valued by their order within a day
PERFORM, RESUME_DEAL, RESUME_OB, TALKS, AGREE, BREAK, ALLEGE, RULE, SUSPEND_OB, \
    SUSPEND_DEAL, COLLAPSE = range(11)
_NEVER = 1 << 30
_BLOCK = 64  # uniforms drawn from the generator at a time


class _Sim:
    """The state of one simulated run besides the lean run itself."""

    __slots__ = ("agenda", "buf", "carry", "col_gen", "col_hazard", "deferred", "lean",
                 "marks", "ob_gen", "party_gen", "phase", "plan", "pos", "rng", "seq", "state",
                 "talks_gen", "trace")

    def __init__(self, plan: Plan, rng: np.random.Generator, trace: list[Event] | None) -> None:
        self.plan = plan
        self.lean = LeanRun(plan.cd)
        self.rng = rng
        self.buf: list[float] = rng.random(_BLOCK).tolist()
        self.pos = 0
        self.trace = trace
        self.agenda: list[tuple[int, int, int, int, Any]] = []
        self.seq = 0
        self.phase = -1
        self.state = -1
        self.marks = -1
        self.carry = [0] * len(plan.cd.ob_ids)
        self.deferred: dict[int, list[int]] = {}
        self.col_gen = 0
        self.col_hazard = -1.0
        self.talks_gen = 0
        self.ob_gen = [0] * len(plan.cd.ob_ids)
        self.party_gen = [0] * len(plan.parties)

    # -- randomness ------------------------------------------------------------------
    def u(self) -> float:
        pos = self.pos
        if pos == _BLOCK:
            self.buf = self.rng.random(_BLOCK).tolist()
            pos = 0
        self.pos = pos + 1
        return self.buf[pos]

    def wait(self, p: float) -> int:
        """Days until a daily chance ``p`` first comes up (always uses one draw)."""
        u = self.u()
        if p <= 0.0:
            return _NEVER
        if p >= 1.0:
            return 1
        return 1 + int(math.log1p(-u) / math.log1p(-p))

    def push(self, day: int, kind: int, arg: Any) -> None:
        if day <= self.plan.horizon:
            heapq.heappush(self.agenda, (day, kind, self.seq, kind, arg))
            self.seq += 1

    # -- the run ---------------------------------------------------------------------
    def run(self) -> None:
        lean, agenda, horizon = self.lean, self.agenda, self.plan.horizon
        kind_of = self.plan.cd.kind_of
        self.clock(1)  # the deal takes effect on day 1
        self.after()
        while kind_of[lean.state] != TERMINAL_STATE:
            deadlines = lean.deadlines
            due = deadlines[0][0] + 1 if deadlines else _NEVER
            top = agenda[0][0] if agenda else _NEVER
            if due <= top:
                if due > horizon:
                    break
                self.clock(due)
            else:
                if top > horizon:
                    break
                day, _, _, kind, arg = heapq.heappop(agenda)
                self.handle(day, kind, arg)
            self.after()

    def clock(self, day: int) -> None:
        self.lean.advance(day)
        if self.trace is not None:
            self.trace.append(ClockAdvanced(day))

    def after(self) -> None:
        """Notice a new phase (draw its duties) and a changed collapse hazard."""
        lean = self.lean
        if self.phase < lean.phase_index:
            while self.phase < lean.phase_index:
                self.phase += 1
                self.enter(self.phase)
        elif lean.state == self.state and (lean.marks == self.marks or not self.plan.sensitive):
            return  # nothing the collapse hazard depends on has changed
        self.state = state = lean.state
        self.marks = lean.marks
        plan = self.plan
        kind = plan.cd.kind_of[state]
        if kind == TERMINAL_STATE or self.phase < 0:
            return
        base, limbo, per_violation, per_suspension = plan.collapse[self.phase]
        hazard = limbo if kind == LIMBO_STATE else base
        if per_violation or per_suspension:
            status = lean.status
            hazard = min(1.0, hazard + per_violation * status.count(VIOLATED)
                         + per_suspension * status.count(SUSPENDED))
        if hazard != self.col_hazard:
            self.col_hazard = hazard
            self.col_gen += 1
            self.push(lean.day + self.wait(hazard), COLLAPSE, self.col_gen)

    def enter(self, index: int) -> None:
        """Phase ``index`` has begun: draw when each of its duties is performed."""
        plan, lean = self.plan, self.lean
        start = lean.phase_entered - 1
        day = lean.day
        u = self.u
        horizon = plan.horizon
        agenda = self.agenda
        for ob, steps, withhold, on_time, delay in plan.phase_steps[index]:
            carry = 0
            last = len(steps) - 1
            for k, (pday, amount) in enumerate(steps):
                uw, us, ud = u(), u(), u()
                amount += carry
                carry = 0
                if k < last and uw < withhold:
                    carry = amount
                    continue
                when = start + pday if us < on_time else start + pday + delay.sample(ud)
                if when <= horizon:
                    heapq.heappush(agenda, (when, PERFORM, self.seq, PERFORM, (ob, amount)))
                    self.seq += 1
        for ob in plan.phase_suspend[index]:
            self.push(day + self.wait(plan.suspend_daily[ob]), SUSPEND_OB, (ob, self.ob_gen[ob]))
        for ob in plan.phase_allege[index]:
            self.push(day + self.wait(plan.allegation_daily[ob]), ALLEGE, ob)
        talks = plan.talks_open_day[index]
        if talks is not None:
            self.push(start + talks, TALKS, index + 1)
        for p, chance in enumerate(plan.suspend_deal_daily):
            if chance > 0:
                self.party_gen[p] += 1
                self.push(day + self.wait(chance), SUSPEND_DEAL, (p, self.party_gen[p]))

    def handle(self, day: int, kind: int, arg: Any) -> None:
        lean, plan, trace = self.lean, self.plan, self.trace
        cd = plan.cd
        state_kind = cd.kind_of[lean.state]
        if kind == PERFORM:
            ob, quantity = arg
            status = lean.status[ob]
            if status == SUSPENDED:
                self.deferred.setdefault(ob, []).append(quantity)
                return
            if status != ACTIVE and status != VIOLATED:
                return
            cap = lean.target[ob]
            if cap is None and cd.ob_reciprocal[ob]:
                cap = lean.owed(ob)
            if cap is not None:
                quantity = min(quantity, cap - lean.progress[ob])
            if quantity < 1:
                return
            lean.perform(day, ob, quantity)
            if trace is not None:
                trace.append(Performed(day, party=cd.ob_obligor[ob], obligation=cd.ob_ids[ob],
                                       quantity=quantity))
            target = lean.target[ob]
            last = target is not None and lean.progress[ob] >= target
            for duty, ratio in plan.reciprocal_of[ob]:
                self.reciprocate(duty, ratio * quantity, day, last)
        elif kind == TALKS:
            phase = arg
            if (lean.phase_index == phase - 1 and state_kind != TERMINAL_STATE
                    and phase not in lean.negotiating and phase not in lean.agreed):
                lean.open_talks(day, phase)
                if trace is not None:
                    trace.append(NegotiationsOpened(day, phase=cd.phase_ids[phase]))
                self.talks_gen += 1
                index = phase - 1
                self.push(day + self.wait(plan.agreement_daily[index]), AGREE,
                          (phase, self.talks_gen))
                self.push(day + self.wait(plan.talks_break_daily[index]), BREAK,
                          (phase, self.talks_gen))
        elif kind in (AGREE, BREAK):
            phase, gen = arg
            if gen != self.talks_gen or phase not in lean.negotiating \
                    or lean.phase_index != phase - 1:
                return
            self.talks_gen += 1
            if kind == AGREE:
                lean.agree(day, phase)
                if trace is not None:
                    trace.append(AgreementReached(day, phase=cd.phase_ids[phase]))
            else:
                lean.end_talks(day, phase)
                if trace is not None:
                    trace.append(NegotiationsEnded(day, phase=cd.phase_ids[phase]))
        elif kind == COLLAPSE:
            if arg == self.col_gen:
                lean.collapse(day)
                if trace is not None:
                    trace.append(HostilitiesResumed(day))
        else:
            self.handle_rare(day, kind, arg)

    def handle_rare(self, day: int, kind: int, arg: Any) -> None:
        """Suspensions, resumptions, allegations and rulings."""
        lean, plan, trace = self.lean, self.plan, self.trace
        cd = plan.cd
        state_kind = cd.kind_of[lean.state]
        in_force = state_kind != TERMINAL_STATE and state_kind != PENDING_STATE
        if kind == SUSPEND_OB:
            ob, gen = arg
            if gen != self.ob_gen[ob]:
                return
            status = lean.status[ob]
            if status == ACTIVE and in_force:
                party = cd.ob_obligor[ob]
                lean.suspend(day, party, ob)
                if trace is not None:
                    trace.append(Suspended(day, party=party, obligation=cd.ob_ids[ob]))
                self.push(day + plan.suspend_days[ob].sample(self.u()), RESUME_OB, ob)
            elif status == SUSPENDED:  # suspended with all its obligor's duties: wait
                self.push(day + self.wait(plan.suspend_daily[ob]), SUSPEND_OB, arg)
        elif kind == RESUME_OB:
            ob = arg
            party = cd.ob_obligor[ob]
            if lean.status[ob] == SUSPENDED and lean.ob_suspended_by[ob] == party:
                lean.resume(day, party, ob)
                if trace is not None:
                    trace.append(Resumed(day, party=party, obligation=cd.ob_ids[ob]))
                self.redeliver(day)
            if lean.status[ob] == ACTIVE:
                self.ob_gen[ob] += 1
                self.push(day + self.wait(plan.suspend_daily[ob]), SUSPEND_OB,
                          (ob, self.ob_gen[ob]))
        elif kind == SUSPEND_DEAL:
            p, gen = arg
            if gen != self.party_gen[p]:
                return
            party = plan.parties[p]
            if cd.table[lean.state][SUSPEND] != NO_STATE:
                lean.suspend(day, party)
                if trace is not None:
                    trace.append(Suspended(day, party=party))
                self.push(day + plan.suspend_deal_days[p].sample(self.u()), RESUME_DEAL, p)
            else:
                self.push(day + self.wait(plan.suspend_deal_daily[p]), SUSPEND_DEAL, arg)
        elif kind == RESUME_DEAL:
            p = arg
            party = plan.parties[p]
            if state_kind == SUSPENDED_STATE and lean.suspended_by == party:
                lean.resume(day, party)
                if trace is not None:
                    trace.append(Resumed(day, party=party))
                self.redeliver(day)
                self.party_gen[p] += 1
                self.push(day + self.wait(plan.suspend_deal_daily[p]), SUSPEND_DEAL,
                          (p, self.party_gen[p]))
        elif kind == ALLEGE:
            ob = arg
            status = lean.status[ob]
            if not in_force or (status != ACTIVE and status != SUSPENDED):
                return
            against = cd.ob_obligor[ob]
            index = lean.allege(day, against, ob)
            if trace is not None:
                trace.append(ViolationAlleged(day, by=plan.alleged_by[ob], against=against,
                                              obligation=cd.ob_ids[ob]))
            upheld, wait_u = self.u(), self.u()
            chance = plan.upheld[ob]
            if chance is not None:
                self.push(day + plan.ruling_days[ob].sample(wait_u), RULE,
                          (index, upheld < chance, ob))
            self.push(day + self.wait(plan.allegation_daily[ob]), ALLEGE, ob)
        else:  # RULE
            index, upheld, ob = arg
            lean.rule(day, index, upheld)
            if trace is not None:
                trace.append(Ruling(day, by=plan.ruled_by[ob], allegation=f"A{index + 1}",
                                    upheld=upheld))

    def reciprocate(self, duty: int, amount: int, day: int, last: bool) -> None:
        """A delivery that ``duty`` answers (``amount`` owed for it) has been made."""
        plan = self.plan
        uw, us, ud = self.u(), self.u(), self.u()
        amount += self.carry[duty]
        self.carry[duty] = 0
        if not last and uw < plan.withhold[duty]:
            self.carry[duty] = amount
            return
        if us < plan.on_schedule[duty]:
            self.handle(day, PERFORM, (duty, amount))  # at once, with what it answers
        else:
            self.push(day + plan.delay[duty].sample(ud), PERFORM, (duty, amount))

    def redeliver(self, day: int) -> None:
        """Performances held up by a suspension go ahead on the day it ends."""
        status = self.lean.status
        for ob in sorted(self.deferred):
            if status[ob] == ACTIVE or status[ob] == VIOLATED:
                for quantity in self.deferred.pop(ob):
                    self.push(day, PERFORM, (ob, quantity))


def simulate_run(plan: Plan, rng: np.random.Generator,
                 trace: list[Event] | None = None) -> LeanRun:
    """Play one run of ``plan`` with the random stream ``rng``; returns the final lean run.

    With ``trace`` (a list), every event applied is appended to it, clock advances
    included, so that replaying ``trace`` on the engine gives the same run.
    """
    sim = _Sim(plan, rng, trace)
    sim.run()
    return sim.lean
