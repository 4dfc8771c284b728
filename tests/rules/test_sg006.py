"""SG006 endpoint-sg-strands-vpc-clients: workloads of the endpoint's own VPC its groups leave out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import pytest
from builders import RegionBuilder
from rulecheck import findings, fix_of, triples

from vpcaudit.rules.sg.sg006_endpoint_sg_strands_vpc_clients import endpoint_sg_strands_vpc_clients as rule


def _secondary_block_vpc(sources: Iterable[str], *, key: str = "ssm",
                         inbound_only: bool | None = None) -> tuple[RegionBuilder, str, str, list[str]]:
    """A VPC with a secondary CIDR block, workloads in both blocks, a ``key`` (ssm) endpoint in the
    primary block's subnets admitting TCP 443 from ``sources``. Returns builder, endpoint, VPC, the
    secondary block's workload ENIs."""
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16", extra_cidrs=["10.1.0.0/16"])
    app = b.security_group(vpc, name="app")
    primary = [b.subnet(vpc, f"10.0.{az}.0/24", az=az) for az in (1, 2)]
    secondary = [b.subnet(vpc, f"10.1.{az}.0/24", az=az) for az in (1, 2)]
    enis = [b.workload(s, groups=[app]) for s in (*primary, *secondary)]
    group = b.security_group(vpc, name="endpoint", ingress=[("tcp", 443, 443, c) for c in sources])
    endpoint = b.interface_endpoint(vpc, key, subnets=primary, groups=[group], inbound_only=inbound_only)
    return b, endpoint, vpc, enis[2:]


def test_a_rule_for_the_primary_cidr_block_strands_clients_in_a_secondary_block() -> None:
    """The group admits "the VPC CIDR" written as its primary block (terraform-aws-vpc's
    ``vpc_cidr_block`` output is that block alone): the workloads in the secondary block time out
    on the endpoint, and with private DNS on they have no other way to the service. Medium: the
    primary block's clients get in."""
    b, endpoint, _, stranded = _secondary_block_vpc(["10.0.0.0/16"])
    [finding] = findings(rule, b.snapshot())
    assert (finding.resource.resource_id, finding.severity.value) == (endpoint, "medium")
    assert "10.1.0.0/16" in finding.message and all(eni in finding.message for eni in stranded)
    [(action, parameters, _, _)] = fix_of(rule, b.snapshot(), endpoint)
    assert action == "ec2:AuthorizeSecurityGroupIngress"
    assert parameters["IpPermissions"][0]["IpRanges"] == [{"CidrIp": "10.1.0.0/16"}]


@pytest.mark.parametrize(("inbound_only", "stranded"), [(True, False), (False, True)],
                         ids=["private DNS for inbound Resolver endpoints only", "private DNS for all resolvers"])
def test_an_s3_endpoint_answering_inbound_resolvers_only_strands_no_block(inbound_only: bool, stranded: bool) -> None:
    """The primary block admitted, the secondary left out: with S3's private DNS for inbound Resolver
    endpoints only, no workload of either block resolves S3 to the endpoint (the VPC's calls take
    the gateway endpoint), so none is stranded; with it for all resolvers, the secondary block is."""
    b, endpoint, _, _ = _secondary_block_vpc(["10.0.0.0/16"], key="s3", inbound_only=inbound_only)
    assert triples(rule, b.snapshot()) == ({("SG006", endpoint, "fail")} if stranded else set())


@pytest.mark.parametrize("sources", [["10.0.0.0/16", "10.1.0.0/16"], ["10.0.0.0/15"], ["10.0.0.0/16", "10.1.1.0/24",
                                                                                    "10.1.2.0/24"]])
def test_every_block_admitted_is_no_finding(sources: list[str]) -> None:
    """Both blocks, a supernet of both, or the secondary block's client subnets: nobody is stranded."""
    b, _, _, _ = _secondary_block_vpc(sources)
    assert triples(rule, b.snapshot()) == set()


