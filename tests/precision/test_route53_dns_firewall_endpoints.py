"""A Route 53 Resolver DNS Firewall walled garden (the Route 53 Developer Guide's "walled garden
example") associated with a VPC using interface endpoints with private DNS: every finding and its
verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result
from layouts import route53_dns_firewall_endpoints
from layouts.route53_dns_firewall_endpoints import INTERNET_RESOLVER, REGION, SERVICES, dns_firewall, firewall_answer

from vpcaudit.collectors.catalog import COLLECTORS
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
GUIDE_ALLOW_LIST = {"allow_aws": False}
BLOCK_FIRST = {"block_first": True}
SSMMESSAGES_PRIVATE_DNS_OFF = {"private_dns_off": ("ssmmessages",)}
ENDPOINT_NAMES = tuple(f"{key}.{REGION}.amazonaws.com" for key in SERVICES)


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return route53_dns_firewall_endpoints.build(**options)  # type: ignore[arg-type]


def _default_policies(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the S3 gateway endpoint and the ssm and logs endpoints keep AWS's
    default full-access policy (ssmmessages and ec2messages support none). DNS Firewall filters
    names, not what a principal may do through an endpoint."""
    return {("POL001", ids[key], "fail") for key in ("s3", "ssm", "logs")}


def _dynamodb_through_nat(ids: dict[str, str]) -> Triples:
    """Right (advice), low: ``*.amazonaws.com`` is allowed, so DynamoDB's public name resolves and
    its traffic leaves through the NAT gateways, paying their processing; no DynamoDB gateway
    endpoint."""
    return {("GWE003", ids["vpc"], "fail")}


def _session_manager_without_kms(ids: dict[str, str]) -> Triples:
    """Right (advice), info: the Session Manager endpoints without kms, needed only when sessions
    are encrypted with a KMS key."""
    return {("IFE003", ids["vpc"], "fail")}


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: no flow log. Resolver query logging, which records DNS Firewall's actions, is
    another thing and not judged."""
    return {("MON001", ids["vpc"], "fail")}


def _baseline(ids: dict[str, str]) -> Triples:
    return _default_policies(ids) | _dynamodb_through_nat(ids) | _session_manager_without_kms(ids) | _flow_logs(ids)


def test_the_walled_garden_answers_as_the_guide_says_and_is_not_collected() -> None:
    """As built: the endpoints' private DNS names and the approved domains are allowed, anything else
    is blocked with NODATA. None of it is in the snapshot: its Resolver part holds the VPC's
    Resolver rule associations only (the Internet Resolver here), and no collector calls a
    ``ListFirewall*`` operation."""
    snapshot, ids = _built()
    firewall = dns_firewall(ids["vpc"])
    assert [firewall_answer(firewall, name) for name in ENDPOINT_NAMES] == ["ALLOW"] * len(SERVICES)
    assert firewall_answer(firewall, "example.org") == "ALLOW"
    assert firewall_answer(firewall, "exfil.attacker.example.net") == "BLOCK/NODATA"
    (region,) = snapshot.accounts[0].regions
    assert [(a.resolver_rule_id, a.vpc_id) for a in region.resolver_rules] == [(INTERNET_RESOLVER, ids["vpc"])]
    operations = {op for collector in COLLECTORS.values() for op in collector.operations}
    assert not [op for op in operations if op.startswith("route53resolver:ListFirewall")]


def test_canonical_findings_and_verdicts() -> None:
    """POL001 ×3, GWE003, IFE003, MON001. Silent, rightly: DNS001/DNS002 (both attributes on),
    DNS003 (private DNS on everywhere), DNS004 (no zone), DNS005 (AmazonProvidedDNS), DNS006 (no
    FORWARD rule), IFE001/IFE002 (both AZs), SG003 (443 from the VPC's block), NAT002/NAT003 (a
    NAT gateway per AZ), GWE001/GWE002 (the S3 endpoint on both private tables), ACL001 (default
    NACL)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)


def test_near_miss_guide_allow_list_blocks_the_endpoint_names() -> None:
    """The guide's allow list as published (example.com, example.org), no AWS entry: every
    endpoint's private DNS name falls through to ``BlockAll`` and is answered NODATA, so the SSM
    and CloudWatch agents cannot resolve their endpoints, and Session Manager and the logs stop.
    A gap, pinned: the snapshot is the canonical one to the byte and so is the audit. It would
    take ListFirewallRuleGroupAssociations (per VPC), ListFirewallRules (per associated group)
    and ListFirewallDomains (per custom list) to evaluate each endpoint's private DNS name against
    the VPC's rule groups in priority order."""
    assert _built(**GUIDE_ALLOW_LIST)[0] == _built()[0]
    snapshot, ids = _built(**GUIDE_ALLOW_LIST)
    assert audit(snapshot) == _baseline(ids)
    firewall = dns_firewall(ids["vpc"], allow_aws=False)
    assert {firewall_answer(firewall, name) for name in ENDPOINT_NAMES} == {"BLOCK/NODATA"}
    assert firewall_answer(firewall, "example.com") == "ALLOW"


def test_near_miss_block_all_evaluated_first() -> None:
    """The guide's reordering step skipped: ``BlockAll`` (priority 100) before
    ``AllowSelectDomains`` (200), so every query is blocked, the approved domains and the endpoint
    names alike. A gap, pinned, for the same reason: the audit is the canonical one."""
    snapshot, ids = _built(**BLOCK_FIRST)
    assert snapshot == _built()[0]
    assert audit(snapshot) == _baseline(ids)
    firewall = dns_firewall(ids["vpc"], block_first=True)
    assert {firewall_answer(firewall, name) for name in (*ENDPOINT_NAMES, "example.com")} == {"BLOCK/NODATA"}


def _ssmmessages_unserved(ids: dict[str, str]) -> Triples:
    """Right, medium: private DNS off and no zone or Resolver rule for
    ``ssmmessages.us-east-1.amazonaws.com``, so it resolves to the public addresses (the walled
    garden allows ``*.amazonaws.com``) and Session Manager's channel leaves through the NAT
    gateways; the endpoint serves nothing."""
    return {("DNS003", ids["ssmmessages"], "fail")}


def test_near_miss_ssmmessages_private_dns_off() -> None:
    snapshot, ids = _built(**SSMMESSAGES_PRIVATE_DNS_OFF)
    assert audit(snapshot) == _baseline(ids) | _ssmmessages_unserved(ids)
    (dns003,) = [f for f in audit_result(snapshot).findings if f.rule_id == "DNS003"]
    assert "resolves to the public service addresses" in dns003.message
    assert firewall_answer(dns_firewall(ids["vpc"]), f"ssmmessages.{REGION}.amazonaws.com") == "ALLOW"
