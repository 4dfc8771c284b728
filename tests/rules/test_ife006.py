"""IFE006 interface-endpoint-idle."""

from __future__ import annotations

import pytest
from builders import REGION, RegionBuilder, standard_vpc
from rulecheck import findings, fix_of, triples

from vpcaudit.rules.ife.ife006_interface_endpoint_idle import interface_endpoint_idle as rule
from vpcaudit.snapshot.model import Part, Snapshot

ID = "IFE006"
NS = "AWS/PrivateLinkEndpoints"


def _endpoint(total: float | None, *, state: str = "available", private_dns: bool = True,
              days: int = 14) -> tuple[Snapshot, str]:
    """An ssm endpoint in two AZs with ``total`` bytes processed (None: metric not collected)."""
    b = RegionBuilder()
    ids = standard_vpc(b, azs=2)
    endpoint = b.interface_endpoint(ids["vpc"], "ssm", subnets=ids["private"], state=state, private_dns=private_dns)
    busy = b.interface_endpoint(ids["vpc"], "logs", subnets=ids["private"])
    b.metric(busy, NS, "BytesProcessed", 7.5e9, days=days)
    if total is not None:
        b.metric(endpoint, NS, "BytesProcessed", total, days=days)
    return b.snapshot(), endpoint


@pytest.mark.parametrize(("total", "state", "status"), [
    (0, "available", "fail"),
    (1.0, "available", None),
    (None, "available", "not_evaluated"),
    (0, "Available", "fail"),
    (0, "pendingAcceptance", None),  # IFE004's
    (0, "deleted", None),
])
def test_cases(total: float | None, state: str, status: str | None) -> None:
    snapshot, endpoint = _endpoint(total, state=state)
    assert triples(rule, snapshot) == ({(ID, endpoint, status)} if status else set())


def test_gateway_endpoints_publish_no_metric_and_are_not_checked() -> None:
    b = RegionBuilder()
    ids = standard_vpc(b, azs=1)
    b.gateway_endpoint(ids["vpc"], "s3", route_tables=ids["private_rt"])
    b.metric("nat-unrelated", "AWS/NATGateway", "BytesOutToDestination", 0)
    assert triples(rule, b.snapshot()) == set()


def test_not_evaluated_without_metrics() -> None:
    b = RegionBuilder()
    ids = standard_vpc(b, azs=1)
    b.interface_endpoint(ids["vpc"], "ssm", subnets=ids["private"])
    assert triples(rule, b.snapshot()) == {(ID, REGION, "not_evaluated")}  # no --with metrics
    denied = RegionBuilder()
    denied.metric("vpce-x", NS, "BytesProcessed", 0)
    assert triples(rule, denied.snapshot(missing=[Part.METRICS])) == {(ID, REGION, "not_evaluated")}


def test_message_shows_window_and_monthly_cost() -> None:
    snapshot, endpoint = _endpoint(0, days=30)
    (finding,) = findings(rule, snapshot)
    assert finding.message == (
        f"Interface endpoint {endpoint} (com.amazonaws.us-east-1.ssm, 2 AZ(s)) processed no bytes in the last 30 days "
        "but costs ~$14.60/month; with private DNS on, any remaining client of ssm falls back to its default route "
        "once it is deleted.")
    assert finding.monthly_cost_usd == 14.6
    assert finding.evidence["window_days"] == 30


def test_fix_deletes_the_idle_endpoint_only_after_a_decision() -> None:
    snapshot, endpoint = _endpoint(0)
    assert fix_of(rule, snapshot, endpoint) == [
        ("ec2:DeleteVpcEndpoints", {"VpcEndpointIds": [endpoint]}, "delete", False)]
