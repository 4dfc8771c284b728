"""POL007 s3-endpoint-policy-blocks-ssm-buckets."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.network.policy import judged_policies
from vpcaudit.network.policy_request import Answer, Request, Verdict, decide
from vpcaudit.network.services import partition
from vpcaudit.rules.pol._aws_owned import (
    MAYBE_ABSENT_KEYS,
    PRESIGNED_BY_AWS_KEYS,
    admit_aws_owned_reads,
    ours,
    ssm_agent_s3_objects,
    ssm_required_buckets,
)
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext
    from vpcaudit.network.policy import Policy
    from vpcaudit.snapshot import resources as r

# The endpoints that say instances of the VPC are managed nodes reaching Systems Manager through it:
# ssm and one of the agent's message channels (IFE003's Session Manager / Run Command bundle).
SSM = "ssm"
MESSAGES = frozenset({"ec2messages", "ssmmessages"})
# Condition keys of the bucket: AWS's account, never this one nor a trusted one; AWS's buckets are
# in no customer's organization (the organization keys may be absent).
RESOURCE_KEYS = frozenset({"aws:resourceaccount", "aws:resourceorgid", "aws:resourceorgpaths"})
RESOURCE_MAYBE_ABSENT = frozenset({"aws:resourceorgid", "aws:resourceorgpaths"})
# Condition keys of the principal, which an unsigned request does not carry: "This key is included
# in the request context for all signed requests. Anonymous requests do not include this key"
# (IAM global condition context keys, aws:PrincipalAccount and the others here).
PRINCIPAL_KEYS = frozenset({"aws:principalaccount", "aws:principalarn", "aws:userid", "aws:principalorgid",
                            "aws:principalorgpaths", "aws:principalisawsservice"})
SIGNED = "signed by an instance role of this account"
UNSIGNED = "unsigned"
PRESIGNED = "through the URL Systems Manager presigns"
SNAPSHOTS = "patch-baseline-snapshot-"


@rule(id="POL007", name="s3-endpoint-policy-blocks-ssm-buckets", severity=Severity.MEDIUM,
      needs=(Part.VPC_ENDPOINTS, Part.ENDPOINT_SERVICES, Part.SUBNETS, Part.ROUTE_TABLES, Part.NETWORK_INTERFACES),
      references=(
          "https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html",
          "https://docs.aws.amazon.com/systems-manager/latest/userguide/ssm-agent-technical-details.html#ssm-agent-minimum-s3-permissions",
          "https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-operations-s3-buckets.html",
          "https://docs.amazonaws.cn/en_us/systems-manager/latest/userguide/ssm-agent-minimum-s3-permissions.html",
          "https://github.com/aws-samples/data-perimeter-policy-examples/blob/8e0d3c5179a45dca414d4ea1f3a7b544aba02009/service_owned_resources.md",
          "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html",
          "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html",
      ))
def s3_endpoint_policy_blocks_ssm_buckets(ctx: RuleContext) -> Iterator[Finding]:
    """An S3 gateway endpoint's policy refuses SSM Agent's reads of Systems Manager's AWS-owned
    buckets in a VPC whose instances are managed through Systems Manager's interface endpoints.

    Fires when the VPC has live `ssm` and `ec2messages` or `ssmmessages` interface endpoints, an
    S3 gateway endpoint on a route table that at least one EC2 instance's interface uses (its
    subnet's table), and that endpoint's policy — evaluated as IAM does, an explicit `Deny` first
    — certainly refuses `s3:GetObject` on `aws-ssm-<region>/*` or
    `patch-baseline-snapshot-<region>/*` (with its suffix in the Regions the guide lists, such as
    `patch-baseline-snapshot-me-south-1-uduvl7q8`; `arn:aws-cn:` in China) both for a request
    signed by an instance role of this account and for an unsigned one. AWS does not document
    which of the two the agent sends: when only one is refused, or a statement tests what the
    snapshot cannot know (a principal ARN pattern, a tag, the account's organization, an account
    outside the trusted boundary), the endpoint is not evaluated and the reason says which.

    ## Why it matters
    SSM Agent downloads the modules of Systems Manager's documents (`AWS-RunPatchBaseline`,
    `AWS-UpdateSSMAgent`, …) and the patch baseline snapshots from AWS-owned buckets of the
    Region. Once the S3 gateway endpoint's route carries the subnet's S3 traffic, those reads pass
    the endpoint policy, and a policy scoped to the organization's own buckets or principals
    (`aws:PrincipalOrgID`, `aws:ResourceOrgID`) refuses them: patching and agent updates fail
    ("If the code can't be downloaded, the patch baseline command will fail"), and so does any
    command that downloads from those buckets, while the node still registers and answers
    Session Manager. The Systems Manager guide says the endpoint policy "must allow access to at
    least" these buckets.

    ## How to fix
    Let anyone read Systems Manager's buckets of the Region through the endpoint, beside the other
    AWS-owned buckets an S3 endpoint serves (the `AWSOwnedBucketsRead` statement of the other
    policy fixes):

    ```
    {"Sid": "AWSOwnedBucketsRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
     "Resource": [… "arn:aws:s3:::aws-ssm-<region>/*", "arn:aws:s3:::patch-baseline-snapshot-<region>/*",
                  "arn:aws:s3:::amazon-ssm-<region>/*", "arn:aws:s3:::aws-windows-downloads-<region>/*", …]}
    aws ec2 modify-vpc-endpoint --vpc-endpoint-id <vpce-id> --policy-document file://endpoint-policy.json
    ```

    A `Deny` statement that refuses the reads must exempt those objects too (`NotResource`).
    """
    view = ctx.view
    region = view.region_name
    for endpoint, policy in judged_policies(view):
        if endpoint.endpoint_type != "Gateway" or view.service(endpoint).key != "s3" or not endpoint.route_table_ids:
            continue
        ssm_endpoints = _ssm_endpoints(ctx, endpoint.vpc_id)
        if not ssm_endpoints:
            continue
        nodes = _instances_routed_through(ctx, endpoint)
        if not nodes:
            continue
        readings = {bucket: _readings(ctx, endpoint, policy, bucket) for bucket in ssm_required_buckets(region)}
        refused = [b for b, read in readings.items() if all(v.allowed is Answer.NO for _, v in read)]
        ref = ctx.ref("vpc-endpoint", endpoint.vpc_endpoint_id, endpoint.vpc_id, view.name_of(endpoint.tags))
        arn = f"arn:{partition(region)}:s3:::"
        if refused:
            denied_by = tuple(dict.fromkeys(label for b in refused for _, v in readings[b] for label in v.denied_by))
            why = "; ".join(dict.fromkeys(v.explain() for b in refused for _, v in readings[b]))
            reads = "; ".join(f"{arn}{b}/* {' or '.join(how for how, _ in readings[b])}" for b in refused)
            yield ctx.finding(
                ref,
                f"S3 gateway endpoint {endpoint.vpc_endpoint_id} of {endpoint.vpc_id} refuses SSM Agent's reads of "
                f"Systems Manager's buckets ({reads}): {why}. Patching (AWS-RunPatchBaseline) and agent updates "
                f"fail on the {len(nodes)} instance interface(s) routed through it, although the nodes register "
                f"through {', '.join(ssm_endpoints)}.",
                evidence=evidence_dict(refused_objects=[f"{arn}{b}/*" for b in refused], denied_by=denied_by or None,
                                       ssm_endpoints=ssm_endpoints, route_tables=endpoint.route_table_ids,
                                       instance_interfaces=len(nodes)),
                fix=[admit_aws_owned_reads(
                    ctx, endpoint, policy, denied_by,
                    f"Let {endpoint.vpc_endpoint_id} carry reads of Systems Manager's buckets of {region} (SSM "
                    "Agent's modules, patch baseline snapshots, agent updates, Windows documents, Patch Manager's "
                    "documents) beside the AWS-owned ECR layer, Amazon Linux and Amazon EMR repository buckets",
                    extra=ssm_agent_s3_objects(region))])
            continue
        reason = _why_not_evaluated(readings, arn)
        if reason:
            yield ctx.not_evaluated(ref, reason)


def _ssm_endpoints(ctx: RuleContext, vpc_id: str) -> list[str]:
    """The VPC's live Systems Manager endpoints when they include ``ssm`` and a message channel."""
    view = ctx.view
    found = {e.vpc_endpoint_id: view.service(e).key for e in view.endpoints_of(vpc_id, "Interface")
             if view.service(e).key in MESSAGES | {SSM} and not view.endpoint_ended(e)}
    keys = set(found.values())
    return sorted(found) if SSM in keys and keys & MESSAGES else []


