"""An AWS Transfer Family SFTP server with an internet-facing VPC-hosted endpoint (aws-ia
terraform-aws-transfer-family's ``sftp-internet-facing-vpc-endpoint-service-managed-S3`` example
and the Transfer Family User Guide's VPC page): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import pytest
from aws_layout import audit, audit_result, region_view, severities
from layouts import transfer_family_vpc_endpoint as transfer
from layouts.transfer_family_vpc_endpoint import ELASTIC_IPS, HTTPS_PORT, REGION, SERVER, SFTP_PORT, TFVARS_CIDRS

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
CLIENT = pytest.mark.parametrize("client", [False, True], ids=["no client in the VPC", "a client in the VPC"])


@cache
def _built(**options: object) -> tuple[Snapshot, dict[str, str]]:
    """Each variant built once: the builder is deterministic and the snapshot immutable."""
    return transfer.build(**options)  # type: ignore[arg-type]


def _flow_log(ids: dict[str, str]) -> Triples:
    """MON001 on the VPC, medium: right. The VPC module's ``vpc_flow_logs`` defaults to none and
    the example sets none; SFTP sessions from the internet are what a flow log would show."""
    return {("MON001", ids["vpc"], "fail")}


def _sg002_port_unknown(ids: dict[str, str], group: str = "sftp_sg") -> Triples:
    """SG002 on the server's group, not evaluated: right. Its only rules are TCP from CIDRs, which
    may be the port of the endpoint's service — a PrivateLink service Transfer Family owns, which
    publishes no port (it is TCP 22, SFTP, which nothing in the snapshot says)."""
    return {("SG002", ids[group], "not_evaluated")}


def _sg003_port_unknown(ids: dict[str, str]) -> Triples:
    """SG003 on the endpoint, not evaluated: right. The group opens one TCP port to a source holding
    clients (10.0.0.0/16 with the client instance in it, or the world), and whether that is the
    service's port is unknown. Without a client in the VPC, 10.0.0.0/16 holds nobody the group
    could refuse yet (the other ranges are routed nowhere): silent, as for a group admitting only
    members of a group no workload carries."""
    return {("SG003", ids["endpoint"], "not_evaluated")} if "client" in ids else set()


def _sg004_port_unknown(ids: dict[str, str]) -> Triples:
    """SG004 on the server's group, not evaluated: right. 192.168.1.0/24 and 172.16.0.0/12 lie
    outside the VPC and no route of the endpoint's subnets leads to them (no VPN, transit gateway or
    peering), and a private range never arrives through the internet gateway either; had the port
    been known to be the service's, SG004 would have been right to fire (it does, with TCP 22
    configured: ``_sg004_with_sftp_configured``)."""
    return {("SG004", ids["sftp_sg"], "not_evaluated")}


def _unrouted_nat_gateways(ids: dict[str, str]) -> Triples:
    """NAT005 on both NAT gateways, low: right. ``nat_gateway_configuration = "all_azs"`` in a VPC
    of public subnets only: no table routes to them, so nothing can reach them, and they cost
    ~$32.85 a month each; the server needs none (Transfer Family reaches S3 itself). Before NAT005,
    NAT004 judged idleness from metrics alone and this was a gap."""
    return {("NAT005", ids[f"nat{az}"], "fail") for az in (1, 2)}


def _internet_refused(ids: dict[str, str]) -> Triples:
    """SG003 on the endpoint, medium (discriminator ``internet``): right. Gap closed: the
    interfaces carry the Elastic IPs, so the server is there for clients on the internet ("Internet
    Facing to make your endpoint accessible to clients over the internet", the guide), who arrive
    with their public source addresses; its groups admit TCP only from private ranges (or only
    their own members), so the server refuses every partner on the internet. Beside SG003's
    judgement of the VPC's clients, which stays as it was."""
    return {("SG003", ids["endpoint"], "fail")}


def _example(ids: dict[str, str]) -> Triples:
    return (_flow_log(ids) | _sg002_port_unknown(ids) | _sg003_port_unknown(ids) | _sg004_port_unknown(ids)
            | _internet_refused(ids) | _unrouted_nat_gateways(ids))


def _internal(ids: dict[str, str]) -> Triples:
    """The internal form, no Elastic IP: the example's findings but SG003's on internet clients."""
    return _example(ids) - _internet_refused(ids)


def test_the_snapshot_is_the_example() -> None:
    """The builder against the example and aws-ia/vpc v4.5.0: 10.0.0.0/16 with DNS support and
    hostnames, two public /24s in AZ order, each on its own table to the internet gateway with a NAT
    gateway that no table routes to, the server's group admitting TCP 22 from the three tfvars CIDRs
    and sending all traffic out; no workload in the VPC."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    (vpc,) = region.vpcs
    assert (vpc.cidr_blocks, vpc.enable_dns_support, vpc.enable_dns_hostnames) == (("10.0.0.0/16",), True, True)
    assert sorted((s.cidr_block, s.availability_zone, s.availability_zone_id, s.map_public_ip_on_launch)
                  for s in region.subnets) == [("10.0.0.0/24", "us-east-1a", "use1-az1", True),
                                               ("10.0.1.0/24", "us-east-1b", "use1-az2", True)]
    tables = {t.route_table_id: t for t in region.route_tables}
    for az in (1, 2):
        table = tables[ids[f"public_rt{az}"]]
        assert [a.subnet_id for a in table.associations] == [ids[f"public{az}"]]
        assert [(x.destination, x.target_id) for x in table.routes if x.target_kind != "local"] \
            == [("0.0.0.0/0", ids["igw"])]
    assert {n.nat_gateway_id: n.subnet_id for n in region.nat_gateways} == {ids["nat1"]: ids["public1"],
                                                                           ids["nat2"]: ids["public2"]}
    assert not any(x.target_kind == "nat" for t in region.route_tables for x in t.routes)
    group = next(g for g in region.security_groups if g.group_id == ids["sftp_sg"])
    assert group.group_name == f"{SERVER}-sftp-sg"
    assert sorted((x.is_egress, x.ip_protocol, x.from_port, x.to_port, x.cidr_ipv4) for x in group.rules) == sorted(
        [(False, "tcp", SFTP_PORT, SFTP_PORT, cidr) for cidr in TFVARS_CIDRS] + [(True, "-1", None, None, "0.0.0.0/0")])
    assert not region.flow_logs
    assert region_view(snapshot).workload_enis(ids["vpc"]) == ()


def test_the_servers_endpoint_as_describe_vpc_endpoints_reports_it() -> None:
    """The endpoint Transfer Family creates: an Interface endpoint to its own
    ``com.amazonaws.vpce.us-east-1.vpce-svc-…`` service, in both public subnets with the server's
    group, private DNS off, no policy, a Regional and a zonal DNS name per AZ of the guide's AS2
    example's form, one requester-managed ``vpc_endpoint`` interface per subnet carrying one of the
    Elastic IPs (``Association.PublicIp``). Not in the
    account's DescribeVpcEndpointServices, so the network model sees a PrivateLink service of
    unknown port, AZs and policy support: no AWS service, and a client any workload may be."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    (endpoint,) = region.vpc_endpoints
    assert (endpoint.endpoint_type, endpoint.service_name, endpoint.private_dns_enabled, endpoint.policy_document,
            endpoint.requester_managed) == ("Interface", ids["service"], False, None, False)
    assert endpoint.service_name.startswith(f"com.amazonaws.vpce.{REGION}.vpce-svc-0")
    assert (endpoint.subnet_ids, endpoint.group_ids) == (tuple(sorted([ids["public1"], ids["public2"]])),
                                                         (ids["sftp_sg"],))
    service_id = endpoint.service_name.rsplit(".", 1)[1]
    names = [d.dns_name for d in endpoint.dns_entries]
    assert len(names) == 3 and all(n.startswith(f"{endpoint.vpc_endpoint_id}-") for n in names)
    assert all(n.endswith(f".{service_id}.{REGION}.vpce.amazonaws.com") for n in names)
    assert [n for n in names if "-us-east-1" in n.split(".")[0]] == names[1:]
    enis = {e.network_interface_id: e for e in region.network_interfaces}
    assert sorted(enis[e].subnet_id for e in endpoint.network_interface_ids) == sorted([ids["public1"],
                                                                                       ids["public2"]])
    assert {(enis[e].interface_type, enis[e].requester_managed, enis[e].description, enis[e].group_ids)
            for e in endpoint.network_interface_ids} \
        == {("vpc_endpoint", True, f"VPC Endpoint Interface {endpoint.vpc_endpoint_id}", (ids["sftp_sg"],))}
    assert sorted((enis[e].subnet_id, enis[e].public_ip_addresses) for e in endpoint.network_interface_ids) == [
        (ids["public1"], (ELASTIC_IPS[0],)), (ids["public2"], (ELASTIC_IPS[1],))]
    assert region_view(snapshot).endpoint_public_addresses(endpoint) == ELASTIC_IPS
    assert endpoint.service_name not in {s.service_name for s in region.endpoint_services}
    info = region_view(snapshot).service(endpoint)
    assert (info.is_aws_service, info.details_known, info.ports, info.policy_supported) == (False, False, (), None)


@CLIENT
def test_findings_and_verdicts_of_the_example(client: bool) -> None:
    """As published, and with an SFTP client instance in the VPC (the internal use of the same
    endpoint): MON001, three rules not evaluated for want of the service's port, and SG003 on the
    internet clients. Silent, rightly: SG001 (no world-open rule), SG005 (the client sends
    anything), IFE001/IFE002 (interfaces in both AZs), POL001 (a PrivateLink endpoint), DNS003 (no
    AWS service's private name), GWE002/GWE003 (no private subnet: Transfer Family reads and writes
    S3 itself, with the user's role, "without using public IP addressing or requiring an internet
    gateway"), NAT001-NAT003, ACL001, COST001.

    Two gaps closed. As published the group admits only private ranges (10.0.0.0/16,
    192.168.1.0/24, 172.16.0.0/12), and internet clients arrive through the Elastic IPs with their
    public addresses, so the internet-facing server refuses every partner on the internet: the
    snapshot now records the interfaces' public addresses, and SG003 says so. The two NAT gateways
    no table routes to, ~$65.70 a month for nothing (NAT004 judged idleness from metrics only):
    NAT005 reports them from the route tables."""
    snapshot, ids = _built(client=client)
    assert audit(snapshot) == _example(ids)
    assert severities(snapshot)[("SG003", ids["endpoint"], "internet")] == "medium"
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "SG003" and f.discriminator]
    assert f"public IPv4 addresses ({', '.join(ELASTIC_IPS)})" in finding.message
    assert "admit TCP only from 10.0.0.0/16, 172.16.0.0/12, 192.168.1.0/24" in finding.message
    (step,) = finding.fix
    assert (step.action, step.parameters["GroupId"], step.ready) == ("ec2:AuthorizeSecurityGroupIngress",
                                                                      ids["sftp_sg"], False)


