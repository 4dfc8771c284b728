"""EKS Blueprints' ``fully-private-cluster`` pattern: every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from typing import Any

import pytest
from aws_layout import audit, audit_result, severities
from layouts import eks_blueprints_private as layout

Triples = set[tuple[str, str, str]]
# The pattern's endpoints whose services support endpoint policies (ssmmessages and ec2messages do not).
POLICY_ENDPOINTS = ("s3", "autoscaling", "ecr.api", "ecr.dkr", "ec2", "elasticloadbalancing", "sts", "kms", "logs",
                    "ssm")


def _advice(ids: dict[str, str], *, leave_out: tuple[str, ...] = ()) -> Triples:
    """Right, as advice. POL001 (medium) on the S3 gateway endpoint and each interface endpoint whose
    service supports endpoint policies: the pattern gives ``vpc_endpoints`` no ``policy``, so each keeps
    AWS's default full access. MON001: ``enable_flow_log`` defaults to false. Nothing about the
    adopted default VPC (no workload: MON001 and the other advisory rules skip it)."""
    return {("POL001", ids[key], "fail") for key in POLICY_ENDPOINTS if key not in leave_out} | {
        ("MON001", ids["vpc"], "fail")}


def test_the_snapshot_is_what_the_pattern_plans() -> None:
    """The builder against the pattern and the modules' defaults: ``cidrsubnet(10.0.0.0/16, 4, k)``,
    a route table per private subnet with the local route only, the endpoints' group and attributes,
    the three EKS groups, the control plane's ENIs and two ENIs per node."""
    snapshot, ids = layout.build()
    region = snapshot.accounts[0].regions[0]
    subnets = {s.subnet_id: s for s in region.subnets}
    assert [subnets[ids[f"private{k}"]].cidr_block for k in (1, 2, 3)] == ["10.0.0.0/20", "10.0.16.0/20",
                                                                           "10.0.32.0/20"]
    assert [subnets[ids[f"private{k}"]].availability_zone for k in (1, 2, 3)] == ["us-west-2a", "us-west-2b",
                                                                                  "us-west-2c"]
    vpcs = {v.vpc_id: v for v in region.vpcs}
    assert (vpcs[ids["vpc"]].cidr_blocks, vpcs[ids["vpc"]].enable_dns_support, vpcs[ids["vpc"]].enable_dns_hostnames) \
        == (("10.0.0.0/16",), True, True)
    assert vpcs[ids["default_vpc"]].is_default and {t.key: t.value for t in vpcs[ids["default_vpc"]].tags}["Name"] \
        == "default"
    tables = {t.route_table_id: t for t in region.route_tables}
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    for k in (1, 2, 3):
        table = tables[ids[f"private{k}_rt"]]
        assert [a.subnet_id for a in table.associations] == [ids[f"private{k}"]]
        assert {r.target_id for r in table.routes} == {"local", ids["s3"]}  # no NAT gateway, no internet gateway
    assert set(endpoints[ids["s3"]].route_table_ids) == {ids[f"private{k}_rt"] for k in (1, 2, 3)}
    assert not [n for n in region.nat_gateways] and [g.attached_vpc_ids for g in region.internet_gateways] == [
        (ids["default_vpc"],)]
    for service in layout.INTERFACE_SERVICES:
        endpoint = endpoints[ids[service]]
        assert (set(endpoint.subnet_ids), endpoint.group_ids, endpoint.private_dns_enabled) == (
            {ids[f"private{k}"] for k in (1, 2, 3)}, (ids["endpoint_sg"],), True)
    groups = {g.group_id: g for g in region.security_groups}

    def rules(key: str) -> list[tuple[bool, str, int | None, str | None]]:
        return sorted((r.is_egress, r.ip_protocol, r.from_port, r.cidr_ipv4 or r.referenced_group_id)
                      for r in groups[ids[key]].rules)

    assert rules("endpoint_sg") == [(False, "tcp", 443, "10.0.0.0/16")]  # no egress rule
    assert rules("cluster_sg") == [(False, "tcp", 443, ids["node_sg"])]
    assert rules("eks_sg") == [(False, "-1", None, ids["eks_sg"]), (True, "-1", None, "0.0.0.0/0")]
    assert rules("node_sg") == sorted(
        [(False, "tcp", port, ids["cluster_sg"]) for port in (443, 10250, 4443, 6443, 8443, 9443)]
        + [(False, "tcp", 53, ids["node_sg"]), (False, "udp", 53, ids["node_sg"]), (False, "tcp", 1025, ids["node_sg"]),
           (True, "-1", None, "0.0.0.0/0")])
    enis = {e.network_interface_id: e for e in region.network_interfaces}
    for n in (1, 2):
        eni = enis[ids[f"control_plane{n}"]]
        assert (eni.interface_type, eni.requester_managed, eni.description, set(eni.group_ids)) == (
            "interface", False, "Amazon EKS fully-private-cluster", {ids["eks_sg"], ids["cluster_sg"]})
    for n in (1, 2, 3):
        assert enis[ids[f"node{n}"]].subnet_id == enis[ids[f"node{n}_cni"]].subnet_id == ids[f"private{n}"]
        assert enis[ids[f"node{n}"]].group_ids == enis[ids[f"node{n}_cni"]].group_ids == (ids["node_sg"],)
        assert enis[ids[f"node{n}_cni"]].description.startswith("aws-K8S-i-0")


