"""Instances in private subnets without internet access running the unified CloudWatch agent,
installed through Systems Manager (``AWS-ConfigureAWSPackage``) and configured from Parameter Store,
behind the monitoring, logs, ec2 and Systems Manager interface endpoints and an S3 gateway endpoint
with AWS's data perimeter policy (CloudWatch User Guide, Systems Manager User Guide, AWS's data
perimeter policy examples): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache

from aws_layout import audit, audit_result, region_view, severities
from layouts import cloudwatch_agent_private
from layouts.cloudwatch_agent_private import (
    ACCOUNT,
    AL2023_REPOSITORY,
    AWS_OWNED_SID,
    CLOUDWATCH_AGENT_BUCKETS,
    DISTRIBUTOR_BUCKETS,
    ELSEWHERE,
    INTERFACE_SERVICES,
    ORG_ID,
    ORGS_TO_ORGS_SID,
    POL007_BUCKETS,
    PRIVATE_CIDRS,
    VPC_CIDR,
)
from policy_eval import agent_reads

from vpcaudit.network.policy_request import Answer
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
SSM_REQUIRED_ONLY = {"aws_owned": "ssm_required"}
ORG_ONLY = {"aws_owned": None}
NO_MONITORING = {"monitoring": False}
GROUP_ELSEWHERE = {"endpoint_sources": (ELSEWHERE,)}
POLICY_SERVICES = ("ssm", "monitoring", "logs", "ec2")  # ssmmessages and ec2messages take no endpoint policy
# What installing and running the agent reads from AWS-owned buckets through the S3 endpoint.
AGENT_PACKAGE_BUCKETS = (*DISTRIBUTOR_BUCKETS, *CLOUDWATCH_AGENT_BUCKETS)


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return cloudwatch_agent_private.build(**options)  # type: ignore[arg-type]


def _flow_log(ids: dict[str, str]) -> Triples:
    """Right, medium: no source creates a flow log, and the layout has none."""
    return {("MON001", ids["vpc"], "fail")}


def _default_policies(ids: dict[str, str], services: tuple[str, ...] = POLICY_SERVICES) -> Triples:
    """Right (advice), medium: ``ssm``, ``monitoring``, ``logs`` and ``ec2`` keep AWS's default
    full-access policy (the CloudWatch page says so of an endpoint created without one and offers a
    ``cloudwatch:PutMetricData``-only example). An organization that writes a perimeter policy for
    S3 would likely scope these too; the sample has ``default_endpoint_policy.json`` for that."""
    return {("POL001", ids[key], "fail") for key in services}


def _optional_kms(ids: dict[str, str]) -> Triples:
    """Right (advice), info: IFE003 ``session-manager:optional`` names ``kms`` only (``logs`` is
    here) — needed for KMS-encrypted sessions or SecureString parameters. The agent's
    configuration is a String parameter (the CloudWatch guide's ``AmazonCloudWatch-`` names)."""
    return {("IFE003", ids["vpc"], "fail")}


def _baseline(ids: dict[str, str], services: tuple[str, ...] = POLICY_SERVICES) -> Triples:
    return _flow_log(ids) | _default_policies(ids, services) | _optional_kms(ids)



def _reads(snapshot: Snapshot, endpoint_id: str, buckets: tuple[str, ...]) -> dict[str, tuple[Answer, Answer]]:
    """Per bucket: signed by this account's instance profile, and unsigned (AWS documents neither)."""
    return agent_reads(snapshot, endpoint_id, buckets, ACCOUNT, ORG_ID)

def test_the_snapshot_is_the_layout() -> None:
    """The guides' endpoints: six interface endpoints in both private subnets with private DNS,
    their group admitting TCP 443 from the two subnets; the S3 gateway endpoint's route on the only
    private table, no internet or NAT gateway; two instance interfaces, the only workloads; the S3
    policy: the sample's organization statement and its AWS-owned reads."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    assert {(len(endpoints[ids[k]].subnet_ids), endpoints[ids[k]].private_dns_enabled)
            for k in INTERFACE_SERVICES} == {(2, True)}
    assert endpoints[ids["ssmmessages"]].policy_document is None is endpoints[ids["ec2messages"]].policy_document
    s3 = endpoints[ids["s3"]]
    assert (s3.endpoint_type, s3.route_table_ids) == ("Gateway", (ids["private_rt"],))
    [table] = [t for t in region.route_tables if t.route_table_id == ids["private_rt"]]
    assert [r.target_id for r in table.routes if r.target_kind != "local"] == [ids["s3"]]
    assert region.internet_gateways == () and region.nat_gateways == ()
    group = next(g for g in region.security_groups if g.group_id == ids["endpoints_sg"])
    assert {(x.from_port, x.cidr_ipv4) for x in group.rules if not x.is_egress} == {(443, c) for c in PRIVATE_CIDRS}
    view = region_view(snapshot)
    instances = {ids["instance1_eni"], ids["instance2_eni"]}
    assert {e.network_interface_id for e in view.workload_enis(ids["vpc"])} == instances
    assert all(view.interfaces[e].instance_id and view.interfaces[e].interface_type == "interface"
               and not view.interfaces[e].requester_managed for e in instances)
    assert [s["Sid"] for s in json.loads(s3.policy_document)["Statement"]] == [ORGS_TO_ORGS_SID, AWS_OWNED_SID]


def test_findings_and_verdicts() -> None:
    """The canonical form: MON001, POL001 × 4, IFE003 (info). Silent, rightly: POL001/POL002 on the
    S3 endpoint (the organization statement is scoped by ``aws:PrincipalOrgID`` and
    ``aws:ResourceOrgID``; the AWS-owned one names objects and read actions), POL003/POL005,
    POL006 (no ``ecr.dkr``), POL007 (``aws-ssm-us-east-1`` and ``patch-baseline-snapshot-us-east-1``
    admitted); SG001-SG006 (443 from the instances' subnets, default egress); IFE001/IFE002 (both
    AZs); IFE003 required members (``ssm``, ``ssmmessages`` present); DNS rules (private DNS on);
    GWE/NAT/RT rules (no internet route, the S3 gateway endpoint routed); ACL001. Every read the
    agents make of AWS-owned buckets is admitted, signed or not."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)
    levels = severities(snapshot)
    assert levels[("IFE003", ids["vpc"], "session-manager:optional")] == "info"
    assert {levels[("POL001", ids[k], "")] for k in POLICY_SERVICES} == {"medium"}
    buckets = (*AGENT_PACKAGE_BUCKETS, *POL007_BUCKETS, AL2023_REPOSITORY)
    assert set(_reads(snapshot, ids["s3"], buckets).values()) == {(Answer.YES, Answer.YES)}


def test_near_miss_monitoring_endpoint_missing() -> None:
    """No ``monitoring`` endpoint: with no internet path, every ``PutMetricData`` of the agents
    fails (the CloudWatch guide: metrics need the CloudWatch endpoints), while logs still flow. A
    gap, pinned: the audit is the canonical one less POL001 on ``monitoring``. Hard to close from
    the snapshot alone — whether the agents publish metrics lives in their configuration in
    Parameter Store, which no collector reads; a ``logs`` endpoint next to Systems Manager's
    endpoints is as well an agent shipping logs only, or session logs. A CloudWatch-agent bundle
    (``monitoring`` and ``logs``, each required when its half of the configuration is used)
    would need that configuration."""
    snapshot, ids = _built(**NO_MONITORING)
    assert "monitoring" not in ids
    assert audit(snapshot) == _baseline(ids, ("ssm", "logs", "ec2"))


def test_near_miss_the_agent_package_buckets_refused() -> None:
    """``AllowRequestsToAWSOwnedResources`` trimmed to the two buckets POL007 judges
    (``aws-ssm-us-east-1``, ``patch-baseline-snapshot-us-east-1``): Run Command works, patching
    works, but ``AWS-ConfigureAWSPackage`` cannot download ``AmazonCloudWatchAgent`` —
    ``us-east-1-birdwatcher-prod`` and ``aws-ssm-document-attachments-us-east-1`` (the SSM guide's
    Distributor buckets) and ``amazoncloudwatch-agent-us-east-1`` (the sample's CloudWatch row) are
    refused however the request is made. A gap, pinned: the audit is the canonical one. POL007
    checks two buckets every managed node reads and is rightly silent about those; no rule asks
    about Distributor's, and none could tell from the snapshot that a Distributor package is
    installed (the association is not collected)."""
    snapshot, ids = _built(**SSM_REQUIRED_ONLY)
    assert audit(snapshot) == _baseline(ids)
    reads = _reads(snapshot, ids["s3"], (*AGENT_PACKAGE_BUCKETS, *POL007_BUCKETS))
    assert {reads[b] for b in AGENT_PACKAGE_BUCKETS} == {(Answer.NO, Answer.NO)}
    assert {reads[b] for b in POL007_BUCKETS} == {(Answer.YES, Answer.YES)}


def _org_only_fixed() -> tuple[Snapshot, dict[str, str]]:
    """The organization-only variant with POL007's fix applied to the S3 endpoint."""
    snapshot, ids = _built(**ORG_ONLY)
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "POL007"]
    (step,) = finding.fix
    region = snapshot.accounts[0].regions[0]
    endpoints = tuple(replace(e, policy_document=step.parameters["PolicyDocument"])
                      if e.vpc_endpoint_id == ids["s3"] else e for e in region.vpc_endpoints)
    return replace(snapshot, accounts=(replace(snapshot.accounts[0], regions=(
        replace(region, vpc_endpoints=endpoints),)),)), ids