@CLIENT
def test_the_internal_form(client: bool) -> None:
    """Near miss: the same server without ``address_allocation_ids``, internal ("Omitting
    ``address_allocation_ids`` would create an internal VPC endpoint", the example's README): its
    interfaces carry no public address, so no internet client is refused and SG003 judges the
    VPC's clients alone, as before."""
    snapshot, ids = _built(elastic_ips=False, client=client)
    region = snapshot.accounts[0].regions[0]
    (endpoint,) = region.vpc_endpoints
    assert region_view(snapshot).endpoint_public_addresses(endpoint) == ()
    assert audit(snapshot) == _internal(ids)


def test_the_requester_managed_flag_decides_nothing() -> None:
    """Whether DescribeVpcEndpoints reports the server's endpoint as requester-managed is not
    documented (assumed false): no rule reads the field, so the findings are the same."""
    snapshot, ids = _built(requester_managed=True)
    assert snapshot.accounts[0].regions[0].vpc_endpoints[0].requester_managed
    assert audit(snapshot) == _example(ids)


def _world_open(ids: dict[str, str]) -> Triples:
    """SG001 on the server's group, medium: right (advice), its reason wrong for this endpoint.
    TCP 22 from 0.0.0.0/0 is how an internet-facing server serves partners whose addresses are not
    known, and AWS's advice is the allow list the finding asks for: the endpoint "is accessible over
    the internet only to clients whose source IP addresses are allowed" in its group (the guide),
    "use VPC security groups to restrict traffic by the client's public IP address" (the API's
    EndpointDetails), and Security Hub EC2.13 fails the same rule. The message said "Endpoint
    interfaces have no public address; the exposure is to networks routed to the VPC", while these
    carry the Elastic IPs. Gap closed: the snapshot records the interfaces' public addresses
    (``Association.PublicIp``), and the message says the group is open to the internet through
    them, naming them. Medium, as before: the exposure is that of every server of AWS's public
    endpoint type ("publicly accessible", no source allow list), whose users still authenticate."""
    return {("SG001", ids["sftp_sg"], "fail")}