@pytest.mark.parametrize("kwargs", [{"cluster": False, "nodes": 0}, {"nodes": 0}, {}],
                         ids=["network alone", "cluster before its node group", "node group running"])
def test_findings_and_verdicts_as_published(kwargs: dict[str, Any]) -> None:
    """As published, at each stage of ``terraform apply``. Silent, rightly: no NAT gateway or route out
    (NAT001-NAT003, GWE002/GWE003: nothing pays NAT processing), the S3 route on every private table
    (GWE001), the ECR and Session Manager bundles complete (IFE003), 443 from exactly the VPC's block,
    which holds every node (SG001-SG004, SG006), the node group's egress to anywhere (SG005), endpoint
    ENIs in every client AZ (IFE001/IFE002), DNS support and hostnames on (DNS001/DNS002), private DNS
    on (DNS003), the module's allow-all default NACL (ACL001), no policy document (POL002-POL005)."""
    snapshot, ids = layout.build(**kwargs)
    assert audit(snapshot) == _advice(ids)
    levels = severities(snapshot)
    assert {levels[("POL001", ids[key], "")] for key in POLICY_ENDPOINTS} == {"medium"}
    assert levels[("MON001", ids["vpc"], "")] == "medium"


@pytest.mark.parametrize("nodes", [3, 0], ids=["node group running", "cluster before its node group"])
def test_near_miss_ecr_api_left_out(nodes: int) -> None:
    """``ecr.api`` dropped from the pattern's list. Right with the nodes: the ECR bundle lacks the
    ecr.api endpoint the ECR guide and the EKS private-clusters page require beside ecr.dkr and S3,
    and the nodes' subnets have no other way out, so image pulls fail (IFE003, high). Before the
    node group, right at medium over the three private subnets, the catalogue's fallback for a VPC
    without workloads (rule wrong, fixed: the control plane's interfaces counted as workloads made
    their two subnets isolated client subnets, high)."""
    snapshot, ids = layout.build(nodes=nodes, leave_out=("ecr.api",))
    assert audit(snapshot) == _advice(ids, leave_out=("ecr.api",)) | {("IFE003", ids["vpc"], "fail")}
    level = severities(snapshot)[("IFE003", ids["vpc"], "ecr:required")]
    assert level == ("high" if nodes else "medium")
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "IFE003")
    named = {k for k in (1, 2, 3) if ids[f"private{k}"] in finding.message}
    assert named == {1, 2, 3}


def test_near_miss_ec2_left_out_is_not_reported() -> None:
    """``ec2`` dropped from the list: the VPC CNI (ipamd) attaches ENIs and assigns pod addresses
    through the EC2 API, and the EKS private-clusters page asks for the ec2 endpoint with the EKS
    optimized AMI; in these isolated subnets the nodes never become ready. No rule says so: IFE003
    knows no EKS bundle (see "Noticed and left alone"). A gap, pinned."""
    snapshot, ids = layout.build(leave_out=("ec2",))
    assert audit(snapshot) == _advice(ids, leave_out=("ec2",))


