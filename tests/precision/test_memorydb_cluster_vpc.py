"""An Amazon MemoryDB cluster (Valkey) in database subnets of three AZs, used by application
instances in the private subnets, with a ``memory-db`` interface endpoint for the MemoryDB API
(terraform-aws-memory-db ``examples/valkey`` and the MemoryDB Developer Guide's VPC pages): every
finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

import pytest
from aws_layout import audit, region_view, severities
from layouts import memorydb_cluster_vpc
from layouts.memorydb_cluster_vpc import (
    NAME,
    NODE_REQUESTER_ID,
    PRIVATE_CIDRS,
    REDIS_TCP,
    SERVICE,
    SUBNET_GROUP,
    VPC_CIDR,
    nodes,
)

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
ENDPOINT_FOR_THE_CLUSTER = {"endpoint_source": "cluster-sg"}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return memorydb_cluster_vpc.build(**options)  # type: ignore[arg-type]


def _flow_log(ids: dict[str, str]) -> Triples:
    """Right, medium: neither the example nor the guide creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _default_endpoint_policy(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the ``memory-db`` endpoint keeps AWS's default full access (the
    guide: endpoint policies supported, full access by default); the instances need a few read
    and snapshot actions on one cluster."""
    return {("POL001", ids["memorydb_endpoint"], "fail")}


def _sg003_on_the_endpoint(ids: dict[str, str]) -> Triples:
    """Right, high: the endpoint admits 443 only from the cluster's group, whose members (the
    nodes) call no AWS API from the VPC; the instances, the only callers, are refused."""
    return {("SG003", ids["memorydb_endpoint"], "fail")}


def _canonical(ids: dict[str, str]) -> Triples:
    return _flow_log(ids) | _default_endpoint_policy(ids)


def test_the_snapshot_is_the_example() -> None:
    """The builder against the example and the guide: private /20s and database /24s in three AZs,
    no internet gateway or NAT, database subnet ``k`` on private table ``k`` (local route only);
    the cluster's group (6379 from the three private ranges, all out to the VPC); six node
    interfaces, typed ``interface``, on no instance, each shard across three AZs; the cluster and
    its subnet group as DescribeClusters and DescribeSubnetGroups report them; the instances; the
    endpoint. How the network model reads the nodes: workloads, each of the cluster (in a subnet of
    its subnet group, with exactly its group), so MemoryDB nodes, clients of no AWS service's
    endpoint, ``memory-db`` included (see the near miss below); the instances clients of it."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    assert sorted((s.cidr_block, s.availability_zone_id) for s in region.subnets) == [
        ("10.0.0.0/20", "euw1-az1"), ("10.0.16.0/20", "euw1-az2"), ("10.0.32.0/20", "euw1-az3"),
        ("10.0.48.0/24", "euw1-az1"), ("10.0.49.0/24", "euw1-az2"), ("10.0.50.0/24", "euw1-az3")]
    assert not region.internet_gateways and not region.nat_gateways
    tables = {t.route_table_id: t for t in region.route_tables}
    for k in (1, 2, 3):
        assert [x.target_kind for x in tables[ids[f"private_rt{k}"]].routes] == ["local"]
    cluster_sg = next(g for g in region.security_groups if g.group_id == ids["cluster_sg"])
    assert sorted((x.is_egress, x.ip_protocol, x.from_port, x.cidr_ipv4) for x in cluster_sg.rules) == [
        (False, "tcp", REDIS_TCP, cidr) for cidr in sorted(PRIVATE_CIDRS)] + [(True, "-1", None, VPC_CIDR)]
    (endpoint,) = region.vpc_endpoints
    assert (endpoint.service_name, endpoint.private_dns_enabled, len(endpoint.subnet_ids)) \
        == (f"com.amazonaws.eu-west-1.{SERVICE}", True, 3)

    view = region_view(snapshot)
    node_enis = [view.interfaces[ids[f"node{n}"]] for n in range(1, 7)]
    assert [e.description for e in node_enis] == [f"MemoryDB {node}" for node, _ in nodes()]
    assert {(e.interface_type, e.requester_managed, e.requester_id, e.group_ids, e.instance_id)
            for e in node_enis} == {("interface", True, NODE_REQUESTER_ID, (ids["cluster_sg"],), None)}
    for shard in ("0001", "0002"):
        assert {view.az_id_of(e.subnet_id) for e in node_enis if f"-{shard}-" in e.description} \
            == {"euw1-az1", "euw1-az2", "euw1-az3"}
    (cluster,) = region.memorydb_clusters
    assert (cluster.name, cluster.subnet_group_name, cluster.vpc_id, cluster.group_ids) \
        == (NAME, SUBNET_GROUP, ids["vpc"], (ids["cluster_sg"],))
    assert set(cluster.subnet_ids) == {ids[f"database{k}"] for k in (1, 2, 3)}
    assert all(view.is_workload(e) and view.memorydb_clusters_of(e) == (cluster,) for e in node_enis)
    assert {getattr(view.managed_kind_of(e), "name", None) for e in node_enis} == {"MemoryDB node"}
    assert not any(view.may_call(e, key) for e in node_enis for key in (SERVICE, "s3"))
    apps = [view.interfaces[ids[f"app{n}"]] for n in (1, 2, 3)]
    assert all(view.managed_kind_of(e) is None and view.may_call(e, SERVICE) for e in apps)


