"""The consumer side of a partner's PrivateLink endpoint service with a verified private DNS name
(the VPC User Guide's interface endpoint and endpoint service pages): every finding and its
verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result, region_view, severities
from layouts import privatelink_partner_service
from layouts.privatelink_partner_service import PRIVATE_DNS_NAME, PROVIDER

from vpcaudit.network.dns import VpcResolver
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]


@cache
def _build(**kwargs: object) -> tuple[Snapshot, dict[str, str]]:
    return privatelink_partner_service.build(**kwargs)  # type: ignore[arg-type]


def _flow_log(ids: dict[str, str]) -> Triples:
    """Right, medium: neither the guide's consumer procedure nor the provider's creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _port_unknown(ids: dict[str, str]) -> Triples:
    """Right: SG003 on the endpoint and SG002 on its group are not evaluated. The group admits TCP
    443 from the VPC, and whether that is the service's port only the provider's Network Load
    Balancer listener says, in the provider's account: DescribeVpcEndpointServices publishes no
    port, and "An endpoint service supports IPv4 traffic over TCP only" bounds the protocol, not
    the port. Neither rule can tell a right group from a wrong one (the 8443 near miss is the same
    snapshot), so neither passes it — until the user configures the port the provider gave
    (``service-ports``), with which both judge the endpoint (the configured near misses below)."""
    return {("SG003", ids["endpoint"], "not_evaluated"), ("SG002", ids["endpoint_sg"], "not_evaluated")}


def test_the_snapshot_is_the_guides_consumer() -> None:
    """The builder against the guide: the endpoint to the partner's ``vpce-svc`` in both private
    subnets, private DNS on, accepted; the service as DescribeVpcEndpointServices lists it to an
    allowlisted consumer (the provider's account as Owner, Interface, the common AZs, the verified
    private DNS name, no endpoint policy); the network model reads it as a PrivateLink service
    with no port and the private DNS name as its hostname."""
    snapshot, ids = _build()
    region = snapshot.accounts[0].regions[0]
    (endpoint,) = region.vpc_endpoints
    assert (endpoint.endpoint_type, endpoint.service_name, endpoint.state, endpoint.private_dns_enabled,
            endpoint.policy_document) == ("Interface", ids["service"], "available", True, None)
    assert endpoint.subnet_ids == tuple(sorted((ids["private1"], ids["private2"])))
    assert [e.dns_name for e in endpoint.dns_entries][1:] == [PRIVATE_DNS_NAME]
    service = next(s for s in region.endpoint_services if s.service_name == ids["service"])
    assert (service.service_id, service.owner, service.service_types, service.availability_zone_ids,
            service.private_dns_names, service.vpc_endpoint_policy_supported) \
        == (ids["service_id"], PROVIDER, ("Interface",), ("use1-az1", "use1-az2"), (PRIVATE_DNS_NAME,), False)
    info = region_view(snapshot).service(endpoint)
    assert (info.is_aws_service, info.ports, info.hostnames) == (False, (), (PRIVATE_DNS_NAME,))


def test_findings_and_verdicts_of_the_guides_consumer() -> None:
    """MON001, and SG003/SG002 not evaluated (the port). Silent, rightly: IFE001/IFE002 (the
    endpoint in both AZs the service is offered in, where the app runs), IFE004 (available),
    POL001/DNS003 (a PrivateLink service: no endpoint policy, its own private DNS name), SG005
    (the app group sends all traffic), DNS001/DNS002 (both attributes on), NAT and GWE rules."""
    snapshot, ids = _build()
    assert audit(snapshot) == _flow_log(ids) | _port_unknown(ids)


def test_the_private_dns_name_answers_from_the_endpoint() -> None:
    """Route 53 Resolver in the consumer VPC answers ``api.partner.example.com`` from the
    endpoint's private DNS (the hosted zone AWS creates and associates, "Manage DNS names")."""
    snapshot, ids = _build()
    answer = VpcResolver.of(region_view(snapshot), ids["vpc"]).authority(PRIVATE_DNS_NAME)
    assert (answer.kind, answer.endpoint.vpc_endpoint_id if answer.endpoint else None) \
        == ("endpoint", ids["endpoint"])


