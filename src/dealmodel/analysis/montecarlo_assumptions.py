"""Monte Carlo assumptions: what a simulation takes as given, parsed from ``assumptions:``.

A scenario file states its assumptions next to its deal::

    assumptions:
      horizon_days: 180            # simulate days 1..180
      defaults:                    # every obligation, unless its obligor or itself says otherwise
        on_schedule: 0.9           # chance an installment is performed on its day
        delay: {geometric: 5}      # otherwise, days late (mean 5)
      actors:
        hamas: {withhold: 0.05}    # defaults for this party's obligations, and
        israel: {suspend_deal_daily: 0.002, suspend_deal_days: {uniform: [2, 10]}}
      obligations:
        p1_aid: {suspend_daily: 0.01, allegation_daily: 0.05, upheld: 0.5}
      phases:
        phase1: {talks_open_day: 16, agreement_daily: 0.02, collapse_daily: 0.001}

Obligation values cascade: the built-in defaults, then ``defaults``, then the obligor's
entry under ``actors``, then the obligation's own entry. Every probability is checked to
lie in [0, 1]; every name is checked against the deal, with a "did you mean" for typos.
All problems are reported at once, each with its file, line, field and what to do
(:class:`~dealmodel.errors.ScenarioError`). See ``docs/reference/scenario-file.md``.

The figures a simulation gives follow from these assumptions; they are not forecasts.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from typing import Any

import attrs

from dealmodel.errors import ScenarioError
from dealmodel.io.reader import Reader
from dealmodel.model.actors import Role
from dealmodel.model.deal import Deal
from dealmodel.model.obligations import ObligationKind
from dealmodel.scenarios.assumption_fields import (
    ACTOR_FIELDS,
    ACTOR_ONLY_FIELDS,
    DELAY_FIELDS,
    DELAY_KINDS,
    NULLABLE,
    OBLIGATION_FIELDS,
    PHASE_FIELDS,
    PROBABILITIES,
    TOP_FIELDS,
)

__all__ = [
    "ActorAssumptions",
    "Assumptions",
    "Delay",
    "ObligationAssumptions",
    "PhaseAssumptions",
    "parse_assumptions",
    "suggest",
]

_DELAY_FIX = ("give days as one of: 3 (fixed), {fixed: 3}, {uniform: [1, 7]}, "
              "{geometric: 5} (mean days), {choice: {1: 0.6, 7: 0.4}} (day: weight)")
_PROBABILITY_FIX = ("a probability lies between 0 and 1, e.g. 0.05 for 5 %; a daily "
                    "chance of 0.01 is about 6.8 % a week")


@attrs.frozen
class Delay:
    """A distribution of whole days (at least 1): how late, or how long something lasts."""

    kind: str  # fixed | uniform | geometric | choice
    days: tuple[int, ...] = ()  # fixed: (d,); uniform: (low, high); choice: the days
    cumulative: tuple[float, ...] = ()  # choice: cumulative probabilities
    mean: float = 0.0  # geometric: mean days

    def sample(self, u: float) -> int:
        """The day count for a uniform draw ``u`` in [0, 1) (inverse of the CDF)."""
        kind = self.kind
        if kind == "fixed":
            return self.days[0]
        if kind == "uniform":
            low, high = self.days
            return low + int(u * (high - low + 1))
        if kind == "geometric":
            if self.mean <= 1:
                return 1
            return 1 + int(math.log1p(-u) / math.log1p(-1 / self.mean))
        for day, edge in zip(self.days, self.cumulative, strict=True):
            if u < edge:
                return day
        return self.days[-1]

    @property
    def expected(self) -> float:
        if self.kind == "fixed":
            return float(self.days[0])
        if self.kind == "uniform":
            return (self.days[0] + self.days[1]) / 2
        if self.kind == "geometric":
            return max(1.0, self.mean)
        previous, total = 0.0, 0.0
        for day, edge in zip(self.days, self.cumulative, strict=True):
            total += day * (edge - previous)
            previous = edge
        return total

    def describe(self) -> str:
        if self.kind == "fixed":
            return f"{self.days[0]} days"
        if self.kind == "uniform":
            return f"{self.days[0]}-{self.days[1]} days"
        if self.kind == "geometric":
            return f"geometric, mean {self.mean:g} days"
        return f"one of {', '.join(map(str, self.days))} days"


#: The default for every delay and duration: a week.
WEEK = Delay("fixed", (7,))


@attrs.frozen
class ObligationAssumptions:
    """How one obligation is performed in a simulation (after the cascade)."""

    on_schedule: float = 1.0  # chance an installment is performed on its day
    delay: Delay = WEEK  # days late otherwise
    withhold: float = 0.0  # chance an installment is held back to the next one
    planned_day: int | None = None  # phase day of an unscheduled performance
    suspend_daily: float = 0.0  # daily chance the obligor suspends this obligation
    suspend_days: Delay = WEEK  # how long such a suspension lasts
    allegation_daily: float = 0.0  # daily chance of an allegation that it was violated
    alleged_by: str | None = None  # who alleges (default: the other party)
    upheld: float | None = None  # chance a ruling upholds an allegation (None: no rulings)
    ruled_by: str | None = None  # who rules (default: the first mediator)
    ruling_days: Delay = WEEK  # days from allegation to ruling


@attrs.frozen
class ActorAssumptions:
    """A party's own behaviour, beyond the defaults it gives its obligations."""

    suspend_deal_daily: float = 0.0  # daily chance it suspends all its performance
    suspend_deal_days: Delay = WEEK  # how long that lasts


