"""The condition language: small, safe expressions over a run's state.

A condition such as ``released("hostages") >= 33 and day >= 16`` is tokenized,
parsed and type-checked once by :func:`compile_condition`, which turns it into a
tree of Python closures. Nothing is ever passed to ``eval`` or ``exec``.

Grammar (lowest precedence first)::

    expr  := and ("or" and)*
    and   := not ("and" not)*
    not   := "not" not | cmp
    cmp   := sum (("==" | "!=" | "<" | "<=" | ">" | ">=") sum)?
    sum   := term (("+" | "-") term)*
    term  := unary ("*" unary)*
    unary := "-" unary | atom
    atom  := INT | STRING | "true" | "false" | NAME
           | NAME "(" STRING ("," STRING)* ")" | "(" expr ")"

Variables and functions are listed in :data:`VARIABLES` and :data:`FUNCTIONS`.

A condition is at most :data:`MAX_LENGTH` characters long and nests at most
:data:`MAX_DEPTH` levels (parentheses, ``not``, unary ``-``); chains such as
``a and b and c`` are evaluated in a loop, so a long chain costs no recursion.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from typing import Any, Protocol

import attrs

from dealmodel.errors import ConditionSyntaxError

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "VARIABLES",
    "ConditionContext",
    "Expression",
    "compile_condition",
]

Value = int | str | bool

#: Longest condition, in characters.
MAX_LENGTH = 2000
#: Deepest nesting of parentheses, ``not`` and unary ``-``.
MAX_DEPTH = 32
#: Longest number literal, in digits.
MAX_DIGITS = 18

#: Variables a condition may read, with their types and meaning.
VARIABLES: dict[str, tuple[type, str]] = {
    "day": (int, "the run's current day (day 1 is the day the deal takes effect)"),
    "phase_day": (int, "days since the current phase was entered (1 on its first day)"),
    "state": (str, 'the lifecycle state, e.g. "phase1" or "phase1:limbo"'),
}

#: Functions a condition may call: name -> (argument kinds, result type, meaning).
#: Argument kinds: "obligation", "phase", "party", "obligation-or-unit".
FUNCTIONS: dict[str, tuple[tuple[str, ...], type, str]] = {
    "delivered": (
        ("obligation-or-unit",),
        int,
        "quantity delivered so far of an obligation, or summed over obligations with that unit",
    ),
    "released": (("obligation-or-unit",), int, "same as delivered()"),
    "progress": (("obligation",), int, "progress k of an obligation"),
    "target": (("obligation",), int, "target n of an obligation (0 when it has none)"),
    "status": (("obligation",), str, 'an obligation\'s status, e.g. "fulfilled"'),
    "fulfilled": (("obligation",), bool, "whether an obligation is fulfilled"),
    "violated": (("obligation",), bool, "whether an obligation is violated"),
    "agreed": (("phase",), bool, "whether the terms of a phase have been agreed"),
    "negotiating": (("phase",), bool, "whether negotiations on a phase are open"),
    "allegations": (("party",), int, "allegations made against a party so far"),
    "upheld": (("party",), int, "allegations against a party upheld by a ruling"),
}


class ConditionContext(Protocol):
    """What an expression reads from: a run (or anything shaped like one)."""

    def variable(self, name: str) -> Value: ...

    def call(self, name: str, args: tuple[str, ...]) -> Value: ...


Evaluator = Callable[[ConditionContext], Value]  # mutate: skip (a type alias for mypy)

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<int>\d+)
  | (?P<str>"[^"\\]*"|'[^'\\]*')
  | (?P<op>==|!=|<=|>=|<|>|\+|-|\*|\(|\)|,)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    """,
    re.VERBOSE,
)
_KEYWORDS = {"and", "or", "not", "true", "false"}


@attrs.frozen
class _Token:
    kind: str  # int, str, op, name, kw, end
    text: str
    pos: int


