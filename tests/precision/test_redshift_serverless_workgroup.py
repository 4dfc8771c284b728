"""An Amazon Redshift Serverless workgroup with enhanced VPC routing in private subnets of three AZs,
loading from S3 through an S3 gateway endpoint (Redshift Management Guide, Serverless pages and
enhanced VPC routing): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

import pytest
from aws_layout import audit, region_view, severities
from layouts import redshift_serverless_workgroup
from layouts.redshift_serverless_workgroup import PORT, REDSHIFT_DESCRIPTION, SESSION_MANAGER

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
NO_S3_ENDPOINT = {"s3_endpoint": False}
CLIENTS_NOT_ADMITTED = {"admits_clients": False}
SESSION_MANAGER_IN_ONE_AZ = {"clients": "instance", "services": SESSION_MANAGER, "endpoint_azs": (2,)}
UNDESCRIBED = {**SESSION_MANAGER_IN_ONE_AZ, "compute_description": ""}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return redshift_serverless_workgroup.build(**options)  # type: ignore[arg-type]


@cache
def _audited(**options: object) -> Triples:
    return audit(_built(**options)[0])


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: nothing creates a flow log, and the guide's point of enhanced VPC routing is
    that "you can also use VPC flow logs to monitor COPY and UNLOAD traffic"."""
    return {("MON001", ids["vpc"], "fail")}


