"""Instances in private subnets using S3 Express One Zone directory buckets through the ``s3express``
gateway endpoint (S3 User Guide, "Networking for directory buckets"): every finding and its verdict
(docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result, region_view
from layouts import s3express_gateway_endpoint
from layouts.s3express_gateway_endpoint import EXPRESS, EXPRESS_LIST

from vpcaudit.network.paths import destinations, path_for
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
ROUTE_ON_ONE_TABLE = {"express_route_tables": "az4"}
EGRESS_TO_S3_ONLY = {"instance_egress": "s3-only"}
NO_EXPRESS_ENDPOINT = {"express_endpoint": False}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return s3express_gateway_endpoint.build(**options)  # type: ignore[arg-type]


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: nothing in the layout creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _session_manager_extras(ids: dict[str, str]) -> Triples:
    """Right (advice), info: Session Manager endpoints without the optional kms and logs ones, which
    an isolated VPC needs only for KMS-encrypted sessions or session logs."""
    return {("IFE003", ids["vpc"], "fail")}


def _full_access_policies(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: AWS's default full access on the S3 and ssm endpoints, and on the
    s3express gateway endpoint too — the guide's procedure offers "Full access" or a "Custom" VPC
    endpoint policy for it, so a policy can narrow it to the account's directory buckets (resource
    ``arn:aws:s3express:…:bucket/…``, action ``s3express:CreateSession`` and the Regional ones).
    ssmmessages and ec2messages support no endpoint policy: silent, rightly."""
    return {("POL001", ids["s3"], "fail"), ("POL001", ids["ssm"], "fail")} | (
        {("POL001", ids[EXPRESS], "fail")} if EXPRESS in ids else set())


def _baseline(ids: dict[str, str]) -> Triples:
    return _flow_logs(ids) | _session_manager_extras(ids) | _full_access_policies(ids)


def test_the_s3express_endpoint_and_prefix_list_as_aws_reports_them() -> None:
    """A Gateway endpoint of ``com.amazonaws.us-east-1.s3express`` whose AWS-managed prefix list is
    routed to it from both private tables; the view reads it as an AWS service whose endpoints
    take a policy, offered in the Region's three directory-bucket AZs."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    endpoint = view.endpoints[ids[EXPRESS]]
    assert (endpoint.endpoint_type, endpoint.service_name) == ("Gateway", EXPRESS_LIST)
    assert set(endpoint.route_table_ids) == {ids["private_rt1"], ids["private_rt2"]}
    info = view.service(endpoint)
    assert (info.key, info.is_aws_service, info.policy_supported) == (EXPRESS, True, True)
    tables = {t.route_table_id: t for t in snapshot.accounts[0].regions[0].route_tables}
    for key in ("private_rt1", "private_rt2"):
        routes = {(x.destination, x.target_id) for x in tables[ids[key]].routes}
        assert (ids["express_pl"], ids[EXPRESS]) in routes


def test_findings_and_verdicts() -> None:
    """The canonical form: MON001, IFE003, POL001 on s3, s3express and ssm. Silent, rightly:
    GWE001 (both tables carry both prefix-list routes), GWE002/GWE003 and the NAT rules (no NAT
    gateway, nothing leaves the VPC), SG003/SG005 (443 from the VPC into the interface endpoints;
    443 out to the VPC CIDR and both prefix lists), DNS rules (attributes on, AmazonProvidedDNS)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)


def test_traffic_paths_to_s3express_through_its_gateway_endpoint() -> None:
    """s3express among the destinations — drawn only in a VPC with an endpoint for it — each
    subnet's path a gateway-endpoint path to the s3express endpoint through its prefix-list route.
    The paths knew S3 and DynamoDB as gateway destinations only and drew nothing to s3express,
    though its gateway endpoint is the only way the isolated subnets reach directory buckets (rule
    wrong, fixed)."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    assert EXPRESS in destinations(view, ids["vpc"])
    for key in ("private1", "private2"):
        path = path_for(view, view.subnets[ids[key]], EXPRESS)
        assert (path.kind, path.target_id) == ("gateway-endpoint", ids[EXPRESS])
    without, without_ids = _built(**NO_EXPRESS_ENDPOINT)
    assert EXPRESS not in destinations(region_view(without), without_ids["vpc"])


def test_near_miss_express_route_on_one_table_fires_gwe001() -> None:
    """The s3express endpoint associated with use1-az4's table only: use1-az5's instance has no
    route at all to the s3express prefix list (no NAT gateway), so every CreateSession and
    GetObject from it times out. Right: GWE001 on use1-az5's subnet, and nowhere else — the guide
    has the endpoint's routes added to the tables chosen, as for S3. It judged S3 and DynamoDB
    gateway endpoints only (rule wrong, fixed)."""
    snapshot, ids = _built(**ROUTE_ON_ONE_TABLE)
    assert audit(snapshot) == _baseline(ids) | {("GWE001", ids["private2"], "fail")}
    endpoint = region_view(snapshot).endpoints[ids[EXPRESS]]
    assert endpoint.route_table_ids == (ids["private_rt1"],)
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "GWE001"]
    assert "S3 Express One Zone" in finding.message


def test_near_miss_egress_to_the_s3_list_only_fires_sg005() -> None:
    """The instances' group sends TCP 443 to the S3 prefix list and the VPC CIDR, not to the
    s3express list: calls to the Zonal and Regional s3express names, routed to the gateway
    endpoint, leave for the s3express list's CIDRs and are refused. Right: SG005 on the instances'
    group — through a gateway endpoint the service is still called at its public addresses, the
    CIDRs of its prefix list (PrivateLink guide, said of S3 and DynamoDB; assumed the same for
    s3express, whose endpoint is routed by its own prefix list). It judged S3 and DynamoDB gateway
    endpoints only (rule wrong, fixed)."""
    snapshot, ids = _built(**EGRESS_TO_S3_ONLY)
    assert audit(snapshot) == _baseline(ids) | {("SG005", ids["instance_sg"], "fail")}
    groups = {g.group_id: g for g in snapshot.accounts[0].regions[0].security_groups}
    lists = {x.prefix_list_id for x in groups[ids["instance_sg"]].rules if x.is_egress and x.prefix_list_id}
    assert lists == {ids["s3_pl"]}


def test_near_miss_no_express_endpoint() -> None:
    """No s3express gateway endpoint, the S3 one kept: the instances cannot reach directory buckets
    at all. A gap, pinned: the audit is the canonical one less the s3express endpoint's POL001.
    Nothing in the snapshot says the workload uses directory buckets (no bucket, no flow log
    traffic), and with no NAT gateway there is no cost for a GWE002-style rule to point at."""
    snapshot, ids = _built(**NO_EXPRESS_ENDPOINT)
    assert EXPRESS not in ids
    assert audit(snapshot) == _baseline(ids)
    assert not any(e.service_name == EXPRESS_LIST for e in snapshot.accounts[0].regions[0].vpc_endpoints)
