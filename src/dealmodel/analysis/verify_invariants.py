"""The properties ``dealmodel verify`` checks: built-in invariants of every run, and a deal's own.

Each check reads a run only through the engine's public surface (``state``, ``day``,
``history``, ``ledger``, ``log``, ``allegations``, ``call``) and yields
``(property, message)`` pairs. State checks look at one run; step checks compare a run
before and after one accepted event. ``dealmodel.testing`` runs the same checks as the
invariants of its hypothesis state machine, so both routes judge alike.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from dealmodel.engine import LedgerEntry, Run
from dealmodel.engine.records import Performance
from dealmodel.model.events import Event
from dealmodel.model.obligations import ObligationStatus

__all__ = ["BUILTIN", "Property", "deal_invariant_violations", "property_named",
           "state_violations", "step_violations"]

_ACTIVE = ObligationStatus.ACTIVE
_SUSPENDED = ObligationStatus.SUSPENDED
_PENDING = ObligationStatus.PENDING
#: Events that judge a duty again against new terms (an upheld violation may become live).
REJUDGING = frozenset({"extend", "amend", "renew"})
#: Events that may lift a recorded breach: an amendment judges a breached duty again against
#: the new terms and, if they are not yet missed, makes it active with no violation day
#: (the old breach stays in its history; engine/power_handlers.py, ``_commit_amend``).
REDATING = frozenset({"amend"})
_HELD = (_SUSPENDED, ObligationStatus.WITHHELD)
#: How far past its planned end a phase may run before it counts as "repeating forever".
EXTENSION_LIMIT_DAYS = 366


@attrs.frozen
class Property:
    """A property checked in every explored state: its name, what it says, and if findings of
    it are a known gap of the engine (reported, not counted as the deal's fault), why."""

    name: str
    description: str
    known_gap: str = ""


BUILTIN: tuple[Property, ...] = (
    Property("phases-in-order", "no phase is skipped: the first phase comes first, then each "
             "phase only hands over to the next"),
    Property("history-monotone", "the history only grows; its days and the clock never go back"),
    Property("violation-day-fixed", "a violation day, once recorded, never moves (an "
             "amendment may lift it: it judges the duty again against the new terms)"),
    Property("upheld-stays", "an upheld ruling stays upheld, and the duty it names stays "
             "violated unless an extension, amendment or renewal judges it again"),
    Property("totals-sum", "progress, delivered() and released() equal the sum of the "
             "accepted performances"),
    Property("terminal-stays", "a deal that has ended stays ended"),
    Property("no-active-after-end", "no obligation is active or suspended after the deal ended",
             "the engine stops the clock when a deal ends: a duty due after the last phase "
             "ends (or never checked) stays active, and nothing discharges it"),
    Property("extension-bounded", f"no phase runs more than {EXTENSION_LIMIT_DAYS} days past "
             "its planned end (an extension cannot repeat forever)"),
    Property("ending-reachable", "from every live state an ending other than collapse is "
             "reachable (no trap state, no limbo without a way out)",
             "the engine has no 'fulfilled late' yet: a violated duty of an open-ended phase "
             "never settles, so that phase cannot conclude (DOMAIN.md: a duty met after its "
             "deadline is fulfilled late)"),
    Property("phases-reachable", "every phase, and every ending the lifecycle has an edge "
             "to, is reached in some run"),
    Property("duty-satisfiable", "every duty of a reachable phase is fulfilled in some run "
             "(it can be met before its deadline)"),
    Property("powers-usable", "every power the deal grants (extend, rule, suspend) is "
             "exercised in some run"),
)


def property_named(name: str) -> Property:
    for prop in BUILTIN:
        if prop.name == name:
            return prop
    raise KeyError(name)


def _phase_order(run: Run) -> dict[str, int]:
    return {p.id: i for i, p in enumerate(run.deal.phases)}


def _family(state: str) -> str:
    return state.split(":", 1)[0]


def _standing(entry: LedgerEntry) -> ObligationStatus:
    """The entry's status, looking through a suspension or withholding to the status it
    returns to (as the engine's resume and release do)."""
    if entry.status in _HELD and entry.held_status is not None:
        return entry.held_status
    return entry.status


def state_violations(run: Run) -> Iterator[tuple[str, str]]:
    """Built-in properties of one state."""
    performed: dict[str, int] = {}
    for logged in run.log:  # what the engine took in: its Performance records (a fact
        for rec in logged.records:  # reported after the end is only an AfterEnd record)
            if isinstance(rec, Performance):
                performed[rec.obligation] = performed.get(rec.obligation, 0) + rec.quantity
    units: dict[str, int] = {}
    for oid, entry in run.ledger.items():
        total = performed.get(oid, 0)
        if entry.progress != total:
            yield ("totals-sum", f"{oid} shows progress {entry.progress} but the accepted "
                   f"performances add up to {total}")
        unit = entry.obligation.unit
        if unit is not None:
            units[unit] = units.get(unit, 0) + total
    for unit, total in units.items():
        for function in ("delivered", "released"):
            seen = run.call(function, (unit,))
            if seen != total:
                yield ("totals-sum", f'{function}("{unit}") = {seen}, but the accepted '
                       f"performances in {unit} add up to {total}")
    if run.terminal:
        live = [oid for oid, e in run.ledger.items() if e.status in (_ACTIVE, _SUSPENDED)]
        if live:
            yield ("no-active-after-end", f"the deal is {run.state}, yet "
                   f"{', '.join(live)} {'is' if len(live) == 1 else 'are'} still "
                   f"{run.ledger[live[0]].status.value}")
    elif run.phase_index >= 0 and run.phase_end is not None:
        phase = run.deal.phases[run.phase_index]
        if phase.duration_days is not None:
            # a term renewed by its renewal clause is planned, not extended
            renewed = run.renewals * phase.renewal.term_days if phase.renewal else 0
            planned = run.phase_entered + phase.duration_days - 1 + renewed
            if run.phase_end - planned > EXTENSION_LIMIT_DAYS:
                yield ("extension-bounded", f"{phase.id} now ends on day {run.phase_end}, "
                       f"{run.phase_end - planned} days after its planned end (day {planned})")


def deal_invariant_violations(run: Run) -> Iterator[tuple[str, str]]:
    """The deal's own ``invariants:``, each named by its source text."""
    for expression in run.deal.invariants:
        if not expression.evaluate(run):
            yield (f"invariant: {expression.source}",
                   f"false on day {run.day} in state {run.state} ({expression.explain(run)})")


def step_violations(before: Run, event: Event, after: Run) -> Iterator[tuple[str, str]]:
    """Built-in properties of one accepted event: ``before`` and ``after`` it."""
    old, new = before.history, after.history
    if new[:len(old)] != old:
        yield ("history-monotone", f"{event.describe()} rewrote the history {old} as {new}")
    days = [d for _, d in new[max(0, len(old) - 1):]]
    if days != sorted(days) or after.day < before.day:
        yield ("history-monotone", f"{event.describe()} moved time back: history days "
               f"{days}, clock {before.day} -> {after.day}")
    order = _phase_order(after)
    previous, previous_state = -1, "pending"
    for state, _ in old:
        if _family(state) in order:
            previous, previous_state = order[_family(state)], state
    for state, day in new[len(old):]:
        index = order.get(_family(state))
        if index is None:
            continue
        if index not in (previous, previous + 1):
            yield ("phases-in-order", f"{event.describe()} entered {state} on day {day} "
                   f"from {previous_state}, skipping a phase")
        previous, previous_state = index, state
    if before.terminal and after.state != before.state:
        yield ("terminal-stays", f"the deal had ended ({before.state}) but "
               f"{event.describe()} moved it to {after.state}")
    for oid, entry in before.ledger.items():
        now = after.ledger[oid]
        if entry.violated_day is not None and now.violated_day != entry.violated_day and not (
                event.TYPE in REDATING and now.violated_day is None):
            yield ("violation-day-fixed", f"{event.describe()} moved the violation day of "
                   f"{oid} from {entry.violated_day} to {now.violated_day}")
    ruled = {a.id: a for a in after.allegations}
    for allegation in before.allegations:
        if allegation.status.value != "upheld":
            continue
        later = ruled.get(allegation.id)
        if later is None or later.status.value != "upheld":
            yield ("upheld-stays", f"{event.describe()} turned upheld allegation "
                   f"{allegation.id} into {later.status if later else 'nothing'}")
        if allegation.obligation is not None and event.TYPE not in REJUDGING:
            was, now = before.ledger[allegation.obligation], after.ledger[allegation.obligation]
            # a suspension or withholding holds the duty's standing: resuming or releasing
            # it returns to that standing (active again, if a re-judging made it so)
            standing = _standing(was)
            reset = now.status in (_PENDING, _ACTIVE) and standing not in (_PENDING, _ACTIVE)
            # a violation day lifted earlier by a re-judging is not lifted again now
            if reset or (was.violated_day is not None and now.violated_day is None):
                yield ("upheld-stays", f"{event.describe()} reset {allegation.obligation} to "
                       f"{now.status.value} although allegation {allegation.id} against it "
                       "was upheld")