def test_near_miss_endpoint_in_one_az() -> None:
    """The endpoint in use1-az1 only, the NLB in both AZs and the app in both: IFE001 and IFE002,
    medium — right: the service is offered in use1-az2 (its AvailabilityZoneIds), an impairment of
    use1-az1 cuts the app off, and the use1-az2 instance crosses AZs on every call; the guide's
    two-AZ diagram puts the consumer's endpoint "in the same two Availability Zones". The fix adds
    the use1-az2 subnet, ready."""
    snapshot, ids = _build(endpoint_azs=(1,))
    single_az = {("IFE001", ids["endpoint"], "fail"), ("IFE002", ids["endpoint"], "fail")}
    assert audit(snapshot) == _flow_log(ids) | _port_unknown(ids) | single_az
    levels = severities(snapshot)
    assert (levels[("IFE001", ids["endpoint"], "")], levels[("IFE002", ids["endpoint"], "")]) == ("medium", "medium")
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "IFE001"]
    (step,) = finding.fix
    assert (step.action, step.parameters["AddSubnetIds"], step.ready) \
        == ("ec2:ModifyVpcEndpoint", [ids["private2"]], True)


def test_near_miss_endpoint_in_one_az_service_not_listed() -> None:
    """The same, with the service left out of this account's DescribeVpcEndpointServices (the
    provider allowlisted another principal than the auditor): IFE001 and IFE002 not evaluated —
    right: where the partner's NLB serves is known only from the service's details."""
    snapshot, ids = _build(endpoint_azs=(1,), service_listed=False)
    unknown_azs = {("IFE001", ids["endpoint"], "not_evaluated"), ("IFE002", ids["endpoint"], "not_evaluated")}
    assert audit(snapshot) == _flow_log(ids) | _port_unknown(ids) | unknown_azs


def test_near_miss_service_on_8443_goes_unreported() -> None:
    """The partner listens on 8443 while the endpoint group admits 443 only: every connection is
    refused at the endpoint's interfaces, and the audit is the canonical one (SG003 and SG002 not
    evaluated). A gap in the snapshot, closed by configuration: the listener's port is in the
    provider's account, and no API of the consumer's returns it (the snapshot of this near miss is
    the canonical snapshot), but the consumer learns it from the provider and can say it once in
    ``service-ports`` — then SG003 and SG002 fire (the configured near misses below)."""
    snapshot, ids = _build(service_port=8443)
    assert ids["port"] == "8443"
    assert audit(snapshot) == _flow_log(ids) | _port_unknown(ids)
    assert snapshot.accounts[0].regions[0] == _build()[0].accounts[0].regions[0]


def test_near_miss_consumer_zone_for_the_parent_domain() -> None:
    """The consumer's own private hosted zone ``partner.example.com`` associated with the VPC,
    private DNS on for ``api.partner.example.com``: nothing — right. Resolver answers a name from
    the most specific zone that matches it, so the API name stays with the endpoint's zone and the
    consumer's zone answers its other hosts. (A zone named exactly after the private DNS name cannot
    be associated alongside: Route 53 refuses it with ConflictingDomainExists.)"""
    snapshot, ids = _build(consumer_zone="parent")
    assert audit(snapshot) == _flow_log(ids) | _port_unknown(ids)
    resolver = VpcResolver.of(region_view(snapshot), ids["vpc"])
    assert resolver.authority(PRIVATE_DNS_NAME).kind == "endpoint"
    assert resolver.authority("sftp.partner.example.com").kind == "zone"


def test_near_miss_pending_acceptance() -> None:
    """The provider has not accepted the connection: IFE004, medium — right: "After you create the
    interface endpoint, it's available to use when it's accepted by the service provider", and the
    endpoint bills "irrespective of the state of its association with the service" (PrivateLink
    pricing). The fix names the provider's AcceptVpcEndpointConnections with the service id from
    the listing, waiting for the provider."""
    snapshot, ids = _build(state="pendingAcceptance")
    assert audit(snapshot) == _flow_log(ids) | _port_unknown(ids) | {("IFE004", ids["endpoint"], "fail")}
    assert severities(snapshot)[("IFE004", ids["endpoint"], "")] == "medium"
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "IFE004"]
    (step,) = finding.fix
    assert (step.action, step.parameters["ServiceId"], step.ready) \
        == ("ec2:AcceptVpcEndpointConnections", ids["service_id"], False)


