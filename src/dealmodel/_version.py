"""Private: the installed version, from the package metadata (one source for all)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def installed_version() -> str:
    """The version pip installed; a source tree that was never installed has none."""
    try:
        return version("dealmodel")
    except PackageNotFoundError:
        return "0+unknown"


__version__ = installed_version()
