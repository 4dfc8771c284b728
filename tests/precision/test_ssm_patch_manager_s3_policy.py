"""Linux and Windows Server instances in private subnets without internet access, managed through the
Systems Manager interface endpoints and patched by Patch Manager, behind an S3 gateway endpoint whose
policy admits the organization's own buckets only (Systems Manager User Guide; AWS's data perimeter
policy examples): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache

from aws_layout import audit, audit_result, region_view, severities
from layouts import ssm_patch_manager_s3_policy
from layouts.ssm_patch_manager_s3_policy import (
    ACCOUNT,
    AL2023_REPOSITORY,
    AWS_OWNED_SID,
    INTERFACE_SERVICES,
    ORG_ID,
    ORGS_TO_ORGS_SID,
    OWN_BUCKETS_SID,
    SSM_AGENT_BUCKETS,
    s3_policy,
)
from policy_eval import agent_reads

from vpcaudit.network.policy_request import Answer
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
AWS_OWNED_READS = {"aws_owned_reads": True}
RESOURCE_ORG = {"scope": "resource_org"}
NO_S3_ENDPOINT = {"s3_endpoint": False}
# The buckets the agent reads on this VPC's instances (Linux and Windows Server; not macOS).
READ_BY_THE_AGENT = tuple(b for b in SSM_AGENT_BUCKETS if "macos" not in b)


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return ssm_patch_manager_s3_policy.build(**options)  # type: ignore[arg-type]


def _flow_log(ids: dict[str, str]) -> Triples:
    """Right, medium: none of the sources creates a flow log, and the layout has none."""
    return {("MON001", ids["vpc"], "fail")}


def _default_ssm_policy(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the ``ssm`` endpoint keeps AWS's default full-access policy (the guide
    offers an interface endpoint policy and leaves the default in place). An organization that
    writes a data perimeter policy for S3 would likely give ``ssm`` one too (the sample's
    ``ssm_endpoint_policy.json``). ``ssmmessages`` and ``ec2messages`` take no policy."""
    return {("POL001", ids["ssm"], "fail")}


def _optional_session_endpoints(ids: dict[str, str]) -> Triples:
    """Right (advice), info: IFE003 ``session-manager:optional``, ``kms`` and ``logs`` missing —
    the guide's optional endpoints (KMS-encrypted sessions or parameters; logs to CloudWatch
    Logs). Nothing here sends either."""
    return {("IFE003", ids["vpc"], "fail")}


def _baseline(ids: dict[str, str]) -> Triples:
    return _flow_log(ids) | _default_ssm_policy(ids) | _optional_session_endpoints(ids)


def _agent_buckets_refused(ids: dict[str, str]) -> Triples:
    """Right, after a rule change (POL007), medium: the S3 gateway endpoint on the instances' route
    table refuses ``s3:GetObject`` on ``aws-ssm-us-east-1`` and ``patch-baseline-snapshot-us-east-1``,
    signed by an instance role of this account or unsigned, in a VPC with ``ssm``, ``ec2messages``
    and ``ssmmessages``: patching and agent updates fail."""
    return {("POL007", ids["s3"], "fail")}



def _agent_reads(snapshot: Snapshot, endpoint_id: str) -> dict[str, tuple[Answer, Answer]]:
    """Per bucket the agent reads (and AL2023's repository), signed by this account's instance
    profile and unsigned: the two readings the module docstring leaves open."""
    return agent_reads(snapshot, endpoint_id, (*READ_BY_THE_AGENT, AL2023_REPOSITORY), ACCOUNT, ORG_ID)

def test_the_snapshot_is_the_layout() -> None:
    """The guide's endpoints: ``ssm``, ``ssmmessages``, ``ec2messages`` in both private subnets with
    private DNS, their group admitting TCP 443 from the two subnets; the S3 gateway endpoint's
    prefix-list route on the only private table, no internet or NAT gateway; four instance
    interfaces (Linux and Windows Server in each subnet), the only workloads; and the S3 policy:
    one statement on ``examplecorp-*`` for the organization's identities."""
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
    assert {(x.from_port, x.cidr_ipv4) for x in group.rules if not x.is_egress} == {
        (443, "10.0.1.0/24"), (443, "10.0.2.0/24")}
    view = region_view(snapshot)
    instances = {ids[f"{p}{az}_eni"] for p in ("linux", "windows") for az in (1, 2)}
    assert {e.network_interface_id for e in view.workload_enis(ids["vpc"])} == instances
    assert all(view.interfaces[e].instance_id and view.interfaces[e].interface_type == "interface"
               and not view.interfaces[e].requester_managed for e in instances)
    [statement] = json.loads(s3.policy_document)["Statement"]
    assert statement["Sid"] == OWN_BUCKETS_SID and statement["Condition"] == {
        "StringEquals": {"aws:PrincipalOrgID": ORG_ID}}


