"""POL001 endpoint-policy-full-access."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.network.policy import is_full_access, policy_scope
from vpcaudit.rules._fixes import scope_endpoint_policy
from vpcaudit.rules._sorted import endpoints_by_id
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext


@rule(id="POL001", name="endpoint-policy-full-access", severity=Severity.MEDIUM,
      needs=(Part.VPC_ENDPOINTS, Part.ENDPOINT_SERVICES),
      references=(
          "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html",
          "https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html",
          "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html",
      ),
      seeds=("001",))
def endpoint_policy_full_access(ctx: RuleContext) -> Iterator[Finding]:
    """An AWS-service gateway or interface endpoint whose service supports endpoint policies has the full-access policy.

    Full access is no policy at all, or only the default statement (`Allow`, `Principal: *`,
    `Action: *`, `Resource: *`, no condition), compared after JSON parsing. PrivateLink, Gateway
    Load Balancer, Resource and ServiceNetwork endpoints are out of scope (AWS allows full access
    there by design); an endpoint whose service details were not collected is not evaluated.

    ## Why it matters
    The endpoint policy is the network perimeter's guardrail: it decides which principals may
    use the endpoint and for which resources. With full access, any credentials — including
    credentials of other AWS accounts, stolen or deliberately brought in — can use the private
    path to reach any resource of the service, e.g. copy data to an S3 bucket outside your
    organization without ever crossing the NAT gateway or its egress controls.

    ## How to fix
    Attach a policy that limits the endpoint to your organization (or accounts) and the
    resources your workloads use. For example, `endpoint-policy.json`:

    ```
    {
      "Version": "2012-10-17",
      "Statement": [{
        "Sid": "OwnOrganizationOnly",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "*",
        "Resource": "*",
        "Condition": {
          "StringEquals": {"aws:PrincipalOrgID": "<o-organization-id>", "aws:ResourceOrgID": "<o-organization-id>"}
        }
      }]
    }
    ```

    ```
    aws ec2 modify-vpc-endpoint --vpc-endpoint-id <vpce-id> --policy-document file://endpoint-policy.json
    ```

    `aws:ResourceOrgID` also blocks AWS-owned resources some services read through the endpoint
    (e.g. ECR layers in AWS-owned S3 buckets, Amazon Linux repositories): add statements for those
    resources where your workloads need them.
    """
    view = ctx.view
    for endpoint in endpoints_by_id(view):
        judged, reason = policy_scope(view, endpoint)
        full_access = judged and is_full_access(endpoint.policy_document)
        if not reason and not full_access:
            continue  # most endpoints: no resource to describe
        ref = ctx.ref("vpc-endpoint", endpoint.vpc_endpoint_id, endpoint.vpc_id, view.name_of(endpoint.tags))
        if reason:
            yield ctx.not_evaluated(ref, reason)
        if not full_access:
            continue
        key = view.service(endpoint).key
        how = "no policy document" if endpoint.policy_document is None else "the default Allow * / * / * statement"
        yield ctx.finding(
            ref, f"{endpoint.endpoint_type.lower()} endpoint {endpoint.vpc_endpoint_id} for {key} in "
                 f"{endpoint.vpc_id} has the full-access policy ({how}): any principal, including other accounts', "
                 f"can reach any {key} resource through it",
            evidence=evidence_dict(service=key, endpoint_type=endpoint.endpoint_type,
                                   policy="none" if endpoint.policy_document is None else "default full access"),
            fix=[scope_endpoint_policy(view, endpoint, "the endpoint admits everyone today")])
