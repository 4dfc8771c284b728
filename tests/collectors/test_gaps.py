"""Honest gaps: a denied API, a throttle that outlasts retries, an opt-in region, bad credentials.

Each failure must land on exactly the part it concerns, with AWS's error code, while every other
part is still collected; only unusable credentials or unlistable regions stop the run.
"""

from __future__ import annotations

import json

import boto3
import pytest
from fault_proxy import Fault, Request, fault_proxy
from moto_server import moto_control

from vpcaudit.aws.clients import ClientFactory
from vpcaudit.collectors import account
from vpcaudit.collectors.catalog import collector_operations, default_parts
from vpcaudit.collectors.run import collect_snapshot, collect_with
from vpcaudit.errors import CollectionError, CredentialsError
from vpcaudit.snapshot.model import Part, State

REGION = "us-east-1"


def _user_with_policy(moto_url: str, denied: list[str]) -> boto3.session.Session:
    """An IAM user allowed everything but ``denied``; returns a session with its keys."""
    iam = boto3.session.Session(region_name=REGION).client("iam", endpoint_url=moto_url)
    iam.create_user(UserName="auditor")
    iam.put_user_policy(UserName="auditor", PolicyName="all-but", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"},
                                               {"Effect": "Deny", "Action": denied, "Resource": "*"}]}))
    key = iam.create_access_key(UserName="auditor")["AccessKey"]
    return boto3.session.Session(aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"],
                                 region_name=REGION)


def test_denied_apis_mark_exactly_their_parts(moto_url: str) -> None:
    admin = boto3.session.Session(region_name=REGION)
    admin.client("s3", endpoint_url=moto_url).create_bucket(Bucket="some-bucket")
    datasync = admin.client("datasync", endpoint_url=moto_url)
    s3_config = {"BucketAccessRoleArn": "arn:aws:iam::123456789012:role/datasync"}
    source, destination = (datasync.create_location_s3(S3BucketArn=f"arn:aws:s3:::{bucket}", S3Config=s3_config)
                           ["LocationArn"] for bucket in ("some-bucket", "other-bucket"))
    datasync.create_task(SourceLocationArn=source, DestinationLocationArn=destination)
    admin.client("firehose", endpoint_url=moto_url).create_delivery_stream(
        DeliveryStreamName="logs", ExtendedS3DestinationConfiguration={
            "RoleARN": "arn:aws:iam::123456789012:role/delivery", "BucketARN": "arn:aws:s3:::some-bucket"})
    user = _user_with_policy(moto_url, ["ec2:DescribeNatGateways", "route53:ListHostedZonesByVPC",
                                        "s3:GetBucketPolicy", "redshift:DescribeClusters",
                                        "memorydb:DescribeSubnetGroups", "rds:DescribeDBInstances",
                                        "datasync:DescribeTask", "mq:ListBrokers",
                                        "firehose:DescribeDeliveryStream", "ec2:DescribeAvailabilityZones"])
    moto_control(moto_url, "reset-auth", b"0")  # from now on moto enforces IAM

    outcome = collect_snapshot(user, [REGION], default_parts() | {Part.METRICS, Part.BUCKET_POLICIES},
                               endpoint_url=moto_url)
    (acct,) = outcome.snapshot.accounts
    (region,) = acct.regions
    states = {s.part: (s.state, s.error_code) for s in region.status}
    # Firehose streams likewise (the interfaces a stream delivers through then stay clients): the
    # streams are listed, but one stream that cannot be described fails the whole part.
    # moto's Firehose answers a 403 without an error code (AWS: AccessDeniedException).
    assert states.pop(Part.FIREHOSE_STREAMS) == (State.DENIED, "403")
    assert "firehose:DescribeDeliveryStream denied" in (region.state_of(Part.FIREHOSE_STREAMS).message or "")
    assert region.firehose_streams == ()
    # The Region's zones likewise (a zone is then read by its name: a fix's NAT gateway address in a
    # zone not named like an AZ waits for its network border group).
    assert states.pop(Part.AVAILABILITY_ZONES) == (State.DENIED, "AccessDenied")
    assert "ec2:DescribeAvailabilityZones denied" in (region.state_of(Part.AVAILABILITY_ZONES).message or "")
    assert region.availability_zones == ()
    # Amazon MQ brokers likewise (a broker's interface then stays a workload).
    assert states.pop(Part.MQ_BROKERS)[0] is State.DENIED
    assert "mq:ListBrokers denied" in (region.state_of(Part.MQ_BROKERS).message or "")
    assert states.pop(Part.NAT_GATEWAYS) == (State.DENIED, "AccessDenied")  # EC2 (AWS: UnauthorizedOperation)
    assert states.pop(Part.HOSTED_ZONES) == (State.DENIED, "403")  # moto's Route 53 answers an HTML 403
    # Redshift clusters only sharpen the network view (a node's interface then stays a client of
    # what Redshift calls): denied like any part, and said so.
    assert states.pop(Part.REDSHIFT_CLUSTERS) == (State.DENIED, "AccessDenied")
    assert "redshift:DescribeClusters denied" in (region.state_of(Part.REDSHIFT_CLUSTERS).message or "")
    # MemoryDB clusters likewise (a node's interface then stays a client of every service): one of
    # the part's two listings denied leaves the whole part not collected, never half-joined.
    assert states.pop(Part.MEMORYDB_CLUSTERS)[0] is State.DENIED
    assert region.memorydb_clusters == ()
    assert "memorydb:DescribeSubnetGroups denied" in (region.state_of(Part.MEMORYDB_CLUSTERS).message or "")
    # DB instances likewise (a DB instance's interface then stays a client of what every engine calls).
    assert states.pop(Part.DB_INSTANCES) == (State.DENIED, "AccessDenied")
    assert "rds:DescribeDBInstances denied" in (region.state_of(Part.DB_INSTANCES).message or "")
    # DataSync tasks likewise; the listing allowed, the per-task read denied fails the whole part
    # (an interface of a task left unread would stay a client, and nothing says which).
    assert states.pop(Part.DATASYNC_TASKS) == (State.DENIED, "403")  # moto's bare 403 (AWS: AccessDeniedException)
    assert "datasync:DescribeTask denied" in (region.state_of(Part.DATASYNC_TASKS).message or "")
    # Metrics need the NAT gateways: not collected, saying why; BPA is not implemented by moto.
    assert states.pop(Part.METRICS) == (State.ERROR, None)
    assert "nat_gateways" in (region.state_of(Part.METRICS).message or "")
    assert states.pop(Part.BLOCK_PUBLIC_ACCESS)[0] is State.ERROR
    assert set(states.values()) == {(State.OK, None)}
    assert region.nat_gateways == () and region.vpcs  # the rest is there
    bucket_status = acct.state_of(Part.BUCKET_POLICIES)
    assert (bucket_status.state, bucket_status.error_code) == (State.DENIED, "AccessDenied")
    assert "1 of 1 bucket policies" in (bucket_status.message or "")


