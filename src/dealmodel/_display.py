"""Private: how Jupyter displays dealmodel objects, without the lower layers knowing the renderers.

The model, the engine, scenarios and analysis sit below the renderers, so they cannot
import them. The render layer registers its display functions here when it is imported
(``import dealmodel`` does that); until then objects display as their repr.

* :func:`mimebundle` - a Deal's or a Run's display data (HTML summary, diagram, text);
* :func:`html` - the compact HTML of an Outcome, a Comparison, a Run or a Deal;
* :func:`text` - ``str()`` of a Comparison: its table at the terminal's width.
"""

from __future__ import annotations

import html as _html
from collections.abc import Callable
from typing import Any

_display: list[Callable[[Any], dict[str, str]]] = []
_html_display: list[Callable[[Any], str]] = []
_text_display: list[Callable[[Any], str]] = []


def register(function: Callable[[Any], dict[str, str]]) -> None:
    """Make ``function`` the display of deals and runs in Jupyter."""
    _display[:] = [function]


def register_html(function: Callable[[Any], str]) -> None:
    """Make ``function`` the HTML of outcomes, comparisons, runs and deals in Jupyter."""
    _html_display[:] = [function]


def register_text(function: Callable[[Any], str]) -> None:
    """Make ``function`` the text (``str()``) of comparisons: a table that fits the terminal."""
    _text_display[:] = [function]


def text(obj: Any) -> str | None:
    """The registered text of ``obj``, or None when no renderer is registered."""
    return _text_display[0](obj) if _text_display else None


def mimebundle(obj: Any) -> dict[str, str]:
    """Jupyter display data for ``obj`` (its repr when no renderer is registered)."""
    if _display:
        return _display[0](obj)
    return {"text/plain": repr(obj)}


def html(obj: Any) -> str:
    """Compact HTML for ``obj`` (its repr, escaped, when no renderer is registered)."""
    if _html_display:
        return _html_display[0](obj)
    return f"<pre>{_html.escape(repr(obj))}</pre>"
