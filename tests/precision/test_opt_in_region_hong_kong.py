"""A private workload VPC in the opt-in Region Asia Pacific (Hong Kong) reaching STS (Regional),
Systems Manager, CloudWatch Logs and ECR through interface endpoints and S3 through a gateway
endpoint, with no internet path (Account Management Reference Guide, "Enable or disable AWS
Regions"; IAM User Guide, "AWS STS Regions and endpoints"): every finding and its verdict
(docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result, region_view, severities
from layouts import opt_in_region_hong_kong
from layouts.opt_in_region_hong_kong import GLOBAL_STS, HTTPS, INTERFACE_KEYS, REGION, REGIONAL_STS

from vpcaudit import price_table
from vpcaudit.network.dns import authority, service_hostnames
from vpcaudit.snapshot.model import Part, Snapshot, State

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
NO_STS_ENDPOINT = {"sts_endpoint": False}
S3_ROUTE_ON_TWO_TABLES = {"s3_route_tables": 2}
ONE_SUBNET_ADMITTED = {"endpoint_source": "10.30.1.0/24"}
POLICY_KEYS = ("sts", "ssm", "logs", "ecr.api", "ecr.dkr")


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return opt_in_region_hong_kong.build(**options)  # type: ignore[arg-type]


def _flow_log(ids: dict[str, str]) -> Triples:
    """Right, medium: none of the pages creates a flow log, and the VPC has none."""
    return {("MON001", ids["vpc"], "fail")}


def _default_policies(ids: dict[str, str], keys: tuple[str, ...] = POLICY_KEYS) -> Triples:
    """Right (advice), medium: the endpoints that take a policy (``sts``, ``ssm``, ``logs``,
    ``ecr.api``, ``ecr.dkr``) and the S3 gateway keep AWS's default full-access policy;
    ``ssmmessages``/``ec2messages`` take none and are rightly not reported."""
    return {("POL001", ids[key], "fail") for key in (*keys, "s3_gateway")}


def _session_kms(ids: dict[str, str]) -> Triples:
    """Right (advice), info: Session Manager's endpoints are there without ``kms``, needed only if
    sessions are encrypted with a KMS key (``logs`` is present)."""
    return {("IFE003", ids["vpc"], "fail")}


def _baseline(ids: dict[str, str], keys: tuple[str, ...] = POLICY_KEYS) -> Triples:
    return _flow_log(ids) | _default_policies(ids, keys) | _session_kms(ids)


def test_the_snapshot_is_an_enabled_opt_in_region() -> None:
    """ap-east-1 as an account that has enabled it is collected: every part ``ok`` (a Region not
    enabled would carry ``opt_in_required`` on every part, ``collectors.assemble.not_enabled_region``);
    nothing else in the snapshot says the Region is opt-in — DescribeRegions' ``OptInStatus`` is read
    only to plan collection. The AZs are recorded as DescribeAvailabilityZones lists them:
    ``ape1-az1..3``, border group ``ap-east-1``, ``opt-in-not-required``. The catalogue and the
    endpoints are ``com.amazonaws.ap-east-1.<svc>``; the endpoints' interfaces are not workloads."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    assert region.region == REGION
    assert {s.state for s in region.status} == {State.OK} and region.has(Part.AVAILABILITY_ZONES)
    assert [(z.zone_name, z.zone_id, z.zone_type, z.network_border_group, z.opt_in_status)
            for z in region.availability_zones] == [
        (f"ap-east-1{c}", f"ape1-az{k}", "availability-zone", REGION, "opt-in-not-required")
        for k, c in enumerate("abc", start=1)]
    services = {s.service_name: s for s in region.endpoint_services}
    assert all(n.startswith("com.amazonaws.ap-east-1.") for n in services)
    assert services["com.amazonaws.ap-east-1.sts"].private_dns_names == (REGIONAL_STS,)
    assert services["com.amazonaws.ap-east-1.s3"].service_types == ("Gateway",)
    assert {i for s in services.values() for i in s.availability_zone_ids} == {"ape1-az1", "ape1-az2", "ape1-az3"}
    assert not region.internet_gateways and not region.nat_gateways
    view = region_view(snapshot)
    assert sorted(e.network_interface_id for e in view.workload_enis(ids["vpc"])) == sorted(
        ids[f"app{k}"] for k in (1, 2, 3))
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    assert all(view.service(endpoints[ids[k]]).region == REGION for k in INTERFACE_KEYS)


