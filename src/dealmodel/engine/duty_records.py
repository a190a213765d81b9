"""The records of what happens to single duties beyond the general ones: a relative
deadline set, a performance withheld and released, a report made.

Each is a typed, frozen :class:`~dealmodel.engine.records.Record`; importing this module
adds them to :data:`~dealmodel.engine.records.RECORD_TYPES` (the engine imports it), so
runs saved with them load back.
"""

from __future__ import annotations

from typing import ClassVar

import attrs

from dealmodel.engine.records import RECORD_TYPES, Record
from dealmodel.model.obligations import ObligationStatus

__all__ = ["DueSet", "ReportMade", "Withholding", "WithholdingReleased"]


@attrs.frozen(slots=True)
class DueSet(Record):
    """``obligation``'s relative deadline is now known: day ``due`` (``after`` happened)."""

    kind: ClassVar[str] = "due"
    obligation: str
    due: int
    after: str

    def __str__(self) -> str:
        return f"{self.obligation} due day {self.due} (after {self.after})"


@attrs.frozen(slots=True)
class Withholding(Record):
    """``by`` withholds its performance of ``obligation`` until ``condition``."""

    kind: ClassVar[str] = "withheld"
    obligation: str
    by: str
    condition: str = ""
    quantity: int | None = None

    def __str__(self) -> str:
        return f"{self.obligation} withheld by {self.by}"


@attrs.frozen(slots=True)
class WithholdingReleased(Record):
    """``by`` released ``obligation``, which is ``status`` again."""

    kind: ClassVar[str] = "released"
    obligation: str
    by: str
    status: ObligationStatus

    def __str__(self) -> str:
        return f"{self.obligation} released by {self.by} ({self.status.value})"


@attrs.frozen(slots=True)
class ReportMade(Record):
    """``by`` made a report (about ``obligation``, if named)."""

    kind: ClassVar[str] = "report"
    by: str
    obligation: str | None = None

    def __str__(self) -> str:
        return f"report by {self.by}" + (f" on {self.obligation}" if self.obligation else "")


RECORD_TYPES.update({cls.kind: cls for cls in (DueSet, Withholding, WithholdingReleased,
                                               ReportMade)})
