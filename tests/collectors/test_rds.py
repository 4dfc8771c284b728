"""DB instances collected from an in-process moto account: one ``DescribeDBInstances`` per Region.

Paging and DocumentDB's instances (moto 5.2.6 refuses ``docdb`` as an engine) are in test_paging,
AccessDenied in test_gaps.
"""

from __future__ import annotations

import boto3

from vpcaudit.collectors.run import collect_snapshot
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.jsonfile import from_json, to_json
from vpcaudit.snapshot.model import Part, State

REGION = "us-east-1"


def _instances(session: boto3.session.Session) -> tuple[str, tuple[str, str], str]:
    """An RDS for PostgreSQL instance ``orders`` in the DB subnet group ``data`` (two subnets) with
    its own group, and a Neptune cluster's instance ``graph-1`` created through Neptune's API in the
    same subnet group and group. Returns the VPC, the subnets and the group.

    moto 5.2.6 answers DescribeDBInstances for the Neptune instance without ``DBSubnetGroup`` (AWS
    gives every instance in a VPC its subnet group), and creates no network interface for either;
    what ties an interface to its instance is tested on hand-built snapshots (tests/network) and on
    AWS's shape (test_paging)."""
    ec2 = session.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = tuple(ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{k}.0/24", AvailabilityZone=f"{REGION}{az}")
                    ["Subnet"]["SubnetId"] for k, az in ((1, "a"), (2, "b")))
    group = ec2.create_security_group(GroupName="db", Description="databases", VpcId=vpc)["GroupId"]
    rds = session.client("rds", region_name=REGION)
    rds.create_db_subnet_group(DBSubnetGroupName="data", DBSubnetGroupDescription="data", SubnetIds=list(subnets))
    rds.create_db_instance(DBInstanceIdentifier="orders", Engine="postgres", DBInstanceClass="db.t3.micro",
                           MasterUsername="app", MasterUserPassword="Secret-passw0rd", AllocatedStorage=20,
                           DBSubnetGroupName="data", VpcSecurityGroupIds=[group])
    neptune = session.client("neptune", region_name=REGION)
    neptune.create_db_cluster(DBClusterIdentifier="graph", Engine="neptune", DBSubnetGroupName="data",
                              VpcSecurityGroupIds=[group])
    neptune.create_db_instance(DBInstanceIdentifier="graph-1", DBInstanceClass="db.r5.large", Engine="neptune",
                               DBClusterIdentifier="graph")
    return vpc, (subnets[0], subnets[1]), group


def test_every_instance_is_recorded_with_its_engine_subnets_and_groups(session: boto3.session.Session) -> None:
    """Neptune's instance comes in RDS's listing, as DescribeDBInstances says it does: "This
    operation can also return information for Amazon Neptune DB instances and Amazon DocumentDB
    instances"."""
    vpc, subnets, group = _instances(session)
    outcome = collect_snapshot(session, [REGION], {Part.DB_INSTANCES})
    (region,) = outcome.snapshot.accounts[0].regions
    assert region.state_of(Part.DB_INSTANCES).state is State.OK
    assert region.db_instances == (r.DBInstance("graph-1", "neptune", "", (), (group,)),
                                   r.DBInstance("orders", "postgres", vpc, tuple(sorted(subnets)), (group,)))
    assert outcome.calls == {"sts:GetCallerIdentity": 1, "ec2:DescribeRegions": 1, "rds:DescribeDBInstances": 1}
    assert from_json(to_json(outcome.snapshot)) == outcome.snapshot


def test_a_region_without_instances_is_collected_and_empty(session: boto3.session.Session) -> None:
    (region,) = collect_snapshot(session, [REGION], {Part.DB_INSTANCES}).snapshot.accounts[0].regions
    assert region.has(Part.DB_INSTANCES) and region.db_instances == ()