def test_findings_and_verdicts() -> None:
    """The canonical form: MON001, POL001 on ``ssm``, IFE003 (info), POL007 on the S3 endpoint
    (medium). Silent, rightly: POL001/POL002
    on the S3 endpoint (a scoped policy: ``aws:PrincipalOrgID`` on named buckets), POL003/POL005
    (a valid policy with an Allow), POL006 (no ``ecr.dkr``: nothing pulls images); SG001-SG006
    (443 from the instances' subnets, default egress); IFE001/IFE002 (both AZs); DNS003 (private
    DNS on); GWE/NAT/RT rules (no internet route, nothing to move off a NAT gateway); ACL001.
    POL007: see the next test."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids) | _agent_buckets_refused(ids)
    levels = severities(snapshot)
    assert levels[("IFE003", ids["vpc"], "session-manager:optional")] == "info"
    assert levels[("POL001", ids["ssm"], "")] == levels[("MON001", ids["vpc"], "")] == "medium"
    assert levels[("POL007", ids["s3"], "")] == "medium"


def test_the_policy_refuses_the_agents_buckets_and_pol007_says_so() -> None:
    """Right, after a rule change (POL007); a gap before it. The S3 endpoint's policy admits
    ``examplecorp-*`` only, so every read the agent makes of AWS's buckets through it is refused —
    ``aws-ssm-us-east-1`` and ``patch-baseline-snapshot-us-east-1`` (``AWS-RunPatchBaseline`` fails:
    "If the code can't be downloaded, the patch baseline command will fail"), ``amazon-ssm-us-east-1``
    (agent updates), ``aws-windows-downloads-us-east-1`` (Windows-only documents), the Distributor
    buckets — and dnf's reads of the AL2023 repository bucket too; signed by the instance profile or
    not, no statement matches the bucket. The VPC has no other path to S3. The Systems Manager guide
    says the endpoint policy "must allow access to at least" those buckets. POL007 fires on the S3
    endpoint, naming the two buckets every managed node reads, and its fix adds the guide's buckets
    to an ``AWSOwnedBucketsRead`` statement, which admits the agent's reads once applied. POL006
    stays silent: no ``ecr.dkr``. The AL2023 repository reads are still no rule's business."""
    snapshot, ids = _built()
    assert {t for t in audit(snapshot) if t[1] == ids["s3"]} == _agent_buckets_refused(ids)
    assert "POL006" not in {f.rule_id for f in audit_result(snapshot).findings}
    assert set(_agent_reads(snapshot, ids["s3"]).values()) == {(Answer.NO, Answer.NO)}
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "POL007"]
    assert finding.evidence["refused_objects"] == [f"arn:aws:s3:::{b}/*" for b in (
        "aws-ssm-us-east-1", "patch-baseline-snapshot-us-east-1")]
    (step,) = finding.fix
    region = snapshot.accounts[0].regions[0]
    endpoints = tuple(replace(e, policy_document=step.parameters["PolicyDocument"])
                      if e.vpc_endpoint_id == ids["s3"] else e for e in region.vpc_endpoints)
    fixed = replace(snapshot, accounts=(replace(snapshot.accounts[0], regions=(
        replace(region, vpc_endpoints=endpoints),)),))
    reads = _agent_reads(fixed, ids["s3"])
    assert {reads[b] for b in ("aws-ssm-us-east-1", "patch-baseline-snapshot-us-east-1", "amazon-ssm-us-east-1",
                                "aws-windows-downloads-us-east-1")} == {(Answer.YES, Answer.YES)}
    assert audit(fixed) == _baseline(ids)


def test_near_miss_the_guides_buckets_admitted() -> None:
    """The policy with ``AllowRequestsToAWSOwnedResources`` beside the organization's statement:
    ``s3:GetObject`` to ``Principal *`` on the objects of the SSM page's eight buckets in us-east-1
    and of the AL2023 repository bucket. Silent, rightly: the audit is the canonical one without
    POL007, which the admitted buckets silence; POL002 counts one read action on named objects as no
    wildcard, and every agent read is admitted."""
    snapshot, ids = _built(**AWS_OWNED_READS)
    assert audit(snapshot) == _baseline(ids)
    assert set(_agent_reads(snapshot, ids["s3"]).values()) == {(Answer.YES, Answer.YES)}
    sids = [s["Sid"] for s in json.loads(s3_policy(aws_owned_reads=True))["Statement"]]
    assert sids == [OWN_BUCKETS_SID, AWS_OWNED_SID]


def test_near_miss_resource_org_condition() -> None:
    """The data perimeter sample's ``AllowRequestsByOrgsIdentitiesToOrgsResources`` alone:
    ``Principal *``, ``Action *``, ``Resource *`` with ``aws:PrincipalOrgID`` and
    ``aws:ResourceOrgID`` of the organization — the sample without its AWS-owned exceptions. Right,
    after a rule change (POL007), as in the canonical form: AWS's buckets are in no customer's
    organization, so every agent read is refused, signed or not. POL002 silent, rightly (both
    conditions scope the wildcard statement)."""
    snapshot, ids = _built(**RESOURCE_ORG)
    assert audit(snapshot) == _baseline(ids) | _agent_buckets_refused(ids)
    [statement] = json.loads(s3_policy("resource_org"))["Statement"]
    assert statement["Sid"] == ORGS_TO_ORGS_SID
    assert set(_agent_reads(snapshot, ids["s3"]).values()) == {(Answer.NO, Answer.NO)}


def test_near_miss_no_s3_gateway_endpoint() -> None:
    """No S3 gateway endpoint, the rest in place: the instances have no path to S3 at all (no NAT,
    no internet gateway), so patching, agent updates and dnf fail as in the canonical form, and the
    guide's "required gateway endpoint for Systems Manager to access Amazon S3" is missing. A gap,
    pinned: the audit is the canonical one. IFE003's Session Manager / Run Command bundle has no
    S3 member, so its info finding names ``kms`` and ``logs`` and not S3; GWE002 judges S3 traffic
    through a NAT gateway, of which there is none."""
    snapshot, ids = _built(**NO_S3_ENDPOINT)
    assert "s3" not in ids
    assert audit(snapshot) == _baseline(ids)
    [finding] = [f for f in audit_result(snapshot).findings if f.rule_id == "IFE003"]
    assert "without the optional kms, logs endpoint(s)" in finding.message and "s3" not in finding.message
