"""Private: YAML text to plain data that remembers the line of every mapping key.

The document is built from the parser's event stream (libyaml's C parser when it is
installed, PyYAML's pure-Python one otherwise), never through PyYAML's constructor, so:

* nesting is bounded (:attr:`Limits.max_depth`) and nothing recurses;
* anchors and aliases are refused (an alias bomb costs nothing);
* a key given twice is an error naming both lines;
* scalars follow the YAML 1.2 core schema: only ``true``/``false`` are booleans (``yes``,
  ``no``, ``on``, ``off`` stay text), ``1:30`` and ``1_000`` are text, a whole number
  longer than :attr:`Limits.max_int_digits` is refused; a plain ``2025-01-19`` is a date.

Every problem is raised as :class:`~dealmodel.errors.InputError` with its line.
"""

from __future__ import annotations

import codecs
import datetime
import re
from typing import Any

import yaml

from dealmodel.errors import InputError, Problem
from dealmodel.io.limits import DEFAULT_LIMITS, Limits

__all__ = ["LineDict", "decode", "load_yaml", "parse_yaml"]

_PARSER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # C parser when available


class LineDict(dict[str, Any]):
    """A mapping from YAML that knows its own line and the line of each key (1-based)."""

    __slots__ = ("key_lines", "line")

    def __init__(self, line: int | None = None) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[str, int] | None = None  # None: every key is on ``line``

    def line_of(self, key: str) -> int | None:
        lines = self.key_lines
        if lines is None:
            return self.line
        return lines.get(key, self.line)


def decode(data: bytes, source: str | None = None) -> str:
    """UTF-8 (or UTF-16 with a byte order mark) bytes to text; anything else is refused."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError([Problem("", "the file starts like UTF-16 text but is not "
                                      "valid UTF-16", "save it as UTF-8")], source) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError([Problem("", f"not UTF-8 text: byte 0x{data[exc.start]:02x} at "
                                  f"column {column}",
                                  "save the file as UTF-8 (e.g. 'Save with encoding' in "
                                  "your editor, or: iconv -f latin1 -t utf-8)", line)],
                         source) from None


def load_yaml(text: str, source: str | None = None, limits: Limits | None = None) -> Any:
    """Parse one YAML document into plain data (LineDict, list, scalars)."""
    return parse_yaml(text, source, limits)


# -- scalars ------------------------------------------------------------------------------
_SPECIAL: dict[str, Any] = {
    "": None, "~": None, "null": None, "Null": None, "NULL": None,
    "true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False,
    ".inf": float("inf"), ".Inf": float("inf"), ".INF": float("inf"),
    "+.inf": float("inf"), "+.Inf": float("inf"), "+.INF": float("inf"),
    "-.inf": float("-inf"), "-.Inf": float("-inf"), "-.INF": float("-inf"),
    ".nan": float("nan"), ".NaN": float("nan"), ".NAN": float("nan"),
}
_NUMERIC_START = frozenset("0123456789+-.")
_INT = re.compile(r"[-+]?[0-9]+")
_INT_BASE = re.compile(r"0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_STR_TAGS = ("tag:yaml.org,2002:str", "!")
_TAGS = {"tag:yaml.org,2002:int": int, "tag:yaml.org,2002:float": float,
         "tag:yaml.org,2002:bool": bool, "tag:yaml.org,2002:null": type(None)}


class _Stop(Exception):
    """Raised inside the builder to end parsing at a problem that stops it."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def _plain(text: str, line: int, limits: Limits) -> Any:
    """The value of a plain (unquoted, untagged) scalar."""
    if text in _SPECIAL:
        return _SPECIAL[text]
    if text[0] not in _NUMERIC_START:
        return text
    if _INT.fullmatch(text) or _INT_BASE.fullmatch(text):
        digits = len(text.lstrip("+-"))
        if digits > limits.max_int_digits:
            raise _Stop(Problem("", f"a whole number of {digits} digits; the limit is "
                                f"{limits.max_int_digits}", "write a smaller number, or "
                                "quote it if it is text", line))
        return int(text, 0) if text[:2] in ("0o", "0x") else int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    if len(text) == 10 and _DATE.fullmatch(text):
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            return text  # not a real date: text, refused where a date is expected
    return text


def _scalar(event: Any, limits: Limits) -> Any:
    line = event.start_mark.line + 1
    tag = event.tag
    if tag is None and not event.style:
        return _plain(event.value, line, limits)
    if tag is None or tag in _STR_TAGS:
        return event.value
    want = _TAGS.get(tag)
    if want is None:
        raise _Stop(Problem("", f"the YAML tag {tag} is not supported",
                            "remove the tag (dealmodel files use plain values only)", line))
    value = _plain(event.value, line, limits)
    if type(value) is not want:
        raise _Stop(Problem("", f"{event.value!r:.40} is not a valid {tag.rsplit(':', 1)[-1]}",
                            "remove the tag or fix the value", line))
    return value


