"""Centralized interface endpoints shared through a Route 53 Profile (AWS Networking blog, 2025):
every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result
from layouts.route53_profiles_dns import SERVICES, Variant, build, profile_vpcs

from vpcaudit.engine.result import Status
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
# ssmmessages and ec2messages support no endpoint policy, so POL001 never judges them.
POLICY_SERVICES = tuple(s for s in SERVICES if s not in ("ssmmessages", "ec2messages"))


@cache
def _built(variant: Variant) -> tuple[Snapshot, dict[str, str]]:
    return build(variant)


@cache
def _audited(variant: Variant) -> frozenset[tuple[str, str, str]]:
    return frozenset(audit(_built(variant)[0]))


def _default_policies(snapshot: Snapshot, ids: dict[str, str], services: tuple[str, ...] = POLICY_SERVICES) -> Triples:
    """Right (advice), medium: the hub's interface endpoints (and the spokes' S3 and DynamoDB
    gateway endpoints) keep AWS's default full-access policy; the blog sets none."""
    gateways = {e.vpc_endpoint_id for a in snapshot.accounts for reg in a.regions for e in reg.vpc_endpoints
                if e.endpoint_type == "Gateway"}
    assert len(gateways) == 4
    return {("POL001", e, "fail") for e in gateways | {ids[s] for s in services}}


def test_the_snapshot_is_what_route53_shows_each_account() -> None:
    """Route 53 leaves Profile associations out of ``ListHostedZonesByVPC`` and ``GetHostedZone``:
    the network account records each service zone with the hub VPC alone, the workload accounts
    record none, and the spokes the Profile serves appear nowhere."""
    snapshot, ids = _built(Variant.CANONICAL)
    network, *workloads = snapshot.accounts
    zones = network.regions[0].hosted_zones
    assert sorted(z.name for z in zones) == sorted(f"{s}.us-east-1.amazonaws.com" for s in SERVICES)
    assert {a.vpc_id for z in zones for a in z.vpcs} == {ids["hub"]}
    assert all(z.record_sets_collected for z in zones)
    assert [w.regions[0].hosted_zones for w in workloads] == [(), ()]
    assert profile_vpcs(Variant.CANONICAL, ids) == (ids["spoke1"], ids["spoke2"])


def test_canonical_findings_and_verdicts() -> None:
    """Only endpoint-policy advice. Silent, rightly: DNS003 on the hub's endpoints (the hub's own
    zones alias them), DNS004 (every zone's apex aliases a live endpoint), and the spokes, which
    hold no interface endpoint and, as far as the snapshot shows, no zone either."""
    snapshot, ids = _built(Variant.CANONICAL)
    assert _audited(Variant.CANONICAL) == _default_policies(snapshot, ids)
    assert not [f for f in audit_result(snapshot).findings if f.rule_id.startswith("DNS")]


def test_profile_missing_on_a_spoke_is_not_seen() -> None:
    """A gap, pinned. The Profile is not associated with the second spoke, whose SDKs then resolve
    the service names publicly and send them over the transit gateway's 0.0.0.0/0 (to central
    egress, or nowhere) instead of to the hub's endpoints. The snapshot is the canonical one to the
    byte: nothing records which VPCs a Profile is associated with (it would take
    ``route53profiles:ListProfileAssociations`` and ``ListProfileResourceAssociations``)."""
    assert _built(Variant.PROFILE_NOT_ON_SPOKE2)[0] == _built(Variant.CANONICAL)[0]
    assert _audited(Variant.PROFILE_NOT_ON_SPOKE2) == _audited(Variant.CANONICAL)


def _stale_kms_zone(ids: dict[str, str]) -> Triples:
    """Right, medium: the kms zone aliases an endpoint that is deleted; Resolver answers
    kms.us-east-1.amazonaws.com with addresses nothing listens on. Reported for the hub VPC only:
    the spokes that get the zone through the Profile suffer the same and are not named (gap)."""
    return {("DNS004", ids["zone-kms"], "fail")}


def _deleted_endpoint(ids: dict[str, str]) -> Triples:
    """Right, info: the endpoint is deleted; what still points at it is stale."""
    return {("IFE004", ids["kms"], "fail")}


def _session_manager_without_kms(ids: dict[str, str]) -> Triples:
    """Right (advice), info: the Session Manager endpoints remain without kms, needed only when
    sessions are encrypted with a KMS key."""
    return {("IFE003", ids["hub"], "fail")}


def test_stale_kms_record_in_the_profile() -> None:
    snapshot, ids = _built(Variant.STALE_KMS_RECORD)
    expected = (_default_policies(snapshot, ids, tuple(s for s in POLICY_SERVICES if s != "kms"))
                | _stale_kms_zone(ids) | _deleted_endpoint(ids) | _session_manager_without_kms(ids))
    assert _audited(Variant.STALE_KMS_RECORD) == expected
    (dns004,) = [f for f in audit_result(snapshot).findings if f.rule_id == "DNS004"]
    assert dns004.discriminator == ids["hub"]


def _spoke_sts_unserved(ids: dict[str, str]) -> Triples:
    """Right that the endpoint is unserved, with the reason misstated — a gap, pinned. Nothing
    sends sts's names to the spoke's own endpoint, so it is billed for nothing; but the message
    says sts.us-east-1.amazonaws.com "resolves to the public service addresses", while the
    Profile's zone answers it with the hub's sts endpoint. The spoke's account holds no zone
    (ListHostedZonesByVPC leaves Profile zones out) and the network account's sts zone lists the
    hub VPC alone, so no collected data ties the zone to the spoke."""
    return {("DNS003", ids["spoke1-sts"], "fail")}


def test_spoke_keeps_its_own_endpoint_with_private_dns_off() -> None:
    snapshot, ids = _built(Variant.SPOKE_STS_PRIVATE_DNS_OFF)
    expected = (_default_policies(snapshot, ids) | {("POL001", ids["spoke1-sts"], "fail")}
                | _spoke_sts_unserved(ids))
    assert _audited(Variant.SPOKE_STS_PRIVATE_DNS_OFF) == expected
    (dns003,) = [f for f in audit_result(snapshot).findings if f.rule_id == "DNS003"]
    assert dns003.status is Status.FAIL
    assert "resolves to the public service addresses" in dns003.message


def test_spoke_keeps_its_own_endpoint_with_private_dns_on() -> None:
    """Only the new endpoint's policy advice. Silent, rightly: whichever of the endpoint's private
    DNS and the Profile's ssm zone Resolver prefers, ssm.us-east-1.amazonaws.com reaches an ssm
    endpoint (the spoke's, or the hub's over the transit gateway). That the hub's endpoint is
    then unused by this spoke is not a fault."""
    snapshot, ids = _built(Variant.SPOKE_SSM_PRIVATE_DNS_ON)
    assert _audited(Variant.SPOKE_SSM_PRIVATE_DNS_ON) == (_default_policies(snapshot, ids)
                                                         | {("POL001", ids["spoke1-ssm"], "fail")})
