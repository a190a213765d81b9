"""dealmodel: multiphase agreements (ceasefires first) as state machines.

Describe a deal as data (:class:`Deal`, or a YAML file), run it against dated
events (:class:`Run`), and read its state, obligation ledger and allegations.

The public API is re-exported here; the layers below it are, in the direction data
flows: ``model`` (frozen definitions), ``io`` (YAML and dicts), ``engine`` (runs),
``scenarios``, ``analysis`` (what-if), ``render`` (diagrams, charts, text) and ``cli``.
"""

from dealmodel import _display
from dealmodel._version import __version__ as __version__
from dealmodel.analysis.compare import (
    Comparison,
    VariantResult,
    compare,
    continue_run,
    replay_until,
)
from dealmodel.engine import Allegation, LedgerEntry, LogEntry, Run, replay, start
from dealmodel.errors import (
    ConditionSyntaxError,
    DealDefinitionError,
    DealModelError,
    EventDefinitionError,
    EventRejected,
    InputError,
    Problem,
    ScenarioError,
)
from dealmodel.io.deals import builtin_deal, builtin_deals, deal_from_dict, deal_to_dict, load_deal
from dealmodel.io.limits import Limits
from dealmodel.model.actors import Actor, Clause, Party, Role
from dealmodel.model.conditions import Expression, compile_condition
from dealmodel.model.deal import Deal
from dealmodel.model.events import (
    AgreementReached,
    ClockAdvanced,
    Event,
    Extended,
    HostilitiesResumed,
    NegotiationsEnded,
    NegotiationsOpened,
    Performed,
    PhaseEnded,
    Released,
    Reported,
    Resumed,
    Ruling,
    Suspended,
    ViolationAlleged,
    Withheld,
)
from dealmodel.model.obligations import (
    Milestone,
    Obligation,
    ObligationKind,
    ObligationStatus,
    Quantity,
    Reciprocity,
    RelativeDue,
)
from dealmodel.model.phases import ExpiryRule, Extension, Phase
from dealmodel.render.diagram_model import diagram_model
from dealmodel.render.dot import write_diagram
from dealmodel.render.html import mimebundle as _mimebundle
from dealmodel.render.html import to_html as _to_html
from dealmodel.render.tables import comparison_text as _comparison_text
from dealmodel.render.timeline import write_timeline
from dealmodel.scenarios.scenario import (
    Outcome,
    Scenario,
    builtin_scenario,
    builtin_scenarios,
    load_scenario,
    run_scenario,
)
from dealmodel.scenarios.variants import Variant

_display.register(_mimebundle)
_display.register_html(_to_html)
_display.register_text(_comparison_text)



__all__ = [
    "Actor",
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
    "EventDefinitionError",
    "EventRejected",
    "ExpiryRule",
    "Expression",
    "Extended",
    "Extension",
    "HostilitiesResumed",
    "InputError",
    "LedgerEntry",
    "Limits",
    "LogEntry",
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
    "PhaseEnded",
    "Problem",
    "Quantity",
    "Reciprocity",
    "RelativeDue",
    "Released",
    "Reported",
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
    "Withheld",
    "builtin_deal",
    "builtin_deals",
    "builtin_scenario",
    "builtin_scenarios",
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