@CLIENT
def test_the_server_open_to_the_world(client: bool) -> None:
    """TCP 22 from 0.0.0.0/0: SG001 joins, SG004 leaves (the world is SG001's), SG002 and SG003
    stay not evaluated, and SG003's internet finding leaves (the world includes the partners). The
    fix revokes the world-open rule only after a decision (the service's port is unknown), which
    is as well: done as proposed, it would cut every partner off."""
    snapshot, ids = _built(ingress="world", client=client)
    # The world holds clients, with or without one here.
    world_port_unknown = {("SG003", ids["endpoint"], "not_evaluated")}
    assert audit(snapshot) == (_flow_log(ids) | _sg002_port_unknown(ids) | world_port_unknown | _world_open(ids)
                               | _unrouted_nat_gateways(ids))
    assert severities(snapshot)[("SG001", ids["sftp_sg"], "")] == "medium"
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "SG001"]
    assert (f"The endpoint interfaces carry public IPv4 addresses ({ids['endpoint']}: {', '.join(ELASTIC_IPS)}): "
            "the group is open to the internet through them") in finding.message
    assert "no public address" not in finding.message and "may carry Elastic IPs" not in finding.message
    assert [(s.action, s.ready) for s in finding.fix] == [("ec2:RevokeSecurityGroupIngress", False)]