def _instances_routed_through(ctx: RuleContext, endpoint: r.VpcEndpoint) -> list[str]:
    """Interfaces of EC2 instances (the managed nodes) whose subnet's route table is one of the
    endpoint's: their S3 traffic takes it."""
    view = ctx.view
    tables = set(endpoint.route_table_ids)
    found = []
    for eni in view.workload_enis(endpoint.vpc_id):
        table = view.effective_route_table(eni.subnet_id) if eni.instance_id else None
        if table is not None and table.route_table_id in tables:
            found.append(eni.network_interface_id)
    return sorted(found)


def _readings(ctx: RuleContext, endpoint: r.VpcEndpoint, policy: Policy, bucket: str) -> list[tuple[str, Verdict]]:
    """How SSM Agent's read of the bucket's objects may reach the policy, each with its answer.

    The patch baseline snapshots are downloaded through the URL GetDeployablePatchSnapshotForInstance
    returns, "A pre-signed Amazon S3 URL" that Systems Manager signs (SSM API Reference): a
    principal of an AWS-owned account, like an ECR layer download. The modules bucket is read by
    the agent itself: "by default, SSM Agent connects to them using HTTP calls", and through a VPC
    endpoint "you must provide explicit permission in an Amazon EC2 instance profile" (SSM Agent
    communications with AWS managed S3 buckets) — unsigned or signed by the instance role, AWS does
    not say which when, so both are asked. Neither is known to be HTTPS, so ``aws:SecureTransport``
    is left unknown."""
    objects = f"arn:{partition(ctx.view.region_name)}:s3:::{bucket}/"
    through = {"aws:sourcevpce": endpoint.vpc_endpoint_id, "aws:sourcevpc": endpoint.vpc_id}
    mine = ours(ctx, endpoint)
    if bucket.startswith(SNAPSHOTS):
        presigned = Request("s3:GetObject", objects, known=through | {"aws:principalisawsservice": "false"},
                            foreign=PRESIGNED_BY_AWS_KEYS, maybe_absent=MAYBE_ABSENT_KEYS, ours=mine)
        return [(PRESIGNED, decide(policy, presigned))]
    role = {"aws:principalaccount": ctx.view.account_id, "aws:principalisawsservice": "false"}
    signed = Request("s3:GetObject", objects, known=through | role,
                     foreign=RESOURCE_KEYS, maybe_absent=RESOURCE_MAYBE_ABSENT, ours=mine)
    unsigned = Request("s3:GetObject", objects, known=through, foreign=RESOURCE_KEYS,
                       maybe_absent=RESOURCE_MAYBE_ABSENT, ours=mine, absent=PRINCIPAL_KEYS)
    return [(SIGNED, decide(policy, signed)), (UNSIGNED, decide(policy, unsigned))]


