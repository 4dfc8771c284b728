"""Workloads in private subnets without internet access reading an S3 Multi-Region Access Point
through a ``com.amazonaws.s3-global.accesspoint`` interface endpoint (Amazon S3 User Guide,
"Configuring a Multi-Region Access Point for use with AWS PrivateLink"): every finding and its
verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, region_view
from layouts import s3_mrap_private_endpoint
from layouts.s3_mrap_private_endpoint import MRAP_ARN, MRAP_OBJECTS, MRAP_PRIVATE_DNS, MRAP_SERVICE

from vpcaudit.network.policy import Policy
from vpcaudit.network.policy_request import Answer, Request, decide, grants_elsewhere, region_elsewhere
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
BUCKETS_ONLY = {"endpoint_policy_form": "buckets-only"}
MRAP_ONLY = {"endpoint_policy_form": "mrap-only"}
GATEWAY_ONLY = {"mrap_endpoint": False}
MRAP_GET = Request("s3:GetObject", f"{MRAP_ARN}/object/")


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return s3_mrap_private_endpoint.build(**options)  # type: ignore[arg-type]


def _endpoint_policy(snapshot: Snapshot, endpoint_id: str) -> Policy:
    endpoint = region_view(snapshot).endpoints[endpoint_id]
    return Policy.from_text(endpoint.policy_document or "{}")


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: nothing in the layout creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _gateway_full_access(ids: dict[str, str]) -> Triples:
    """Right, medium: the companion S3 gateway endpoint keeps AWS's default full-access policy, so
    any principal may reach any bucket through it (the guide scopes only the access point's
    endpoint)."""
    return {("POL001", ids["s3"], "fail")}


def _baseline(ids: dict[str, str]) -> Triples:
    return _flow_logs(ids) | _gateway_full_access(ids)


def test_the_access_point_endpoint_as_the_view_reads_it() -> None:
    """The ``s3-global.accesspoint`` service is an AWS service whose name carries no Region: the
    endpoint is judged with the VPC's Region (us-east-1), under its full service name, with the
    private DNS name DescribeVpcEndpointServices lists, and its interfaces are not workloads (the
    two instances are)."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    info = view.service(view.endpoints[ids["mrap"]])
    assert (info.key, info.region, info.is_aws_service) == (MRAP_SERVICE, "us-east-1", True)
    assert info.policy_supported is True
    assert info.hostnames == (MRAP_PRIVATE_DNS,)
    assert sorted(e.network_interface_id for e in view.workload_enis(ids["vpc"])) == sorted([ids["client1"],
                                                                                            ids["client2"]])


def test_a_region_less_access_point_arn_is_no_other_regions() -> None:
    """POL005, silent rightly: ``arn:aws:s3::<account>:accesspoint/<alias>`` has an empty Region
    segment, as the guide's ARN format has it, and ``region_elsewhere`` reads an empty segment as
    no Region's, so the guide's policy is not reported as naming other Regions' resources; a
    Regional access point's ARN of another Region still is. The evaluator allows the guide's
    ``GetObject`` through the access point."""
    snapshot, ids = _built()
    policy = _endpoint_policy(snapshot, ids["mrap"])
    assert region_elsewhere(MRAP_OBJECTS, "us-east-1") is None
    assert region_elsewhere(f"arn:aws:s3:us-west-2:{MRAP_ARN.split(':')[4]}:accesspoint/x", "us-east-1") == "us-west-2"
    assert grants_elsewhere(policy, "us-east-1") is None
    assert decide(policy, MRAP_GET).allowed is Answer.YES


def test_findings_and_verdicts() -> None:
    """The canonical form: MON001, POL001 on the S3 gateway endpoint. Silent, rightly: POL001 and
    POL002 on the access point endpoint (``Principal *`` with ``s3:GetObject`` on named objects:
    no wildcard action or resource), POL003, POL005 (Region-less ARNs), POL006/POL007 (the endpoint
    is not the ``s3`` service), GWE002 (a gateway endpoint exists), GWE004 (not an ``s3`` interface
    endpoint), SG001-SG005 (TCP 443 from the VPC to the endpoint's group, the clients' default
    egress), IFE001/IFE002 (both subnets), DNS001-DNS003 (DNS on, private DNS on), NAT and RT rules
    (no NAT gateway, no blackhole)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)


def test_near_miss_policy_names_only_the_buckets() -> None:
    """The endpoint policy naming the underlying buckets' objects only: the guide says it "must
    allow access both to the Multi-Region Access Point and to each underlying bucket", so every
    ``GetObject`` through the access point is denied by the endpoint policy — the project's own
    evaluator says so. A gap, pinned: the audit is the canonical one. POL005 reads only other
    Regions and partitions, and bucket ARNs have no Region; nothing knows that every request
    through an ``s3-global.accesspoint`` endpoint names an access point ARN."""
    snapshot, ids = _built(**BUCKETS_ONLY)
    assert audit(snapshot) == _baseline(ids)
    policy = _endpoint_policy(snapshot, ids["mrap"])
    assert decide(policy, MRAP_GET).allowed is Answer.NO
    assert grants_elsewhere(policy, "us-east-1") is None


def test_near_miss_policy_names_only_the_access_point() -> None:
    """The endpoint policy naming the access point only: the request passes on the access point's
    ARN, then the routed request is denied at the bucket (the guide: the policy must allow each
    underlying bucket that should fulfil requests). A gap, pinned: the audit is the canonical one;
    the snapshot does not record which buckets back the access point (GetMultiRegionAccessPoint's
    Regions list), so nothing can tell the bucket ARNs are missing."""
    snapshot, ids = _built(**MRAP_ONLY)
    assert audit(snapshot) == _baseline(ids)
    policy = _endpoint_policy(snapshot, ids["mrap"])
    assert decide(policy, MRAP_GET).allowed is Answer.YES
    assert decide(policy, Request("s3:GetObject", "arn:aws:s3:::doc-examplebucket2/")).allowed is Answer.NO


def test_near_miss_only_the_gateway_endpoint() -> None:
    """No ``s3-global.accesspoint`` endpoint, the S3 gateway endpoint alone: the guide's
    restrictions page says data cannot be reached through an access point with S3's gateway or
    interface endpoints, so the access point's name resolves to its public addresses and, with no
    internet gateway or NAT gateway, every request times out. A gap, pinned: the audit is the
    canonical one (the gateway endpoint keeps GWE002 silent); nothing in the snapshot
    says the workloads call a Multi-Region Access Point."""
    snapshot, ids = _built(**GATEWAY_ONLY)
    assert audit(snapshot) == _baseline(ids)
    view = region_view(snapshot)
    assert [e.service_name for e in view.endpoints.values()] == ["com.amazonaws.us-east-1.s3"]
