"""POL005 endpoint-policy-allows-nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

from vpcaudit.engine.remedy import FixStep, Phase, step
from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.network.policy import as_list, judged_policies, parse
from vpcaudit.rules._fixes import account_scoped_policy, endpoint_context
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext
    from vpcaudit.snapshot import resources as r


@rule(id="POL005", name="endpoint-policy-allows-nothing", severity=Severity.HIGH,
      needs=(Part.VPC_ENDPOINTS, Part.ENDPOINT_SERVICES),
      references=(
          "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html",
          "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html",
      ))
def endpoint_policy_allows_nothing(ctx: RuleContext) -> Iterator[Finding]:
    """An endpoint policy has no `Allow` statement: only `Deny` statements (a deny-list written
    as if the default full access still applied underneath). Same scope as POL001: AWS-service
    gateway and interface endpoints whose service supports endpoint policies.

    ## Why it matters
    An endpoint policy replaces the default full-access policy; it does not add to it. A request
    through the endpoint is allowed only when the endpoint policy allows it, so a policy of
    `Deny` statements alone denies every request: every call a client sends through the
    endpoint fails with `AccessDenied`, whatever its IAM permissions — on a gateway endpoint,
    all traffic of the route tables it serves; on an interface endpoint with private DNS, every
    SDK call to the service from the VPC. A `Deny` on `aws:SourceVpc` / `aws:SourceVpce` is a
    guardrail only next to an `Allow`.

    ## How to fix
    Add the `Allow` the deny-list was meant to narrow, e.g. the default statement, and keep the
    `Deny` statements:

    ```
    {
      "Version": "2012-10-17",
      "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
        <the existing Deny statements>
      ]
    }
    aws ec2 modify-vpc-endpoint --vpc-endpoint-id <vpce-id> --policy-document file://endpoint-policy.json
    ```
    """
    view = ctx.view
    for endpoint, policy in judged_policies(view):
        if any(s.effect == "Allow" for s in policy.statements):
            continue  # something is allowed
        denies = [s.label for s in policy.statements]
        key = view.service(endpoint).key
        yield ctx.finding(
            ctx.ref("vpc-endpoint", endpoint.vpc_endpoint_id, endpoint.vpc_id, view.name_of(endpoint.tags)),
            f"{endpoint.endpoint_type.lower()} endpoint {endpoint.vpc_endpoint_id} for {key} in {endpoint.vpc_id} has "
            f"a policy with no Allow statement ({', '.join(denies)}: Deny only), so it denies every request sent "
            "through it.",
            evidence=evidence_dict(service=key, endpoint_type=endpoint.endpoint_type, deny_statements=denies),
            fix=[_allow_beside_denies(ctx, endpoint)])


def _allow_beside_denies(ctx: RuleContext, endpoint: r.VpcEndpoint) -> FixStep:
    """The same Deny statements after the account-scoped Allow (on an S3 endpoint, with the reads
    of AWS-owned buckets beside it: :func:`~vpcaudit.rules._fixes.account_scoped_policy`): the
    deny-list then narrows something. Which principals the Allow should admit is a decision."""
    info = ctx.view.service(endpoint)
    allow = json.loads(account_scoped_policy(ctx.view.account_id, service=info.key, region=info.region))["Statement"]
    denies = as_list(parse(endpoint.policy_document or "{}").get("Statement"))
    document = json.dumps({"Version": "2012-10-17", "Statement": [*allow, *denies]}, separators=(",", ":"))
    owned = (f" (and one for anyone's reads of the AWS-owned ECR layer and Amazon Linux repository buckets of "
             f"{info.region})" if info.key == "s3" else "")
    return step("ec2:ModifyVpcEndpoint", {"VpcEndpointId": endpoint.vpc_endpoint_id, "PolicyDocument": document},
                endpoint.vpc_endpoint_id, Phase.MODIFY,
                f"Add an Allow for principals of account {ctx.view.account_id}{owned} before the Deny statements of "
                f"{endpoint.vpc_endpoint_id}'s policy",
                decision="name the principals the endpoint should admit (this account, your organization) before "
                         "applying: today it admits nobody", context=endpoint_context(endpoint))
