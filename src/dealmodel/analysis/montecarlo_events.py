"""Engine events applied to a lean run: the bridge the differential tests cross.

:func:`apply_event` applies one :class:`~dealmodel.model.events.Event` to a
:class:`~dealmodel.analysis.montecarlo_core.LeanRun`, so that the same event stream can
run on the engine's ``Run`` and on the compiled lifecycle and be compared.
"""

from __future__ import annotations

from dealmodel.analysis.montecarlo_core import LeanRun
from dealmodel.model.events import (
    AgreementReached,
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

__all__ = ["apply_event"]


def apply_event(run: LeanRun, event: Event) -> None:
    """Apply one engine event to a lean run (an event the engine accepts in that state)."""
    cd = run.cd
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
    elif isinstance(event, Extended):
        run.extend(event.day, event.days)
    elif isinstance(event, ViolationAlleged):
        ob = cd.ob_index[event.obligation] if event.obligation is not None else -1
        run.allege(event.day, event.against, ob)
    elif isinstance(event, Ruling):
        run.rule(event.day, int(event.allegation[1:]) - 1, event.upheld)
    elif isinstance(event, HostilitiesResumed):
        run.collapse(event.day)
    else:
        run.clock(event.day)
