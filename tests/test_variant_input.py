"""Variants from files and from Python refuse bad input with located ScenarioErrors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dealmodel import ScenarioError, builtin_scenario, load_scenario

ROOT = Path(__file__).parent.parent
BASE = (ROOT / "examples" / "gaza-2025-whatif.yaml").read_text(encoding="utf-8").split(
    "\nvariants:\n")[0]


@pytest.mark.parametrize(("variants", "expected"), [
    ("  - name: v\n    with_deal: {phase: phase1, _path: x}\n",
     "variants[v].with_deal._path: cannot be changed on a phase"),
    ("  - name: v\n    drop: {type: suspend, _path: x}\n",
     "variants[v].drop._path: unknown selector field"),
    ("  - name: v\n    shift: {days: 2, day: 1, _path: x}\n",
     "variants[v].shift._path: unknown selector field"),
    ("  - name: v\n    with_deal: 5\n", "variants[v].with_deal: must be a mapping, got 5"),
    ("  - name: v\n    with_deal: {phase: [phase1], duration_days: 3}\n",
     "variants[v].with_deal.phase: must be a phase id (text), got ['phase1']"),
    ("  - name: v\n    drop: {type: [perform]}\n",
     "variants[v].drop.type: must be a name (text), got ['perform']"),
    ("  - name: v\n    drop: {party: {a: 1}}\n",
     "variants[v].drop.party: must be a name (text), got {'a': 1}"),
    ("  - name: v\n    shift: {days: 1.5, day: 1}\n",
     "variants[v].shift.days: must be a non-zero whole number of days, got 1.5"),
    ("  - name: v\n    add: {day: 50, type: perform, party: hamas, obligation: p1_hostages,"
     " quantity: '3'}\n", "variants[v].add.quantity: must be a whole number, got '3'"),
])
def test_bad_variant_fields_are_located(tmp_path: Path, variants: str, expected: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(BASE + "\nvariants:\n" + variants, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert expected in str(info.value)
    assert all(p.line is not None for p in info.value.problems)


@pytest.mark.parametrize(("call", "expected"), [
    (lambda v: v.with_deal(5), "the first argument must be a function Deal -> Deal, got 5"),
    (lambda v: v.with_deal(lambda d: 3), "the function must return a Deal, got 3"),
    (lambda v: v.with_deal(phase=7, duration_days=3), "with_deal.phase: must be a phase id"),
    (lambda v: v.drop(type=["suspend"]), "drop.type: must be a name (text)"),
    (lambda v: v.shift(True, day=1), "must be a non-zero whole number of days, got True"),
])
def test_bad_python_calls_are_scenario_errors(call: Any, expected: str) -> None:
    variant = builtin_scenario("gaza-2025").variant("v")
    with pytest.raises(ScenarioError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        call(variant)
