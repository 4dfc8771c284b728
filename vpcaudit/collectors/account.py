"""Who the credentials are, and which regions to collect.

The account id comes from ``sts:GetCallerIdentity`` — the one call that needs no permission, so
when it fails the credentials themselves are the problem (:class:`CredentialsError`). Regions
come from ``ec2:DescribeRegions`` with ``AllRegions=True``: without it AWS hides the opt-in
regions the account has not enabled, and an explicitly requested one would then look unknown
instead of ``opt_in_required``.

Both calls go to the partition's home region (``us-east-1`` for ``aws``), never to a region
the user asked for: a not-enabled opt-in region rejects even valid credentials.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from vpcaudit.aws.clients import ClientFactory
from vpcaudit.aws.errors import cannot_start, classify, credentials_problem
from vpcaudit.errors import CollectionError, CredentialsError

OPERATIONS = ("sts:GetCallerIdentity", "ec2:DescribeRegions")
ENABLED_STATUSES = frozenset({"opt-in-not-required", "opted-in"})
PARTITION_HOME = {"aws": "us-east-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1"}


def home_region(factory: ClientFactory, hint: str | None) -> str:
    """The region for account-level calls, in the partition of ``hint`` (a requested or default region)."""
    region = hint or "us-east-1"
    try:
        return PARTITION_HOME.get(factory.partition(region), region)
    except BotoCoreError:  # a region this botocore has never heard of: ask the main partition about it
        return "us-east-1"


def caller_account(factory: ClientFactory, home: str) -> str:
    """The account id of the credentials; CredentialsError when they are missing or rejected."""
    client = factory.client("sts", home)
    try:
        return str(client.get_caller_identity()["Account"])
    except (ResponseParserError, KeyError):  # botocore could not parse it, or it lacks the result element
        raise CollectionError(f"cannot identify the account: {client.meta.endpoint_url} answered "
                              "sts:GetCallerIdentity with something that is not an AWS response (is it an AWS "
                              "endpoint?)") from None
    except (ClientError, BotoCoreError) as exc:
        problem = credentials_problem(exc)
        if problem:
            raise CredentialsError(problem) from None
        gap = classify(exc, "sts:GetCallerIdentity")
        raise cannot_start(gap, f"cannot identify the account: {gap.message}") from None


@dataclass(frozen=True)
class RegionPlan:
    enabled: tuple[str, ...]  # collect these
    not_enabled: tuple[str, ...]  # requested, but opt-in regions the account has not enabled


def plan_regions(factory: ClientFactory, home: str, requested: Sequence[str] | None) -> RegionPlan:
    """Every enabled region (``requested`` None), or the requested ones sorted by opt-in status."""
    wanted = list(dict.fromkeys(requested)) if requested is not None else None
    try:
        listed = factory.client("ec2", home).describe_regions(AllRegions=True).get("Regions", [])
    except (ClientError, BotoCoreError, ResponseParserError) as exc:
        gap = classify(exc, "ec2:DescribeRegions")
        if wanted is None:
            raise cannot_start(gap, f"cannot list the account's regions ({gap.message}); name the regions to "
                               "collect", "regions") from None
        return RegionPlan(tuple(wanted), ())  # cannot check opt-in status: collect as asked
    status = {item["RegionName"]: item.get("OptInStatus", "opt-in-not-required") for item in listed}
    if wanted is None:
        return RegionPlan(tuple(sorted(n for n, s in status.items() if s in ENABLED_STATUSES)), ())
    unknown = [name for name in wanted if name not in status]
    if unknown:
        raise CollectionError(f"unknown region(s): {', '.join(unknown)} (ec2:DescribeRegions in {home} does not "
                              "list them)", "regions")
    return RegionPlan(tuple(n for n in wanted if status[n] in ENABLED_STATUSES),
                      tuple(n for n in wanted if status[n] not in ENABLED_STATUSES))
