"""Private: load YAML remembering the line of every mapping key, and read fields with paths.

Loaders (deals, scenarios) use :class:`Reader` to pull typed fields out of plain
data while collecting every problem with its path, line and fix, so one pass
reports everything that is wrong.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml

from dealmodel.errors import Problem

T = TypeVar("T")


class LineDict(dict[str, Any]):
    """A mapping from YAML that knows the line of each key (1-based)."""

    line: int | None = None
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int | None:
        lines = getattr(self, "key_lines", {})
        return lines.get(key, self.line)


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        result[str(key)] = loader.construct_object(value_node, deep=True)
        result.key_lines[str(key)] = key_node.start_mark.line + 1
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(text: str) -> Any:
    """Parse YAML text; raises yaml.YAMLError (with marks) on bad syntax."""
    return yaml.load(text, Loader=_Loader)


def yaml_error_problem(exc: yaml.YAMLError) -> Problem:
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    what = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"YAML syntax error: {what}" + (f" ({context})" if context else "")
    column = f", column {mark.column + 1}" if mark is not None else ""
    return Problem("", message + column, "fix the YAML syntax at that line", line)


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


_MISSING = object()


class Reader:
    """Reads fields from loaded data, recording problems instead of raising."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, path: str, message: str, fix: str = "", data: object = None,
                key: str | None = None) -> None:
        line = None
        if isinstance(data, LineDict):
            line = data.line_of(key) if key is not None else data.line
        self.problems.append(Problem(path, message, fix, line))

    def mapping(self, data: object, path: str, allowed: tuple[str, ...]) -> dict[str, Any] | None:
        if not isinstance(data, dict):
            self.problem(path, f"must be a mapping, got {type(data).__name__} {data!r:.60}")
            return None
        for key in data:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                fix = f"did you mean {close[0]!r}?" if close else "allowed: " + ", ".join(allowed)
                self.problem(_join(path, str(key)), "unknown field", fix, data, str(key))
        return data

    def field(self, data: dict[str, Any], key: str, path: str, kind: type | tuple[type, ...],
              default: Any = _MISSING, fix: str = "") -> Any:
        if key not in data or data[key] is None:
            if default is _MISSING:
                self.problem(_join(path, key), "is required", fix, data)
                return None
            return default
        value = data[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        ok = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
        if not ok:
            names = " or ".join(k.__name__ for k in kinds)
            self.problem(_join(path, key), f"must be {names}, got {value!r:.60}", fix, data, key)
            return None if default is _MISSING else default
        return value

    def items(self, data: dict[str, Any], key: str, path: str, required: bool = False) -> list[Any]:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(_join(path, key), "is required (a list)", "", data)
            return []
        if not isinstance(value, list):
            self.problem(_join(path, key), f"must be a list, got {value!r:.60}", "", data, key)
            return []
        return value

    def build(self, path: str, data: object, factory: Callable[[], T]) -> T | None:
        """Call ``factory``; turn a DealDefinitionError into problems under ``path``."""
        from dealmodel.errors import DealDefinitionError

        try:
            return factory()
        except DealDefinitionError as exc:
            line = data.line if isinstance(data, LineDict) else None
            for p in exc.problems:
                key = p.path.split(".")[0].split("[")[0]
                key_line = data.line_of(key) if isinstance(data, LineDict) else None
                self.problems.append(p.prefixed(path, key_line or line))
            return None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
