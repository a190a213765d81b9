"""A deal and its assumptions laid out for simulation: the :class:`Plan`.

:func:`make_plan` compiles the deal (:func:`~dealmodel.analysis.montecarlo_table.compile_deal`)
and turns the resolved assumptions into tuples indexed by obligation, phase and party,
worked out once so that each simulated run only reads them: every duty's installments
(phase day, amount), who answers whose deliveries, each phase's hazards, and which
duties carry a suspension or allegation hazard at all.
"""

from __future__ import annotations

import attrs

from dealmodel.analysis.montecarlo_assumptions import Assumptions, Delay
from dealmodel.analysis.montecarlo_table import ACT, QUANTITY, CompiledDeal, compile_deal
from dealmodel.model.actors import Role
from dealmodel.model.deal import Deal

__all__ = ["Plan", "make_plan"]


@attrs.frozen
class Plan:
    """A deal compiled for simulation, with its assumptions laid out by index."""

    cd: CompiledDeal
    assumptions: Assumptions
    horizon: int
    on_schedule: tuple[float, ...]  # per obligation
    withhold: tuple[float, ...]
    delay: tuple[Delay, ...]
    #: per obligation: its installments as (phase day, amount); reciprocal duties have
    #: none (they follow the deliveries they answer), standing duties have none
    installments: tuple[tuple[tuple[int, int], ...], ...]
    reciprocal_of: tuple[tuple[tuple[int, int], ...], ...]  # per obligation: (duty, ratio)
    suspend_daily: tuple[float, ...]
    suspend_days: tuple[Delay, ...]
    allegation_daily: tuple[float, ...]
    alleged_by: tuple[str, ...]
    upheld: tuple[float | None, ...]
    ruled_by: tuple[str, ...]
    ruling_days: tuple[Delay, ...]
    talks_open_day: tuple[int | None, ...]  # per phase (None: the last phase, or never)
    agreement_daily: tuple[float, ...]
    talks_break_daily: tuple[float, ...]
    parties: tuple[str, ...]
    suspend_deal_daily: tuple[float, ...]  # per party
    suspend_deal_days: tuple[Delay, ...]
    # per phase, worked out once: the duties with installments, and those with a
    # suspension or allegation hazard (a hazard of 0 draws nothing)
    phase_steps: tuple[tuple[tuple[int, tuple[tuple[int, int], ...], float, float, Delay],
                             ...], ...]
    phase_suspend: tuple[tuple[int, ...], ...]
    phase_allege: tuple[tuple[int, ...], ...]
    #: per phase: (collapse hazard, in limbo, per violation, per suspension)
    collapse: tuple[tuple[float, float, float, float], ...]
    #: whether any collapse hazard depends on violations or suspensions
    sensitive: bool


def make_plan(deal: Deal, assumptions: Assumptions) -> Plan:
    """Compile ``deal`` and lay ``assumptions`` out by obligation, phase and party."""
    cd = compile_deal(deal)
    obs = [deal.obligation(oid) for oid in cd.ob_ids]
    resolved = [assumptions.obligations[oid] for oid in cd.ob_ids]
    parties = tuple(p.id for p in deal.parties if p.role is Role.PARTY)
    mediators = [p.id for p in deal.parties if p.role.rules]
    installments: list[tuple[tuple[int, int], ...]] = []
    for k, ob in enumerate(obs):
        kind = cd.ob_kind[k]
        if kind > ACT or ob.reciprocal:
            installments.append(())
        elif ob.schedule:
            previous = 0
            steps = []
            for day, cumulative in cd.ob_schedule[k]:
                if cumulative > previous:
                    steps.append((day, cumulative - previous))
                previous = cumulative
            installments.append(tuple(steps))
        else:
            duration = cd.durations[cd.ob_phase[k]]
            day = resolved[k].planned_day or ob.due_day or duration or 1
            installments.append(((day, ob.target or 1),))
    reciprocal_of: list[list[tuple[int, int]]] = [[] for _ in obs]
    for k in range(len(obs)):
        for per, ratio in cd.ob_reciprocal[k]:
            reciprocal_of[per].append((k, ratio))

    def other(obligors: tuple[str, ...]) -> str:
        """Who alleges by default: another party, else a mediator."""
        return next((p for p in parties if p not in obligors),
                    mediators[0] if mediators else obligors[0])

    phases = [assumptions.phases[p] for p in cd.phase_ids]
    last = len(phases) - 1
    collapse = tuple((p.collapse_daily, p.collapse_daily if p.limbo_collapse_daily is None
                      else p.limbo_collapse_daily, p.collapse_per_violation,
                      p.collapse_per_suspension) for p in phases)
    per_phase = cd.phase_obligations
    return Plan(
        cd=cd, assumptions=assumptions, horizon=assumptions.horizon_days,
        on_schedule=tuple(a.on_schedule for a in resolved),
        withhold=tuple(a.withhold if cd.ob_kind[k] == QUANTITY else 0.0
                       for k, a in enumerate(resolved)),
        delay=tuple(a.delay for a in resolved),
        installments=tuple(installments),
        reciprocal_of=tuple(tuple(r) for r in reciprocal_of),
        suspend_daily=tuple(a.suspend_daily for a in resolved),
        suspend_days=tuple(a.suspend_days for a in resolved),
        allegation_daily=tuple(a.allegation_daily for a in resolved),
        alleged_by=tuple(a.alleged_by or other(cd.ob_obligors[k])
                         for k, a in enumerate(resolved)),
        upheld=tuple(a.upheld for a in resolved),
        ruled_by=tuple(a.ruled_by or (mediators[0] if mediators else "") for a in resolved),
        ruling_days=tuple(a.ruling_days for a in resolved),
        talks_open_day=tuple(p.talks_open_day if i < last else None
                             for i, p in enumerate(phases)),
        agreement_daily=tuple(p.agreement_daily for p in phases),
        talks_break_daily=tuple(p.talks_break_daily for p in phases),
        parties=parties,
        suspend_deal_daily=tuple(assumptions.actors[p].suspend_deal_daily for p in parties),
        suspend_deal_days=tuple(assumptions.actors[p].suspend_deal_days for p in parties),
        phase_steps=tuple(tuple((k, installments[k], resolved[k].withhold, resolved[k].on_schedule,
                                 resolved[k].delay) for k in obs_ if installments[k])
                          for obs_ in per_phase),
        phase_suspend=tuple(tuple(k for k in obs_ if resolved[k].suspend_daily > 0)
                            for obs_ in per_phase),
        phase_allege=tuple(tuple(k for k in obs_ if resolved[k].allegation_daily > 0)
                           for obs_ in per_phase),
        collapse=collapse,
        sensitive=any(c[2] > 0 or c[3] > 0 for c in collapse),
    )