def _tokenize(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if match is None:
            raise ConditionSyntaxError(source, pos, f"unexpected character {source[pos]!r}")
        kind = match.lastgroup or ""
        text = match.group()
        if kind == "str" and text[0] != text[-1]:  # pragma: no cover - regex guarantees
            raise ConditionSyntaxError(source, pos, "unterminated string")
        if kind == "int" and len(text) > MAX_DIGITS:
            raise ConditionSyntaxError(source, pos, f"a number of {len(text)} digits; the "
                                       f"limit is {MAX_DIGITS}", len(text))
        if kind == "name" and text in _KEYWORDS:
            kind = "kw"
        if kind != "ws":
            tokens.append(_Token(kind, text, pos))
        pos = match.end()
    tokens.append(_Token("end", "", len(source)))
    return tokens


@attrs.frozen
class Expression:
    """A compiled condition. Build one with :func:`compile_condition`.

    ``references`` lists the ``(function, argument)`` pairs it uses, so a deal
    definition can check that every obligation or phase it names exists.
    """

    source: str
    references: tuple[tuple[str, str], ...]
    _evaluate: Evaluator = attrs.field(repr=False, eq=False)
    _leaves: tuple[tuple[str, Evaluator], ...] = attrs.field(repr=False, eq=False)

    def evaluate(self, context: ConditionContext) -> bool:
        """Evaluate against a run; returns a bool."""
        return bool(self._evaluate(context))

    def explain(self, context: ConditionContext) -> str:
        """The values the expression saw, e.g. ``released("hostages") = 25, day = 43``."""
        seen: dict[str, str] = {}
        for text, leaf in self._leaves:
            seen.setdefault(text, repr(leaf(context)).replace("'", '"'))
        return ", ".join(f"{text} = {value}" for text, value in seen.items())

    def __str__(self) -> str:
        return self.source

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        """Pickles as its source text and compiles again on loading (no closures travel)."""
        return (compile_condition, (self.source,))


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        if len(source) > MAX_LENGTH:
            raise ConditionSyntaxError(source, MAX_LENGTH, f"the condition is {len(source):,} "
                                       f"characters long; the limit is {MAX_LENGTH:,}")
        self.tokens = _tokenize(source)
        self.index = 0
        self.depth = 0
        self.references: list[tuple[str, str]] = []
        self.leaves: list[tuple[str, Evaluator]] = []

    # -- helpers -------------------------------------------------------------
    @property
    def token(self) -> _Token:
        return self.tokens[self.index]

    def error(self, message: str, token: _Token | None = None) -> ConditionSyntaxError:
        tok = token or self.token
        return ConditionSyntaxError(self.source, tok.pos, message, max(1, len(tok.text)))

    def accept(self, *texts: str) -> _Token | None:
        tok = self.token
        if tok.kind in ("op", "kw") and tok.text in texts:
            self.index += 1
            return tok
        return None

    def expect(self, text: str) -> _Token:
        tok = self.accept(text)
        if tok is None:
            found = "end of expression" if self.token.kind == "end" else repr(self.token.text)
            raise self.error(f"expected {text!r}, found {found}")
        return tok

    def deeper(self, token: _Token) -> None:
        """Enter one nesting level; refuse beyond MAX_DEPTH (bounded recursion)."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"nested more than {MAX_DEPTH} levels deep; simplify the "
                             f"condition", token)

    def need(self, typed: tuple[Evaluator, type], want: type, where: _Token) -> Evaluator:
        fn, got = typed
        if got is not want:
            raise self.error(
                f"{where.text!r} needs {want.__name__} operands, got {got.__name__}", where
            )
        return fn

    # -- grammar -------------------------------------------------------------
    def parse(self) -> Expression:
        if self.token.kind == "end":
            raise self.error("empty condition")
        fn, typ = self.parse_or()
        if self.token.kind != "end":
            raise self.error(f"unexpected {self.token.text!r}")
        if typ is not bool:
            raise ConditionSyntaxError(
                self.source, 0, f"a condition must be true or false, this is {typ.__name__}",
                len(self.source),
            )
        return Expression(self.source, tuple(self.references), fn, tuple(self.leaves))

    def parse_or(self) -> tuple[Evaluator, type]:
        first = self.parse_and()
        operands: list[Evaluator] = []
        while (tok := self.accept("or")) is not None:
            if not operands:
                operands.append(self.need(first, bool, tok))
            operands.append(self.need(self.parse_and(), bool, tok))
        return (_any(tuple(operands)), bool) if operands else first

    def parse_and(self) -> tuple[Evaluator, type]:
        first = self.parse_not()
        operands: list[Evaluator] = []
        while (tok := self.accept("and")) is not None:
            if not operands:
                operands.append(self.need(first, bool, tok))
            operands.append(self.need(self.parse_not(), bool, tok))
        return (_all(tuple(operands)), bool) if operands else first

    def parse_not(self) -> tuple[Evaluator, type]:
        tok = self.accept("not")
        if tok is not None:
            self.deeper(tok)
            a = self.need(self.parse_not(), bool, tok)
            self.depth -= 1
            return (lambda c: not a(c)), bool
        return self.parse_cmp()


    def parse_cmp(self) -> tuple[Evaluator, type]:
        left = self.parse_sum()
        tok = self.accept(*_CMP)
        if tok is None:
            return left
        right = self.parse_sum()
        if left[1] is not right[1]:
            raise self.error(
                f"cannot compare {left[1].__name__} with {right[1].__name__}", tok
            )
        if tok.text not in ("==", "!=") and left[1] is not int:
            raise self.error(f"{tok.text!r} compares numbers, got {left[1].__name__}", tok)
        return _compare(_CMP[tok.text], left[0], right[0]), bool

    def parse_sum(self) -> tuple[Evaluator, type]:
        return self.parse_chain(self.parse_term, ("+", "-"))

    def parse_term(self) -> tuple[Evaluator, type]:
        return self.parse_chain(self.parse_unary, ("*",))

    def parse_chain(self, operand: Callable[[], tuple[Evaluator, type]],
                    ops: tuple[str, ...]) -> tuple[Evaluator, type]:
        """``a + b - c``: evaluated left to right in a loop, not as nested closures."""
        first = operand()
        steps: list[tuple[Callable[[Any, Any], int], Evaluator]] = []
        while (tok := self.accept(*ops)) is not None:
            if not steps:
                first = (self.need(first, int, tok), int)
            steps.append((_ARITH[tok.text], self.need(operand(), int, tok)))
        return (_chain(first[0], tuple(steps)), int) if steps else first

    def parse_unary(self) -> tuple[Evaluator, type]:
        tok = self.accept("-")
        if tok is not None:
            self.deeper(tok)
            a = self.need(self.parse_unary(), int, tok)
            self.depth -= 1
            return (lambda c: -int(a(c))), int
        return self.parse_atom()

    def parse_atom(self) -> tuple[Evaluator, type]:
        tok = self.token
        if tok.kind == "int":
            self.index += 1
            value = int(tok.text)
            return (lambda c: value), int
        if tok.kind == "str":
            self.index += 1
            text = tok.text[1:-1]
            return (lambda c: text), str
        if tok.kind == "kw" and tok.text in ("true", "false"):
            self.index += 1
            flag = tok.text == "true"
            return (lambda c: flag), bool
        if self.accept("(") is not None:
            self.deeper(tok)
            inner = self.parse_or()
            self.expect(")")
            self.depth -= 1
            return inner
        if tok.kind == "name":
            self.index += 1
            if self.token.kind == "op" and self.token.text == "(":
                return self.parse_call(tok)
            if tok.text not in VARIABLES:
                known = ", ".join(sorted(VARIABLES))
                raise self.error(f"unknown name {tok.text!r} (variables are: {known})", tok)
            name = tok.text
            fn: Evaluator = lambda c: c.variable(name)  # noqa: E731
            self.leaves.append((name, fn))
            return fn, VARIABLES[name][0]
        found = "end of expression" if tok.kind == "end" else repr(tok.text)
        raise self.error(f"expected a value, found {found}")

    def parse_call(self, name_tok: _Token) -> tuple[Evaluator, type]:
        name = name_tok.text
        if name not in FUNCTIONS:
            known = ", ".join(sorted(FUNCTIONS))
            raise self.error(f"unknown function {name!r} (functions are: {known})", name_tok)
        kinds, result, _ = FUNCTIONS[name]
        self.expect("(")
        args: list[str] = []
        while True:
            tok = self.token
            if tok.kind != "str":
                raise self.error(f"{name}() takes a quoted name, e.g. {name}(\"...\")")
            self.index += 1
            args.append(tok.text[1:-1])
            if self.accept(",") is None:
                break
        self.expect(")")
        if len(args) != len(kinds):
            raise self.error(f"{name}() takes {len(kinds)} argument(s), got {len(args)}", name_tok)
        for arg in args:
            self.references.append((name, arg))
        arg_tuple = tuple(args)
        fn: Evaluator = lambda c: c.call(name, arg_tuple)  # noqa: E731
        quoted = ", ".join(f'"{a}"' for a in args)
        self.leaves.append((f"{name}({quoted})", fn))
        return fn, result


_CMP: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
    ">": operator.gt, ">=": operator.ge,
}


_ARITH: dict[str, Callable[[Any, Any], int]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul,
}


def _any(operands: tuple[Evaluator, ...]) -> Evaluator:
    return lambda c: any(f(c) for f in operands)


def _all(operands: tuple[Evaluator, ...]) -> Evaluator:
    return lambda c: all(f(c) for f in operands)


def _chain(first: Evaluator, steps: tuple[tuple[Callable[[Any, Any], int], Evaluator], ...]
           ) -> Evaluator:
    def evaluate(c: ConditionContext) -> int:
        value = first(c)
        for op, f in steps:
            value = op(value, f(c))
        return int(value)
    return evaluate


def _compare(op: Callable[[Any, Any], bool], a: Evaluator, b: Evaluator) -> Evaluator:
    return lambda c: op(a(c), b(c))


_CACHE: dict[str, Expression] = {}


def compile_condition(source: str) -> Expression:
    """Parse, type-check and compile a condition once; raises ConditionSyntaxError."""
    cached = _CACHE.get(source)
    if cached is None:
        cached = _CACHE[source] = _Parser(source).parse()
    return cached
