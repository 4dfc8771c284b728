"""Amazon EKS with the VPC CNI's custom networking (the EKS User Guide's tutorial, EKS Blueprints'
``vpc-cni-custom-networking`` example): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

import pytest
from aws_layout import audit, severities
from layouts import eks_custom_networking as layout

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
# The endpoints whose services support endpoint policies (ssmmessages and ec2messages do not).
POLICY_ENDPOINTS = ("s3", "autoscaling", "ecr.api", "ecr.dkr", "ec2", "elasticloadbalancing", "sts", "kms", "logs",
                    "ssm")


@cache
def _build(**kwargs: str) -> tuple[Snapshot, dict[str, str]]:
    """Each variant built once."""
    return layout.build(**kwargs)


@cache
def _audit(**kwargs: str) -> frozenset[tuple[str, str, str]]:
    """Each variant audited once."""
    snapshot, _ = _build(**kwargs)
    return frozenset(audit(snapshot))


def _flow_log(ids: dict[str, str]) -> Triples:
    """Right, medium: the VPC module's ``enable_flow_log`` defaults to false."""
    return {("MON001", ids["vpc"], "fail")}


def _single_nat_gateway(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: ``single_nat_gateway = true`` puts the one NAT gateway in us-west-2a
    (usw2-az2); the private subnets of usw2-az1 and usw2-az3 cross AZs to it (NAT002, one per
    subnet) and those two AZs have none of their own (NAT003, one per AZ). The pod subnets of those
    AZs are reported beside the node subnets: they share the node subnets' route table, so the fix
    is the same; with the CNI's default SNAT their pods' internet traffic leaves from the node of
    the same AZ and crosses to usw2-az2 all the same."""
    return {("NAT002", ids[key], "fail") for key in ("node_subnet2", "node_subnet3", "pod_subnet2", "pod_subnet3")} | {
        ("NAT003", ids["vpc"], "fail")}


def _nat_processing(ids: dict[str, str], *, s3: bool = True) -> Triples:
    """Right (advice), medium (S3) and low (DynamoDB): the private subnets reach S3 and DynamoDB
    through the NAT gateway; the example creates no gateway endpoint, which is free. Image layers
    the nodes pull from ECR come from S3, so the nodes pay NAT processing for every pull."""
    return {("GWE003", ids["vpc"], "fail")} | ({("GWE002", ids["vpc"], "fail")} if s3 else set())


def _default_policies(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the ``vpc_endpoints`` block gives no ``policy``, so each endpoint
    whose service supports one keeps AWS's default full access."""
    return {("POL001", ids[key], "fail") for key in POLICY_ENDPOINTS}


def _with_endpoints(ids: dict[str, str]) -> Triples:
    """The put-to-use layout's findings: the advice above, the S3 gateway endpoint taking GWE002
    away (GWE003 stays: no DynamoDB gateway endpoint)."""
    return _flow_log(ids) | _single_nat_gateway(ids) | _nat_processing(ids, s3=False) | _default_policies(ids)


def _intra_s3_route(ids: dict[str, str]) -> Triples:
    """GWE001 (medium) on the intra subnet that holds no interface (the control plane's two are in
    the other two), "its S3 traffic is dropped", because the S3 gateway endpoint sits on
    ``private_route_table_ids`` only. Right by the network model: an empty private subnet stands
    in for the workloads that may be placed there. The two holding only the control plane's
    interfaces were judged too — rule wrong, fixed (``test_intra_subnets_need_no_s3_route``)."""
    return {("GWE001", ids["intra3"], "fail")}


def _pod_subnets_s3_route(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: GWE001 on each pod subnet whose route table lacks the S3 gateway
    endpoint's route. With the CNI's default ``AWS_VPC_K8S_CNI_EXTERNALSNAT=false`` the pods' S3
    requests leave from their node's primary interface, in the node subnet, which has the route
    ("traffic that is destined for IP addresses that aren't within one of the CIDR blocks
    associated with your VPC use the security groups and subnets of your node's primary network
    interface", the tutorial); with external SNAT on — which the EKS page "Enable outbound internet
    access for Pods" recommends for pods in private subnets behind a NAT gateway — they leave from
    the pod subnet and the finding's consequence is exact. The snapshot does not hold the CNI's
    settings (they are Kubernetes'), so the route table is judged as it stands."""
    return {("GWE001", ids[f"pod_subnet{k}"], "fail") for k in (1, 2, 3)}


def _left_out_block(ids: dict[str, str]) -> Triples:
    """Right, medium: SG006 on each of the eleven interface endpoints. The group admits TCP 443 from
    10.0.0.0/16 alone; the CNI's secondary interfaces, in 10.99.0.0/16, reach the endpoints' subnets
    over the local route and are refused. Private DNS answers in the VPC, so every pod's SDK call
    to STS (IRSA), CloudWatch Logs, EC2, Elastic Load Balancing … times out while the nodes' own
    calls work."""
    return {("SG006", ids[key], "fail") for key in layout.INTERFACE_SERVICES}


def test_the_snapshot_is_what_the_example_plans() -> None:
    """The builder against the example and the modules' defaults: two blocks, the six private
    subnets on one table to the NAT gateway, the intra subnets on a table of local routes, the
    control plane's interfaces in the intra subnets, each node's primary interface in its node
    subnet and its CNI interface in the pod subnet of its AZ, with the ENIConfig's group."""
    snapshot, ids = _build()
    region = snapshot.accounts[0].regions[0]
    (vpc,) = region.vpcs
    assert vpc.cidr_blocks == ("10.0.0.0/16", "10.99.0.0/16")
    subnets = {s.subnet_id: s for s in region.subnets}
    assert [subnets[ids[f"node_subnet{k}"]].cidr_block for k in (1, 2, 3)] == ["10.0.0.0/20", "10.0.16.0/20",
                                                                               "10.0.32.0/20"]
    assert [subnets[ids[f"pod_subnet{k}"]].cidr_block for k in (1, 2, 3)] == ["10.99.0.0/18", "10.99.64.0/18",
                                                                              "10.99.128.0/18"]
    assert [subnets[ids[f"intra{k}"]].cidr_block for k in (1, 2, 3)] == ["10.0.52.0/24", "10.0.53.0/24",
                                                                         "10.0.54.0/24"]
    assert [subnets[ids[f"public{k}"]].cidr_block for k in (1, 2, 3)] == ["10.0.48.0/24", "10.0.49.0/24",
                                                                          "10.0.50.0/24"]
    tables = {t.route_table_id: t for t in region.route_tables}
    private = tables[ids["private_rt"]]
    assert {a.subnet_id for a in private.associations} == {ids[f"{kind}{k}"] for kind in ("node_subnet", "pod_subnet")
                                                           for k in (1, 2, 3)}
    assert [(x.destination, x.target_id) for x in private.routes] == [
        ("10.0.0.0/16", "local"), ("10.99.0.0/16", "local"), ("0.0.0.0/0", ids["nat"])]
    assert [x.target_id for x in tables[ids["intra_rt"]].routes] == ["local", "local"]
    (nat,) = region.nat_gateways
    assert nat.subnet_id == ids["public1"]
    enis = {e.network_interface_id: e for e in region.network_interfaces}
    for n in (1, 2):
        control_plane = enis[ids[f"control_plane{n}"]]
        assert (control_plane.subnet_id, control_plane.description) == (ids[f"intra{n}"],
                                                                        "Amazon EKS vpc-cni-custom-networking")
    for n, az in enumerate(layout.NODE_AZS, start=1):
        node, cni = enis[ids[f"node{n}"]], enis[ids[f"node{n}_cni"]]
        assert (node.subnet_id, node.group_ids, node.description) == (ids[f"node_subnet{az}"], (ids["node_sg"],), "")
        assert (cni.subnet_id, cni.group_ids) == (ids[f"pod_subnet{az}"], (ids["node_sg"],))
        assert cni.description == f"aws-K8S-{node.instance_id}" and cni.private_ip_addresses[0].startswith("10.99.")


@pytest.mark.parametrize("secondary_cidr", [layout.SECONDARY_CIDR, layout.CG_NAT_CIDR],
                         ids=["the example's 10.99.0.0/16", "the Best Practices Guide's 100.64.0.0/16"])
def test_findings_and_verdicts_as_published(secondary_cidr: str) -> None:
    """As the example plans it: MON001, GWE002/GWE003, NAT002 × 4 and NAT003 (two AZs, one finding
    each). Silent, rightly: SG rules and IFE rules (no interface endpoint), NAT001 (the NAT gateway
    in a public subnet), DNS001/DNS002 (both attributes on), ACL001 (allow-all default NACL). A CG-NAT
    block, as the Best Practices Guide recommends, changes nothing."""
    snapshot, ids = _build(secondary_cidr=secondary_cidr)
    assert audit(snapshot) == _flow_log(ids) | _single_nat_gateway(ids) | _nat_processing(ids)
    levels = severities(snapshot)
    assert (levels[("GWE002", ids["vpc"], "")], levels[("GWE003", ids["vpc"], "")]) == ("medium", "low")
    assert {level for (rule_id, _, _), level in levels.items() if rule_id.startswith("NAT")} == {"medium"}


def test_endpoint_group_admitting_both_blocks() -> None:
    """The fully-private pattern's endpoints, the group admitting both blocks: nothing but the
    advice — and GWE001 on the intra subnets, rule wrong (see ``test_intra_subnets_need_no_s3_route``).
    Silent, rightly: SG003/SG006 (every node and every pod interface admitted), SG004 (both sources
    inside the VPC), SG005 (the node group sends anywhere), IFE001/IFE002 (endpoints in all three AZs),
    IFE003 (the ECR and Session Manager bundles complete, the S3 route on the node and pod subnets'
    table), DNS003 (private DNS on)."""
    snapshot, ids = _build(endpoints="all_blocks")
    assert audit(snapshot) - _intra_s3_route(ids) == _with_endpoints(ids)


def test_intra_subnets_need_no_s3_route() -> None:
    """Rule wrong, fixed: GWE001 judged the intra subnets holding only the control plane's
    interfaces. Those interfaces are no workload: EKS-managed control-plane traffic "continues
    through the AWS managed network path" (EKS User Guide, control-plane egress), and EKS's own
    guidance keeps nodes out of the cluster subnets ("Kubernetes worker nodes can run in the
    cluster subnets, but it is not recommended", Best Practices Guide). Nothing there sends S3
    traffic, as nothing in a transit gateway attachment subnet does, which GWE001 leaves alone
    (``NetworkView.control_plane_subnet_ids``). The empty third intra subnet stays judged."""
    _, ids = _build(endpoints="all_blocks")
    found = {t for t in _audit(endpoints="all_blocks") if t[0] == "GWE001"}
    assert not found & {("GWE001", ids[f"intra{k}"], "fail") for k in (1, 2)}
    assert ("GWE001", ids["intra3"], "fail") in found


@pytest.mark.parametrize("pod_group", ["node", "pods"], ids=["ENIConfig with the node group", "pods' own group"])
def test_near_miss_endpoint_group_admitting_the_primary_block_only(pod_group: str) -> None:
    """The ``vpc_endpoints`` block copied as it stands in ``fully-private-cluster``:
    ``cidr_blocks = [module.vpc.vpc_cidr_block]``, the primary block. SG006 on all eleven interface
    endpoints, naming both CNI interfaces, whichever group the ENIConfig gives them. SG003 silent,
    rightly by the catalogue: the nodes get in."""
    snapshot, ids = _build(endpoints="vpc_cidr_block", pod_group=pod_group)
    assert audit(snapshot) - _intra_s3_route(ids) == _with_endpoints(ids) | _left_out_block(ids)
    assert {level for (rule_id, _, _), level in severities(snapshot).items() if rule_id == "SG006"} == {"medium"}


def test_endpoint_group_admitting_the_node_group() -> None:
    """The group admitting 443 from ``module.eks.node_security_group_id``, as the private-clusters
    page allows, with the example's ENIConfig (the node group on the CNI interfaces too): nothing
    new. Right: every interface that calls the endpoints carries the node group."""
    snapshot, ids = _build(endpoints="node_sg")
    assert audit(snapshot) - _intra_s3_route(ids) == _with_endpoints(ids)


def test_endpoint_group_admitting_the_node_group_pods_in_their_own_group() -> None:
    """The same group, but the ENIConfig names a group of the pods' own (the tutorial's production
    advice): the CNI interfaces carry it alone, so every pod is refused while the nodes get in.
    Right, SG006 medium on the endpoints pods call themselves — sts (IRSA), ec2, autoscaling and
    elasticloadbalancing (the cluster autoscaler and the load balancer controller), kms, logs —
    not on ECR and Systems Manager, which only the node calls for them. This was a gap (SG003 is
    silent: the node group holds clients); each refused interface is described
    ``aws-K8S-<instance>`` and that instance's primary interface carries the admitted group, and
    SG006 now asks that."""
    snapshot, ids = _build(endpoints="node_sg", pod_group="pods")
    pods = {("SG006", ids[key], "fail") for key in ("sts", "ec2", "autoscaling", "elasticloadbalancing", "kms",
                                                   "logs")}
    assert audit(snapshot) - _intra_s3_route(ids) == _with_endpoints(ids) | pods


def test_near_miss_pods_group_sending_to_the_primary_block_only() -> None:
    """The pods' own group with egress only to ``module.vpc.vpc_cidr_block``: nothing new. Right
    for the endpoints, which sit in the primary block: SG005 has nothing to say. What breaks is
    pod-to-pod traffic into 10.99.0.0/16 — CoreDNS's pods among them (the example's README shows
    them at 10.99.135.x) — which no rule of the catalogue judges; traffic leaving the VPC uses the
    node's primary interface and its group, not this one. So does the pods' S3 traffic through the
    gateway endpoint, to S3's public addresses: SG005 judges the node group's egress for it (all
    traffic out) and leaves the pods' interfaces out. Judging gateway endpoints, it first called
    this group a client cut off from the S3 endpoint — rule wrong, fixed: with the CNI's default
    ``AWS_VPC_K8S_CNI_EXTERNALSNAT=false``, "the security groups and subnets of your node's primary
    network interface" carry traffic beyond the VPC's CIDR blocks."""
    snapshot, ids = _build(endpoints="all_blocks", pod_group="pods_primary_egress")
    assert audit(snapshot) - _intra_s3_route(ids) == _with_endpoints(ids)


def test_pod_subnets_routed_to_the_nat_gateway_from_a_table_of_their_own() -> None:
    """Without endpoints, the pod subnets on a route table of their own sending 0.0.0.0/0 to the
    NAT gateway: the example's findings exactly. Right: the route works as the shared one did."""
    snapshot, ids = _build(pod_routes="own")
    assert audit(snapshot) == _flow_log(ids) | _single_nat_gateway(ids) | _nat_processing(ids)


def test_pod_subnets_not_routed_at_all() -> None:
    """Without endpoints, the pod subnets left on the main route table (local routes only), as the
    tutorial's new subnets are. NAT002 and the NAT003 lists drop the pod subnets; nothing is said
    about them. Right for the CNI's default SNAT: the pods' traffic beyond the VPC leaves from
    their node's primary interface, in the node subnets. With external SNAT on the pods would have
    no way out, which needs the CNI's settings the snapshot does not hold."""
    snapshot, ids = _build(pod_routes="main")
    nat002 = {("NAT002", ids[key], "fail") for key in ("node_subnet2", "node_subnet3")}
    assert audit(snapshot) == _flow_log(ids) | nat002 | {("NAT003", ids["vpc"], "fail")} | _nat_processing(ids)


def _ecr_bundle(ids: dict[str, str]) -> Triples:
    """Rule wrong, fixed: IFE003 (medium with the pods' table routed to the NAT gateway, high with the pod
    subnets not routed at all) calls the pod subnets ECR clients without the S3 gateway route:
    "image pulls … broken there" — it no longer does. Images are pulled by the node's container runtime, which runs in
    the host network and leaves through the instance's primary interface — in the node subnets,
    which have the route. The CNI's secondary interfaces carry pod traffic only, and with the
    default SNAT even the pods' S3 traffic leaves from the primary interface."""
    return {("IFE003", ids["vpc"], "fail")}


@pytest.mark.parametrize("pod_routes", ["own", "main"], ids=["own table to the NAT gateway", "main route table"])
def test_near_miss_pod_subnets_without_the_s3_route(pod_routes: str) -> None:
    """With the endpoints, the pod subnets on a table the S3 gateway endpoint is not associated
    with: GWE001 on each pod subnet (right, as advice); IFE003 fired too (rule wrong, fixed: see
    ``test_pod_subnets_are_no_image_pull_clients``). Not routed at all, NAT002 and NAT003 drop the
    pod subnets as above."""
    snapshot, ids = _build(endpoints="all_blocks", pod_routes=pod_routes)
    expected = _with_endpoints(ids) | _pod_subnets_s3_route(ids)
    if pod_routes == "main":
        expected -= {("NAT002", ids["pod_subnet2"], "fail"), ("NAT002", ids["pod_subnet3"], "fail")}
    assert audit(snapshot) - _intra_s3_route(ids) - _ecr_bundle(ids) == expected


@pytest.mark.parametrize("pod_routes", ["own", "main"], ids=["own table to the NAT gateway", "main route table"])
def test_pod_subnets_are_no_image_pull_clients(pod_routes: str) -> None:
    """Rule wrong, fixed: IFE003 judges the ECR bundle where images are pulled, the node subnets
    (``vpcaudit.network.containers.image_pullers``), and stays silent (see ``_ecr_bundle``)."""
    _, ids = _build(endpoints="all_blocks", pod_routes=pod_routes)
    assert not _audit(endpoints="all_blocks", pod_routes=pod_routes) & _ecr_bundle(ids)
