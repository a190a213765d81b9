"""Resource limits for reading files: one place for every bound a loaded file must keep.

A file that exceeds a limit is refused with an error naming the file, the line (where
there is one) and the limit, before the work it would cost is done. Raise a limit by
passing ``limits=Limits(...)`` to a loader, or ``--max-file-mb`` on the command line.
The condition language has its own fixed bounds (see :mod:`dealmodel.model.conditions`).
"""

from __future__ import annotations

import attrs

from dealmodel.errors import InputError, Problem, short

__all__ = ["DEFAULT_LIMITS", "Limits"]


def _positive(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InputError([Problem(f"Limits.{attribute.name}",
                                  f"must be a whole number >= 1, got {short(value)}")],
                         header="invalid limits")


@attrs.frozen
class Limits:
    """Bounds on what a loaded file may cost. The defaults suit hand-written files."""

    #: Largest file read, in bytes (checked before reading).
    max_file_bytes: int = attrs.field(default=20_000_000, validator=_positive)
    #: Deepest nesting of YAML mappings and lists.
    max_depth: int = attrs.field(default=50, validator=_positive)
    #: Longest whole number, in digits.
    max_int_digits: int = attrs.field(default=20, validator=_positive)


DEFAULT_LIMITS = Limits()