def test_the_internal_form_open_to_the_world() -> None:
    """Near miss: the internal form open to the world. SG001 stays, medium, and says for certain
    that the exposure is to the networks routed to the VPC: the interfaces are recorded without
    public addresses."""
    snapshot, _ = _built(ingress="world", elastic_ips=False)
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "SG001"]
    assert finding.severity.value == "medium"
    assert finding.message.endswith("Endpoint interfaces have no public address; the exposure is to networks routed "
                                    "to the VPC.")


def _idle_endpoint(ids: dict[str, str]) -> Triples:
    """IFE006 on the server's endpoint, low: wrong for this endpoint, and no rule can tell. The
    server carried nothing for 14 days, but the endpoint does not cost "~$14.60/month": the VPC
    endpoint type has "no PrivateLink charges" (the guide's "Discontinuing the use of
    VPC_ENDPOINT"); Transfer Family bills "for any instantiated servers (even ones OFFLINE)" (the API
    reference's welcome page). Its fix, deleting the endpoint, takes the server off the network
    instead of deleting the server. A gap, pinned: nothing collected tells an endpoint Transfer
    Family created from one the account pays PrivateLink for (DescribeServer's
    ``EndpointDetails.VpcEndpointId`` would)."""
    return {("IFE006", ids["endpoint"], "fail")}


def test_an_idle_server_with_metrics() -> None:
    """Metrics collected, all 0 over 14 days: IFE006 joins the example's findings. NAT004 leaves
    the NAT gateways to NAT005 (one finding, one cost per gateway)."""
    snapshot, ids = _built(metrics=True)
    assert audit(snapshot) == _example(ids) | _idle_endpoint(ids)
    levels = severities(snapshot)
    assert {levels[("NAT005", ids[f"nat{az}"], "")] for az in (1, 2)} == {"low"}
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "IFE006"]
    assert (finding.severity.value, finding.monthly_cost_usd) == ("low", 14.6)
    assert [s.action for s in finding.fix] == ["ec2:DeleteVpcEndpoints"]


def test_the_cost_table_bills_the_endpoint_as_privatelink() -> None:
    """The report's cost table prices the server's endpoint as an interface endpoint in two AZs,
    $14.60 a month, beside the two NAT gateways. Wrong for this endpoint ("there are no PrivateLink
    charges"), and a gap, pinned, for the reason IFE006's is."""
    snapshot, ids = _built()
    lines = {c.resource_id: (c.item, c.monthly_fixed_usd) for c in audit_result(snapshot).costs}
    assert lines == {ids["endpoint"]: ("interface-endpoint", 14.6), ids["nat1"]: ("nat-gateway", 32.85),
                     ids["nat2"]: ("nat-gateway", 32.85)}


