"""An Amazon OpenSearch Serverless collection reached through an OpenSearch Serverless-managed VPC
endpoint from a Lambda function in private subnets (the Developer Guide): every finding and its
verdict (docs/precision.md)."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from aws_layout import audit, audit_result, region_view, severities
from layouts import aoss_vpc_endpoint
from layouts.aoss_vpc_endpoint import ACCOUNT, AOSS_SERVICE, ZONE

from vpcaudit.network.policy import policy_scope
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return aoss_vpc_endpoint.build(**options)  # type: ignore[arg-type]


def _flow_log(ids: dict[str, str]) -> Triples:
    """Right, medium: neither the guide nor the CloudFormation example creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _port_unknown(ids: dict[str, str], group: str = "endpoint_sg") -> Triples:
    """Right, where nothing tells the service: SG003 and SG002 not evaluated for an endpoint of a
    PrivateLink service publishing no port when no private zone of the VPC names OpenSearch
    Serverless (``*.us-east-1.aoss.amazonaws.com`` aliasing the endpoint)."""
    return {("SG003", ids["endpoint"], "not_evaluated"), ("SG002", ids[group], "not_evaluated")}


def _one_az(ids: dict[str, str]) -> Triples:
    """A gap, pinned. IFE001 and IFE002 not evaluated: the endpoint has one interface (us-east-1a)
    while the function runs in us-east-1b too, but the AZs the service behind it is offered in
    come from DescribeVpcEndpointServices, which does not list a service OpenSearch Serverless
    owns (assumed), and AWS documents none for it."""
    return {("IFE001", ids["endpoint"], "not_evaluated"), ("IFE002", ids["endpoint"], "not_evaluated")}


def _endpoint_in_the_default_group(ids: dict[str, str]) -> Triples:
    """Right. SG003, high: created without ``SecurityGroupIds``, the endpoint takes the VPC's
    default group, which admits only its own members; the function carries a group of its own,
    so every call to the collection times out. SG002, medium (advice): the default group admits
    all traffic from itself where an interface endpoint takes TCP only; the fix gives the endpoint
    a group of its own."""
    return {("SG003", ids["endpoint"], "fail"), ("SG002", ids["default_sg"], "fail")}


