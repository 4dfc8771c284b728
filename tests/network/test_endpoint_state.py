"""NetworkView.endpoint_ended: which endpoint states can never carry traffic again."""

from __future__ import annotations

import pytest
from builders import RegionBuilder


@pytest.mark.parametrize(("state", "ended"), [
    ("available", False), ("pendingAcceptance", False), ("pending", False), ("partial", False),
    ("Deleted", True), ("deleting", True), ("rejected", True), ("Failed", True), ("expired", True),
    ("", False),  # unknown: judged, never skipped
])
def test_endpoint_ended(state: str, ended: bool) -> None:
    b = RegionBuilder()
    vpc = b.vpc()
    subnet = b.subnet(vpc, "10.0.1.0/24")
    endpoint = b.interface_endpoint(vpc, "ssm", subnets=[subnet], state=state)
    view = b.view()
    assert view.endpoint_ended(view.endpoints[endpoint]) is ended