def test_findings_and_verdicts_as_published() -> None:
    """The example alone (no instance, no endpoint): MON001. Silent, rightly: every endpoint rule
    (no endpoint), GWE/NAT rules (no way out, none asked for), DNS001/DNS002 (both on), ACL001
    (the module's allow-all NACL), SG001/SG004 (they judge endpoint groups only)."""
    snapshot, ids = _built(apps=False)
    assert audit(snapshot) == _flow_log(ids)


@pytest.mark.parametrize("reading", ["memorydb", "elasticache"])
def test_findings_and_verdicts_put_to_use(reading: str) -> None:
    """The instances and the endpoint: MON001 and POL001 (right), whichever way the nodes'
    interfaces are described. Silent, rightly: SG003/SG006 (443 from the VPC, where the instances
    are), SG005 (the instances send anywhere; the nodes are no client of the endpoint),
    IFE001/IFE002 (the endpoint in the three AZs), SG002 (443 only), IFE003 (no bundle for
    MemoryDB), DNS and NAT rules, ACL001."""
    snapshot, ids = _built(node_description=reading)
    assert audit(snapshot) == _canonical(ids)


def test_near_miss_cluster_group_open_to_the_world() -> None:
    """The cluster's group admits 6379 from 0.0.0.0/0. A gap, pinned: the audit is the canonical
    one. SG001 and SG004 judge the groups of VPC endpoints only, and no rule judges a data
    store's group. The VPC has no internet gateway, so only the VPC (and whatever is later peered
    or attached) reaches the port; the guide's pattern is a rule from the instances' group or
    range. Left to controls that judge every group's open ports (Security Hub EC2.18)."""
    snapshot, ids = _built(cluster_ingress="world")
    assert audit(snapshot) == _canonical(ids)
    groups = {g.group_id: g for g in snapshot.accounts[0].regions[0].security_groups}
    assert [x.cidr_ipv4 for x in groups[ids["cluster_sg"]].rules if not x.is_egress] == ["0.0.0.0/0"]


def test_near_miss_cluster_on_another_port() -> None:
    """The cluster created on port 6380, the group still ``redis-tcp`` (6379): every connection
    from the instances is refused. A gap, pinned: the audit is the canonical one, and the
    snapshot is the same as the canonical one (the port is the cluster's setting,
    ``ClusterEndpoint.Port`` in MemoryDB's DescribeClusters, which is collected only for what ties
    a node's interface to its cluster: name, subnet group, groups)."""
    snapshot, ids = _built(port=6380)
    assert audit(snapshot) == _canonical(ids)
    assert snapshot == _built()[0]


def test_near_miss_nodes_in_one_az() -> None:
    """The subnet group of the first database subnet only: the six nodes, primaries and replicas,
    in euw1-az1 ("MemoryDB uses that subnet group to choose a subnet and IP addresses within that
    subnet to associate with your nodes"), so the cluster goes with that AZ. A gap, pinned: the
    audit is the canonical one. The nodes are plain workloads to the model and no rule judges a
    cluster's AZ spread (the snapshot has the cluster's subnet group, which says the same);
    resilience advice at most."""
    snapshot, ids = _built(node_azs=(1,))
    assert audit(snapshot) == _canonical(ids)
    view = region_view(snapshot)
    assert {view.az_id_of(view.interfaces[ids[f"node{n}"]].subnet_id) for n in range(1, 7)} == {"euw1-az1"}


@pytest.mark.parametrize("reading", ["memorydb", "elasticache"])
def test_near_miss_endpoint_admitting_only_the_cluster_group(reading: str) -> None:
    """Rule wrong, fixed: the endpoint's group admits 443 only from the cluster's group. The
    instances, the only callers of the MemoryDB API, are refused: SG003, high, is the correct
    finding, whichever way the nodes' interfaces are described. No MemoryDB page asks for an
    endpoint or a path from the cluster's subnets: snapshots are written to S3 by the service,
    exports are copied by MemoryDB to a bucket it is granted, IAM tokens are validated by
    MemoryDB. It was silent while the snapshot could not tell the nodes' interfaces, members of
    the admitted group, from workloads; DescribeClusters and DescribeSubnetGroups now place the
    cluster (its subnet group's subnets, its groups), and an interface there with exactly its
    groups, on no instance, is a node, a client of no AWS service."""
    snapshot, ids = _built(**ENDPOINT_FOR_THE_CLUSTER, node_description=reading)
    assert audit(snapshot) == _canonical(ids) | _sg003_on_the_endpoint(ids)
    assert severities(snapshot)[("SG003", ids["memorydb_endpoint"], "")] == "high"


def test_endpoint_admitting_only_the_cluster_group_as_audited_today() -> None:
    """That near miss with the clusters not collected (DescribeClusters or DescribeSubnetGroups
    denied, a Region without MemoryDB, an older snapshot): the nodes' interfaces, described as
    assumed, are ordinary workloads, clients of ``memory-db``, so SG003 stays silent — the
    canonical set, as before, rather than a finding the snapshot cannot back. Described the
    ElastiCache way, the same nodes are a managed kind by their own fields, calling no AWS service,
    and SG003 fires, high, without the clusters: there the description alone decides."""
    snapshot, ids = _built(**ENDPOINT_FOR_THE_CLUSTER, clusters_collected=False)
    assert audit(snapshot) == _canonical(ids)
    snapshot, ids = _built(**ENDPOINT_FOR_THE_CLUSTER, node_description="elasticache", clusters_collected=False)
    assert audit(snapshot) == _canonical(ids) | _sg003_on_the_endpoint(ids)
    assert severities(snapshot)[("SG003", ids["memorydb_endpoint"], "")] == "high"
