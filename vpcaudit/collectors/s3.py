"""S3 bucket policies (opt-in, account-wide): ``ListBuckets`` then ``GetBucketPolicy`` per bucket.

Why per bucket: S3 has no batch read of policies. Each bucket is asked through a client in its
own Region when ``ListBuckets`` reports it (``BucketRegion``), which avoids a redirect per
bucket. ``NoSuchBucketPolicy`` means "no policy" (recorded as ``policy=None``); a bucket
deleted meanwhile is skipped. If any policy cannot be read, the part is not ``ok``: a rule about
bucket policies must not judge an account where some policies are unknown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError

from vpcaudit.aws.errors import error_code
from vpcaudit.aws.paging import items
from vpcaudit.collectors.base import AccountCollector, Scope
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part

NO_POLICY_CODES = frozenset({"NoSuchBucketPolicy"})
GONE_CODES = frozenset({"NoSuchBucket"})


def fetch_bucket_policies(scope: Scope, _: Mapping[str, Mapping[Part, Any]]) -> tuple[r.BucketPolicy, ...]:
    buckets = items(scope.client("s3"), "ListBuckets", "Buckets")

    def policy(bucket: r.Api) -> tuple[r.BucketPolicy | None, ClientError | None]:
        name, region = bucket["Name"], bucket.get("BucketRegion")
        try:
            text = scope.client("s3", region).get_bucket_policy(Bucket=name).get("Policy")
        except ClientError as exc:
            code = error_code(exc)
            if code in NO_POLICY_CODES:
                return r.BucketPolicy(name, region, None), None
            if code in GONE_CODES:
                return None, None
            return None, exc
        return r.BucketPolicy(name, region, text), None

    results = scope.map(policy, buckets)
    failures = [(b["Name"], exc) for b, (_, exc) in zip(buckets, results, strict=True) if exc is not None]
    if failures:
        # One part-level failure that keeps the first error's code (so the state is e.g. denied)
        # and says how many buckets were affected.
        name, first = failures[0]
        error = first.response.get("Error", {})
        summary = (f"{len(failures)} of {len(buckets)} bucket policies unreadable "
                   f"(first: {name}: {error.get('Message') or error.get('Code') or 'no message'})")
        raise ClientError({**first.response, "Error": {**error, "Message": summary}}, "GetBucketPolicy")
    return tuple(p for p, _ in results if p is not None)


COLLECTORS = (
    AccountCollector(Part.BUCKET_POLICIES, ("s3:ListBuckets", "s3:GetBucketPolicy"), fetch_bucket_policies),
)
