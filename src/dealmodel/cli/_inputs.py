"""The options every command that reads files shares: ``--allow-path`` and ``--max-file-mb``."""

from __future__ import annotations

import argparse
import math
from typing import Any

from dealmodel.cli._help import docs
from dealmodel.io.limits import Limits

__all__ = ["add_input_options", "input_options"]


def _megabytes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of megabytes, got {text!r}")
    return value


def add_input_options(parser: argparse.ArgumentParser) -> None:
    """Add the file-access and limit options to a command that reads files."""
    group = parser.add_argument_group(
        "reading files from others",
        "A scenario's deal: may name a built-in deal or a file under the scenario's own "
        "folder; anything else is refused unless allowed here. "
        f"See {docs('how-to/run-files-from-others/')}")
    group.add_argument("--allow-path", metavar="DIR", action="append", default=[],
                       help="also let a scenario read deal files under DIR (repeatable)")
    group.add_argument("--max-file-mb", metavar="MB", type=_megabytes, default=None,
                       help="largest file to read, in megabytes (default: 20)")


def input_options(args: argparse.Namespace) -> dict[str, Any]:
    """Keyword arguments for the loaders (``allow_paths``, ``limits``) from parsed options."""
    mb = getattr(args, "max_file_mb", None)
    limits = Limits(max_file_bytes=max(1, int(mb * 1_000_000))) if mb is not None else None
    return {"allow_paths": tuple(getattr(args, "allow_path", ()) or ()), "limits": limits}
