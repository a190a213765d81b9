"""Property testing for your own deals: hypothesis strategies and a state machine.

Needs hypothesis (``pip install 'dealmodel[testing]'``)::

    from dealmodel.testing import DealStateMachine, deals, events, scenarios

See docs/how-to/check-your-deal.md.
"""

from __future__ import annotations

try:
    import hypothesis  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised without the extra installed
    raise ImportError("dealmodel.testing needs hypothesis: pip install 'dealmodel[testing]'"
                      ) from exc

from dealmodel.testing.machine import (
    ENDINGS,
    STATE_KINDS,
    DealStateMachine,
    machine_for,
    scenario_yaml,
    state_kinds,
)
from dealmodel.testing.strategies import deals, events, scenarios

__all__ = ["ENDINGS", "STATE_KINDS", "DealStateMachine", "deals", "events", "machine_for",
           "scenario_yaml", "scenarios", "state_kinds"]
