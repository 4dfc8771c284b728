"""ECS on EC2 container instances in an isolated VPC (aws-samples/container-patterns, the ECS
Developer Guide's VPC endpoints page): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache
from ipaddress import ip_address, ip_network

import pytest
from aws_layout import audit, audit_result, severities
from layouts import ecs_ec2_private
from layouts.ecs_ec2_private import BASE_ENDPOINTS, ECS_ENDPOINTS, SUBNET_CIDRS

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Ids = dict[str, str]
INTERFACES = (*BASE_ENDPOINTS, "ssm", "ssmmessages", *ECS_ENDPOINTS)
# The policy-less Systems Manager endpoint: DescribeVpcEndpointServices says ssmmessages supports none.
NO_POLICY = frozenset({"ssmmessages"})
# The endpoints the container instance itself calls: the agent (ecs, ecs-agent, ecs-telemetry),
# image pulls (ecr.api, ecr.dkr), the awslogs driver (logs), secrets (secretsmanager, ssm).
INSTANCE_CALLS = ("logs", "ecr.api", "ecr.dkr", "secretsmanager", "ssm", "ecs-agent", "ecs-telemetry", "ecs")
PHASES = pytest.mark.parametrize(("instances", "tasks"), [(0, 0), (2, 0), (2, 2)],
                                 ids=["network stack alone", "instances registered", "service running"])


@cache
def _build(**variant: object) -> tuple[Snapshot, Ids]:
    """One snapshot per variant: the audits below read it several times."""
    return ecs_ec2_private.build(**variant)  # type: ignore[arg-type]


def _advice(ids: Ids) -> Triples:
    """Right, as advice. MON001: neither pattern creates a flow log. POL001 on the S3 gateway
    endpoint and every interface endpoint that takes a policy: the template sets no
    ``PolicyDocument``, so each keeps AWS's default full access (ssmmessages supports no endpoint
    policy and is rightly left out)."""
    keys = [key for key in ("s3", *INTERFACES) if key in ids and key not in NO_POLICY]
    return {("MON001", ids["vpc"], "fail")} | {("POL001", ids[key], "fail") for key in keys}


def _all_traffic_into_the_endpoints(ids: Ids) -> Triples:
    """Right (advice), medium: the shared PrivateLink group admits *all traffic* from itself, the
    service's group and the host group, and the endpoints behind it take TCP 443 only; the ECS
    guide's rule is "allow incoming connections on TCP port 443 from the private subnet of the
    VPC". The pattern chose -1 "to more easily grant ECS managed infrastructure permissions to
    utilize all of the endpoints". Its fix moves the endpoints to a group of their own (TCP 443 from
    the VPC), which keeps the instances and the tasks in (pinned below)."""
    return {("SG002", ids["shared_sg"], "fail")}


def _exec_optional_members(ids: Ids) -> Triples:
    """Right (advice), info: the ssmmessages endpoint (ECS Exec) triggers IFE003's Session Manager
    bundle, which lists ec2messages ("required only for SSM Agent older than 3.3.40.0") and kms
    ("needed when sessions are encrypted with a KMS key") as optional. ECS Exec needs neither,
    unless the cluster's ``executeCommandConfiguration`` names a KMS key — then, by the ECS Exec
    page, "you must create the interface Amazon VPC endpoint for AWS KMS". Info says exactly that."""
    return {("IFE003", ids["vpc"], "fail")}


def _canonical(ids: Ids) -> Triples:
    """Everything the published layout gets, in every phase and near miss."""
    return _advice(ids) | _all_traffic_into_the_endpoints(ids) | _exec_optional_members(ids)


def _ife003(snapshot: Snapshot) -> dict[str, str]:
    """IFE003's findings by discriminator and severity: its bundles all report on the VPC, so
    their triples coincide and only the discriminator tells them apart."""
    return {key[2]: level for key, level in severities(snapshot).items() if key[0] == "IFE003"}


EXEC_OPTIONAL = {"session-manager:optional": "info"}


def test_the_snapshot_is_the_template() -> None:
    """The builder against the two patterns: two private /18s in two AZs on one route table with no
    route beyond the VPC; nine interface endpoints in both subnets, private DNS on, in the shared
    group; the S3 gateway endpoint on the table; the shared group admitting all traffic from
    itself, the service's group and the host group. The interfaces as DescribeNetworkInterfaces
    reports them with ENI trunking: per instance its primary ``interface`` (host group, attached)
    and ECS's ``trunk`` (default group, described with the attachment's ARN, attached); per task a
    ``branch`` interface in the service's group, attached to no instance."""
    snapshot, ids = _build()
    region = snapshot.accounts[0].regions[0]
    (vpc,) = region.vpcs
    assert (vpc.cidr_blocks, vpc.enable_dns_support, vpc.enable_dns_hostnames) == (("10.0.0.0/16",), True, True)
    assert sorted((s.cidr_block, s.availability_zone_id) for s in region.subnets) \
        == [(SUBNET_CIDRS[0], "use1-az1"), (SUBNET_CIDRS[1], "use1-az2")]
    assert not region.internet_gateways and not region.nat_gateways
    table = next(t for t in region.route_tables if t.route_table_id == ids["route_table"])
    assert sorted(a.subnet_id for a in table.associations) == sorted((ids["subnet1"], ids["subnet2"]))
    assert [(x.destination, x.target_id) for x in table.routes if x.target_kind != "local"] \
        == [(next(p.prefix_list_id for p in region.prefix_lists if p.prefix_list_name.endswith(".s3")), ids["s3"])]
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    for key in INTERFACES:
        endpoint = endpoints[ids[key]]
        assert (endpoint.service_name, endpoint.private_dns_enabled, endpoint.group_ids) \
            == (f"com.amazonaws.us-east-1.{key}", True, (ids["shared_sg"],))
        assert sorted(endpoint.subnet_ids) == sorted((ids["subnet1"], ids["subnet2"]))
    shared = next(g for g in region.security_groups if g.group_id == ids["shared_sg"])
    assert sorted((x.ip_protocol, x.referenced_group_id) for x in shared.rules if not x.is_egress) \
        == sorted(("-1", ids[key]) for key in ("shared_sg", "task_sg", "host_sg"))
    enis = {e.network_interface_id: e for e in region.network_interfaces}
    for n in (0, 1):
        host, trunk, task = enis[ids[f"host{n}"]], enis[ids[f"trunk{n}"]], enis[ids[f"task{n}"]]
        assert (host.interface_type, host.requester_managed, host.description, host.group_ids, host.instance_id) \
            == ("interface", False, "", (ids["host_sg"],), ids[f"instance{n}"])
        assert (trunk.interface_type, trunk.group_ids, trunk.instance_id) \
            == ("trunk", (ids["default_sg"],), ids[f"instance{n}"])
        assert (task.interface_type, task.group_ids, task.instance_id, task.subnet_id) \
            == ("branch", (ids["task_sg"],), None, host.subnet_id)
        assert trunk.description.startswith("arn:aws:ecs:us-east-1:123456789012:attachment/")
        assert task.description.startswith("arn:aws:ecs:us-east-1:123456789012:attachment/")


