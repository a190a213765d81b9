"""The fields of a scenario's ``assumptions:`` block, as data (one source for all users).

The Monte Carlo parser (:mod:`dealmodel.analysis.montecarlo_assumptions`) reads the block
with these tables, and the scenario JSON Schema (:mod:`dealmodel.scenarios.schema`)
describes it from them, so the two cannot disagree. Field meanings:
docs/reference/scenario-file.md#assumptions.
"""

from __future__ import annotations

__all__ = [
    "ACTOR_FIELDS",
    "ACTOR_ONLY_FIELDS",
    "DAY_FIELDS",
    "DELAY_FIELDS",
    "DELAY_KINDS",
    "NAME_FIELDS",
    "NULLABLE",
    "OBLIGATION_FIELDS",
    "PHASE_FIELDS",
    "PROBABILITIES",
    "TOP_FIELDS",
]

#: How one obligation is performed (also defaults, under ``defaults:`` and per actor).
OBLIGATION_FIELDS = ("on_schedule", "delay", "withhold", "planned_day", "suspend_daily",
                     "suspend_days", "allegation_daily", "alleged_by", "upheld", "ruled_by",
                     "ruling_days")
#: What only a party does: suspend all its performance.
ACTOR_ONLY_FIELDS = ("suspend_deal_daily", "suspend_deal_days")
ACTOR_FIELDS = OBLIGATION_FIELDS + ACTOR_ONLY_FIELDS
#: Per phase: talks on the next phase, and the daily hazards.
PHASE_FIELDS = ("talks_open_day", "agreement_daily", "talks_break_daily", "collapse_daily",
                "limbo_collapse_daily", "collapse_per_violation", "collapse_per_suspension")
TOP_FIELDS = ("horizon_days", "note", "defaults", "actors", "obligations", "phases")

#: Fields that are probabilities (in [0, 1]).
PROBABILITIES = frozenset({
    "on_schedule", "withhold", "suspend_daily", "allegation_daily", "upheld",
    "suspend_deal_daily", "agreement_daily", "talks_break_daily", "collapse_daily",
    "limbo_collapse_daily", "collapse_per_violation", "collapse_per_suspension"})
#: Fields that are distributions of whole days, and the distributions.
DELAY_FIELDS = frozenset({"delay", "suspend_days", "ruling_days", "suspend_deal_days"})
DELAY_KINDS = ("fixed", "uniform", "geometric", "choice")
#: Fields that are whole days (>= 1).
DAY_FIELDS = frozenset({"planned_day", "talks_open_day", "horizon_days"})
#: Fields that name an actor of the deal.
NAME_FIELDS = frozenset({"alleged_by", "ruled_by"})
#: Fields that may be null (``talks_open_day: null``: talks never open).
NULLABLE = frozenset({"talks_open_day", "planned_day", "upheld", "limbo_collapse_daily",
                      "alleged_by", "ruled_by"})