def test_findings_and_verdicts() -> None:
    """The canonical form: MON001, POL001 ×6 (medium), IFE003 ``session-manager:optional`` (info).
    Silent, rightly: DNS001-DNS005 (attributes on, private DNS on every interface endpoint, no zone,
    AmazonProvidedDNS); SG001-SG006 (443 from the workloads' group, all egress); IFE001/IFE002 (three
    AZs); IFE003's ECR bundle (``ecr.api``, ``ecr.dkr`` and the S3 gateway on every table); GWE001-003
    (no path beyond the VPC, S3 routed everywhere); NAT rules; RT001; ACL001. No rule reads whether
    the Region is default-enabled, and none needs to for this form."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)
    levels = severities(snapshot)
    assert levels[("IFE003", ids["vpc"], "session-manager:optional")] == "info"
    assert {levels[("POL001", ids[k], "")] for k in (*POLICY_KEYS, "s3_gateway")} == {"medium"}


def test_cost_figures_are_the_tables_default_for_ap_east_1() -> None:
    """ap-east-1 is listed in ``price_table.REGIONS``, but with no figure looked up: every price is
    the us-east-1 list price, labelled as the documented default (an interface endpoint in three AZs:
    $21.90 a month). Not Hong Kong's price; the report says so."""
    snapshot, ids = _built()
    entry = price_table.REGIONS[REGION]
    assert (entry.currency, dict(entry.looked_up)) == ("USD", {})
    assert entry.figures() == dict(price_table.US_EAST_1)
    result = audit_result(snapshot)
    (note,) = result.prices
    assert (note.region, note.currency, note.looked_up) == (REGION, "USD", ())
    assert "documented default, not looked up for this Region" in note.defaults
    line = next(c for c in result.costs if c.resource_id == ids["sts"])
    assert (line.az_count, line.monthly_fixed_usd, line.currency) == (3, 21.9, "USD")


def test_the_regional_sts_name_is_the_endpoints_and_the_global_one_is_public() -> None:
    """The Regional name resolves to the ``sts`` endpoint; ``sts.amazonaws.com`` resolves publicly,
    which the subnets cannot reach. Right as modelled in every Region: the endpoint's private DNS
    answers the Regional name only. In ap-east-1 the global name is worse off still — its requests
    are served by us-east-1 ("will not be deployed to opt-in Regions"), and version 1 tokens from it
    do not work in Hong Kong — but the model needs no opt-in flag to get this VPC right."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    assert REGIONAL_STS in service_hostnames(view) and GLOBAL_STS not in service_hostnames(view)
    regional = authority(view, ids["vpc"], REGIONAL_STS)
    assert (regional.kind, regional.endpoint.vpc_endpoint_id if regional.endpoint else None) == ("endpoint", ids["sts"])
    assert authority(view, ids["vpc"], GLOBAL_STS).kind == "public"


def test_near_miss_no_sts_endpoint_workloads_on_the_global_name() -> None:
    """No ``sts`` endpoint, the workloads' SDK on ``sts.amazonaws.com``. A gap, pinned: the audit is
    the canonical one less the ``sts`` endpoint's POL001. Every AssumeRole or GetCallerIdentity times
    out (both names public, no route out); with a way out, the global name would be served by
    us-east-1 and, at token version 1, its session tokens would fail in ap-east-1. Nothing can say
    so: no bundle starts from STS, which SDK a workload runs is in no EC2 record, and the snapshot
    holds neither the Region's opt-in status nor IAM's ``GlobalEndpointTokenVersion``."""
    snapshot, ids = _built(**NO_STS_ENDPOINT)
    assert "sts" not in ids
    assert audit(snapshot) == _baseline(ids, tuple(k for k in POLICY_KEYS if k != "sts"))
    view = region_view(snapshot)
    assert {authority(view, ids["vpc"], name).kind for name in (REGIONAL_STS, GLOBAL_STS)} == {"public"}


def test_near_miss_s3_route_missing_on_one_table() -> None:
    """The S3 gateway endpoint on two of the three tables. Right, medium: GWE001 on ``hk-private-3``,
    whose S3 traffic has no route. Right, high: IFE003 ``ecr:required`` — image layers come from S3,
    and that subnet has no S3 path and no way out."""
    snapshot, ids = _built(**S3_ROUTE_ON_TWO_TABLES)
    assert audit(snapshot) == _baseline(ids) | {("GWE001", ids["private3"], "fail")}
    levels = severities(snapshot)
    assert levels[("GWE001", ids["private3"], "s3")] == "medium"
    assert levels[("IFE003", ids["vpc"], "ecr:required")] == "high"


def test_near_miss_endpoint_group_admits_one_subnet() -> None:
    """The endpoints' group admitting TCP 443 from 10.30.1.0/24 only. A gap, pinned: the audit is the
    canonical one. The instances of ``hk-private-2`` and ``-3`` resolve every service to the endpoints
    (private DNS), are refused, and have no other way out: Session Manager, image pulls and logs stop
    there. SG003 rightly stays silent (one client gets in); SG006 leaves a rule naming a subnet of the
    VPC alone as "a choice"."""
    snapshot, ids = _built(**ONE_SUBNET_ADMITTED)
    group = next(g for g in snapshot.accounts[0].regions[0].security_groups if g.group_id == ids["endpoint_sg"])
    assert [(x.from_port, x.cidr_ipv4) for x in group.rules if not x.is_egress] == [(HTTPS, "10.30.1.0/24")]
    assert audit(snapshot) == _baseline(ids)
