"""SG005 client-egress-blocks-endpoint."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

import pytest
from builders import REGION, RegionBuilder, Rule
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


@pytest.mark.parametrize("part", [Part.SECURITY_GROUPS, Part.NETWORK_INTERFACES, Part.PREFIX_LISTS])
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
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16")
    subnet = b.subnet(vpc, "10.0.1.0/24", az=1)
    endpoint_subnet = b.subnet(vpc, ENDPOINT_SUBNET, az=2)
    endpoint_sg = b.security_group(vpc, name="endpoint", ingress=[("tcp", 443, 443, "10.0.0.0/16")])
    db = b.security_group(vpc, name="db", egress=[("tcp", 3306, 3306, "10.0.0.0/16")])
    b.workload(subnet, groups=[db], **DB_INSTANCE)  # type: ignore[arg-type]
    b.interface_endpoint(vpc, key, subnets=[endpoint_subnet], groups=[endpoint_sg])
    assert triples(rule, b.snapshot()) == ({(ID, db, status)} if status else set())


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


@pytest.mark.parametrize(("routing", "missing", "status"), [
    (True, (), "fail"),  # enhanced VPC routing: its federated queries' secrets go through the endpoint
    (False, (), None),  # off: "Amazon Redshift routes traffic through the internet"
    (False, (Part.REDSHIFT_CLUSTERS,), "fail"),  # the clusters not collected: a client, as before
], ids=["routing on", "routing off", "clusters not collected"])
def test_a_redshift_node_is_judged_only_when_its_cluster_routes_through_the_vpc(
        routing: bool, missing: tuple[Part, ...], status: str | None) -> None:
    """The node's group sends nothing out; a secretsmanager endpoint in the VPC."""
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16")
    subnet = b.subnet(vpc, "10.0.1.0/24", az=1)
    endpoint_subnet = b.subnet(vpc, ENDPOINT_SUBNET, az=2)
    endpoint_sg = b.security_group(vpc, name="endpoint", ingress=[("tcp", 443, 443, "10.0.0.0/16")])
    cluster_sg = b.security_group(vpc, name="warehouse", egress=[])
    node = b.workload(subnet, groups=[cluster_sg], **REDSHIFT_NODE)  # type: ignore[arg-type]
    b.redshift_cluster("warehouse", vpc, enhanced_vpc_routing=routing, groups=[cluster_sg], nodes=[node])
    b.interface_endpoint(vpc, "secretsmanager", subnets=[endpoint_subnet], groups=[endpoint_sg])
    assert triples(rule, b.snapshot(missing=missing)) == ({(ID, cluster_sg, status)} if status else set())