def test_the_snapshot_is_the_guide() -> None:
    """Two private subnets on the local route only, DNS support and hostnames on, the function's
    Hyperplane interfaces in both, the endpoint's group admitting TCP 443 from the VPC, and the
    service's private hosted zone on the VPC answering the collections' wildcard with the endpoint."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    (vpc,) = region.vpcs
    assert (vpc.cidr_blocks, vpc.enable_dns_support, vpc.enable_dns_hostnames) == (("10.0.0.0/16",), True, True)
    assert sorted((s.cidr_block, s.availability_zone) for s in region.subnets) == [
        ("10.0.1.0/24", "us-east-1a"), ("10.0.2.0/24", "us-east-1b")]
    assert {(x.destination, x.target_kind) for t in region.route_tables for x in t.routes} == {
        ("10.0.0.0/16", "local")}
    groups = {g.group_id: g for g in region.security_groups}
    assert sorted((x.is_egress, x.ip_protocol, x.from_port, x.cidr_ipv4) for x in groups[ids["endpoint_sg"]].rules) \
        == [(False, "tcp", 443, "10.0.0.0/16"), (True, "-1", None, "0.0.0.0/0")]
    enis = {e.network_interface_id: e for e in region.network_interfaces}
    assert {(enis[ids[f"function_eni{az}"]].interface_type, enis[ids[f"function_eni{az}"]].subnet_id)
            for az in (1, 2)} == {("lambda", ids["private1"]), ("lambda", ids["private2"])}
    (zone,) = region.hosted_zones
    endpoint = next(e for e in region.vpc_endpoints if e.vpc_endpoint_id == ids["endpoint"])
    assert (zone.name, [v.vpc_id for v in zone.vpcs]) == (ZONE, [ids["vpc"]])
    assert [(x.name, x.record_type, x.alias_dns_name) for x in zone.record_sets] == [
        (f"*.{ZONE}", "A", endpoint.dns_entries[0].dns_name)]


def test_the_endpoint_as_describe_vpc_endpoints_reports_it() -> None:
    """An Interface endpoint of this account (created with the caller's ``ec2:CreateVpcEndpoint``),
    not requester-managed, to a service OpenSearch Serverless owns, private DNS off, no policy,
    no tags, one interface per subnet. Silent, rightly: POL001/POL002 (out of scope: not an AWS
    service's endpoint in this account's catalogue; "VPC endpoint policies are not supported for
    OpenSearch Serverless", and EC2 would be asked to set one on a service that ignores it) and
    DNS003 (private DNS off is the service's design: its own zone answers the names)."""
    snapshot, ids = _built()
    endpoint = next(e for e in snapshot.accounts[0].regions[0].vpc_endpoints if e.vpc_endpoint_id == ids["endpoint"])
    assert (endpoint.endpoint_type, endpoint.owner_id, endpoint.requester_managed, endpoint.private_dns_enabled,
            endpoint.policy_document, endpoint.service_name, endpoint.tags) \
        == ("Interface", ACCOUNT, False, False, None, AOSS_SERVICE, ())
    assert endpoint.subnet_ids == tuple(sorted([ids["private1"], ids["private2"]]))
    assert len(endpoint.network_interface_ids) == 2
    view = region_view(snapshot)
    assert not view.is_aws_service_endpoint(endpoint)
    assert policy_scope(view, endpoint) == (False, "")


def test_findings_and_verdicts_of_the_guide() -> None:
    """The guide's layout: MON001 alone. Right, after a rule fix (SG003 and SG002 were not
    evaluated, the endpoint taken for a PrivateLink service publishing no port): the private zone
    OpenSearch Serverless writes into the VPC aliases ``*.us-east-1.aoss.amazonaws.com`` to the
    endpoint, so the endpoint serves collections, on HTTPS. SG003 passes (the endpoint's group
    admits the VPC on TCP 443) and SG002 passes (443 is the one port it opens). Silent, rightly:
    POL001-POL006 and DNS003 (above), DNS001/DNS002 (both attributes on), DNS004 (the zone is
    ``us-east-1.aoss.amazonaws.com``, not the control plane's ``aoss.us-east-1…``), IFE001/IFE002
    (both AZs), IFE004 (available), IFE006 (the function calls it), SG005 (the function's group
    sends all traffic), GWE002/GWE003 and the NAT rules (no NAT gateway: nothing leaves the VPC)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _flow_log(ids)
    endpoint = next(e for e in snapshot.accounts[0].regions[0].vpc_endpoints if e.vpc_endpoint_id == ids["endpoint"])
    assert region_view(snapshot).service(endpoint).ports == (443,)


def test_without_the_services_zone_the_port_stays_unknown() -> None:
    """The other side of the fix: the same endpoint with no private zone naming OpenSearch
    Serverless (the zone left out, or its name aliasing another endpoint) is a PrivateLink endpoint
    of unknown port again, never judged on a guess."""
    snapshot, ids = _built()
    account = snapshot.accounts[0]
    region = account.regions[0]
    (zone,) = region.hosted_zones
    elsewhere = replace(zone, record_sets=tuple(replace(s, alias_dns_name="vpce-0123.example.internal")
                                                for s in zone.record_sets))
    for zones in ((), (elsewhere,)):
        changed = replace(snapshot, accounts=(replace(account, regions=(replace(region, hosted_zones=zones),)),))
        assert audit(changed) == _flow_log(ids) | _port_unknown(ids)


def test_near_miss_endpoint_in_one_az() -> None:
    """The endpoint in us-east-1a only (the CloudFormation example's single subnet) while the
    function runs in both AZs: IFE001/IFE002 not evaluated (a gap, pinned)."""
    snapshot, ids = _built(endpoint_azs=1)
    assert audit(snapshot) == _flow_log(ids) | _one_az(ids)
    finding = next(f for f in audit_result(snapshot).findings
                   if (f.rule_id, f.resource.resource_id) == ("IFE002", ids["endpoint"]))
    assert "use1-az2" in finding.message


def test_near_miss_endpoint_in_the_default_group() -> None:
    """The endpoint created without ``SecurityGroupIds``: SG003 (high) and SG002 (medium), both
    Right — a group admitting no client on any TCP port is judged without knowing the port."""
    snapshot, ids = _built(endpoint_group="default")
    assert audit(snapshot) == _flow_log(ids) | _endpoint_in_the_default_group(ids)
    levels = severities(snapshot)
    assert (levels[("SG003", ids["endpoint"], "")], levels[("SG002", ids["default_sg"], "")]) == ("high", "medium")
    (step,) = next(f for f in audit_result(snapshot).findings if f.rule_id == "SG003").fix
    assert (step.action, step.parameters["GroupId"]) == ("ec2:AuthorizeSecurityGroupIngress", ids["default_sg"])
