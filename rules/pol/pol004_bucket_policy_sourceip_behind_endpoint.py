"""POL004 bucket-policy-sourceip-behind-endpoint."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from vpcaudit.engine.remedy import Phase, placeholder, step
from vpcaudit.engine.rule import Finding, ResourceRef, Severity, evidence_dict, rule
from vpcaudit.network.policy import Policy, PolicyError, grants_vpc_traffic, source_ip_hazard
from vpcaudit.network.services import parse_service_name
from vpcaudit.network.view import ENDED_ENDPOINT_STATES
from vpcaudit.snapshot.model import GLOBAL_REGION, AccountSnapshot, Part
from vpcaudit.snapshot.shard import Fold

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext
    from vpcaudit.snapshot import resources as r

SHOWN_ENDPOINTS = 10


@rule(id="POL004", name="bucket-policy-sourceip-behind-endpoint", severity=Severity.MEDIUM,
      needs=(Part.BUCKET_POLICIES, Part.VPC_ENDPOINTS),
      references=(
          "https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies-vpc-endpoint.html",
          "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceip",
          "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html",
          "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html",
      ),
      seeds=("001",))
def bucket_policy_sourceip_behind_endpoint(ctx: RuleContext) -> Iterator[Finding]:
    """A bucket policy conditions on `aws:SourceIp` while S3 endpoints of the bucket's Region exist in the scan.

    Requests through a VPC endpoint carry no `aws:SourceIp`. High: a `Deny` with
    `NotIpAddress aws:SourceIp` (IAM: a negated operator matches a missing key) denies all
    endpoint traffic, unless the same statement also tests `aws:SourceVpce`, `aws:SourceVpc`,
    `aws:VpcSourceIp` or requires `aws:SourceIp` to exist. Medium: an `Allow` with
    `IpAddress aws:SourceIp` never grants endpoint traffic, unless another `Allow` of the policy
    grants by one of those VPC keys. Only S3 gateway or interface endpoints of the bucket's own
    Region count: endpoints serve same-Region buckets. Each bucket is reported once, in its
    Region's scope.

    ## Why it matters
    Moving S3 traffic from a NAT gateway to a VPC endpoint changes what the bucket sees: the
    request no longer comes from the NAT's public address, and `aws:SourceIp` is simply absent.
    An IP allow-list then stops granting access to the workloads it was written for, and an
    IP-based deny ("deny unless from our addresses") blocks every request through the endpoint —
    typically discovered as a production outage right after the endpoint is added.

    ## How to fix
    Condition on the VPC or endpoint instead of (or besides) the IP, e.g. deny unless the
    request comes through your endpoint or from your addresses:

    ```
    {
      "Sid": "DenyOutsideOurNetwork",
      "Effect": "Deny",
      "Principal": "*",
      "Action": "s3:*",
      "Resource": ["arn:aws:s3:::<bucket>", "arn:aws:s3:::<bucket>/*"],
      "Condition": {
        "NotIpAddress": {"aws:SourceIp": "<public-cidr>"},
        "StringNotEquals": {"aws:SourceVpce": "<vpce-id>"}
      }
    }
    ```

    ```
    aws s3api get-bucket-policy --bucket <bucket> --query Policy --output text > policy.json
    aws s3api put-bucket-policy --bucket <bucket> --policy file://policy.json
    ```

    Use `aws:VpcSourceIp` to match private client addresses behind the endpoint.
    """
    regions = sorted(reg.region for reg in ctx.account.regions if reg.region != GLOBAL_REGION)
    for bucket in sorted(ctx.account.bucket_policies, key=lambda b: b.bucket):
        home = bucket.region if bucket.region in regions else (regions[0] if regions else None)
        if bucket.policy is None or home != ctx.region.region:
            continue
        endpoints = ctx.shared.get(_s3_endpoints, bucket.region)
        if not endpoints:
            continue
        ref = ctx.ref("bucket", bucket.bucket, None, bucket.bucket)
        try:
            policy = Policy.from_text(bucket.policy)
        except PolicyError as exc:
            yield ctx.not_evaluated(ref, f"the policy of bucket {bucket.bucket} is {exc}")
            continue
        finding = _judge(ctx, ref, bucket, policy, endpoints)
        if finding is not None:
            yield finding


def _judge(ctx: RuleContext, ref: ResourceRef, bucket: r.BucketPolicy, policy: Policy,
           endpoints: tuple[str, ...]) -> Finding | None:
    denies = [s for s in policy.statements if source_ip_hazard(s) == "deny-always-matches"]
    allows = [s for s in policy.statements if source_ip_hazard(s) == "allow-never-matches"]
    if allows and any(grants_vpc_traffic(s) for s in policy.statements):
        allows = []  # endpoint traffic is granted by aws:SourceVpce / aws:SourceVpc / aws:VpcSourceIp
    if not denies and not allows:
        return None
    shown = ", ".join(endpoints[:SHOWN_ENDPOINTS]) + (f" and {len(endpoints) - SHOWN_ENDPOINTS} more"
                                                      if len(endpoints) > SHOWN_ENDPOINTS else "")
    where = f"S3 endpoints of {bucket.region or 'the scanned Regions'} ({shown})"
    if denies:
        labels = ", ".join(s.label for s in denies)
        message = (f"bucket {bucket.bucket}: {labels} denies requests whose aws:SourceIp is outside its list; "
                   f"requests through the {where} carry no aws:SourceIp, so it denies all of them")
        severity = Severity.HIGH
    else:
        labels = ", ".join(s.label for s in allows)
        message = (f"bucket {bucket.bucket}: {labels} allows only listed aws:SourceIp addresses; requests through "
                   f"the {where} carry no aws:SourceIp, so it never grants them")
        severity = Severity.MEDIUM
    return ctx.finding(ref, message, severity=severity, evidence=evidence_dict(
        bucket=bucket.bucket, bucket_region=bucket.region, denying_statements=[s.label for s in denies] or None,
        allowing_statements=[s.label for s in allows] or None, s3_endpoints=endpoints[:SHOWN_ENDPOINTS],
        s3_endpoint_count=len(endpoints)),
        fix=[step("s3:PutBucketPolicy", {"Bucket": bucket.bucket,
                                         "Policy": placeholder("the bucket policy with aws:SourceVpce / aws:SourceVpc "
                                                               "conditions beside aws:SourceIp")},
                  bucket.bucket, Phase.MODIFY, f"Rewrite the policy of bucket {bucket.bucket} for endpoint traffic",
                  decision=f"{labels} must also admit (or stop denying) requests through the endpoints: which "
                           "endpoints or VPCs are yours to name is a policy decision")])


def _s3_endpoints_part(accounts: Sequence[AccountSnapshot]) -> tuple[tuple[str, str], ...]:
    """(Region served, endpoint id) of the accounts' live S3 gateway and interface endpoints."""
    found = []
    for account in accounts:
        for region in account.regions:
            if not region.has(Part.VPC_ENDPOINTS):
                continue
            for endpoint in region.vpc_endpoints:
                parsed = parse_service_name(endpoint.service_name)
                if (parsed.family == "aws" and parsed.key == "s3" and endpoint.endpoint_type in ("Gateway", "Interface")
                        and endpoint.state.lower() not in ENDED_ENDPOINT_STATES):
                    found.append((endpoint.service_region or parsed.region or region.region, endpoint.vpc_endpoint_id))
    return tuple(found)


def _s3_endpoints_whole(parts: Sequence[tuple[tuple[str, str], ...]], bucket_region: str | None) -> tuple[str, ...]:
    return tuple(sorted(endpoint_id for part in parts for served, endpoint_id in part
                        if bucket_region is None or served == bucket_region))


# _s3_endpoints(snapshot, bucket_region): live S3 gateway/interface endpoints in the scan that
# serve ``bucket_region`` (any Region if unknown).
_s3_endpoints: Fold[tuple[tuple[str, str], ...], tuple[str, ...]] = Fold(
    "pol004.s3_endpoints", _s3_endpoints_part, _s3_endpoints_whole, used_by=("POL004",))
