"""Hybrid DynamoDB access: the gateway endpoint for the VPC, an interface endpoint (private DNS off:
DynamoDB offers none) for on-premises clients using its endpoint-specific names (DynamoDB Developer
Guide, "AWS PrivateLink for DynamoDB"): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result, region_view, severities
from layouts import dynamodb_interface_endpoint_hybrid
from layouts.dynamodb_interface_endpoint_hybrid import ON_PREMISES, REGIONAL_NAME

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
NO_GATEWAY = {"gateway_endpoint": False}
DNS_OVERRIDE = {"dns_override": True}
NO_ON_PREMISES_ROUTES = {"on_premises_routes": False}
TWO_AZS = {"interface_azs": 2}


@cache
def _built(**variant: object) -> Built:
    """Each variant built once: the snapshot is frozen, and several tests read it."""
    return dynamodb_interface_endpoint_hybrid.build(**variant)  # type: ignore[arg-type]


def _advice(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: both endpoints keep AWS's default full-access policy — the interface
    endpoint reached from on premises lets any principal at any table through it, where the guide
    shows a policy naming the tables — and no flow log covers the VPC."""
    found = {("POL001", ids["ddb_interface"], "fail"), ("MON001", ids["vpc"], "fail")}
    return found | ({("POL001", ids["ddb_gateway"], "fail")} if "ddb_gateway" in ids else set())


def _instances_cannot_send_to_it(ids: dict[str, str]) -> Triples:
    """Right, medium: here the instances do call the interface endpoint (the only way left to
    DynamoDB without a gateway endpoint or internet route is its endpoint-specific names, or the
    override zone answers the Regional name with it), and their group lets no HTTPS out to it."""
    return {("SG005", ids["app_sg"], "fail")}


def _no_gateway_endpoint(ids: dict[str, str]) -> Triples:
    """Right (advice), low: no DynamoDB gateway endpoint, so in-VPC DynamoDB traffic can only pay
    the interface endpoint's per-GB processing (GWE004), where a gateway endpoint is free. Its fix
    creates the gateway endpoint on the three tables and nothing else (private DNS is off)."""
    return {("GWE004", ids["ddb_interface"], "fail")}


def _on_premises_unrouted(ids: dict[str, str]) -> Triples:
    """Right, high and low: without the route to the virtual private gateway the endpoint's replies
    to 192.168.0.0/16 have nowhere to go, so its only clients are cut off (SG003: the admitted range
    holds no client; SG004: a source beyond the VPC that no route reaches). Both fixes are
    misdirected (see "Noticed and left alone"): they admit the VPC's CIDR, ready, where the route
    is what is missing."""
    return {("SG003", ids["ddb_interface"], "fail"), ("SG004", ids["endpoint_sg"], "fail")}


def test_as_published() -> None:
    """Nothing beyond the advice. Silent, rightly: SG003/SG004 (443 from the on-premises range,
    routed to the virtual private gateway), SG005 (the instances are no clients of the interface
    endpoint: with private DNS off — DynamoDB has none — they call the default Regional or
    account-based names, which resolve to DynamoDB's public addresses and leave by the gateway
    endpoint, "Using default Regional DynamoDB names, in-Amazon VPC applications send data to the
    gateway endpoint", "only your on-premises applications would use interface endpoints"; it
    fired on their group, which lets HTTPS out to DynamoDB's prefix list only — rule wrong, fixed),
    SG006 (no private DNS), GWE001-GWE004 (every table routes DynamoDB to the gateway endpoint; no
    NAT; private DNS off beside the gateway endpoint), IFE001/IFE002 (three AZs, as the guide
    recommends), DNS003 (DynamoDB's documented endpoint-specific names), DNS001/DNS002, POL002,
    ACL001, COST001."""
    snapshot, ids = _built()
    assert audit(snapshot) == _advice(ids)
    view = region_view(snapshot)
    assert view.serves_no_vpc_client(view.endpoints[ids["ddb_interface"]])