def test_a_rule_naming_subnets_is_a_choice_not_a_slip() -> None:
    """Only the primary block's first subnet admitted: a deliberate least-privilege source, which
    SG006 does not second-guess (only a rule naming a whole VPC CIDR block reads as "the VPC")."""
    b, _, _, _ = _secondary_block_vpc(["10.0.1.0/24"])
    assert triples(rule, b.snapshot()) == set()


def test_an_endpoint_admitting_no_client_is_sg003s_alone() -> None:
    """Nothing admitted at all (the group has no rule on 443): SG003 fires high, SG006 stays out."""
    from vpcaudit.rules.sg.sg003_endpoint_sg_blocks_clients import endpoint_sg_blocks_clients

    b, endpoint, _, _ = _secondary_block_vpc([])
    assert triples(rule, b.snapshot()) == set()
    assert triples(endpoint_sg_blocks_clients, b.snapshot()) == {("SG003", endpoint, "fail")}


def _hybrid(*, private_dns: bool = True, inbound_only: bool | None = None, routed: bool = True,
            app_rule: bool = False) -> tuple[RegionBuilder, str, list[str]]:
    """An ssm endpoint built for on-premises clients: its group admits 443 from 192.168.0.0/16,
    which the endpoint subnets route to a virtual private gateway; two instances in the VPC."""
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16")
    app = b.security_group(vpc, name="app")
    subnets = [b.subnet(vpc, f"10.0.{az}.0/24", az=az) for az in (1, 2)]
    b.route_table(vpc, subnets=subnets, routes={"192.168.0.0/16": "vgw-0123"} if routed else {})
    enis = [b.workload(s, groups=[app]) for s in subnets]
    sources = [("tcp", 443, 443, "192.168.0.0/16"), *([("tcp", 443, 443, app)] if app_rule else [])]
    group = b.security_group(vpc, name="endpoint", ingress=sources)
    endpoint = b.interface_endpoint(vpc, "ssm", subnets=subnets, groups=[group], private_dns=private_dns,
                                    inbound_only=inbound_only)
    return b, endpoint, enis


def test_only_remote_clients_admitted_while_private_dns_answers_the_vpc() -> None:
    """The VPC's own workloads resolve the service to the endpoint and are refused."""
    b, endpoint, enis = _hybrid()
    [finding] = findings(rule, b.snapshot())
    assert (finding.resource.resource_id, finding.severity.value) == (endpoint, "medium")
    assert "only from networks beyond the VPC (192.168.0.0/16)" in finding.message
    assert all(eni in finding.message for eni in enis)
    [(action, parameters, _, _)] = fix_of(rule, b.snapshot(), endpoint)
    assert action == "ec2:AuthorizeSecurityGroupIngress"
    assert parameters["IpPermissions"][0]["IpRanges"] == [{"CidrIp": "10.0.0.0/16"}]


@pytest.mark.parametrize("options", [dict(private_dns=False), dict(inbound_only=True)],
                         ids=["private DNS off", "private DNS for inbound Resolver endpoints only"])
def test_remote_clients_only_is_fine_when_the_vpc_does_not_resolve_to_the_endpoint(options: dict[str, bool]) -> None:
    b, _, _ = _hybrid(**options)
    assert triples(rule, b.snapshot()) == set()


def test_a_remote_range_nobody_routes_to_is_sg003s() -> None:
    """What the group admits reaches no client at all: SG003 fires, SG006 stays out."""
    from vpcaudit.rules.sg.sg003_endpoint_sg_blocks_clients import endpoint_sg_blocks_clients

    b, endpoint, _ = _hybrid(routed=False)
    assert triples(rule, b.snapshot()) == set()
    assert triples(endpoint_sg_blocks_clients, b.snapshot()) == {("SG003", endpoint, "fail")}


def test_a_vpc_client_group_admitted_beside_the_remote_range_is_a_choice() -> None:
    b, _, _ = _hybrid(app_rule=True)
    assert triples(rule, b.snapshot()) == set()


@pytest.mark.parametrize(("peer_vpc", "fires"), [(True, True), (False, False)],
                         ids=["a peered VPC's group", "a group of the VPC without members"])