def _why_not_evaluated(readings: dict[str, list[tuple[str, Verdict]]], arn: str) -> str | None:
    """Why no certain answer, or None when every required read is admitted however it is made."""
    parts = []
    for bucket, read in readings.items():
        objects = f"s3:GetObject on {arn}{bucket}/*"
        refused = [(how, v) for how, v in read if v.allowed is Answer.NO]
        unclear = [(how, v) for how, v in read if v.allowed is Answer.UNKNOWN]
        if refused and len(refused) < len(read):
            how, verdict = refused[0]
            others = [(h, v) for h, v in read if v.allowed is not Answer.NO]
            fate = "; ".join(f"{'admits' if v.allowed is Answer.YES else f'may admit ({v.explain()})'} it {h}"
                             for h, v in others)
            parts.append(f"the policy refuses {objects} {how} ({verdict.explain()}) but {fate}, and AWS does not "
                         "document whether SSM Agent signs these reads")
        elif unclear:
            how, verdict = unclear[0]
            parts.append(f"whether the policy admits {objects} {how} cannot be told: {verdict.explain()} (a condition "
                         "on a principal ARN pattern, a tag, the account's organization or an account neither this "
                         "one nor trusted: trusted_accounts in vpcaudit.toml)")
    return "; ".join(parts) or None