@attrs.frozen
class PhaseAssumptions:
    """Per phase: talks on the next phase, and the daily hazards of agreement and collapse."""

    talks_open_day: int | None = 1  # phase day talks on the next phase open (None: never)
    agreement_daily: float = 0.0  # daily chance, while talks are open, of agreement
    talks_break_daily: float = 0.0  # daily chance, while talks are open, they break off
    collapse_daily: float = 0.0  # daily chance hostilities resume
    limbo_collapse_daily: float | None = None  # the same in limbo (default: collapse_daily)
    collapse_per_violation: float = 0.0  # added to the daily hazard per violated obligation
    collapse_per_suspension: float = 0.0  # added per suspended obligation

    def collapse_hazard(self, limbo: bool, violated: int, suspended: int) -> float:
        base = self.collapse_daily
        if limbo and self.limbo_collapse_daily is not None:
            base = self.limbo_collapse_daily
        hazard = (base + self.collapse_per_violation * violated
                  + self.collapse_per_suspension * suspended)
        return min(1.0, hazard)


@attrs.frozen
class Assumptions:
    """Everything a simulation takes as given, resolved for every obligation and phase."""

    horizon_days: int
    obligations: dict[str, ObligationAssumptions]
    actors: dict[str, ActorAssumptions]
    phases: dict[str, PhaseAssumptions]
    note: str = ""
    #: the ``assumptions:`` mapping as stated in the file (echoed by every output)
    stated: Any = attrs.field(default=None, eq=False, repr=False)


def suggest(value: str, known: Iterable[str]) -> str:
    """'did you mean ...?' for a close match among ``known``, else the known names."""
    known = list(known)
    close = difflib.get_close_matches(value, known, n=1)
    return f"did you mean {close[0]!r}?" if close else "known: " + ", ".join(known)


