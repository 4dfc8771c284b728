"""POL006 s3-endpoint-policy-blocks-ecr-layers."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from vpcaudit.engine.remedy import FixStep, Phase, step
from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.network.policy import Policy, Statement, as_list, judged_policies
from vpcaudit.network.policy_request import Answer, Request, Verdict, decide
from vpcaudit.network.services import partition
from vpcaudit.rules._fixes import AWS_OWNED_READS_SID, aws_owned_reads_statement, aws_owned_s3_objects, endpoint_context
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext
    from vpcaudit.snapshot import resources as r

# The endpoint whose presence says this VPC pulls container images from ECR through its S3 path.
ECR_IMAGES = "ecr.dkr"
# Condition keys of a layer download whose value is an AWS-owned account's, never this account's
# nor a trusted one's: the URL is "signed using a presigned URL, which is created by an Amazon ECR
# account", and the bucket is ECR's. Organization keys may be absent (or AWS's own organization).
FOREIGN_KEYS = frozenset({"aws:principalaccount", "aws:principalarn", "aws:resourceaccount", "aws:userid",
                          "aws:principalorgid", "aws:principalorgpaths", "aws:resourceorgid", "aws:resourceorgpaths"})
ORGANIZATION_ID = re.compile(r"\bo-[a-z0-9]{10,32}\b")
MAYBE_ABSENT = frozenset({"aws:principalorgid", "aws:principalorgpaths", "aws:resourceorgid", "aws:resourceorgpaths"})


@rule(id="POL006", name="s3-endpoint-policy-blocks-ecr-layers", severity=Severity.HIGH,
      needs=(Part.VPC_ENDPOINTS, Part.ENDPOINT_SERVICES),
      references=(
          "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html#ecr-minimum-s3-perms",
          "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html#ecr-setting-up-s3-gateway",
          "https://github.com/aws-samples/data-perimeter-policy-examples/blob/007f7e272f597e226fb426e4a97524d2b0d013f3/vpc_endpoint_policies/README.md",
          "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html",
      ))
def s3_endpoint_policy_blocks_ecr_layers(ctx: RuleContext) -> Iterator[Finding]:
    """An S3 gateway endpoint's policy refuses Amazon ECR's image layer downloads in a VPC that
    pulls images through an `ecr.dkr` interface endpoint.

    Fires when the VPC has an `ecr.dkr` endpoint and an S3 gateway endpoint on at least one of
    its route tables whose policy — evaluated as IAM does, an explicit `Deny` first — certainly
    refuses `s3:GetObject` on `prod-<region>-starport-layer-bucket` for a request signed by an
    Amazon ECR account (not this account, not a trusted account or organization) through the
    endpoint. Not evaluated when a statement tests what the snapshot cannot know (a principal ARN
    pattern, a tag, an account outside the trusted boundary): the rule never guesses the answer.
    Same scope as POL001 otherwise.

    ## Why it matters
    ECR keeps image layers in an AWS-owned S3 bucket and hands the client a URL presigned by an
    ECR account. Once the S3 gateway endpoint's route carries the subnet's S3 traffic, that
    download passes the endpoint policy, and a policy scoped to this account's principals
    (`aws:PrincipalAccount`, `aws:PrincipalOrgID`, `aws:ResourceAccount`) refuses it: every image
    pull from the VPC fails with `CannotPullContainerError` (ECS), `ErrImagePull` (EKS), while the
    ECR API calls succeed. It typically starts the day a data-perimeter policy is applied to the
    endpoint, and a Terraform plan shows it before then (`vpcaudit plan`).

    ## How to fix
    Let anyone read the layer bucket's objects through the endpoint, as the ECR guide's
    "minimum Amazon S3 bucket permissions" do (the fix also names the other AWS-owned buckets
    AWS documents: Amazon Linux and Amazon EMR repositories):

    ```
    {"Sid": "AWSOwnedBucketsRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
     "Resource": ["arn:aws:s3:::prod-<region>-starport-layer-bucket/*", …]}
    aws ec2 modify-vpc-endpoint --vpc-endpoint-id <vpce-id> --policy-document file://endpoint-policy.json
    ```

    A `Deny` statement that refuses the download must exempt those objects too (`NotResource`).
    """
    view = ctx.view
    for endpoint, policy in judged_policies(view):
        if endpoint.endpoint_type != "Gateway" or view.service(endpoint).key != "s3" or not endpoint.route_table_ids:
            continue
        pullers = sorted(e.vpc_endpoint_id for e in view.endpoints_of(endpoint.vpc_id, "Interface")
                         if view.service(e).key == ECR_IMAGES and not view.endpoint_ended(e))
        if not pullers:
            continue
        layers = f"arn:{partition(view.region_name)}:s3:::prod-{view.region_name}-starport-layer-bucket/"
        verdict = decide(policy, Request(
            "s3:GetObject", layers,
            # The URL is presigned with the credentials of an IAM principal of an ECR account, not by
            # a service principal: aws:PrincipalIsAWSService is false for it.
            known={"aws:sourcevpce": endpoint.vpc_endpoint_id, "aws:sourcevpc": endpoint.vpc_id,
                   "aws:securetransport": "true", "aws:principalisawsservice": "false"},
            foreign=FOREIGN_KEYS, maybe_absent=MAYBE_ABSENT, ours=_ours(ctx, endpoint)))
        ref = ctx.ref("vpc-endpoint", endpoint.vpc_endpoint_id, endpoint.vpc_id, view.name_of(endpoint.tags))
        download = (f"s3:GetObject on {layers}* presigned by an Amazon ECR account through gateway endpoint "
                    f"{endpoint.vpc_endpoint_id}")
        if verdict.allowed is Answer.UNKNOWN:
            yield ctx.not_evaluated(ref, f"whether the policy admits {download} cannot be told: {verdict.explain()} "
                                         "(a condition on a principal ARN pattern, a tag or an account neither this "
                                         "one nor trusted: trusted_accounts in vpcaudit.toml)")
        elif verdict.allowed is Answer.NO:
            yield ctx.finding(
                ref,
                f"S3 gateway endpoint {endpoint.vpc_endpoint_id} of {endpoint.vpc_id} refuses Amazon ECR image layer "
                f"downloads ({download}): {verdict.explain()}. Image pulls through {', '.join(pullers)} fail "
                "(CannotPullContainerError) although the ECR API answers.",
                evidence=evidence_dict(layer_objects=f"{layers}*", denied_by=verdict.denied_by or None,
                                       ecr_endpoints=pullers, route_tables=endpoint.route_table_ids),
                fix=[_admit_aws_owned_reads(ctx, endpoint, policy, verdict)])


def _ours(ctx: RuleContext, endpoint: r.VpcEndpoint) -> frozenset[str]:
    """Accounts and organizations an ECR account is certainly not of: this account, the trusted
    boundary, and every organization the policy names (a customer's policy never names the
    organization of AWS's own service accounts). An account the policy names that is neither
    this one nor trusted might be ECR's: a condition on it cannot be told."""
    return frozenset({ctx.view.account_id, *ctx.trust.account_ids, *ctx.trust.org_ids,
                      *ORGANIZATION_ID.findall(endpoint.policy_document or "")})


def _admit_aws_owned_reads(ctx: RuleContext, endpoint: r.VpcEndpoint, policy: Policy, verdict: Verdict) -> FixStep:
    """The policy with the AWS-owned buckets' reads allowed (replacing a statement of that Sid) and
    each refusing ``Deny`` of every resource narrowed to the others (``NotResource``). Ready when
    no ``Deny`` had to change: a Deny is someone's deliberate guardrail, so editing it is a decision."""
    region = ctx.view.region_name
    statements: list[Any] = []
    edited: list[str] = []
    kept: list[str] = []
    for statement in policy.statements:
        if statement.raw.get("Sid") == AWS_OWNED_READS_SID:
            continue
        if statement.label not in verdict.denied_by:
            statements.append(statement.raw)
        elif _of_every_resource(statement):
            statements.append({**{k: v for k, v in statement.raw.items() if k != "Resource"},
                               "NotResource": aws_owned_s3_objects(region)})
            edited.append(statement.label)
        else:
            statements.append(statement.raw)
            kept.append(statement.label)
    statements.append(aws_owned_reads_statement(region))
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
                endpoint.vpc_endpoint_id, Phase.MODIFY,
                f"Let {endpoint.vpc_endpoint_id} carry reads of the AWS-owned ECR layer, Amazon Linux and Amazon EMR "
                f"repository buckets of {region}",
                decision=decision, context=endpoint_context(endpoint))


def _of_every_resource(statement: Statement) -> bool:
    """A statement on every resource: ``Resource`` ``*`` or absent, and no ``NotResource``."""
    raw = statement.raw
    return "NotResource" not in raw and ("Resource" not in raw or "*" in as_list(raw["Resource"]))
