"""Amazon ECS service discovery through an AWS Cloud Map private DNS namespace for Fargate tasks in
private subnets without NAT (Amazon ECS Developer Guide, "Service Discovery" and its tutorial):
every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result, region_view
from layouts import ecs_cloudmap_private_namespace
from layouts.ecs_cloudmap_private_namespace import NAMESPACE

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
DNS_SUPPORT_OFF = {"dns_support": False}
DNS_HOSTNAMES_OFF = {"dns_hostnames": False}
STALE_TASK = {"stale_task": True}
PUBLIC_DOMAIN = {"namespace": "example.com"}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return ecs_cloudmap_private_namespace.build(**options)  # type: ignore[arg-type]


def _advice(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the ECR, Logs and S3 endpoints keep AWS's default full-access
    policy (the ECS and ECR guides show scoped ones as an option); no flow log on the VPC."""
    return {*(("POL001", ids[e], "fail") for e in ("ecr.dkr", "ecr.api", "logs", "s3")),
            ("MON001", ids["vpc"], "fail")}


def _dns_support_off(ids: dict[str, str]) -> Triples:
    """Right, high: with ``enableDnsSupport`` off the Route 53 Resolver is off, so neither the
    namespace's zone (``myapplication.tutorial``) nor the endpoints' private names resolve; the ECS
    guide requires the VPC DNS attributes for service discovery, Route 53 requires both for
    private hosted zones."""
    return {("DNS001", ids["vpc"], "fail")}


def _dns_hostnames_off(ids: dict[str, str]) -> Triples:
    """Right, high: Route 53 requires ``enableDnsHostnames`` true to use private hosted zones, and
    PrivateLink requires it for private DNS; the Terraform example's ``aws_vpc`` leaves it at its
    default, false."""
    return {("DNS002", ids["vpc"], "fail")}


def _zone(snapshot: Snapshot) -> r.HostedZone:
    (zone,) = snapshot.accounts[0].regions[0].hosted_zones
    return zone


def test_the_namespace_zone_and_tasks_as_aws_reports_them() -> None:
    """The namespace's private zone, recorded as the collector records a zone whose name cannot
    answer for AWS service hostnames: associated with the VPC, record sets not read (the tasks'
    A records exist in Route 53, not in the snapshot). The tasks' interfaces are requester-managed
    ``interface`` ENIs described by their ECS attachment, and workloads."""
    snapshot, ids = _built()
    zone = _zone(snapshot)
    assert (zone.hosted_zone_id, zone.name) == (ids["zone"], NAMESPACE)
    assert [a.vpc_id for a in zone.vpcs] == [ids["vpc"]]
    assert (zone.record_sets, zone.record_sets_collected) == ((), False)
    view = region_view(snapshot)
    tasks = list(view.workload_enis(ids["vpc"]))
    assert sorted(e.network_interface_id for e in tasks) == sorted((ids["task1"], ids["task2"]))
    assert {(e.interface_type, e.requester_managed, e.group_ids, e.instance_id) for e in tasks} \
        == {("interface", True, (ids["task_sg"],), None)}
    assert all(e.description.startswith("arn:aws:ecs:us-east-1:123456789012:attachment/") for e in tasks)
    assert sorted(ip for e in tasks for ip in e.private_ip_addresses) == sorted((ids["task1_ip"], ids["task2_ip"]))


def test_findings_and_verdicts() -> None:
    """The canonical form: POL001 ×4 and MON001. Silent, rightly: DNS001/DNS002 (both attributes
    on), DNS003 (private DNS on for every interface endpoint), DNS004 (``tutorial`` shadows no AWS
    service hostname), DNS005 (AmazonProvidedDNS), DNS006 (no Resolver rule), SG003 (the endpoints
    admit the tasks' group), IFE001-IFE003 (endpoints in both AZs; ECR, Logs and the S3 gateway
    endpoint present), NAT and GWE rules (no NAT, S3 on the gateway endpoint)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _advice(ids)


def test_near_miss_dns_support_off() -> None:
    """``enableDnsSupport`` off: DNS001, naming the namespace's zone beside the endpoints."""
    snapshot, ids = _built(**DNS_SUPPORT_OFF)
    assert audit(snapshot) == _advice(ids) | _dns_support_off(ids)
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "DNS001"]
    assert finding.evidence["private_hosted_zones"] == [f"{ids['zone']} ({NAMESPACE})"]
    assert finding.severity.value == "high"


def test_near_miss_dns_hostnames_off() -> None:
    """``enableDnsHostnames`` off, as the Terraform example's VPC declares it: DNS002, naming the
    namespace's zone beside the endpoints."""
    snapshot, ids = _built(**DNS_HOSTNAMES_OFF)
    assert audit(snapshot) == _advice(ids) | _dns_hostnames_off(ids)
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "DNS002"]
    assert finding.evidence["private_hosted_zones"] == [f"{ids['zone']} ({NAMESPACE})"]


def test_near_miss_stale_task_record() -> None:
    """The second task gone while its A record stays in the zone: callers of
    ``myapplication.tutorial`` get its address among the answers (multivalue A, TTL 300) and
    half their connections time out. A gap, pinned: the audit is the canonical one. The zone's
    records are never collected — the collector reads records only of zones that can answer for
    AWS service hostnames — so nothing can compare them with the VPC's interfaces."""
    snapshot, ids = _built(**STALE_TASK)
    assert audit(snapshot) == _advice(ids)
    addresses = {ip for e in snapshot.accounts[0].regions[0].network_interfaces for ip in e.private_ip_addresses}
    assert ids["task1_ip"] in addresses and ids["task2_ip"] not in addresses
    assert _zone(snapshot).record_sets_collected is False


def test_near_miss_namespace_named_after_a_public_domain() -> None:
    """The namespace named ``example.com``, the company's public domain: from the VPC, public
    names under it that the private zone has no record for (``www.example.com``) get NXDOMAIN —
    Resolver does not fall back to public DNS unless the zone is of the ADVANCED tier with public
    DNS fallback on. A gap, pinned: the audit is the canonical one, and DNS004 rightly stays silent
    (``example.com`` covers no AWS service hostname). Split-view DNS is a documented use of the
    same name, and the snapshot records neither the public zone, nor the zone's tier, nor its
    fallback setting, so a finding would be advice at most."""
    snapshot, ids = _built(**PUBLIC_DOMAIN)
    assert audit(snapshot) == _advice(ids)
    assert _zone(snapshot).name == "example.com"