def test_near_miss_organization_statement_only() -> None:
    """The sample's organization statement alone: AWS's buckets are in no customer's organization,
    so every AWS-owned read is refused. POL007 on the S3 endpoint, medium — right: the SSM guide's
    endpoint policy "must allow access to at least" Systems Manager's buckets, and its two required
    buckets are refused signed or unsigned. Its fix admits them, and the audit of the fixed policy
    is the canonical one."""
    snapshot, ids = _built(**ORG_ONLY)
    assert audit(snapshot) == _baseline(ids) | {("POL007", ids["s3"], "fail")}
    assert severities(snapshot)[("POL007", ids["s3"], "")] == "medium"
    assert set(_reads(snapshot, ids["s3"], (*AGENT_PACKAGE_BUCKETS, *POL007_BUCKETS)).values()) == {
        (Answer.NO, Answer.NO)}
    fixed, _ = _org_only_fixed()
    assert audit(fixed) == _baseline(ids)
    assert set(_reads(fixed, ids["s3"], POL007_BUCKETS).values()) == {(Answer.YES, Answer.YES)}


def test_pol007_fix_admits_the_distributor_buckets() -> None:
    """Right, after a rule fix (POL007's fix): its ``AWSOwnedBucketsRead`` added the SSM guide's
    buckets for modules, snapshots, agent updates, Windows documents and Patch Manager, but not
    ``<region>-birdwatcher-prod`` nor ``aws-ssm-document-attachments-<region>``, which the same page
    lists for ``AWS-ConfigureAWSPackage`` and AWS-owned Distributor packages: applied here, Run
    Command and patching worked again and the CloudWatch agent still could not be installed. Now
    the fix admits them too (``amazon-ssm-packages-<region>`` for agents before 2.2.45.0;
    ``aws-ssm-distributor-file-<region>`` in af-south-1 and eu-south-1)."""
    fixed, ids = _org_only_fixed()
    assert set(_reads(fixed, ids["s3"], DISTRIBUTOR_BUCKETS).values()) == {(Answer.YES, Answer.YES)}


