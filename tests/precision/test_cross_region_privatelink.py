"""Cross-Region interface VPC endpoints from a private us-east-1 VPC to AWS KMS in us-west-2 and to
a partner's endpoint service hosted in us-west-2 (the AWS PrivateLink Guide's cross-Region pages):
every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result, region_view, severities
from layouts import cross_region_privatelink
from layouts.cross_region_privatelink import (
    CROSS_REGION_UNSUPPORTED_AZ_IDS,
    KMS_HOSTNAME,
    KMS_SERVICE,
    REGION,
    SERVICE_REGION,
)

from vpcaudit.network import view as view_module
from vpcaudit.network.dns import VpcResolver
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
ONE_AZ = {"kms_azs": (1,)}
APP_IN_AZ3 = {"app_in_az3": True}
PRIVATE_DNS_OFF = {"kms_private_dns": False}
ALSO_IN_REGION = {"in_region_kms": True}

@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return cross_region_privatelink.build(**options)  # type: ignore[arg-type]


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: neither guide's procedure creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _kms_policy_unknown(ids: dict[str, str]) -> Triples:
    """Right (not evaluated): POL001 on the KMS endpoint, which carries AWS's full-access default.
    Whether com.amazonaws.us-west-2.kms takes an endpoint policy is ``VpcEndpointPolicySupported``
    of its ServiceDetail, which only DescribeVpcEndpointServices with ``ServiceRegions`` us-west-2
    returns (the guide's ``--service-region``); the collector asks for the VPC's Region's catalogue
    only, so the rule rightly does not guess — the in-Region near miss shows it judges the same
    policy on com.amazonaws.us-east-1.kms."""
    return {("POL001", ids["kms"], "not_evaluated")}


def _partner_port_unknown(ids: dict[str, str]) -> Triples:
    """Right (not evaluated): SG003 on the partner's endpoint. Its group admits TCP 443 from the VPC,
    and whether that is the service's port only the provider's Network Load Balancer listener says,
    in the provider's account and Region; DescribeVpcEndpointServices publishes no port. SG002 on the
    group is judged — it also serves the KMS endpoint, whose port is 443."""
    return {("SG003", ids["partner"], "not_evaluated")}


def _baseline(ids: dict[str, str]) -> Triples:
    return _flow_logs(ids) | _kms_policy_unknown(ids) | _partner_port_unknown(ids)


def test_the_snapshot_is_the_guides_cross_region_consumer() -> None:
    """Both endpoints as DescribeVpcEndpoints reports them: ``ServiceRegion`` us-west-2, in both
    private subnets, the Regional DNS name only (no zonal names), the KMS endpoint's private DNS
    name; neither us-west-2 service in the listing (no ``ServiceRegions`` asked). The network model
    reads the KMS endpoint as AWS's KMS of us-west-2, port 443, hostname ``kms.us-west-2…``, its
    details unknown; the partner's as a PrivateLink service of us-west-2 without a port."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    kms, partner = endpoints[ids["kms"]], endpoints[ids["partner"]]
    assert {(e.service_region, e.state, e.subnet_ids) for e in (kms, partner)} \
        == {(SERVICE_REGION, "available", tuple(sorted((ids["private1"], ids["private2"]))))}
    assert [d.dns_name for d in kms.dns_entries][1:] == [KMS_HOSTNAME]
    (regional,) = partner.dns_entries
    assert f".{ids['service_id']}.{SERVICE_REGION}.vpce." in regional.dns_name
    listed = {s.service_name for s in region.endpoint_services}
    assert KMS_SERVICE not in listed and ids["service"] not in listed and f"com.amazonaws.{REGION}.kms" in listed
    view = region_view(snapshot)
    info = view.service(kms)
    assert (info.key, info.region, info.is_aws_service, info.details_known, info.hostnames, info.ports) \
        == ("kms", SERVICE_REGION, True, False, (KMS_HOSTNAME,), (443,))
    other = view.service(partner)
    assert (other.region, other.is_aws_service, other.ports) == (SERVICE_REGION, False, ())
    assert all(e.interface_type == "vpc_endpoint" and e.requester_managed
               for e in region.network_interfaces if e.network_interface_id in kms.network_interface_ids)


def test_findings_and_verdicts() -> None:
    """The canonical form: MON001; POL001 on the KMS endpoint and SG003 on the partner's not
    evaluated. Silent, rightly: IFE001/IFE002 (both endpoints in both AZs the app runs in, as the
    guide's "at least two Availability Zones" asks), IFE004 (available), IFE005 (one endpoint per
    service), DNS001/DNS002 (both on), DNS003 (KMS private DNS on; the partner's service has no
    private DNS name), SG001/SG002/SG004-SG006 (443 from the VPC, the app sends all traffic), NAT and
    GWE rules (no NAT gateway, no route out), RT001."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)


def test_the_service_regions_default_name_answers_from_the_endpoint() -> None:
    """Route 53 Resolver in the VPC answers ``kms.us-west-2.amazonaws.com`` from the cross-Region
    endpoint (the KMS guide: that name "would resolve to a VPC endpoint connected to service name
    com.amazonaws.us-west-2.kms"), and ``kms.us-east-1.amazonaws.com`` from public DNS — the VPC
    has no endpoint for it and no route out, which is the owner's choice (only us-west-2 keys)."""
    snapshot, ids = _built()
    resolver = VpcResolver.of(region_view(snapshot), ids["vpc"])
    answer = resolver.authority(KMS_HOSTNAME)
    assert (answer.kind, answer.endpoint.vpc_endpoint_id if answer.endpoint else None) == ("endpoint", ids["kms"])
    assert resolver.authority(f"kms.{REGION}.amazonaws.com").kind != "endpoint"


def test_cost_lines_price_the_endpoint_hours_alone() -> None:
    """Right for what they price: each cross-Region endpoint bills $0.01 per AZ-hour like any interface
    endpoint (2 AZs, $14.60 a month), in the VPC's Region. The inter-Region data transfer the
    traffic also pays is not a cost line — no metrics were collected, so no data cost is either."""
    snapshot, ids = _built()
    lines = {c.resource_id: c for c in audit_result(snapshot).costs}
    assert {(lines[ids[k]].az_count, lines[ids[k]].monthly_fixed_usd, lines[ids[k]].monthly_data_usd)
            for k in ("kms", "partner")} == {(2, 14.6, None)}


def test_near_miss_kms_endpoint_in_one_az() -> None:
    """The KMS endpoint in us-east-1a only, the app in a and b. Right: IFE001 and IFE002 fail,
    medium. The guide asks for "a cross Region enabled interface endpoint in at least two
    Availability Zones" and says "providers and consumers are not required to use the same
    Availability Zones" — every AZ of us-east-1 but use1-az3 takes one, so use1-az2, where half the
    app runs, is offered whatever the service's listing would say. An impairment of use1-az1 cuts
    the app off every us-west-2 key (PrivateLink "does not manage failover across Regions"), and
    use1-az2 crosses AZs on every call. Both were not evaluated ("the AZs where
    com.amazonaws.us-west-2.kms is offered are unknown"), the listing holding only us-east-1's
    services (rule wrong, fixed)."""
    snapshot, ids = _built(**ONE_AZ)
    single_az = {("IFE001", ids["kms"], "fail"), ("IFE002", ids["kms"], "fail")}
    assert audit(snapshot) == _baseline(ids) | single_az
    assert {severities(snapshot)[(rule, ids["kms"], "")] for rule in ("IFE001", "IFE002")} == {"medium"}


def test_near_miss_app_in_use1_az3() -> None:
    """A third private subnet in us-east-1c (use1-az3) with an app instance. Silent, rightly:
    "Cross Region access is not supported" in use1-az3 (both cross-Region pages), so neither
    endpoint can have an interface there and the use1-az3 instance crosses AZs whatever the owner
    does — the case IFE002 leaves alone for a service not offered in an AZ. IFE002 was not
    evaluated on both endpoints (rule wrong, fixed)."""
    snapshot, ids = _built(**APP_IN_AZ3)
    assert "use1-az3" in CROSS_REGION_UNSUPPORTED_AZ_IDS == view_module.CROSS_REGION_UNSUPPORTED_AZ_IDS
    assert audit(snapshot) == _baseline(ids)


def test_near_miss_kms_private_dns_off() -> None:
    """Private DNS off on the KMS endpoint while the SDK calls ``kms.us-west-2.amazonaws.com``:
    DNS003, medium — right: the name resolves in public DNS and the VPC has no route out, so every
    call fails (private DNS assumed to work cross-Region as in-Region, module docstring); the
    endpoint's Regional name is still answered, as the guide requires ("You must use regional DNS")."""
    snapshot, ids = _built(**PRIVATE_DNS_OFF)
    assert audit(snapshot) == _baseline(ids) | {("DNS003", ids["kms"], "fail")}
    assert severities(snapshot)[("DNS003", ids["kms"], "")] == "medium"
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "DNS003"]
    assert KMS_HOSTNAME in finding.message


def test_near_miss_kms_also_in_region() -> None:
    """An endpoint to com.amazonaws.us-east-1.kms beside the us-west-2 one, private DNS on for both:
    POL001 on the in-Region endpoint, medium — right (advice), AWS's full-access default on a
    listed service that takes policies. Silent, rightly: IFE005 (two services — the us-west-2 and
    us-east-1 KMS are different endpoints of different keys, grouped by service name and Region),
    DNS004 (the private names ``kms.us-east-1…`` and ``kms.us-west-2…`` do not overlap). The same
    default policy stays not evaluated on the cross-Region endpoint: its service is not listed."""
    snapshot, ids = _built(**ALSO_IN_REGION)
    assert audit(snapshot) == _baseline(ids) | {("POL001", ids["kms_local"], "fail")}
    resolver = VpcResolver.of(region_view(snapshot), ids["vpc"])
    assert resolver.authority(f"kms.{REGION}.amazonaws.com").endpoint.vpc_endpoint_id == ids["kms_local"]  # type: ignore[union-attr]
    assert resolver.authority(KMS_HOSTNAME).endpoint.vpc_endpoint_id == ids["kms"]  # type: ignore[union-attr]
