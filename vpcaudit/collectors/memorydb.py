"""Amazon MemoryDB clusters: one paginated ``DescribeClusters`` and one ``DescribeSubnetGroups`` per Region.

Why: a MemoryDB node's network interface calls no AWS service from the VPC — snapshots "are
written to Amazon S3" by the service, an export is copied by MemoryDB to a bucket it is granted,
and an IAM authentication token is signed by the client and validated by MemoryDB (Developer
Guide: snapshot and restore, exporting a snapshot, authenticating with IAM) — yet
DescribeNetworkInterfaces reports it as an ordinary ``interface`` whose description and requester
AWS does not document. What ties it to a cluster is where MemoryDB puts it: in a subnet of the
cluster's subnet group ("MemoryDB uses that subnet group to choose a subnet and IP addresses within
that subnet to associate with your nodes", MemoryDB API, CreateSubnetGroup), carrying the
cluster's security groups.

DescribeClusters names each cluster's subnet group and groups; DescribeSubnetGroups gives every
group's VPC and subnets. Both are region-wide listings (``NextToken``), joined here, so no call is
made per cluster or per group. ``ShowShardDetails`` is not sent: a node's endpoint is a DNS name,
not its interface's address, so the shards would tie nothing more. The model declares no maximum
``MaxResults`` for either, so the page size is left to AWS.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vpcaudit.aws.paging import items
from vpcaudit.collectors.base import Collector, Scope
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part


def join_subnet_groups(clusters: list[r.Api], subnet_groups: list[r.Api]) -> tuple[r.MemoryDBCluster, ...]:
    """One record per cluster, with its subnet group's VPC and subnets (pure)."""
    by_name = {g["Name"]: g for g in subnet_groups if g.get("Name")}
    return tuple(r.MemoryDBCluster.from_api(c, by_name) for c in clusters)


def fetch_memorydb_clusters(scope: Scope, _: Mapping[Part, Any]) -> tuple[r.MemoryDBCluster, ...]:
    client = scope.client("memorydb")
    clusters = items(client, "DescribeClusters", "Clusters")
    subnet_groups = items(client, "DescribeSubnetGroups", "SubnetGroups")
    return join_subnet_groups(clusters, subnet_groups)


COLLECTORS = (
    Collector(Part.MEMORYDB_CLUSTERS, ("memorydb:DescribeClusters", "memorydb:DescribeSubnetGroups"),
              fetch_memorydb_clusters),
)
