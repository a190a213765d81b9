"""Run.from_dict checks what it restores: format, fields, names; errors are dealmodel's own."""

from __future__ import annotations

import contextlib
import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dealmodel import DealModelError, Run, builtin_scenario
from dealmodel.errors import InputError

SAVED = builtin_scenario("gaza-2025").run().run.to_dict()


def changed(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(SAVED)
    node: Any = data
    for key in path[:-1]:
        node = node[key]
    if value is KeyError:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return data


def test_round_trip_still_works() -> None:
    assert Run.from_dict(SAVED).to_dict() == SAVED
    assert Run.from_json(json.dumps(SAVED)).to_dict() == SAVED


@pytest.mark.parametrize(("path", "value", "expected"), [
    (("format",), "dealmodel.run/1", "format: must be 'dealmodel.run/2', got 'dealmodel.run/1'"),
    (("format",), KeyError, "format: must be 'dealmodel.run/2', got None"),
    (("state",), KeyError, "state: is required"),
    (("state",), "phase9", "state: unknown state 'phase9' of gaza-2025"),
    (("day",), "5", "day: must be a whole number, got '5'"),
    (("day",), -3, "day: must be >= 0, got -3"),
    (("phase_index",), 7, "phase_index: must be -1 to 2 for gaza-2025, got 7"),
    (("phase_index",), 3, "phase_index: must be -1 to 2 for gaza-2025, got 3"),
    (("phase_index",), -2, "phase_index: must be -1 to 2 for gaza-2025, got -2"),
    (("ledger",), {"a": 1}, "ledger: must be a list"),
    (("ledger", 0, "id"), "nope", "ledger[0].id: not an obligation of gaza-2025"),
    (("ledger", 0, "status"), "bogus",
     "inconsistent content (ValueError: 'bogus' is not a valid ObligationStatus) (restore"),
    (("deadlines",), [[1, 2]], "inconsistent content"),
    (("log", 0, "event", "day"), "x", "log[].event.day: must be a whole number"),
    (("deal", "phases"), KeyError, "deal.phases: is required"),
    (("extra",), 1, "extra: unknown field"),
])
def test_bad_saved_runs_are_named(path: tuple[Any, ...], value: Any, expected: str) -> None:
    with pytest.raises(InputError) as info:
        Run.from_dict(changed(path, value))
    assert expected in str(info.value)
    assert str(info.value).startswith("invalid saved run")


def test_not_a_mapping_at_all() -> None:
    with pytest.raises(InputError, match="must be a mapping, got"):
        Run.from_dict([1, 2])  # type: ignore[arg-type]
    with pytest.raises(DealModelError):
        Run.from_json("[]")


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_any_damage_is_a_dealmodel_error(data: st.DataObject) -> None:
    doc = copy.deepcopy(SAVED)
    paths: list[tuple[Any, ...]] = []

    def walk(node: Any, path: tuple[Any, ...]) -> None:
        paths.append(path)
        items = node.items() if isinstance(node, dict) else enumerate(node) \
            if isinstance(node, list) else ()
        for key, child in items:
            walk(child, (*path, key))

    walk(doc, ())
    path = data.draw(st.sampled_from(paths[1:]))
    value = data.draw(st.one_of(st.none(), st.integers(), st.text(max_size=5), st.booleans(),
                                st.floats(), st.just([]), st.just({}), st.just([[1]])))
    with contextlib.suppress(DealModelError):
        Run.from_dict(changed(path, value))


def test_load_refuses_bad_json_deep_json_and_fifos(tmp_path: Path) -> None:
    import os

    from dealmodel import InputError, Run

    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for path, said in ((bad, "not a saved run"), (deep, "nested too deeply"),
                       (fifo, "FIFO")):
        with pytest.raises(InputError, match=said):
            Run.load(path)
