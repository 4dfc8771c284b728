"""EKS Blueprints' ``ipv6-eks-cluster`` pattern (an EKS cluster in IPv6 mode): every finding and its
verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

import pytest
from aws_layout import audit, audit_result, severities
from layouts import eks_ipv6_cluster as layout

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
# The private cluster's endpoints; every one's service supports endpoint policies.
POLICY_ENDPOINTS = ("s3", *layout.INTERFACE_SERVICES)


@cache
def _build(*, nat64_route: bool = False, eigw: bool = True, endpoints: bool = False, sts_dualstack: bool = False,
           endpoint_ipv6_source: str | None = None) -> Built:
    """One snapshot per variant for the whole module."""
    return layout.build(nat64_route=nat64_route, eigw=eigw, endpoints=endpoints, sts_dualstack=sts_dualstack,
                        endpoint_ipv6_source=endpoint_ipv6_source)


def _flow_log(ids: dict[str, str]) -> Triples:
    """Right, medium: ``enable_flow_log`` defaults to false."""
    return {("MON001", ids["vpc"], "fail")}


def _single_nat_gateway(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: ``single_nat_gateway = true`` puts the one NAT gateway in usw2-az2;
    the private subnets of usw2-az1 and usw2-az3 cross AZs to it (NAT002, one per subnet) and those
    AZs depend on it (NAT003, one per AZ). The nodes' and pods' IPv4 traffic beyond the VPC — the
    pods' SNATed to the node's primary address — takes that path."""
    return {("NAT002", ids["private2"], "fail"), ("NAT002", ids["private3"], "fail"), ("NAT003", ids["vpc"], "fail")}


def _nat_processing(ids: dict[str, str], *, s3: bool = True) -> Triples:
    """Right (advice): S3 (medium) and DynamoDB (low) over IPv4 pay NAT processing — SDKs and the
    container runtime use the IPv4-only default names unless told to use dual-stack ones, and ::/0
    through the egress-only gateway does not carry IPv4. Every image layer pulled from ECR comes from
    S3. With the endpoints' S3 gateway endpoint GWE002 goes and GWE003 stays."""
    return ({("GWE002", ids["vpc"], "fail")} if s3 else set()) | {("GWE003", ids["vpc"], "fail")}