def test_without_trunking_each_task_has_an_interface_of_its_own() -> None:
    """ENI trunking off: no trunk, and each task's interface is an ordinary ``interface`` attached
    to the instance that hosts it, requester-managed ("they cannot be detached manually or modified
    by your account")."""
    snapshot, ids = _build(trunking=False)
    enis = {e.network_interface_id: e for e in snapshot.accounts[0].regions[0].network_interfaces}
    assert not any(e.interface_type == "trunk" for e in enis.values())
    for n in (0, 1):
        task = enis[ids[f"task{n}"]]
        assert (task.interface_type, task.requester_managed, task.instance_id) \
            == ("interface", True, ids[f"instance{n}"])


@PHASES
@pytest.mark.parametrize("trunking", [True, False], ids=["ENI trunking", "no trunking"])
def test_findings_and_verdicts(instances: int, tasks: int, trunking: bool) -> None:
    """As published, before the cluster, with the instances registered and with the service
    running, trunk and branch interfaces or plain ones: POL001 × 9 and MON001 (advice), SG002 on
    the shared group (advice), IFE003 info (ECS Exec's optional members). Silent, rightly: SG003
    (the host and service groups are admitted), IFE001/IFE002 (every endpoint in both AZs),
    IFE003's ECR and ECS bundles (complete, the S3 route on the subnets' table), GWE001-GWE004,
    NAT and DNS rules."""
    snapshot, ids = _build(instances=instances, tasks=tasks, trunking=trunking)
    assert audit(snapshot) == _canonical(ids)
    assert severities(snapshot)[("SG002", ids["shared_sg"], "")] == "medium"
    assert _ife003(snapshot) == EXEC_OPTIONAL