def test_three_accounts_running_the_example_share_nothing() -> None:
    """Three accounts each running the example in us-east-1: no COST001, rightly. It pools AWS
    services' interface endpoints only; the servers' endpoints are Transfer Family's, carry no
    PrivateLink charge and serve each its own server, so there is nothing to centralize."""
    built = [_built(account=account) for account in ("111111111111", "222222222222", "333333333333")]
    snapshot = replace(built[0][0], accounts=tuple(s.accounts[0] for s, _ in built))
    assert audit(snapshot) == set().union(*(_example(ids) for _, ids in built))


@CLIENT
def test_near_miss_group_admitting_443_instead_of_22(client: bool) -> None:
    """The server's group admitting TCP 443 from the tfvars CIDRs, the port of every AWS service
    endpoint: no SFTP client reaches the server, from the internet or from the VPC. The findings
    are the example's: all three SG rules not evaluated for want of the port, and SG003 on the
    internet clients, whom private ranges refuse on every port. A gap in the snapshot, closed by
    configuration: the endpoint's service publishes no port, and nothing collected says it is a
    Transfer Family server's (whose SFTP port is 22), but the owner knows, and says so once in
    ``service-ports`` (the next test)."""
    snapshot, ids = _built(ingress="https", client=client)
    assert audit(snapshot) == _example(ids)
    group = next(g for g in snapshot.accounts[0].regions[0].security_groups if g.group_id == ids["sftp_sg"])
    assert {(x.from_port, x.to_port) for x in group.rules if not x.is_egress} == {(HTTPS_PORT, HTTPS_PORT)}


def _sftp_configured(snapshot: Snapshot) -> dict[str, tuple[int, ...]]:
    """The server's SFTP port, configured for its endpoint's service (``--service-port SERVICE=22``)."""
    return {snapshot.accounts[0].regions[0].vpc_endpoints[0].service_name: (SFTP_PORT,)}


@CLIENT
def test_near_miss_group_admitting_443_instead_of_22_with_sftp_configured(client: bool) -> None:
    """The same group, with TCP 22 configured for the endpoint's service: SG003 on the VPC's clients,
    high — right, no rule admits TCP 22 from anyone, so no SFTP client in the VPC, now or later,
    reaches the server — saying the port was configured, not published; SG002, medium — right, TCP
    443 serves nothing on this endpoint. SG004 leaves: no rule opens the service's port."""
    snapshot, ids = _built(ingress="https", client=client)
    configured = _sftp_configured(snapshot)
    wrong_port = {("SG003", ids["endpoint"], "fail"), ("SG002", ids["sftp_sg"], "fail")}
    assert audit(snapshot, configured) == (_flow_log(ids) | wrong_port | _internet_refused(ids)
                                           | _unrouted_nat_gateways(ids))
    levels = severities(snapshot, configured)
    assert (levels[("SG003", ids["endpoint"], "")], levels[("SG002", ids["sftp_sg"], "")]) == ("high", "medium")
    (finding,) = [f for f in audit_result(snapshot, configured).findings
                  if f.rule_id == "SG003" and not f.discriminator]
    assert finding.message.endswith(f"admits clients on TCP 22 (configured for {next(iter(configured))} in "
                                    "service-ports; the service publishes no port) — no inbound rule allows TCP 22.")


def _sg004_with_sftp_configured(ids: dict[str, str]) -> Triples:
    """SG004 on the server's group, low: right, once TCP 22 is known to be the service's port —
    192.168.1.0/24 and 172.16.0.0/12 are routed nowhere but the internet gateway, through which no
    private source arrives."""
    return {("SG004", ids["sftp_sg"], "fail")}


@CLIENT
def test_the_example_with_sftp_configured(client: bool) -> None:
    """As published, with TCP 22 configured: SG002 and SG003 on the VPC's clients judge the group
    and pass it (TCP 22 from 10.0.0.0/16 is the service's port from the VPC), SG004 fires on the
    unrouted private ranges; the rest as published."""
    snapshot, ids = _built(client=client)
    assert audit(snapshot, _sftp_configured(snapshot)) == (
        _flow_log(ids) | _sg004_with_sftp_configured(ids) | _internet_refused(ids) | _unrouted_nat_gateways(ids))


