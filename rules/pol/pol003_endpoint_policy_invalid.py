"""POL003 endpoint-policy-invalid."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vpcaudit.engine.remedy import Phase, step
from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.network.policy import problems
from vpcaudit.rules._fixes import endpoint_context
from vpcaudit.rules._sorted import endpoints_by_id
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext


@rule(id="POL003", name="endpoint-policy-invalid", severity=Severity.HIGH,
      needs=(Part.VPC_ENDPOINTS,),
      references=(
          "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html",
          "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html",
          "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html",
      ))
def endpoint_policy_invalid(ctx: RuleContext) -> Iterator[Finding]:
    """An endpoint's policy document is not valid JSON (after URL-decoding) or not an IAM policy.

    Not an IAM policy: not a JSON object, an unknown `Version`, no `Statement`, a statement that
    is not an object, an `Effect` other than `Allow` / `Deny`, no `Principal` (endpoint policies
    require one) or a principal that is neither `*` nor an object, no `Action` / `NotAction`, or
    a malformed `Condition`. Any endpoint type that carries a document is checked; ended
    (deleted, failed…) endpoints are not.

    ## Why it matters
    AWS rejects such documents, so a snapshot that holds one was edited by hand or produced by
    a broken tool — and no other policy rule can judge it: what the endpoint really allows is
    unknown until the document is fixed. Treat the snapshot (or the tool that wrote it) as
    suspect and read the live policy.

    ## How to fix
    Read the live policy:

    ```
    aws ec2 describe-vpc-endpoints --vpc-endpoint-ids <vpce-id> --query "VpcEndpoints[0].PolicyDocument" --output text
    ```

    Write a valid one (every statement needs `Effect`, `Principal`, `Action` and usually
    `Resource`) and apply it:

    ```
    aws ec2 modify-vpc-endpoint --vpc-endpoint-id <vpce-id> --policy-document file://endpoint-policy.json
    ```

    Or return to the default policy:

    ```
    aws ec2 modify-vpc-endpoint --vpc-endpoint-id <vpce-id> --reset-policy
    ```
    """
    view = ctx.view
    for endpoint in endpoints_by_id(view):
        if endpoint.policy_document is None or view.endpoint_ended(endpoint):
            continue
        found = problems(endpoint.policy_document)
        if not found:
            continue
        what = "is not valid JSON" if found[0].startswith("not valid JSON") else "is not an IAM policy"
        yield ctx.finding(
            ctx.ref("vpc-endpoint", endpoint.vpc_endpoint_id, endpoint.vpc_id, view.name_of(endpoint.tags)),
            f"the policy document of {endpoint.vpc_endpoint_id} ({endpoint.service_name}) {what}: {'; '.join(found)}",
            evidence=evidence_dict(problems=found, document_start=endpoint.policy_document[:80]),
            fix=[step("ec2:ModifyVpcEndpoint", {"VpcEndpointId": endpoint.vpc_endpoint_id, "ResetPolicy": True},
                      endpoint.vpc_endpoint_id, Phase.MODIFY,
                      f"Reset the policy of {endpoint.vpc_endpoint_id} to the default",
                      decision="read the live policy first: the snapshot may be edited, and the default policy "
                               "allows full access (POL001) until a valid scoped one replaces it",
                      context=endpoint_context(endpoint))])