def test_sg002s_fix_keeps_the_instances_and_the_tasks_in() -> None:
    """SG002's fix: a new group for the nine endpoints admitting TCP 443 from 10.0.0.0/16, which
    holds every instance's and task's address — right, and the ECS guide's own rule."""
    snapshot, ids = _build()
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "SG002")
    (authorize,) = [s for s in finding.fix if s.action == "ec2:AuthorizeSecurityGroupIngress"]
    assert authorize.parameters["IpPermissions"] == [
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}]
    moved = {s.parameters["VpcEndpointId"] for s in finding.fix if s.action == "ec2:ModifyVpcEndpoint"}
    assert moved == {ids[key] for key in INTERFACES}
    enis = {e.network_interface_id: e for e in snapshot.accounts[0].regions[0].network_interfaces}
    clients = [enis[ids[f"{role}{n}"]] for role in ("host", "task") for n in (0, 1)]
    assert all(ip_address(e.private_ip_addresses[0]) in ip_network("10.0.0.0/16") for e in clients)


def _telemetry_missing(level: str) -> dict[str, str]:
    """Right: the ECS guide's "Creating the VPC Endpoints for Amazon ECS" lists ecs-agent,
    ecs-telemetry and ecs for the EC2 launch type ("If you do not configure all of the endpoints,
    your traffic will go over the public endpoints", it adds for the newer Regions) — and these
    isolated subnets reach no public endpoint, so the agents' telemetry sessions (the metrics
    behind the services' CPU and memory utilization) fail on both instances' subnets. High where
    instances run, medium over the stand-in subnets before. Its triple is the info finding's
    (``_exec_optional_members``)."""
    return EXEC_OPTIONAL | {"ecs:required": level}


@pytest.mark.parametrize("tasks", [0, 2], ids=["instances registered", "service running"])
def test_near_miss_without_ecs_telemetry(tasks: int) -> None:
    snapshot, ids = _build(tasks=tasks, telemetry=False)
    assert "ecs-telemetry" not in ids
    assert audit(snapshot) == _canonical(ids)
    assert _ife003(snapshot) == _telemetry_missing("high")


def test_near_miss_without_ecs_telemetry_before_the_cluster() -> None:
    """No instance yet: IFE003 judges the private subnets as stand-in clients, medium at most
    ("nobody is broken until a workload runs there") — right by the catalogue."""
    snapshot, ids = _build(instances=0, tasks=0, telemetry=False)
    assert audit(snapshot) == _canonical(ids)
    assert _ife003(snapshot) == _telemetry_missing("medium")


def _instances_blocked(ids: Ids) -> Triples:
    """Right, high, on the eight endpoints the instances call: the shared group admits itself and
    the service's group, carried by no interface, while the instances (host group) and ECS's
    trunks are there. Every call times out: the agent cannot register (``ecs``) or poll
    (``ecs-agent``), images are not pulled (``ecr.api``, ``ecr.dkr``), the awslogs driver and the
    secrets the agent injects (``secretsmanager``, ``ssm`` Parameter Store) fail with them."""
    return {("SG003", ids[key], "fail") for key in INSTANCE_CALLS}


def _exec_endpoint_unreachable(ids: Ids) -> Triples:
    """Right by the catalogue, high, on ssmmessages: ECS Exec calls it from the tasks alone, whose
    group is admitted, but no task can start while the instances stay unregistered, and SG003
    cannot tell which workloads call a service (every workload may)."""
    return {("SG003", ids["ssmmessages"], "fail")}


def test_near_miss_host_group_not_admitted_instances_never_register() -> None:
    """The shared group given only the service's group, as ``private-service.yml`` does for its
    Fargate service: the instances stay unregistered (no trunk, no task)."""
    snapshot, ids = _build(host_admitted=False, registered=False, tasks=0)
    assert audit(snapshot) == _canonical(ids) | _instances_blocked(ids) | _exec_endpoint_unreachable(ids)
    assert _ife003(snapshot) == EXEC_OPTIONAL
    assert {level for key, level in severities(snapshot).items() if key[0] == "SG003"} == {"high"}


@pytest.mark.parametrize("trunking", [True, False], ids=["ENI trunking", "no trunking"])
def test_near_miss_host_group_not_admitted_with_tasks_running(trunking: bool) -> None:
    """The host group's rule gone while the service runs (a stack update replacing the shared
    group's rules): the agents lose ECS, image pulls and awslogs on both instances. Right, SG006
    medium on the six endpoints the instances call for their tasks (ecs, ecs-agent,
    ecs-telemetry, ecr.api, ecr.dkr, logs), naming the instances' own interfaces. This was a
    gap: SG003 fires only when no client at all is admitted, and the tasks' group is. The
    snapshot says which interfaces are container instances' — the own interface of an instance
    that also holds one described ``arn:aws:ecs:…:attachment/…`` — and SG006 now asks whether
    those endpoints admit them."""
    snapshot, ids = _build(host_admitted=False, trunking=trunking)
    stranded = {("SG006", ids[key], "fail") for key in ("ecs", "ecs-agent", "ecs-telemetry", "ecr.api", "ecr.dkr",
                                                       "logs")}
    assert audit(snapshot) == _canonical(ids) | stranded
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "SG006")
    assert finding.evidence["stranded_enis"] == sorted([ids["host0"], ids["host1"]])


