"""IFE004 endpoint-not-available."""

from __future__ import annotations

from dataclasses import replace

import pytest
from builders import REGION, RegionBuilder, standard_vpc
from rulecheck import findings, fix_of, triples

from vpcaudit.rules.ife.ife004_endpoint_not_available import endpoint_not_available as rule
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part, Snapshot

ID = "IFE004"
MSK_SERVICE = "com.amazonaws.vpce.us-east-1.vpce-svc-0fedcba9876543210"
CLUSTER = "arn:aws:kafka:us-east-1:444455556666:cluster/payments/7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d-3"
MSK_TAGS = {"AWSMSKManaged": "true", "ClusterArn": CLUSTER}


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


def _msk_endpoint(state: str, tags: dict[str, str]) -> tuple[Snapshot, str, str]:
    """An endpoint to an MSK cluster's endpoint service in two AZs, in ``state``, tagged ``tags``
    (MSK tags its managed VPC connection's endpoint ``AWSMSKManaged: true`` and ``ClusterArn``)."""
    b = RegionBuilder()
    ids = standard_vpc(b, azs=2)
    endpoint = b.interface_endpoint(ids["vpc"], "msk", subnets=ids["private"], policy=None, service_name=MSK_SERVICE,
                                    state=state)
    b.endpoints[endpoint] = replace(b.endpoints[endpoint], tags=tuple(r.Tag(k, v) for k, v in tags.items()))
    return b.snapshot(), endpoint, ids["vpc"]


@pytest.mark.parametrize("state", ["Rejected", "Failed", "Expired", "Partial"])
def test_a_broken_msk_managed_connection_is_deleted_through_msk(state: str) -> None:
    """The endpoint belongs to an Amazon MSK managed VPC connection, which is what bills ("A
    rejected connection still incurs cost until its deleted by the connection owner") and what its
    owner deletes (DeleteVpcConnection): the fix deletes the connection, whose ARN the tags do not
    hold, so the step waits for it and says where to read it. The finding (high, the endpoint's
    price) is unchanged."""
    snapshot, endpoint, vpc = _msk_endpoint(state, MSK_TAGS)
    assert fix_of(rule, snapshot, endpoint) == [
        ("kafka:DeleteVpcConnection", {"Arn": {"placeholder": f"ARN of the MSK VPC connection of {endpoint}"}},
         "delete", False)]
    (finding,) = findings(rule, snapshot)
    assert (finding.severity.value, finding.monthly_cost_usd) == ("high", 14.6)
    (step,) = finding.fix
    assert step.description == (
        f"Delete the Amazon MSK managed VPC connection of {vpc} to cluster {CLUSTER}: Interface endpoint {endpoint} "
        f"({state}) belongs to it (MSK creates and manages it), and deleting the connection removes the endpoint and "
        "its charge")
    assert step.decision == (
        f"read FailureReason / LastError first: if a client in {vpc} still needs the cluster, it needs a new "
        "connection (MSK has no call that accepts a rejected one again; ask the cluster's owner). The endpoint's tags "
        "name its cluster, not the connection: its ARN is the VpcConnectionArn of the entry of `aws kafka "
        f"list-vpc-connections --region us-east-1` whose VpcId is {vpc} and whose TargetClusterArn is {CLUSTER}")


@pytest.mark.parametrize("tags", [
    {},
    {"AWSMSKManaged": "true"},  # no cluster: not an endpoint MSK's policies let it create or manage
], ids=["untagged", "no cluster"])
def test_near_miss_a_rejected_endpoint_not_tagged_as_msks_is_deleted_itself(tags: dict[str, str]) -> None:
    snapshot, endpoint, _vpc = _msk_endpoint("Rejected", tags)
    assert fix_of(rule, snapshot, endpoint) == [
        ("ec2:DeleteVpcEndpoints", {"VpcEndpointIds": [endpoint]}, "delete", False)]
