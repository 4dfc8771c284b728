"""Suite-wide: every machine-readable document a test renders in-process is checked against its spec.

The result and diff JSON against the published JSON Schemas (docs/*.schema.json), ASFF against
botocore's Security Hub model, OCSF against py-ocsf-models. Checking at the one place every
format is rendered (``FormatterSet.render``) means no test can produce a document that would
not validate, whatever it was testing. Subprocess (end-to-end) tests validate the files they read.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from asff_check import asff_errors
from ocsf_check import ocsf_errors
from schema_check import check_diff, check_result

from vpcaudit.render.base import FormatterSet


def pytest_configure(config: pytest.Config) -> None:
    """Clear ``VPCAUDIT_*`` inherited from the shell: the Lambda handler owns that prefix and refuses
    names it does not know, so a developer's or CI's variable would change what the tests see."""
    for name in [name for name in os.environ if name.startswith("VPCAUDIT_")]:
        del os.environ[name]


def _check_asff(data: Any) -> None:
    assert asff_errors(data) == [], asff_errors(data)[:3]


def _check_ocsf(data: Any) -> None:
    assert ocsf_errors(data) == [], ocsf_errors(data)[:3]


CHECKS: dict[tuple[str, str], Callable[[Any], Any]] = {
    ("report", "json"): check_result, ("diff", "json"): check_diff,
    ("report", "asff"): _check_asff, ("report", "ocsf"): _check_ocsf}


@pytest.fixture(autouse=True)
def rendered_documents_follow_their_spec(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    original = FormatterSet.render

    def render_and_check(self: FormatterSet[Any], document: Any, fmt: str) -> str:
        text = original(self, document, fmt)
        check = CHECKS.get((self.kind, fmt))
        if check is not None:
            check(json.loads(text))
        return text

    monkeypatch.setattr(FormatterSet, "render", render_and_check)
    yield
