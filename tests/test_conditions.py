"""The condition language: parsing, typing, evaluation, explanations, caret errors."""

from __future__ import annotations

import pytest

from dealmodel import ConditionSyntaxError, compile_condition


class Ctx:
    def __init__(self, **values: object) -> None:
        self.values = values

    def variable(self, name: str) -> object:
        return self.values[name]

    def call(self, name: str, args: tuple[str, ...]) -> object:
        return self.values[f"{name}({args[0]})"]


CTX = Ctx(**{"day": 43, "phase_day": 1, "state": "phase1:limbo",
             "released(hostages)": 25, "agreed(phase2)": False,
             "status(p1_aid)": "suspended", "progress(x)": 4})


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('released("hostages") >= 33 and day >= 16', False),
        ('released("hostages") >= 25 and day >= 16', True),
        ("day > 40 or agreed(\"phase2\")", True),
        ('not agreed("phase2")', True),
        ('status("p1_aid") == "suspended"', True),
        ("state != 'phase1'", True),
        ('progress("x") * 3 - 2 == 10', True),
        ('-progress("x") + 5 == 1', True),
        ("(day >= 1) and (phase_day == 1)", True),
        ("true and not false", True),
        ("1 + 2 * 3 == 7", True),
    ],
)
def test_evaluates(source: str, expected: bool) -> None:
    assert compile_condition(source).evaluate(CTX) is expected


def test_explain_lists_values_seen() -> None:
    expr = compile_condition('released("hostages") >= 33 and day >= 16')
    assert expr.explain(CTX) == 'released("hostages") = 25, day = 43'


def test_references_for_validation() -> None:
    expr = compile_condition('agreed("phase2") and progress("x") > 1')
    assert expr.references == (("agreed", "phase2"), ("progress", "x"))


def test_compiled_once() -> None:
    assert compile_condition("day > 1") is compile_condition("day > 1")


@pytest.mark.parametrize(
    ("source", "message", "caret_at", "caret_len"),
    [
        ("day >= ", "expected a value, found end of expression", 7, 1),
        ("day >> 3", "expected a value, found '>'", 5, 1),
        ("foo > 1", "unknown name 'foo'", 0, 3),
        ("day and 1", "'and' needs bool operands, got int", 4, 3),
        ('bogus("x")', "unknown function 'bogus'", 0, 5),
        ("released(hostages) > 1", 'released() takes a quoted name', 9, 8),
        ('day + "x" > 1', "'+' needs int operands, got str", 4, 1),
        ('"x" + day > 1', "'+' needs int operands, got str", 4, 1),
        ("true * 2 > 1", "'*' needs int operands, got bool", 5, 1),
        ("day", "a condition must be true or false", 0, 3),
        ("(day > 1", "expected ')', found end of expression", 8, 1),
        ("day > 1 )", "unexpected ')'", 8, 1),
        ("day ; 1", "unexpected character ';'", 4, 1),
        ('state > "a"', "'>' compares numbers, got str", 6, 1),
        ("day == true", "cannot compare int with bool", 4, 2),
        ("", "empty condition", 0, 1),
        ('agreed("a", "b")', "agreed() takes 1 argument(s), got 2", 0, 6),
    ],
)
def test_syntax_errors_point_at_the_token(
    source: str, message: str, caret_at: int, caret_len: int
) -> None:
    with pytest.raises(ConditionSyntaxError) as info:
        compile_condition(source)
    text = str(info.value)
    assert message in text
    lines = text.splitlines()
    assert lines[1] == f"    {source}"
    assert lines[2] == "    " + " " * caret_at + "^" * caret_len
    assert isinstance(info.value, ValueError)


def test_no_eval_or_exec_in_the_package() -> None:
    from pathlib import Path

    import dealmodel

    root = Path(dealmodel.__file__).parent
    for path in root.rglob("*.py"):
        text = path.read_text()
        assert "eval(" not in text.replace("evaluate(", "").replace("_evaluate", ""), path
        assert "exec(" not in text, path


# -- bounds: length, nesting, long chains ----------------------------------------------------
def test_long_chains_evaluate_without_recursion() -> None:
    import sys

    chains = [" and ".join(["day >= 1"] * 150), " or ".join(["day < 1"] * 150) + " or day > 1",
              " + ".join(["1"] * 400) + " == 400", " * ".join(["1"] * 400) + " == 1"]
    compiled = [compile_condition(source) for source in chains]
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(120)  # a chain nested as closures would need one frame per term
    try:
        assert all(c.evaluate(CTX) for c in compiled)
    finally:
        sys.setrecursionlimit(limit)


@pytest.mark.parametrize(
    ("source", "message", "caret_at"),
    [
        ("(" * 40 + "day > 1" + ")" * 40, "nested more than 32 levels deep", 32),
        ("not " * 40 + "true", "nested more than 32 levels deep", 128),
        ("- " * 40 + "1 == 1", "nested more than 32 levels deep", 64),
        ("day > " + "9" * 40, "a number of 40 digits; the limit is 18", 6),
    ],
)
def test_nesting_and_numbers_are_bounded(source: str, message: str, caret_at: int) -> None:
    with pytest.raises(ConditionSyntaxError) as info:
        compile_condition(source)
    assert message in str(info.value)
    assert info.value.position == caret_at


def test_length_is_bounded_and_the_message_stays_short() -> None:
    source = "day > 1 and " * 300 + "true"
    with pytest.raises(ConditionSyntaxError) as info:
        compile_condition(source)
    text = str(info.value)
    assert "the condition is 3,604 characters long; the limit is 2,000" in text
    assert len(text) < 300
    _message, shown, caret = text.splitlines()
    assert shown.startswith("    ...") and shown.endswith("...")
    assert source[2000 - 3:2000 + 3] in shown
    assert shown[len(caret) - 1] == source[2000]  # the caret sits under character 2000


def test_a_deep_condition_in_a_deal_file_is_a_located_problem(tmp_path: object) -> None:
    from dealmodel import DealDefinitionError, deal_from_dict
    from dealmodel.io.yaml import parse_yaml

    text = ("id: x\nparties: [{id: a}]\nphases:\n  - {id: p, duration_days: 3}\n"
            "  - id: q\n    duration_days: 3\n    entry_condition: '" + "(" * 50 + "day > 1"
            + ")" * 50 + "'\n")
    with pytest.raises(DealDefinitionError) as info:
        deal_from_dict(parse_yaml(text))
    assert "line 7: phases[1].entry_condition: nested more than 32 levels deep" in str(
        info.value)


@pytest.mark.parametrize("group", ["(day > 1)", "not agreed(\"phase2\")", "-day < 1"])
def test_the_depth_limit_counts_nesting_not_siblings(group: str) -> None:
    # 40 groups side by side are one level deep each, well within MAX_DEPTH (32)
    source = " and ".join([group] * 40)
    assert compile_condition(source).evaluate(CTX) is True
