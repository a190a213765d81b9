"""The one loader: strict YAML, limits, duplicate keys, every problem at once, with lines."""

from __future__ import annotations

import datetime
import time
from pathlib import Path

import pytest

from dealmodel import DealDefinitionError, ScenarioError, load_deal, load_scenario
from dealmodel.cli import main
from dealmodel.errors import InputError, short
from dealmodel.io.limits import Limits
from dealmodel.io.yaml import LineDict, decode, parse_yaml

DATA = Path(__file__).parent / "data"


def problems_of(text: str, limits: Limits | None = None) -> list[str]:
    with pytest.raises(InputError) as info:
        parse_yaml(text, "f.yaml", limits)
    return [str(p) for p in info.value.problems]


# -- scalars: the YAML 1.2 core schema, plus dates ---------------------------------------
@pytest.mark.parametrize(("text", "value"), [
    ("3", 3), ("-3", -3), ("0x1f", 31), ("0o17", 15), ("2.5", 2.5), ("'3'", "3"),
    ("true", True), ("False", False), ("yes", "yes"), ("no", "no"), ("on", "on"),
    ("off", "off"), ("~", None), ("null", None), ("", None), ("1:30", "1:30"),
    ("1_000", "1_000"), ("007", 7), ("2025-01-19", datetime.date(2025, 1, 19)),
    ("2025-13-45", "2025-13-45"), ("!!str 3", "3"), ("!!int 3", 3), ('"yes"', "yes"),
    ("hamas", "hamas"), (".inf", float("inf")),
])
def test_scalars(text: str, value: object) -> None:
    assert parse_yaml(f"k: {text}\n")["k"] == value
    assert type(parse_yaml(f"k: {text}\n")["k"]) is type(value)


def test_every_key_knows_its_line() -> None:
    data = parse_yaml("a: 1\nb:\n  c: 2\n  d: [1, {e: 3}]\nf: {g: 4, h: 5}\n")
    assert isinstance(data, LineDict)
    assert [data.line_of(k) for k in "abf"] == [1, 2, 5]
    assert data["b"].line_of("d") == 4 and data["b"]["d"][1].line_of("e") == 4
    assert data["f"].line == 5 and data["f"].line_of("h") == 5


@pytest.mark.parametrize(("text", "expected"), [
    ("phases: []\nid: x\nphases: [1]\n",
     "line 3: phases: duplicate key: given on line 1 and again on line 3"),
    ("a: &x [1]\nb: *x\n", "line 1: YAML anchors and aliases (&name, *name) are not supported"),
    ("a: 1\n---\nb: 2\n", "line 2: a second YAML document ('---') in one file"),
    ("? [a]\n: 1\n", "line 1: a key must be a plain value, not a mapping or list"),
    ("a: !!python/object:os.system x\n", "the YAML tag tag:yaml.org,2002:python/object:os.system"
                                         " is not supported"),
    ("a: !!int x\n", "line 1: 'x' is not a valid int"),
    ("a: [1, 2\n", "YAML syntax error"),
    ("a: " + "9" * 5000 + "\n", "line 1: a whole number of 5000 digits; the limit is 20"),
    ("a: " + "[" * 60 + "]" * 60 + "\n", "line 1: nesting deeper than 50 levels"),
    ("a: \x00\n", "the character U+0000 is not allowed in YAML"),
])
def test_structural_problems_are_located(text: str, expected: str) -> None:
    assert any(expected in p for p in problems_of(text)), problems_of(text)


def test_every_duplicate_key_is_reported() -> None:
    found = problems_of("a: 1\na: 2\nb: {c: 1, c: 2}\n")
    assert len(found) == 2 and "line 3: c: duplicate key" in found[1]


def test_limits_are_configurable() -> None:
    assert parse_yaml("a: 123456\n", limits=Limits(max_int_digits=6)) == {"a": 123456}
    assert "limit is 5" in problems_of("a: 123456\n", Limits(max_int_digits=5))[0]
    deep = "a: " + "[" * 60 + "]" * 60 + "\n"
    assert parse_yaml(deep, limits=Limits(max_depth=100))["a"]
    with pytest.raises(InputError, match="max_depth: must be a whole number >= 1, got 0"):
        Limits(max_depth=0)


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deep_nesting_is_refused_quickly(depth: int) -> None:
    start = time.perf_counter()
    found = problems_of("[" * depth + "]" * depth)
    assert len(found) == 1 and found[0].startswith("line 1: ") and "nesting" in found[0]
    assert time.perf_counter() - start < 2


