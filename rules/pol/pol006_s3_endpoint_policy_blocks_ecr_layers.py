"""POL006 s3-endpoint-policy-blocks-ecr-layers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.network.policy import judged_policies
from vpcaudit.network.policy_request import Answer, Request, decide
from vpcaudit.network.services import partition
from vpcaudit.rules.pol._aws_owned import MAYBE_ABSENT_KEYS, PRESIGNED_BY_AWS_KEYS, admit_aws_owned_reads, ours
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext

# The endpoint whose presence says this VPC pulls container images from ECR through its S3 path.
ECR_IMAGES = "ecr.dkr"


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
            foreign=PRESIGNED_BY_AWS_KEYS, maybe_absent=MAYBE_ABSENT_KEYS, ours=ours(ctx, endpoint)))
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
                fix=[admit_aws_owned_reads(
                    ctx, endpoint, policy, verdict.denied_by,
                    f"Let {endpoint.vpc_endpoint_id} carry reads of the AWS-owned ECR layer, Amazon Linux and "
                    f"Amazon EMR repository buckets of {view.region_name}")])

