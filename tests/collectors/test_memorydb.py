"""MemoryDB clusters collected from an in-process moto account: one ``DescribeClusters`` and one
``DescribeSubnetGroups`` per Region, joined.

Paging (moto never pages) is in test_paging, AccessDenied in test_gaps.
"""

from __future__ import annotations

import boto3

from vpcaudit.collectors.run import collect_snapshot
from vpcaudit.network.view import NetworkView
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.jsonfile import from_json, to_json
from vpcaudit.snapshot.model import Part, State

REGION = "us-east-1"


def _clusters(session: boto3.session.Session) -> dict[str, str]:
    """A VPC with two database subnets in a subnet group ``cache``; ``sessions`` on it with its own
    group, ``scratch`` on it with none. Returns the VPC, subnets and group.

    moto 5.2.6 answers both listings with every field read here (``SubnetGroupName``,
    ``SecurityGroups``; ``VpcId``, ``Subnets[].Identifier``), and lists the ``default`` subnet group
    it creates of the default VPC's subnets."""
    ec2 = session.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ids = {"vpc": vpc}
    for n, az in enumerate("ab", start=1):
        ids[f"subnet{n}"] = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{47 + n}.0/24",
                                              AvailabilityZone=f"{REGION}{az}")["Subnet"]["SubnetId"]
    ids["group"] = ec2.create_security_group(GroupName="sessions", Description="sessions cluster", VpcId=vpc)["GroupId"]
    client = session.client("memorydb", region_name=REGION)
    client.create_subnet_group(SubnetGroupName="cache", SubnetIds=[ids["subnet1"], ids["subnet2"]])
    client.create_cluster(ClusterName="sessions", NodeType="db.r7g.large", ACLName="open-access",
                          SubnetGroupName="cache", SecurityGroupIds=[ids["group"]], NumShards=2)
    client.create_cluster(ClusterName="scratch", NodeType="db.t4g.small", ACLName="open-access",
                          SubnetGroupName="cache")
    return ids


def test_every_cluster_is_recorded_with_its_subnet_group_and_groups(session: boto3.session.Session) -> None:
    ids = _clusters(session)
    outcome = collect_snapshot(session, [REGION], {Part.MEMORYDB_CLUSTERS})
    (region,) = outcome.snapshot.accounts[0].regions
    assert region.state_of(Part.MEMORYDB_CLUSTERS).state is State.OK
    subnets = tuple(sorted((ids["subnet1"], ids["subnet2"])))
    assert region.memorydb_clusters == (r.MemoryDBCluster("scratch", "cache", ids["vpc"], subnets, ()),
                                        r.MemoryDBCluster("sessions", "cache", ids["vpc"], subnets, (ids["group"],)))
    assert outcome.calls == {"sts:GetCallerIdentity": 1, "ec2:DescribeRegions": 1,
                             "memorydb:DescribeClusters": 1, "memorydb:DescribeSubnetGroups": 1}
    assert from_json(to_json(outcome.snapshot)) == outcome.snapshot


def test_a_region_without_clusters_is_collected_and_empty(session: boto3.session.Session) -> None:
    """Subnet groups alone (moto's ``default``) make no record: the part is about clusters."""
    (region,) = collect_snapshot(session, [REGION], {Part.MEMORYDB_CLUSTERS}).snapshot.accounts[0].regions
    assert region.has(Part.MEMORYDB_CLUSTERS) and region.memorydb_clusters == ()


def test_a_collected_node_interface_is_read_as_the_clusters(session: boto3.session.Session) -> None:
    """Collected with the network interfaces, the clusters tell a node's interface from a workload.

    moto 5.2.6 creates no network interface for a MemoryDB node; AWS creates one per node, in a
    subnet of the cluster's subnet group, carrying the cluster's groups, attached to no instance.
    Interfaces the account creates stand in for two nodes (EC2's ``CreateNetworkInterface``, with
    the description the precision layout assumes); one on the cluster's subnet with another group
    stays a workload."""
    ids = _clusters(session)
    ec2 = session.client("ec2", region_name=REGION)
    nodes = [ec2.create_network_interface(SubnetId=ids[f"subnet{n}"], Groups=[ids["group"]],
                                          Description=f"MemoryDB sessions-000{n}-001")
             ["NetworkInterface"]["NetworkInterfaceId"] for n in (1, 2)]
    other = ec2.create_security_group(GroupName="app", Description="app", VpcId=ids["vpc"])["GroupId"]
    app = ec2.create_network_interface(SubnetId=ids["subnet1"], Groups=[other])[
        "NetworkInterface"]["NetworkInterfaceId"]
    outcome = collect_snapshot(session, [REGION], {Part.NETWORK_INTERFACES, Part.MEMORYDB_CLUSTERS})
    account = outcome.snapshot.accounts[0]
    view = NetworkView(account, account.regions[0])
    kinds = {eni: view.managed_kind_of(view.interfaces[eni]) for eni in (*nodes, app)}
    assert {eni: getattr(kind, "name", None) for eni, kind in kinds.items()} == {
        nodes[0]: "MemoryDB node", nodes[1]: "MemoryDB node", app: None}
    assert not view.may_call(view.interfaces[nodes[0]], "memory-db")
    assert view.may_call(view.interfaces[app], "memory-db")
