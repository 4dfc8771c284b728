"""Fixtures of the plan tests: a fresh estate per test (plan_estate.build_estate)."""

from __future__ import annotations

import pytest
from plan_estate import Estate, build_estate


@pytest.fixture
def estate() -> Estate:
    return build_estate()
