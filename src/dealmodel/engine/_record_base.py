"""Private: the base class of the typed records a run keeps (see ``engine.records``)."""

from __future__ import annotations

from typing import ClassVar

import attrs

__all__ = ["Record"]


@attrs.frozen(slots=True)
class Record:
    """Something that happened in a run, on ``day``."""

    kind: ClassVar[str] = "record"
    day: int