def test_only_a_group_of_another_vpc_admitted_strands_the_vpc(peer_vpc: bool, fires: bool) -> None:
    """The endpoint's group admits 443 only from a group of a peered VPC: its members are all in
    that VPC, so none of this VPC's workloads get in while private DNS sends them to the endpoint.
    The same rule naming a group of the endpoint's own VPC (here without members) is a choice."""
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16")
    subnets = [b.subnet(vpc, f"10.0.{az}.0/24", az=az) for az in (1, 2)]
    b.route_table(vpc, subnets=subnets, routes={"10.1.0.0/16": "pcx-0123"})
    app = b.security_group(vpc, name="app")
    enis = [b.workload(s, groups=[app]) for s in subnets]
    other = b.security_group(b.vpc("10.1.0.0/16") if peer_vpc else vpc, name="peer-app")
    group = b.security_group(vpc, name="endpoint", ingress=[("tcp", 443, 443, other)])
    endpoint = b.interface_endpoint(vpc, "ssm", subnets=subnets, groups=[group])
    found = findings(rule, b.snapshot())
    assert [f.resource.resource_id for f in found] == ([endpoint] if fires else [])
    if fires:
        assert f"only from networks beyond the VPC (security group {other} of " in found[0].message
        assert all(eni in found[0].message for eni in enis)


V6 = "2600:1f18:aaaa:bb00::/56"


def _ipv6_only_clients(sources: Iterable[str], *, ip_address_type: str = "dualstack",
                       dns_record_ip_type: str = "dualstack", private_dns: bool = True,
                       dual_stack_clients: bool = True) -> tuple[RegionBuilder, str, list[str]]:
    """A dual-stack VPC: the endpoint (``ip_address_type``) in its dual-stack subnets, a workload
    there (if ``dual_stack_clients``) and one in an IPv6-only subnet, the endpoint's group
    admitting 443 from ``sources``. Returns builder, endpoint, the IPv6-only workload's ENI."""
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16", ipv6_cidrs=[V6])
    app = b.security_group(vpc, name="app")
    dual = [b.subnet(vpc, f"10.0.{az}.0/24", az=az, ipv6_cidrs=[f"2600:1f18:aaaa:bb0{az}::/64"]) for az in (1, 2)]
    only6 = b.subnet(vpc, "10.0.9.0/24", az=1, ipv6_cidrs=["2600:1f18:aaaa:bb09::/64"])
    b.subnets[only6] = replace(b.subnets[only6], cidr_block=None, ipv6_native=True)
    if dual_stack_clients:
        eni = b.workload(dual[0], groups=[app])
        b.enis[eni] = replace(b.enis[eni], ipv6_addresses=("2600:1f18:aaaa:bb01::10",))
    stranded = b.workload(only6, groups=[app])
    b.enis[stranded] = replace(b.enis[stranded], private_ip_addresses=(), ipv6_addresses=("2600:1f18:aaaa:bb09::10",))
    group = b.security_group(vpc, name="endpoint", ingress=[("tcp", 443, 443, c) for c in sources])
    endpoint = b.interface_endpoint(vpc, "kms", subnets=dual, groups=[group], private_dns=private_dns)
    b.endpoints[endpoint] = replace(b.endpoints[endpoint], ip_address_type=ip_address_type,
                                    dns_record_ip_type=dns_record_ip_type)
    return b, endpoint, [stranded]


def test_ipv4_sources_alone_strand_the_ipv6_only_clients_of_a_dual_stack_endpoint() -> None:
    """The group admits the VPC's IPv4 block (the usual "VPC CIDR"); the endpoint also has IPv6
    addresses and its private DNS answers AAAA, so a workload of an IPv6-only subnet connects
    over IPv6 and times out, and a dual-stack one tries IPv6 first (it prefers the AAAA answer)
    and waits out a connect timeout before IPv4 gets it in: both named, medium, not SG003."""
    b, endpoint, stranded = _ipv6_only_clients(["10.0.0.0/16"])
    [finding] = findings(rule, b.snapshot())
    assert finding.resource.resource_id == endpoint
    assert "from IPv4 sources only (10.0.0.0/16)" in finding.message and stranded[0] in finding.message
    assert len(finding.evidence["stranded_enis"]) == 2
    [(action, parameters, _, _)] = fix_of(rule, b.snapshot(), endpoint)
    assert (action, parameters["IpPermissions"][0]["Ipv6Ranges"]) == (
        "ec2:AuthorizeSecurityGroupIngress", [{"CidrIpv6": V6}])


