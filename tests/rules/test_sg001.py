"""SG001 endpoint-sg-open-to-world."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from builders import REGION, RegionBuilder, standard_vpc
from rulecheck import findings, fix_of, triples

from vpcaudit.rules.sg.sg001_endpoint_sg_open_to_world import endpoint_sg_open_to_world as rule
from vpcaudit.snapshot.model import Part

ID = "SG001"
OPEN_443 = ("tcp", 443, 443, "0.0.0.0/0")


def _vpc(source: str = "0.0.0.0/0", *, remote: str | None = None, route_state: str = "active",
         state: str = "available") -> tuple[RegionBuilder, str]:
    b = RegionBuilder()
    ids = standard_vpc(b)
    sg = b.security_group(str(ids["vpc"]), name="endpoints", ingress=[("tcp", 443, 443, source)])
    b.interface_endpoint(str(ids["vpc"]), "ssm", subnets=ids["private"], groups=[sg], state=state)
    if remote:
        b.route(ids["private_rt"][0], "172.16.0.0/12", remote, state=route_state)
    return b, sg


def _world_with_tgw() -> tuple[RegionBuilder, str]:
    return _vpc(remote="tgw-0abc")


def _world_with_peering() -> tuple[RegionBuilder, str]:
    return _vpc(remote="pcx-0abc")


def _world_without_remote_routes() -> tuple[RegionBuilder, str]:
    return _vpc()


def _ipv6_world() -> tuple[RegionBuilder, str]:
    return _vpc("::/0")


def _vpc_cidr_only() -> tuple[RegionBuilder, str]:
    return _vpc("10.0.0.0/16", remote="tgw-0abc")


def _blackholed_tgw_route() -> tuple[RegionBuilder, str]:
    return _vpc(remote="tgw-0abc", route_state="blackhole")


def _deleted_endpoint() -> tuple[RegionBuilder, str]:
    return _vpc(remote="tgw-0abc", state="deleted")


def _open_group_on_workloads_only() -> tuple[RegionBuilder, str]:
    b = RegionBuilder()
    ids = standard_vpc(b)
    sg = b.security_group(str(ids["vpc"]), ingress=[OPEN_443])
    b.workload(ids["public"][0], groups=[sg])
    return b, sg


def _group_not_collected() -> tuple[RegionBuilder, str]:
    b, sg = _vpc()
    del b.groups[sg]
    return b, sg


CASES: list[tuple[str, Callable[[], tuple[RegionBuilder, str]], str | None, str | None]] = [
    ("world + TGW route: high", _world_with_tgw, "fail", "high"),
    ("world + peering route: high", _world_with_peering, "fail", "high"),
    ("world, no remote route: medium", _world_without_remote_routes, "fail", "medium"),
    ("::/0 counts as the world", _ipv6_world, "fail", "medium"),
    ("VPC CIDR source is fine", _vpc_cidr_only, None, None),
    ("blackholed TGW route does not raise severity", _blackholed_tgw_route, "fail", "medium"),
    ("deleted endpoint is not judged", _deleted_endpoint, None, None),
    ("open group only on workloads", _open_group_on_workloads_only, None, None),
    ("endpoint group not collected", _group_not_collected, "not_evaluated", None),
]


@pytest.mark.parametrize(("build", "status", "severity"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_cases(build: Callable[[], tuple[RegionBuilder, str]], status: str | None, severity: str | None) -> None:
    b, sg = build()
    snapshot = b.snapshot()
    assert triples(rule, snapshot) == ({(ID, sg, status)} if status else set())
    if severity:
        assert [f.severity.value for f in findings(rule, snapshot)] == [severity]


def test_not_evaluated_without_security_groups() -> None:
    b, _ = _world_with_tgw()
    assert triples(rule, b.snapshot(missing=[Part.SECURITY_GROUPS])) == {(ID, REGION, "not_evaluated")}


def test_message_names_group_endpoint_rule_and_routes_never_internet() -> None:
    b, sg = _world_with_tgw()
    (finding,) = findings(rule, b.snapshot())
    assert finding.resource.resource_type == "security-group"
    assert f"Security group {sg}, attached to interface endpoint(s) vpce-" in finding.message
    assert "(ssm), allows inbound TCP 443 from 0.0.0.0/0" in finding.message
    assert "tgw-0abc (172.16.0.0/12)" in finding.message
    assert "internet-exposed" not in finding.message and "no public address" in finding.message
    assert finding.evidence["remote_routes"][0].endswith("172.16.0.0/12 → tgw-0abc")


def _open_rule(b: RegionBuilder, sg: str) -> str:
    return next(x.rule_id for x in b.groups[sg].rules if not x.is_egress)


def test_fix_admits_the_vpc_on_443_then_revokes_the_open_rule() -> None:
    b, sg = _world_without_remote_routes()
    assert fix_of(rule, b.snapshot(), sg) == [
        ("ec2:AuthorizeSecurityGroupIngress", {"GroupId": sg, "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}]},
         "create", True),
        ("ec2:RevokeSecurityGroupIngress", {"GroupId": sg, "SecurityGroupRuleIds": [_open_rule(b, sg)]},
         "delete", True)]


def test_with_remote_routes_revoking_needs_a_decision() -> None:
    b, sg = _world_with_tgw()
    assert [(s[0], s[3]) for s in fix_of(rule, b.snapshot(), sg)] == [
        ("ec2:AuthorizeSecurityGroupIngress", True), ("ec2:RevokeSecurityGroupIngress", False)]


PRIVATELINK = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"
ELASTIC_IPS = ("3.208.10.21", "3.208.10.22")


def _privatelink(source: str = "0.0.0.0/0", *, public: tuple[str, ...] | None = (),
                 service_name: str | None = PRIVATELINK) -> tuple[RegionBuilder, str, str]:
    """An endpoint in two subnets whose group admits TCP 22 from ``source``; its interfaces carry
    ``public`` (one address each, in order), none (``()``), or are recorded before public addresses
    were (None)."""
    b = RegionBuilder()
    vpc = b.vpc()
    subnets = [b.subnet(vpc, "10.0.1.0/24"), b.subnet(vpc, "10.0.2.0/24")]
    group = b.security_group(vpc, ingress=[("tcp", 22, 22, source)])
    endpoint = b.interface_endpoint(vpc, "ssm", subnets=subnets, groups=[group], service_name=service_name)
    for index, eni in enumerate(b.endpoints[endpoint].network_interface_ids):
        recorded = None if public is None else public[index:index + 1]
        b.enis[eni] = replace(b.enis[eni], public_ip_addresses=recorded)
    return b, group, endpoint


def test_a_privatelink_endpoint_recorded_without_public_addresses_is_exposed_to_routed_networks() -> None:
    """Interfaces recorded without a public address (an internal endpoint): the message says for
    certain that the exposure is to networks routed to the VPC."""
    b, _, _ = _privatelink()
    (finding,) = findings(rule, b.snapshot())
    assert finding.message.endswith("Endpoint interfaces have no public address; the exposure is to networks "
                                    "routed to the VPC.")
    assert "public_addresses" not in finding.evidence


def test_a_privatelink_endpoint_from_an_older_snapshot_may_carry_elastic_ips() -> None:
    """Interfaces from a snapshot written before public addresses were recorded: the message does
    not deny them, and says what it cannot know (an internet-facing AWS Transfer Family server's
    endpoint carries Elastic IPs)."""
    b, _, _ = _privatelink(public=None)
    (finding,) = findings(rule, b.snapshot())
    assert "no public address;" not in finding.message
    assert "a PrivateLink service's may carry Elastic IPs" in finding.message


def test_without_network_interfaces_a_privatelink_endpoint_may_carry_elastic_ips() -> None:
    b, _, _ = _privatelink(public=ELASTIC_IPS)
    (finding,) = findings(rule, b.snapshot(missing=[Part.NETWORK_INTERFACES]))
    assert "a PrivateLink service's may carry Elastic IPs" in finding.message


def test_an_endpoint_with_public_addresses_is_open_to_the_internet_through_them() -> None:
    """Interfaces carrying Elastic IPs (an internet-facing AWS Transfer Family server's): the group
    is open to the internet through them, named; the severity stays medium (no remote route)."""
    b, group, endpoint = _privatelink(public=ELASTIC_IPS)
    (finding,) = findings(rule, b.snapshot())
    assert finding.message.endswith(
        f"The endpoint interfaces carry public IPv4 addresses ({endpoint}: 3.208.10.21, 3.208.10.22): the group "
        "is open to the internet through them, not only to networks routed to the VPC.")
    assert (finding.severity.value, finding.evidence["public_addresses"]) == ("medium", list(ELASTIC_IPS))
    assert [(s[0], s[3]) for s in fix_of(rule, b.snapshot(), group)] == [("ec2:RevokeSecurityGroupIngress", False)]


def test_one_endpoint_with_a_public_address_is_enough() -> None:
    """One interface carries an Elastic IP, the other is from an older snapshot: the known
    address is exposure enough."""
    b, _, endpoint = _privatelink(public=ELASTIC_IPS[:1])
    eni = b.endpoints[endpoint].network_interface_ids[1]
    b.enis[eni] = replace(b.enis[eni], public_ip_addresses=None)
    (finding,) = findings(rule, b.snapshot())
    assert f"({endpoint}: 3.208.10.21): the group is open to the internet" in finding.message


def test_an_ipv6_world_rule_does_not_open_public_ipv4_addresses() -> None:
    """Near miss: the group open to ``::/0`` only. The Elastic IPs are IPv4 addresses, which an
    IPv6 rule admits no one to: the exposure stays the networks routed to the VPC."""
    b, _, _ = _privatelink("::/0", public=ELASTIC_IPS)
    (finding,) = findings(rule, b.snapshot())
    assert "open to the internet" not in finding.message
    assert "which ::/0 does not open; the exposure is to networks routed to the VPC." in finding.message


def test_revoking_from_an_endpoint_with_public_addresses_waits_for_its_internet_clients() -> None:
    """An endpoint whose port is known (TCP 443) and whose interfaces carry public addresses: the
    fix still admits the VPC, but revokes the world-open rule only after a decision, since the
    internet clients' ranges must be allowed first; without public addresses it revokes at once."""
    b, sg = _world_without_remote_routes()
    (endpoint,) = b.endpoints
    for eni in b.endpoints[endpoint].network_interface_ids:
        b.enis[eni] = replace(b.enis[eni], public_ip_addresses=ELASTIC_IPS[:1])
    steps = fix_of(rule, b.snapshot(), sg)
    assert [(s[0], s[3]) for s in steps] == [("ec2:AuthorizeSecurityGroupIngress", True),
                                             ("ec2:RevokeSecurityGroupIngress", False)]
    (finding,) = findings(rule, b.snapshot())
    assert "internet clients reach the endpoints through their public addresses" in (finding.fix[-1].decision or "")
