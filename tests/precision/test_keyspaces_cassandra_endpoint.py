"""Applications in private subnets using Amazon Keyspaces through a ``cassandra`` interface endpoint
(Amazon Keyspaces Developer Guide, "Using Amazon Keyspaces with interface VPC endpoints"): every
finding and its verdict (docs/precision.md). The point is the port: the guide's endpoint group
admits TCP 9142, where cqlsh and the Cassandra drivers connect over TLS, and vpcaudit's service
catalogue does not know it, so SG002, SG003 and SG005 judge the endpoint by TCP 443."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result, region_view, severities
from layouts import keyspaces_cassandra_endpoint
from layouts.keyspaces_cassandra_endpoint import CQL_TLS, HTTPS, REGION, SERVICE_KEY

from vpcaudit.network.services import REQUIRED_PORTS, SERVICE_PORTS
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
HTTPS_ONLY_ENDPOINT = {"endpoint_ports": (HTTPS,)}
APPS_LET_OUT_HTTPS_ONLY = {"app_egress_ports": (HTTPS,)}
ONE_AZ_ENDPOINT = {"endpoint_azs": (1,)}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return keyspaces_cassandra_endpoint.build(**options)  # type: ignore[arg-type]


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: nothing in the layout creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _full_access_policy(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the endpoint keeps AWS's default full-access policy (the tutorial
    sets none). The guide offers endpoint policies — read-only ``cassandra:Select``, or one table
    and the system tables — and requires none."""
    return {("POL001", ids["endpoint"], "fail")}


def _baseline(ids: dict[str, str]) -> Triples:
    return _flow_logs(ids) | _full_access_policy(ids)


def _cql_refused(ids: dict[str, str]) -> Triples:
    """Right, high: the endpoint's group admits TCP 443 only, so every CQL connection on 9142 — to
    ``cassandra.us-east-1.amazonaws.com``, which private DNS answers with the endpoint, and to the
    endpoint addresses ``system.peers`` then lists — times out."""
    return {("SG003", ids["endpoint"], "fail")}


def _apps_cannot_connect(ids: dict[str, str]) -> Triples:
    """Right, medium: the applications' group lets out TCP 443 only, so no CQL connection leaves;
    with private DNS on and no NAT gateway there is no other way to Keyspaces."""
    return {("SG005", ids["app_sg"], "fail")}


