"""Private: what every command's help shares - where the documentation is published."""

from __future__ import annotations

#: The documentation site; help texts link pages under it, never paths in the repository.
DOCS_URL = "https://dealmodel.github.io/dealmodel/"


def docs(page: str) -> str:
    """The URL of a documentation page, e.g. ``docs("how-to/what-if/")``."""
    return DOCS_URL + page