def test_near_miss_private_dns_off_goes_unreported() -> None:
    """Private DNS off while the service publishes a verified private DNS name: the app's calls to
    ``api.partner.example.com`` resolve in public DNS and leave the endpoint unused. A gap, pinned:
    DNS003 judges AWS services' endpoints only, and the endpoint-specific names are a documented way
    to reach an endpoint service ("By default, your consumers access the service with that DNS
    name"), so which name the app calls is not in the snapshot."""
    snapshot, ids = _build(private_dns=False)
    assert audit(snapshot) == _flow_log(ids) | _port_unknown(ids)


def _configured(ids: dict[str, str], port: int = 8443) -> dict[str, tuple[int, ...]]:
    """The port the partner gave the consumer, configured (``--service-port SERVICE=8443``)."""
    return {ids["service"]: (port,)}


def test_near_miss_service_on_8443_with_the_port_configured() -> None:
    """The partner listens on 8443, the group admits 443, and the audit is told 8443
    (``service-ports``): SG003 fires, high — right, every connection is refused at the endpoint's
    interfaces — and says the port was configured, not published; SG002 fires, medium — right, TCP
    443 serves nothing on this endpoint. The canonical snapshot, as before: only the setting says it."""
    snapshot, ids = _build(service_port=8443)
    configured = _configured(ids)
    wrong_port = {("SG003", ids["endpoint"], "fail"), ("SG002", ids["endpoint_sg"], "fail")}
    assert audit(snapshot, configured) == _flow_log(ids) | wrong_port
    levels = severities(snapshot, configured)
    assert (levels[("SG003", ids["endpoint"], "")], levels[("SG002", ids["endpoint_sg"], "")]) == ("high", "medium")
    result = audit_result(snapshot, configured)
    (finding,) = [f for f in result.findings if f.rule_id == "SG003"]
    assert f"TCP 8443 (configured for {ids['service']} in service-ports; the service publishes no port)" \
        in finding.message
    (step,) = finding.fix
    assert (step.action, step.parameters["IpPermissions"][0]["FromPort"]) == ("ec2:AuthorizeSecurityGroupIngress", 8443)


def test_near_miss_group_on_the_configured_port() -> None:
    """The group admits 8443, the port configured: nothing on the endpoint — right, SG003 and SG002
    now judge it and the group is the service's. The same group with 443 configured instead: both
    fire, so the configured port, not the group alone, decides."""
    snapshot, ids = _build(service_port=8443, group_ports=(8443,))
    assert audit(snapshot, _configured(ids)) == _flow_log(ids)
    assert audit(snapshot, _configured(ids, 443)) == _flow_log(ids) | {
        ("SG003", ids["endpoint"], "fail"), ("SG002", ids["endpoint_sg"], "fail")}


def test_near_miss_group_also_admitting_ssh() -> None:
    """The group admits 8443 and TCP 22 from the VPC, 8443 configured: SG002, medium — right, 22
    is no port of the service — naming TCP 22 alone; without the setting SG002 cannot tell which of
    the two is the service's (not evaluated)."""
    snapshot, ids = _build(service_port=8443, group_ports=(8443, 22))
    assert audit(snapshot, _configured(ids)) == _flow_log(ids) | {("SG002", ids["endpoint_sg"], "fail")}
    (finding,) = [f for f in audit_result(snapshot, _configured(ids)).findings if f.rule_id == "SG002"]
    assert "allows inbound TCP 22 from 10.0.0.0/16;" in finding.message
    assert f"TCP 8443 (configured for {ids['service']} in service-ports" in finding.message
    assert audit(snapshot) == _flow_log(ids) | _port_unknown(ids)


def test_a_configured_port_never_overrides_an_aws_service() -> None:
    """The setting reaches only the endpoints of the service it names, and only while that service
    publishes no port: another service's endpoint keeps its unknown port."""
    snapshot, ids = _build()
    other = ids["service"].replace(ids["service_id"], "vpce-svc-0123456789abcdef0")
    assert audit(snapshot, {other: (8443,)}) == _flow_log(ids) | _port_unknown(ids)
