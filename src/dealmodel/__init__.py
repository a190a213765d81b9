"""dealmodel: multiphase agreements (ceasefires first) as state machines.

Describe a deal as data (:class:`Deal`, or a YAML file), run it against dated
events (:class:`Run`), and read its state, obligation ledger and allegations.
"""

from typing import TYPE_CHECKING

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
from dealmodel.whatif import (
    Comparison,
    Variant,
    VariantResult,
    compare,
    continue_run,
    replay_until,
)

if TYPE_CHECKING:
    from dealmodel.diagrams import diagram_model, write_diagram
    from dealmodel.timeline import write_timeline


def _installed_version() -> str:
    """The version pip installed (from the package metadata); a bare source tree has none."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("dealmodel")
    except PackageNotFoundError:  # imported from a source tree that was never installed
        return "0+unknown"


__version__ = _installed_version()


_LAZY = {
    "diagram_model": "dealmodel.diagrams",
    "write_diagram": "dealmodel.diagrams",
    "write_timeline": "dealmodel.timeline",
}


def __getattr__(name: str) -> object:
    """Diagram and timeline functions load on first use (they pull in graphviz, matplotlib)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'dealmodel' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = [
    "AgreementReached",
    "Allegation",
    "Clause",
    "ClockAdvanced",
    "Comparison",
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
    "Variant",
    "VariantResult",
    "ViolationAlleged",
    "builtin_deal",
    "builtin_deals",
    "compare",
    "compile_condition",
    "continue_run",
    "deal_from_dict",
    "deal_to_dict",
    "diagram_model",
    "load_deal",
    "load_scenario",
    "replay",
    "replay_until",
    "run_scenario",
    "start",
    "write_diagram",
    "write_timeline",
]
