"""POL005 endpoint-policy-allows-nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from vpcaudit.engine.remedy import FixStep, Phase, step
from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.network.policy import Policy, as_list, judged_policies, parse
from vpcaudit.network.policy_request import ElsewhereGrant, grants_elsewhere, place_elsewhere, region_elsewhere
from vpcaudit.network.services import partition
from vpcaudit.rules._fixes import account_scoped_policy, endpoint_context
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext
    from vpcaudit.engine.rule import ResourceRef
    from vpcaudit.snapshot import resources as r


@rule(id="POL005", name="endpoint-policy-allows-nothing", severity=Severity.HIGH,
      needs=(Part.VPC_ENDPOINTS, Part.ENDPOINT_SERVICES),
      references=(
          "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html",
          "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html",
          "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html",
          "https://docs.aws.amazon.com/bedrock/latest/userguide/geographic-cross-region-inference.html",
          "https://docs.amazonaws.cn/en_us/aws/latest/userguide/ARNs.html",
      ))
def endpoint_policy_allows_nothing(ctx: RuleContext) -> Iterator[Finding]:
    """An endpoint policy allows nothing, or nothing of some actions: it has no `Allow` statement
    (only `Deny` statements, a deny-list written as if the default full access still applied
    underneath), or the `Allow` statements of some actions name only resources of Regions other
    than the endpoint's (ARNs such as `arn:aws:bedrock:us-west-2::foundation-model/*` on an
    endpoint of us-east-1: a policy copied from another Region's deployment), or only resources of
    another partition (`arn:aws:s3:::bucket` on an endpoint of a China Region, whose resources are
    `arn:aws-cn:`: a policy copied from a commercial Region's walkthrough). Same scope as POL001:
    AWS-service gateway and interface endpoints whose service supports endpoint policies.

    An ARN counts as another Region's only when its Region segment cannot be the endpoint's
    service Region: `*`, `us-*` or a policy variable may be, and an ARN with no Region (S3
    buckets, IAM roles, the Region-less foundation models a global inference profile is
    authorized against) is no Region's. An action is reported when no other `Allow` statement may
    grant it (a statement with `NotAction` may grant any), so the documented cross-Region
    inference policy — the inference profile in the endpoint's Region, the foundation models of
    the destination Regions — is silent. An ARN counts as another partition's when its partition
    segment is written out (no wildcard, no policy variable) and is not the endpoint Region's: an
    ARN matches a resource segment by segment, the partition included.

    ## Why it matters
    An endpoint policy replaces the default full-access policy; it does not add to it. A request
    through the endpoint is allowed only when the endpoint policy allows it, so a policy of
    `Deny` statements alone denies every request: every call a client sends through the
    endpoint fails with `AccessDenied`, whatever its IAM permissions — on a gateway endpoint,
    all traffic of the route tables it serves; on an interface endpoint with private DNS, every
    SDK call to the service from the VPC. A `Deny` on `aws:SourceVpc` / `aws:SourceVpce` is a
    guardrail only next to an `Allow`.

    An endpoint of a Region carries requests to that Region's service, which act on that
    Region's resources: an `InvokeModel` sent to `bedrock-runtime.us-east-1.amazonaws.com` names
    a us-east-1 model, provisioned model or inference profile, and invoking a cross-Region
    inference profile takes an `Allow` of the profile in the source Region as well as of the
    destination Regions' models. An `Allow` naming only us-west-2's resources matches none of
    those requests, so the actions it names fail with `AccessDenied` while the statement reads as
    a scoped grant.

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

    For a policy naming another Region's resources, add the same ARNs in the endpoint's Region
    (`arn:aws:bedrock:us-east-1::foundation-model/*`) beside them; for another partition's, the
    same ARNs in the endpoint's partition (`arn:aws-cn:s3:::bucket`).
    """
    view = ctx.view
    for endpoint, policy in judged_policies(view):
        if not any(s.effect == "Allow" for s in policy.statements):
            yield _deny_only(ctx, endpoint, policy, _ref(ctx, endpoint))
            continue
        grant = grants_elsewhere(policy, view.service(endpoint).region)
        if grant is not None:
            yield _elsewhere(ctx, endpoint, policy, grant, _ref(ctx, endpoint))


def _ref(ctx: RuleContext, endpoint: r.VpcEndpoint) -> ResourceRef:
    """The endpoint as a finding's resource: built only for the few with something to report, as
    its name is looked up among the tags."""
    return ctx.ref("vpc-endpoint", endpoint.vpc_endpoint_id, endpoint.vpc_id, ctx.view.name_of(endpoint.tags))


def _deny_only(ctx: RuleContext, endpoint: r.VpcEndpoint, policy: Policy, ref: ResourceRef) -> Finding:
    """A policy of Deny statements alone: every request is denied."""
    denies = [s.label for s in policy.statements]
    key = ctx.view.service(endpoint).key
    return ctx.finding(
        ref,
        f"{endpoint.endpoint_type.lower()} endpoint {endpoint.vpc_endpoint_id} for {key} in {endpoint.vpc_id} has "
        f"a policy with no Allow statement ({', '.join(denies)}: Deny only), so it denies every request sent "
        "through it.",
        evidence=evidence_dict(service=key, endpoint_type=endpoint.endpoint_type, deny_statements=denies),
        fix=[_allow_beside_denies(ctx, endpoint)])


def _elsewhere(ctx: RuleContext, endpoint: r.VpcEndpoint, policy: Policy, grant: ElsewhereGrant,
               ref: ResourceRef) -> Finding:
    """An Allow naming only other Regions' resources: what it leaves unallowed, said as such."""
    info = ctx.view.service(endpoint)
    regions, statements = _places(grant), ", ".join(grant.statements)
    head = f"{endpoint.endpoint_type.lower()} endpoint {endpoint.vpc_endpoint_id} for {info.key} in {endpoint.vpc_id}"
    home = f" (partition {partition(info.region)})" if grant.partitions else ""
    premise = f"while every request through an endpoint of {info.region} acts on {info.region}'s resources{home}"
    if grant.everything:
        message = (f"{head} has a policy whose Allow statements ({statements}) name only resources of {regions}, "
                   f"{premise}: it denies every request sent through it.")
    else:
        actions = ", ".join(grant.actions)
        message = (f"{head} has a policy that allows {actions} only on resources of {regions} ({statements}), "
                   f"{premise}: it denies every such call sent through it.")
    return ctx.finding(
        ref, message,
        evidence=evidence_dict(service=info.key, endpoint_type=endpoint.endpoint_type, endpoint_region=info.region,
                               statements=list(grant.statements), regions=list(grant.regions),
                               partitions=list(grant.partitions) or None, actions=list(grant.actions) or None),
        fix=[_name_this_regions_resources(ctx, endpoint, policy, grant)])


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


def _name_this_regions_resources(ctx: RuleContext, endpoint: r.VpcEndpoint, policy: Policy,
                                 grant: ElsewhereGrant) -> FixStep:
    """The same policy with each other-Region statement also naming its ARNs in the endpoint's
    Region, beside the originals (they may be a cross-Region inference profile's destinations).
    Which Region's resources the clients mean is a decision."""
    region = ctx.view.service(endpoint).region
    places, copied = _places(grant), "another partition's" if grant.partitions else "another Region's"
    statements = [_also_in(s.raw, region) if s.label in grant.statements else s.raw for s in policy.statements]
    document = json.dumps({"Version": policy.document.get("Version", "2012-10-17"), "Statement": statements},
                          separators=(",", ":"))
    return step("ec2:ModifyVpcEndpoint", {"VpcEndpointId": endpoint.vpc_endpoint_id, "PolicyDocument": document},
                endpoint.vpc_endpoint_id, Phase.MODIFY,
                f"Name {region}'s resources beside those of {places} in "
                f"{', '.join(grant.statements)} of {endpoint.vpc_endpoint_id}'s policy",
                decision=f"confirm that the clients of this endpoint mean {region}'s resources (a policy copied from "
                         f"{copied} deployment), or drop the {places} ARNs",
                context=endpoint_context(endpoint))


def _places(grant: ElsewhereGrant) -> str:
    """The Regions and partitions a grant names, as a message says them."""
    return ", ".join([*grant.regions, *(f"the {p} partition" for p in grant.partitions)])


def _also_in(statement: dict[str, Any], region: str) -> dict[str, Any]:
    """``statement`` with its resource ARNs followed by the same ARNs in ``region``."""
    resources = [str(x) for x in as_list(statement["Resource"])]
    return {**statement, "Resource": list(dict.fromkeys([*resources, *(_in_region(x, region) for x in resources)]))}


def _in_region(arn: str, region: str) -> str:
    """``arn`` in ``region``: its partition ``region``'s where it named another (``arn:aws:s3:::b``
    seen from cn-north-1 becomes ``arn:aws-cn:s3:::b``), and its Region segment ``region`` where
    it named another Region."""
    parts = arn.split(":", 4)
    if place_elsewhere(arn, region) == ("partition", parts[1]):
        parts[1] = partition(region)
    if region_elsewhere(":".join(parts), region) is not None:
        parts[3] = region
    return ":".join(parts)
