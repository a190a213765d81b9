"""What a run records: each accepted event with the changes it caused."""

from __future__ import annotations

from dealmodel.model.events import Event

__all__ = ["LogEntry"]


class LogEntry:
    """An accepted event with the changes it caused, in order.

    A performance's progress line (``p1_hostages 3/33``) is kept as data and formatted
    only when ``changes`` is read, to keep the engine's inner loop lean.
    """

    __slots__ = ("_changes", "_progress", "_split", "_target", "event")

    def __init__(self, event: Event, changes: list[str] | None, progress: int = -1,
                 target: int | None = None, split: int = 0) -> None:
        self.event = event
        self._changes = changes or None  # most events change nothing else: keep no list
        self._progress = progress
        self._target = target
        self._split = split  # where the progress line goes: after what the clock did

    @property
    def changes(self) -> list[str]:
        changes = self._changes or []
        if self._progress < 0:
            return changes
        line = f"{self.event.obligation} {self._progress}/{self._target or '-'}"  # type: ignore[attr-defined]
        return [*changes[:self._split], line, *changes[self._split:]]
