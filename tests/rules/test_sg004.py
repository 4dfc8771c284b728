"""SG004 endpoint-sg-source-too-broad."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytest
from builders import REGION, RegionBuilder
from rulecheck import findings, fix_of, triples

from vpcaudit.rules.sg.sg004_endpoint_sg_source_too_broad import endpoint_sg_source_too_broad as rule
from vpcaudit.snapshot.model import Part

ID = "SG004"
PRIVATELINK = f"com.amazonaws.vpce.{REGION}.vpce-svc-0123456789abcdef0"


def _group(source: str, *, routes: Mapping[str, str] | None = None, port: int = 443,
           service_name: str | None = None, ipv6: tuple[str, ...] = ()) -> tuple[RegionBuilder, str]:
    """VPC 10.1.0.0/16, endpoint subnets routed by one table (default route to a NAT gateway)."""
    b = RegionBuilder()
    vpc = b.vpc("10.1.0.0/16", ipv6_cidrs=ipv6)
    subnets = [b.subnet(vpc, f"10.1.{az}.0/24", az=az) for az in (1, 2)]
    b.route_table(vpc, subnets=subnets, routes={"0.0.0.0/0": "nat-0abc", **(routes or {})})
    sg = b.security_group(vpc, name="endpoints", ingress=[("tcp", port, port, source)])
    b.interface_endpoint(vpc, "ssm", subnets=subnets, groups=[sg], service_name=service_name)
    return b, sg


def _unresolved_prefix_list_route() -> tuple[RegionBuilder, str]:
    b, sg = _group("10.0.0.0/8")
    table = next(t for t in b.route_tables.values() if t.subnet_ids)
    b.route(table.route_table_id, "pl-unknown", "tgw-0abc")
    return b, sg


Case = Callable[[], tuple[RegionBuilder, str]]
CASES: list[tuple[str, Case, str | None]] = [
    ("10.0.0.0/8 beside a /16 VPC", lambda: _group("10.0.0.0/8"), "fail"),
    ("the VPC CIDR", lambda: _group("10.1.0.0/16"), None),
    ("a subnet CIDR", lambda: _group("10.1.1.0/24"), None),
    ("the world is SG001's", lambda: _group("0.0.0.0/0"), None),
    ("broad CIDR fully routed to a TGW (centralized endpoint)",
     lambda: _group("10.0.0.0/8", routes={"10.0.0.0/8": "tgw-0abc"}), None),
    ("remote range routed through peering", lambda: _group("192.168.0.0/16", routes={"192.168.0.0/16": "pcx-1"}),
     None),
    ("only part of the CIDR routed to the TGW", lambda: _group("10.0.0.0/8", routes={"10.2.0.0/16": "tgw-0abc"}),
     "fail"),
    ("not the service port (SG002's concern)", lambda: _group("10.0.0.0/8", port=80), None),
    ("IPv6 range wider than the VPC's", lambda: _group("2600:1f18::/32", ipv6=("2600:1f18:1:100::/56",)), "fail"),
    ("prefix-list route with unknown CIDRs", _unresolved_prefix_list_route, "not_evaluated"),
    ("PrivateLink port unknown", lambda: _group("10.0.0.0/8", port=8443, service_name=PRIVATELINK), "not_evaluated"),
]


@pytest.mark.parametrize(("build", "status"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_cases(build: Case, status: str | None) -> None:
    b, sg = build()
    assert triples(rule, b.snapshot()) == ({(ID, sg, status)} if status else set())


@pytest.mark.parametrize("part", [Part.SECURITY_GROUPS, Part.ROUTE_TABLES, Part.PREFIX_LISTS])
def test_not_evaluated_when_a_needed_part_is_missing(part: Part) -> None:
    b, _ = _group("10.0.0.0/8")
    assert triples(rule, b.snapshot(missing=[part])) == {(ID, REGION, "not_evaluated")}


def test_message_names_cidr_and_where_it_goes() -> None:
    b, sg = _group("10.0.0.0/8", routes={"10.2.0.0/16": "tgw-0abc"})
    (finding,) = findings(rule, b.snapshot())
    assert finding.severity.value == "low"
    assert f"Security group {sg}, attached to interface endpoint(s) vpce-" in finding.message
    # Only what the VPC's local route and the transit gateway route leave goes to the NAT gateway.
    left = "10.0.0.0/8 except 10.1.0.0/16, 10.2.0.0/16 → nat nat-0abc"
    assert f"TCP 443 from 10.0.0.0/8 ({left})" in finding.message
    vpc = next(iter(b.vpcs))
    assert f"reaching beyond VPC {vpc} (10.1.0.0/16)" in finding.message
    assert finding.evidence["broad_sources"] == [f"TCP 443 from 10.0.0.0/8 ({left})"]


def test_message_names_the_part_left_unrouted_when_it_is_small() -> None:
    """A supernet of a VPC's three /16 blocks: only 10.3.0.0/16 is nobody's, and that is what is named."""
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16", extra_cidrs=["10.1.0.0/16", "10.2.0.0/16"])
    subnets = [b.subnet(vpc, f"10.0.{az}.0/24", az=az) for az in (1, 2)]
    b.route_table(vpc, subnets=subnets, routes={})
    sg = b.security_group(vpc, name="endpoints", ingress=[("tcp", 443, 443, "10.0.0.0/14")])
    b.interface_endpoint(vpc, "ssm", subnets=subnets, groups=[sg])
    (finding,) = findings(rule, b.snapshot())
    assert "TCP 443 from 10.0.0.0/14 (10.3.0.0/16 → none)" in finding.message


def test_fix_admits_the_vpc_then_revokes_the_broad_rule_after_a_decision() -> None:
    b, sg = _group("10.0.0.0/8")
    broad = next(x.rule_id for x in b.groups[sg].rules if not x.is_egress)
    assert fix_of(rule, b.snapshot(), sg) == [
        ("ec2:AuthorizeSecurityGroupIngress", {"GroupId": sg, "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.1.0.0/16"}]}]},
         "create", True),
        ("ec2:RevokeSecurityGroupIngress", {"GroupId": sg, "SecurityGroupRuleIds": [broad]}, "delete", False)]
