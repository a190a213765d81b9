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
def truce() -> Deal:
    return load_deal(DATA / "truce-2phase.yaml")
