"""IFE004 endpoint-not-available."""

from __future__ import annotations

import pytest
from builders import REGION, RegionBuilder, standard_vpc
from rulecheck import findings, fix_of, triples

from vpcaudit.rules.ife.ife004_endpoint_not_available import endpoint_not_available as rule
from vpcaudit.snapshot.model import Part, Snapshot

ID = "IFE004"


def _interface(state: str) -> tuple[Snapshot, str]:
    b = RegionBuilder()
    ids = standard_vpc(b, azs=2)
    endpoint = b.interface_endpoint(ids["vpc"], "ssm", subnets=ids["private"], state=state)
    return b.snapshot(), endpoint


def _gateway(state: str) -> tuple[Snapshot, str]:
    b = RegionBuilder()
    ids = standard_vpc(b, azs=1)
    endpoint = b.gateway_endpoint(ids["vpc"], "s3", route_tables=ids["private_rt"], state=state)
    return b.snapshot(), endpoint


@pytest.mark.parametrize(("state", "status", "severity"), [
    ("Available", None, None),
    ("available", None, None),
    ("Failed", "fail", "high"),
    ("Rejected", "fail", "high"),
    ("Expired", "fail", "high"),
    ("Partial", "fail", "high"),
    ("PendingAcceptance", "fail", "medium"),
    ("pendingAcceptance", "fail", "medium"),
    ("Pending", "fail", "medium"),
    ("Deleting", "fail", "info"),
    ("Deleted", "fail", "info"),
    ("Quarantined", "not_evaluated", None),
    ("", "not_evaluated", None),
])
def test_states(state: str, status: str | None, severity: str | None) -> None:
    snapshot, endpoint = _interface(state)
    assert triples(rule, snapshot) == ({(ID, endpoint, status)} if status else set())
    if severity:
        (finding,) = findings(rule, snapshot)
        assert finding.severity.value == severity


def test_gateway_endpoints_are_checked_too() -> None:
    snapshot, endpoint = _gateway("Failed")
    assert triples(rule, snapshot) == {(ID, endpoint, "fail")}
    (finding,) = findings(rule, snapshot)
    assert finding.monthly_cost_usd is None  # gateway endpoints are free


def test_not_evaluated_without_endpoints() -> None:
    b = RegionBuilder()
    standard_vpc(b)
    assert triples(rule, b.snapshot(missing=[Part.VPC_ENDPOINTS])) == {(ID, REGION, "not_evaluated")}


def test_rejected_interface_endpoint_message_and_cost() -> None:
    snapshot, endpoint = _interface("Rejected")
    (finding,) = findings(rule, snapshot)
    assert finding.message == (
        f"Interface endpoint {endpoint} (com.amazonaws.us-east-1.ssm) is Rejected: the service provider rejected "
        "the connection: it carries no traffic; it still bills ~$14.60/month while it exists.")
    assert finding.monthly_cost_usd == 14.6
    assert finding.evidence["state"] == "Rejected"


def test_deleted_endpoint_bills_nothing() -> None:
    snapshot, _ = _interface("Deleted")
    (finding,) = findings(rule, snapshot)
    assert finding.monthly_cost_usd is None and "bills" not in finding.message


def test_fix_deletes_a_broken_endpoint_after_a_decision_and_has_none_for_a_pending_one() -> None:
    snapshot, endpoint = _interface("failed")
    assert fix_of(rule, snapshot, endpoint) == [
        ("ec2:DeleteVpcEndpoints", {"VpcEndpointIds": [endpoint]}, "delete", False)]
    snapshot, endpoint = _interface("pending")
    assert fix_of(rule, snapshot, endpoint) == []
