"""Snowflake over AWS PrivateLink from a customer VPC, private DNS off, the customer's private hosted
zone ``privatelink.snowflakecomputing.com`` and an endpoint in the two AZs the service is offered in
(the Snowflake Terraform provider's example, the SageMaker guide's Data Wrangler steps): every
finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result, region_view, severities
from layouts import appflow_private_connection
from layouts.appflow_private_connection import ACCOUNT_URL, OCSP_URL, SNOWFLAKE, SNOWFLAKE_PORTS, ZONE

from vpcaudit.network.dns import VpcResolver
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return appflow_private_connection.build(**options)  # type: ignore[arg-type]


def _configured(ids: dict[str, str]) -> dict[str, tuple[int, ...]]:
    """The ports Snowflake gives (HTTPS and the OCSP cache), configured (``--service-port``)."""
    return {ids["service"]: SNOWFLAKE_PORTS}


def _flow_log(ids: dict[str, str]) -> Triples:
    """Right, medium: neither the Terraform example nor the guide creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _ports_unknown(ids: dict[str, str]) -> Triples:
    """Right: SG003 on the endpoint and SG002 on its group are not evaluated. The group admits TCP
    80 and 443 from the VPC, and which ports Snowflake's load balancer listens on only Snowflake
    says; DescribeVpcEndpointServices publishes no port. Configured (``service-ports``: 443 and
    80) both judge the endpoint and pass it."""
    return {("SG003", ids["endpoint"], "not_evaluated"), ("SG002", ids["endpoint_sg"], "not_evaluated")}


def test_the_snapshot_is_the_examples_consumer() -> None:
    """The builder against the example: the endpoint to Snowflake's ``vpce-svc`` in the two offered
    AZs with private DNS off, its group admitting 80 and 443 from the VPC with no egress rule, the
    service listed with Snowflake's account as Owner, no private DNS name and two of the VPC's three
    AZs; the zone associated, its records not collected (a name outside amazonaws.com)."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    (endpoint,) = region.vpc_endpoints
    assert (endpoint.service_name, endpoint.state, endpoint.private_dns_enabled, endpoint.policy_document) \
        == (ids["service"], "available", False, None)
    assert endpoint.subnet_ids == tuple(sorted((ids["private1"], ids["private2"])))
    assert [e.dns_name for e in endpoint.dns_entries] == [ids["regional_name"]]
    service = next(s for s in region.endpoint_services if s.service_name == ids["service"])
    assert (service.owner, service.availability_zone_ids, service.private_dns_names) \
        == (SNOWFLAKE, ("use1-az1", "use1-az2"), ())
    group = next(g for g in region.security_groups if g.group_id == ids["endpoint_sg"])
    assert sorted((x.from_port, x.is_egress) for x in group.rules) == [(80, False), (443, False)]
    (zone,) = region.hosted_zones
    assert (zone.name, zone.record_sets, zone.record_sets_collected) == (ZONE, (), False)
    info = region_view(snapshot).service(endpoint)
    assert (info.is_aws_service, info.ports, info.hostnames) == (False, (), ())


def test_findings_and_verdicts_of_the_examples_consumer() -> None:
    """MON001, and SG003/SG002 not evaluated (the ports). Silent, rightly: IFE001 (two AZs),
    IFE002 (the use1-az4 app crosses AZs, but the service is not offered there), DNS003 (a
    PrivateLink service: the customer's zone does the naming), DNS004 (the zone answers no AWS
    service name), DNS001/DNS002 (both attributes on), SG005 (the app sends everything), POL001
    (no policy support), NAT and GWE rules (no route out)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _flow_log(ids) | _ports_unknown(ids)
    assert audit(snapshot, _configured(ids)) == _flow_log(ids)


def test_the_snowflake_names_are_the_customers_zone() -> None:
    """Route 53 Resolver in the VPC answers both Snowflake names from the customer's zone (the
    service publishes no private DNS name for an endpoint to answer)."""
    snapshot, ids = _built()
    resolver = VpcResolver.of(region_view(snapshot), ids["vpc"])
    for name in (ACCOUNT_URL, OCSP_URL):
        answer = resolver.authority(name)
        assert (answer.kind, answer.zone.hosted_zone_id if answer.zone else None) == ("zone", ids["zone"])


