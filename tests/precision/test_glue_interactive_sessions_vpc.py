"""AWS Glue interactive sessions in a VPC without NAT through a Glue NETWORK connection, the S3
gateway endpoint and the glue, logs, monitoring, sts and kms interface endpoints behind a group of
their own (the AWS Glue Developer Guide; SDLF's "VPC Networking"): every finding and its verdict
(docs/precision.md)."""

from __future__ import annotations

from functools import cache

import pytest
from aws_layout import audit, audit_result, region_view, severities
from layouts import glue_interactive_sessions_vpc
from layouts.glue_interactive_sessions_vpc import INTERFACE_ENDPOINTS, SESSION_ROLE, WORKERS

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
RUNNING = [False, True]
RUNNING_IDS = ["between sessions", "while a session runs"]


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return glue_interactive_sessions_vpc.build(**options)  # type: ignore[arg-type]


def _advice(ids: dict[str, str]) -> Triples:
    """Right, as advice, medium. MON001: nothing in the layout creates a flow log. POL001 on the S3
    gateway endpoint and on each interface endpoint the VPC has: none carries a policy document, so
    each keeps AWS's default full access — any principal's credentials, other accounts' too, for
    any resource of the service (the guide offers example policies for glue and does not require
    one)."""
    endpoints = [key for key in ("s3", *INTERFACE_ENDPOINTS) if key in ids]
    return {("MON001", ids["vpc"], "fail")} | {("POL001", ids[key], "fail") for key in endpoints}


def _no_s3_route_on_the_connection_subnet(ids: dict[str, str]) -> Triples:
    """Right, medium: the connection's subnet, where the session's interfaces go, has no route to
    S3 (no endpoint route, no NAT); Glue refuses the session ("Could not find S3 endpoint or NAT
    gateway for subnetId in VPC")."""
    return {("GWE001", ids["private1"], "fail")}


def test_the_snapshot_is_the_layout() -> None:
    """Private subnets on tables of their own holding only the local route and the S3 prefix list
    (no internet gateway, no NAT), DNS on, the connection's group with the All TCP self-reference
    and AWS's default egress, the endpoints' group admitting TCP 443 from it; the five interface
    endpoints in both subnets behind the endpoints' group. A running session's interfaces are in
    the connection's subnet with the connection's group, as assumed (module docstring), and the
    network model counts them as workloads and clients of every endpoint."""
    snapshot, ids = _built(session_running=True)
    region = snapshot.accounts[0].regions[0]
    (vpc,) = region.vpcs
    assert (vpc.cidr_blocks, vpc.enable_dns_support, vpc.enable_dns_hostnames) == (("10.0.0.0/16",), True, True)
    assert not region.internet_gateways and not region.nat_gateways
    for n in (1, 2):
        table = next(t for t in region.route_tables if t.route_table_id == ids[f"private_rt{n}"])
        assert [a.subnet_id for a in table.associations] == [ids[f"private{n}"]]
        assert [(route.target_kind, route.target_id) for route in table.routes] \
            == [("local", "local"), ("vpce", ids["s3"])]
    groups = {g.group_id: g for g in region.security_groups}
    rules = {key: sorted((x.is_egress, x.ip_protocol, x.from_port, x.to_port, x.cidr_ipv4, x.referenced_group_id)
                         for x in groups[ids[key]].rules) for key in ("connection_sg", "endpoints_sg")}
    default_egress = (True, "-1", None, None, "0.0.0.0/0", None)
    assert rules == {"connection_sg": [(False, "tcp", 0, 65535, None, ids["connection_sg"]), default_egress],
                     "endpoints_sg": [(False, "tcp", 443, 443, None, ids["connection_sg"]), default_egress]}
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    assert {endpoints[ids[key]].service_name for key in INTERFACE_ENDPOINTS} \
        == {f"com.amazonaws.us-east-1.{key}" for key in INTERFACE_ENDPOINTS}
    view = region_view(snapshot)
    enis = [view.interfaces[ids[f"session_eni{n}"]] for n in range(1, WORKERS + 1)]
    assert {(e.interface_type, e.requester_managed, e.requester_id, e.subnet_id, e.group_ids, e.description,
             e.instance_id) for e in enis} \
        == {("interface", False, None, ids["private1"], (ids["connection_sg"],),
             f"Attached to Glue using role: {SESSION_ROLE}", None)}
    session = {e.network_interface_id for e in enis}
    assert {e.network_interface_id for e in view.workload_enis(ids["vpc"])} == session
    assert all({e.network_interface_id for e in view.client_enis(ids["vpc"], key)} == session
               for key in INTERFACE_ENDPOINTS)