def test_dynamodb_offers_no_private_dns_and_the_vpc_takes_the_gateway_endpoint() -> None:
    """The catalogue entry has both types and no private DNS name; the endpoint has private DNS
    off, so the inbound-only special case S3 gets never applies to it; the three subnets' DynamoDB
    traffic takes the gateway endpoint."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    interface = view.endpoints[ids["ddb_interface"]]
    info = view.service(interface)
    assert (info.key, info.hostnames) == ("dynamodb", ())
    assert not interface.private_dns_enabled and not view.private_dns_inbound_only(interface)
    paths = {(p.subnet_id, p.kind, p.target_id) for p in audit_result(snapshot).paths if p.destination == "dynamodb"}
    assert paths == {(ids[f"private{n}"], "gateway-endpoint", ids["ddb_gateway"]) for n in (1, 2, 3)}


def test_gateway_endpoint_missing() -> None:
    """The advice, GWE004 and SG005 (right here). A gap, pinned: the endpoint's group admits
    HTTPS from on premises only, so even with egress opened the instances are refused — SG006
    judges only endpoints whose private DNS answers the VPC — and calls to the default names have
    no route at all (path none), which no rule reports (GWE003 counts only NAT-paid traffic)."""
    snapshot, ids = _built(**NO_GATEWAY)
    assert audit(snapshot) == _advice(ids) | _no_gateway_endpoint(ids) | _instances_cannot_send_to_it(ids)
    assert severities(snapshot)[("GWE004", ids["ddb_interface"], "")] == "low"
    [finding] = [f for f in audit_result(snapshot).findings if f.rule_id == "GWE004"]
    assert [s.action for s in finding.fix] == ["ec2:CreateVpcEndpoint"]
    kinds = {p.kind for p in audit_result(snapshot).paths if p.destination == "dynamodb"}
    assert kinds == {"none"}


def test_private_hosted_zone_override_copied_from_s3() -> None:
    """A private hosted zone for ``dynamodb.us-east-1.amazonaws.com`` aliasing the interface
    endpoint, with an inbound Resolver endpoint for on premises: the guide's "Do not create private
    hosted zones to override DynamoDB endpoint DNS names". SG005 is right here: SDKs on the
    Regional name now reach the interface endpoint and are refused. A gap, pinned: nothing else —
    no DNS004 (the zone is judged only for PrivateDnsNames, and DynamoDB lists none), no GWE004
    and no SG006 (they read only the endpoint's private DNS flag), and the paths still say the
    gateway endpoint, though the zone now answers the Regional name with the endpoint (the
    account-based names current SDKs prefer stay public: traffic splits by SDK)."""
    snapshot, ids = _built(**DNS_OVERRIDE)
    assert audit(snapshot) == _advice(ids) | _instances_cannot_send_to_it(ids)
    region = snapshot.accounts[0].regions[0]
    [zone] = region.hosted_zones
    assert zone.name == REGIONAL_NAME and [v.vpc_id for v in zone.vpcs] == [ids["vpc"]]
    kinds = {(p.kind, p.target_id) for p in audit_result(snapshot).paths if p.destination == "dynamodb"}
    assert kinds == {("gateway-endpoint", ids["ddb_gateway"])}


def test_on_premises_routes_missing() -> None:
    """SG003 (high) and SG004 (low), right."""
    snapshot, ids = _built(**NO_ON_PREMISES_ROUTES)
    assert audit(snapshot) == _advice(ids) | _on_premises_unrouted(ids)
    assert severities(snapshot)[("SG003", ids["ddb_interface"], "")] == "high"
    [finding] = [f for f in audit_result(snapshot).findings if f.rule_id == "SG003"]
    assert finding.evidence["non_client_sources"] == [ON_PREMISES]


def test_interface_endpoint_in_two_azs() -> None:
    """Nothing beyond the advice: the on-premises clients reach both AZs over the VPN; no instance
    calls this endpoint. IFE002 named use1-az4, where an instance runs, though that instance calls
    DynamoDB through the gateway endpoint (rule wrong, fixed). The guide's three-AZ recommendation
    is resilience advice IFE001 does not give for two AZs."""
    snapshot, ids = _built(**TWO_AZS)
    assert audit(snapshot) == _advice(ids)
