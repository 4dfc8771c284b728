"""What the engine's scale and parted-audit tests share: a generated multi-account estate
(bench/synthetic.py) and the built-in rules, each built once per module."""

from __future__ import annotations

import pytest
import synthetic

from vpcaudit.engine.loader import load_registry
from vpcaudit.engine.rule import Rule
from vpcaudit.snapshot.model import Snapshot


@pytest.fixture(scope="module")
def estate() -> Snapshot:
    """4 accounts × 3 Regions × 4 VPCs: 12 scopes, every rule finding something."""
    return synthetic.estate(accounts=4, regions=3, vpcs=4, seed=3)


@pytest.fixture(scope="module")
def rules() -> tuple[Rule, ...]:
    return load_registry().rules
