"""Commands of the ``whatif``  feature for the ``dealmodel`` command line."""

from __future__ import annotations

import argparse
from typing import Any


def add_commands(sub: Any) -> None:
    """Register this feature's subcommands on the CLI's subparsers object."""
    del sub  # the feature's commands are added with the feature itself


def _unused(args: argparse.Namespace) -> int:  # pragma: no cover
    return 0
