"""Private: read typed fields out of loaded data, collecting every problem with its line.

Loaders (deals, scenarios, saved runs) use :class:`Reader` to pull fields out of plain
data. Types are strict: text is not a number (``"3"`` is not 3), a number is not text,
only ``true``/``false`` are booleans, a date is a real ``YYYY-MM-DD`` date. Nothing is
raised on the way: every problem is recorded with its path, line and fix, so one pass
reports everything that is wrong with a file.

A reader made with ``echo=False`` (for a file another file refers to) never shows the
content of a value in a message, only its kind.
"""

from __future__ import annotations

import datetime
import difflib
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from dealmodel.errors import DealDefinitionError, Problem, short
from dealmodel.io.yaml import LineDict

__all__ = ["MISSING", "Reader", "join", "kind_of", "suggest"]

T = TypeVar("T")
MISSING: Any = object()

_NAMES = {int: "a whole number", str: "text", bool: "true or false", float: "a number",
          dict: "a mapping", list: "a list", datetime.date: "a date (YYYY-MM-DD)"}
_YES_NO = {"yes", "no", "on", "off", "y", "n", "Yes", "No", "On", "Off", "YES", "NO"}


def kind_of(value: object) -> str:
    """What a value is, in words, without showing it: 'text (12 characters)'."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return f"text ({len(value)} characters)"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dict):
        return f"a mapping ({len(value)} keys)"
    if isinstance(value, list):
        return f"a list ({len(value)} items)"
    if isinstance(value, datetime.date):
        return "a date"
    return type(value).__name__


def suggest(value: object, known: Iterable[str]) -> str:
    """'did you mean ...?' for a near miss, else the list of known names."""
    names = list(known)
    close = difflib.get_close_matches(value, names, n=1) if isinstance(value, str) else []
    if close:
        return f"did you mean {close[0]!r}?"
    return "known: " + ", ".join(names) if names else ""


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class Reader:
    """Reads fields from loaded data, recording problems instead of raising."""

    def __init__(self, source: str | None = None, echo: bool = True) -> None:
        self.problems: list[Problem] = []
        self.source = source  # set for a file other than the one the error is about
        self.echo = echo

    # -- reporting ------------------------------------------------------------------
    def show(self, value: object) -> str:
        """A value for a message: shortened, or only its kind when echo is off."""
        if not self.echo:
            return kind_of(value)
        return short(value)

    def problem(self, path: str, message: str, fix: str = "", data: object = None,
                key: str | None = None) -> None:
        line = None
        if isinstance(data, LineDict):
            line = data.line_of(key) if key is not None else data.line
        self.problems.append(Problem(path, message, fix, line, self.source))

    def add(self, problems: Iterable[Problem], line: int | None = None) -> None:
        """Problems found elsewhere (a definition's own checks), located in this file."""
        self.problems.extend(p.located(line, self.source) for p in problems)

    # -- structure ------------------------------------------------------------------
    def mapping(self, data: object, path: str, allowed: tuple[str, ...],
                parent: object = None, key: str | None = None) -> dict[str, Any] | None:
        if not isinstance(data, dict):
            self.problem(path, f"must be a mapping, got {self.show(data)}", "", parent, key)
            return None
        for name in data:
            if name not in allowed:
                self.problem(join(path, self.key(name)), "unknown field",
                             suggest(name, allowed).replace("known:", "allowed:"), data, name)
        return data

    def key(self, name: str) -> str:
        """A key for a path: shortened, and cut short when echo is off."""
        if not self.echo and len(name) > 12:
            return name[:12] + "..."
        return short(name)[1:-1]

    def field(self, data: dict[str, Any], key: str, path: str, kind: type | tuple[type, ...],
              default: Any = MISSING, fix: str = "") -> Any:
        if key not in data or data[key] is None:
            if default is MISSING:
                self.problem(join(path, key), "is required", fix, data)
                return None
            return default
        value = data[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if _is(value, kinds):
            return value
        self.problem(join(path, key), f"must be {_names(kinds)}, got {self.show(value)}",
                     fix or _fix(value, kinds), data, key)
        return None if default is MISSING else default

    def date(self, data: dict[str, Any], key: str, path: str) -> str | None:
        """An optional ISO date (``2025-01-19``), returned as text."""
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value.isoformat()
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value).isoformat()
            except ValueError:
                pass
        self.problem(join(path, key), f"must be a date (YYYY-MM-DD), got {self.show(value)}",
                     "e.g. 2025-01-19", data, key)
        return None

    def items(self, data: dict[str, Any], key: str, path: str, required: bool = False) -> list[Any]:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(join(path, key), "is required (a list)", "", data)
            return []
        if not isinstance(value, list):
            self.problem(join(path, key), f"must be a list, got {self.show(value)}", "",
                         data, key)
            return []
        return value

    def texts(self, data: dict[str, Any], key: str, path: str,
              required: bool = False) -> list[str]:
        """A list of text items (e.g. sources, granted_by)."""
        out = []
        for i, item in enumerate(self.items(data, key, path, required)):
            if isinstance(item, str):
                out.append(item)
            else:
                self.problem(f"{join(path, key)}[{i}]", f"must be text, got {self.show(item)}",
                             _fix(item, (str,)), data, key)
        return out

    def build(self, path: str, data: object, factory: Callable[[], T]) -> T | None:
        """Call ``factory``; turn a DealDefinitionError into problems under ``path``."""
        try:
            return factory()
        except DealDefinitionError as exc:
            line = data.line if isinstance(data, LineDict) else None
            for p in exc.problems:
                key = p.path.split(".")[0].split("[")[0]
                key_line = data.line_of(key) if isinstance(data, LineDict) else None
                self.problems.append(p.prefixed(path, key_line or line).located(
                    None, self.source))
            return None


def _is(value: object, kinds: tuple[type, ...]) -> bool:
    if isinstance(value, bool):
        return bool in kinds
    if isinstance(value, datetime.datetime):
        return False
    return isinstance(value, kinds)


def _names(kinds: tuple[type, ...]) -> str:
    return " or ".join(_NAMES.get(k, k.__name__) for k in kinds)


def _fix(value: object, kinds: tuple[type, ...]) -> str:
    if bool in kinds and isinstance(value, str) and value in _YES_NO:
        return "write true or false (yes, no, on and off are text)"
    if str in kinds and isinstance(value, (int, float, bool, datetime.date)):
        return "put it in quotes to make it text"
    if int in kinds and isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        return "remove the quotes: a number is written without them"
    if int in kinds and isinstance(value, float):
        return "write a whole number"
    return ""
