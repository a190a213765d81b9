"""Small helpers shared by test modules."""

from __future__ import annotations

from dealmodel.io.events import event_from_dict
from dealmodel.model.events import Event


def events_of(*items: dict[str, object]) -> list[Event]:
    """Events from their scenario-file form, through the real event reader."""
    out = []
    for item in items:
        event, problems = event_from_dict(dict(item))
        assert event is not None, problems
        out.append(event)
    return out
