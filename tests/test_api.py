"""The public API is exactly what we mean it to be."""

from __future__ import annotations

import dealmodel

INTENDED = {
    "AgreementReached", "Allegation", "Clause", "ClockAdvanced", "ConditionSyntaxError", "Deal",
    "DealDefinitionError", "DealModelError", "Event", "EventDefinitionError", "EventRejected",
    "ExpiryRule", "InputError", "Limits",
    "Expression", "Extended", "Extension", "HostilitiesResumed", "LedgerEntry", "LogEntry",
    "Milestone",
    "NegotiationsEnded", "NegotiationsOpened", "Obligation", "ObligationKind",
    "ObligationStatus", "Outcome", "Party", "Performed", "Phase", "Problem", "Quantity",
    "Reciprocity", "Resumed", "Role", "Run", "Ruling", "Scenario", "ScenarioError", "Suspended",
    "ViolationAlleged", "builtin_deal", "builtin_deals", "builtin_scenario",
    "builtin_scenarios", "compile_condition", "deal_from_dict",
    "deal_to_dict", "load_deal", "load_scenario", "replay", "run_scenario", "start",
    # what-if
    "Comparison", "Variant", "VariantResult", "compare", "continue_run", "replay_until",
    # diagrams and timelines (loaded on first use)
    "diagram_model", "write_diagram", "write_timeline",
    # obligations as real deals have them (#10)
    "Actor", "PhaseEnded", "Released", "RelativeDue", "Reported", "Withheld",
}


def test_all_is_exactly_the_intended_api() -> None:
    assert set(dealmodel.__all__) == INTENDED
    assert list(dealmodel.__all__) == sorted(dealmodel.__all__)
    for name in dealmodel.__all__:
        assert hasattr(dealmodel, name), name


def test_heavy_modules_load_lazily() -> None:
    import subprocess
    import sys

    code = "import sys, dealmodel; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    assert callable(dealmodel.write_timeline)


def test_errors_mix_in_builtins() -> None:
    assert issubclass(dealmodel.DealDefinitionError, ValueError)
    assert issubclass(dealmodel.ScenarioError, ValueError)
    assert issubclass(dealmodel.ConditionSyntaxError, ValueError)
    assert issubclass(dealmodel.EventRejected, dealmodel.DealModelError)
    assert issubclass(dealmodel.InputError, ValueError)
    assert issubclass(dealmodel.EventDefinitionError, ValueError)
    assert not issubclass(dealmodel.EventDefinitionError, TypeError)


def test_typed_package() -> None:
    from importlib import resources

    assert (resources.files("dealmodel") / "py.typed").is_file()
