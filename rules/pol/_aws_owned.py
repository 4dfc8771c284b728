"""What the rules on reads of AWS-owned S3 buckets through an S3 endpoint share (POL006, POL007).

Why shared: both ask one policy whether a request that is not this account's own — an ECR layer
download presigned by an ECR account, SSM Agent's reads of Systems Manager's buckets — gets
through, with the same idea of which accounts and organizations such a request is certainly not
of, and both fix a refusal the same way: anyone may ``s3:GetObject`` the named AWS-owned objects
(the ``AWSOwnedBucketsRead`` statement of :mod:`vpcaudit.rules._fixes`), and a ``Deny`` of every
resource exempts them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from vpcaudit.engine.remedy import FixStep, Phase, step
from vpcaudit.network.policy import Policy, Statement, as_list
from vpcaudit.network.services import partition
from vpcaudit.rules._fixes import (
    AWS_OWNED_READS_SID,
    PATCH_BASELINE_SNAPSHOT_SUFFIXES,
    aws_owned_reads_statement,
    aws_owned_s3_objects,
    endpoint_context,
)

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext
    from vpcaudit.snapshot import resources as r

ORGANIZATION_ID = re.compile(r"\bo-[a-z0-9]{10,32}\b")
# Condition keys of a read through a URL an AWS service presigned (an ECR layer, a patch baseline
# snapshot) whose value is an AWS-owned account's, never this account's nor a trusted one's: the
# URL is signed with the credentials of a principal of the service's account, and the bucket is the
# service's. Organization keys may be absent (or AWS's own organization).
PRESIGNED_BY_AWS_KEYS = frozenset({"aws:principalaccount", "aws:principalarn", "aws:resourceaccount", "aws:userid",
                                   "aws:principalorgid", "aws:principalorgpaths", "aws:resourceorgid",
                                   "aws:resourceorgpaths"})
MAYBE_ABSENT_KEYS = frozenset({"aws:principalorgid", "aws:principalorgpaths", "aws:resourceorgid",
                               "aws:resourceorgpaths"})

# Systems Manager's AWS-owned buckets, as the Systems Manager User Guide names them.
#
# "Improve the security of EC2 instances by using VPC endpoints for Systems Manager"
# (https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html): the VPC
# endpoint policy "must allow access to at least" the buckets of "SSM Agent communications with AWS
# managed S3 buckets"; its earlier editions named two of them for Patch Manager, whose code "is
# retrieved and run on instances" ("If the code can't be downloaded, the patch baseline command
# will fail"): patch-baseline-snapshot-<region> and aws-ssm-<region>. Those two are what every
# Linux and Windows Server managed node reads, whatever it runs: aws-ssm-<region> holds "modules
# required for use with Systems Manager documents ... including both non-patching and patching
# operations" (AWS-RunPatchBaseline, AWS-UpdateSSMAgent, AWS-ConfigureWindowsUpdate…), and
# patch-baseline-snapshot-<region> the snapshots every patching document reads
# (https://docs.aws.amazon.com/systems-manager/latest/userguide/ssm-agent-technical-details.html#ssm-agent-minimum-s3-permissions).
SSM_REQUIRED = ("aws-ssm-{region}", "patch-baseline-snapshot-{region}{snapshot_suffix}")
# The other buckets of that page, feature-specific (the fix admits them; the rule fires on the two
# above): Windows-only documents, agent updates (the agent falls back to an HTTP download),
# AWS-ConfigureAWSPackage and the AWS-owned Distributor packages (the CloudWatch agent's among them:
# <region>-birdwatcher-prod, aws-ssm-document-attachments-<region>, and amazon-ssm-packages-<region>
# for agents before 2.2.45.0), and Patch Manager's per-Region document buckets for Linux / Windows
# Server and macOS (below).
SSM_FEATURE_BUCKETS = ("aws-windows-downloads-{region}", "amazon-ssm-{region}", "{region}-birdwatcher-prod",
                       "aws-ssm-document-attachments-{region}", "amazon-ssm-packages-{region}")
# The Regions whose Distributor files the page lists in aws-ssm-distributor-file-<region>.
DISTRIBUTOR_FILE_REGIONS = frozenset({"af-south-1", "eu-south-1"})
# The Regions whose patch baseline snapshot bucket carries a suffix: PATCH_BASELINE_SNAPSHOT_SUFFIXES
# (every S3 fix admits the two required buckets); …
# … and the suffix of each Region's aws-patch-manager-<region>-<suffix> (Linux and Windows Server)
# and aws-patchmanager-macos-<region>-<suffix> buckets (the same suffix for both; no bucket listed
# for other Regions, the China Regions among them).
PATCH_MANAGER_SUFFIXES = {
    "us-east-2": "552881074", "us-east-1": "1970c647d", "us-west-1": "8badb4304", "us-west-2": "34d7f99f8",
    "af-south-1": "bdd5f65a9", "ap-east-1": "632356271", "ap-south-2": "32f4b4128",
    "ap-southeast-3": "aa48fc462", "ap-southeast-4": "01e2c40d3", "ap-south-1": "cb7c62ff9",
    "ap-northeast-3": "67373598a", "ap-northeast-2": "10467995c", "ap-southeast-1": "7fdfd9ef7",
    "ap-southeast-2": "17283a275", "ap-northeast-1": "4849fa78f", "ca-central-1": "3148e69e3",
    "ca-west-1": "9e3a4b2f9", "eu-central-1": "9163fdaaf", "eu-west-1": "5522fb710", "eu-west-2": "902a2bc74",
    "eu-south-1": "c52f3f594", "eu-west-3": "29bf85721", "eu-south-2": "a4cf248b1", "eu-north-1": "795879e9b",
    "eu-central-2": "184ce43c8", "il-central-1": "e221cb57b", "me-south-1": "a53fc9dce",
    "me-central-1": "2932f2f80", "sa-east-1": "ddf4b6a09",
}


def ssm_required_buckets(region: str) -> list[str]:
    """The buckets every Linux and Windows Server managed node of ``region`` reads: the module
    bucket and the patch baseline snapshot bucket (with its suffix in the Regions that have one)."""
    suffix = PATCH_BASELINE_SNAPSHOT_SUFFIXES.get(region, "")
    return [name.format(region=region, snapshot_suffix=suffix) for name in SSM_REQUIRED]


def ssm_agent_s3_objects(region: str) -> list[str]:
    """ARNs of the objects of every Systems Manager bucket the guide lists for ``region``, in its
    partition: the required ones, then the feature-specific ones."""
    names = [*ssm_required_buckets(region), *(name.format(region=region) for name in SSM_FEATURE_BUCKETS)]
    if region in DISTRIBUTOR_FILE_REGIONS:
        names.append(f"aws-ssm-distributor-file-{region}")
    if suffix := PATCH_MANAGER_SUFFIXES.get(region):
        names += [f"aws-patch-manager-{region}-{suffix}", f"aws-patchmanager-macos-{region}-{suffix}"]
    return [f"arn:{partition(region)}:s3:::{name}/*" for name in names]


def ours(ctx: RuleContext, endpoint: r.VpcEndpoint) -> frozenset[str]:
    """Accounts and organizations an AWS-owned account or bucket is certainly not of: this account,
    the trusted boundary, and every organization the policy names (a customer's policy never names
    the organization of AWS's own service accounts). An account the policy names that is neither
    this one nor trusted might be AWS's: a condition on it cannot be told."""
    return frozenset({ctx.view.account_id, *ctx.trust.account_ids, *ctx.trust.org_ids,
                      *ORGANIZATION_ID.findall(endpoint.policy_document or "")})


def admit_aws_owned_reads(ctx: RuleContext, endpoint: r.VpcEndpoint, policy: Policy, denied_by: Iterable[str],
                          description: str, extra: Iterable[str] = ()) -> FixStep:
    """The policy with the AWS-owned buckets' reads allowed (replacing a statement of that Sid; the
    objects ``extra`` after the ones every S3 endpoint gets) and each refusing ``Deny`` (its label
    among ``denied_by``) of every resource narrowed to the others (``NotResource``). Ready when no
    ``Deny`` had to change: a Deny is someone's deliberate guardrail, so editing it is a decision."""
    region = ctx.view.region_name
    extra = list(extra)
    refusing = set(denied_by)
    statements: list[Any] = []
    edited: list[str] = []
    kept: list[str] = []
    for statement in policy.statements:
        if statement.raw.get("Sid") == AWS_OWNED_READS_SID:
            continue
        if statement.label not in refusing:
            statements.append(statement.raw)
        elif of_every_resource(statement):
            statements.append({**{k: v for k, v in statement.raw.items() if k != "Resource"},
                               "NotResource": list(dict.fromkeys([*aws_owned_s3_objects(region), *extra]))})
            edited.append(statement.label)
        else:
            statements.append(statement.raw)
            kept.append(statement.label)
    statements.append(aws_owned_reads_statement(region, extra))
    document = json.dumps({"Version": policy.document.get("Version", "2012-10-17"), "Statement": statements},
                          separators=(",", ":"))
    decision = None
    if edited or kept:
        decision = "; ".join(filter(None, (
            f"{', '.join(edited)} now exempts the AWS-owned buckets' objects (NotResource): confirm the Deny "
            "was not meant to cover them" if edited else "",
            f"{', '.join(kept)} names those objects among its resources: take them out of it, or the reads "
            "stay refused" if kept else "")))
    return step("ec2:ModifyVpcEndpoint", {"VpcEndpointId": endpoint.vpc_endpoint_id, "PolicyDocument": document},
                endpoint.vpc_endpoint_id, Phase.MODIFY, description, decision=decision,
                context=endpoint_context(endpoint))


def of_every_resource(statement: Statement) -> bool:
    """A statement on every resource: ``Resource`` ``*`` or absent, and no ``NotResource``."""
    raw = statement.raw
    return "NotResource" not in raw and ("Resource" not in raw or "*" in as_list(raw["Resource"]))