@pytest.mark.parametrize("case", [
    {"sources": ["10.0.0.0/16", V6]},  # both families admitted
    {"sources": ["10.0.0.0/16"], "ip_address_type": "ipv4", "dns_record_ip_type": "ipv4"},  # no IPv6 address
    {"sources": ["10.0.0.0/16"], "dns_record_ip_type": "ipv4"},  # private DNS answers A records only
    {"sources": ["10.0.0.0/16"], "private_dns": False},  # the VPC does not resolve to the endpoint
    {"sources": ["10.0.0.0/16"], "dual_stack_clients": False},  # nobody gets in: SG003's, not this rule's
], ids=["both-families", "ipv4-endpoint", "a-records-only", "private-dns-off", "no-client-admitted"])
def test_ipv6_only_clients_near_misses(case: dict[str, object]) -> None:
    sources = case.pop("sources")
    b, _, _ = _ipv6_only_clients(sources, **case)  # type: ignore[arg-type]
    assert triples(rule, b.snapshot()) == set()


# A DB instance's ENI as DescribeNetworkInterfaces reports it (RDS, Aurora).
DB_INSTANCE = {"requester_managed": True, "requester_id": "amazon-rds", "description": "RDSNetworkInterface"}


@pytest.mark.parametrize(("key", "stranded"), [("ssm", False), ("secretsmanager", False), ("s3", True)])
def test_a_db_instance_left_out_is_stranded_only_from_services_its_engine_calls(key: str, stranded: bool) -> None:
    """The secondary block's workloads are DB instances, the group admits the primary block: the
    DB instances lose nothing on an ssm or secretsmanager endpoint, but S3's strands them."""
    b, endpoint, _, secondary = _secondary_block_vpc(["10.0.0.0/16"])
    for eni in secondary:
        b.enis[eni] = replace(b.enis[eni], **DB_INSTANCE)  # type: ignore[arg-type]
    if key != "ssm":
        b.service(key)
        b.endpoints[endpoint] = replace(b.endpoints[endpoint], service_name=f"com.amazonaws.us-east-1.{key}")
    assert triples(rule, b.snapshot()) == ({("SG006", endpoint, "fail")} if stranded else set())


# -- ECS container instances left out ---------------------------------------------------------------

ECS_TASK = "arn:aws:ecs:us-east-1:123456789012:attachment/0f2e4c6a-8b1d-4e3f-9a5c-7d6b8e9f0a{:02d}"


def _ecs_on_ec2(service: str, admitted: Iterable[str]) -> tuple[RegionBuilder, str, dict[str, str]]:
    """A container instance (its own interface in the host group, an awsvpc task's interface in
    the task group attached to it) and an endpoint for ``service`` admitting the ``admitted`` roles."""
    b = RegionBuilder()
    vpc = b.vpc()
    subnet = b.subnet(vpc, "10.0.1.0/24")
    roles = {"host": b.security_group(vpc, name="host"), "task": b.security_group(vpc, name="task")}
    host = b.workload(subnet, groups=[roles["host"]])
    b.enis[host] = replace(b.enis[host], instance_id="i-0123456789abcdef0")
    task = b.workload(subnet, groups=[roles["task"]], requester_managed=True, description=ECS_TASK.format(1))
    b.enis[task] = replace(b.enis[task], instance_id="i-0123456789abcdef0")
    group = b.security_group(vpc, name="endpoint", ingress=[("tcp", 443, 443, roles[r]) for r in admitted])
    endpoint = b.interface_endpoint(vpc, service, subnets=[subnet], groups=[group])
    return b, endpoint, {"host": host, "task": task}


