"""Monte Carlo speed: the compiled simulator against two designs, then workers and Dask.

All contenders simulate the Gaza 2025 deal under the assumptions of
``examples/gaza-2025-montecarlo.yaml`` (hypothetical, illustrative numbers), every run
from its own random stream (``SeedSequence(seed, spawn_key=(i,))``, as the determinism
contract requires; all three get them from ``montecarlo_streams.run_streams``), and
count the same outcomes (a ``Tally``; the counts of all three are checked equal):

* compiled - dealmodel's simulator: the deal's lifecycle compiled once into integer
  tables, a lean run (``dealmodel.analysis.montecarlo.run_chunk``); its hot modules are
  themselves compiled to C with mypyc when the install could (see setup.py; the first
  line printed says which build is in use, and ``DEALMODEL_PURE_PYTHON=1`` runs this
  benchmark on the pure-Python source instead);
* machine per run - a design that builds a ``transitions`` machine for every run: the
  same drawn events played on the engine's ``Run`` with a lifecycle machine built for
  that run (the draws are made by the compiled simulator; a design drawing from the
  engine's own state would spend about as much on drawing as this one does);
* floor - a bare simulator hand-written for this one deal in this file: the same
  model, one heap, no engine, no tables; it makes the same draws in the same order, so
  its counts must equal the compiled simulator's exactly (checked). It is pure Python,
  so against the mypyc build it is the slower of the two.

Per-core speed is CPU time of this process (``time.process_time``), contenders taking
turns in each round, best of the rounds, so that other load on the machine slows every
contender alike. Targets: compiled >= 10x the machine-per-run design; the floor at most
5x faster than compiled. Then wall-clock: 2 local workers >= 1.7x one, and a Dask
LocalCluster (2 single-threaded worker processes, started and warmed up beforehand)
at most 25 % slower than the local pool of 2 at 10,000 runs.

Run: python benchmarks/bench_simulate.py [--runs N] [--rounds R] [--quick]
"""

from __future__ import annotations

import argparse
import heapq
import math
import os
import resource
import sys
import time
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from dealmodel.analysis.montecarlo import COMPILED, SimSpec, assumptions_of, run_chunk, simulate
from dealmodel.analysis.montecarlo_results import Tally
from dealmodel.analysis.montecarlo_sampler import Plan, make_plan, simulate_run
from dealmodel.analysis.montecarlo_streams import run_streams
from dealmodel.analysis.montecarlo_table import (
    ACTIVE,
    DISCHARGED,
    FULFILLED,
    FULFILLED_LATE,
    PARTIAL,
    PENDING,
    STATUS_NAMES,
    SUSPENDED,
    UPHELD,
    VIOLATED,
)
from dealmodel.engine import Run
from dealmodel.model.events import Event
from dealmodel.model.phases import ExpiryRule
from dealmodel.scenarios.scenario import Scenario, load_scenario

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "gaza-2025-montecarlo.yaml"
SEED = 7


# -- contender: a transitions machine built for every run ---------------------------------
def machine_per_run(plan: Plan, start: int, stop: int) -> Tally:
    """Each run: draw its events, build the deal's lifecycle machine, play them on the
    engine, and count its outcomes from the engine's run."""
    deal = plan.cd.deal
    tally = Tally(len(plan.cd.phase_ids), len(plan.cd.ob_ids))
    for rng in run_streams(SEED, start, stop):
        events: list[Event] = []
        simulate_run(plan, rng, events)
        deal._machine_cache.clear()  # this design has no per-deal machine to share
        run = Run(deal)
        for event in events:
            run.apply(event)
        tally.add(_EngineRun(plan, run))  # type: ignore[arg-type]
    return tally