@PHASES
def test_near_miss_without_the_s3_gateway_endpoint(instances: int, tasks: int) -> None:
    """ECR without the S3 gateway endpoint: IFE003, right — "A gateway endpoint for Amazon S3 is
    required for all Amazon ECS tasks to pull private images from Amazon ECR because Amazon ECR
    uses Amazon S3 to store Docker image layers" (the ECR guide): the instances' Docker daemons get
    the manifests through ecr.dkr and time out on the layers. High
    once instances run, medium over the stand-in subnets before (the catalogue's fallback). Its
    triple is the info finding's; GWE002 rightly stays silent (no NAT gateway pays for S3)."""
    snapshot, ids = _build(instances=instances, tasks=tasks, s3_gateway=False)
    assert "s3" not in ids
    assert audit(snapshot) == _canonical(ids)
    assert _ife003(snapshot) == EXEC_OPTIONAL | {"ecr:required": "high" if instances else "medium"}


def _one_az(ids: Ids) -> Triples:
    """Right, medium, per interface endpoint: IFE001 (interfaces in use1-az1 only, in a VPC of two
    AZs) and IFE002 (the instance, its trunk and its task in use1-az2 cross AZs to reach it, and
    lose every ECS, ECR and Logs endpoint with use1-az1)."""
    return {(rule, ids[key], "fail") for key in INTERFACES for rule in ("IFE001", "IFE002")}


def test_near_miss_interface_endpoints_in_one_az() -> None:
    snapshot, ids = _build(endpoint_azs=1)
    assert audit(snapshot) == _canonical(ids) | _one_az(ids)
    assert _ife003(snapshot) == EXEC_OPTIONAL
    assert {level for key, level in severities(snapshot).items() if key[0] in ("IFE001", "IFE002")} == {"medium"}


def test_ecs_exec_with_ssmmessages_alone() -> None:
    """The ECS Exec page's endpoint (ssmmessages) without ssm: the same triples less ssm's POL001;
    the high IFE003 below is rule wrong."""
    snapshot, ids = _build(exec_endpoints=("ssmmessages",))
    assert audit(snapshot) == _canonical(ids)


def test_ecs_exec_with_ssmmessages_alone_is_not_broken() -> None:
    """Rule wrong, fixed: IFE003 reported Session Manager "missing ssm … the feature is broken there", high.
    ECS Exec's agent runs in the task with the task role, and the ECS Exec page gives that role
    ``ssmmessages:CreateControlChannel``, ``CreateDataChannel``, ``OpenControlChannel`` and
    ``OpenDataChannel`` only — any ``ssm:`` call would be denied — and asks for "the interface
    Amazon VPC endpoints for Systems Manager Session Manager" (the current page: ssmmessages). In
    a VPC that runs ECS tasks the missing ssm is at most the info finding's business: it now is,
    beside the optional ec2messages and kms."""
    snapshot, _ = _build(exec_endpoints=("ssmmessages",))
    assert _ife003(snapshot) == EXEC_OPTIONAL
    (finding,) = [f for f in audit_result(snapshot).findings if f.discriminator == "session-manager:optional"]
    assert finding.evidence["missing"] == ["ec2messages", "kms", "ssm"]
    assert "ssm: needed only if EC2 instances of this VPC are managed by Systems Manager" in finding.message


def test_default_group_emptied_with_trunking() -> None:
    """The VPC's default group stripped of its rules (Security Hub EC2.2) while ECS puts each
    instance's trunk interface in it: SG005, medium, on the default group, naming the two trunks as
    clients cut off from the nine endpoints and proposing TCP 443 egress on the default group. No
    verdict, pinned: AWS documents neither the trunk's groups (the default group is what a public
    DescribeInstances dump shows) nor whether the trunk's own address originates anything — the
    tasks' traffic leaves through their branch interfaces, in the service's group. Without
    trunking nothing fires (see "Noticed and left alone")."""
    snapshot, ids = _build(default_group_emptied=True)
    assert audit(snapshot) == _canonical(ids) | {("SG005", ids["default_sg"], "fail")}
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "SG005")
    assert ids["trunk0"] in finding.message and ids["trunk1"] in finding.message
    untrunked, plain_ids = _build(default_group_emptied=True, trunking=False)
    assert audit(untrunked) == _canonical(plain_ids)