@pytest.mark.parametrize(("data", "expected"), [
    ("k: \xe9\n".encode("latin-1"), "line 1: not UTF-8 text: byte 0xe9 at column 4"),
    (b"a: 1\nb: \xff\n", "line 2: not UTF-8 text: byte 0xff at column 4"),
    (b"\xff\xfea", "not valid UTF-16"),
])
def test_text_must_be_utf8(data: bytes, expected: str) -> None:
    with pytest.raises(InputError) as info:
        decode(data, "f.yaml")
    assert expected in str(info.value)
    assert "save the file as UTF-8" in str(info.value) or "UTF-16" in expected


def test_utf16_and_bom_are_read() -> None:
    assert decode("k: ü\n".encode("utf-16")) == "k: ü\n"
    assert decode(b"\xef\xbb\xbfk: 1\n") == "k: 1\n"


# -- whole files through the real loaders --------------------------------------------------
def test_a_deal_file_reports_every_problem_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text("id: x\nin_force: not-a-date\nhypothetical: yes\nparties:\n"
                    "  - {id: a, nmae: A}\nphases:\n  - id: p\n    duration_days: '3'\n"
                    "    obligations:\n      - {id: o, obligor: b, due_day: 2.5}\n")
    with pytest.raises(DealDefinitionError) as info:
        load_deal(path)
    found = [str(p) for p in info.value.problems]
    for expected in [
        "line 2: in_force: must be a date (YYYY-MM-DD), got 'not-a-date'",
        "line 3: hypothetical: must be true or false, got 'yes' (write true or false",
        "line 5: parties[0].nmae: unknown field (did you mean 'name'?)",
        "line 8: phases[0].duration_days: must be a whole number, got '3' (remove the quotes",
        "line 10: phases[0].obligations[0].due_day: must be a whole number, got 2.5",
    ]:
        assert any(expected in p for p in found), (expected, found)
    assert str(path) in str(info.value)