class _EngineRun:
    """An engine run seen as Tally.add reads a lean run (integers for states, statuses)."""

    __slots__ = ("allegations", "cd", "fulfilled_day", "history", "phase_index", "state",
                 "status")

    def __init__(self, plan: Plan, run: Run) -> None:
        cd = plan.cd
        index = {name: i for i, name in enumerate(cd.states)}
        self.cd = cd
        self.phase_index = run.phase_index
        self.state = index[run.state]
        self.history = [(index[state], day) for state, day in run.history]
        self.status = [STATUS_NAMES.index(run.ledger[oid].status.value) for oid in cd.ob_ids]
        self.fulfilled_day = [run.ledger[oid].fulfilled_day for oid in cd.ob_ids]
        self.allegations = [(a.against, -1, UPHELD if a.status.value == "upheld" else 0)
                            for a in run.allegations]


# -- contender: the floor, a bare simulator of this deal ------------------------------------
class _Done:
    """What the floor leaves of a run: the fields Tally.add reads."""

    __slots__ = ("allegations", "cd", "fulfilled_day", "history", "phase_index", "state",
                 "status")


def floor_chunk(plan: Plan, start: int, stop: int, log: list[Any] | None = None) -> Tally:
    """A bare hand-written simulator of the Gaza 2025 deal under the example's assumptions.

    Phases 1 and 2 last 42 days; then phase 1 holds in limbo with or without talks, phase
    2 only while talks go on; phases 2 and 3 need agreement; phase 3 is open-ended and
    concludes once its three acts are done (not while the deal is suspended); every
    phase may be suspended. One heap holds deadlines (ahead of the day's actions)
    and drawn actions; the draws are the compiled simulator's, in its order.
    """
    cd = plan.cd
    n_ob = len(cd.ob_ids)
    obs_of = cd.phase_obligations
    steps_of = plan.phase_steps
    standing = cd.standing
    kinds = cd.ob_kind
    schedule = [tuple(m) for m in cd.ob_schedule]
    recip = cd.ob_reciprocal
    due_rel = cd.ob_due_day
    due_at_end = cd.due_at_end
    obligor = cd.ob_obligor
    obligors = cd.ob_obligors
    at_end = cd.ob_at_end
    answers = plan.reciprocal_of
    running, limbo_of = cd.running_state, cd.limbo_of
    hold = [rule is ExpiryRule.HOLD for rule in cd.rules]  # limbo with or without talks
    susp_of = [cd.states.index(f"{p}:suspended") for p in cd.phase_ids]
    concluded, collapsed, lapsed = (cd.terminal[s] for s in ("concluded", "collapsed",
                                                            "lapsed"))
    horizon = plan.horizon
    durations = cd.durations
    n_phase = len(durations)
    parties = plan.parties
    collapse = plan.collapse
    on_sched, withhold, delay = plan.on_schedule, plan.withhold, plan.delay
    sus_daily, sus_days = plan.suspend_daily, plan.suspend_days
    alg_daily, upheld_p, rule_days = plan.allegation_daily, plan.upheld, plan.ruling_days
    sus_deal, sus_deal_days = plan.suspend_deal_daily, plan.suspend_deal_days
    agree_p, break_p, talks_day = plan.agreement_daily, plan.talks_break_daily, \
        plan.talks_open_day
    log1p = math.log1p
    heappush, heappop = heapq.heappush, heapq.heappop
    NEVER = 1 << 30
    # heap orders: deadlines first (milestone, expiry), then the actions
    MS, EXP, PERF, RES_DEAL, RES_OB, TALKS, AGREE, BREAK, ALLEGE, RULE, SUS_OB, SUS_DEAL, \
        COLL = -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
    tally = Tally(n_phase, n_ob)

    for rng in run_streams(SEED, start, stop):
        buf: list[float] = rng.random(128).tolist()
        pos = 0
        status = [PENDING] * n_ob
        progress = [0] * n_ob
        done: list[int | None] = [None] * n_ob
        held = [-1] * n_ob
        violated_day: list[int | None] = [None] * n_ob
        sus_by: list[str | None] = [None] * n_ob
        milestones: list[tuple[tuple[int, int], ...]] = [()] * n_ob
        final_due: list[int | None] = [None] * n_ob
        carry = [0] * n_ob
        deferred: dict[int, list[int]] = {}
        allegations: list[list[Any]] = []
        heap: list[tuple[int, int, int, int, Any]] = []
        seq = 0
        state, phase, end = 0, -1, 0
        history = [(0, 0)]
        negotiating: set[int] = set()
        agreed: set[int] = set()
        talks_gen = col_gen = 0
        col_h = -1.0
        ob_gen = [0] * n_ob
        party_gen = [0] * len(parties)
        susp_from = -1
        susp_party: str | None = None
        deferred_expiry = False
        day = 1
        dirty = True  # something the collapse hazard depends on may have changed

        def draw() -> float:
            nonlocal buf, pos
            if pos == len(buf):
                buf, pos = rng.random(129).tolist(), 0
            pos += 1
            return buf[pos - 1]

        def wait(p: float) -> int:
            u = draw()
            if p <= 0:
                return NEVER
            return 1 if p >= 1 else 1 + int(log1p(-u) / log1p(-p))

        def push(when: int, order: int, arg: Any) -> None:
            nonlocal seq
            if when <= horizon or order < 0:
                heappush(heap, (when, order, seq, order, arg))
                seq += 1

        def violate(ob: int, when: int, partial: bool) -> None:
            nonlocal dirty
            dirty = True
            if status[ob] == SUSPENDED:
                held[ob] = PARTIAL if partial else VIOLATED
            else:
                status[ob] = PARTIAL if partial else VIOLATED
            if violated_day[ob] is None:
                violated_day[ob] = when

        def fulfil(ob: int, when: int) -> None:
            status[ob] = FULFILLED if violated_day[ob] is None else FULFILLED_LATE
            held[ob] = -1
            done[ob] = when

        def goto(new: int) -> None:
            nonlocal state, dirty
            dirty = True
            state = new
            history.append((new, day))

        def end_deal(new: int) -> None:
            goto(new)
            for ob in range(n_ob):
                if status[ob] == ACTIVE or status[ob] == SUSPENDED:
                    status[ob] = DISCHARGED
            negotiating.clear()

        def close(index: int) -> None:
            nonlocal dirty
            dirty = True
            for ob in standing[index]:
                if status[ob] == ACTIVE:
                    fulfil(ob, day)
                elif status[ob] == SUSPENDED:
                    status[ob] = DISCHARGED

        def enter(index: int) -> None:
            nonlocal phase, end
            phase = index
            goto(running[index])
            negotiating.discard(index)
            first = day
            dur = durations[index]
            end = first + dur - 1 if dur is not None else 0
            base = first - 1
            for ob in obs_of[index]:
                if status[ob] == PENDING:
                    status[ob] = ACTIVE
                if schedule[ob]:
                    milestones[ob] = tuple((base + d, c) for d, c in schedule[ob])
                    for d, c in milestones[ob]:
                        push(d + 1, MS, (ob, d, c))
                    final_due[ob] = milestones[ob][-1][0]
                elif due_rel[ob] is not None:
                    final_due[ob] = base + due_rel[ob]  # type: ignore[operator]
                    push(final_due[ob] + 1, MS, (ob, final_due[ob], None))  # type: ignore[operator]
                elif at_end[ob]:
                    final_due[ob] = end
            if dur is not None:
                push(end + 1, EXP, index)

        def drawn(index: int) -> None:  # the compiled simulator's enter_drawn(), by hand
            nonlocal buf, pos, talks_gen
            base = day - 1
            for ob, steps, wh, ontime, dl in steps_of[index]:
                c = 0
                last = len(steps) - 1
                for k, (pday, amount) in enumerate(steps):
                    if pos + 3 > len(buf):
                        buf, pos = buf[pos:] + rng.random(128 + 3 * len(steps)).tolist(), 0
                    uw, us, ud = buf[pos], buf[pos + 1], buf[pos + 2]
                    pos += 3
                    amount += c
                    c = 0
                    if k < last and uw < wh:
                        c = amount
                        continue
                    push(base + pday if us < ontime else base + pday + dl.sample(ud), PERF,
                         (ob, amount))
            for ob in plan.phase_suspend[index]:
                push(day + wait(sus_daily[ob]), SUS_OB, (ob, ob_gen[ob]))
            for ob in plan.phase_allege[index]:
                push(day + wait(alg_daily[ob]), ALLEGE, ob)
            if talks_day[index] is not None:
                push(base + talks_day[index], TALKS, index + 1)  # type: ignore[operator]
            for p, chance in enumerate(sus_deal):
                if chance > 0:
                    party_gen[p] += 1
                    push(day + wait(chance), SUS_DEAL, (p, party_gen[p]))

        def owed(ob: int) -> int:
            total = sum(r * progress[per] for per, r in recip[ob])
            cap = cd.ob_target[ob]
            return total if cap is None else min(total, cap)

        def check(ob: int, due: int, needed: int | None) -> None:
            st = status[ob]
            standing = held[ob] if st == SUSPENDED and held[ob] >= 0 else st
            if standing != ACTIVE and standing != VIOLATED and standing != PARTIAL:
                return
            if needed is None:
                if due != final_due[ob]:
                    return
                needed = owed(ob) if recip[ob] else cd.ob_target[ob]
                if needed is None:
                    return
            if progress[ob] < needed:
                partial = progress[ob] > 0
                if standing != (PARTIAL if partial else VIOLATED):
                    violate(ob, due, partial)
            elif due == final_due[ob] and st != SUSPENDED:
                fulfil(ob, due)

        def expire() -> None:
            nonlocal deferred_expiry
            if state == susp_of[phase]:
                deferred_expiry = True
                return
            for ob in due_at_end[phase]:
                if final_due[ob] == end:
                    check(ob, end, None)
            if phase + 1 < n_phase:
                if phase + 1 in agreed:
                    close(phase)
                    enter(phase + 1)
                elif hold[phase] or phase + 1 in negotiating:
                    goto(limbo_of[phase])
                else:
                    end_deal(lapsed)

        def settle() -> None:  # an open-ended phase concludes once all its duties are
            if state == running[phase] and all(  # settled (not while suspended)
                    status[o] in (FULFILLED, FULFILLED_LATE, DISCHARGED)
                    for o in cd.settling[phase]):
                close(phase)
                end_deal(concluded)

        def perform(ob: int, qty: int) -> None:
            st = status[ob]
            if st != ACTIVE and st != VIOLATED and st != PARTIAL:
                if st == SUSPENDED:
                    deferred.setdefault(ob, []).append(qty)
                return
            cap = cd.ob_target[ob]
            if cap is None and recip[ob]:
                cap = owed(ob)
            if cap is not None and progress[ob] + qty > cap:
                qty = cap - progress[ob]
                if qty < 1:
                    return
            progress[ob] += qty
            target = cd.ob_target[ob]
            if target is not None and progress[ob] >= target and not recip[ob] \
                    and kinds[ob] != 2:
                fulfil(ob, day)
                if durations[phase] is None:
                    settle()
            if answers[ob]:
                last = target is not None and progress[ob] >= target
                for duty, ratio in answers[ob]:
                    uw, us, ud = draw(), draw(), draw()
                    amount = ratio * qty + carry[duty]
                    carry[duty] = 0
                    if not last and uw < withhold[duty]:
                        carry[duty] = amount
                    elif us < on_sched[duty]:
                        perform(duty, amount)
                    else:
                        push(day + delay[duty].sample(ud), PERF, (duty, amount))

        def redeliver() -> None:
            for ob in sorted(deferred):
                if status[ob] in (ACTIVE, VIOLATED, PARTIAL):
                    for qty in deferred.pop(ob):
                        push(day, PERF, (ob, qty))

        # day 1: the deal takes effect
        enter(0)
        drawn(0)
        seen_phase = phase
        while True:
            # after every step: a new phase draws its duties; a new hazard its wait
            if dirty:
                dirty = False
                if phase != seen_phase:
                    seen_phase = phase
                    drawn(phase)
                if state not in (concluded, collapsed, lapsed):
                    base_h, limbo_h, per_v, per_s = collapse[phase]
                    h = limbo_h if state == limbo_of[phase] else base_h
                    if per_v or per_s:
                        h = min(1.0, h + per_v * (status.count(VIOLATED)
                                                   + status.count(PARTIAL))
                                + per_s * status.count(SUSPENDED))
                    if h != col_h:
                        col_h = h
                        col_gen += 1
                        push(day + wait(h), COLL, col_gen)
            if state in (concluded, collapsed, lapsed) or not heap:
                break
            when, order, _, _, arg = heap[0]
            if when > horizon:
                break
            heappop(heap)
            day = when
            if log is not None:
                log.append((when, order, arg))
            if order in (MS, EXP):
                while True:  # every deadline of the day, then look again
                    if order == MS:
                        check(*arg)
                    elif arg == phase and end == when - 1:
                        expire()
                    if state in (concluded, collapsed, lapsed) or not heap \
                            or heap[0][0] != when or heap[0][1] >= 0:
                        break
                    _, order, _, _, arg = heappop(heap)
            elif order == PERF:
                perform(arg[0], arg[1])
            elif order == TALKS:
                if phase == arg - 1 and arg not in negotiating and arg not in agreed:
                    negotiating.add(arg)
                    talks_gen += 1
                    push(day + wait(agree_p[phase]), AGREE, (arg, talks_gen))
                    push(day + wait(break_p[phase]), BREAK, (arg, talks_gen))
            elif order in (AGREE, BREAK):
                nxt, gen = arg
                if gen == talks_gen and nxt in negotiating and phase == nxt - 1:
                    talks_gen += 1
                    negotiating.discard(nxt)
                    in_limbo = state == limbo_of[phase]
                    if order == AGREE:
                        agreed.add(nxt)
                        if in_limbo:
                            close(phase)
                            enter(nxt)
                    elif in_limbo and not hold[phase]:
                        end_deal(lapsed)
            elif order == COLL:
                if arg == col_gen:
                    end_deal(collapsed)
            elif order == ALLEGE:
                ob = arg
                if status[ob] == ACTIVE or status[ob] == SUSPENDED:
                    allegations.append([obligor[ob], ob, 0])
                    u_up, u_wait = draw(), draw()
                    if upheld_p[ob] is not None:
                        push(day + rule_days[ob].sample(u_wait), RULE,
                             (len(allegations) - 1, u_up < upheld_p[ob]))  # type: ignore[operator]
                    push(day + wait(alg_daily[ob]), ALLEGE, ob)
            elif order == RULE:
                a, up = arg
                allegations[a][2] = UPHELD if up else 2
                ob = allegations[a][1]
                st = status[ob]
                if up and (held[ob] if st == SUSPENDED and held[ob] >= 0 else st) != VIOLATED:
                    violate(ob, day, False)
            elif order == SUS_OB:
                ob, gen = arg
                if gen == ob_gen[ob]:
                    if status[ob] == ACTIVE:
                        held[ob], status[ob] = ACTIVE, SUSPENDED
                        dirty = True
                        sus_by[ob] = obligor[ob]
                        push(day + sus_days[ob].sample(draw()), RES_OB, ob)
                    elif status[ob] == SUSPENDED:
                        push(day + wait(sus_daily[ob]), SUS_OB, arg)
            elif order == RES_OB:
                ob = arg
                if status[ob] == SUSPENDED and sus_by[ob] == obligor[ob]:
                    status[ob], held[ob] = held[ob], -1
                    dirty = True
                    sus_by[ob] = None
                    redeliver()
                if status[ob] == ACTIVE:
                    ob_gen[ob] += 1
                    push(day + wait(sus_daily[ob]), SUS_OB, (ob, ob_gen[ob]))
            elif order == SUS_DEAL:
                p, gen = arg
                if gen == party_gen[p]:
                    if state == running[phase] or state == limbo_of[phase]:
                        susp_from, susp_party = state, parties[p]
                        goto(susp_of[phase])
                        for ob in range(n_ob):
                            if status[ob] == ACTIVE and susp_party in obligors[ob]:
                                held[ob], status[ob] = ACTIVE, SUSPENDED
                                sus_by[ob] = susp_party
                        push(day + sus_deal_days[p].sample(draw()), RES_DEAL, p)
                    else:
                        push(day + wait(sus_deal[p]), SUS_DEAL, arg)
            elif order == RES_DEAL:
                p = arg
                if state == susp_of[phase] and susp_party == parties[p]:
                    back = susp_from
                    goto(back)
                    susp_from, susp_party = -1, None
                    for ob in range(n_ob):
                        if status[ob] == SUSPENDED and sus_by[ob] == parties[p]:
                            status[ob], held[ob] = held[ob], -1
                            sus_by[ob] = None
                    if deferred_expiry:
                        deferred_expiry = False
                        expire()
                    elif back == limbo_of[phase] and phase + 1 in agreed:
                        close(phase)  # agreed while suspended in limbo
                        enter(phase + 1)
                    elif back == limbo_of[phase] and not hold[phase] \
                            and phase + 1 not in negotiating:
                        end_deal(lapsed)
                    elif durations[phase] is None:  # settled while suspended
                        settle()
                    redeliver()
                    party_gen[p] += 1
                    push(day + wait(sus_deal[p]), SUS_DEAL, (p, party_gen[p]))
        out = _Done()
        out.cd, out.phase_index, out.state, out.history = cd, phase, state, history
        out.status, out.fulfilled_day = status, done
        out.allegations = allegations
        tally.add(out)  # type: ignore[arg-type]
    return tally


