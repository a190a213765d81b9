"""Mutated copies of every shipped YAML file: loading succeeds or raises dealmodel's own error,
and the command line ends with exit 0, 1 or 2, never with a traceback."""

from __future__ import annotations

import contextlib
import copy
import io
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dealmodel import DealModelError
from dealmodel.cli import main
from dealmodel.scenarios.scenario import load_deal_or_scenario

ROOT = Path(__file__).parent.parent
SHIPPED = sorted([*ROOT.glob("src/dealmodel/data/**/*.yaml"), *ROOT.glob("examples/**/*.yaml"),
                  *ROOT.glob("tests/data/*.yaml")])
DOCS = {path: yaml.safe_load(path.read_text(encoding="utf-8")) for path in SHIPPED}

WEIRD = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**30), 10**30), st.floats(),
    st.text(max_size=30), st.sampled_from([
        "x" * 5000, "yes", "no", "2025-13-45", "../../etc/passwd", "/dev/zero", "phase1",
        "hamas", "p1_hostages", "perform", "\u202e", "gaza-2025", "day >= (1", "{a: 1}",
    ]),
    st.just([]), st.just({}), st.just([1, [2, [3]]]), st.just({"type": ["perform"]}),
)


def test_there_are_shipped_files() -> None:
    assert len(SHIPPED) >= 5


def _nodes(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    items = node.items() if isinstance(node, dict) else enumerate(node) \
        if isinstance(node, list) else ()
    for key, child in items:
        out.extend(_nodes(child, (*path, key)))
    return out


@st.composite
def mutated(draw: st.DrawFn) -> tuple[Path, bytes]:
    """A shipped file changed in its data (a value, a key, a nesting) or in its bytes."""
    path = draw(st.sampled_from(SHIPPED))
    doc = copy.deepcopy(DOCS[path])
    for _ in range(draw(st.integers(1, 3))):
        target = draw(st.sampled_from(_nodes(doc)[1:] or [()]))
        if not target:
            break
        parent: Any = doc
        for key in target[:-1]:
            parent = parent[key]
        key = target[-1]
        op = draw(st.sampled_from(["replace", "delete", "wrap", "copy_key", "deepen"]))
        if op == "replace":  # a copy: st.just() hands out one shared object
            parent[key] = copy.deepcopy(draw(WEIRD))
        elif op == "delete" and isinstance(parent, dict):
            del parent[key]
        elif op == "wrap":
            parent[key] = [parent[key]]
        elif op == "copy_key" and isinstance(parent, dict):
            parent[f"{key}_x"] = copy.deepcopy(parent[key])
        elif op == "deepen":
            deep = parent[key]
            for _ in range(draw(st.sampled_from([5, 60]))):
                deep = [deep]
            parent[key] = deep
    data = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False).encode()
    damage = draw(st.sampled_from(["none", "none", "truncate", "bytes", "duplicate_line"]))
    if damage == "truncate":
        data = data[:draw(st.integers(0, len(data)))]
    elif damage == "bytes":
        at = draw(st.integers(0, len(data)))
        junk = draw(st.sampled_from([b"\xff\xfe", b"\xe9", b"\x00", b"&a ", b"*a", b"!!x ",
                                     b"\t", b"[" * 200, b"\xef\xbb\xbf"]))
        data = data[:at] + junk + data[at:]
    elif damage == "duplicate_line":
        lines = data.splitlines(keepends=True)
        if lines:
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[i])
            data = b"".join(lines)
    return path, data


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "300")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_files_load_or_fail_cleanly(case: tuple[Path, bytes]) -> None:
    original, data = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / original.name
        path.write_bytes(data)
        with contextlib.suppress(DealModelError):
            load_deal_or_scenario(path)
        for argv in (["check", str(path)], ["run", "--json", str(path)]):
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(argv)
            assert code in (0, 1, 2), (argv, err.getvalue())
            if code == 2:
                assert err.getvalue().startswith("dealmodel: error: "), err.getvalue()


@pytest.mark.parametrize("path", SHIPPED, ids=[str(p.relative_to(ROOT)) for p in SHIPPED])
def test_every_shipped_file_loads(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(path.parent)
    load_deal_or_scenario(path)
