"""Shared fixtures: the project root and the bundled sample."""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return PROJECT_ROOT / "seeds"
