"""IFE006 interface-endpoint-idle."""

from __future__ import annotations

from dataclasses import replace

import pytest
from builders import REGION, RegionBuilder, standard_vpc
from rulecheck import findings, fix_of, triples

from vpcaudit.render.fix import cli, cloudformation, terraform
from vpcaudit.rules.ife.ife006_interface_endpoint_idle import interface_endpoint_idle as rule
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part, Snapshot

ID = "IFE006"
NS = "AWS/PrivateLinkEndpoints"
MSK_SERVICE = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"
CLUSTER = "arn:aws:kafka:us-east-1:111122223333:cluster/orders/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0-2"
MSK_TAGS = {"AWSMSKManaged": "true", "ClusterArn": CLUSTER}


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


def _msk_connection(tags: dict[str, str], *, private_dns: bool = True) -> tuple[Snapshot, str, str]:
    """An idle endpoint to an MSK cluster's endpoint service, in three AZs, tagged ``tags`` (MSK
    tags its managed VPC connection's endpoint ``AWSMSKManaged: true`` and ``ClusterArn``)."""
    b = RegionBuilder()
    ids = standard_vpc(b, azs=3)
    endpoint = b.interface_endpoint(ids["vpc"], "msk", subnets=ids["private"], policy=None, service_name=MSK_SERVICE,
                                    private_dns=private_dns)
    b.endpoints[endpoint] = replace(b.endpoints[endpoint], tags=tuple(r.Tag(k, v) for k, v in tags.items()))
    b.metric(endpoint, NS, "BytesProcessed", 0)
    return b.snapshot(), endpoint, ids["vpc"]


def test_an_msk_managed_connection_is_deleted_through_msk_once_its_arn_is_looked_up() -> None:
    """MSK's connection owns the endpoint and is what bills ("Once a VPC connection is deleted, it
    no longer incurs cost"): DeleteVpcConnection, whose ARN the tags do not hold, so the step waits
    for it and says where to read it. The finding itself (low, the endpoint's price) is unchanged."""
    snapshot, endpoint, vpc = _msk_connection(MSK_TAGS)
    (finding,) = findings(rule, snapshot)
    assert (finding.severity.value, finding.monthly_cost_usd) == ("low", 21.9)
    assert fix_of(rule, snapshot, endpoint) == [
        ("kafka:DeleteVpcConnection", {"Arn": {"placeholder": f"ARN of the MSK VPC connection of {endpoint}"}},
         "delete", False)]
    (step,) = finding.fix
    assert step.description == (
        f"Delete the Amazon MSK managed VPC connection of {vpc} to cluster {CLUSTER}: idle interface endpoint "
        f"{endpoint} belongs to it (MSK creates and manages it), and deleting the connection removes the endpoint "
        "and its charge")
    assert step.decision is not None and step.decision.endswith(
        "its ARN is the VpcConnectionArn of the entry of `aws kafka list-vpc-connections --region us-east-1` whose "
        f"VpcId is {vpc} and whose TargetClusterArn is {CLUSTER}")


@pytest.mark.parametrize("private_dns", [True, False], ids=["private DNS on", "private DNS off"])
def test_an_msk_connection_message_says_its_clients_lose_the_cluster(private_dns: bool) -> None:
    """A client of the connection bootstraps from the broker names MSK gives the connection
    (GetBootstrapBrokers' ``BootstrapBrokerStringVpcConnectivity…``), which reach the cluster only
    through this endpoint: once the connection is deleted it has no path left, private DNS or not.
    There is no default route to fall back to, as there is for an AWS service's endpoint."""
    snapshot, endpoint, _vpc = _msk_connection(MSK_TAGS, private_dns=private_dns)
    (finding,) = findings(rule, snapshot)
    assert finding.message == (
        f"Interface endpoint {endpoint} ({MSK_SERVICE}, 3 AZ(s)) processed no bytes in the last 14 days but costs "
        f"~$21.90/month; it belongs to an Amazon MSK managed VPC connection to cluster {CLUSTER}, and any remaining "
        "client of the connection loses its path to the cluster once the connection is deleted.")


@pytest.mark.parametrize("tags", [
    {},
    {"AWSMSKManaged": "false", "ClusterArn": CLUSTER},  # not MSK's
    {"AWSMSKManaged": "true"},  # no cluster: not an endpoint MSK's policies let it create or manage
    {"ClusterArn": CLUSTER},
], ids=["untagged", "managed false", "no cluster", "cluster only"])
def test_near_miss_an_endpoint_not_tagged_as_msks_is_deleted_itself(tags: dict[str, str]) -> None:
    """The endpoint is deleted itself, and its message keeps the private DNS fallback."""
    snapshot, endpoint, _vpc = _msk_connection(tags)
    assert fix_of(rule, snapshot, endpoint) == [
        ("ec2:DeleteVpcEndpoints", {"VpcEndpointIds": [endpoint]}, "delete", False)]
    (finding,) = findings(rule, snapshot)
    assert finding.message.endswith("falls back to its default route once it is deleted.")
    assert "MSK" not in finding.message


def test_the_msk_connection_step_renders_as_a_command_waiting_for_its_arn() -> None:
    """CLI: the delete-vpc-connection command, commented under its decision, the ARN a marked
    placeholder. Terraform: a comment naming the aws_msk_vpc_connection to remove, with the
    command. CloudFormation: nothing to create, no template."""
    snapshot, endpoint, vpc = _msk_connection(MSK_TAGS)
    (finding,) = findings(rule, snapshot)
    command = ("aws kafka delete-vpc-connection --region us-east-1 "
               f"--arn '<ARN of the MSK VPC connection of {endpoint}>'")
    assert cli.script(finding.fix, "us-east-1").splitlines()[1:] == [f"# {command}"]
    hcl = terraform.render(finding.fix, "us-east-1")
    assert f"# Remove the aws_msk_vpc_connection of {vpc} to cluster {CLUSTER} from the configuration" in hcl
    assert f"# {command}" in hcl and "resource " not in hcl
    assert cloudformation.template(finding.fix) == ""


@pytest.mark.parametrize(("tags", "judged"), [({}, False), (MSK_TAGS, True)],
                         ids=["a service's own endpoint", "an MSK managed VPC connection's"])
def test_an_endpoint_its_service_manages_is_left_to_that_service(tags: dict[str, str], judged: bool) -> None:
    """A requester-managed endpoint ("being managed by its service", such as an ElastiCache
    Serverless cache's) cannot be deleted through the VPC endpoint API and goes with its resource:
    not judged. An MSK managed VPC connection's stays judged, with its fix through MSK."""
    snapshot, endpoint, _ = _msk_connection(tags)
    region = snapshot.accounts[0].regions[0]
    managed = tuple(replace(e, requester_managed=True) if e.vpc_endpoint_id == endpoint else e
                    for e in region.vpc_endpoints)
    snapshot = replace(snapshot, accounts=(replace(snapshot.accounts[0], regions=(
        replace(region, vpc_endpoints=managed),)),))
    assert triples(rule, snapshot) == ({(ID, endpoint, "fail")} if judged else set())
