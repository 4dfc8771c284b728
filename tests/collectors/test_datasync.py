"""DataSync tasks collected from an in-process moto account: one ``ListTasks`` per Region, then one
``DescribeTask`` per task (DataSync has no batch read of tasks).

Paging (moto never pages) is in test_paging, AccessDenied in test_gaps.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from vpcaudit.collectors.run import collect_snapshot
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.jsonfile import from_json, to_json
from vpcaudit.snapshot.model import Part, State

REGION = "us-east-1"
ACCOUNT = "123456789012"


def _locations(session: boto3.session.Session) -> tuple[str, str]:
    """Two S3 locations (moto 5.2.6 creates S3 and SMB locations only; where the data lives does not
    change what DescribeTask answers)."""
    datasync = session.client("datasync", region_name=REGION)
    config = {"BucketAccessRoleArn": f"arn:aws:iam::{ACCOUNT}:role/datasync"}
    source, destination = (datasync.create_location_s3(S3BucketArn=f"arn:aws:s3:::{bucket}", S3Config=config)
                           ["LocationArn"] for bucket in ("archive", "landing"))
    return source, destination


@pytest.fixture
def tasks(session: boto3.session.Session) -> Iterator[dict[str, list[str]]]:
    """Two tasks, ``copy`` with four interfaces and ``idle`` with none yet, as task ARN → interface ids.

    moto 5.2.6 answers DescribeTask without ``SourceNetworkInterfaceArns`` and
    ``DestinationNetworkInterfaceArns`` (AWS lists the interfaces DataSync created for each
    location) and creates no interface for a task. Here the four interfaces are created in moto's
    EC2 and each DescribeTask answer gains the lists as botocore's datasync model shapes them
    (``arn:aws:ec2:<region>:<account>:network-interface/eni-…``, under the destination: the S3
    location's interfaces, as the guide's table lists them for a private endpoint)."""
    ec2 = session.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.50.2.0/24", AvailabilityZone=f"{REGION}a")["Subnet"]
    datasync = session.client("datasync", region_name=REGION)
    source, destination = _locations(session)
    copy = datasync.create_task(SourceLocationArn=source, DestinationLocationArn=destination, Name="copy")["TaskArn"]
    idle = datasync.create_task(SourceLocationArn=destination, DestinationLocationArn=source, Name="idle")["TaskArn"]
    enis = {copy: [ec2.create_network_interface(SubnetId=subnet["SubnetId"], Description=f"DataSync {n}")
                   ["NetworkInterface"]["NetworkInterfaceId"] for n in range(4)], idle: []}

    def fill(parsed: dict[str, Any], **_: Any) -> None:
        parsed["DestinationNetworkInterfaceArns"] = [f"arn:aws:ec2:{REGION}:{ACCOUNT}:network-interface/{eni}"
                                                     for eni in enis[parsed["TaskArn"]]]
        parsed["SourceNetworkInterfaceArns"] = []

    session._session.register("after-call.datasync.DescribeTask", fill)  # type: ignore[attr-defined]
    yield enis
    session._session.unregister("after-call.datasync.DescribeTask", fill)  # type: ignore[attr-defined]


def test_every_task_is_recorded_with_its_interfaces(session: boto3.session.Session,
                                                     tasks: dict[str, list[str]]) -> None:
    outcome = collect_snapshot(session, [REGION], {Part.DATASYNC_TASKS, Part.NETWORK_INTERFACES})
    (region,) = outcome.snapshot.accounts[0].regions
    assert region.state_of(Part.DATASYNC_TASKS).state is State.OK
    assert region.datasync_tasks == tuple(r.DataSyncTask(arn, "AVAILABLE", tuple(sorted(enis)))
                                          for arn, enis in sorted(tasks.items()))
    listed = session.client("datasync", region_name=REGION).list_tasks()["Tasks"]
    assert {t.task_arn: t.status for t in region.datasync_tasks} == {t["TaskArn"]: t["Status"] for t in listed}
    # The ids are those DescribeNetworkInterfaces gives: what the network view matches on.
    assert {i for t in region.datasync_tasks for i in t.network_interface_ids} \
        <= {e.network_interface_id for e in region.network_interfaces}
    assert outcome.calls["datasync:ListTasks"] == 1 and outcome.calls["datasync:DescribeTask"] == 2
    assert from_json(to_json(outcome.snapshot)) == outcome.snapshot


def test_a_region_without_tasks_is_collected_and_empty(session: boto3.session.Session) -> None:
    outcome = collect_snapshot(session, [REGION], {Part.DATASYNC_TASKS})
    (region,) = outcome.snapshot.accounts[0].regions
    assert region.has(Part.DATASYNC_TASKS) and region.datasync_tasks == ()
    assert outcome.calls == {"sts:GetCallerIdentity": 1, "ec2:DescribeRegions": 1, "datasync:ListTasks": 1}
