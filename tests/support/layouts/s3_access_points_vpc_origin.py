"""An Amazon S3 access point with network origin ``VPC``, used by a Lambda function in private
subnets through an S3 gateway endpoint whose policy is written for access points (us-east-1).

Sources, all current pages read 2026-12-06:

* Amazon S3 User Guide, "Creating access points restricted to a virtual private cloud"
  (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-vpc.html): an access point
  created with ``VpcConfiguration`` has network origin ``VPC`` and S3 rejects any request to it
  that does not originate from that VPC; the origin is fixed at creation. To use such an access
  point the VPC endpoint's policy must be changed: a request from the VPC through the access point
  succeeds only when the endpoint policy grants access to both the access point and the
  underlying bucket. Its example endpoint policy: ``Principal *``, ``s3:GetObject``, on
  ``arn:aws:s3:::<bucket>/*`` and ``arn:aws:s3:<region>:<account>:accesspoint/example-vpc-ap/object/*``,
  no condition.
* Amazon S3 User Guide, "Configuring IAM policies for using access points"
  (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-policies.html): both the
  access point and the underlying bucket must permit a request; the recommended way is to
  delegate access control from the bucket to the access points — a bucket policy admitting
  everything (``{"AWS": "*"}``, ``*``, the bucket and its objects) when
  ``s3:DataAccessPointAccount`` equals the bucket owner's account; the condition keys
  ``s3:DataAccessPointArn``, ``s3:DataAccessPointAccount`` (the account that owns the access
  point) and ``s3:AccessPointNetworkOrigin`` (``Internet`` or ``VPC``).
* S3 Control API, CreateAccessPoint (``BucketAccountId``: required for a cross-account access
  point, whose bucket is in another account than the access point).

Built: the private VPC of AWS Lambda's ``vpc-private.yaml`` sample, as
``tests/support/layouts/lambda_vpc_private.py`` builds it (VPC 172.31.0.0/16, no DNS attributes
set, private subnets 172.31.3.0/24 and 172.31.2.0/24 on one route table with no route beyond the
VPC), with the S3 gateway endpoint only (the sample's DynamoDB endpoint left out: the function
uses S3 alone). The function ``reports-reader`` runs in both subnets with a group of its own
(egress to anywhere, no ingress); its Hyperplane ENIs as DescribeNetworkInterfaces shows them:
InterfaceType ``lambda`` (botocore 1.44.18's ``NetworkInterfaceType``), requester-managed,
described ``AWS Lambda VPC ENI-<function>-<uuid>``, no tags, attached to no instance — one per
subnet. The bucket ``example-reports-123456789012`` carries the guide's delegation policy (the
snapshot's bucket policies part). The access point ``example-vpc-ap`` on it, network origin
``VPC`` restricted to this VPC, is not in the snapshot: vpcaudit collects no S3 access points, so
its ARN appears only in the policies. The endpoint policy is the guide's example, with this
account, Region and bucket.

Assumed: the function's role allows ``s3:GetObject`` on the access point's objects and calls S3
by the access point's ARN or alias through the regional S3 endpoint, which the gateway
endpoint's prefix-list route carries (access point host names resolve to S3's regional
addresses; not recorded in the snapshot).

Variants. ``account_access_points=True``: the endpoint policy allows ``s3:GetObject`` and
``s3:PutObject`` on the bucket's objects and on every access point of this account and Region
(``arn:aws:s3:us-east-1:123456789012:accesspoint/*``) — how teams write it once they have several
access points. Near misses: ``bucket_only=True`` (the endpoint policy kept at the bucket ARN, the
access point forgotten: every request through the access point is refused by the endpoint);
``data_access_point_account=<id>`` (the endpoint policy made ``s3:*`` on ``*`` for ``Principal *``
with ``StringEquals s3:DataAccessPointAccount`` = ``<id>``: this account, or another).
"""

from __future__ import annotations

import json

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
FUNCTION = "reports-reader"
BUCKET = f"example-reports-{ACCOUNT}"
ACCESS_POINT = "example-vpc-ap"
ACCESS_POINT_ARN = f"arn:aws:s3:{REGION}:{ACCOUNT}:accesspoint/{ACCESS_POINT}"
OTHER_ACCOUNT = "210987654321"


def _document(*statements: dict[str, object]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def endpoint_policy(*, account_access_points: bool = False, bucket_only: bool = False,
                    data_access_point_account: str | None = None) -> str:
    """The S3 gateway endpoint's policy of each form (module docstring)."""
    if data_access_point_account is not None:
        return _document({"Sid": "ThroughAccessPointsOf", "Effect": "Allow", "Principal": "*", "Action": "s3:*",
                          "Resource": "*", "Condition": {"StringEquals": {
                              "s3:DataAccessPointAccount": data_access_point_account}}})
    if bucket_only:
        return _document({"Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject"],
                          "Resource": [f"arn:aws:s3:::{BUCKET}/*"]})
    if account_access_points:
        return _document({"Sid": "ThisAccountsAccessPoints", "Effect": "Allow", "Principal": "*",
                          "Action": ["s3:GetObject", "s3:PutObject"],
                          "Resource": [f"arn:aws:s3:::{BUCKET}/*", f"arn:aws:s3:{REGION}:{ACCOUNT}:accesspoint/*"]})
    return _document({"Principal": "*", "Action": ["s3:GetObject"], "Effect": "Allow",
                      "Resource": [f"arn:aws:s3:::{BUCKET}/*", f"{ACCESS_POINT_ARN}/object/*"]})


def bucket_policy() -> str:
    """The guide's delegation of the bucket's access control to this account's access points."""
    return _document({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "*",
                      "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
                      "Condition": {"StringEquals": {"s3:DataAccessPointAccount": ACCOUNT}}})


def build(*, account_access_points: bool = False, bucket_only: bool = False,
          data_access_point_account: str | None = None) -> tuple[Snapshot, dict[str, str]]:
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az4", "use1-az6"))
    vpc = b.vpc("172.31.0.0/16", name="s3-access-point-vpc")
    subnets = [b.subnet(vpc, "172.31.3.0/24", az=1, name="private-subnet-a"),
               b.subnet(vpc, "172.31.2.0/24", az=2, name="private-subnet-b")]
    route_table = b.route_table(vpc, subnets=subnets)
    ids = {"vpc": vpc, "route_table": route_table, "subnet_a": subnets[0], "subnet_b": subnets[1]}
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[route_table], policy=endpoint_policy(
        account_access_points=account_access_points, bucket_only=bucket_only,
        data_access_point_account=data_access_point_account))
    function_sg = ids["function_sg"] = b.security_group(vpc, name=f"{FUNCTION}-sg")
    for n, subnet in enumerate(subnets):
        ids[f"lambda_eni_{'ab'[n]}"] = b.workload(
            subnet, groups=[function_sg], interface_type="lambda", requester_managed=True,
            description=f"AWS Lambda VPC ENI-{FUNCTION}-7c1e9a2b-3d4f-4a6b-8c0d-2e4f6a8b0c1{n}")
    b.bucket_policy(BUCKET, bucket_policy())
    return b.snapshot(), ids
