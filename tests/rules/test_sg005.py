"""SG005 client-egress-blocks-endpoint."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

import pytest
from builders import REGION, S3_CIDRS, RegionBuilder, Rule
from rulecheck import findings, fix_of, triples

from vpcaudit.rules.sg.sg005_client_egress_blocks_endpoint import client_egress_blocks_endpoint as rule
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part

ID = "SG005"
PRIVATELINK = f"com.amazonaws.vpce.{REGION}.vpce-svc-0123456789abcdef0"
ENDPOINT_SUBNET = "10.0.9.0/24"
EFS_MOUNT_TARGET = "EFS mount target for fs-0a1b2c3d4e5f60718 (fsmt-0f1e2d3c4b5a69788)"
ALB_NODE = "ELB app/web/50dc6c495c0c9188"


def _client(egress: Iterable[Rule], *, other_group_egress: Iterable[Rule] | None = None,
            service_name: str | None = None, state: str = "available",
            with_endpoint: bool = True, requester_managed: bool = False,
            description: str = "") -> tuple[RegionBuilder, str]:
    """A workload in 10.0.1.0/24 whose group 'app' has ``egress``; an ssm endpoint in 10.0.9.0/24.

    A source/destination of ``"endpoint-sg"`` names the endpoint's group.
    """
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16")
    client_subnet = b.subnet(vpc, "10.0.1.0/24", az=1)
    endpoint_subnet = b.subnet(vpc, ENDPOINT_SUBNET, az=2)
    endpoint_sg = b.security_group(vpc, name="endpoint", ingress=[("tcp", 443, 443, "10.0.0.0/16")])
    app = b.security_group(vpc, name="app", egress=[(p, lo, hi, endpoint_sg if dst == "endpoint-sg" else dst)
                                                    for p, lo, hi, dst in egress])
    groups = [app]
    if other_group_egress is not None:
        groups.append(b.security_group(vpc, name="other", egress=other_group_egress))
    b.workload(client_subnet, groups=groups, requester_managed=requester_managed, description=description)
    if with_endpoint:
        b.interface_endpoint(vpc, "ssm", subnets=[endpoint_subnet], groups=[endpoint_sg], service_name=service_name,
                             state=state)
    return b, app


def _prefix_list(cidrs: tuple[str, ...] | None) -> tuple[RegionBuilder, str]:
    b, app = _client([("tcp", 443, 443, "pl-corp")])
    if cidrs is not None:
        b.prefix_lists["pl-corp"] = r.PrefixList("pl-corp", "corp", "111111111111", "IPv4", cidrs)
    return b, app


Case = Callable[[], tuple[RegionBuilder, str]]
CASES: list[tuple[str, Case, str | None]] = [
    ("default egress (all to 0.0.0.0/0)", lambda: _client([("-1", None, None, "0.0.0.0/0")]), None),
    ("no egress rules", lambda: _client([]), "fail"),
    ("egress to the database port only", lambda: _client([("tcp", 3306, 3306, "10.0.0.0/16")]), "fail"),
    ("443 to the endpoint's security group", lambda: _client([("tcp", 443, 443, "endpoint-sg")]), None),
    ("443 to the endpoint subnet", lambda: _client([("tcp", 443, 443, ENDPOINT_SUBNET)]), None),
    ("443 to the VPC CIDR", lambda: _client([("tcp", 443, 443, "10.0.0.0/16")]), None),
    ("443 to an unrelated range", lambda: _client([("tcp", 443, 443, "192.168.0.0/16")]), "fail"),
    ("another group of the ENI allows it", lambda: _client([], other_group_egress=[("tcp", 443, 443, "0.0.0.0/0")]),
     None),
    ("prefix list holding the VPC CIDR", lambda: _prefix_list(("10.0.0.0/16",)), None),
    ("prefix list not collected", lambda: _prefix_list(None), "not_evaluated"),
    ("PrivateLink endpoints are out of scope", lambda: _client([], service_name=PRIVATELINK), None),
    ("no interface endpoint in the VPC", lambda: _client([], with_endpoint=False), None),
    ("deleted endpoint", lambda: _client([], state="deleted"), None),
    # SageMaker's inbound NFS group ("only inbound traffic") on its domain's EFS mount target:
    # a mount target answers NFS and calls no AWS API, so it is nobody's client.
    ("EFS mount target without egress", lambda: _client([], requester_managed=True, description=EFS_MOUNT_TARGET),
     None),
    # A load balancer's group with the ELB guide's recommended egress (to its targets only): its
    # nodes forward requests and call no interface endpoint.
    ("load balancer node, egress to its targets only",
     lambda: _client([("tcp", 80, 80, "10.0.128.0/20")], requester_managed=True, description=ALB_NODE), None),
]


@pytest.mark.parametrize(("build", "status"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_cases(build: Case, status: str | None) -> None:
    b, app = build()
    assert triples(rule, b.snapshot()) == ({(ID, app, status)} if status else set())


def test_both_groups_named_when_neither_allows() -> None:
    b, app = _client([], other_group_egress=[("tcp", 3306, 3306, "10.0.0.0/16")])
    other = next(g for g, grp in b.groups.items() if grp.group_name == "other")
    assert triples(rule, b.snapshot()) == {(ID, app, "fail"), (ID, other, "fail")}


@pytest.mark.parametrize("part", [Part.SECURITY_GROUPS, Part.NETWORK_INTERFACES, Part.PREFIX_LISTS, Part.ROUTE_TABLES])
def test_not_evaluated_when_a_needed_part_is_missing(part: Part) -> None:
    b, _ = _client([])
    assert triples(rule, b.snapshot(missing=[part])) == {(ID, REGION, "not_evaluated")}


def test_message_names_enis_endpoints_and_egress_rules() -> None:
    b, app = _client([("tcp", 3306, 3306, "10.0.0.0/16")])
    (finding,) = findings(rule, b.snapshot())
    eni = next(i for i, e in b.enis.items() if e.interface_type == "interface")
    endpoint = next(iter(b.endpoints))
    assert finding.severity.value == "medium"
    assert f"Security group {app} (app) lets its workload ENIs ({eni} in " in finding.message
    assert f"send no TCP 443 to interface endpoint(s) {endpoint} (ssm)" in finding.message
    assert "its egress rules allow only TCP 3306 to 10.0.0.0/16" in finding.message
    (empty,) = findings(rule, _client([])[0].snapshot())
    assert "the group has no egress rules" in empty.message


def test_fix_opens_the_service_port_to_the_endpoint_group() -> None:
    b, app = _client([])
    endpoint_group = next(g.group_id for g in b.groups.values() if g.group_name == "endpoint")
    assert fix_of(rule, b.snapshot(), app) == [
        ("ec2:AuthorizeSecurityGroupEgress", {"GroupId": app, "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "UserIdGroupPairs": [{"GroupId": endpoint_group}]}]},
         "create", True)]


# A DB instance's ENI as DescribeNetworkInterfaces reports it (RDS, Aurora).
DB_INSTANCE = {"requester_managed": True, "requester_id": "amazon-rds", "description": "RDSNetworkInterface"}


@pytest.mark.parametrize(("key", "status"), [("secretsmanager", None), ("ssm", None), ("s3", "fail"),
                                              ("lambda", "fail")])
def test_a_db_instance_is_judged_only_against_endpoints_of_services_its_engine_calls(
        key: str, status: str | None) -> None:
    """The DB group allows MySQL to the VPC only (no 443): nothing a DB instance calls is lost on a
    secretsmanager or ssm endpoint, but it cannot reach S3 (aws_s3, LOAD DATA FROM S3) or Lambda
    (aws_lambda, native functions) through theirs."""
    b, vpc, subnet = _vpc_beside_an_endpoint_subnet()
    db = b.security_group(vpc, name="db", egress=[("tcp", 3306, 3306, "10.0.0.0/16")])
    b.workload(subnet, groups=[db], **DB_INSTANCE)  # type: ignore[arg-type]
    assert _judged(b, vpc, key, ()) == ({(ID, db, status)} if status else set())


# -- VPC Lattice's Resource and ServiceNetwork endpoints ------------------------------------------------

LATTICE_PL = "pl-lattice"
LATTICE_CIDRS = ("169.254.171.0/24", "129.224.0.0/17")


def _lattice_client(endpoint_type: str, egress: Iterable[Rule]) -> tuple[RegionBuilder, str, str]:
    """A workload whose group 'app' has ``egress`` (``LATTICE_PL`` names the Region's
    ``vpc-lattice`` prefix list, ``"endpoint-sg"`` the endpoint's group), and a Lattice endpoint
    in 10.0.9.0/24 as DescribeVpcEndpoints reports it (no service name, IpAddressType upper case)
    in a group admitting TCP 443 from the VPC. Returns the builder, the app group and the
    endpoint's group."""
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16")
    client_subnet = b.subnet(vpc, "10.0.1.0/24", az=1)
    endpoint_subnet = b.subnet(vpc, ENDPOINT_SUBNET, az=2)
    b.prefix_lists[LATTICE_PL] = r.PrefixList(LATTICE_PL, f"com.amazonaws.{REGION}.vpc-lattice", "AWS", "IPv4",
                                              LATTICE_CIDRS)
    endpoint_sg = b.security_group(vpc, name="lattice", ingress=[("tcp", 443, 443, "10.0.0.0/16")])
    app = b.security_group(vpc, name="app", egress=[(p, lo, hi, endpoint_sg if dst == "endpoint-sg" else dst)
                                                    for p, lo, hi, dst in egress])
    b.workload(client_subnet, groups=[app])
    endpoint = b.interface_endpoint(vpc, "x", subnets=[endpoint_subnet], groups=[endpoint_sg],
                                    endpoint_type=endpoint_type, private_dns=True)
    b.endpoints[endpoint] = replace(b.endpoints[endpoint], service_name="", ip_address_type="IPV4")
    return b, app, endpoint_sg


LATTICE_CASES = [
    # The association's rule kept where an endpoint serves: the endpoint's addresses are in the VPC.
    ("443 to the vpc-lattice prefix list only", [("tcp", 443, 443, LATTICE_PL)], "fail"),
    ("no egress rules", [], "fail"),
    ("DNS only, to the VPC", [("udp", 53, 53, "10.0.0.0/16")], "fail"),
    # The port is the resource configuration's or the services', not collected: any TCP port may be it.
    ("a database port to the VPC", [("tcp", 5432, 5432, "10.0.0.0/16")], None),
    ("443 to the endpoint subnet", [("tcp", 443, 443, ENDPOINT_SUBNET)], None),
    ("an HTTP port to the endpoint's group", [("tcp", 8080, 8080, "endpoint-sg")], None),
    ("all traffic anywhere", [("-1", None, None, "0.0.0.0/0")], None),
]


@pytest.mark.parametrize("endpoint_type", ["Resource", "ServiceNetwork"])
@pytest.mark.parametrize(("egress", "status"), [c[1:] for c in LATTICE_CASES], ids=[c[0] for c in LATTICE_CASES])
def test_a_lattice_endpoint_is_blocked_only_when_no_tcp_port_reaches_it(
        endpoint_type: str, egress: list[Rule], status: str | None) -> None:
    b, app, _ = _lattice_client(endpoint_type, egress)
    assert triples(rule, b.snapshot()) == ({(ID, app, status)} if status else set())


@pytest.mark.parametrize(("endpoint_type", "label", "whose"), [
    ("Resource", "VPC Lattice resource", "the resource configuration's port"),
    ("ServiceNetwork", "VPC Lattice service network", "the services' ports")])
def test_a_lattice_endpoints_finding_and_fix_name_no_port(endpoint_type: str, label: str, whose: str) -> None:
    """The message says no TCP port at all reaches the endpoint; the fix leaves the port to be
    filled in (a decision), as SG003's fix on the same endpoints does."""
    b, app, endpoint_sg = _lattice_client(endpoint_type, [("tcp", 443, 443, LATTICE_PL)])
    endpoint = next(iter(b.endpoints))
    (finding,) = findings(rule, b.snapshot())
    assert f"send no TCP on any port to endpoint(s) {endpoint} ({label}): its egress rules allow only TCP 443 " \
           f"to {LATTICE_PL}." in finding.message
    port = {"placeholder": whose}
    assert fix_of(rule, b.snapshot(), app) == [
        ("ec2:AuthorizeSecurityGroupEgress", {"GroupId": app, "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "UserIdGroupPairs": [{"GroupId": endpoint_sg}]}]},
         "create", False)]


def test_an_interface_and_a_lattice_endpoint_blocked_together_get_one_finding_and_a_step_each() -> None:
    b, app, endpoint_sg = _lattice_client("ServiceNetwork", [])
    vpc = next(iter(b.vpcs))
    endpoint_subnet = next(s for s, sub in b.subnets.items() if sub.cidr_block == ENDPOINT_SUBNET)
    ssm = b.interface_endpoint(vpc, "ssm", subnets=[endpoint_subnet], groups=[endpoint_sg])
    lattice = next(e for e in b.endpoints if e != ssm)
    (finding,) = findings(rule, b.snapshot())
    assert f"send no TCP 443 to interface endpoint(s) {ssm} (ssm) and no TCP on any port to endpoint(s) " \
           f"{lattice} (VPC Lattice service network):" in finding.message
    assert [(permission["FromPort"], ready) for _, parameters, _, ready in fix_of(rule, b.snapshot(), app)
            for permission in parameters["IpPermissions"]] == [(443, True), ({"placeholder": "the services' ports"},
                                                                             False)]


# A Redshift cluster node's ENI as DescribeNetworkInterfaces reports it.
REDSHIFT_NODE = {"requester_managed": True, "requester_id": "amazon-redshift",
                 "description": "RedshiftNetworkInterface"}


def _vpc_beside_an_endpoint_subnet() -> tuple[RegionBuilder, str, str]:
    """A VPC with a client subnet (az 1) and a subnet for an endpoint (az 2): the setting of the
    managed-kind cases below, each of which puts one kind of interface in the client subnet."""
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16")
    b.subnet(vpc, ENDPOINT_SUBNET, az=2)
    return b, vpc, b.subnet(vpc, "10.0.1.0/24", az=1)


def _endpoint_subnet(b: RegionBuilder) -> str:
    return next(s for s, v in b.subnets.items() if v.cidr_block == ENDPOINT_SUBNET)


def _judged(b: RegionBuilder, vpc: str, service: str, missing: tuple[Part, ...]) -> set[tuple[str, str, str]]:
    """SG005's triples once an interface endpoint of ``service`` in the endpoint subnet admits TCP
    443 from the whole VPC (so only the clients' own egress can refuse them); ``missing``: parts
    not collected."""
    endpoint_subnet = _endpoint_subnet(b)
    endpoint_sg = b.security_group(vpc, name="endpoint", ingress=[("tcp", 443, 443, "10.0.0.0/16")])
    b.interface_endpoint(vpc, service, subnets=[endpoint_subnet], groups=[endpoint_sg])
    return triples(rule, b.snapshot(missing=missing))


@pytest.mark.parametrize(("routing", "missing", "status"), [
    (True, (), "fail"),  # enhanced VPC routing: its federated queries' secrets go through the endpoint
    (False, (), None),  # off: "Amazon Redshift routes traffic through the internet"
    (False, (Part.REDSHIFT_CLUSTERS,), "fail"),  # the clusters not collected: a client, as before
], ids=["routing on", "routing off", "clusters not collected"])
def test_a_redshift_node_is_judged_only_when_its_cluster_routes_through_the_vpc(
        routing: bool, missing: tuple[Part, ...], status: str | None) -> None:
    """The node's group sends nothing out; a secretsmanager endpoint in the VPC."""
    b, vpc, subnet = _vpc_beside_an_endpoint_subnet()
    cluster_sg = b.security_group(vpc, name="warehouse", egress=[])
    node = b.workload(subnet, groups=[cluster_sg], **REDSHIFT_NODE)  # type: ignore[arg-type]
    b.redshift_cluster("warehouse", vpc, enhanced_vpc_routing=routing, groups=[cluster_sg], nodes=[node])
    assert _judged(b, vpc, "secretsmanager", missing) == ({(ID, cluster_sg, status)} if status else set())


# -- S3 and DynamoDB gateway endpoints -------------------------------------------------------------

S3_IPV6 = "2600:1fa0:8000::/39"
CNI_POD = {"description": "aws-K8S-i-0123456789abcdef0"}
ELASTICACHE_NODE = {"requester_managed": True, "description": "ElastiCache orders-cache-001"}


def _gateway_client(egress: Iterable[Rule], *, key: str = "s3", routed: bool = True, state: str = "available",
                    other_group_egress: Iterable[Rule] | None = None, eni: dict[str, object] | None = None,
                    ipv6_only: bool = False, dual_stack: bool = False) -> tuple[RegionBuilder, str, str]:
    """A workload in 10.0.1.0/24 whose group 'app' has ``egress``, and a ``key`` gateway endpoint
    on the subnet's route table (``routed``) or on another one. A destination of ``"s3-pl"`` or
    ``"dynamodb-pl"`` names that service's AWS-managed prefix list. ``ipv6_only``: the subnet has
    an IPv6 CIDR alone and the S3 prefix list an IPv6 entry (``dual_stack``: both CIDRs). Returns
    the builder, the app group and the endpoint."""
    b = RegionBuilder()
    lists = {f"{name.rsplit('.', 1)[-1]}-pl": pl for pl, name in
             ((p.prefix_list_id, p.prefix_list_name) for p in b.prefix_lists.values())}
    vpc = b.vpc("10.0.0.0/16", ipv6_cidrs=["2600:1f18:aaaa:bb00::/56"] if ipv6_only or dual_stack else ())
    subnet = b.subnet(vpc, "" if ipv6_only else "10.0.1.0/24",
                      ipv6_cidrs=["2600:1f18:aaaa:bb01::/64"] if ipv6_only or dual_stack else ())
    if ipv6_only or dual_stack:
        s3 = lists["s3-pl"]
        b.prefix_lists[s3] = replace(b.prefix_lists[s3], cidrs=(*S3_CIDRS, S3_IPV6))
    table = b.route_table(vpc, subnets=[subnet])
    other = b.route_table(vpc)
    app = b.security_group(vpc, name="app", egress=[(p, lo, hi, lists.get(dst, dst)) for p, lo, hi, dst in egress])
    groups = [app]
    if other_group_egress is not None:
        groups.append(b.security_group(vpc, name="other", egress=other_group_egress))
    b.workload(subnet, groups=groups, **(eni or {}))  # type: ignore[arg-type]
    endpoint = b.gateway_endpoint(vpc, key, route_tables=[table if routed else other], state=state)
    return b, app, endpoint


def _service_list(b: RegionBuilder, key: str) -> str:
    return next(p.prefix_list_id for p in b.prefix_lists.values() if p.prefix_list_name.endswith(f".{key}"))


HALVES = [("tcp", 443, 443, "52.216.0.0/16"), ("tcp", 443, 443, "52.217.0.0/16"), ("tcp", 443, 443, "3.5.0.0/19")]
GATEWAY_CASES: list[tuple[str, list[Rule], dict[str, object], str | None]] = [
    ("443 to the S3 prefix list", [("tcp", 443, 443, "s3-pl")], {}, None),
    ("all traffic anywhere", [("-1", None, None, "0.0.0.0/0")], {}, None),
    ("443 anywhere", [("tcp", 443, 443, "0.0.0.0/0")], {}, None),
    ("443 to exactly the prefix list's CIDRs", [("tcp", 443, 443, c) for c in S3_CIDRS], {}, None),
    ("443 to a range covering them", [("tcp", 443, 443, "0.0.0.0/1")], {}, None),
    ("443 to ranges covering them together", HALVES, {}, None),
    ("443 to the VPC CIDR only", [("tcp", 443, 443, "10.0.0.0/16")], {}, "fail"),
    ("the database port only", [("tcp", 5432, 5432, "10.0.0.0/16")], {}, "fail"),
    ("no egress rules", [], {}, "fail"),
    ("443 to part of the prefix list", [("tcp", 443, 443, "52.216.0.0/15")], {}, "fail"),
    ("HTTP only to the prefix list", [("tcp", 80, 80, "s3-pl")], {}, "fail"),
    ("443 to DynamoDB's prefix list", [("tcp", 443, 443, "dynamodb-pl")], {}, "fail"),
    ("DynamoDB's endpoint, 443 to its prefix list", [("tcp", 443, 443, "dynamodb-pl")], {"key": "dynamodb"}, None),
    ("DynamoDB's endpoint, 443 to S3's", [("tcp", 443, 443, "s3-pl")], {"key": "dynamodb"}, "fail"),
    # A subnet whose route table does not take the endpoint is not its client (GWE001's concern).
    ("subnet not routed through the endpoint", [], {"routed": False}, None),
    ("endpoint pending", [], {"state": "pending"}, None),
    ("another group of the ENI allows it", [], {"other_group_egress": [("tcp", 443, 443, "0.0.0.0/0")]}, None),
    # Managed kinds: a DB instance calls S3 (aws_s3, LOAD DATA FROM S3), not DynamoDB; an
    # ElastiCache node calls neither.
    ("DB instance, S3", [("tcp", 5432, 5432, "10.0.0.0/16")], {"eni": DB_INSTANCE}, "fail"),
    ("DB instance, DynamoDB", [("tcp", 5432, 5432, "10.0.0.0/16")], {"eni": DB_INSTANCE, "key": "dynamodb"}, None),
    ("ElastiCache node", [], {"eni": ELASTICACHE_NODE}, None),
    # A pod's interface: its traffic beyond the VPC leaves through the node's primary interface.
    ("VPC CNI secondary interface", [("-1", None, None, "10.0.0.0/16")], {"eni": CNI_POD}, None),
    # An IPv6-only subnet calls over IPv6, to the prefix list's IPv6 entries.
    ("IPv6-only, all traffic to ::/0", [("-1", None, None, "::/0")], {"ipv6_only": True}, None),
    ("IPv6-only, 443 to the prefix list", [("tcp", 443, 443, "s3-pl")], {"ipv6_only": True}, None),
    ("IPv6-only, 443 to its IPv6 entry", [("tcp", 443, 443, S3_IPV6)], {"ipv6_only": True}, None),
    ("IPv6-only, all traffic to 0.0.0.0/0 only", [("-1", None, None, "0.0.0.0/0")], {"ipv6_only": True}, "fail"),
    ("dual-stack, all traffic to 0.0.0.0/0 only", [("-1", None, None, "0.0.0.0/0")], {"dual_stack": True}, None),
    ("dual-stack, all traffic to ::/0 only", [("-1", None, None, "::/0")], {"dual_stack": True}, "fail"),
]


@pytest.mark.parametrize(("egress", "kwargs", "status"), [c[1:] for c in GATEWAY_CASES],
                         ids=[c[0] for c in GATEWAY_CASES])
def test_gateway_endpoint_cases(egress: list[Rule], kwargs: dict[str, object], status: str | None) -> None:
    b, app, _ = _gateway_client(egress, **kwargs)  # type: ignore[arg-type]
    assert triples(rule, b.snapshot()) == ({(ID, app, status)} if status else set())


def test_an_ipv6_only_subnet_without_ipv6_entries_is_no_client() -> None:
    """The prefix list without an IPv6 entry: the subnet's calls follow ::/0, not the endpoint."""
    b, _, _ = _gateway_client([("-1", None, None, "0.0.0.0/0")], ipv6_only=True)
    s3 = _service_list(b, "s3")
    b.prefix_lists[s3] = replace(b.prefix_lists[s3], cidrs=S3_CIDRS)
    assert triples(rule, b.snapshot()) == set()


def test_the_nodes_primary_interface_is_judged_for_its_pods() -> None:
    """The pods' group sends to the VPC only, the node's group nothing: the node's primary
    interface, through which the pods' S3 calls leave, is the one refused."""
    b, _, _ = _gateway_client([("-1", None, None, "10.0.0.0/16")], eni=CNI_POD)
    vpc, subnet = next(iter(b.vpcs)), next(s for s, x in b.subnets.items() if x.cidr_block == "10.0.1.0/24")
    node = b.security_group(vpc, name="node", egress=[])
    b.workload(subnet, groups=[node])
    assert triples(rule, b.snapshot()) == {(ID, node, "fail")}


def test_an_s3_interface_endpoint_with_private_dns_takes_the_calls_instead() -> None:
    """An S3 interface endpoint answering S3's names in the VPC: SDK calls go to it, which TCP 443
    to the VPC reaches, and the gateway endpoint has no client. With its private DNS for the
    inbound Resolver endpoint only, in-VPC clients use the gateway endpoint again, and are refused."""
    b, app, gateway = _gateway_client([("tcp", 443, 443, "10.0.0.0/16")])
    vpc = next(iter(b.vpcs))
    interface = b.interface_endpoint(vpc, "s3", subnets=[b.subnet(vpc, ENDPOINT_SUBNET, az=2)])
    assert triples(rule, b.snapshot()) == set()
    b.endpoints[interface] = replace(b.endpoints[interface], private_dns_only_for_inbound_resolver_endpoint=True)
    (finding,) = findings(rule, b.snapshot())
    assert (finding.resource.resource_id, finding.evidence["endpoints"]) == (app, [gateway])


@pytest.mark.parametrize(("inbound_only", "refused"), [(True, None), (False, "interface")],
                         ids=["private DNS for inbound Resolver endpoints only", "private DNS for all resolvers"])
def test_egress_to_the_s3_prefix_list_alone_beside_a_hybrid_s3_interface_endpoint(inbound_only: bool,
                                                                                   refused: str | None) -> None:
    """The documented hybrid pattern: the workloads send HTTPS to S3's prefix list only (they use
    the gateway endpoint), and an S3 interface endpoint serves on premises. With its private DNS
    for inbound Resolver endpoints only, the VPC's S3 calls take the gateway endpoint and the
    workloads are no client of the interface endpoint; with the option cleared they resolve S3 to
    it and cannot send to it."""
    b, app, _ = _gateway_client([("tcp", 443, 443, "s3-pl")])
    vpc = next(iter(b.vpcs))
    interface = b.interface_endpoint(vpc, "s3", subnets=[b.subnet(vpc, ENDPOINT_SUBNET, az=2)],
                                     inbound_only=inbound_only)
    found = [(f.resource.resource_id, f.evidence["endpoints"]) for f in findings(rule, b.snapshot())]
    assert found == ([] if refused is None else [(app, [interface])])


@pytest.mark.parametrize(("egress", "ipv6_only", "status"), [
    ([("tcp", 443, 443, "10.0.0.0/16")], False, "not_evaluated"),
    ([], False, "not_evaluated"),
    ([("tcp", 443, 443, "s3-pl")], False, None),
    ([("tcp", 443, 443, "0.0.0.0/0")], False, None),
    ([("tcp", 443, 443, "::/0")], True, None),
    ([("tcp", 443, 443, "0.0.0.0/0")], True, "not_evaluated"),
], ids=["443 to the VPC", "no egress", "443 to the prefix list", "443 anywhere", "IPv6-only, 443 to ::/0",
        "IPv6-only, 443 to 0.0.0.0/0"])
def test_prefix_list_cidrs_not_collected(egress: list[Rule], ipv6_only: bool, status: str | None) -> None:
    """S3's prefix list missing from the snapshot: the subnet's route to the endpoint names it,
    but whether a CIDR rule covers its entries cannot be told; only the list itself or anywhere
    (in the family the subnet calls over) can be."""
    b, app, _ = _gateway_client(egress, ipv6_only=ipv6_only)
    del b.prefix_lists[_service_list(b, "s3")]
    assert triples(rule, b.snapshot()) == ({(ID, app, status)} if status else set())


def test_a_customer_prefix_list_is_read_for_its_cidrs() -> None:
    b, app, _ = _gateway_client([])
    listed = b.prefix_list("egress", ["0.0.0.0/0"])
    b.authorize(app, egress=[("tcp", 443, 443, listed)])
    assert triples(rule, b.snapshot()) == set()
    del b.prefix_lists[listed]
    assert triples(rule, b.snapshot()) == {(ID, app, "not_evaluated")}


def test_gateway_endpoint_message_and_fix() -> None:
    """The finding names the endpoint with its prefix list, says why its addresses are public, and
    the fix allows TCP 443 to the prefix list, ready: exactly what AWS documents."""
    b, app, endpoint = _gateway_client([("tcp", 443, 443, "10.0.0.0/16")])
    s3 = _service_list(b, "s3")
    (finding,) = findings(rule, b.snapshot())
    assert f"send no TCP 443 to gateway endpoint(s) {endpoint} (s3, prefix list {s3}): its egress rules allow " \
           "only TCP 443 to 10.0.0.0/16." in finding.message
    assert "through a gateway endpoint they still call the service at its public addresses" in finding.message
    assert finding.evidence["prefix_lists"] == [f"{endpoint}: {s3}"]
    assert fix_of(rule, b.snapshot(), app) == [
        ("ec2:AuthorizeSecurityGroupEgress", {"GroupId": app, "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "PrefixListIds": [{"PrefixListId": s3}]}]},
         "create", True)]


def test_a_partly_allowed_prefix_list_is_named_part_by_part() -> None:
    b, _, endpoint = _gateway_client([("tcp", 443, 443, "52.216.0.0/15")])
    s3 = _service_list(b, "s3")
    (finding,) = findings(rule, b.snapshot())
    assert f"send TCP 443 to only 52.216.0.0/15 of the CIDRs of gateway endpoint {endpoint} (s3, prefix list " \
           f"{s3}), not to 3.5.0.0/19:" in finding.message
    assert finding.evidence["reached_cidrs"] == [f"{endpoint}: 52.216.0.0/15"]


def test_interface_and_gateway_endpoints_blocked_together_get_one_finding() -> None:
    """The group refuses an ssm interface endpoint, and the S3 and DynamoDB gateway endpoints: one
    finding naming all three, a step to the interface endpoint's group and one to both prefix
    lists."""
    b, app, s3_endpoint = _gateway_client([("tcp", 5432, 5432, "10.0.0.0/16")])
    vpc = next(iter(b.vpcs))
    table = next(t for t, x in b.route_tables.items() if x.subnet_ids)
    dynamodb = b.gateway_endpoint(vpc, "dynamodb", route_tables=[table])
    endpoint_sg = b.security_group(vpc, name="endpoint", ingress=[("tcp", 443, 443, "10.0.0.0/16")])
    ssm = b.interface_endpoint(vpc, "ssm", subnets=[b.subnet(vpc, ENDPOINT_SUBNET, az=2)], groups=[endpoint_sg])
    (finding,) = findings(rule, b.snapshot())
    s3, ddb = _service_list(b, "s3"), _service_list(b, "dynamodb")
    assert f"send no TCP 443 to interface endpoint(s) {ssm} (ssm) and no TCP 443 to gateway endpoint(s) " \
           f"{s3_endpoint} (s3, prefix list {s3}), {dynamodb} (dynamodb, prefix list {ddb}):" in finding.message
    assert fix_of(rule, b.snapshot(), app) == [
        ("ec2:AuthorizeSecurityGroupEgress", {"GroupId": app, "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "UserIdGroupPairs": [{"GroupId": endpoint_sg}]}]},
         "create", True),
        ("ec2:AuthorizeSecurityGroupEgress", {"GroupId": app, "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
             "PrefixListIds": [{"PrefixListId": s3}, {"PrefixListId": ddb}]}]}, "create", True)]


def test_a_redshift_node_with_enhanced_vpc_routing_is_a_client_of_both_gateway_endpoints() -> None:
    """COPY and UNLOAD go to S3, COPY from a table to DynamoDB; with enhanced VPC routing off,
    Redshift reaches neither through the VPC."""
    for routing, status in ((True, "fail"), (False, None)):
        b, cluster_sg, _ = _gateway_client([], eni=REDSHIFT_NODE)
        vpc = next(iter(b.vpcs))
        node = next(e for e, x in b.enis.items() if x.description == REDSHIFT_NODE["description"])
        b.redshift_cluster("warehouse", vpc, enhanced_vpc_routing=routing, groups=[cluster_sg], nodes=[node])
        assert triples(rule, b.snapshot()) == ({(ID, cluster_sg, status)} if status else set())


# -- dual-stack clients of an endpoint whose private DNS answers AAAA ---------------------------------

V6 = "2600:1f18:aaaa:bb00::/56"


def _dual_stack_client(egress: Iterable[Rule], *, client_ipv6: bool = True, dns_record_ip_type: str = "dualstack",
                       ) -> tuple[RegionBuilder, str]:
    """A dual-stack kms endpoint (its ENI with both addresses) admitting the VPC's blocks, and a
    workload in the same dual-stack subnet whose group sends ``egress``."""
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16", ipv6_cidrs=[V6])
    subnet = b.subnet(vpc, "10.0.1.0/24", az=1, ipv6_cidrs=["2600:1f18:aaaa:bb01::/64"])
    app = b.security_group(vpc, name="app", egress=list(egress))
    eni = b.workload(subnet, groups=[app])
    if client_ipv6:
        b.enis[eni] = replace(b.enis[eni], ipv6_addresses=("2600:1f18:aaaa:bb01::10",))
    group = b.security_group(vpc, name="endpoint", ingress=[("tcp", 443, 443, "10.0.0.0/16"), ("tcp", 443, 443, V6)])
    endpoint = b.interface_endpoint(vpc, "kms", subnets=[subnet], groups=[group])
    b.endpoints[endpoint] = replace(b.endpoints[endpoint], ip_address_type="dualstack",
                                    dns_record_ip_type=dns_record_ip_type)
    for eni_id in b.endpoints[endpoint].network_interface_ids:
        b.enis[eni_id] = replace(b.enis[eni_id], ipv6_addresses=("2600:1f18:aaaa:bb01::20",))
    return b, app


@pytest.mark.parametrize(("egress", "client_ipv6", "records", "fires"), [
    ([("tcp", 443, 443, "0.0.0.0/0")], True, "dualstack", True),  # IPv4 egress alone: the AAAA answer is dropped
    ([("tcp", 443, 443, "0.0.0.0/0"), ("tcp", 443, 443, "::/0")], True, "dualstack", False),  # near miss: both
    ([("tcp", 443, 443, "0.0.0.0/0")], False, "dualstack", False),  # near miss: an IPv4-only client
    ([("tcp", 443, 443, "0.0.0.0/0")], True, "ipv4", False),  # near miss: private DNS answers A records only
])
def test_a_dual_stack_client_reaches_an_aaaa_endpoint_over_ipv6(egress: list[Rule], client_ipv6: bool,
                                                                 records: str, fires: bool) -> None:
    b, app = _dual_stack_client(egress, client_ipv6=client_ipv6, dns_record_ip_type=records)
    assert triples(rule, b.snapshot()) == ({(ID, app, "fail")} if fires else set())
    if fires:
        [finding] = findings(rule, b.snapshot())
        assert "over IPv6" in finding.message


@pytest.mark.parametrize(("recorded", "missing", "status"), [
    (True, (), None),  # the stream's: "Kinesis Data Firehose uses an IAM role to access the specified … S3 bucket,
    # AWS KMS key, and CloudWatch log group and streams" — the interface only delivers
    (False, (), "fail"),  # no stream places an interface there: an application's, a client
    (True, (Part.FIREHOSE_STREAMS,), "fail"),  # the streams not collected: a client, as before
], ids=["stream's interface", "no stream fits", "streams not collected"])
def test_a_firehose_streams_interface_is_judged_only_while_it_is_not_known_as_the_streams(
        recorded: bool, missing: tuple[Part, ...], status: str | None) -> None:
    """An undescribed interface on no instance whose group sends only HTTPS to an OpenSearch
    domain's group; a logs endpoint in the VPC."""
    b, vpc, subnet = _vpc_beside_an_endpoint_subnet()
    domain_sg = b.security_group(vpc, name="domain", egress=[])
    stream_sg = b.security_group(vpc, name="stream", egress=[("tcp", 443, 443, domain_sg)])
    b.workload(subnet, groups=[stream_sg])
    if recorded:
        b.firehose_stream("search", [subnet], [stream_sg])
    assert _judged(b, vpc, "logs", missing) == ({(ID, stream_sg, status)} if status else set())


# A DB instance's ENI as DescribeNetworkInterfaces reports it (RDS, Aurora, Neptune, DocumentDB).
DB_INSTANCE = {"requester_managed": True, "requester_id": "amazon-rds", "description": "RDSNetworkInterface"}


@pytest.mark.parametrize(("engine", "missing", "status"), [
    ("neptune", (), "fail"),  # "The Neptune loader requires a VPC endpoint for AWS STS when you are chaining IAM roles"
    ("docdb", (), None),  # DocumentDB calls no AWS service from its instances
    ("neptune", (Part.DB_INSTANCES,), None),  # not collected: every engine's services, which have no sts
], ids=["neptune", "documentdb", "instances not collected"])
def test_a_db_instance_is_judged_against_sts_only_when_its_engine_calls_it(
        engine: str, missing: tuple[Part, ...], status: str | None) -> None:
    """The instance's group sends nothing out; an sts endpoint in the VPC."""
    b, vpc, subnet = _vpc_beside_an_endpoint_subnet()
    db_sg = b.security_group(vpc, name="graph", egress=[])
    b.workload(subnet, groups=[db_sg], **DB_INSTANCE)  # type: ignore[arg-type]
    endpoint_subnet = _endpoint_subnet(b)
    b.db_instance("graph-1", engine, vpc, subnets=[subnet, endpoint_subnet], groups=[db_sg])
    assert _judged(b, vpc, "sts", missing) == ({(ID, db_sg, status)} if status else set())


@pytest.mark.parametrize(("listed", "missing", "status"), [
    (True, (), None),  # DescribeTask lists them: DataSync's, no client of the datasync endpoint
    (False, (), "fail"),  # the tasks collected, none lists them: ordinary clients
    (True, (Part.DATASYNC_TASKS,), "fail"),  # the tasks not collected: clients, as before
], ids=["listed by a task", "listed by none", "tasks not collected"])
def test_a_datasync_task_interface_is_judged_only_while_no_task_names_it(
        listed: bool, missing: tuple[Part, ...], status: str | None) -> None:
    """Four interfaces in a group that sends nothing out; a datasync endpoint in the VPC. They only
    answer the agent ("For data transfer from the DataSync VM to the AWS service")."""
    b, vpc, subnet = _vpc_beside_an_endpoint_subnet()
    task_sg = b.security_group(vpc, name="datasync-private", egress=[])
    enis = [b.workload(subnet, groups=[task_sg], requester_managed=True) for _ in range(4)]
    if listed:
        b.datasync_task("task-0a1b2c3d4e5f60718", destination=enis)
    assert _judged(b, vpc, "datasync", missing) == ({(ID, task_sg, status)} if status else set())
