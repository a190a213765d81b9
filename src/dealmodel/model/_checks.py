"""Private helpers shared by the definition classes: tuple conversion and raising."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dealmodel.errors import DealDefinitionError, Problem


def to_tuple(value: Iterable[Any] | None) -> tuple[Any, ...]:
    if value is None:
        return ()
    if isinstance(value, (str, bytes)):
        return (value,)
    return tuple(value)


def raise_if(problems: list[Problem]) -> None:
    if problems:
        raise DealDefinitionError(problems)


def check_id(problems: list[Problem], field: str, value: object) -> None:
    if not isinstance(value, str) or not value:
        problems.append(Problem(field, f"must be a non-empty string, got {value!r}"))
    elif not value.replace("_", "").replace("-", "").isalnum():
        problems.append(
            Problem(field, f"must use only letters, digits, '_' and '-', got {value!r}",
                    "rename it, e.g. 'phase1' or 'p1_hostages'")
        )


def check_int(problems: list[Problem], field: str, value: object, minimum: int) -> None:
    if value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool):
        problems.append(Problem(field, f"must be a whole number, got {value!r}"))
    elif value < minimum:
        problems.append(Problem(field, f"must be >= {minimum}, got {value}"))