class _Parser:
    def __init__(self, deal: Deal, path: str) -> None:
        self.deal = deal
        self.path = path
        self.reader = Reader()

    def problem(self, path: str, message: str, fix: str, data: object, key: str | None) -> None:
        self.reader.problem(path, message, fix, data, key)

    def number(self, data: dict[str, Any], key: str, path: str) -> float | None:
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
            self.problem(f"{path}.{key}", f"must be a number, got {value!r:.60}",
                         _PROBABILITY_FIX, data, key)
            return None
        if not 0 <= value <= 1:
            self.problem(f"{path}.{key}", f"must be a probability between 0 and 1, got "
                         f"{value!r}", _PROBABILITY_FIX, data, key)
            return None
        return float(value)

    def whole(self, data: dict[str, Any], key: str, path: str, minimum: int) -> int | None:
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.problem(f"{path}.{key}", f"must be a whole number >= {minimum}, got "
                         f"{value!r:.60}", "", data, key)
            return None
        return value

    def delay(self, data: dict[str, Any], key: str, path: str) -> Delay | None:
        value = data[key]
        where = f"{path}.{key}"
        if isinstance(value, int) and not isinstance(value, bool):
            value = {"fixed": value}
        if not isinstance(value, dict) or len(value) != 1:
            self.problem(where, f"must be a number of days or a one-key mapping, got "
                         f"{value!r:.60}", _DELAY_FIX, data, key)
            return None
        kind, arg = next(iter(value.items()))
        bad = f"{where}.{kind}"
        if kind not in DELAY_KINDS:
            self.problem(bad, f"unknown distribution {kind!r}",
                         suggest(str(kind), DELAY_KINDS), data, key)
            return None
        if kind == "fixed" and _whole(arg) and arg >= 1:
            return Delay("fixed", (arg,))
        if kind == "uniform" and isinstance(arg, list) and len(arg) == 2 \
                and all(_whole(a) for a in arg) and 1 <= arg[0] <= arg[1]:
            return Delay("uniform", (arg[0], arg[1]))
        if kind == "geometric" and _real(arg) and arg >= 1:
            return Delay("geometric", mean=float(arg))
        if kind == "choice" and isinstance(arg, dict) and arg \
                and all(_whole(d) and d >= 1 and _real(w) and w >= 0 for d, w in arg.items()) \
                and sum(arg.values()) > 0:
            total = float(sum(arg.values()))
            days = tuple(sorted(arg))
            cumulative: list[float] = []
            running = 0.0
            for d in days:
                running += arg[d] / total
                cumulative.append(running)
            cumulative[-1] = 1.0
            return Delay("choice", days, tuple(cumulative))
        wants = {"fixed": "a whole number of days >= 1",
                 "uniform": "[low, high], whole days, 1 <= low <= high",
                 "geometric": "the mean number of days, >= 1",
                 "choice": "a mapping of days (>= 1) to weights (>= 0, not all 0)"}
        self.problem(bad, f"must be {wants[kind]}, got {arg!r:.60}", _DELAY_FIX, data, key)
        return None

    def who(self, data: dict[str, Any], key: str, path: str, roles: tuple[Role, ...],
            fix: str) -> str | None:
        value = data[key]
        known = [p.id for p in self.deal.parties if p.role in roles]
        if value not in known:
            what = ("a party" if roles == (Role.PARTY,) else "an actor" if len(roles) == len(Role)
                    else "a mediator, guarantor, monitor or joint body")
            hint = suggest(str(value), known) if known else fix
            self.problem(f"{path}.{key}", f"{value!r} is not {what} of {self.deal.id}",
                         hint, data, key)
            return None
        return str(value)

    def fields(self, data: Any, path: str, allowed: tuple[str, ...]) -> dict[str, Any]:
        """The fields of one entry, checked and converted (problems recorded)."""
        m = self.reader.mapping(data, path, allowed)
        out: dict[str, Any] = {}
        for key in m or {}:
            if key not in allowed:
                continue  # reported by mapping()
            assert m is not None
            if m[key] is None:
                if key in NULLABLE:
                    out[key] = None
                continue
            if key in PROBABILITIES:
                value: Any = self.number(m, key, path)
            elif key in DELAY_FIELDS:
                value = self.delay(m, key, path)
            elif key in ("planned_day", "talks_open_day"):
                value = self.whole(m, key, path, 1)
            elif key == "alleged_by":
                value = self.who(m, key, path, tuple(Role), "")
            else:  # ruled_by
                value = self.who(m, key, path, tuple(r for r in Role if r.rules),
                                 "add a mediator to the deal")
            if value is not None:
                out[key] = value
        return out

    def named(self, data: Any, key: str, known: list[str], what: str,
              allowed: tuple[str, ...]) -> dict[str, dict[str, Any]]:
        """Entries keyed by a name the deal must know (a party, obligation or phase)."""
        path = f"{self.path}.{key}"
        if data is None:
            return {}
        if not isinstance(data, dict):
            self.reader.problem(path, f"must be a mapping of {what} names to entries, got "
                                f"{data!r:.60}", f"e.g. {key}: {{{known[0]}: {{...}}}}")
            return {}
        out: dict[str, dict[str, Any]] = {}
        for name, entry in data.items():
            if name not in known:
                self.problem(f"{path}.{name}", f"unknown {what} {name!r} in {self.deal.id}",
                             suggest(str(name), known), data, name)
                continue
            out[name] = self.fields(entry, f"{path}.{name}", allowed)
        return out


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _real(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) \
        and math.isfinite(value)