def _default_group_extra(ids: dict[str, str]) -> Triples:
    """SG002 on the VPC's default group, medium: right (advice). The group admits all traffic from
    itself, whose non-TCP part no interface endpoint can take ("An interface endpoint supports TCP
    traffic only"); its fix gives the endpoint a group of its own once a person fills in the
    service's port, and says to leave the endpoint alone if the service that created it manages its
    groups."""
    return {("SG002", ids["default_sg"], "fail")}


def _unreachable_from_the_client(ids: dict[str, str]) -> Triples:
    """SG003 on the endpoint, high: right. The client instance, in a group of its own, is refused
    on every port: the default group admits only its members ("If you don't specify a different
    security group or groups when you launch the server, we associate the default security group
    with your server", the guide)."""
    return {("SG003", ids["endpoint"], "fail")}


def test_near_miss_server_in_the_default_group() -> None:
    """The server created without ``SecurityGroupIds``, no client in the VPC: SG002 on the default
    group. SG003 on the VPC's clients stays silent, as revised for groups without workload members
    (nobody is blocked until a workload exists to join the group). Gap closed: here the clients are
    partners on the internet, who can never be members, so the server is unreachable from the
    start, and SG003 says so from the interfaces' public addresses (medium, ``internet``)."""
    snapshot, ids = _built(group="default")
    assert audit(snapshot) == (_flow_log(ids) | _default_group_extra(ids) | _internet_refused(ids)
                               | _unrouted_nat_gateways(ids))
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "SG003"]
    assert f"admit TCP only from {ids['default_sg']}, while an internet client" in finding.message


def test_near_miss_internal_server_in_the_default_group() -> None:
    """The internal form created without ``SecurityGroupIds``, no client: SG002 alone, as before
    (no internet client to refuse, no workload to join the group)."""
    snapshot, ids = _built(group="default", elastic_ips=False)
    assert audit(snapshot) == _flow_log(ids) | _default_group_extra(ids) | _unrouted_nat_gateways(ids)


def test_near_miss_server_in_the_default_group_with_a_client() -> None:
    """The same with an SFTP client instance in the VPC: SG003 on the VPC's clients joins, high,
    beside its finding on the internet clients, medium."""
    snapshot, ids = _built(group="default", client=True)
    assert audit(snapshot) == (_flow_log(ids) | _default_group_extra(ids) | _unreachable_from_the_client(ids)
                               | _internet_refused(ids) | _unrouted_nat_gateways(ids))
    levels = severities(snapshot)
    assert (levels[("SG003", ids["endpoint"], "")], levels[("SG003", ids["endpoint"], "internet")],
            levels[("SG002", ids["default_sg"], "")]) == ("high", "medium", "medium")


def _one_az(ids: dict[str, str]) -> Triples:
    """IFE001 on the endpoint, not evaluated: right. The endpoint is in us-east-1a alone while the
    VPC has subnets in two AZs, and Transfer Family "supports up to 3 Availability Zones" (the
    guide's resilience page), but its endpoint service is in no DescribeVpcEndpointServices answer
    of the account, so where it is offered is unknown."""
    return {("IFE001", ids["endpoint"], "not_evaluated")}


def _client_az_gap(ids: dict[str, str]) -> Triples:
    """IFE002 on the endpoint, not evaluated: right, for the same reason. The client in us-east-1b
    crosses to us-east-1a."""
    return {("IFE002", ids["endpoint"], "not_evaluated")}


@CLIENT
def test_near_miss_endpoint_in_one_az(client: bool) -> None:
    """One subnet and one Elastic IP: the example's findings and IFE001 not evaluated, with
    IFE002 not evaluated too when a client runs in the other AZ."""
    snapshot, ids = _built(azs=1, client=client)
    expected = _example(ids) | _one_az(ids) | (_client_az_gap(ids) if client else set())
    assert audit(snapshot) == expected
    (endpoint,) = snapshot.accounts[0].regions[0].vpc_endpoints
    assert endpoint.subnet_ids == (ids["public1"],)