def test_sts_left_out_is_rightly_silent() -> None:
    """``sts`` dropped from the list: the page requires it "when using IAM roles for service
    accounts", and the pattern uses none (the ``vpc-cni`` add-on runs with the node role). Silent,
    rightly, until a workload uses IRSA."""
    snapshot, ids = layout.build(leave_out=("sts",))
    assert audit(snapshot) == _advice(ids, leave_out=("sts",))


def test_near_miss_private_dns_left_at_the_provider_default() -> None:
    """The endpoints' map without ``private_dns_enabled = true``: the submodule passes ``null`` and
    ``aws_vpc_endpoint`` leaves private DNS off. Right: every SDK and agent on the nodes resolves the
    services' default names to public addresses that the isolated subnets cannot reach (DNS003,
    medium, on all eleven interface endpoints); the EKS page recommends private DNS for this reason."""
    snapshot, ids = layout.build(private_dns=False)
    dns = {("DNS003", ids[key], "fail") for key in layout.INTERFACE_SERVICES}
    assert audit(snapshot) == _advice(ids) | dns
    assert {severities(snapshot)[("DNS003", ids[key], "")] for key in layout.INTERFACE_SERVICES} == {"medium"}


@pytest.mark.parametrize("requester_managed", [False, True], ids=["as the workshop shows", "requester-managed"])
def test_endpoint_group_admitting_the_node_group(requester_managed: bool) -> None:
    """The endpoint group admitting 443 from ``module.eks.node_security_group_id`` instead of the VPC
    CIDR, as the EKS private-clusters page allows. With the nodes: right, nothing new (every node
    carries the node group). Before the node group: right, nothing either — rule wrong, fixed: SG003
    fired high on all eleven interface endpoints, "reachable only from members of <node group>,
    which no workload ENI carries", because the control plane's cross-account interfaces (``Amazon
    EKS <cluster>``, typed ``interface``) counted as workloads, whether reported requester-managed
    or not. They call no interface endpoint of the VPC: EKS manages the control plane's egress, and
    even customer-routed egress sends only webhook, OIDC, aggregated API and kubelet traffic
    through them, while "EKS-managed control plane traffic ... continues through the AWS managed
    network path" (EKS User Guide, control-plane egress)."""
    kwargs: dict[str, Any] = {"endpoint_source": "node_sg", "control_plane_requester_managed": requester_managed}
    snapshot, ids = layout.build(**kwargs)
    assert audit(snapshot) == _advice(ids)
    snapshot, ids = layout.build(nodes=0, **kwargs)
    assert audit(snapshot) == _advice(ids)
    # The control plane's interfaces are the only ones typed interface, and they are no workload.
    typed_interface = {e.network_interface_id for e in snapshot.accounts[0].regions[0].network_interfaces
                       if e.vpc_id == ids["vpc"] and e.interface_type == "interface"}
    assert typed_interface == {ids["control_plane1"], ids["control_plane2"]}


@pytest.mark.parametrize("nodes", [3, 0], ids=["node group running", "cluster before its node group"])
def test_cluster_group_without_its_outbound_rule(nodes: int) -> None:
    """EKS's cluster group keeping only the guide's minimum outbound rules (to itself) and the
    module's cluster group given egress to the node group on the ports the nodes admit from it, as
    the EKS User Guide allows (sec-group-reqs, "If your cluster doesn't need the outbound rule, you
    can remove it"). Nothing the pattern runs loses a path: the nodes carry only the node group,
    whose egress is open, and the control plane reaches the nodes. Right, nothing new — rule wrong,
    fixed: SG005 (medium) called both cluster groups clients cut off from the eleven endpoints,
    naming the control plane's two interfaces, and its fix authorized TCP 443 out of both for
    traffic the control plane never sends through them."""
    snapshot, ids = layout.build(nodes=nodes, restrict_control_plane_egress=True)
    assert audit(snapshot) == _advice(ids)


def test_getting_started_order_nodes_before_the_endpoints() -> None:
    """The repository's getting-started steps, ``terraform apply -target="module.vpc"`` then
    ``-target="module.eks"``, launch the node group before the last ``terraform apply`` creates
    ``module.vpc_endpoints``: three nodes in subnets with no route out and no endpoint. No rule says
    so (no bundle is started, so IFE003 has nothing to complete). A gap, pinned."""
    snapshot, ids = layout.build(endpoints=False)
    assert audit(snapshot) == {("MON001", ids["vpc"], "fail")}
