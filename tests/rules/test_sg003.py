"""SG003 endpoint-sg-blocks-clients."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

import pytest
from builders import REGION, RegionBuilder, Rule
from rulecheck import findings, fix_of, triples

from vpcaudit.rules.sg.sg003_endpoint_sg_blocks_clients import endpoint_sg_blocks_clients as rule
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part

ID = "SG003"
PRIVATELINK = f"com.amazonaws.vpce.{REGION}.vpce-svc-0123456789abcdef0"


def _endpoint(ingress: Iterable[Rule] | None, *, service_name: str | None = None,
              workload_group: str | None = "app",
              extra_groups: Iterable[Iterable[Rule]] = ()) -> tuple[RegionBuilder, str]:
    """A VPC whose workloads carry an 'app' group (or the default group), and an ssm endpoint.

    ``ingress`` None puts the VPC default group (all traffic from itself) on the endpoint;
    ``workload_group`` None deploys no workload at all (the network stack before its workloads).
    """
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16")
    app = b.security_group(vpc, name="app")
    subnets = []
    for az in (1, 2):
        subnet = b.subnet(vpc, f"10.0.{az}.0/24", az=az)
        if workload_group is not None:
            b.workload(subnet, groups=[app] if workload_group == "app" else [b.default_group(vpc)])
        subnets.append(subnet)
    groups = [b.default_group(vpc)] if ingress is None else [
        b.security_group(vpc, name="endpoint", ingress=[(p, lo, hi, app if src == "app" else src)
                                                        for p, lo, hi, src in ingress])]
    groups += [b.security_group(vpc, ingress=spec) for spec in extra_groups]
    endpoint = b.interface_endpoint(vpc, "ssm", subnets=subnets, groups=groups, service_name=service_name)
    return b, endpoint


Case = Callable[[], tuple[RegionBuilder, str]]


def _tgw_routed(source: str) -> tuple[RegionBuilder, str]:
    b, endpoint = _endpoint([("tcp", 443, 443, source)])
    b.route(b.main_route_table(next(iter(b.vpcs))), "172.16.0.0/12", "tgw-0abc")
    return b, endpoint


def _with_prefix_list(cidrs: tuple[str, ...] | None) -> tuple[RegionBuilder, str]:
    b, endpoint = _endpoint([("tcp", 443, 443, "pl-corp")])
    if cidrs is not None:
        b.prefix_lists["pl-corp"] = r.PrefixList("pl-corp", "corp", "111111111111", "IPv4", cidrs)
    return b, endpoint


def _no_workloads(ingress: Iterable[Rule] | None) -> tuple[RegionBuilder, str]:
    """The network stack alone: endpoint, groups, NAT and endpoint ENIs, no workload ENI yet."""
    b, endpoint = _endpoint(ingress, workload_group=None)
    b.nat(b.endpoints[endpoint].subnet_ids[0])  # plumbing ENIs are nobody to block
    return b, endpoint


def _eks_control_plane_only() -> tuple[RegionBuilder, str]:
    """The endpoint admits 443 from the node group ('app'), which no node carries yet; the VPC
    holds the cluster's two control-plane interfaces, in EKS's cluster group."""
    b, endpoint = _no_workloads([("tcp", 443, 443, "app")])
    vpc = next(iter(b.vpcs))
    cluster_group = b.security_group(vpc, name="eks-cluster-sg")
    for subnet in b.endpoints[endpoint].subnet_ids:
        b.workload(subnet, groups=[cluster_group], description="Amazon EKS prod-cluster")
    return b, endpoint


def _spoke_routed(*, route_back: bool, ingress: Iterable[Rule] | None = None) -> tuple[RegionBuilder, str]:
    """A hub VPC without workloads holds the endpoint; a spoke VPC with a workload routes 10.0.0.0/16 to a TGW."""
    b, endpoint = _no_workloads(ingress)
    spoke = b.vpc("10.1.0.0/16")
    subnet = b.subnet(spoke, "10.1.1.0/24")
    b.workload(subnet)
    b.route_table(spoke, subnets=[subnet], routes={"10.0.0.0/16": "tgw-0abc"} if route_back else {})
    return b, endpoint


def _group_missing() -> tuple[RegionBuilder, str]:
    b, endpoint = _endpoint([("tcp", 80, 80, "10.0.0.0/16")])
    del b.groups[b.endpoints[endpoint].group_ids[0]]
    return b, endpoint


CASES: list[tuple[str, Case, str | None]] = [
    ("VPC CIDR on 443", lambda: _endpoint([("tcp", 443, 443, "10.0.0.0/16")]), None),
    ("client subnet CIDR on 443", lambda: _endpoint([("tcp", 443, 443, "10.0.1.0/24")]), None),
    ("0.0.0.0/0 contains the clients", lambda: _endpoint([("tcp", 443, 443, "0.0.0.0/0")]), None),
    ("client security group", lambda: _endpoint([("tcp", 443, 443, "app")]), None),
    ("all traffic from the VPC", lambda: _endpoint([("-1", None, None, "10.0.0.0/16")]), None),
    ("default group, workloads elsewhere", lambda: _endpoint(None), "fail"),
    ("default group with workload members", lambda: _endpoint(None, workload_group="default"), None),
    ("CIDR outside the VPC, not routed", lambda: _endpoint([("tcp", 443, 443, "192.168.0.0/16")]), "fail"),
    ("remote CIDR routed to a TGW (centralized endpoint)", lambda: _tgw_routed("172.16.0.0/12"), None),
    ("wrong port only", lambda: _endpoint([("tcp", 80, 80, "10.0.0.0/16")]), "fail"),
    ("no ingress rules", lambda: _endpoint([]), "fail"),
    ("second group opens 443 (groups are unioned)",
     lambda: _endpoint([], extra_groups=[[("tcp", 443, 443, "10.0.0.0/16")]]), None),
    ("prefix list with the VPC CIDR", lambda: _with_prefix_list(("10.0.0.0/16",)), None),
    ("prefix list without clients", lambda: _with_prefix_list(("192.168.0.0/16",)), "fail"),
    ("prefix list not collected", lambda: _with_prefix_list(None), "not_evaluated"),
    ("PrivateLink, all traffic from the VPC",
     lambda: _endpoint([("-1", None, None, "10.0.0.0/16")], service_name=PRIVATELINK), None),
    ("PrivateLink, one port: port unknown",
     lambda: _endpoint([("tcp", 8443, 8443, "10.0.0.0/16")], service_name=PRIVATELINK), "not_evaluated"),
    ("PrivateLink, nothing open", lambda: _endpoint([], service_name=PRIVATELINK), "fail"),
    ("endpoint group not collected", _group_missing, "not_evaluated"),
    # Nobody to block yet: the network stack deployed before its workloads.
    ("no workload yet, 443 from the app group", lambda: _no_workloads([("tcp", 443, 443, "app")]), None),
    ("no workload yet, default group", lambda: _no_workloads(None), None),
    ("no workload yet, PrivateLink open to the app group",
     lambda: _endpoint([("-1", None, None, "app")], service_name=PRIVATELINK, workload_group=None), None),
    ("no workload yet, no ingress rule at all", lambda: _no_workloads([]), "fail"),
    ("no workload yet, only port 80", lambda: _no_workloads([("tcp", 80, 80, "app")]), "fail"),
    ("no workload yet, 443 only from a CIDR without clients",
     lambda: _no_workloads([("tcp", 443, 443, "192.168.0.0/16")]), "fail"),
    ("no workload in the VPC, a TGW-routed spoke has one", lambda: _spoke_routed(route_back=True), "fail"),
    ("no workload in the VPC, an unrouted VPC has one", lambda: _spoke_routed(route_back=False), None),
    # An EKS cluster before its node group: its control plane's interfaces are nobody's client.
    ("EKS control plane only, 443 from the node group", lambda: _eks_control_plane_only(), None),
]


@pytest.mark.parametrize(("build", "status"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_cases(build: Case, status: str | None) -> None:
    b, endpoint = build()
    assert triples(rule, b.snapshot()) == ({(ID, endpoint, status)} if status else set())


@pytest.mark.parametrize("part", [Part.SECURITY_GROUPS, Part.NETWORK_INTERFACES, Part.ROUTE_TABLES])
def test_not_evaluated_when_a_needed_part_is_missing(part: Part) -> None:
    b, _ = _endpoint(None)
    assert triples(rule, b.snapshot(missing=[part])) == {(ID, REGION, "not_evaluated")}


def test_messages_say_why_the_endpoint_is_unreachable() -> None:
    b, endpoint = _endpoint(None)
    default = b.default_group(next(iter(b.vpcs)))
    (finding,) = findings(rule, b.snapshot())
    assert finding.severity.value == "high"
    assert f"Interface endpoint {endpoint} (ssm) is unreachable" in finding.message
    assert f"reachable only from members of {default}, which no workload ENI carries" in finding.message

    b, _ = _endpoint([("tcp", 443, 443, "192.168.0.0/16")])
    (outside,) = findings(rule, b.snapshot())
    assert "TCP 443 is allowed only from 192.168.0.0/16, which contains no client" in outside.message
    assert outside.evidence["non_client_sources"] == ["192.168.0.0/16"]

    b, _ = _endpoint([("tcp", 80, 80, "10.0.0.0/16")])
    (wrong_port,) = findings(rule, b.snapshot())
    assert "no inbound rule allows TCP 443" in wrong_port.message


def test_fix_admits_the_vpc_on_the_service_port() -> None:
    b, endpoint = _endpoint([])
    group = b.endpoints[endpoint].group_ids[0]
    assert fix_of(rule, b.snapshot(), endpoint) == [
        ("ec2:AuthorizeSecurityGroupIngress", {"GroupId": group, "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}]},
         "create", True)]


V6 = "2600:1f18:aaaa:bb00::/56"


def _family_case(ip_address_type: str | None, source: str, *, ipv6_only: bool) -> tuple[RegionBuilder, str]:
    """A VPC with 10.0.0.0/16 and an IPv6 /56; the endpoint of ``ip_address_type`` admits 443
    from ``source``; its subnets (and the workloads' ENIs in them) are IPv6-only or dual-stack."""
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16", ipv6_cidrs=[V6])
    app = b.security_group(vpc, name="app")
    subnets = []
    for az in (1, 2):
        subnet = b.subnet(vpc, f"10.0.{az}.0/24", az=az, ipv6_cidrs=[f"2600:1f18:aaaa:bb0{az}::/64"])
        if ipv6_only:
            b.subnets[subnet] = replace(b.subnets[subnet], cidr_block=None, ipv6_native=True)
        eni = b.workload(subnet, groups=[app])
        address = f"2600:1f18:aaaa:bb0{az}::10"
        b.enis[eni] = replace(b.enis[eni], private_ip_addresses=() if ipv6_only else b.enis[eni].private_ip_addresses,
                              ipv6_addresses=(address,))
        subnets.append(subnet)
    group = b.security_group(vpc, name="endpoint", ingress=[("tcp", 443, 443, source)])
    endpoint = b.interface_endpoint(vpc, "kms", subnets=subnets, groups=[group])
    b.endpoints[endpoint] = replace(b.endpoints[endpoint], ip_address_type=ip_address_type)
    return b, endpoint


@pytest.mark.parametrize(("ip_address_type", "source", "ipv6_only", "status"), [
    # AWS: an `ipv6` endpoint (the only type IPv6-only subnets allow) has no IPv4 address, so
    # the VPC's IPv4 block admits none of its clients.
    ("ipv6", "10.0.0.0/16", True, "fail"),
    ("ipv6", V6, True, None),  # near miss: the VPC's IPv6 block
    ("dualstack", "10.0.0.0/16", False, None),  # near miss: dual-stack clients reach it over IPv4
    ("ipv4", V6, False, "fail"),  # an `ipv4` endpoint takes no IPv6 traffic
    ("ipv4", "10.0.0.0/16", False, None),
    (None, "10.0.0.0/16", False, None),  # no type recorded: nothing ruled out on a guess
    # IPv6-only clients have no address in the VPC's IPv4 block, whatever the endpoint's type.
    (None, "10.0.0.0/16", True, "fail"),
])
def test_a_cidr_admits_clients_only_in_an_address_family_the_endpoint_has(
        ip_address_type: str | None, source: str, ipv6_only: bool, status: str | None) -> None:
    b, endpoint = _family_case(ip_address_type, source, ipv6_only=ipv6_only)
    expected = {(ID, endpoint, status)} if status else set()
    assert triples(rule, b.snapshot()) == expected


def test_the_family_message_and_fix_name_the_endpoints_own_family() -> None:
    b, endpoint = _family_case("ipv6", "10.0.0.0/16", ipv6_only=True)
    [finding] = findings(rule, b.snapshot())
    assert finding.message.endswith("TCP 443 is allowed only from 10.0.0.0/16, and the endpoint has IPv6 addresses "
                                    "only (IpAddressType ipv6).")
    group = b.endpoints[endpoint].group_ids[0]
    assert fix_of(rule, b.snapshot(), endpoint) == [
        ("ec2:AuthorizeSecurityGroupIngress",
         {"GroupId": group, "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                                               "Ipv6Ranges": [{"CidrIpv6": V6}]}]}, "create", True)]


# -- managed databases: clients only of the services their engines call ------------------------

# A DB instance's ENI as DescribeNetworkInterfaces reports it (RDS, Aurora), and an RDS Proxy's.
DB_INSTANCE = {"requester_managed": True, "requester_id": "amazon-rds", "description": "RDSNetworkInterface"}
DB_PROXY = {"requester_managed": True, "requester_id": "amazon-rds",
            "description": "Network interface for DBProxy proxy-orders"}


def _database_only(key: str, eni: dict[str, object] | None = None, *, service_name: str | None = None,
                   app_workload: bool = False, admit: str = "jobs") -> tuple[RegionBuilder, str]:
    """A VPC whose only workload ENI is a managed database's (group 'db'), and an endpoint of ``key``
    admitting TCP 443 (all traffic for a PrivateLink service) only from a group with no member
    yet ('jobs': a Glue connection's group between runs), or from 'db' with ``admit="db"``.
    ``app_workload`` adds an instance in an 'app' group the endpoint does not admit."""
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16")
    db = b.security_group(vpc, name="db")
    jobs = b.security_group(vpc, name="jobs", ingress=[("tcp", 0, 65535, "self")])
    subnets = [b.subnet(vpc, f"10.0.{az}.0/24", az=az) for az in (1, 2)]
    b.workload(subnets[0], groups=[db], **(DB_INSTANCE if eni is None else eni))  # type: ignore[arg-type]
    if app_workload:
        b.workload(subnets[1], groups=[b.security_group(vpc, name="app")])
    source = jobs if admit == "jobs" else db
    rule_spec = ("-1", None, None, source) if service_name else ("tcp", 443, 443, source)
    group = b.security_group(vpc, name="endpoint", ingress=[rule_spec])
    endpoint = b.interface_endpoint(vpc, key, subnets=subnets, groups=[group], service_name=service_name)
    return b, endpoint


@pytest.mark.parametrize(("key", "eni", "service_name", "status"), [
    # No engine is documented to call CloudWatch, Secrets Manager or Systems Manager from the DB
    # instance's network interface: nobody to block yet.
    ("secretsmanager", None, None, None),
    ("monitoring", None, None, None),
    ("ssm", None, None, None),
    # Services a DB instance may call from the VPC: it is someone to block.
    ("s3", None, None, "fail"),  # aws_s3, LOAD DATA FROM S3, Aurora PostgreSQL analytics
    ("lambda", None, None, "fail"),  # aws_lambda, Aurora MySQL native functions
    ("glue", None, None, "fail"),  # Aurora PostgreSQL analytics: the Glue Data Catalog
    ("kms", None, None, "fail"),  # Aurora MySQL database activity streams
    ("sagemaker.runtime", None, None, "fail"),  # Aurora machine learning
    ("bedrock-runtime", None, None, "fail"),
    ("comprehend", None, None, "fail"),
    # An RDS Proxy reads its credentials from Secrets Manager: a client of every endpoint.
    ("secretsmanager", DB_PROXY, None, "fail"),
    # Described like a DB instance but not requester-managed by RDS: anybody's interface.
    ("secretsmanager", {"description": "RDSNetworkInterface"}, None, "fail"),
    ("secretsmanager", {**DB_INSTANCE, "requester_id": "123456789012"}, None, "fail"),
    # A PrivateLink service (another database behind dblink, postgres_fdw, a database link):
    # any workload may call it.
    ("vpce-svc", None, PRIVATELINK, "fail"),
])
def test_a_db_instance_is_a_client_only_of_the_services_its_engine_calls(
        key: str, eni: dict[str, object] | None, service_name: str | None, status: str | None) -> None:
    b, endpoint = _database_only(key, eni, service_name=service_name)
    assert triples(rule, b.snapshot()) == ({(ID, endpoint, status)} if status else set())


def test_a_group_only_a_db_instance_carries_admits_no_client_of_the_service() -> None:
    """secretsmanager admits the DB's group only; an instance in another group is a client nobody
    admits. The message says the group holds no client of the service, not no workload."""
    b, endpoint = _database_only("secretsmanager", admit="db", app_workload=True)
    (finding,) = findings(rule, b.snapshot())
    db = next(g for g in b.groups.values() if g.group_name == "db").group_id
    assert finding.resource.resource_id == endpoint
    assert (f"reachable only from members of {db}, which no workload ENI that may call secretsmanager carries "
            "(the DB instances' interfaces carrying it call only the services their engines do)") in finding.message
    assert finding.evidence["member_only_sources"] == [db]
    # The same groups on an S3 endpoint: the DB instance may call S3, so its group admits a client.
    b, _ = _database_only("s3", admit="db", app_workload=True)
    assert triples(rule, b.snapshot()) == set()


def test_a_db_instance_in_a_routed_spoke_is_a_client_of_a_hub_endpoint_only_for_its_services() -> None:
    """The hub's ssm endpoint admits its default group only; the one workload of the spoke routed
    to it is a DB instance, which calls no Systems Manager: nobody to block. On a lambda
    endpoint it is someone to block (aws_lambda, Aurora MySQL native functions)."""
    b, endpoint = _spoke_routed(route_back=True)
    spoke_eni = next(e for e in b.enis.values() if e.vpc_id != b.endpoints[endpoint].vpc_id)
    b.enis[spoke_eni.network_interface_id] = replace(spoke_eni, **DB_INSTANCE)  # type: ignore[arg-type]
    assert triples(rule, b.snapshot()) == set()
    b.service("lambda")
    b.endpoints[endpoint] = replace(b.endpoints[endpoint], service_name=f"com.amazonaws.{REGION}.lambda")
    assert triples(rule, b.snapshot()) == {(ID, endpoint, "fail")}


# -- VPC Lattice's Resource and ServiceNetwork endpoints ------------------------------------------------

def _lattice(endpoint_type: str, ingress: Iterable[Rule]) -> tuple[RegionBuilder, str]:
    """A workload in its own group and a Lattice endpoint (no service name, IpAddressType as AWS
    reports these, upper case) in a group admitting ``ingress``; the VPC default group if empty."""
    b = RegionBuilder()
    vpc = b.vpc()
    subnet = b.subnet(vpc, "10.0.1.0/24")
    b.workload(subnet, groups=[b.security_group(vpc, name="app")])
    group = b.security_group(vpc, name="endpoint", ingress=ingress) if ingress else b.default_group(vpc)
    endpoint = b.interface_endpoint(vpc, "x", subnets=[subnet], groups=[group], endpoint_type=endpoint_type,
                                    private_dns=False)
    b.endpoints[endpoint] = replace(b.endpoints[endpoint], service_name="", ip_address_type="IPV4")
    return b, endpoint


@pytest.mark.parametrize("endpoint_type", ["Resource", "ServiceNetwork"])
def test_a_lattice_endpoint_in_the_vpcs_default_group_admits_no_client(endpoint_type: str) -> None:
    """CreateVpcEndpoint puts a Resource or ServiceNetwork endpoint created without groups in the
    VPC's default group, which admits only its members."""
    b, endpoint = _lattice(endpoint_type, [])
    [finding] = findings(rule, b.snapshot())
    assert finding.resource.resource_id == endpoint
    assert finding.message.startswith(f"{endpoint_type} endpoint {endpoint} (VPC Lattice ")
    [(_, _, _, ready)] = fix_of(rule, b.snapshot(), endpoint)
    assert not ready  # the port is the resource's (or the services'), which the snapshot does not hold


@pytest.mark.parametrize("endpoint_type", ["Resource", "ServiceNetwork"])
def test_a_lattice_endpoint_admitting_some_tcp_port_from_clients_is_taken_as_right(endpoint_type: str) -> None:
    b, _ = _lattice(endpoint_type, [("tcp", 5432, 5432, "10.0.0.0/16")])
    assert triples(rule, b.snapshot()) == set()


@pytest.mark.parametrize("ingress", [None, [("tcp", 443, 443, "192.168.0.0/16")]],
                         ids=["the VPC default group", "443 from the on-premises range"])
def test_an_s3_endpoint_for_inbound_resolvers_only_is_judged_for_its_on_premises_clients(
        ingress: list[Rule] | None) -> None:
    """Private DNS for inbound Resolver endpoints only: the VPC's workloads call S3 through the
    gateway endpoint and are none of its clients (SG005, SG006, IFE002, ACL001 leave them out), but
    SG003 asks whether anyone gets in at all, and is unchanged. Behind the VPC's default group
    (members only) the endpoint still fires: the on-premises clients it exists for are refused.
    Admitting the routed on-premises range is right."""
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16")
    subnets = [b.subnet(vpc, f"10.0.{az}.0/24", az=az) for az in (1, 2)]
    table = b.route_table(vpc, subnets=subnets, routes={"192.168.0.0/16": "vgw-0123"})
    for subnet in subnets:
        b.workload(subnet, groups=[b.security_group(vpc, name=f"app-{subnet}")])
    b.gateway_endpoint(vpc, "s3", route_tables=[table])
    groups = [b.default_group(vpc)] if ingress is None else [b.security_group(vpc, name="endpoint", ingress=ingress)]
    endpoint = b.interface_endpoint(vpc, "s3", subnets=subnets, groups=groups, inbound_only=True)
    assert triples(rule, b.snapshot()) == ({(ID, endpoint, "fail")} if ingress is None else set())


ELASTIC_IPS = ("3.208.10.21", "3.208.10.22")


def _internet_facing(ingress: Iterable[Rule] | None, *, public: tuple[str, ...] | None = ELASTIC_IPS,
                     service_name: str | None = None, workload_group: str | None = "app") -> tuple[RegionBuilder, str]:
    """The ssm (or PrivateLink) endpoint of :func:`_endpoint` with an Elastic IP on each interface
    (``public``: one each, in order), as an internet-facing AWS Transfer Family server's; ``()``:
    recorded without any; None: recorded before public addresses were (an older snapshot)."""
    b, endpoint = _endpoint(ingress, service_name=service_name, workload_group=workload_group)
    for index, eni in enumerate(b.endpoints[endpoint].network_interface_ids):
        b.enis[eni] = replace(b.enis[eni], public_ip_addresses=None if public is None else public[index:index + 1])
    return b, endpoint


def _internet_findings(b: RegionBuilder, *, missing: Iterable[Part] = ()) -> list[tuple[str, str, str]]:
    return [(f.resource.resource_id, f.status.value, f.severity.value)
            for f in findings(rule, b.snapshot(missing=missing)) if f.discriminator == "internet"]


PRIVATE_RANGES = [("tcp", 443, 443, "10.0.0.0/16"), ("tcp", 443, 443, "192.168.1.0/24"),
                  ("tcp", 443, 443, "172.16.0.0/12")]


@pytest.mark.parametrize(("build", "refused"), [
    # Public addresses, groups admitting private ranges only: the internet clients are refused.
    (lambda: _internet_facing(PRIVATE_RANGES), True),
    (lambda: _internet_facing([("tcp", 443, 443, "app"), ("tcp", 443, 443, "100.64.0.0/10")]), True),
    (lambda: _internet_facing([]), True),  # no inbound rule at all
    (lambda: _internet_facing(None, workload_group=None), True),  # default group, no workload yet
    (lambda: _internet_facing(PRIVATE_RANGES, service_name=PRIVATELINK), True),
    # Near misses: a public source on some TCP port admits internet clients ...
    (lambda: _internet_facing([*PRIVATE_RANGES, ("tcp", 22, 22, "198.51.100.0/24")]), False),
    (lambda: _internet_facing([("tcp", 443, 443, "0.0.0.0/0")]), False),
    (lambda: _internet_facing([("-1", None, None, "203.0.113.7/32")]), False),
    # ... and without public addresses there are none to refuse, or none is known of.
    (lambda: _internet_facing(PRIVATE_RANGES, public=()), False),
    (lambda: _internet_facing(PRIVATE_RANGES, public=None), False),
    # An IPv6 source or a non-TCP one admits no internet client of the IPv4 addresses.
    (lambda: _internet_facing([*PRIVATE_RANGES, ("tcp", 443, 443, "::/0")]), True),
    (lambda: _internet_facing([*PRIVATE_RANGES, ("udp", 443, 443, "0.0.0.0/0")]), True),
], ids=["private ranges", "a group and shared space", "no inbound rule", "default group, no workload",
        "PrivateLink service", "a partner range on another port", "the world", "all traffic from a partner",
        "no public address", "public addresses not recorded", "IPv6 world", "UDP world"])
def test_an_endpoint_with_public_addresses_refusing_every_internet_client(build: Case, refused: bool) -> None:
    b, endpoint = build()
    assert _internet_findings(b) == ([(endpoint, "fail", "medium")] if refused else [])


def test_internet_clients_are_judged_apart_from_the_vpcs() -> None:
    """The VPC's clients are admitted (SG003 passes them), the internet's refused: one finding,
    discriminated ``internet``, naming the addresses and what the groups admit."""
    b, endpoint = _internet_facing(PRIVATE_RANGES)
    (finding,) = findings(rule, b.snapshot())
    group = b.endpoints[endpoint].group_ids[0]
    assert (finding.discriminator, finding.resource.resource_id) == ("internet", endpoint)
    assert finding.message == (
        f"Interface endpoint {endpoint} (ssm) carries public IPv4 addresses (3.208.10.21, 3.208.10.22), but no "
        f"internet client can reach it: its security groups ({group}) admit TCP only from 10.0.0.0/16, "
        "172.16.0.0/12, 192.168.1.0/24, while an internet client of those addresses arrives with its own public "
        "IPv4 address, outside private and shared address space and the VPC's CIDRs.")
    assert finding.evidence["public_addresses"] == list(ELASTIC_IPS)


def test_an_endpoint_refusing_both_gets_both_findings() -> None:
    """The VPC's default group with workloads outside it: SG003 on the VPC's clients, high, and on
    the internet's, medium."""
    b, _ = _internet_facing(None)
    assert sorted((f.discriminator, f.status.value, f.severity.value) for f in findings(rule, b.snapshot())) == [
        ("", "fail", "high"), ("internet", "fail", "medium")]


def test_not_judged_while_a_group_or_prefix_list_is_unknown() -> None:
    """A group not collected, or a prefix list not held, might admit the internet: no internet
    finding (the VPC's judgement says what it cannot judge)."""
    b, endpoint = _internet_facing(PRIVATE_RANGES)
    del b.groups[b.endpoints[endpoint].group_ids[0]]
    assert _internet_findings(b) == []
    b, _ = _internet_facing([*PRIVATE_RANGES, ("tcp", 443, 443, "pl-partners")])
    assert _internet_findings(b) == []


def test_not_judged_when_the_endpoints_interfaces_are_not_listed() -> None:
    b, _ = _internet_facing(PRIVATE_RANGES)
    b.enis.clear()
    assert _internet_findings(b) == []


def test_the_internet_fix_asks_for_the_clients_ranges_on_the_service_port() -> None:
    """Allow the internet clients' public ranges, which only a person knows, on the service port
    (TCP 443 for ssm; a placeholder for a PrivateLink service's, unknown)."""
    clients = {"placeholder": "the internet clients' public IPv4 range"}
    b, endpoint = _internet_facing(PRIVATE_RANGES)
    group = b.endpoints[endpoint].group_ids[0]
    (finding,) = findings(rule, b.snapshot())
    (step,) = finding.fix
    assert (step.action, step.parameters, step.ready) == ("ec2:AuthorizeSecurityGroupIngress", {
        "GroupId": group, "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                                             "IpRanges": [{"CidrIp": clients}]}]}, False)
    assert "0.0.0.0/0" in (step.decision or "")
    b, endpoint = _internet_facing(PRIVATE_RANGES, service_name=PRIVATELINK)
    (finding,) = [f for f in findings(rule, b.snapshot()) if f.discriminator == "internet"]
    port = {"placeholder": "the PrivateLink service's port"}
    assert finding.fix[0].parameters["IpPermissions"] == [{"IpProtocol": "tcp", "FromPort": port, "ToPort": port,
                                                           "IpRanges": [{"CidrIp": clients}]}]


# -- a range of the VPC holding none of today's clients ----------------------------------------

def _range_case(*, client_subnet: str | None) -> tuple[RegionBuilder, str]:
    """An sts endpoint whose group admits 443 from 10.0.0.0/24 alone; a workload in
    ``client_subnet`` (10.0.0.0/24 or 10.0.1.0/24), or none."""
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16")
    public = b.subnet(vpc, "10.0.0.0/24", az=1)
    private = b.subnet(vpc, "10.0.1.0/24", az=1)
    if client_subnet is not None:
        b.workload(public if client_subnet == "10.0.0.0/24" else private, groups=[b.security_group(vpc, name="app")])
    group = b.security_group(vpc, name="endpoint", ingress=[("tcp", 443, 443, "10.0.0.0/24")])
    return b, b.interface_endpoint(vpc, "sts", subnets=[private], groups=[group])


@pytest.mark.parametrize(("client_subnet", "status"), [
    ("10.0.1.0/24", "fail"),  # the only client is outside the admitted range: refused
    ("10.0.0.0/24", None),  # near miss: the client is in it
    (None, None),  # near miss: no client yet, as for a group no workload carries
])
def test_a_range_of_the_vpc_admits_the_clients_it_holds(client_subnet: str | None, status: str | None) -> None:
    b, endpoint = _range_case(client_subnet=client_subnet)
    assert triples(rule, b.snapshot()) == ({(ID, endpoint, status)} if status else set())


def test_a_range_without_clients_is_named_and_the_fix_admits_the_vpc() -> None:
    b, endpoint = _range_case(client_subnet="10.0.1.0/24")
    [finding] = findings(rule, b.snapshot())
    assert "TCP 443 is allowed only from 10.0.0.0/24, where no workload of" in finding.message
    [(action, parameters, _, _)] = fix_of(rule, b.snapshot(), endpoint)
    assert action == "ec2:AuthorizeSecurityGroupIngress"
    assert parameters["IpPermissions"][0]["IpRanges"] == [{"CidrIp": "10.0.0.0/16"}]


@pytest.mark.parametrize(("missing", "status"), [
    ((), "fail"),  # the cluster places the node: no client of memory-db in the admitted group
    ((Part.MEMORYDB_CLUSTERS,), None),  # the clusters not collected: the node a workload, as before
], ids=["clusters collected", "clusters not collected"])
def test_a_group_only_a_memorydb_node_carries_admits_no_client(missing: tuple[Part, ...], status: str | None) -> None:
    """A ``memory-db`` endpoint admitting 443 only from the cluster's group, an instance in another
    group: the node's interface (in the cluster's subnet group, exactly its group, on no instance;
    its description AWS does not document) calls no AWS service, so nobody who calls MemoryDB's API
    gets in — while the clusters are known. The message names the node's kind."""
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16")
    app_subnet, db_subnet = b.subnet(vpc, "10.0.1.0/24", az=1), b.subnet(vpc, "10.0.48.0/24", az=2)
    cluster_sg, app_sg = b.security_group(vpc, name="cluster"), b.security_group(vpc, name="app")
    b.workload(db_subnet, groups=[cluster_sg], requester_managed=True, description="MemoryDB sessions-0001-001")
    app = b.workload(app_subnet, groups=[app_sg])
    b.enis[app] = replace(b.enis[app], instance_id="i-0123456789abcdef0")
    b.memorydb_cluster("sessions", [db_subnet], groups=[cluster_sg])
    endpoint_sg = b.security_group(vpc, name="endpoint", ingress=[("tcp", 443, 443, cluster_sg)])
    endpoint = b.interface_endpoint(vpc, "memory-db", subnets=[app_subnet], groups=[endpoint_sg])
    snapshot = b.snapshot(missing=missing)
    assert triples(rule, snapshot) == ({(ID, endpoint, status)} if status else set())
    if status:
        (finding,) = findings(rule, snapshot)
        assert "(the MemoryDB nodes' interfaces carrying it call only the services their engines do)" in finding.message