def test_throttling_that_outlasts_retries_marks_the_part_throttled(moto_url: str) -> None:
    def throttle(request: Request) -> Fault | None:
        return Fault(503, "RequestLimitExceeded", ec2=True) if request.action == "DescribeNatGateways" else None

    with fault_proxy(moto_url, throttle) as proxy:
        factory = ClientFactory(boto3.session.Session(region_name=REGION), operations=collector_operations(),
                                endpoint_url=proxy.url, max_attempts=3)
        outcome = collect_with(factory, [REGION], {Part.VPCS, Part.NAT_GATEWAYS}, region_hint=REGION)
        sent = proxy.faults[(None, "DescribeNatGateways")]
    (region,) = outcome.snapshot.accounts[0].regions
    nat = region.state_of(Part.NAT_GATEWAYS)
    assert (nat.state, nat.error_code) == (State.THROTTLED, "RequestLimitExceeded")
    assert region.has(Part.VPCS)
    # One logical call, three HTTP attempts (botocore's retries), all of which reached "AWS".
    assert outcome.calls["ec2:DescribeNatGateways"] == 1
    assert outcome.http_attempts["ec2:DescribeNatGateways"] == 3 == sent


def test_expired_credentials_stop_the_collection(moto_url: str) -> None:
    def expire(request: Request) -> Fault | None:
        return Fault(403, "ExpiredToken") if request.action == "GetCallerIdentity" else None

    with fault_proxy(moto_url, expire) as proxy, \
            pytest.raises(CredentialsError, match="expired"):
        collect_snapshot(boto3.session.Session(region_name=REGION), [REGION], endpoint_url=proxy.url)


def test_rejected_credentials_stop_the_collection(moto_url: str) -> None:
    moto_control(moto_url, "reset-auth", b"0")
    stranger = boto3.session.Session(aws_access_key_id="AKIAUNKNOWNUNKNOWN00", aws_secret_access_key="nope",
                                     region_name=REGION)
    with pytest.raises(CredentialsError, match="InvalidClientTokenId"):
        collect_snapshot(stranger, [REGION], endpoint_url=moto_url)


def test_missing_credentials_stop_before_anything_is_sent(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    # Port 9 on loopback: nothing listens, and nothing may be sent anyway.
    with pytest.raises(CredentialsError, match="no AWS credentials"):
        collect_snapshot(boto3.session.Session(region_name=REGION), [REGION], endpoint_url="http://127.0.0.1:9")


def _not_enabled_region(session: boto3.session.Session) -> str:
    regions = session.client("ec2", region_name=REGION).describe_regions(AllRegions=True)["Regions"]
    return next(r["RegionName"] for r in regions if r["OptInStatus"] == "not-opted-in")


def test_requested_region_not_enabled_is_opt_in_required(session: boto3.session.Session) -> None:
    disabled = _not_enabled_region(session)
    outcome = collect_snapshot(session, [REGION, disabled], {Part.VPCS, Part.SUBNETS})
    regions = {r.region: r for r in outcome.snapshot.accounts[0].regions}
    assert regions[REGION].has(Part.VPCS)
    off = regions[disabled]
    assert {s.part: s.state for s in off.status if s.state is not State.SKIPPED} == {
        Part.VPCS: State.OPT_IN_REQUIRED, Part.SUBNETS: State.OPT_IN_REQUIRED}
    assert off.vpcs == () and off.subnets == ()
    assert outcome.calls["ec2:DescribeVpcs"] == 1  # only the enabled region was asked


def test_all_regions_means_the_enabled_ones(session: boto3.session.Session) -> None:
    factory = ClientFactory(session, operations=collector_operations())
    listed = session.client("ec2", region_name=REGION).describe_regions(AllRegions=True)["Regions"]
    plan = account.plan_regions(factory, REGION, None)
    assert set(plan.enabled) == {r["RegionName"] for r in listed if r["OptInStatus"] != "not-opted-in"}
    assert _not_enabled_region(session) not in plan.enabled and plan.not_enabled == ()


def test_unknown_region_is_a_usage_error(session: boto3.session.Session) -> None:
    with pytest.raises(CollectionError, match=r"unknown region.*mars-east-1"):
        collect_snapshot(session, ["mars-east-1"])
