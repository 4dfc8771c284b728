"""Amazon RDS DB instances (Aurora, Neptune and DocumentDB too): one paginated ``DescribeDBInstances`` per Region.

Why: a DB instance's network interface (``RDSNetworkInterface``, requester-managed by
``amazon-rds``) does not say which engine it serves, so the network view counts it as a client of
every service any engine calls. The instance's ``Engine`` does: DocumentDB calls no AWS service
from it, the Neptune bulk loader calls S3 and, for chained roles, STS ("The Neptune loader requires
a VPC endpoint for AWS STS when you are chaining IAM roles", Neptune User Guide). One listing gives
every instance's engine, DB subnet group (VPC and subnets) and VPC security groups; it "can also
return information for Amazon Neptune DB instances and Amazon DocumentDB instances" (RDS API
Reference, DescribeDBInstances), which share RDS's control plane, so no call to Neptune's or
DocumentDB's API is needed and no call is made per instance. Its page size is left to AWS, whose
default (100 records) is also the most ``MaxRecords`` allows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vpcaudit.aws.paging import items
from vpcaudit.collectors.base import Collector, Scope
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part


def fetch_db_instances(scope: Scope, _: Mapping[Part, Any]) -> tuple[r.DBInstance, ...]:
    return tuple(r.DBInstance.from_api(i) for i in items(scope.client("rds"), "DescribeDBInstances", "DBInstances"))


COLLECTORS = (
    Collector(Part.DB_INSTANCES, ("rds:DescribeDBInstances",), fetch_db_instances),
)
