"""AWS Client VPN giving remote users access to a VPC and its interface endpoints (AWS Client VPN
Administrator Guide, "Access to a VPC"): every finding and its verdict (docs/precision.md).

The association's interfaces (``ClientVPN Endpoint resource``) are the endpoints' only clients:
Client VPN source-NATs users' traffic to the interface's address, so to an interface endpoint the
interface is the caller. The network model counts them as workloads, and every rule below agrees."""

from __future__ import annotations

import pytest
from aws_layout import audit, audit_result, severities
from layouts import client_vpn_access

from vpcaudit.network.view import NetworkView

SERVICES = client_vpn_access.SERVICES


def _advice(ids: dict[str, str]) -> set[tuple[str, str, str]]:
    """Right, as advice: the three endpoints keep the default full-access policy, and no flow log."""
    return {("POL001", ids[key], "fail") for key in SERVICES} | {("MON001", ids["vpc"], "fail")}


def _per_endpoint(rule_id: str, ids: dict[str, str]) -> set[tuple[str, str, str]]:
    return {(rule_id, ids[key], "fail") for key in SERVICES}


@pytest.mark.parametrize("requester_managed", [True, False], ids=["requester-managed", "not requester-managed"])
@pytest.mark.parametrize(("association_group", "endpoint_source"),
                         [("default", "vpc"), ("chosen", "vpc"), ("chosen", "group"), ("default", "group")],
                         ids=["default group, VPC CIDR", "chosen group, VPC CIDR", "chosen group, group source",
                              "default group, group source"])
def test_as_documented(association_group: str, endpoint_source: str, requester_managed: bool) -> None:
    """As documented, nothing beyond the advice. No SG003: the endpoint group admits the VPC CIDR,
    which holds the association's interfaces (the NATed clients), or the association's group
    itself ("allow traffic from the security group that was applied to the association"). No
    SG005: the default group, and the chosen one, send all traffic out. No IFE001/IFE002: every
    endpoint has an interface in both associated subnets' AZs. No DNS rule: private DNS is on and
    the VPC uses AmazonProvidedDNS. Whatever DescribeNetworkInterfaces says of requester
    management, the verdicts hold."""
    snapshot, ids = client_vpn_access.build(association_group=association_group, endpoint_source=endpoint_source,
                                            requester_managed=requester_managed)
    assert audit(snapshot) == _advice(ids)


def test_association_interfaces_are_the_clients() -> None:
    """The interfaces count as workloads in both associated subnets: without them, SG003 on a
    client-CIDR source would have no one to stand for (see the near miss)."""
    snapshot, ids = client_vpn_access.build()
    view = NetworkView.build(snapshot.accounts[0], snapshot.accounts[0].regions[0])
    assert {e.network_interface_id for e in view.workload_enis(ids["vpc"])} == {ids["cvpn_eni1"], ids["cvpn_eni2"]}
    for key in SERVICES:
        assert {s.subnet_id for s in view.client_subnets(ids["vpc"], key)} == {ids["subnet1"], ids["subnet2"]}


def test_endpoint_group_admitting_the_client_cidr_is_the_near_miss() -> None:
    """Right: the endpoint group admits 10.100.0.0/22, the client CIDR; Client VPN translates the
    users' addresses to the association interfaces' (10.0.1.x, 10.0.2.x), so no packet to the
    endpoints ever carries a client-CIDR source. SG003 (high) on each endpoint: nobody gets in.
    SG004 (low) on the group: a source outside the VPC and routed nowhere from the endpoint
    subnets (no VPC route table holds the client CIDR)."""
    snapshot, ids = client_vpn_access.build(endpoint_source="client_cidr")
    assert audit(snapshot) == (_advice(ids) | _per_endpoint("SG003", ids)
                               | {("SG004", ids["endpoint_sg"], "fail")})
    found = severities(snapshot)
    assert {v for (rule, _, _), v in found.items() if rule == "SG003"} == {"high"}
    assert {v for (rule, _, _), v in found.items() if rule == "SG004"} == {"low"}
    unreachable = [f for f in audit_result(snapshot).findings if f.rule_id == "SG003"]
    assert all("10.100.0.0/22, which contains no client" in f.message for f in unreachable)


def test_association_group_without_egress_to_the_endpoints() -> None:
    """Right: the chosen group sends only SSH and RDP to the VPC, so the association interfaces
    cannot open TCP 443 to the endpoints; SG005 (medium) names them and all three endpoints."""
    snapshot, ids = client_vpn_access.build(association_group="chosen", association_egress=False)
    assert audit(snapshot) == _advice(ids) | {("SG005", ids["association_sg"], "fail")}
    [cut_off] = [f for f in audit_result(snapshot).findings if f.rule_id == "SG005"]
    assert cut_off.severity.value == "medium"
    assert ids["cvpn_eni1"] in cut_off.message and ids["cvpn_eni2"] in cut_off.message
    assert all(ids[key] in cut_off.message for key in SERVICES)


def test_endpoints_in_one_az() -> None:
    """Right: with the endpoints in the first subnet only, the association interface of the second
    AZ calls them across AZs (IFE002, medium) and each endpoint has a single AZ (IFE001, medium)."""
    snapshot, ids = client_vpn_access.build(endpoint_subnets=1)
    assert audit(snapshot) == _advice(ids) | _per_endpoint("IFE001", ids) | _per_endpoint("IFE002", ids)
    assert {v for (rule, _, _), v in severities(snapshot).items() if rule.startswith("IFE")} == {"medium"}


@pytest.mark.parametrize(("replies_to", "blocked"), [("10.0.0.0/16", False), ("10.100.0.0/22", True)],
                         ids=["replies to the VPC CIDR", "replies to the client CIDR"])
def test_endpoint_subnet_nacl_replies(replies_to: str, blocked: bool) -> None:
    """Endpoints in subnets of their own behind a custom NACL. Replies to the VPC CIDR reach the
    association interfaces: nothing. Replies allowed only to the client CIDR (the NAT mistake
    again): the NACL's `*` drops them to the association subnets — ACL001 (medium) on the NACL,
    once per endpoint. Right."""
    snapshot, ids = client_vpn_access.build(endpoint_nacl_replies_to=replies_to)
    expected = _advice(ids) | ({("ACL001", ids["endpoint_nacl"], "fail")} if blocked else set())
    assert audit(snapshot) == expected
    acl = [f for f in audit_result(snapshot).findings if f.rule_id == "ACL001"]
    assert len(acl) == (3 if blocked else 0)
    assert all(f.severity.value == "medium" and "(replies)" in f.message and ids["subnet2"] in f.message
               for f in acl)


def _dns_servers_unset_goes_unseen(ids: dict[str, str]) -> set[tuple[str, str, str]]:
    """Gap, pinned: with no DNS server on the Client VPN endpoint, users resolve the services'
    names with their own DNS, get public addresses and bypass the endpoints (through the tunnel
    only with a 0.0.0.0/0 route, else over their own internet). The snapshot holds no Client VPN
    endpoint (no ``DescribeClientVpnEndpoints``: ``DnsServers``), and DNS005 reads the VPC's DHCP
    options, which VPN clients never receive; so no rule can see it."""
    return _advice(ids)


def test_dns_servers_unset_is_a_gap() -> None:
    snapshot, ids = client_vpn_access.build(dns_servers=())
    documented, _ = client_vpn_access.build()
    assert audit(snapshot) == _dns_servers_unset_goes_unseen(ids) == audit(documented)
