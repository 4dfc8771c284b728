"""Redshift clusters collected from an in-process moto account: one ``DescribeClusters`` per Region.

Paging (moto never pages) is in test_paging, AccessDenied in test_gaps.
"""

from __future__ import annotations

from typing import Any

import boto3

from vpcaudit.collectors.run import collect_snapshot
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.jsonfile import from_json, to_json
from vpcaudit.snapshot.model import Part, State

REGION = "us-east-1"


def _clusters(session: boto3.session.Session) -> str:
    """Two clusters in one subnet group: ``etl`` (three nodes, enhanced VPC routing, its own group)
    and ``reports`` (one node, enhanced VPC routing left at its default). Returns the group.

    moto 5.2.6 answers DescribeClusters without ``VpcId`` and without ``ClusterNodes`` (AWS gives
    both: the VPC the cluster is in and each node's private address), and creates no network
    interface for a cluster; what ties an interface to its cluster is tested on hand-built
    snapshots (tests/network) and on AWS's shape (test_paging)."""
    ec2 = session.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.10.0/24", AvailabilityZone=f"{REGION}a")["Subnet"]
    group = ec2.create_security_group(GroupName="etl", Description="etl cluster", VpcId=vpc)["GroupId"]
    client = session.client("redshift", region_name=REGION)
    client.create_cluster_subnet_group(ClusterSubnetGroupName="warehouse", Description="warehouse",
                                       SubnetIds=[subnet["SubnetId"]])
    common: dict[str, Any] = {"NodeType": "ra3.xlplus", "MasterUsername": "admin",
                              "MasterUserPassword": "Secret-passw0rd", "ClusterSubnetGroupName": "warehouse"}
    client.create_cluster(ClusterIdentifier="etl", ClusterType="multi-node", NumberOfNodes=3,
                          VpcSecurityGroupIds=[group], EnhancedVpcRouting=True, **common)
    client.create_cluster(ClusterIdentifier="reports", ClusterType="single-node", **common)
    return group


def test_every_cluster_is_recorded_with_its_routing_and_groups(session: boto3.session.Session) -> None:
    group = _clusters(session)
    outcome = collect_snapshot(session, [REGION], {Part.REDSHIFT_CLUSTERS})
    (region,) = outcome.snapshot.accounts[0].regions
    assert region.state_of(Part.REDSHIFT_CLUSTERS).state is State.OK
    assert region.redshift_clusters == (r.RedshiftCluster("etl", "", True, (group,), ()),
                                        r.RedshiftCluster("reports", "", False, (), ()))
    listed = session.client("redshift", region_name=REGION).describe_clusters()["Clusters"]
    assert {c.cluster_identifier: c.enhanced_vpc_routing for c in region.redshift_clusters} == {
        c["ClusterIdentifier"]: c["EnhancedVpcRouting"] for c in listed}
    assert outcome.calls == {"sts:GetCallerIdentity": 1, "ec2:DescribeRegions": 1, "redshift:DescribeClusters": 1}
    assert from_json(to_json(outcome.snapshot)) == outcome.snapshot


def test_a_region_without_clusters_is_collected_and_empty(session: boto3.session.Session) -> None:
    (region,) = collect_snapshot(session, [REGION], {Part.REDSHIFT_CLUSTERS}).snapshot.accounts[0].regions
    assert region.has(Part.REDSHIFT_CLUSTERS) and region.redshift_clusters == ()
