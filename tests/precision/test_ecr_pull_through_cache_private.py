"""ECS on Fargate without internet access pulling public images through Amazon ECR pull through
cache rules and the ECR VPC endpoints: every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit
from layouts import ecr_pull_through_cache_private

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
PULL_ONLY = {"ecr_policy": "pull_only"}
OWN_BUCKETS = {"s3_policy": "own_buckets"}
NO_DOCKER_ENDPOINT = {"ecr_dkr": False}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return ecr_pull_through_cache_private.build(**options)  # type: ignore[arg-type]


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: nothing in the layout creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _full_access(ids: dict[str, str], *keys: str) -> Triples:
    """Right (advice): AWS's default full-access endpoint policy; the ECR guide says the S3 one
    "can be used", and offers the layer-bucket minimum for those who restrict."""
    return {("POL001", ids[k], "fail") for k in keys}


def test_findings_and_verdicts() -> None:
    """The documented network for Fargate 1.4.0 without an internet path: advice only. Every
    pull is served by the ECR endpoints and the layer bucket through the S3 gateway endpoint."""
    snapshot, ids = _built()
    assert audit(snapshot) == _flow_logs(ids) | _full_access(ids, "ecr.dkr", "ecr.api", "logs", "s3")


def test_first_pull_through_the_cache_needs_a_nat_route_but_nothing_says_so() -> None:
    """A gap, pinned. The ECR guide (VPC endpoints considerations) says the first image pulled
    through a pull through cache rule, with ECR reached through interface endpoints, needs a NAT
    gateway in a public subnet of the same VPC and the private subnets' internet traffic routed to
    it; later pulls do not. This VPC has no default route, so an image not yet cached fails to
    pull. vpcaudit collects no pull through cache rules (ecr:DescribePullThroughCacheRules) and
    cannot tell a cached image from one never pulled, so the layout reads as complete."""
    snapshot, _ = _built()
    assert not any(rule in {"IFE003", "NAT003", "RT001", "GWE001"} for rule, _, _ in audit(snapshot))
    tables = snapshot.accounts[0].regions[0].route_tables  # no internet route at all: local and S3 only
    assert tables and all(route.target_kind == "local" or route.destination_type == "prefix_list"
                          for table in tables for route in table.routes)


def test_pull_only_ecr_policy_without_the_cache_actions() -> None:
    """A gap, pinned. Both ECR endpoints allow this account's pull actions only, not
    ecr:BatchImportUpstreamImage or ecr:CreateRepository, which the first pull of an uncached image
    or tag needs (ECR guide, pull through cache IAM permissions). The POL001 advice on them goes
    (the policy is scoped by aws:PrincipalAccount and names its actions: POL002 silent, rightly);
    no rule asks whether the cache actions get through — AWS does not document whether ECR checks
    them against the endpoint policy, so a rule could not be certain either way."""
    snapshot, ids = _built(**PULL_ONLY)
    assert audit(snapshot) == _flow_logs(ids) | _full_access(ids, "logs", "s3")


def test_s3_policy_without_the_layer_bucket_blocks_every_pull() -> None:
    """Right, high (POL006): the S3 gateway endpoint allows this account's principals on its own
    buckets only; a layer download is presigned by an ECR account on the AWS-owned
    prod-us-east-1-starport-layer-bucket, so no Allow admits it — cached images fail to pull too."""
    snapshot, ids = _built(**OWN_BUCKETS)
    assert audit(snapshot) == (_flow_logs(ids) | _full_access(ids, "ecr.dkr", "ecr.api", "logs")
                               | {("POL006", ids["s3"], "fail")})


def test_the_guides_minimum_s3_policy_is_silent() -> None:
    """Silent, rightly: the ECR guide's minimum policy (s3:GetObject on the layer bucket to
    Principal *) is neither full access nor a wildcard, and admits the layer downloads."""
    snapshot, ids = _built(s3_policy="layers")
    assert audit(snapshot) == _flow_logs(ids) | _full_access(ids, "ecr.dkr", "ecr.api", "logs")


def test_docker_registry_endpoint_missing() -> None:
    """Right, high (IFE003): ecr.api without ecr.dkr in a VPC of Fargate tasks with no internet
    egress — docker pulls (cached or not) go to ecr.dkr, which the ECR guide requires for
    platform 1.4.0. POL006 stays silent (no ecr.dkr: nothing pulls through the S3 path)."""
    snapshot, ids = _built(**NO_DOCKER_ENDPOINT)
    assert audit(snapshot) == (_flow_logs(ids) | _full_access(ids, "ecr.api", "logs", "s3")
                               | {("IFE003", ids["vpc"], "fail")})
