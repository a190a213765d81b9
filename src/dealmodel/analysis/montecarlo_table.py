"""A deal's lifecycle compiled once into integer tables, for Monte Carlo simulation.

The engine drives a deal's phase lifecycle through a ``transitions`` machine, which is
the right tool for one run that explains itself. Thousands of simulated runs need less:
:func:`compile_deal` turns the same lifecycle - the states of :meth:`Deal.states`, and
the edges the engine builds from each phase's expiry rule, extension, limbo and
suspension - into a table ``table[state][trigger] -> state`` of small integers, plus
per-obligation arrays (kind, obligor, target, schedule, reciprocity) that a lean run
(:mod:`dealmodel.analysis.montecarlo_core`) reads by index.

The guards stay in code, where the engine has them: ``advance`` needs the next phase
to be ready (agreed if required, entry condition true), ``limbo`` (under
``continue_while_negotiating``) needs negotiations on the next phase to be open,
``resume`` goes back to the state the deal was suspended from.

Simulation covers deals whose obligations have fixed deadlines (a due day, a schedule,
the end of the phase, or none) and whose phases do not renew:
:func:`simulation_problems` names what a deal uses beyond that (relative or absolute
deadlines, named parts, renewal clauses, standing duties with terms of their own), so
that ``simulate`` can refuse it plainly.

The tests prove the compiled lifecycle equivalent to the engine's machine by running the
same event streams through both and comparing every state and ledger entry
(``tests/test_montecarlo_core.py``).
"""

from __future__ import annotations

import attrs

from dealmodel.errors import Problem
from dealmodel.model.deal import Deal
from dealmodel.model.obligations import ObligationKind, ObligationStatus
from dealmodel.model.phases import TERMINAL_STATES, ExpiryRule
from dealmodel.model.powers import PowerKind

__all__ = ["TRIGGERS", "CompiledDeal", "compile_deal", "simulation_problems"]

#: The lifecycle triggers, in table column order.
TRIGGERS = ("enter_force", "advance", "limbo", "lapse", "conclude", "extend", "suspend",
            "resume", "collapse", "expire", "terminate")
ENTER_FORCE, ADVANCE, LIMBO, LAPSE, CONCLUDE, EXTEND, SUSPEND, RESUME, COLLAPSE, EXPIRE, \
    TERMINATE = range(11)

# what a state is (``kind_of``)
PENDING_STATE, RUNNING, EXTENDED, LIMBO_STATE, SUSPENDED_STATE, TERMINAL_STATE = range(6)

# obligation kinds as small ints
QUANTITY, ACT, ONGOING, PROHIBITION = range(4)
_KIND = {ObligationKind.QUANTITY: QUANTITY, ObligationKind.ACT: ACT,
         ObligationKind.ONGOING: ONGOING, ObligationKind.PROHIBITION: PROHIBITION}

NO_STATE = -1

#: Obligation statuses as small ints: the index of each ObligationStatus, in order.
STATUS_NAMES = tuple(s.value for s in ObligationStatus)
_S = {s: i for i, s in enumerate(ObligationStatus)}
PENDING, ACTIVE, SUSPENDED, WITHHELD = (_S[ObligationStatus.PENDING], _S[ObligationStatus.ACTIVE],
                                        _S[ObligationStatus.SUSPENDED],
                                        _S[ObligationStatus.WITHHELD])
FULFILLED, FULFILLED_LATE, PARTIAL, VIOLATED, DISCHARGED = (
    _S[ObligationStatus.FULFILLED], _S[ObligationStatus.FULFILLED_LATE],
    _S[ObligationStatus.PARTIALLY_FULFILLED], _S[ObligationStatus.VIOLATED],
    _S[ObligationStatus.DISCHARGED])
#: statuses in breach (still performable); settled (done with)
BREACHED = frozenset({PARTIAL, VIOLATED})
SETTLED = frozenset({FULFILLED, FULFILLED_LATE, DISCHARGED})
OPEN_DUTY = frozenset({ACTIVE, SUSPENDED, WITHHELD})
# allegation statuses
OPEN, UPHELD, DISMISSED = 0, 1, 2


