"""AWS CodeArtifact used by build hosts in a VPC without internet access, through the
``codeartifact.api`` and ``codeartifact.repositories`` interface endpoints and an S3 gateway
endpoint (CodeArtifact User Guide, "Working with Amazon VPC endpoints"): every finding and its
verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, region_view
from layouts import codeartifact_private
from layouts.codeartifact_private import ACCOUNT, API, REPOSITORIES, assets_bucket

from vpcaudit.network.dns import authority
from vpcaudit.network.policy import Policy
from vpcaudit.network.policy_request import Answer, Request, decide
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
NO_S3_ENDPOINT = {"s3_endpoint": False}
OWN_ACCOUNT_BUCKET = {"s3_bucket_account": "own"}
REPOSITORIES_DNS_OFF = {"repositories_private_dns": False}
DEFAULT_GROUP = {"endpoint_group": "default"}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return codeartifact_private.build(**options)  # type: ignore[arg-type]


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: nothing in the layout creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _default_interface_policies(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the guide's create commands give the two interface endpoints no
    policy, so they keep AWS's full access; the guide's "Create a VPC endpoint policy for
    CodeArtifact" shows how to narrow them (this account's principals; GetAuthorizationToken,
    GetRepositoryEndpoint, ReadFromRepository, sts:GetServiceBearerToken)."""
    return {("POL001", ids[API], "fail"), ("POL001", ids[REPOSITORIES], "fail")}


def _baseline(ids: dict[str, str]) -> Triples:
    return _flow_logs(ids) | _default_interface_policies(ids)


def _asset_read(snapshot: Snapshot, ids: dict[str, str], bucket: str) -> Answer:
    """Whether the S3 gateway endpoint's policy admits a build host's ``s3:GetObject`` of ``bucket``."""
    endpoint = region_view(snapshot).endpoints[ids["s3"]]
    request = Request("s3:GetObject", f"arn:aws:s3:::{bucket}/",
                      known={"aws:sourcevpce": ids["s3"], "aws:sourcevpc": ids["vpc"]})
    return decide(Policy.from_text(endpoint.policy_document or ""), request).allowed


def test_findings_and_verdicts() -> None:
    """The canonical form: MON001, POL001 on both CodeArtifact endpoints. Silent, rightly: POL001/
    POL002 on the S3 endpoint (the guide's policy: GetObject on CodeArtifact's asset bucket only),
    POL006 (no ecr.dkr endpoint), DNS003 (private DNS on both), SG001-SG006 (443 from both private
    subnets, which hold every build host), IFE001/IFE002 (both endpoints in both AZs), GWE001 (the
    S3 route on the only table), GWE002/GWE003 and the NAT rules (no NAT gateway)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)
    assert _asset_read(snapshot, ids, assets_bucket()) is Answer.YES


def test_both_private_dns_names_answer_in_the_vpc() -> None:
    """With private DNS on both endpoints (the current page), each endpoint answers its own
    service's default hostname: the repositories name is the more specific one and wins over the
    api endpoint's ``codeartifact.us-east-1.amazonaws.com``."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    for key in (API, REPOSITORIES):
        (hostname,) = view.service(view.endpoints[ids[key]]).hostnames
        answer = authority(view, ids["vpc"], hostname)
        assert answer.kind == "endpoint" and answer.endpoint is not None
        assert answer.endpoint.vpc_endpoint_id == ids[key]


def test_near_miss_no_s3_gateway_endpoint() -> None:
    """No S3 gateway endpoint: the build hosts get package metadata from the repositories
    endpoint, then every asset download (a Maven ``.jar``, an npm tarball) from S3 times out —
    the VPC has no other way out. A gap, pinned: the audit is the canonical one. GWE002 counts
    subnets leaving through a NAT or transit gateway (here none), and IFE003 has no CodeArtifact
    bundle; the guide's own exception ("not needed when using Python or Swift package formats")
    means a finding would have to say which formats it assumes."""
    snapshot, ids = _built(**NO_S3_ENDPOINT)
    assert audit(snapshot) == _baseline(ids)
    assert "s3" not in ids


def test_near_miss_s3_policy_names_own_account_bucket() -> None:
    """The S3 endpoint policy written with this account's id in the bucket name
    (``assets-123456789012-us-east-1``) instead of CodeArtifact's (193858265520, the guide's table
    and ``describe-domain``'s ``s3BucketArn``): every asset download is refused by the endpoint
    while the repositories endpoint answers. The policy engine says so when asked; no rule does.
    A gap, pinned: POL006 evaluates the S3 endpoint's policy for ECR's layer bucket only, and only
    with an ``ecr.dkr`` endpoint in the VPC; POL005 is silent (the policy allows something)."""
    snapshot, ids = _built(**OWN_ACCOUNT_BUCKET)
    assert audit(snapshot) == _baseline(ids)
    assert _asset_read(snapshot, ids, assets_bucket()) is Answer.NO
    assert _asset_read(snapshot, ids, assets_bucket(ACCOUNT)) is Answer.YES


def test_near_miss_repositories_private_dns_off() -> None:
    """Private DNS off on the repositories endpoint, on for the api one. ``aws codeartifact
    login`` and GetRepositoryEndpoint give ``<domain>-<owner>.d.codeartifact.us-east-1.amazonaws.com``,
    which nothing in the VPC sends to the repositories endpoint: the guide says private DNS there
    is a must, or every package manager must be re-pointed at the endpoint's own name without the
    login command. DNS003 fires, medium. (It was silent: the api endpoint's private DNS zone
    ``codeartifact.us-east-1.amazonaws.com`` covers ``*.d.codeartifact…``, and DNS003 counted any
    other endpoint's private DNS as serving the name; that zone holds the api's names only and
    answers the repositories' NXDOMAIN. Rule fixed.)"""
    snapshot, ids = _built(**REPOSITORIES_DNS_OFF)
    assert audit(snapshot) == _baseline(ids) | {("DNS003", ids[REPOSITORIES], "fail")}


def test_repositories_names_fall_to_the_api_endpoints_zone() -> None:
    """Why DNS003 fires in that near miss: the repositories hostname falls in the api endpoint's
    private DNS zone (the most specific name covering it), which holds no record for it."""
    snapshot, ids = _built(**REPOSITORIES_DNS_OFF)
    view = region_view(snapshot)
    (hostname,) = view.service(view.endpoints[ids[REPOSITORIES]]).hostnames
    answer = authority(view, ids["vpc"], hostname)
    assert answer.kind == "endpoint" and answer.endpoint is not None
    assert answer.endpoint.vpc_endpoint_id == ids[API]


def test_near_miss_endpoints_in_the_default_group() -> None:
    """Both endpoints created without a group, so they carry the VPC's default group, which admits
    its own members only: no build host reaches either endpoint on 443. Right, high: SG003 on both.
    Right (advice), medium: SG002 on the default group (all traffic from its members, where the
    endpoints use TCP 443 only); the endpoints' own group fixes both."""
    snapshot, ids = _built(**DEFAULT_GROUP)
    assert audit(snapshot) == _baseline(ids) | {
        ("SG003", ids[API], "fail"), ("SG003", ids[REPOSITORIES], "fail"), ("SG002", ids["default_sg"], "fail")}
