"""The VPC AWS Control Tower Account Factory for Terraform deploys in the AFT management account
(aws-ia/terraform-aws-control_tower_account_factory, 1.20.1), with the CodeBuild projects and
Lambda functions AFT runs in it: every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

import pytest
from aws_layout import audit, audit_result, region_view, severities
from layouts import aft_control_tower_vpc
from layouts.aft_control_tower_vpc import INTERFACE_SERVICES, PUBLIC_RANGE, VPC_CIDR

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
BUILDS = pytest.mark.parametrize("builds", [True, False], ids=["builds running", "between builds"])
NO_ENDPOINTS = {"vpc_endpoints": False}
STS_STRANDED = {"stranded": "sts"}
HOSTNAMES_OFF = {"dns_hostnames": False}
ENDPOINT_KEYS = ("s3", "dynamodb", *INTERFACE_SERVICES)


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return aft_control_tower_vpc.build(**options)  # type: ignore[arg-type]


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: the module creates no flow log — ``vpc.tf`` carries
    ``#tfsec:ignore:aws-ec2-require-vpc-flow-logs-for-all-vpcs`` under "TODO: Remove this
    tfsec-ignore when VPC flow logs are enabled"."""
    return {("MON001", ids["vpc"], "fail")}


def _default_endpoint_policies(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: none of the 17 endpoints (two gateway, fifteen interface) is given a
    ``policy``, so each keeps AWS's default full access (PrivateLink guide, "Control access to VPC
    endpoints using endpoint policies"); scoping them to the organization or AFT's roles stands
    as advice the module does not take."""
    return {("POL001", ids[key], "fail") for key in ENDPOINT_KEYS}


def _nat_processing(ids: dict[str, str]) -> Triples:
    """Right (advice), medium and low: with ``aft_vpc_endpoints = false`` no gateway endpoint
    either, so the builds' S3 traffic (the Terraform state bucket, the CodePipeline artifacts) and
    the functions' DynamoDB traffic (AFT's request and metadata tables, the state lock table)
    cross the NAT gateways and pay their per-GB processing; the S3 and DynamoDB gateway endpoints
    are free."""
    return {("GWE002", ids["vpc"], "fail"), ("GWE003", ids["vpc"], "fail")}


def _canonical(ids: dict[str, str]) -> Triples:
    return _flow_logs(ids) | _default_endpoint_policies(ids)


def test_the_snapshot_is_the_module() -> None:
    """The builder against ``vpc.tf`` with default variables: the CIDRs, two AZs, a NAT gateway per
    AZ in its public subnet, each private table to its AZ's, ONE public table for both public
    subnets, the gateway endpoints on all three tables, fifteen interface endpoints (organizations
    included, us-east-1) in both private subnets with private DNS on ``aft-endpoint-sg``, the
    default group stripped of its rules, DNS support and hostnames on."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    (vpc,) = region.vpcs
    assert (vpc.cidr_blocks, vpc.enable_dns_support, vpc.enable_dns_hostnames) == ((VPC_CIDR,), True, True)
    assert sorted((s.cidr_block, s.availability_zone_id, s.map_public_ip_on_launch) for s in region.subnets) == [
        ("192.168.0.0/24", "use1-az1", False), ("192.168.1.0/24", "use1-az2", False),
        ("192.168.2.0/25", "use1-az1", False), ("192.168.2.128/25", "use1-az2", False)]
    tables = {t.route_table_id: t for t in region.route_tables}
    nats = {n.nat_gateway_id: n for n in region.nat_gateways}
    for az in (1, 2):
        table = tables[ids[f"private_rt{az}"]]
        assert [a.subnet_id for a in table.associations] == [ids[f"private{az}"]]
        assert [(x.destination, x.target_id) for x in table.routes if x.target_kind == "nat"] \
            == [("0.0.0.0/0", ids[f"nat{az}"])]
        assert nats[ids[f"nat{az}"]].subnet_id == ids[f"public{az}"]
    public = tables[ids["public_rt"]]
    assert sorted(a.subnet_id for a in public.associations) == sorted([ids["public1"], ids["public2"]])
    assert [(x.destination, x.target_id) for x in public.routes if x.target_kind == "igw"] \
        == [("0.0.0.0/0", ids["igw"])]
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    for key in ("s3", "dynamodb"):
        assert set(endpoints[ids[key]].route_table_ids) == {ids["private_rt1"], ids["private_rt2"], ids["public_rt"]}
    interface = [e for e in endpoints.values() if e.endpoint_type == "Interface"]
    assert sorted(e.service_name.rsplit(".", 1)[-1] for e in interface) == sorted(INTERFACE_SERVICES)
    assert {(e.subnet_ids, e.group_ids, e.private_dns_enabled) for e in interface} \
        == {(tuple(sorted([ids["private1"], ids["private2"]])), (ids["endpoint_sg"],), True)}
    groups = {g.group_id: g for g in region.security_groups}
    assert groups[ids["default_sg"]].rules == ()
    assert {(x.is_egress, x.ip_protocol, x.from_port, x.cidr_ipv4, x.cidr_ipv6)
            for x in groups[ids["endpoint_sg"]].rules} == {
        (False, "tcp", 22, VPC_CIDR, None), (False, "tcp", 443, VPC_CIDR, None),
        (True, "-1", None, "0.0.0.0/0", None), (True, "-1", None, None, "::/0")}
    assert not [x for x in groups[ids["aft_sg"]].rules if not x.is_egress]


