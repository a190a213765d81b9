"""Shared fixtures: the built-in Gaza deal and a second, different (hypothetical) deal."""

from __future__ import annotations

from pathlib import Path

import pytest

from dealmodel import Deal, builtin_deal, load_deal

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent


@pytest.fixture
def gaza() -> Deal:
    return builtin_deal("gaza-2025")


@pytest.fixture
def gaza_talks() -> Deal:
    """The Gaza deal with phase 1 ending by the rule its text states - the truce continues
    while talks on phase 2 go on - instead of the built-in deal's hold (see its clause
    phase1-expiry): for tests of that rule."""
    return builtin_deal("gaza-2025").evolve_phase(
        "phase1", on_expiry="continue_while_negotiating")


@pytest.fixture
def truce() -> Deal:
    return load_deal(DATA / "truce-2phase.yaml")
