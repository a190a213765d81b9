"""Events that record without judging: reports, statements, incidents and findings.

They change no state of the deal and judge nothing: each is put *on record* with an id
(given as ``id:``, or ``R1``, ``S1``, ``I1``, ``F1``, ... in order of each type) so that
an allegation can refer to it (``refers_to:``), and every output lists it with its
note and source. They are recorded the same way after the deal has ended.

==============  =========================================================================
``report``      ``by`` (a monitor, or any actor) reports ``summary``, about an
                ``obligation`` or an ``indicator`` if named, optionally with ``figures``
                and an amount: ``quantity`` (this period) or ``cumulative`` (the running
                total so far; the difference is recorded, and a total that goes down is
                refused)
``statement``   ``by`` (one actor or several) states ``text``
``incident``    an incident at ``location``, as reported: ``summary``, attributed to
                ``by`` if reported so, reported by ``reported_by``, linked to an
                ``obligation`` if the report links it
``finding``     a court or other ``body`` outside the deal (named as it is: it need not
                be an actor of the deal) finds ``summary``, ``concerning`` an actor or
                about an ``obligation`` if named
==============  =========================================================================
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import ClassVar

import attrs

from dealmodel.model._event_base import Event, _actors, _maybe_actors, _who

__all__ = ["ON_RECORD", "FindingIssued", "IncidentReported", "Reported", "Stated", "figures"]

Figure = tuple[str, int | float]


def figures(value: Mapping[str, int | float] | Iterable[Figure] | None) -> tuple[Figure, ...]:
    """``{name: number}`` (or pairs) as a tuple of ``(name, number)`` pairs."""
    if value is None:
        return ()
    if isinstance(value, Mapping):
        return tuple((str(k), v) for k, v in value.items())
    if isinstance(value, list | tuple) and all(
            isinstance(p, list | tuple) and len(p) == 2 for p in value):
        return tuple((str(k), v) for k, v in value)
    return value  # type: ignore[return-value]  # not figures: refused after conversion


def _figures_text(items: tuple[Figure, ...]) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in items)


@attrs.frozen
class Reported(Event):
    """An actor (a monitor, or any actor) reports ``summary``, about ``obligation`` or
    ``indicator`` if named, with ``figures`` and an amount if given."""

    TYPE: ClassVar[str] = "report"
    by: str | tuple[str, ...] = attrs.field(converter=_actors)
    summary: str = ""
    obligation: str | None = None
    indicator: str | None = None
    quantity: int | None = None  # the amount of this period (an indicator's total grows)
    cumulative: int | None = None  # the running total so far
    figures: tuple[Figure, ...] = attrs.field(default=(), converter=figures)
    id: str | None = None

    def describe(self) -> str:
        about = self.obligation or self.indicator
        text = f"{_who(self.by, 'report')}" + (f" on {about}" if about else "")
        if self.cumulative is not None:
            text += f" (total {self.cumulative:,})"
        elif self.quantity is not None:
            text += f" ({self.quantity:,})"
        if self.summary:
            text += f": {self.summary}"
        if self.figures:
            text += f" [{_figures_text(self.figures)}]"
        return text


@attrs.frozen
class Stated(Event):
    """``by`` states ``text`` (a statement, not an exercise of a power: see ``declare``)."""

    TYPE: ClassVar[str] = "statement"
    by: str | tuple[str, ...] = attrs.field(converter=_actors)
    text: str = ""
    obligation: str | None = None
    id: str | None = None

    def describe(self) -> str:
        about = f" on {self.obligation}" if self.obligation else ""
        return f"{_who(self.by, 'state')}{about}" + (f": {self.text}" if self.text else "")


@attrs.frozen
class IncidentReported(Event):
    """An incident as reported: at ``location``, attributed to ``by`` only if reported so.
    Recorded, never judged: an allegation or a finding may follow and refer to it."""

    TYPE: ClassVar[str] = "incident"
    by: str | tuple[str, ...] | None = attrs.field(default=None, converter=_maybe_actors)
    location: str = ""
    summary: str = ""
    reported_by: str | None = None
    obligation: str | None = None
    figures: tuple[Figure, ...] = attrs.field(default=(), converter=figures)
    id: str | None = None

    def describe(self) -> str:
        text = "incident" + (f" at {self.location}" if self.location else "")
        if self.summary:
            text += f": {self.summary}"
        if self.by is not None:
            text += f" (attributed to {_who(self.by)}, as reported)"
        if self.reported_by is not None:
            text += f" - reported by {self.reported_by}"
        if self.figures:
            text += f" [{_figures_text(self.figures)}]"
        return text


@attrs.frozen
class FindingIssued(Event):
    """A court or other ``body`` outside the deal (named as it is, e.g. "International
    Court of Justice"; it need not be an actor of the deal) finds ``summary``. It rules
    on no allegation under the deal and changes no state."""

    TYPE: ClassVar[str] = "finding"
    body: str
    summary: str = ""
    concerning: str | None = None  # the actor it concerns, if any
    obligation: str | None = None
    id: str | None = None

    def describe(self) -> str:
        about = f" concerning {self.concerning}" if self.concerning else ""
        about += f" on {self.obligation}" if self.obligation else ""
        return f"finding by {self.body}{about}" + (f": {self.summary}" if self.summary else "")


#: The events put on record without judging, and the prefix of their automatic ids.
ON_RECORD: dict[type[Event], str] = {Reported: "R", Stated: "S", IncidentReported: "I",
                                     FindingIssued: "F"}


