"""Amazon EKS Hybrid Nodes: a cluster VPC reached from on premises over a transit gateway or a
virtual private gateway, remote node and pod networks routed to it and admitted on 443 by the
cluster's additional group (EKS User Guide, "Prepare networking for hybrid nodes"): every finding
and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, region_view
from layouts import eks_hybrid_nodes
from layouts.eks_hybrid_nodes import CLUSTER, HTTPS, OLD_TGW, REMOTE_NODE_CIDR, REMOTE_POD_CIDR, TGW

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
VGW_FORM = {"gateway": "vgw"}
POD_CIDR_NOT_ADMITTED = {"admit_pod_cidr": False}
NODE_CIDR_UNROUTED = {"routed": ("pod",)}
STALE_GATEWAY = {"stale_gateway": True}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return eks_hybrid_nodes.build(**options)  # type: ignore[arg-type]


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: neither the guide's steps nor the layout create a flow log; with the nodes
    beyond the VPC, it is the one place their traffic to the control plane could be seen."""
    return {("MON001", ids["vpc"], "fail")}


def _group_rules(snapshot: Snapshot, group_id: str) -> set[tuple[bool, str, int | None, str | None]]:
    (group,) = [g for g in snapshot.accounts[0].regions[0].security_groups if g.group_id == group_id]
    return {(x.is_egress, x.ip_protocol, x.from_port, x.cidr_ipv4) for x in group.rules}


def _routes(snapshot: Snapshot, table_id: str) -> dict[str, tuple[str, str]]:
    (table,) = [t for t in snapshot.accounts[0].regions[0].route_tables if t.route_table_id == table_id]
    return {route.destination: (route.target_id, route.state) for route in table.routes}


def test_the_snapshot_is_what_the_guide_builds() -> None:
    """The guide's CLI steps: one table on both cluster subnets with the local route and the two
    remote networks to the transit gateway; the additional group admitting 443 from both, AWS's
    default egress; the attachment's interfaces in the cluster subnets; the control plane's two
    interfaces (``Amazon EKS <cluster>``) in EKS's group and the additional one. Not workloads,
    rightly (network model: control-plane traffic goes to the nodes and pods, not to an AWS
    service), so the VPC holds none."""
    snapshot, ids = _built()
    assert _routes(snapshot, ids["hybrid_rt"]) == {
        "10.226.0.0/16": ("local", "active"), REMOTE_NODE_CIDR: (TGW, "active"), REMOTE_POD_CIDR: (TGW, "active")}
    assert _group_rules(snapshot, ids["hybrid_sg"]) == {
        (False, "tcp", HTTPS, REMOTE_NODE_CIDR), (False, "tcp", HTTPS, REMOTE_POD_CIDR),
        (True, "-1", None, "0.0.0.0/0")}
    enis = snapshot.accounts[0].regions[0].network_interfaces
    control_plane = [e for e in enis if e.description == f"Amazon EKS {CLUSTER}"]
    assert {(e.subnet_id, e.group_ids) for e in control_plane} == {
        (ids[f"cluster{k}"], tuple(sorted((ids["eks_sg"], ids["hybrid_sg"])))) for k in (1, 2)}
    assert sorted(e.subnet_id for e in enis if e.interface_type == "transit_gateway") == sorted(
        (ids["cluster1"], ids["cluster2"]))
    assert region_view(snapshot).workload_enis(ids["vpc"]) == ()


def test_findings_and_verdicts() -> None:
    """The canonical form: MON001 alone. Silent, rightly: RT001 (both routes active), NAT and GWE
    rules (no route out and no workload in the VPC: the nodes reach AWS services from on premises),
    SG001-SG006, IFE, POL and ACL001 (no endpoint, default NACL), DNS001/DNS002 (both on, as the
    guide requires), DNS003-DNS006 (no endpoint, zone or rule). Nothing asks for a Route 53
    Resolver inbound endpoint, rightly: a private-only cluster's endpoint "is resolved by public DNS
    servers to a private IP address from the VPC" (EKS User Guide, cluster-endpoint)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _flow_logs(ids)


def test_vgw_form() -> None:
    """The virtual private gateway in place of the transit gateway (routes by ``--gateway-id``): the
    same single finding; no attachment interfaces, both routes to the gateway."""
    snapshot, ids = _built(**VGW_FORM)
    assert audit(snapshot) == _flow_logs(ids)
    routes = _routes(snapshot, ids["hybrid_rt"])
    assert routes[REMOTE_NODE_CIDR] == routes[REMOTE_POD_CIDR] == (ids["vgw"], "active")
    assert not [e for e in snapshot.accounts[0].regions[0].network_interfaces if e.interface_type == "transit_gateway"]


def test_near_miss_pod_cidr_not_admitted() -> None:
    """The additional group admitting 443 from the remote node CIDR only. Pods on hybrid nodes whose
    CNI does not masquerade cannot reach the API server, so operators and controllers there fail
    (kubelet, from node addresses, still joins). A gap, pinned: the audit is the canonical one. The
    cluster's ``RemoteNetworkConfig`` (eks:DescribeCluster ``remoteNetworkConfig.remotePodNetworks``)
    is not collected, and SG rules are judged only for endpoint groups. A rule would compare the
    ingress of the groups on ``Amazon EKS <cluster>`` interfaces with every remote CIDR on TCP 443."""
    snapshot, ids = _built(**POD_CIDR_NOT_ADMITTED)
    assert audit(snapshot) == _flow_logs(ids)
    assert (False, "tcp", HTTPS, REMOTE_POD_CIDR) not in _group_rules(snapshot, ids["hybrid_sg"])


def test_near_miss_node_cidr_unrouted() -> None:
    """The table routing the pod network to the transit gateway but not the node network: the
    control plane's replies to kubelet and its own 10250 calls fall to no route, so no node becomes
    ready. A gap, pinned: the audit is the canonical one. No rule knows the remote networks (not
    collected), and a missing route is no blackhole; with ``remoteNodeNetworks`` collected, a rule
    could ask that each block have an active route to a transit or virtual private gateway in the
    tables of the subnets holding the cluster's interfaces (the API's "must have a route to the VPC")."""
    snapshot, ids = _built(**NODE_CIDR_UNROUTED)
    assert audit(snapshot) == _flow_logs(ids)
    assert REMOTE_NODE_CIDR not in _routes(snapshot, ids["hybrid_rt"])


def test_near_miss_stale_gateway() -> None:
    """The node network still routed to the transit gateway the VPC used to be attached to: RT001
    fails on the table, medium. Right: DescribeRouteTables reports the route ``blackhole``, and
    every packet from the control plane to a hybrid node is dropped."""
    snapshot, ids = _built(**STALE_GATEWAY)
    assert audit(snapshot) == _flow_logs(ids) | {("RT001", ids["hybrid_rt"], "fail")}
    assert _routes(snapshot, ids["hybrid_rt"])[REMOTE_NODE_CIDR] == (OLD_TGW, "blackhole")
