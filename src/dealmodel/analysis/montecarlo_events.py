"""Engine events applied to a lean run: the bridge the differential tests cross.

:func:`apply_event` applies one :class:`~dealmodel.model.events.Event` to a
:class:`~dealmodel.analysis.montecarlo_core.LeanRun`, so that the same event stream can
run on the engine's ``Run`` and on the compiled lifecycle and be compared. It covers the
events a simulation draws (:data:`SIMULATED`); others are refused with TypeError.
"""

from __future__ import annotations

from dealmodel.analysis.montecarlo_core import LeanRun
from dealmodel.analysis.montecarlo_table import WITHHELD
from dealmodel.model.events import (
    AgreementReached,
    ClockAdvanced,
    Event,
    HostilitiesResumed,
    NegotiationsEnded,
    NegotiationsOpened,
    Performed,
    Released,
    Reported,
    Resumed,
    Ruling,
    Suspended,
    ViolationAlleged,
    Withheld,
)

__all__ = ["SIMULATED", "apply_event"]

#: The event types a lean run takes (the ones a simulation draws, and those a recorded
#: timeline replays on it: withholding, releasing, reports).
SIMULATED = (ClockAdvanced, Performed, NegotiationsOpened, NegotiationsEnded, AgreementReached,
             Suspended, Resumed, ViolationAlleged, Ruling, HostilitiesResumed, Withheld,
             Released, Reported)


def apply_event(run: LeanRun, event: Event) -> None:
    """Apply one engine event to a lean run (an event the engine accepts in that state).

    As in ``Run.apply``, the clock moves first; a fact dated after the deal ended is
    only recorded by the engine, and changes nothing here.
    """
    cd = run.cd
    if not isinstance(event, SIMULATED):
        raise TypeError(f"a lean run does not take {event.TYPE} events")
    run.clock(event.day)
    if run.terminal:
        return
    if isinstance(event, Performed):
        run.perform(event.day, cd.ob_index[event.obligation], event.quantity)
    elif isinstance(event, NegotiationsOpened):
        run.open_talks(event.day, cd.phase_ids.index(event.phase))
    elif isinstance(event, NegotiationsEnded):
        run.end_talks(event.day, cd.phase_ids.index(event.phase))
    elif isinstance(event, AgreementReached):
        run.agree(event.day, cd.phase_ids.index(event.phase))
    elif isinstance(event, (Suspended, Resumed)):
        ob = cd.ob_index[event.obligation] if event.obligation is not None else -1
        (run.suspend if isinstance(event, Suspended) else run.resume)(event.day, event.party, ob)
    elif isinstance(event, ViolationAlleged):
        ob = cd.ob_index[event.obligation] if event.obligation is not None else -1
        run.allege(event.day, event.against, ob)
    elif isinstance(event, Ruling):
        run.rule(event.day, int(event.allegation[1:]) - 1, event.upheld)
    elif isinstance(event, HostilitiesResumed):
        run.collapse(event.day)
    elif isinstance(event, (Withheld, Released)):
        # as engine/obligation_handlers.py: the duty shows as withheld until released,
        # then returns to its status (a breach found meanwhile included)
        ob = cd.ob_index[event.obligation]
        if isinstance(event, Withheld):
            run.held[ob] = run.status[ob]
            run.status[ob] = WITHHELD
            run.ob_suspended_by[ob] = event.party
        else:
            run.status[ob] = run.current(ob)
            run.held[ob] = -1
            run.ob_suspended_by[ob] = None
        run.marks += 1
