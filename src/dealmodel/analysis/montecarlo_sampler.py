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

from dealmodel.analysis.montecarlo_agenda import (
    AGREE,
    ALLEGE,
    BREAK,
    NEVER,
    PERFORM,
    SUSPEND_DEAL,
    SUSPEND_OB,
    TALKS,
    handle_rare,
)
from dealmodel.analysis.montecarlo_core import LeanRun
from dealmodel.analysis.montecarlo_plan import Plan, make_plan
from dealmodel.analysis.montecarlo_table import (
    ACTIVE,
    BREACHED,
    LIMBO_STATE,
    ONGOING,
    PARTIAL,
    SUSPENDED,
    TERMINAL_STATE,
    VIOLATED,
)
from dealmodel.model.events import (
    AgreementReached,
    ClockAdvanced,
    Event,
    HostilitiesResumed,
    NegotiationsEnded,
    NegotiationsOpened,
    Performed,
)

if TYPE_CHECKING:
    import numpy as np

__all__ = ["Plan", "make_plan", "simulate_run"]  # Plan and make_plan: re-exported

_BLOCK = 128  # uniforms drawn from the generator at a time


class Simulation(LeanRun):
    """A lean run that draws its own events: the agenda, the draws, the hazards."""

    __slots__ = ("agenda", "aseq", "buf", "carry", "col_hazard", "collapse_day", "deferred",
                 "ob_gen", "party_gen", "plan", "pos", "rng", "seen_marks", "seen_phase",
                 "seen_state", "talks_gen", "trace")

    def __init__(self, plan: Plan, rng: np.random.Generator,
                 trace: list[Event] | None) -> None:
        super().__init__(plan.cd)
        self.plan = plan
        self.rng = rng
        self.buf: list[float] = rng.random(_BLOCK).tolist()
        self.pos = 0
        self.trace = trace
        self.agenda: list[tuple[int, int, int, int, Any]] = []
        self.aseq = 0
        self.seen_phase = -1
        self.seen_state = -1
        self.seen_marks = -1
        count = len(plan.cd.ob_ids)
        self.carry = [0] * count
        self.deferred: dict[int, list[int]] = {}
        self.collapse_day = NEVER
        self.col_hazard = -1.0
        self.talks_gen = 0
        self.ob_gen = [0] * count
        self.party_gen = [0] * len(plan.parties)

    # -- randomness: the run's stream, consumed in order ---------------------------------
    def need(self, k: int) -> list[float]:
        """The draw buffer, holding at least ``k`` unused draws from ``self.pos`` on."""
        buf = self.buf
        if self.pos + k > len(buf):
            buf = self.buf = buf[self.pos:] + self.rng.random(_BLOCK + k).tolist()
            self.pos = 0
        return buf

    def u(self) -> float:
        pos = self.pos
        buf = self.buf
        if pos == len(buf):
            buf = self.buf = self.rng.random(_BLOCK).tolist()
            pos = 0
        self.pos = pos + 1
        return buf[pos]

    def wait(self, p: float) -> int:
        """Days until a daily chance ``p`` first comes up (always uses one draw)."""
        pos = self.pos
        buf = self.buf
        if pos == len(buf):
            buf = self.buf = self.rng.random(_BLOCK).tolist()
            pos = 0
        self.pos = pos + 1
        if p <= 0.0:
            return NEVER
        if p >= 1.0:
            return 1
        return 1 + int(math.log1p(-buf[pos]) / math.log1p(-p))

    def push(self, day: int, kind: int, arg: Any) -> None:
        if day <= self.plan.horizon:
            heapq.heappush(self.agenda, (day, kind, self.aseq, kind, arg))
            self.aseq += 1

    # -- the run ---------------------------------------------------------------------
    def play(self) -> None:
        agenda, plan, trace = self.agenda, self.plan, self.trace
        horizon, kind_of, sensitive = plan.horizon, plan.cd.kind_of, plan.sensitive
        heappop = heapq.heappop
        self.advance(1)  # the deal takes effect on day 1
        if trace is not None:
            trace.append(ClockAdvanced(1))
        self.after()
        while kind_of[self.state] != TERMINAL_STATE:
            deadlines = self.deadlines
            top = agenda[0][0] if agenda else NEVER
            collapse = self.collapse_day
            upto = top if top <= collapse else collapse
            if deadlines and deadlines[0][0] < upto:  # a deadline passes first
                day = deadlines[0][0] + 1
                if day > horizon:
                    break
                self.advance(day)
                if trace is not None:
                    trace.append(ClockAdvanced(day))
            elif upto > horizon:
                break
            elif top > collapse:  # nothing else is left to do that day: hostilities resume
                self.collapse(collapse)
                if trace is not None:
                    trace.append(HostilitiesResumed(collapse))
                break
            else:
                day, kind, _, _, arg = heappop(agenda)
                if kind == PERFORM:
                    self.perform_drawn(day, arg[0], arg[1])
                    # the day's other performances at once (a performance changes nothing
                    # the collapse hazard depends on, unless it concludes the deal)
                    while agenda and agenda[0][0] == day and agenda[0][1] == PERFORM \
                            and kind_of[self.state] != TERMINAL_STATE:
                        arg = heappop(agenda)[4]
                        self.perform_drawn(day, arg[0], arg[1])
                else:
                    self.handle(day, kind, arg)
            if (self.phase_index != self.seen_phase or self.state != self.seen_state
                    or (sensitive and self.marks != self.seen_marks)):
                self.after()

    def after(self) -> None:
        """Notice a new phase (draw its duties) and a changed collapse hazard."""
        while self.seen_phase < self.phase_index:
            self.seen_phase += 1
            self.enter_drawn(self.seen_phase)
        self.seen_state = state = self.state
        self.seen_marks = self.marks
        plan = self.plan
        kind = plan.cd.kind_of[state]
        if kind == TERMINAL_STATE or self.seen_phase < 0:
            return
        base, limbo, per_violation, per_suspension = plan.collapse[self.seen_phase]
        hazard = limbo if kind == LIMBO_STATE else base
        if per_violation or per_suspension:
            status = self.status
            hazard = min(1.0, hazard + per_violation * (status.count(VIOLATED)
                                                         + status.count(PARTIAL))
                         + per_suspension * status.count(SUSPENDED))
        if hazard != self.col_hazard:
            self.col_hazard = hazard
            self.collapse_day = self.day + self.wait(hazard)

    def enter_drawn(self, index: int) -> None:
        """Phase ``index`` has begun: draw when each of its duties is performed."""
        plan = self.plan
        start = self.phase_entered - 1
        day = self.day
        horizon = plan.horizon
        agenda = self.agenda
        for ob, steps, withhold, on_time, delay in plan.phase_steps[index]:
            carry = 0
            last = len(steps) - 1
            buf = self.need(3 * len(steps))
            pos = self.pos
            for k, (pday, amount) in enumerate(steps):
                uw, us, ud = buf[pos], buf[pos + 1], buf[pos + 2]
                pos += 3
                amount += carry
                carry = 0
                if k < last and uw < withhold:
                    carry = amount
                    continue
                when = start + pday if us < on_time else start + pday + delay.sample(ud)
                if when <= horizon:
                    heapq.heappush(agenda, (when, PERFORM, self.aseq, PERFORM, (ob, amount)))
                    self.aseq += 1
            self.pos = pos
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

    def perform_drawn(self, day: int, ob: int, quantity: int) -> None:
        """A drawn performance falls due: perform what is still owed, answer it."""
        status = self.status
        current = status[ob]
        if current != ACTIVE and current not in BREACHED:
            if current == SUSPENDED:
                self.deferred.setdefault(ob, []).append(quantity)
            return
        plan = self.plan
        cd = plan.cd
        progress = self.progress
        target = self.target[ob]
        cap = target
        if cap is None and cd.ob_reciprocal[ob]:
            cap = self.owed(ob)
        had = progress[ob]
        if cap is not None and had + quantity > cap:
            quantity = cap - had
            if quantity < 1:
                return
        # LeanRun.perform, inlined (this is the innermost loop); the clock is at ``day``
        # already, as the agenda never passes a deadline (the tests replay every drawn
        # stream on the engine and compare)
        self.day = day
        total = progress[ob] = had + quantity
        if (target is not None and total >= target and not cd.ob_reciprocal[ob]
                and cd.ob_kind[ob] != ONGOING):
            self._fulfil(ob, day)
            if self.phase_end is None:
                self._conclude_if_settled()
        if self.trace is not None:
            self.trace.append(Performed(day, party=cd.ob_obligor[ob], obligation=cd.ob_ids[ob],
                                        quantity=quantity))
        answers = plan.reciprocal_of[ob]
        if answers:
            last = target is not None and total >= target
            for duty, ratio in answers:
                self.reciprocate(duty, ratio * quantity, day, last)

    def reciprocate(self, duty: int, amount: int, day: int, last: bool) -> None:
        """A delivery that ``duty`` answers (``amount`` owed for it) has been made."""
        plan = self.plan
        buf = self.need(3)
        pos = self.pos
        uw, us, ud = buf[pos], buf[pos + 1], buf[pos + 2]
        self.pos = pos + 3
        amount += self.carry[duty]
        self.carry[duty] = 0
        if not last and uw < plan.withhold[duty]:
            self.carry[duty] = amount
        elif us < plan.on_schedule[duty]:
            self.perform_drawn(day, duty, amount)  # at once, with what it answers
        else:
            self.push(day + plan.delay[duty].sample(ud), PERFORM, (duty, amount))

    def handle(self, day: int, kind: int, arg: Any) -> None:
        """Talks, agreement, collapse; the rarer actions in handle_rare()."""
        plan, trace = self.plan, self.trace
        cd = plan.cd
        if kind == TALKS:
            phase = arg
            if (self.phase_index == phase - 1 and cd.kind_of[self.state] != TERMINAL_STATE
                    and phase not in self.negotiating and phase not in self.agreed):
                self.open_talks(day, phase)
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
            if gen != self.talks_gen or phase not in self.negotiating \
                    or self.phase_index != phase - 1:
                return
            self.talks_gen += 1
            if kind == AGREE:
                self.agree(day, phase)
                if trace is not None:
                    trace.append(AgreementReached(day, phase=cd.phase_ids[phase]))
            else:
                self.end_talks(day, phase)
                if trace is not None:
                    trace.append(NegotiationsEnded(day, phase=cd.phase_ids[phase]))
        else:
            handle_rare(self, day, kind, arg)


def simulate_run(plan: Plan, rng: np.random.Generator,
                 trace: list[Event] | None = None) -> LeanRun:
    """Play one run of ``plan`` with the random stream ``rng``; returns the final lean run.

    With ``trace`` (a list), every event applied is appended to it, clock advances
    included, so that replaying ``trace`` on the engine gives the same run.
    """
    run = Simulation(plan, rng, trace)
    run.play()
    return run
