"""The process pools that analyses (Monte Carlo, verification) spread their work over."""

from __future__ import annotations

import multiprocessing
import sys
import threading
from typing import Any

__all__ = ["pool_context"]


def pool_context() -> Any:
    """fork when this process runs no other thread (cheap and safe), else forkserver."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1 and sys.platform != "darwin":
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
