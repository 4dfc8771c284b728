"""AWS DataSync tasks: one paginated ``ListTasks`` per Region, then ``DescribeTask`` per task.

Why: DataSync creates network interfaces in the account's subnets for every task ("For every task
you create, AWS DataSync automatically generates and manages network interfaces for data transfer
traffic", DataSync User Guide), and DescribeNetworkInterfaces does not say whose they are (AWS
documents no description or requester for them). DescribeTask names them exactly
(``SourceNetworkInterfaceArns``, ``DestinationNetworkInterfaceArns``), so the network view can tell
them from workloads that call AWS services through the VPC.

Why per task: DataSync offers no batch read of tasks. ``ListTasks`` gives only each task's ARN,
name, status and mode; the interfaces are in ``DescribeTask``'s answer alone, one task per call.
The calls run concurrently within the Region's call budget, as other per-resource calls do
(``Scope.map``). ``ListTasks`` pages with the largest page its model allows (100).

Any failing call fails the part: a task deleted between the listing and its ``DescribeTask``
answers ``InvalidRequestException``, which does not tell "not found" apart from other bad requests
(assumed; the API reference documents no other code), so it is not skipped. The part only sharpens
the network view: not collected, every interface keeps today's reading.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vpcaudit.aws.paging import items
from vpcaudit.collectors.base import Collector, Scope
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part


def fetch_datasync_tasks(scope: Scope, _: Mapping[Part, Any]) -> tuple[r.DataSyncTask, ...]:
    client = scope.client("datasync")
    arns = [t["TaskArn"] for t in items(client, "ListTasks", "Tasks")]
    return tuple(scope.map(lambda arn: r.DataSyncTask.from_api(client.describe_task(TaskArn=arn)), arns))


COLLECTORS = (
    Collector(Part.DATASYNC_TASKS, ("datasync:ListTasks", "datasync:DescribeTask"), fetch_datasync_tasks),
)
