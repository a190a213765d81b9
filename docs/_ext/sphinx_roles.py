"""Griffe extension for the API page: reST markup in dealmodel's docstrings, as Markdown.

The docstrings use Sphinx roles (:class:`Run`, :func:`~dealmodel.whatif.compare`) and
``literal::`` blocks. mkdocstrings renders Markdown, where those would show as stray
colons; this turns a role into inline code (``~`` keeps the last dotted part, as in
Sphinx) and a paragraph-ending ``::`` into ``:`` (the indented block that follows is
already a Markdown code block). Loaded by mkdocs.yml; not part of the package.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:py:)?(?:attr|class|data|exc|func|meth|mod|obj):`(~?)([^`]+)`")
LITERAL = re.compile(r"(?<=\S)::$", re.M)


def _role(match: re.Match[str]) -> str:
    short, target = match.groups()
    return f"`{target.rsplit('.', 1)[-1] if short else target}`"


def markdown(text: str) -> str:
    """``text`` with Sphinx roles as inline code and ``::`` paragraph ends as ``:``."""
    return LITERAL.sub(":", ROLE.sub(_role, text))


class SphinxRoles(griffe.Extension):
    """Rewrites each docstring once, when griffe loads the object."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = markdown(obj.docstring.value)