def test_near_miss_endpoint_group_admits_no_instance() -> None:
    """The endpoints' group admitting 443 from 10.0.200.0/24, where no instance is: every agent
    call (Systems Manager, CloudWatch, CloudWatch Logs, EC2) times out. SG003 on all six interface
    endpoints, high — right: "TCP 443 is allowed only from 10.0.200.0/24", which holds no workload
    that may call them, while both instances' subnets do; its fix admits 10.0.0.0/16, which holds
    them (wider than the guide's \"private subnet of the managed instance\", and enough)."""
    snapshot, ids = _built(**GROUP_ELSEWHERE)
    unreachable = {("SG003", ids[k], "fail") for k in INTERFACE_SERVICES}
    assert audit(snapshot) == _baseline(ids) | unreachable
    levels = severities(snapshot)
    assert {levels[("SG003", ids[k], "")] for k in INTERFACE_SERVICES} == {"high"}
    finding = next(f for f in audit_result(snapshot).findings
                   if f.rule_id == "SG003" and f.resource.resource_id == ids["monitoring"])
    assert f"TCP 443 is allowed only from {ELSEWHERE}" in finding.message
    assert {s.parameters["IpPermissions"][0]["IpRanges"][0]["CidrIp"] for s in finding.fix} == {VPC_CIDR}