@pytest.mark.parametrize("service", ["ecs-agent", "ecs-telemetry", "ecs", "ecr.api", "ecr.dkr", "logs"])
def test_an_endpoint_the_agent_calls_admitting_only_the_tasks_strands_the_container_instance(service: str) -> None:
    """On the EC2 launch type the agent, image pulls and awslogs send from the instance's own
    interface: admitting the tasks' group alone leaves the instance unable to register or pull."""
    b, endpoint, enis = _ecs_on_ec2(service, ["task"])
    [finding] = findings(rule, b.snapshot())
    assert finding.resource.resource_id == endpoint
    assert finding.evidence["stranded_enis"] == [enis["host"]]
    assert "not from the ECS container instances" in finding.message


def test_other_services_and_admitted_instances_are_no_finding() -> None:
    """A service the instance does not call for its tasks (sts: the tasks' own SDK calls) is the
    tasks' business; an instance admitted is not stranded."""
    b, _, _ = _ecs_on_ec2("sts", ["task"])
    assert triples(rule, b.snapshot()) == set()
    b, _, _ = _ecs_on_ec2("ecr.dkr", ["task", "host"])
    assert triples(rule, b.snapshot()) == set()


def test_an_instance_without_ecs_interfaces_is_not_a_container_instance() -> None:
    b, _, enis = _ecs_on_ec2("ecr.dkr", ["task"])
    b.enis[enis["task"]] = replace(b.enis[enis["task"]], description="")
    assert triples(rule, b.snapshot()) == set()


# -- pods and tasks left out on admitted hosts --------------------------------------------------------

def _eks_node(service: str, pod_description: str = "aws-K8S-i-0123456789abcdef0") -> tuple[RegionBuilder, str, str]:
    """A node (its primary interface in the node group, admitted on 443) and a pod interface on it
    (the VPC CNI's secondary interface, in a group of the pods' own), an endpoint for ``service``."""
    b = RegionBuilder()
    vpc = b.vpc()
    subnet = b.subnet(vpc, "10.0.1.0/24")
    nodes, pods = b.security_group(vpc, name="nodes"), b.security_group(vpc, name="pods")
    node = b.workload(subnet, groups=[nodes])
    pod = b.workload(subnet, groups=[pods], description=pod_description)
    for eni in (node, pod):
        b.enis[eni] = replace(b.enis[eni], instance_id="i-0123456789abcdef0")
    group = b.security_group(vpc, name="endpoint", ingress=[("tcp", 443, 443, nodes)])
    return b, b.interface_endpoint(vpc, service, subnets=[subnet], groups=[group]), pod


@pytest.mark.parametrize("service", ["sts", "ec2", "kms", "secretsmanager", "logs"])
def test_pods_in_a_group_of_their_own_on_admitted_nodes_are_stranded(service: str) -> None:
    b, endpoint, pod = _eks_node(service)
    [finding] = findings(rule, b.snapshot())
    assert (finding.resource.resource_id, finding.evidence["stranded_enis"]) == (endpoint, [pod])
    assert "not from the pods' and tasks' own interfaces" in finding.message


@pytest.mark.parametrize("service", ["ecr.api", "ecr.dkr", "ssm", "ssmmessages", "ec2messages", "ecs-agent"])
def test_what_only_the_host_calls_for_its_pods_is_no_finding(service: str) -> None:
    b, _, _ = _eks_node(service)
    assert triples(rule, b.snapshot()) == set()


def test_an_ordinary_second_interface_of_an_instance_is_not_a_pod() -> None:
    b, _, _ = _eks_node("sts", pod_description="")
    assert triples(rule, b.snapshot()) == set()


def test_dual_stack_clients_admitted_by_their_group_are_not_stranded() -> None:
    """A group source admits both families: the dual-stack clients carrying it get in over IPv6."""
    b, endpoint, _ = _ipv6_only_clients(["10.0.0.0/16"], dual_stack_clients=True)
    app = next(g for g in b.groups.values() if g.group_name == "app").group_id
    group = b.endpoints[endpoint].group_ids[0]
    b.authorize(group, ingress=[("tcp", 443, 443, app)])
    assert triples(rule, b.snapshot()) == set()