# -- measuring ---------------------------------------------------------------------------
def cpu_best(contenders: dict[str, Callable[[], object]], rounds: int) -> dict[str, float]:
    """Best CPU time of each contender over ``rounds`` rounds, taking turns."""
    best = dict.fromkeys(contenders, math.inf)
    for _ in range(rounds):
        for name, func in contenders.items():
            began = time.process_time()
            func()
            best[name] = min(best[name], time.process_time() - began)
    return best


def wall_best(contenders: dict[str, Callable[[], object]], rounds: int) -> dict[str, float]:
    best = dict.fromkeys(contenders, math.inf)
    for _ in range(rounds):
        for name, func in contenders.items():
            began = time.perf_counter()
            func()
            best[name] = min(best[name], time.perf_counter() - began)
    return best


def same_counts(a: Tally, b: Tally) -> bool:
    return (a.runs, a.phase_reached, a.endings, a.ending_days, a.paths, a.status,
            a.fulfilled, a.alleged, a.upheld) == (
            b.runs, b.phase_reached, b.endings, b.ending_days, b.paths, b.status,
            b.fulfilled, b.alleged, b.upheld)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3000, help="runs per contender per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="fewer runs (a smoke test)")
    args = parser.parse_args(argv)
    runs, rounds = (300, 2) if args.quick else (args.runs, args.rounds)
    scenario: Scenario = load_scenario(EXAMPLE)
    spec = SimSpec(scenario.deal, assumptions_of(scenario), SEED)
    plan = make_plan(scenario.deal, spec.assumptions)
    print(f"gaza-2025 under {EXAMPLE.name}; {os.cpu_count()} CPUs; load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print("simulator build: " + ("compiled (mypyc, see setup.py)" if COMPILED else
                                 "pure-Python source (no compiled build in use)"))

    # the same model: the floor's counts equal the compiled simulator's, run for run
    compiled_tally, floor_tally = run_chunk(spec, 0, runs), floor_chunk(plan, 0, runs)
    floor_same = same_counts(compiled_tally, floor_tally)
    engine_same = same_counts(run_chunk(spec, 0, min(runs, 500)),
                              machine_per_run(plan, 0, min(runs, 500)))
    print(f"counts equal to the compiled simulator's: the floor's {floor_same}, the "
          f"engine's (machine per run) {engine_same}")

    per_core = cpu_best({
        "compiled": lambda: run_chunk(spec, 0, runs),
        "machine per run": lambda: machine_per_run(plan, 0, runs // 5),
        "floor": lambda: floor_chunk(plan, 0, runs),
    }, rounds)
    rate = {"compiled": runs / per_core["compiled"], "floor": runs / per_core["floor"],
            "machine per run": (runs // 5) / per_core["machine per run"]}
    for name, r in rate.items():
        print(f"  {name:<16} {r:9,.0f} runs/s per core ({1e6 / r:7.1f} us/run, CPU time)")
    vs_machine = rate["compiled"] / rate["machine per run"]
    vs_floor = rate["floor"] / rate["compiled"]
    print(f"compiled vs machine per run: {vs_machine:.1f}x (target >= 10x)")
    print(f"floor vs compiled: {vs_floor:.2f}x (target <= 5x)")

    big = 1000 if args.quick else 20_000
    local = wall_best({
        "1 worker": lambda: simulate(scenario, big, SEED, workers=1),
        "2 workers": lambda: simulate(scenario, big, SEED, workers=2),
    }, 1 if args.quick else 3)
    scaling = local["1 worker"] / local["2 workers"]
    efficiency = _cpu_efficiency(scenario, big)
    print(f"{big:,} runs: 1 worker {local['1 worker']:.2f} s, 2 workers "
          f"{local['2 workers']:.2f} s: {scaling:.2f}x (target >= 1.7x); CPU time with 2 "
          f"workers / with 1: {efficiency:.2f} (1.00: no cost to splitting the work)")
    busy = os.getloadavg()[0] > (os.cpu_count() or 1) - 0.5
    if busy:
        print(f"  note: load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs - "
              "other processes share the cores, so wall-clock ratios understate scaling")

    overhead = _dask_overhead(scenario, 1000 if args.quick else 10_000,
                              1 if args.quick else 7)  # short timings: more rounds
    missed = []
    if not (floor_same and engine_same):
        missed.append("contenders disagree")
    if vs_machine < 10:
        missed.append(f"vs machine per run {vs_machine:.1f}x < 10x")
    if vs_floor > 5:
        missed.append(f"floor {vs_floor:.2f}x faster > 5x")
    if scaling < 1.7:
        missed.append(f"2 workers {scaling:.2f}x < 1.7x")
    if overhead is None or overhead > 0.25:
        missed.append("Dask overhead " + ("not measured" if overhead is None
                                          else f"{overhead:.0%} > 25%"))
    if args.quick:
        print("quick mode: too few runs for the scaling and Dask targets to mean much")
    print("targets: met" if not missed else "targets: missed: " + "; ".join(missed))
    return 0 if not missed else 1


def _cpu_efficiency(scenario: Scenario, runs: int) -> float:
    """CPU seconds (this process and its workers) with 2 workers over those with 1."""
    def cpu() -> float:
        me, kids = resource.getrusage(resource.RUSAGE_SELF), \
            resource.getrusage(resource.RUSAGE_CHILDREN)
        return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime

    spent = []
    for workers in (1, 2):
        began = cpu()
        simulate(scenario, runs, SEED, workers=workers)
        spent.append(cpu() - began)
    return spent[1] / spent[0]


def _dask_overhead(scenario: Scenario, runs: int, rounds: int) -> float | None:
    """Dask LocalCluster against a local process pool, both 2 single-threaded workers,
    both started and warmed up before timing (the pool is forked first, while this
    process has no other thread), taking turns round by round; best of ``rounds``."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        print("Dask: distributed is not installed")
        return None
    with ProcessPoolExecutor(max_workers=2, mp_context=get_context("fork")) as pool:
        simulate(scenario, 50, SEED, executor=pool, chunk_size=10)  # start both workers
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                              dashboard_address=":0") as cluster, Client(cluster) as client:
                simulate(scenario, 50, SEED, client=client, chunk_size=10)  # warm up
                times = wall_best({
                    "pool": lambda: simulate(scenario, runs, SEED, executor=pool, workers=2),
                    "dask": lambda: simulate(scenario, runs, SEED, client=client),
                }, rounds)
                same = (simulate(scenario, 500, SEED, client=client).to_dict(False)
                        == simulate(scenario, 500, SEED, executor=pool).to_dict(False))
    overhead = times["dask"] / times["pool"] - 1
    print(f"{runs:,} runs: local pool of 2 {times['pool']:.2f} s, Dask LocalCluster of 2 "
          f"{times['dask']:.2f} s: overhead {overhead:+.0%} (target <= 25%); "
          f"same result: {same}")
    return overhead if same else None


if __name__ == "__main__":
    sys.exit(main())