def test_dates_are_dates(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    text = (DATA / "truce-2phase.yaml").read_text()
    path.write_text(text + "in_force: 2025-01-19\n")
    assert load_deal(path).in_force == "2025-01-19"
    path.write_text(text + "in_force: 2025-02-30\n")
    with pytest.raises(DealDefinitionError, match="in_force: must be a date"):
        load_deal(path)


SCENARIO_PROBLEMS = """\
deal: gaza-2025
events:
  - {day: 1, type: perform, party: hamaz, obligation: p1_hostages, quantity: 3}
  - {day: 2, type: perform, party: hamas, obligation: p1_hostage}
  - {day: 3, type: negotiations_opened, phase: phase9}
  - {day: 4, type: allege, by: qatar, against: isreal}
  - {day: 5, type: rule, by: qatar, allegation: A1, upheld: no}
  - {day: "6", type: advance}
title: 7
"""


def test_a_scenario_reports_field_and_reference_problems_together(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO_PROBLEMS)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    found = [str(p) for p in info.value.problems]
    for expected in [
        "line 3: events[0].party: unknown party 'hamaz' in gaza-2025 (did you mean 'hamas'?)",
        "line 4: events[1].obligation: unknown obligation 'p1_hostage' in gaza-2025 (did you "
        "mean 'p1_hostages'?)",
        "line 5: events[2].phase: unknown phase 'phase9' in gaza-2025",
        "line 6: events[3].against: unknown party 'isreal' in gaza-2025 (did you mean 'israel'?)",
        "line 7: events[4].upheld: must be true or false, got 'no'",
        "line 8: events[5].day: must be a whole number, got '6'",
        "line 9: title: must be text, got 7 (put it in quotes",
    ]:
        assert any(expected in p for p in found), (expected, found)
    assert len(found) == 7


def test_an_error_in_a_referenced_deal_is_reported_under_its_own_name(tmp_path: Path) -> None:
    (tmp_path / "deals").mkdir()
    deal = tmp_path / "deals" / "d.yaml"
    deal.write_text("id: x\nparties: [{id: a}]\nphases:\n  - id: p\n    duration_days: -1\n"
                    "    secret: hunter2\n")
    scenario = tmp_path / "s.yaml"
    scenario.write_text("title: t\ndeal: deals/d.yaml\nevents: []\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(scenario)
    message = str(info.value)
    assert f"{deal}, line 5: phases[0].duration_days: must be >= 1, got -1" in message
    assert f"{deal}, line 6: phases[0].secret: unknown field" in message
    assert "hunter2" not in message


def test_a_referenced_file_is_not_echoed(tmp_path: Path) -> None:
    secret = "root:$6$saltsalt$hashhashhash:19000:0:99999:7:::"
    (tmp_path / "d.yaml").write_text(f"{secret}\nid: [{secret}]\n")
    (tmp_path / "s.yaml").write_text("deal: d.yaml\nevents: []\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "s.yaml")
    assert "saltsalt" not in str(info.value) and "hash" not in str(info.value)


def test_a_deal_file_given_to_run_says_so(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="this is a deal file, not a scenario"):
        load_scenario(DATA / "truce-2phase.yaml")


def test_messages_never_build_a_huge_repr() -> None:
    big = "x" * 10_000_000
    start = time.perf_counter()
    assert len(short(big)) < 80 and len(short([[big] * 1000] * 1000)) <= 100
    assert short(10 ** 5000) == "<a whole number of about 5001 digits>"
    assert len(short(LineDict())) < 10
    assert time.perf_counter() - start < 0.5


def test_many_problems_are_listed_up_to_a_cap(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("deal: gaza-2025\nevents:\n" + "  - {day: 1, type: bogus}\n" * 80)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert len(info.value.problems) == 80
    assert "... and 30 more; fix these first" in str(info.value)


# -- the command line -----------------------------------------------------------------------
def test_check_accepts_a_scenario_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "examples/gaza-2025-whatif.yaml"]) == 0
    out = capsys.readouterr().out
    assert "ok - scenario" in out and "on gaza-2025, 40 events, 5 variants" in out
    assert main(["check", "gaza-2025-whatif"]) == 0
    assert main(["check", str(DATA / "truce-2phase.yaml")]) == 0
    assert "ok - truce-2phase, 2 phases" in capsys.readouterr().out


def test_check_reports_a_scenario_s_problems(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO_PROBLEMS)
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}: invalid scenario (7 problems):" in err and "did you mean 'hamas'?" in err


def test_check_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "missing.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["check", "nowhere"]) == 2
    assert "no built-in deal or scenario and no file named 'nowhere'" in capsys.readouterr().err


def test_file_size_limit_and_max_file_mb(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("deal: gaza-2025\nevents:\n" + "  - {day: 1, type: advance}\n" * 50_000)
    assert main(["run", "-q", str(path), "--max-file-mb", "1"]) == 2
    assert "larger than the limit of 1 MB" in capsys.readouterr().err
    assert main(["run", "-q", str(path)]) == 0
    with pytest.raises(ScenarioError, match="larger than the limit of 1,000 bytes"):
        load_scenario(path, limits=Limits(max_file_bytes=1000))
    with pytest.raises(SystemExit):
        main(["run", str(path), "--max-file-mb", "nan"])
    assert "must be a positive number of megabytes" in capsys.readouterr().err


def test_the_pure_python_parser_gives_the_same_data_and_lines(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import yaml

    import dealmodel.io.yaml as loader

    text = (DATA / "truce-2phase.yaml").read_text() + "extra:\n  a: [1, {b: 2}]\n"
    fast = parse_yaml(text)
    monkeypatch.setattr(loader, "_PARSER", yaml.SafeLoader)
    slow = parse_yaml(text)
    assert slow == fast and slow.key_lines == fast.key_lines
    assert slow["extra"]["a"][1].line == fast["extra"]["a"][1].line == len(text.splitlines())
    assert "duplicate key" in problems_of("a: 1\na: 2\n")[0]


def test_an_extend_power_is_refused_with_where_it_goes(tmp_path: Path) -> None:
    """The engine extends a phase by its extension: clause only; a power of kind extend
    would be accepted and then never honoured, so loading refuses it and says where the
    grant belongs (file, line, path)."""
    path = tmp_path / "deal.yaml"
    path.write_text("id: t\ntitle: t\nparties: [{id: a, name: A}, {id: b, name: B}]\n"
                    "phases:\n  - {id: p1, duration_days: 10}\n"
                    "powers:\n  - {power: extend, holders: [a]}\n", encoding="utf-8")
    with pytest.raises(DealDefinitionError) as caught:
        load_deal(path)
    text = str(caught.value)
    assert "deal.yaml" in text and "line 7" in text and "powers[0].power" in text
    assert "extension:" in text and "granted_by" in text


def test_an_extension_cannot_add_per_day_to_an_act(tmp_path: Path) -> None:
    """per_day adds to a duty's amount for each day of extension: an act has none (its
    target would silently grow past its one act), so the definition names the field."""
    path = tmp_path / "deal.yaml"
    path.write_text("id: t\ntitle: t\nparties: [{id: a, name: A}, {id: b, name: B}]\n"
                    "phases:\n  - id: p1\n    duration_days: 10\n"
                    "    extension: {max_days: 3, granted_by: [a], per_day: {withdraw: 1}}\n"
                    "    obligations:\n      - {id: withdraw, obligor: a, due: end_of_phase}\n",
                    encoding="utf-8")
    with pytest.raises(DealDefinitionError) as caught:
        load_deal(path)
    text = str(caught.value)
    assert "phases[0].extension.per_day.withdraw" in text and "an act" in text