@pytest.mark.parametrize("session_running", RUNNING, ids=RUNNING_IDS)
def test_findings_and_verdicts(session_running: bool) -> None:
    # Silent, rightly: no route beyond the VPC (GWE002/GWE003, NAT001-NAT003); the S3 route on both
    # private tables (GWE001); SG001/SG004 (the endpoints admit one group), SG002 (443 only), SG003
    # (between sessions no interface in the VPC is a client, and a session's interfaces carry the
    # admitted group), SG005 (egress to anywhere); IFE001/IFE002 (endpoints in both AZs; the
    # session's interfaces are in us-east-1a); IFE003 (no bundle); DNS001/DNS002; ACL001.
    snapshot, ids = _built(session_running=session_running)
    assert audit(snapshot) == _advice(ids)
    assert len(region_view(snapshot).workload_enis(ids["vpc"])) == (WORKERS if session_running else 0)
    levels = severities(snapshot)
    assert {levels[("POL001", ids[key], "")] for key in ("s3", *INTERFACE_ENDPOINTS)} \
        == {levels[("MON001", ids["vpc"], "")]} == {"medium"}


@pytest.mark.parametrize("session_running", RUNNING, ids=RUNNING_IDS)
def test_near_miss_s3_endpoint_not_on_the_connection_subnets_route_table(session_running: bool) -> None:
    """The S3 gateway endpoint on the second subnet's table only. Right (GWE001, medium), with or
    without a session: the fix associates the connection subnet's table with the endpoint."""
    snapshot, ids = _built(s3_route_tables="other", session_running=session_running)
    assert audit(snapshot) == _advice(ids) | _no_s3_route_on_the_connection_subnet(ids)
    assert severities(snapshot)[("GWE001", ids["private1"], "s3")] == "medium"
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "GWE001")
    assert [(step.action, step.parameters, step.ready) for step in finding.fix] \
        == [("ec2:ModifyVpcEndpoint", {"VpcEndpointId": ids["s3"], "AddRouteTableIds": [ids["private_rt1"]]}, True)]


@pytest.mark.parametrize("session_running", RUNNING, ids=RUNNING_IDS)
def test_near_miss_without_the_self_reference_goes_unreported(session_running: bool) -> None:
    """The connection's group without its All TCP rule (no inbound rule at all): Glue refuses to
    use the connection ("Inbound rule in security group required"), yet the audit is the canonical
    one. A gap, pinned: the snapshot holds no Glue connection (``GetConnections``'
    ``PhysicalConnectionRequirements``), so nothing ties the group to Glue's requirement; the
    endpoints' own group still admits the connection's group, so SG003 rightly sees the session's
    interfaces reach the endpoints."""
    snapshot, ids = _built(self_reference=False, session_running=session_running)
    group = next(g for g in snapshot.accounts[0].regions[0].security_groups if g.group_id == ids["connection_sg"])
    assert [x for x in group.rules if not x.is_egress] == []
    assert audit(snapshot) == _advice(ids)


@pytest.mark.parametrize("left_out", ["glue", "sts", "kms"])
@pytest.mark.parametrize("session_running", RUNNING, ids=RUNNING_IDS)
def test_near_miss_an_endpoint_left_out_without_nat_goes_unreported(left_out: str, session_running: bool) -> None:
    """No glue endpoint (or sts, or kms) and no NAT: a session run with ``--disable-proxy-v2``
    cannot reach the Data Catalog (glue), the code's STS calls fail, an encrypted catalog cannot be
    read (kms). A gap, pinned: nothing fires but the remaining endpoints' advice. IFE003 knows no
    Glue bundle, and which endpoints a run needs depends on the connection, the session's
    arguments and the catalog's encryption, none of them in the snapshot (by default Glue proxies
    the run's Glue and CloudWatch calls through its own VPC, and no glue endpoint is needed)."""
    snapshot, ids = _built(left_out=left_out, session_running=session_running)
    assert left_out not in ids
    assert f"com.amazonaws.us-east-1.{left_out}" not in {
        e.service_name for e in snapshot.accounts[0].regions[0].vpc_endpoints}
    assert audit(snapshot) == _advice(ids)
