"""POL002 endpoint-policy-wildcard."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.network.policy import Statement, judged_policies
from vpcaudit.network.trust import KEY_SPELLING, TrustBoundary
from vpcaudit.rules._fixes import scope_endpoint_policy
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext


@rule(id="POL002", name="endpoint-policy-wildcard", severity=Severity.LOW,
      needs=(Part.VPC_ENDPOINTS, Part.ENDPOINT_SERVICES),
      references=(
          "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html",
          "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html#vpc-endpoint-policies-gateway",
          "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html",
      ),
      seeds=("001",))
def endpoint_policy_wildcard(ctx: RuleContext) -> Iterator[Finding]:
    """An endpoint policy that is not full access still opens the endpoint to everyone, or names
    principals a gateway endpoint ignores.

    Same scope as POL001. Fires for an `Allow` statement with `Principal: *` and a wildcard
    action (`*`, `svc:*`, or `NotAction`) or `Resource: *`, without a scoping condition
    (`aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`, `aws:PrincipalAccount`, `aws:PrincipalArn`,
    `aws:ResourceOrgID`, `aws:ResourceOrgPaths`, `aws:ResourceAccount` tested with a positive,
    non-`IfExists`, non-`ForAllValues` operator and a value other than `*`; or `Bool
    aws:PrincipalIsAWSService` true, which admits AWS service principals only, as AWS's data
    perimeter policies grant services). Also for a gateway-endpoint statement whose principal is
    not `*`.

    With a trusted boundary configured (`trusted_org_ids`, `trusted_accounts`), a scoping
    condition counts only when every value it accepts is inside it: an organization id or the
    organization of an org path that is trusted, an account id (or the account of a principal
    ARN) that is trusted or owns the endpoint. `aws:PrincipalOrgID = o-someoneelse`, or a
    wildcard in an organization or account id, is no guardrail, and the finding names the
    foreign value. Without a boundary, any concrete value scopes.

    ## Why it matters
    A statement that lets any principal perform any action (or touch any resource) through the
    endpoint is full access in all but name: credentials from outside your organization can use
    your private path to reach resources outside it. A condition naming someone else's
    organization or account, or a wildcard id, only looks like a guardrail. On gateway endpoints a named principal
    (`"AWS": "<account-id>"` or `arn:aws:iam::<account-id>:root`) does not mean "every role of
    the account": AWS documents that it grants only the account's root user, so the policy
    silently blocks your workloads or does not do what it says.

    ## How to fix
    Keep `Principal: *` and scope the statement with a condition, e.g. your organization:

    ```
    {
      "Version": "2012-10-17",
      "Statement": [{
        "Effect": "Allow",
        "Principal": "*",
        "Action": ["<service>:<Action>"],
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:PrincipalOrgID": "<o-organization-id>"}}
      }]
    }
    ```

    On a gateway endpoint name principals with `aws:PrincipalArn`
    (`"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::<account-id>:role/<role-name>"}`) instead of
    the `Principal` element. Then apply it:

    ```
    aws ec2 modify-vpc-endpoint --vpc-endpoint-id <vpce-id> --policy-document file://endpoint-policy.json
    ```
    """
    view = ctx.view
    for endpoint, policy in judged_policies(view):
        if policy.is_full_access():
            continue  # POL001
        gateway = endpoint.endpoint_type == "Gateway"
        issues: list[str] = []
        foreign: list[str] = []
        for statement in policy.statements:
            found, outside = _issues(statement, gateway=gateway, trust=ctx.trust, owner=endpoint.owner_id)
            issues += found
            foreign += outside
        if not issues:
            continue
        key = view.service(endpoint).key
        yield ctx.finding(
            ctx.ref("vpc-endpoint", endpoint.vpc_endpoint_id, endpoint.vpc_id, view.name_of(endpoint.tags)),
            f"{endpoint.endpoint_type.lower()} endpoint {endpoint.vpc_endpoint_id} for {key} in {endpoint.vpc_id}: "
            + "; ".join(issues),
            evidence=evidence_dict(service=key, endpoint_type=endpoint.endpoint_type, issues=issues,
                                   foreign_values=set(foreign) or None),
            fix=[scope_endpoint_policy(view, endpoint, "the statements were written for a purpose")])


def _issues(statement: Statement, *, gateway: bool, trust: TrustBoundary,
            owner: str) -> tuple[list[str], list[str]]:
    """The statement's problems, and the scoping values outside the trusted boundary ("key=value")."""
    issues: list[str] = []
    outside: list[str] = []
    if statement.effect == "Allow" and statement.principal_is_everyone:
        scoping = [(c, trust.foreign(c.key, c.values, owner)) for c in statement.scoping_conditions]
        wide = [f"Action {', '.join(statement.wildcard_actions)}"] if statement.wildcard_actions else []
        every = statement.wildcard_resource
        if every in ("*", "NotResource"):
            wide.append("Resource *" if every == "*" else "NotResource")
        elif every:
            wide.append(f"Resource {every} (every resource, in every account)")
        if wide and not scoping:
            issues.append(f"{statement.label} allows Principal * with {' and '.join(wide)} and no scoping "
                          "condition (aws:PrincipalOrgID, aws:PrincipalAccount, aws:PrincipalArn, aws:ResourceOrgID…)")
        elif wide and all(values for _, values in scoping):  # every scoping condition admits someone foreign
            outside = [f"{KEY_SPELLING.get(c.key, c.key)}={v}" for c, values in scoping for v in values]
            issues.append(f"{statement.label} allows Principal * with {' and '.join(wide)}, and its scoping "
                          f"conditions reach beyond the trusted boundary ({trust.describe()}, and the endpoint "
                          f"owner {owner}): {', '.join(outside)}")
    if gateway and not statement.principal_is_star:
        issues.append(f"{statement.label} names a principal other than *: on a gateway endpoint that applies to "
                      "the account root user only — use Principal * with an aws:PrincipalArn condition")
    return issues, outside