def _s3_full_access(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the S3 gateway endpoint keeps AWS's default full access; the guide
    offers endpoint policies "to more closely manage access to your data". None without it."""
    return {("POL001", ids["s3"], "fail")} if "s3" in ids else set()


def _workgroup_endpoint_unjudged(ids: dict[str, str]) -> Triples:
    """Right by the catalogue, not evaluated: the workgroup's endpoint is a PrivateLink service
    Redshift owns, absent from this account's DescribeVpcEndpointServices. IFE001 (one interface:
    its AZs offered are unknown), IFE002 (clients in us-east-1b and c, the endpoint in a), SG003
    (its group opens TCP 5439 only; the service's port, ``Workgroup.port``, is not collected) and
    SG002 on the workgroup's group (TCP 5439 "may be the port" of that service)."""
    endpoint = ids["workgroup_endpoint"]
    return {("IFE001", endpoint, "not_evaluated"), ("IFE002", endpoint, "not_evaluated"),
            ("SG003", endpoint, "not_evaluated"), ("SG002", ids["workgroup_sg"], "not_evaluated")}


def _canonical(ids: dict[str, str]) -> Triples:
    return _flow_logs(ids) | _s3_full_access(ids) | _workgroup_endpoint_unjudged(ids)


def _session_manager_in_one_az(ids: dict[str, str]) -> Triples:
    """Right (advice). IFE001, medium, on ssm, ssmmessages, ec2messages: one AZ of three. POL001,
    medium, on ssm (the two others support no policy). IFE003, info: no kms or logs endpoint."""
    return ({("IFE001", ids[key], "fail") for key in SESSION_MANAGER}
            | {("POL001", ids["ssm"], "fail"), ("IFE003", ids["vpc"], "fail")})


def test_the_snapshot_is_the_guides_layout() -> None:
    """Three private subnets in three AZs on one table with no route beyond the VPC (no internet or
    NAT gateway), DNS support and hostnames on, the S3 gateway endpoint on that table; the
    workgroup's group admits TCP 5439 from the Lambda function's group; the workgroup's endpoint
    (an Interface endpoint to a Redshift-owned service, one ``vpc_endpoint`` interface, the
    workgroup's group) and, with EVR, one compute interface per subnet. How the network model reads
    them without a workgroup record: the endpoint's interface is plumbing, the compute interfaces
    (described ``RedshiftNetworkInterface``, matching no cluster) are clients of what Redshift calls
    only — S3, Glue, Secrets Manager, PrivateLink services — not of Systems Manager."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    (vpc,) = region.vpcs
    assert (vpc.enable_dns_support, vpc.enable_dns_hostnames) == (True, True)
    assert not region.internet_gateways and not region.nat_gateways and not region.redshift_clusters
    assert len({s.availability_zone_id for s in region.subnets}) == 3
    (table,) = [t for t in region.route_tables if t.route_table_id == ids["private_rt"]]
    assert [x.target_id for x in table.routes if x.target_kind != "local"] == [ids["s3"]]
    groups = {g.group_id: g for g in region.security_groups}
    assert [(x.ip_protocol, x.from_port, x.referenced_group_id) for x in groups[ids["workgroup_sg"]].rules
            if not x.is_egress] == [("tcp", PORT, ids["client_sg"])]
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    endpoint = endpoints[ids["workgroup_endpoint"]]
    assert endpoint.service_name.startswith("com.amazonaws.vpce.us-east-1.vpce-svc-")
    assert (endpoint.endpoint_type, endpoint.private_dns_enabled, endpoint.policy_document, endpoint.subnet_ids,
            endpoint.group_ids) == ("Interface", False, None, (ids["private1"],), (ids["workgroup_sg"],))
    view = region_view(snapshot)
    (endpoint_eni,) = [view.interfaces[e] for e in endpoint.network_interface_ids]
    assert (endpoint_eni.interface_type, endpoint_eni.requester_managed) == ("vpc_endpoint", True)
    assert not view.is_workload(endpoint_eni)
    compute = [view.interfaces[ids[f"compute{k}"]] for k in (1, 2, 3)]
    assert {(e.interface_type, e.requester_managed, e.description, e.group_ids, e.instance_id) for e in compute} \
        == {("interface", True, REDSHIFT_DESCRIPTION, (ids["workgroup_sg"],), None)}
    assert len({e.availability_zone_id for e in compute}) == 3
    assert all(view.is_workload(e) and not view.redshift_clusters_of(e) for e in compute)
    assert all(view.may_call(e, key) for e in compute for key in ("s3", "glue", "secretsmanager", None))
    assert not any(view.may_call(e, key) for e in compute for key in ("ssm", "ssmmessages", "kms", "logs"))


def test_findings_and_verdicts_of_the_canonical_layout() -> None:
    """MON001, POL001 on S3, and the workgroup's endpoint not evaluated. Silent, rightly: GWE001
    (the prefix-list route on the workgroup subnets' table), GWE002/GWE003 and NAT rules (no route
    beyond the VPC), DNS001/DNS002 (both on, as the guide requires), SG005 (the workgroup's and the
    function's groups send all traffic out, to S3's prefix list too), SG001/SG004 (a group source),
    ACL001 (the default allow-all NACL), IFE005 (one endpoint per service)."""
    snapshot, ids = _built()
    assert _audited() == _canonical(ids)
    levels = severities(snapshot)
    assert (levels[("MON001", ids["vpc"], "")], levels[("POL001", ids["s3"], "")]) == ("medium", "medium")


def test_the_verdicts_without_enhanced_vpc_routing() -> None:
    """EVR off: no compute interfaces in the VPC (three free addresses per subnet, the endpoint's),
    and the same findings — nothing in the audit hung on them."""
    _, ids = _built(evr=False)
    assert not [k for k in ids if k.startswith("compute")]
    assert _audited(evr=False) == _canonical(ids)


def test_near_miss_no_s3_endpoint_with_enhanced_vpc_routing_goes_unreported() -> None:
    """EVR on, no S3 gateway endpoint, no NAT gateway, no internet gateway: every COPY from S3 and
    UNLOAD fails ("COPY and UNLOAD commands might fail unless you configure your VPC correctly";
    "make your cluster or Serverless workgroup publicly accessible or use a … NAT gateway" for
    anything the S3 endpoint does not serve). A gap, pinned: only POL001 goes. GWE001 needs an S3
    gateway endpoint to compare routes with, and no rule knows the workgroup routes through the VPC
    (``Workgroup.enhancedVpcRouting`` is not collected; the compute interfaces are read as a
    Redshift cluster's, whose cluster is unknown)."""
    _, ids = _built(**NO_S3_ENDPOINT)
    assert "s3" not in ids
    assert _audited(**NO_S3_ENDPOINT) == _canonical(ids)
    region = _built(**NO_S3_ENDPOINT)[0].accounts[0].regions[0]
    assert not region.nat_gateways and not region.internet_gateways


def test_near_miss_workgroup_group_does_not_admit_the_clients() -> None:
    """The workgroup's group admits TCP 5439 from itself only: the Lambda function's connections
    time out. A gap, pinned: SG003 stays not evaluated (a rule opens TCP to some members — the
    compute interfaces carry the group — and the port of a PrivateLink service is not collected),
    SG002 too. With ``Workgroup.port`` (or ``Endpoint.port``) collected, SG003 could judge the
    endpoint as it judges an AWS service's on 443, and find the function's group refused."""
    snapshot, ids = _built(**CLIENTS_NOT_ADMITTED)
    assert _audited(**CLIENTS_NOT_ADMITTED) == _canonical(ids)
    groups = {g.group_id: g for g in snapshot.accounts[0].regions[0].security_groups}
    assert {x.referenced_group_id for x in groups[ids["workgroup_sg"]].rules if not x.is_egress} \
        == {ids["workgroup_sg"]}


def test_near_miss_session_manager_in_one_az_spares_the_workgroup() -> None:
    """A SQL client instance in us-east-1b with Session Manager endpoints there only: IFE001 on each
    (right, advice) and no IFE002 — the compute interfaces in a and c, read as Redshift's, are no
    client of Systems Manager, and Redshift calls none of it from the VPC. Right."""
    _, ids = _built(**SESSION_MANAGER_IN_ONE_AZ)
    assert _audited(**SESSION_MANAGER_IN_ONE_AZ) == _canonical(ids) | _session_manager_in_one_az(ids)


def test_undescribed_compute_interfaces_are_counted_as_every_services_clients_today() -> None:
    """The other reading of the compute interfaces (no description): ordinary workloads, so IFE002
    fires on ssm, ssmmessages and ec2messages for us-east-1a and c. Today's output, pinned."""
    _, ids = _built(**UNDESCRIBED)
    ife002 = {("IFE002", ids[key], "fail") for key in SESSION_MANAGER}
    assert _audited(**UNDESCRIBED) == _canonical(ids) | _session_manager_in_one_az(ids) | ife002


@pytest.mark.xfail(strict=True, reason="rule wrong: a Serverless workgroup's compute interfaces, if not described "
                   "RedshiftNetworkInterface, are counted as clients of Systems Manager; ListWorkgroups not collected")
def test_undescribed_compute_interfaces_should_call_only_what_redshift_calls() -> None:
    """Under the undescribed reading, IFE002 on the Session Manager endpoints is wrong: the only
    client of Systems Manager is the instance in us-east-1b; with EVR a workgroup routes through
    the VPC what Redshift calls (COPY, UNLOAD, Spectrum, federated queries), never Systems Manager.
    The fix: collect ListWorkgroups (``subnetIds``, ``securityGroupIds``, ``enhancedVpcRouting``,
    ``endpoint.vpcEndpoints``) and read an interface in a workgroup's subnets and exactly its groups,
    on no instance, as a Redshift node of that workgroup."""
    _, ids = _built(**UNDESCRIBED)
    assert _audited(**UNDESCRIBED) == _canonical(ids) | _session_manager_in_one_az(ids)