def test_the_workloads_as_describe_network_interfaces_reports_them() -> None:
    """Two Lambda Hyperplane interfaces (``lambda``, requester-managed, one per private subnet,
    shared by the 17 functions) and two build interfaces (``interface``, not requester-managed,
    empty description), all on ``aft-default-sg``: the network model counts the four as the VPC's
    workloads, rightly — each calls AWS APIs through the endpoints."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    workloads = {e.network_interface_id: e for e in view.workload_enis(ids["vpc"])}
    assert set(workloads) == {ids["lambda_eni1"], ids["lambda_eni2"], ids["build_eni1"], ids["build_eni2"]}
    assert {(e.interface_type, e.requester_managed, e.group_ids) for e in workloads.values()} \
        == {("lambda", True, (ids["aft_sg"],)), ("interface", False, (ids["aft_sg"],))}
    assert {workloads[ids[f"lambda_eni{az}"]].subnet_id for az in (1, 2)} == {ids["private1"], ids["private2"]}


@BUILDS
def test_findings_and_verdicts(builds: bool) -> None:
    """The module with default variables: MON001 and POL001 × 17 (medium), with builds running or
    between them (the Lambda interfaces stay). Silent, rightly: SG002 (TCP 22 is git-codecommit's
    SSH port, CodeCommit's Git over SSH, on the group the fifteen endpoints share), SG003/SG005/
    SG006 (443 from the VPC's block; ``aft-default-sg`` sends all traffic), GWE001-GWE003 (both
    gateway endpoints on every table), NAT001-NAT003 (a NAT gateway per AZ in its public subnet),
    IFE001/IFE002 (endpoints in both AZs), DNS001-DNS003, ACL001 (the default NACL), RT001."""
    snapshot, ids = _built(builds=builds)
    assert audit(snapshot) == _canonical(ids)
    levels = severities(snapshot)
    assert {level for key, level in levels.items() if key[0] == "POL001"} == {"medium"}
    assert levels[("MON001", ids["vpc"], "")] == "medium"


@BUILDS
def test_near_miss_without_vpc_endpoints(builds: bool) -> None:
    """``aft_vpc_endpoints = false``: no endpoint, every AWS call through the NAT gateways.
    GWE002 (medium) and GWE003 (low) — right (advice); POL001 goes with the endpoints. Silent,
    rightly: nothing asks for the fifteen interface endpoints (the NAT path reaches every service,
    and they are a cost choice, which AFT's switch exists for), SG003 (``aft-endpoint-sg`` carries
    nothing), NAT rules (one per AZ)."""
    snapshot, ids = _built(builds=builds, **NO_ENDPOINTS)
    assert not snapshot.accounts[0].regions[0].vpc_endpoints
    assert audit(snapshot) == _flow_logs(ids) | _nat_processing(ids)
    levels = severities(snapshot)
    assert (levels[("GWE002", ids["vpc"], "")], levels[("GWE003", ids["vpc"], "")]) == ("medium", "low")


def _stranded_sts(ids: dict[str, str]) -> Triples:
    """Right, high: the sts endpoint's only group admits TCP 443 from 192.168.2.0/24, the public
    subnets, which hold the NAT gateways' interfaces and no workload; with private DNS on, every
    function and build resolves ``sts.us-east-1.amazonaws.com`` to the endpoint and is refused (a
    security group drops what no rule allows)."""
    return {("SG003", ids["sts"], "fail")}


def test_near_miss_sts_endpoint_not_admitting_the_private_subnets() -> None:
    """The sts endpoint moved to a group admitting 443 from the public subnets only: SG003 on it,
    high, naming the range. Was rule wrong, fixed: SG003 took a CIDR overlapping the VPC for "a
    source that contains at least one client" without looking for one, and SG006 leaves "a rule
    naming subnets … of the VPC" as a choice, so nothing fired. A range of the VPC now counts only
    when a workload that may call the service has an address in it — the test the rule already
    applied to group sources."""
    snapshot, ids = _built(**STS_STRANDED)
    assert audit(snapshot) == _canonical(ids) | _stranded_sts(ids)
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "SG003"]
    assert "TCP 443 is allowed only from 192.168.2.0/24, where no workload of" in finding.message


def test_the_stranded_group_admits_no_workload() -> None:
    """The near miss as built: the sts endpoint's group admits 443 from the public subnets' range
    alone, and none of the four workload interfaces has an address in it — so the xfail above
    states a fact, not an inference."""
    snapshot, ids = _built(**STS_STRANDED)
    region = snapshot.accounts[0].regions[0]
    (sts,) = [e for e in region.vpc_endpoints if e.vpc_endpoint_id == ids["sts"]]
    assert sts.group_ids == (ids["stranded_sg"],)
    group = next(g for g in region.security_groups if g.group_id == ids["stranded_sg"])
    assert [(x.from_port, x.cidr_ipv4) for x in group.rules if not x.is_egress] == [(443, PUBLIC_RANGE)]
    view = region_view(snapshot)
    addresses = [ip for e in view.workload_enis(ids["vpc"]) for ip in e.private_ip_addresses]
    assert len(addresses) == 4
    assert not [ip for ip in addresses if ip.startswith("192.168.2.")]


def test_near_miss_dns_hostnames_turned_off() -> None:
    """DNS hostnames off after deployment, the fifteen endpoints keeping private DNS: DNS002 on the
    VPC, high — right: the PrivateLink guide requires both DNS attributes for an interface
    endpoint's private DNS, without which the service names may resolve to the public addresses
    (through the NAT gateways, or nowhere)."""
    snapshot, ids = _built(**HOSTNAMES_OFF)
    assert audit(snapshot) == _canonical(ids) | {("DNS002", ids["vpc"], "fail")}
    assert severities(snapshot)[("DNS002", ids["vpc"], "")] == "high"