# -- documents ----------------------------------------------------------------------------
def parse_yaml(text: str, source: str | None = None, limits: Limits | None = None) -> Any:
    """Parse one YAML document into plain data; raises InputError with every problem."""
    limits = limits or DEFAULT_LIMITS
    problems: list[Problem] = []
    try:
        data = _build(yaml.parse(text, Loader=_PARSER), limits, problems)
    except _Stop as stop:
        problems.append(stop.problem)
    except yaml.MarkedYAMLError as exc:
        problems.append(_syntax_problem(exc))
    except yaml.YAMLError as exc:  # e.g. a ReaderError: a character YAML does not allow
        problems.append(_reader_problem(exc, text))
    except RecursionError:  # pragma: no cover - the depth limit comes first
        problems.append(Problem("", "nesting too deep", "simplify the file"))
    if problems:
        raise InputError(problems, source)
    return data


def _build(events: Any, limits: Limits, problems: list[Problem]) -> Any:
    """Plain data from a parser event stream, without recursion."""
    scalar_event, mapping_start = yaml.ScalarEvent, yaml.MappingStartEvent
    sequence_start = yaml.SequenceStartEvent
    end_events = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    # Each open container: [container, pending key or None, line of the pending key].
    stack: list[list[Any]] = []
    root: Any = None
    documents = 0
    cache: dict[str, Any] = {}  # one object per repeated plain scalar: less memory
    for event in events:
        kind = type(event)
        if kind is scalar_event:
            if event.anchor is not None:
                raise _Stop(_anchor_problem(event))
            if event.tag is None and not event.style and len(event.value) < 40:
                value = cache.get(event.value, cache)
                if value is cache:
                    value = cache[event.value] = _plain(
                        event.value, event.start_mark.line + 1, limits)
            else:
                value = _scalar(event, limits)
        elif kind is mapping_start or kind is sequence_start:
            if event.anchor is not None:
                raise _Stop(_anchor_problem(event))
            line = event.start_mark.line + 1
            if len(stack) >= limits.max_depth:
                raise _Stop(Problem("", f"nesting deeper than {limits.max_depth} levels",
                                    "flatten the file (or raise Limits.max_depth)", line))
            if stack and type(stack[-1][0]) is LineDict and stack[-1][1] is None:
                raise _Stop(Problem("", "a key must be a plain value, not a mapping or list",
                                    "write the key as text", line))
            stack.append([LineDict(line) if kind is mapping_start else [], None, 0])
            continue
        elif kind in end_events:
            value = stack.pop()[0]
        elif kind is yaml.AliasEvent:
            raise _Stop(_anchor_problem(event))
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _Stop(Problem("", "a second YAML document ('---') in one file",
                                    "keep one document per file",
                                    event.start_mark.line + 1))
            continue
        else:  # stream start/end, document end
            continue
        if not stack:
            root = value
            continue
        top = stack[-1]
        container = top[0]
        if type(container) is list:
            container.append(value)
        elif top[1] is None:  # this scalar is a key
            top[1] = event.value
            top[2] = event.start_mark.line + 1
        else:
            _put(container, top[1], top[2], value, problems)
            top[1] = None
    return root


def _put(mapping: LineDict, key: str, line: int, value: Any, problems: list[Problem]) -> None:
    if key in mapping:
        first = mapping.line_of(key)
        problems.append(Problem(key, f"duplicate key: given on line {first} and again on "
                                f"line {line}", "keep one of them", line))
        return
    mapping[key] = value
    lines = mapping.key_lines
    if lines is not None:
        lines[key] = line
    elif line != mapping.line:
        first_line = mapping.line or 0
        lines = mapping.key_lines = {name: first_line for name in mapping}
        lines[key] = line


def _anchor_problem(event: Any) -> Problem:
    return Problem("", "YAML anchors and aliases (&name, *name) are not supported",
                   "write the value out in full", event.start_mark.line + 1)


def _syntax_problem(exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark
    line = mark.line + 1 if mark is not None else None
    what = exc.problem or "invalid YAML"
    context = f" ({exc.context})" if exc.context else ""
    column = f", column {mark.column + 1}" if mark is not None else ""
    return Problem("", f"YAML syntax error: {what}{context}{column}",
                   "fix the YAML syntax at that line", line)


def _reader_problem(exc: yaml.YAMLError, text: str) -> Problem:
    position = getattr(exc, "position", None)
    line = text.count("\n", 0, position) + 1 if isinstance(position, int) else None
    character = getattr(exc, "character", None)
    what = (f"the character {character!r} is not allowed in YAML"
            if isinstance(character, str) else "a character YAML does not allow")
    if isinstance(character, int):
        what = f"the character U+{character:04X} is not allowed in YAML"
    return Problem("", what, "remove it (control characters are not allowed)", line)
