"""An AWS Elastic Disaster Recovery staging area subnet with private connectivity (the DRS User
Guide's "Network requirements"): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result, region_view, severities
from layouts import drs_staging_private
from layouts.drs_staging_private import VPC_CIDR

from vpcaudit.rules.ife.ife003_endpoint_bundle_incomplete import BUNDLES
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]


@cache
def _built(**kwargs: object) -> Built:
    """Each variant built once: the snapshot is frozen, and several tests read the same one."""
    return drs_staging_private.build(**kwargs)  # type: ignore[arg-type]


@cache
def _audited(**kwargs: object) -> frozenset[tuple[str, str, str]]:
    """Each variant audited once."""
    return frozenset(audit(_built(**kwargs)[0]))


def _flow_log(ids: dict[str, str]) -> Triples:
    """Right, medium: nothing in the staging area records a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _default_interface_policies(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the ``drs`` and ``ec2`` endpoints keep AWS's default full-access
    policy. The guide asks for a policy on the S3 endpoint only; scoping the interface endpoints
    to this account is the rule's advice and stands."""
    return {("POL001", ids["drs"], "fail"), ("POL001", ids["ec2"], "fail")}


def _expected(ids: dict[str, str]) -> Triples:
    return _flow_log(ids) | _default_interface_policies(ids)


def test_canonical_layout() -> None:
    """The staging area as the guide describes it: the flow log and the two default interface
    endpoint policies, nothing else. Silent, rightly: GWE001 (the staging table routes S3's
    prefix list to the endpoint), SG003 (the endpoints admit TCP 443 from the VPC), POL001 on the
    S3 endpoint (the guide's DRS-buckets policy), DNS003 (private DNS on, DNS attributes on),
    IFE001 (endpoints and replication servers share the staging subnet's AZ)."""
    _, ids = _built()
    assert _audited() == _expected(ids)


def test_replication_servers_are_workloads() -> None:
    """The replication servers' interfaces (EC2 instances of the account, on the DRS group) are
    workloads that may call ``drs``, ``ec2`` and ``s3``: they do, over TCP 443 from the staging
    subnet ("Communication between the staging area subnet and AWS Elastic Disaster Recovery over
    TCP port 443"). Right."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    workloads = {e.network_interface_id: e for e in view.workload_enis(ids["vpc"])}
    for k in (1, 2):
        eni = workloads[ids[f"replication_server{k}"]]
        assert view.managed_kind_of(eni) is None
        assert all(view.may_call(eni, key) for key in ("drs", "ec2", "s3"))


def test_no_drs_endpoint_bundle_is_known() -> None:
    """IFE003 knows no DRS bundle (``drs`` + ``ec2`` + an S3 gateway endpoint routed for the
    staging subnet): with ``drs`` present and ``ec2`` missing nothing would be reported. Silent
    here rightly (all three are present). A gap, pinned: IFE003's BUNDLES have no entry triggered
    by ``drs``."""
    assert not any("drs" in b.triggers or "drs" in b.required for b in BUNDLES)


def _s3_route_missing(ids: dict[str, str]) -> Triples:
    """Right, medium: the staging subnet's table has no route for S3's prefix list, so the
    replication servers' S3 traffic ("The staging area subnet should have access to S3") goes
    nowhere — no internet gateway, no NAT. The fix adds the staging table to the endpoint."""
    return {("GWE001", ids["staging"], "fail")}


def test_near_miss_s3_endpoint_on_the_main_table_only() -> None:
    """The S3 gateway endpoint on the VPC's main table, the staging subnet's own table left out:
    GWE001 on the staging subnet, medium, saying the traffic is dropped; its fix associates the
    staging table. Right: gateway endpoints work by route table ("Routing for gateway endpoints"),
    and the staging subnet has no other path to S3."""
    kwargs = {"s3_on_staging_table": False}
    snapshot, ids = _built(**kwargs)
    assert _audited(**kwargs) == _expected(ids) | _s3_route_missing(ids)
    assert severities(snapshot)[("GWE001", ids["staging"], "s3")] == "medium"
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "GWE001"]
    assert "dropped" in finding.message
    assert {(s.action, s.parameters["VpcEndpointId"], tuple(s.parameters["AddRouteTableIds"]))
            for s in finding.fix} == {("ec2:ModifyVpcEndpoint", ids["s3"], (ids["staging_rt"],))}


def _sg003(ids: dict[str, str]) -> Triples:
    """Right, high: the endpoints' group admits TCP 443 only from the recovery instances' group,
    which no interface carries; the replication servers (DRS group) are refused, and replication
    stalls at the DRS and EC2 calls."""
    return {("SG003", ids["drs"], "fail"), ("SG003", ids["ec2"], "fail")}


def test_near_miss_endpoints_group_refusing_the_replication_servers() -> None:
    """The endpoints' group admitting TCP 443 from another group instead of the VPC: SG003 on
    ``drs`` and ``ec2``, high; the fix admits 443 from the VPC again. Right."""
    kwargs = {"endpoints_source": "other-group"}
    snapshot, ids = _built(**kwargs)
    assert _audited(**kwargs) == _expected(ids) | _sg003(ids)
    findings = [f for f in audit_result(snapshot).findings if f.rule_id == "SG003"]
    assert {severities(snapshot)[("SG003", f.resource.resource_id, "")] for f in findings} == {"high"}
    assert all(f"reachable only from members of {ids['recovery_sg']}" in f.message for f in findings)
    for finding in findings:
        assert [(s.action, s.parameters) for s in finding.fix] == [("ec2:AuthorizeSecurityGroupIngress", {
            "GroupId": ids["endpoints_sg"],
            "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                               "IpRanges": [{"CidrIp": VPC_CIDR}]}]})]
