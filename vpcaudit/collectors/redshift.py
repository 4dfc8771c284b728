"""Amazon Redshift provisioned clusters: one paginated ``DescribeClusters`` per Region.

Why: a Redshift node's network interface is a client of the AWS services Redshift calls from the
VPC only when its cluster uses enhanced VPC routing ("If enhanced VPC routing is not turned on,
Amazon Redshift routes traffic through the internet, including traffic to other services within
the AWS network", Redshift Management Guide). The listing gives every cluster's setting, nodes'
private addresses, VPC and security groups at once, so no per-cluster call is needed. Its page
size is left to AWS, whose default (100 records) is also the most ``MaxRecords`` allows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vpcaudit.aws.paging import items
from vpcaudit.collectors.base import Collector, Scope
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part


def fetch_redshift_clusters(scope: Scope, _: Mapping[Part, Any]) -> tuple[r.RedshiftCluster, ...]:
    return tuple(r.RedshiftCluster.from_api(c) for c in items(scope.client("redshift"), "DescribeClusters", "Clusters"))


COLLECTORS = (
    Collector(Part.REDSHIFT_CLUSTERS, ("redshift:DescribeClusters",), fetch_redshift_clusters),
)