def _endpoint_in_one_az(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the endpoint in us-east-1a only. IFE001: one AZ's impairment cuts
    every application off Keyspaces. IFE002: the instances of us-east-1b and c cross AZs for every
    request. The Keyspaces guide adds its own reason: ``system.peers`` holds "an entry for each
    Availability Zone where a VPC endpoint is available", so one AZ leaves the driver one peer to
    balance over, where more entries improve "load balancing and … read/write throughput"."""
    return {("IFE001", ids["endpoint"], "fail"), ("IFE002", ids["endpoint"], "fail")}


def _group_rules(snapshot: Snapshot, group_id: str, *, egress: bool) -> list[tuple[str, int | None, str | None]]:
    group = next(g for g in snapshot.accounts[0].regions[0].security_groups if g.group_id == group_id)
    return sorted((x.ip_protocol, x.from_port, x.referenced_group_id or x.cidr_ipv4)
                  for x in group.rules if x.is_egress == egress)


def test_the_endpoint_and_groups_as_the_guide_builds_them() -> None:
    """The ``cassandra`` endpoint in the three private subnets, private DNS on, its group admitting
    TCP 9142 from the applications' group; the applications' group lets everything out. The
    endpoint's interfaces are no workloads; the three instances are its only clients. The
    ``system.peers`` permissions (``ec2:DescribeNetworkInterfaces``, ``ec2:DescribeVpcEndpoints``)
    are the client role's, used by Keyspaces: no endpoint of ``ec2`` is needed, and none is built."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    (endpoint,) = region.vpc_endpoints
    assert endpoint.service_name == f"com.amazonaws.{REGION}.{SERVICE_KEY}"
    assert endpoint.private_dns_enabled and endpoint.group_ids == (ids["endpoint_sg"],)
    assert sorted(endpoint.subnet_ids) == sorted(ids[f"private{k}"] for k in (1, 2, 3))
    (service,) = [s for s in region.endpoint_services if s.service_name == endpoint.service_name]
    assert service.private_dns_names == (f"cassandra.{REGION}.amazonaws.com",)
    assert _group_rules(snapshot, ids["endpoint_sg"], egress=False) == [("tcp", CQL_TLS, ids["app_sg"])]
    assert _group_rules(snapshot, ids["app_sg"], egress=True) == [("-1", None, "0.0.0.0/0")]
    view = region_view(snapshot)
    assert {e.network_interface_id for e in view.workload_enis(ids["vpc"])} == {ids[f"app{k}"] for k in (1, 2, 3)}


def test_findings_and_verdicts() -> None:
    """The canonical form: MON001 and POL001 only. (SG003 called the endpoint unreachable for want
    of 443 and SG002 the 9142 rule extra, its ready fix revoking the one rule every CQL connection
    needs: rule wrong, fixed — Keyspaces' ports are 443 and 9142, 9142 required.) Silent, rightly:
    SG001/SG004/SG006 (the group admits the applications' group alone), SG002/SG003 (9142 is the
    service's port), SG005 (the applications send anywhere), IFE001/IFE002 (all three AZs),
    DNS001-DNS005 (attributes and private DNS on, no zone), the NAT and GWE rules (nothing leaves
    the VPC), ACL001 (default NACL), RT001."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)
    assert SERVICE_PORTS["cassandra"] == (443, 9142) and REQUIRED_PORTS["cassandra"] == (9142,)


def test_near_miss_endpoint_group_admits_https_only() -> None:
    """The endpoint's group admits TCP 443 only, copied from the VPC's other endpoint groups:
    SG003 on the endpoint, high — every CQL connection is refused. No SG002 on the 443 rule: the
    service's default name is the Keyspaces HTTPS API's too ("HTTPS and TLS"), and whether the
    endpoint answers it on 443 AWS does not say, so calling 443 extra would go beyond the
    documentation. (The audit passed it: rule wrong, fixed.) The ready fix admits 9142 from the
    applications' group, the source the group admits on 443."""
    snapshot, ids = _built(**HTTPS_ONLY_ENDPOINT)
    assert _group_rules(snapshot, ids["endpoint_sg"], egress=False) == [("tcp", HTTPS, ids["app_sg"])]
    assert audit(snapshot) == _baseline(ids) | _cql_refused(ids)
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "SG003"]
    (step,) = finding.fix
    assert step.ready and step.parameters["IpPermissions"] == [
        {"IpProtocol": "tcp", "FromPort": 9142, "ToPort": 9142, "UserIdGroupPairs": [{"GroupId": ids["app_sg"]}]}]


def test_near_miss_applications_let_out_https_only() -> None:
    """The applications' group hardened to let out TCP 443 only: SG005 on it, medium, and the
    endpoint side silent (it admits 9142, rightly). (SG005 was silent, seeing the misread port let
    out: rule wrong, fixed.)"""
    snapshot, ids = _built(**APPS_LET_OUT_HTTPS_ONLY)
    assert _group_rules(snapshot, ids["app_sg"], egress=True) == [("tcp", HTTPS, "0.0.0.0/0")]
    assert audit(snapshot) == _baseline(ids) | _apps_cannot_connect(ids)


def test_near_miss_endpoint_in_one_az() -> None:
    """The endpoint in us-east-1a only: IFE001 and IFE002, advice (see ``_endpoint_in_one_az``)."""
    snapshot, ids = _built(**ONE_AZ_ENDPOINT)
    (endpoint,) = snapshot.accounts[0].regions[0].vpc_endpoints
    assert endpoint.subnet_ids == (ids["private1"],)
    assert audit(snapshot) == _baseline(ids) | _endpoint_in_one_az(ids)
    assert severities(snapshot)[("IFE002", ids["endpoint"], "")] == "medium"