def parse_assumptions(data: Any, deal: Deal, source: str | None = None,
                      path: str = "assumptions") -> Assumptions:
    """Check and resolve an ``assumptions:`` mapping against ``deal``.

    Raises :class:`~dealmodel.errors.ScenarioError` listing every problem, each with its
    line (when the data came from YAML), field path and fix.
    """
    parser = _Parser(deal, path)
    reader = parser.reader
    if data is None:
        data = {}
    top = reader.mapping(data, path, TOP_FIELDS)
    if top is None:
        raise ScenarioError(reader.problems, source)
    horizon = 365
    if top.get("horizon_days") is not None:
        horizon = parser.whole(top, "horizon_days", path, 1) or horizon
    note = reader.field(top, "note", path, str, "")
    defaults = parser.fields(top.get("defaults") or {}, f"{path}.defaults", OBLIGATION_FIELDS)
    parties = [p.id for p in deal.parties if p.role is Role.PARTY]
    actors = parser.named(top.get("actors"), "actors", parties, "party", ACTOR_FIELDS)
    obligation_ids = [o.id for o in deal.obligations()]
    obligations = parser.named(top.get("obligations"), "obligations", obligation_ids,
                               "obligation", OBLIGATION_FIELDS)
    phase_ids = [p.id for p in deal.phases]
    phases = parser.named(top.get("phases"), "phases", phase_ids, "phase", PHASE_FIELDS)
    last = deal.phases[-1].id
    if last in phases:
        for key in ("talks_open_day", "agreement_daily", "talks_break_daily"):
            if key in phases[last]:
                raw_phase = top["phases"][last]
                parser.problem(f"{path}.phases.{last}.{key}", f"{last!r} is the last phase: "
                               "there is no next phase to negotiate", "remove it", raw_phase,
                               key)
    resolved: dict[str, ObligationAssumptions] = {}
    mediators = [p.id for p in deal.mediators]
    for ob in deal.obligations():
        values = {**defaults, **{k: v for k, v in actors.get(ob.obligors[0], {}).items()
                                 if k in OBLIGATION_FIELDS}, **obligations.get(ob.id, {})}
        own = obligations.get(ob.id, {})
        where = f"{path}.obligations.{ob.id}"
        raw_own = (top.get("obligations") or {}).get(ob.id)
        if "withhold" in own and own["withhold"] and (
                ob.kind is not ObligationKind.QUANTITY):
            parser.problem(f"{where}.withhold", f"{ob.id!r} is {ob.kind.value}: it has no "
                           "installments to hold back", "remove it", raw_own, "withhold")
        if "planned_day" in own and (ob.schedule or ob.reciprocal):
            parser.problem(f"{where}.planned_day", f"{ob.id!r} follows its "
                           f"{'schedule' if ob.schedule else 'reciprocity'}", "remove it",
                           raw_own, "planned_day")
        if values.get("alleged_by") in ob.obligors:
            parser.problem(f"{where}.alleged_by", f"{values['alleged_by']!r} cannot allege "
                           "a violation of its own obligation",
                           "name another party or a mediator", raw_own, "alleged_by")
        if values.get("upheld") is not None and values.get("allegation_daily") and \
                values.get("ruled_by") is None and not mediators:
            parser.problem(f"{where}.upheld", f"{deal.id} has no mediator to rule on "
                           "allegations", "remove upheld, or add a mediator to the deal",
                           raw_own, "upheld")
        resolved[ob.id] = ObligationAssumptions(**values)
    if reader.problems:  # in the order of the file
        raise ScenarioError(sorted(reader.problems, key=lambda p: p.line or 0), source)
    return Assumptions(
        horizon_days=horizon,
        obligations=resolved,
        actors={p: ActorAssumptions(**{k: v for k, v in actors.get(p, {}).items()
                                       if k in ACTOR_ONLY_FIELDS}) for p in parties},
        phases={p: PhaseAssumptions(**phases.get(p, {})) for p in phase_ids},
        note=note,
        stated=_plain(data),
    )


def _plain(data: Any) -> Any:
    """The stated assumptions as plain dicts and lists (for JSON output)."""
    if isinstance(data, dict):
        return {str(k): _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return data
