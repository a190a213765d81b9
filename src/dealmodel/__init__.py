"""dealmodel: multiphase agreements (ceasefires first) as state machines.

Describe a deal as data (:class:`Deal`, or a YAML file), run it against dated
events (:class:`Run`), and read its state, obligation ledger and allegations.
"""

from dealmodel.conditions import Expression, compile_condition
from dealmodel.deal import (
    Clause,
    Deal,
    Party,
    Role,
    builtin_deal,
    builtin_deals,
    deal_from_dict,
    deal_to_dict,
    load_deal,
)
from dealmodel.engine import Allegation, LedgerEntry, Run, replay, start
from dealmodel.errors import (
    ConditionSyntaxError,
    DealDefinitionError,
    DealModelError,
    EventRejected,
    Problem,
    ScenarioError,
)
from dealmodel.events import (
    AgreementReached,
    ClockAdvanced,
    Event,
    Extended,
    HostilitiesResumed,
    NegotiationsEnded,
    NegotiationsOpened,
    Performed,
    Resumed,
    Ruling,
    Suspended,
    ViolationAlleged,
)
from dealmodel.obligations import (
    Milestone,
    Obligation,
    ObligationKind,
    ObligationStatus,
    Quantity,
    Reciprocity,
)
from dealmodel.phases import ExpiryRule, Extension, Phase
from dealmodel.scenarios import Outcome, Scenario, load_scenario, run_scenario

__all__ = [
    "AgreementReached",
    "Allegation",
    "Clause",
    "ClockAdvanced",
    "ConditionSyntaxError",
    "Deal",
    "DealDefinitionError",
    "DealModelError",
    "Event",
    "EventRejected",
    "ExpiryRule",
    "Expression",
    "Extended",
    "Extension",
    "HostilitiesResumed",
    "LedgerEntry",
    "Milestone",
    "NegotiationsEnded",
    "NegotiationsOpened",
    "Obligation",
    "ObligationKind",
    "ObligationStatus",
    "Outcome",
    "Party",
    "Performed",
    "Phase",
    "Problem",
    "Quantity",
    "Reciprocity",
    "Resumed",
    "Role",
    "Ruling",
    "Run",
    "Scenario",
    "ScenarioError",
    "Suspended",
    "ViolationAlleged",
    "builtin_deal",
    "builtin_deals",
    "compile_condition",
    "deal_from_dict",
    "deal_to_dict",
    "load_deal",
    "load_scenario",
    "replay",
    "run_scenario",
    "start",
]