def _default_endpoint_policies(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the endpoints block gives no ``policy``, so each endpoint keeps AWS's
    default full access."""
    return {("POL001", ids[key], "fail") for key in POLICY_ENDPOINTS}


def _published(ids: dict[str, str]) -> Triples:
    return _flow_log(ids) | _single_nat_gateway(ids) | _nat_processing(ids)


def _with_endpoints(ids: dict[str, str]) -> Triples:
    return _flow_log(ids) | _single_nat_gateway(ids) | _nat_processing(ids, s3=False) | _default_endpoint_policies(ids)


def _sts_ipv6_path_refused(ids: dict[str, str]) -> Triples:
    """Rule wrong (silent today): the STS endpoint is dual-stack and its private DNS answers AAAA
    queries, so pods and nodes, which prefer IPv6, connect to its IPv6 addresses — and the group
    admits 10.0.0.0/16 alone. SG006's family case counts only IPv6-only interfaces as stranded;
    every interface here has an IPv4 address too, so the rule assumes they get in over IPv4."""
    return {("SG006", ids["sts"], "fail")}


def _endpoint_group_open_to_any_ipv6(ids: dict[str, str]) -> Triples:
    """Right, medium: the group admits TCP 443 from ::/0; medium because nothing is routed to the
    VPC from elsewhere (no peering, transit gateway or VPN), which would make it high."""
    return {("SG001", ids["endpoint_sg"], "fail")}


def test_the_snapshot_is_what_the_pattern_plans() -> None:
    """The builder against the pattern and the modules' defaults: dual-stack subnets with the
    README's /56, one private table (0.0.0.0/0 to the NAT gateway, ::/0 to the egress-only gateway,
    no 64:ff9b::/96 route), the three EKS groups with the node group's IPv6 egress, the control
    plane's two dual-stack interfaces and one interface per node with the README's addresses."""
    snapshot, ids = _build()
    region = snapshot.accounts[0].regions[0]
    (vpc,) = region.vpcs
    assert (vpc.cidr_blocks, vpc.ipv6_cidr_blocks, vpc.enable_dns_support, vpc.enable_dns_hostnames) == (
        ("10.0.0.0/16",), ("2600:1f13:6c4:a700::/56",), True, True)
    subnets = {s.subnet_id: s for s in region.subnets}
    assert [(subnets[ids[f"private{k}"]].cidr_block, subnets[ids[f"private{k}"]].ipv6_cidr_blocks)
            for k in (1, 2, 3)] == [("10.0.0.0/20", ("2600:1f13:6c4:a703::/64",)),
                                    ("10.0.16.0/20", ("2600:1f13:6c4:a704::/64",)),
                                    ("10.0.32.0/20", ("2600:1f13:6c4:a705::/64",))]
    assert [(subnets[ids[f"public{k}"]].cidr_block, subnets[ids[f"public{k}"]].ipv6_cidr_blocks)
            for k in (1, 2, 3)] == [("10.0.48.0/24", ("2600:1f13:6c4:a700::/64",)),
                                    ("10.0.49.0/24", ("2600:1f13:6c4:a701::/64",)),
                                    ("10.0.50.0/24", ("2600:1f13:6c4:a702::/64",))]
    tables = {t.route_table_id: t for t in region.route_tables}
    private = tables[ids["private_rt"]]
    assert sorted(a.subnet_id for a in private.associations) == sorted(ids[f"private{k}"] for k in (1, 2, 3))
    assert [(x.destination, x.target_id) for x in private.routes] == [
        ("10.0.0.0/16", "local"), ("2600:1f13:6c4:a700::/56", "local"), ("0.0.0.0/0", ids["nat"]),
        ("::/0", ids["eigw"])]
    assert [(x.destination, x.target_id) for x in tables[ids["public_rt"]].routes if x.target_kind != "local"] == [
        ("0.0.0.0/0", ids["igw"]), ("::/0", ids["igw"])]
    (nat,) = region.nat_gateways
    assert nat.subnet_id == ids["public1"]
    groups = {g.group_id: g for g in region.security_groups}
    assert sorted(x.cidr_ipv4 or x.cidr_ipv6 or "" for x in groups[ids["node_sg"]].rules if x.is_egress) == [
        "0.0.0.0/0", "::/0"]
    enis = {e.network_interface_id: e for e in region.network_interfaces}
    assert [(enis[ids[f"node{n}"]].subnet_id, enis[ids[f"node{n}"]].private_ip_addresses,
             enis[ids[f"node{n}"]].ipv6_addresses, enis[ids[f"node{n}"]].group_ids) for n in (1, 2)] == [
        (ids["private1"], ("10.0.10.183",), ("2600:1f13:6c4:a703:ecf8:3ac1:76b0:9303",), (ids["node_sg"],)),
        (ids["private3"], ("10.0.44.188",), ("2600:1f13:6c4:a705:a929:f8d4:9350:1b20",), (ids["node_sg"],))]
    assert not [e for e in enis.values() if e.description.startswith("aws-K8S-")]  # no secondary ENI in IPv6 mode
    for n in (1, 2):
        plane = enis[ids[f"control_plane{n}"]]
        assert (plane.description, plane.instance_id, len(plane.private_ip_addresses), len(plane.ipv6_addresses),
                plane.group_ids) == (f"Amazon EKS {layout.NAME}", None, 1, 1,
                                     tuple(sorted((ids["eks_sg"], ids["cluster_sg"]))))


@pytest.mark.parametrize("nat64_route", [False, True], ids=["as published", "before 4550759, with the NAT64 route"])
def test_findings_and_verdicts_as_published(nat64_route: bool) -> None:
    """MON001, GWE002 (medium), GWE003 (low), NAT002 on the two subnets away from the NAT gateway and
    NAT003 for their AZs (medium), with DNS64 off (as published) or on with its 64:ff9b::/96 route
    (the pattern until 2025-11-18). Silent, rightly: NAT001 (the NAT gateway in a public subnet), every
    endpoint rule (no endpoint), GWE001 (no gateway endpoint), DNS001/DNS002 (both attributes on),
    ACL001 (allow-all default NACL); the public subnets hold no workload."""
    snapshot, ids = _build(nat64_route=nat64_route)
    assert audit(snapshot) == _published(ids)
    levels = severities(snapshot)
    assert (levels[("GWE002", ids["vpc"], "")], levels[("GWE003", ids["vpc"], "")]) == ("medium", "low")
    assert {levels[("NAT002", ids[f"private{k}"], "")] for k in (2, 3)} == {"medium"}
    assert {levels[("NAT003", ids["vpc"], az)] for az in ("usw2-az1", "usw2-az3")} == {"medium"}


def test_near_miss_dns64_without_the_nat64_route_goes_unreported() -> None:
    """DNS64 on the private subnets with no 64:ff9b::/96 route — terraform-aws-vpc's v4 upgrade
    turned DNS64 on by default before the module created the route (its issue #923): the snapshot is
    the published one, since ``Subnet.EnableDns64`` is not collected. Pods resolving an IPv4-only name
    get a synthesized 64:ff9b:: address, which they prefer, and the private table sends it to the
    egress-only gateway (::/0), where it is lost. A gap, pinned."""
    snapshot, ids = _build()
    private = next(t for t in snapshot.accounts[0].regions[0].route_tables if t.route_table_id == ids["private_rt"])
    assert layout.NAT64_PREFIX not in {x.destination for x in private.routes}
    assert audit(snapshot) == _published(ids)


def test_near_miss_without_the_egress_only_gateway_goes_unreported() -> None:
    """``create_egress_only_igw = false``: no ::/0 route on the private table. The nodes' and pods'
    IPv6 traffic beyond the VPC (every AAAA answer, which they prefer) has no route, against the EKS
    User Guide ("The route tables that are associated with the subnets must include routes to IPv4 and
    IPv6 addresses"). The published findings only: no rule judges a dual-stack subnet's missing IPv6
    default route while its IPv4 one works. A gap, pinned."""
    snapshot, ids = _build(eigw=False)
    assert "eigw" not in ids and not [g for g in snapshot.accounts[0].regions[0].internet_gateways if g.kind == "eigw"]
    assert audit(snapshot) == _published(ids)


def test_findings_and_verdicts_with_the_private_cluster_endpoints() -> None:
    """ec2, ecr.api, ecr.dkr, logs and sts interface endpoints (IPv4, A records only) behind a group
    admitting 443 from 10.0.0.0/16, the S3 gateway endpoint on the private table: GWE002 goes, POL001
    on all six. Silent, rightly: SG003/SG006 — the pods are IPv6 but reach an IPv4-only endpoint the way
    the EKS Best Practices Guide draws it ("upon receiving an IPv4 "A" response, Pod's node-only unique
    IPv4 address is translated through source network address translation (SNAT) to the Private IPv4
    (VPC) address of the primary network interface"), and every node's primary address is inside
    10.0.0.0/16; SG001/SG002/SG004 (443 from the VPC's block only), SG005 (the node group sends
    anywhere), IFE001/IFE002 (interfaces in all three AZs), IFE003 (ecr.dkr, ecr.api and the S3 route
    on the nodes' table), GWE001 (the one private table carries the S3 route), DNS003 (private DNS on)."""
    snapshot, ids = _build(endpoints=True)
    assert audit(snapshot) == _with_endpoints(ids)
    assert {level for key, level in severities(snapshot).items() if key[0] == "POL001"} == {"medium"}


def test_the_nat64_route_with_endpoints_goes_unreported() -> None:
    """The endpoints with DNS64 on and its 64:ff9b::/96 route (the pattern before 4550759): the same
    findings. Pods resolving S3's or DynamoDB's IPv4-only names get synthesized 64:ff9b:: addresses as
    well as the A records, use them, and reach the services through the NAT gateway's NAT64, not the S3
    gateway endpoint — the NAT gateway charges that PR #2138 and the Best Practices Guide's note ("traffic
    routes through the NAT Gateway's … NAT64 functionality instead of staying within the VPC") were
    written about. GWE001 resolves S3's IPv4 prefix list only, and DNS64 is not collected. A gap, pinned."""
    snapshot, ids = _build(endpoints=True, nat64_route=True)
    assert audit(snapshot) == _with_endpoints(ids)


def test_near_miss_dual_stack_sts_endpoint_admitting_the_ipv4_block_only() -> None:
    """Rule wrong, fixed (SG006's family case stranded IPv6-only interfaces only). The STS endpoint
    made dual-stack (``ip_address_type`` and DNS record IP type ``dualstack``) for
    the IPv6 pods, its group left at ``module.vpc.vpc_cidr_block``: SG006 on the STS endpoint, medium.
    Private DNS now answers AAAA queries for sts.us-west-2.amazonaws.com; a pod with an IPv6 address and
    only a node-local IPv4 one uses the AAAA answer, as the Best Practices Guide's DNS64 note shows pods
    do when both answers come back, and its SYN from the /80 prefix is dropped by a group admitting
    10.0.0.0/16 alone — IRSA's AssumeRoleWithWebIdentity times out or waits for a client's fallback."""
    snapshot, ids = _build(endpoints=True, sts_dualstack=True)
    assert audit(snapshot) == _with_endpoints(ids) | _sts_ipv6_path_refused(ids)
    assert severities(snapshot)[("SG006", ids["sts"], "")] == "medium"


def test_dual_stack_sts_endpoint_admitting_the_vpcs_ipv6_block_is_fine() -> None:
    """The same endpoint with ``module.vpc.vpc_ipv6_cidr_block`` added to the group's rule: nothing
    new. Right: both address families of every node and pod are admitted."""
    snapshot, ids = _build(endpoints=True, sts_dualstack=True, endpoint_ipv6_source="vpc")
    assert audit(snapshot) == _with_endpoints(ids)


def test_near_miss_endpoint_group_opened_to_any_ipv6_address() -> None:
    """The group's rule given ``ipv6_cidr_blocks = ["::/0"]`` to let the IPv6 pods in: SG001 on the
    group, medium. Right: the pods' addresses are inside the VPC's /56, and ::/0 admits every network
    that is ever routed to the VPC; the rule's fix is that /56."""
    snapshot, ids = _build(endpoints=True, endpoint_ipv6_source="::/0")
    assert audit(snapshot) == _with_endpoints(ids) | _endpoint_group_open_to_any_ipv6(ids)
    assert severities(snapshot)[("SG001", ids["endpoint_sg"], "")] == "medium"
    [sg001] = [f for f in audit_result(snapshot).findings if f.rule_id == "SG001"]
    assert "::/0" in sg001.message