@attrs.frozen
class CompiledDeal:
    """A deal's lifecycle and obligations as integer tables (see the module docstring)."""

    deal: Deal
    states: tuple[str, ...]
    #: ``table[state][trigger]``: the destination state, or NO_STATE. For ``resume``
    #: the destination is chosen by the guard (the state suspended from), see below.
    table: tuple[tuple[int, ...], ...]
    #: ``resume_to[suspended state]``: the states it may resume to
    resume_to: tuple[tuple[int, ...], ...]
    phase_of: tuple[int, ...]  # per state: its phase index (-1 pending and terminal)
    kind_of: tuple[int, ...]  # per state: PENDING_STATE, RUNNING, ... TERMINAL_STATE
    running_state: tuple[int, ...]  # per phase: the state named after the phase
    limbo_of: tuple[int, ...]  # per phase: its limbo state or NO_STATE
    terminal: dict[str, int]  # "concluded", "expired", ... -> state
    # phases
    durations: tuple[int | None, ...]
    requires_agreement: tuple[bool, ...]
    phase_ids: tuple[str, ...]
    rules: tuple[ExpiryRule, ...]
    # obligations, by index
    ob_ids: tuple[str, ...]
    ob_index: dict[str, int]
    ob_phase: tuple[int, ...]
    ob_kind: tuple[int, ...]
    ob_obligor: tuple[str, ...]  # the first obligor
    ob_obligors: tuple[tuple[str, ...], ...]
    ob_at_end: tuple[bool, ...]  # due by the end of its phase
    ob_unit: tuple[str | None, ...]
    ob_target: tuple[int | None, ...]
    ob_due_day: tuple[int | None, ...]  # phase day, or None
    ob_schedule: tuple[tuple[tuple[int, int], ...], ...]  # (phase day, cumulative)
    ob_reciprocal: tuple[tuple[tuple[int, int], ...], ...]  # (per index, ratio)
    # per phase: obligation indices (all; due at the end; standing; settling)
    phase_obligations: tuple[tuple[int, ...], ...]
    due_at_end: tuple[tuple[int, ...], ...]
    standing: tuple[tuple[int, ...], ...]
    settling: tuple[tuple[int, ...], ...]

    @property
    def pending(self) -> int:
        return 0

    @property
    def endings(self) -> tuple[str, ...]:
        """The terminal states some transition of this deal reaches, in order."""
        reached = {d for row in self.table for d in row if d != NO_STATE}
        return tuple(name for name, state in self.terminal.items() if state in reached)


def simulation_problems(deal: Deal) -> list[Problem]:
    """What ``deal`` uses that simulation does not model (empty: it can be simulated)."""
    problems: list[Problem] = []
    for i, phase in enumerate(deal.phases):
        if phase.renewal is not None:
            problems.append(Problem(f"phases[{i}].renewal", f"phase {phase.id!r} renews "
                                    "its term: simulation does not model renewals yet",
                                    "simulate a copy of the deal without the renewal clause"))
        for j, ob in enumerate(phase.obligations):
            where = f"phases[{i}].obligations[{j}]"
            if ob.due is not None:
                problems.append(Problem(f"{where}.due", f"{ob.id!r} is due {ob.due}: "
                                        "simulation does not model relative deadlines yet",
                                        "give it a due_day, or due: end_of_phase"))
            # a quantity's parts only break its total down by category; an act's parts
            # are what it is judged on
            if ob.parts and ob.kind is ObligationKind.ACT:
                problems.append(Problem(f"{where}.parts", f"{ob.id!r} is performed in named "
                                        "parts: simulation does not model parts of an act "
                                        "yet", "simulate a copy without parts"))
            if ob.due_deal_day is not None:
                problems.append(Problem(f"{where}.due", f"{ob.id!r} is due on deal day "
                                        f"{ob.due_deal_day}: simulation does not model "
                                        "absolute deadlines yet", "give it a due_day"))
            if ob.standing and (ob.term_days is not None or ob.due_day is not None
                                or ob.renewal is not None):
                problems.append(Problem(f"{where}.term_days", f"{ob.id!r} has a term of its "
                                        "own: simulation does not model duties' terms yet",
                                        "simulate a copy without the term"))
    return problems


