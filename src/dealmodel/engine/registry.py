"""The handler registry: how the engine applies each event class.

A handler is a (check, commit) pair typed by its event class. Handler modules call
:func:`register` when imported; :mod:`dealmodel.engine.run` imports them all. A new
event type gets its class in :mod:`dealmodel.model.events`, its handler in a module
here, and an import in ``run.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from dealmodel.engine.records import Record
from dealmodel.model.events import Event

if TYPE_CHECKING:
    from dealmodel.engine.run import Run

__all__ = ["HANDLERS", "Handler", "register"]

E = TypeVar("E", bound=Event)


class Handler(Generic[E]):
    """How the engine applies one event class: ``check`` refuses (and changes nothing),
    ``commit`` changes the run and appends the records of what changed. A ``neutral``
    event changes no state of the deal (it is put on record): it is applied the same way
    after the deal has ended."""

    __slots__ = ("check", "commit", "neutral")

    def __init__(self, check: Callable[[Run, E], None],
                 commit: Callable[[Run, E, list[Record]], None], neutral: bool = False) -> None:
        self.check = check
        self.commit = commit
        self.neutral = neutral


HANDLERS: dict[type[Event], Handler[Any]] = {}


def register(cls: type[E], check: Callable[[Run, E], None],
             commit: Callable[[Run, E, list[Record]], None], neutral: bool = False) -> None:
    """Register the handler of event class ``cls`` (typed: check and commit take ``cls``);
    ``neutral``: the event changes no state (see :class:`Handler`)."""
    HANDLERS[cls] = Handler(check, commit, neutral)


