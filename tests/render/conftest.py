"""Fixtures of the formatter tests: the fixed sample result, its hostile twin, golden-file checks.

Golden files change only on purpose: run ``TEST_REGEN_GOLDEN=1 pytest tests/render`` to
rewrite them, then review the diff like code.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from render_sample import hostile_result, sample_result

from vpcaudit.engine.result import AuditResult

GOLDEN = Path(__file__).parent / "golden"
REGEN = os.environ.get("TEST_REGEN_GOLDEN") == "1"


@pytest.fixture
def sample() -> AuditResult:
    return sample_result()


@pytest.fixture
def hostile() -> AuditResult:
    return hostile_result()


@pytest.fixture
def golden() -> Callable[[str, str], None]:
    """Compare text with tests/render/golden/<name>; TEST_REGEN_GOLDEN=1 rewrites it instead."""

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if REGEN:
            path.write_text(text, encoding="utf-8", newline="")
            return
        assert path.exists(), f"{path} missing: run TEST_REGEN_GOLDEN=1 pytest tests/render to create it"
        expected = path.read_text(encoding="utf-8")
        assert text == expected, (f"{name} differs from its golden file; if the change is intended, "
                                  "regenerate with TEST_REGEN_GOLDEN=1 pytest tests/render and review the diff")

    return check