# -- Fargate tasks left out ---------------------------------------------------------------------------


def _fargate(service: str, *, egress: str | None = None) -> tuple[RegionBuilder, str, dict[str, str]]:
    """Two Fargate tasks (ECS attachment interfaces on no instance, no public address) in isolated
    subnets, or in subnets routed to a NAT gateway (``egress="nat"``) or an internet gateway
    (``"igw"``), each in a group of its own, and an endpoint for ``service`` admitting the first
    task's group only."""
    b = RegionBuilder()
    vpc = b.vpc()
    subnets = [b.subnet(vpc, "10.0.1.0/24", az=1), b.subnet(vpc, "10.0.2.0/24", az=2)]
    if egress == "nat":
        nat = b.nat(b.subnet(vpc, "10.0.0.0/24", az=1), vpc_id=vpc)
        b.route_table(vpc, subnets=subnets, routes={"0.0.0.0/0": nat})
    elif egress == "igw":
        b.route_table(vpc, subnets=subnets, routes={"0.0.0.0/0": b.igw(vpc)})
    roles = {"jobs": b.security_group(vpc, name="jobs"), "spot": b.security_group(vpc, name="spot")}
    enis = {role: b.workload(subnets[i], groups=[roles[role]], requester_managed=True, description=ECS_TASK.format(i))
            for i, role in enumerate(roles)}
    group = b.security_group(vpc, name="endpoint", ingress=[("tcp", 443, 443, roles["jobs"])])
    endpoint = b.interface_endpoint(vpc, service, subnets=subnets, groups=[group])
    return b, endpoint, enis


@pytest.mark.parametrize("service", ["ecr.api", "ecr.dkr"])
def test_fargate_tasks_an_ecr_endpoint_leaves_out_in_isolated_subnets_are_stranded(service: str) -> None:
    """A Fargate task pulls its image from its own interface, and without internet egress ECR
    through this endpoint is its only registry: the tasks of the group left out never start."""
    b, endpoint, enis = _fargate(service)
    [finding] = findings(rule, b.snapshot())
    assert finding.resource.resource_id == endpoint
    assert finding.evidence["stranded_enis"] == [enis["spot"]]
    assert "not from others in subnets without internet egress" in finding.message


def test_fargate_tasks_left_out_with_internet_egress_or_by_another_service_are_no_finding() -> None:
    """With a NAT gateway the tasks left out may pull from another registry; a service a task
    does not need to start (logs, sts) is its own SDK's business."""
    b, _, _ = _fargate("ecr.dkr", egress="nat")
    assert triples(rule, b.snapshot()) == set()
    for service in ("logs", "sts"):
        b, _, _ = _fargate(service)
        assert triples(rule, b.snapshot()) == set()


def test_fargate_tasks_left_out_in_a_public_subnet_without_a_public_address_are_stranded() -> None:
    """``assignPublicIp`` DISABLED in a public subnet: the internet gateway carries IPv4 only for
    an interface with a public IPv4 address, so the task left out has no other registry. With a
    public address (or one not recorded) it may pull from elsewhere, and is not second-guessed."""
    b, endpoint, enis = _fargate("ecr.dkr", egress="igw")
    [finding] = findings(rule, b.snapshot())
    assert (finding.resource.resource_id, finding.evidence["stranded_enis"]) == (endpoint, [enis["spot"]])
    for addresses in (("203.0.113.10",), None):
        b.enis[enis["spot"]] = replace(b.enis[enis["spot"]], public_ip_addresses=addresses)
        assert triples(rule, b.snapshot()) == set()


def test_an_endpoint_admitting_no_fargate_task_is_not_second_guessed() -> None:
    """The admitted group's interface is no ECS task: the rule was not written for the tasks."""
    b, _, enis = _fargate("ecr.dkr")
    b.enis[enis["jobs"]] = replace(b.enis[enis["jobs"]], description="")
    assert triples(rule, b.snapshot()) == set()