def test_near_miss_endpoint_asked_for_in_an_az_not_offered() -> None:
    """The endpoint asked for in use1-az1 and use1-az4: use1-az4 is not offered, so it stands in
    use1-az1 alone. IFE001 and IFE002, medium — right: the service is offered in use1-az2, where
    the VPC has a subnet and an app, so one AZ's impairment cuts every client off; IFE002 names
    use1-az2 and not use1-az4 (there the app must cross AZs whatever the endpoint). IFE001's fix
    adds the use1-az2 subnet, ready."""
    snapshot, ids = _built(endpoint_azs=(1,))
    single_az = {("IFE001", ids["endpoint"], "fail"), ("IFE002", ids["endpoint"], "fail")}
    assert audit(snapshot) == _flow_log(ids) | _ports_unknown(ids) | single_az
    levels = severities(snapshot)
    assert (levels[("IFE001", ids["endpoint"], "")], levels[("IFE002", ids["endpoint"], "")]) == ("medium", "medium")
    findings = {f.rule_id: f for f in audit_result(snapshot).findings}
    assert "has no network interface in use1-az2," in findings["IFE002"].message
    assert "use1-az4" not in findings["IFE002"].message
    (step,) = findings["IFE001"].fix
    assert (step.action, step.parameters["AddSubnetIds"], step.ready) \
        == ("ec2:ModifyVpcEndpoint", [ids["private2"]], True)


def test_near_miss_zone_naming_a_deleted_endpoint_goes_unreported() -> None:
    """The endpoint deleted and re-created, the zone's CNAMEs still naming the old Regional name:
    both Snowflake names stop resolving. A gap, pinned: the collector does not read the records of
    a zone outside amazonaws.com, so the snapshot differs from the canonical one only in the
    endpoint's id, and DNS004, which finds stale endpoint targets, judges AWS service names only."""
    snapshot, ids = _built(zone_target="deleted")
    assert ids["deleted_endpoint"] in ids["cname_target"] and ids["endpoint"] not in ids["cname_target"]
    assert audit(snapshot) == _flow_log(ids) | _ports_unknown(ids)
    assert audit(snapshot, _configured(ids)) == _flow_log(ids)
    (zone,) = snapshot.accounts[0].regions[0].hosted_zones
    assert zone.record_sets_collected is False


def test_near_miss_group_admitting_only_80_unconfigured() -> None:
    """The endpoint group admits TCP 80 only: every HTTPS connection to Snowflake is refused.
    Unconfigured, SG003 and SG002 stay not evaluated — right: the port is unpublished, and the
    snapshot holds 80 as it holds 443."""
    snapshot, ids = _built(group_ports=(80,))
    assert audit(snapshot) == _flow_log(ids) | _ports_unknown(ids)


def test_near_miss_group_admitting_only_80_configured() -> None:
    """The same, 443 and 80 configured: SG003 fails, high — the drivers' HTTPS connections on 443
    are refused, and port 80 carries only the OCSP cache. Right, after a rule fix: a configured
    PrivateLink service's ports were taken as alternatives, any one serving; HTTPS, where
    configured, is now the port every client needs."""
    snapshot, ids = _built(group_ports=(80,))
    assert audit(snapshot, _configured(ids)) == _flow_log(ids) | {("SG003", ids["endpoint"], "fail")}
    assert severities(snapshot, _configured(ids))[("SG003", ids["endpoint"], "")] == "high"


def test_configured_ports_without_https_stay_alternatives() -> None:
    """The other side of the fix: with ports configured that do not include 443 (80 and 8080),
    a group admitting one of them serves, as before."""
    snapshot, ids = _built(group_ports=(80,))
    assert audit(snapshot, {ids["service"]: (80, 8080)}) == _flow_log(ids)


def test_near_miss_group_admitting_only_https() -> None:
    """The SageMaker guide's one described rule, HTTPS from the VPC: queries work and the OCSP
    cache on 80 is refused. Nothing beyond the canonical audit, configured or not. A gap, pinned:
    Snowflake's clients fail open by default ("OCSP Configuration", docs.snowflake.com/en/user-guide/ocsp,
    current page, read 2026-12-07: any OCSP error but a revoked certificate lets the connection
    through, with a warning), so a refused 80 weakens revocation checking rather than connections,
    and fail-close clients cannot connect; no rule reads a configured secondary port as wanted."""
    snapshot, ids = _built(group_ports=(443,))
    assert audit(snapshot) == _flow_log(ids) | _ports_unknown(ids)
    assert audit(snapshot, _configured(ids)) == _flow_log(ids)