def compile_deal(deal: Deal) -> CompiledDeal:
    """Compile ``deal``'s lifecycle and obligations into tables (pure; cheap to repeat).

    The edges are the engine's (``dealmodel.engine.machine.Lifecycle``), built the same
    way from each phase's expiry rule, extension, limbo and suspension.
    """
    states = deal.states()
    index = {s: i for i, s in enumerate(states)}
    n = len(states)
    table = [[NO_STATE] * len(TRIGGERS) for _ in range(n)]
    resume_to: list[list[int]] = [[] for _ in range(n)]
    phase_of = [-1] * n
    kind_of = [PENDING_STATE] * n
    phases = deal.phases
    last = len(phases) - 1
    limbo_of = [NO_STATE] * len(phases)

    def add(trigger: int, source: str, dest: str) -> None:
        s, d = index[source], index[dest]
        if trigger == RESUME:
            resume_to[s].append(d)
        elif table[s][trigger] == NO_STATE:  # the engine fires the first that applies
            table[s][trigger] = d

    for i, phase in enumerate(phases):
        own = deal.phase_states(i)
        for s in own:
            phase_of[index[s]] = i
        extended = phase.extended_state
        limbo = phase.limbo_state if phase.limbo_state in own else None
        suspended = phase.suspended_state
        rule = phase.on_expiry
        kind_of[index[phase.id]] = RUNNING
        if extended:
            kind_of[index[extended]] = EXTENDED
        if limbo:
            kind_of[index[limbo]] = LIMBO_STATE
            limbo_of[i] = index[limbo]
        if suspended:
            kind_of[index[suspended]] = SUSPENDED_STATE
        running = [s for s in (phase.id, extended) if s]
        live = [*running, *([limbo] if limbo else [])]
        if i == 0:
            add(ENTER_FORCE, "pending", phase.id)
        if extended:
            for s in live:
                add(EXTEND, s, extended)
        if i < last:
            nxt = phases[i + 1]
            for s in live:
                add(ADVANCE, s, nxt.id)
            if limbo:
                for s in running:
                    add(LIMBO, s, limbo)
            for s in live:
                add(LAPSE, s, "lapsed")
        elif rule is ExpiryRule.LAPSE:
            for s in running:
                add(LAPSE, s, "lapsed")
        elif rule is ExpiryRule.HOLD and limbo:
            for s in running:
                add(LIMBO, s, limbo)
        elif rule is not ExpiryRule.EXPIRE:
            for s in running:
                add(CONCLUDE, s, "concluded")
        if rule is ExpiryRule.EXPIRE or phase.renewal is not None:
            for s in running:
                add(EXPIRE, s, "expired")
        if suspended:
            for s in live:
                add(SUSPEND, s, suspended)
                add(RESUME, suspended, s)
    terminable = any(p.kind is PowerKind.TERMINATE for p in deal.powers)
    for s in states:
        if s not in TERMINAL_STATES:
            add(COLLAPSE, s, "collapsed")
            if s != "pending" and terminable:
                add(TERMINATE, s, "terminated")
    for s in TERMINAL_STATES:
        kind_of[index[s]] = TERMINAL_STATE

    obligations = [o for p in phases for o in p.obligations]
    ob_index = {o.id: k for k, o in enumerate(obligations)}
    standing_kinds = (ObligationKind.ONGOING, ObligationKind.PROHIBITION)
    per_phase: list[tuple[int, ...]] = []
    due_at_end: list[tuple[int, ...]] = []
    standing: list[tuple[int, ...]] = []
    settling: list[tuple[int, ...]] = []
    for phase in phases:
        obs = phase.obligations
        per_phase.append(tuple(ob_index[o.id] for o in obs))
        due_at_end.append(tuple(ob_index[o.id] for o in obs
                                if o.kind not in standing_kinds and o.due_at_phase_end))
        standing.append(tuple(ob_index[o.id] for o in obs if o.kind in standing_kinds))
        # every duty, standing ones too: an open-ended last phase concludes when all are
        # settled (a standing duty only by its own term or an event: never, simulated)
        settling.append(tuple(ob_index[o.id] for o in obs))
    return CompiledDeal(
        deal=deal,
        states=states,
        table=tuple(tuple(row) for row in table),
        resume_to=tuple(tuple(r) for r in resume_to),
        phase_of=tuple(phase_of),
        kind_of=tuple(kind_of),
        running_state=tuple(index[p.id] for p in phases),
        limbo_of=tuple(limbo_of),
        terminal={s: index[s] for s in TERMINAL_STATES},
        durations=tuple(p.duration_days for p in phases),
        requires_agreement=tuple(p.requires_agreement for p in phases),
        phase_ids=tuple(p.id for p in phases),
        rules=tuple(p.on_expiry for p in phases),
        ob_ids=tuple(o.id for o in obligations),
        ob_index=ob_index,
        ob_phase=tuple(deal.obligation_phase(o.id) for o in obligations),
        ob_kind=tuple(_KIND[o.kind] for o in obligations),
        ob_obligor=tuple(o.obligors[0] for o in obligations),
        ob_obligors=tuple(o.obligors for o in obligations),
        ob_at_end=tuple(o.due_at_phase_end for o in obligations),
        ob_unit=tuple(o.unit for o in obligations),
        ob_target=tuple(o.target for o in obligations),
        ob_due_day=tuple(o.due_day for o in obligations),
        ob_schedule=tuple(tuple((m.day, m.cumulative) for m in o.schedule)
                          for o in obligations),
        ob_reciprocal=tuple(tuple((ob_index[r.per], r.ratio) for r in o.reciprocal)
                            for o in obligations),
        phase_obligations=tuple(per_phase),
        due_at_end=tuple(due_at_end),
        standing=tuple(standing),
        settling=tuple(settling),
    )
