"""An S3 access point with network origin ``VPC``, used by a Lambda function in private subnets
through an S3 gateway endpoint whose policy names the access point (Amazon S3 User Guide,
"Creating access points restricted to a virtual private cloud"): every finding and its verdict
(docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result, replacement_policy
from layouts import s3_access_points_vpc_origin
from layouts.s3_access_points_vpc_origin import (
    ACCESS_POINT_ARN,
    ACCOUNT,
    BUCKET,
    OTHER_ACCOUNT,
    REGION,
    endpoint_policy,
)

from vpcaudit.network.policy import Policy
from vpcaudit.network.policy_request import Answer, Request, decide
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
ACCOUNT_ACCESS_POINTS = {"account_access_points": True}
BUCKET_ONLY = {"bucket_only": True}
THIS_ACCOUNTS_ACCESS_POINTS = {"data_access_point_account": ACCOUNT}
OTHER_ACCOUNTS_ACCESS_POINTS = {"data_access_point_account": OTHER_ACCOUNT}

THROUGH_ACCESS_POINT = f"{ACCESS_POINT_ARN}/object/"
IN_BUCKET = f"arn:aws:s3:::{BUCKET}/"
THROUGH_FOREIGN_ACCESS_POINT = f"arn:aws:s3:{REGION}:{OTHER_ACCOUNT}:accesspoint/shared-ap/object/"


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return s3_access_points_vpc_origin.build(**options)  # type: ignore[arg-type]


def _allowed(policy: str, objects: str, **known: str) -> Answer:
    """Whether ``policy`` lets ``s3:GetObject`` on an object under ``objects`` through the endpoint."""
    return decide(Policy.from_text(policy), Request("s3:GetObject", objects, known=known)).allowed


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: nothing in the layout creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _open_s3_policy(ids: dict[str, str]) -> Triples:
    """Right (advice), low, with this account's id: ``s3:*`` on ``*`` for ``Principal *``, and
    ``s3:DataAccessPointAccount`` is not a perimeter key. It confines requests to access points this
    account owns (requests made without an access point lack the key and fail ``StringEquals``), but
    neither the principal — anyone may use them — nor the bucket behind them: an access point may
    front a bucket of another account (CreateAccessPoint's ``BucketAccountId``), which
    ``aws:ResourceAccount`` would refuse. With another account's id: Right — the statement admits
    only that account's access points, so this VPC reaches the other account's data and its own
    requests through ``example-vpc-ap`` are refused."""
    return {("POL002", ids["s3"], "fail")}


def test_the_function_interfaces_as_describe_network_interfaces_reports_them() -> None:
    """One ``lambda`` interface per subnet (botocore's type), requester-managed, in the function's
    group; the bucket's delegation policy in the snapshot's bucket policies; the S3 gateway
    endpoint on the subnets' only route table."""
    snapshot, ids = _built()
    enis = [e for e in snapshot.accounts[0].regions[0].network_interfaces if e.interface_type == "lambda"]
    assert sorted(e.subnet_id for e in enis) == sorted((ids["subnet_a"], ids["subnet_b"]))
    assert {(e.group_ids, e.requester_managed) for e in enis} == {((ids["function_sg"],), True)}
    assert [b.bucket for b in snapshot.accounts[0].bucket_policies] == [BUCKET]
    (endpoint,) = snapshot.accounts[0].regions[0].vpc_endpoints
    assert (endpoint.endpoint_type, endpoint.route_table_ids) == ("Gateway", (ids["route_table"],))


def test_findings_and_verdicts() -> None:
    """The canonical form (the guide's endpoint policy): MON001 only. Silent, rightly: POL001
    (not the default policy), POL002 (one read action on the bucket's objects and one access
    point's objects, both this account's: neither a wildcard action nor an ARN of every resource),
    POL003 (valid), POL004 (the delegation bucket policy tests ``s3:DataAccessPointAccount``, not
    ``aws:SourceIp``), POL005 (it allows), POL006 (no ``ecr.dkr`` endpoint), GWE001-GWE004 (the
    S3 route on the only table; DynamoDB unused), NAT/IFE/DNS rules (no NAT gateway, no interface
    endpoint), SG/ACL rules (the function's group admits nothing; default NACL)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _flow_logs(ids)
    policy = endpoint_policy()
    assert _allowed(policy, THROUGH_ACCESS_POINT) is Answer.YES
    assert _allowed(policy, IN_BUCKET) is Answer.YES
    assert _allowed(policy, THROUGH_FOREIGN_ACCESS_POINT) is Answer.NO


def test_every_access_point_of_this_account_is_scoped() -> None:
    """``arn:aws:s3:us-east-1:123456789012:accesspoint/*`` with ``Principal *``: POL002 silent, and
    rightly. The ARN's account segment names this account, so it matches this account's access
    points in this Region only, not "every resource in every account" as ``arn:aws:s3:::*`` does;
    and a request through an access point must also be allowed on the underlying bucket, which
    the statement names (``example-reports-…/*``). Another account's access point is refused."""
    snapshot, ids = _built(**ACCOUNT_ACCESS_POINTS)
    assert audit(snapshot) == _flow_logs(ids)
    policy = endpoint_policy(**ACCOUNT_ACCESS_POINTS)
    assert _allowed(policy, THROUGH_ACCESS_POINT) is Answer.YES
    assert _allowed(policy, THROUGH_FOREIGN_ACCESS_POINT) is Answer.NO


def test_near_miss_endpoint_policy_names_the_bucket_only() -> None:
    """The endpoint policy left at the bucket's objects, the access point forgotten: the guide says
    a request through the access point succeeds only when the endpoint policy grants both the
    access point and the bucket, so every read the function makes through ``example-vpc-ap`` is
    refused (403) while direct bucket reads pass. A gap, pinned: the audit is the canonical one.
    vpcaudit collects no access points, so nothing knows the VPC uses one; the policy engine can
    tell the request is refused once asked."""
    snapshot, ids = _built(**BUCKET_ONLY)
    assert audit(snapshot) == _flow_logs(ids)
    policy = endpoint_policy(**BUCKET_ONLY)
    assert _allowed(policy, THROUGH_ACCESS_POINT) is Answer.NO
    assert _allowed(policy, IN_BUCKET) is Answer.YES


def test_near_miss_data_access_point_account_this_account() -> None:
    """``s3:*`` on ``*`` for ``Principal *`` with ``s3:DataAccessPointAccount`` = this account:
    POL002, low (verdict in :func:`_open_s3_policy`). Its replacement, waiting for a decision,
    keeps this account's principals' reads through the access point and of the bucket and
    refuses another account's principals: it does not break the access point."""
    snapshot, ids = _built(**THIS_ACCOUNTS_ACCESS_POINTS)
    assert audit(snapshot) == _flow_logs(ids) | _open_s3_policy(ids)
    replacement = replacement_policy(snapshot, "POL002", ids["s3"])
    assert _allowed(replacement, THROUGH_ACCESS_POINT, **{"aws:principalaccount": ACCOUNT}) is Answer.YES
    assert _allowed(replacement, IN_BUCKET, **{"aws:principalaccount": ACCOUNT}) is Answer.YES
    assert _allowed(replacement, THROUGH_ACCESS_POINT, **{"aws:principalaccount": OTHER_ACCOUNT}) is Answer.NO


def test_near_miss_data_access_point_account_another_account() -> None:
    """The same statement naming another account (210987654321): POL002, low, the same finding —
    right, since it fires (verdict in :func:`_open_s3_policy`). Noticed and pinned: the message calls
    it "no scoping condition" and names no foreign value, as for the canonical key set; the trusted
    boundary reads ``aws:`` organization and account keys only. Through the access point of this
    account the policy refuses every request; through the other account's, it admits them."""
    snapshot, ids = _built(**OTHER_ACCOUNTS_ACCESS_POINTS)
    assert audit(snapshot) == _flow_logs(ids) | _open_s3_policy(ids)
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "POL002"]
    assert "no scoping condition" in finding.message and OTHER_ACCOUNT not in finding.message
    policy = endpoint_policy(**OTHER_ACCOUNTS_ACCESS_POINTS)
    assert _allowed(policy, THROUGH_ACCESS_POINT, **{"s3:dataaccesspointaccount": ACCOUNT}) is Answer.NO
    assert _allowed(policy, THROUGH_FOREIGN_ACCESS_POINT,
                    **{"s3:dataaccesspointaccount": OTHER_ACCOUNT}) is Answer.YES
