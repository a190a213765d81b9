"""Private: how Jupyter displays a Deal or a Run, without the model knowing the renderer.

The model and the engine sit below the renderers, so they cannot import them. The
render layer registers its display function here when it is imported (``import
dealmodel`` does that); until then objects display as their repr.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_display: list[Callable[[Any], dict[str, str]]] = []


def register(function: Callable[[Any], dict[str, str]]) -> None:
    """Make ``function`` the display of deals and runs in Jupyter."""
    _display[:] = [function]


def mimebundle(obj: Any) -> dict[str, str]:
    """Jupyter display data for ``obj`` (its repr when no renderer is registered)."""
    if _display:
        return _display[0](obj)
    return {"text/plain": repr(obj)}
