"""AWS Batch on managed EC2 compute environments in private subnets (terraform-aws-batch
``examples/ec2`` and its form without NAT): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

import pytest
from aws_layout import audit, audit_result, severities
from layouts import batch_ec2_private
from layouts.batch_ec2_private import EXAMPLE_SERVICES, PRIVATE_SERVICES

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Ids = dict[str, str]
# With and without the multi-node parallel job: only its awsvpc task interfaces (described with an
# ECS attachment ARN, attached to an instance) tell the snapshot which instances are ECS's.
MNP = pytest.mark.parametrize("mnp_nodes", [0, 2], ids=["host-mode jobs only", "MNP job running"])
# The endpoints the container instances call for their jobs: the agent, image pulls, awslogs.
INSTANCE_CALLS = ("ecs", "ecs-agent", "ecs-telemetry", "ecr.api", "ecr.dkr", "logs")


@cache
def _build(**options: object) -> tuple[Snapshot, Ids]:
    """One snapshot per variant: the audits below read it several times."""
    return batch_ec2_private.build(**options)  # type: ignore[arg-type]


def _private(**options: object) -> tuple[Snapshot, Ids]:
    return _build(nat=False, **options)


def _advice(ids: Ids, keys: tuple[str, ...]) -> Triples:
    """Right (advice), medium: AWS's default full-access policy on every endpoint the submodule
    creates (it sets none; every service here takes a policy), and no flow log."""
    return {*(("POL001", ids[key], "fail") for key in keys if key in ids), ("MON001", ids["vpc"], "fail")}


def _example_advice(ids: Ids) -> Triples:
    """Right (advice): ``single_nat_gateway`` — NAT002 on the second and third AZs' private subnets
    and NAT003 (one triple, an AZ each: use1-az2, use1-az4), the example's saving; GWE003, low
    (DynamoDB would leave through the NAT gateway, no gateway endpoint); IFE003, info — the job
    definition's ``awslogs`` driver with no ``logs`` endpoint, its logs paid through NAT."""
    return {("NAT002", ids["private2"], "fail"), ("NAT002", ids["private3"], "fail"), ("NAT003", ids["vpc"], "fail"),
            ("GWE003", ids["vpc"], "fail"), ("IFE003", ids["vpc"], "fail")}


def _instances_send_nothing(ids: Ids) -> Triples:
    """Right, medium: SG005 on the endpoints' group. Both managed environments put their instances
    in ``module.vpc_endpoints.security_group_id``, whose only rule is 443 in (Terraform revokes
    AWS's default egress rule, the submodule adds none), so the instances reach neither the
    endpoints nor the NAT gateway: the agent never registers and no job leaves RUNNABLE. With
    ``min_vcpus = 4`` the instances run before any job, so it fires in every phase. The Batch
    guide's endpoint rule is about the endpoint's group; the instances need an outbound rule of
    their own."""
    return {("SG005", ids["endpoint_sg"], "fail")}


def _interfaces(snapshot: Snapshot) -> dict[str, r.NetworkInterface]:
    return {e.network_interface_id: e for e in snapshot.accounts[0].regions[0].network_interfaces}


def test_the_snapshot_is_the_example() -> None:
    """The builder against the example: three AZs, /20 private and /24 public subnets, one NAT
    gateway, one private table; ecr.api, ecr.dkr, ecs and ssm in the private subnets behind a group
    admitting 443 from the VPC with no egress; two instances per managed environment in that
    group; each MNP node an ``interface`` on its on-demand instance, requester-managed, described
    with the ECS attachment's ARN, in the host's subnet and groups."""
    snapshot, ids = _build()
    region = snapshot.accounts[0].regions[0]
    assert sorted(s.cidr_block for s in region.subnets) == [
        "10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20", "10.0.48.0/24", "10.0.49.0/24", "10.0.50.0/24"]
    private = next(t for t in region.route_tables if t.route_table_id == ids["private_rt"])
    assert ("0.0.0.0/0", ids["nat"]) in [(x.destination, x.target_id) for x in private.routes]
    group = next(g for g in region.security_groups if g.group_id == ids["endpoint_sg"])
    assert [(x.is_egress, x.ip_protocol, x.from_port, x.cidr_ipv4) for x in group.rules] \
        == [(False, "tcp", 443, "10.0.0.0/16")]
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    for key in EXAMPLE_SERVICES:
        endpoint = endpoints[ids[key]]
        assert (endpoint.service_name, endpoint.private_dns_enabled, endpoint.group_ids) \
            == (f"com.amazonaws.us-east-1.{key}", True, (ids["endpoint_sg"],))
        assert sorted(endpoint.subnet_ids) == sorted(ids[f"private{k}"] for k in (1, 2, 3))
    enis = _interfaces(snapshot)
    for env in ("ec2", "ec2-spot"):
        for k in (0, 1):
            host = enis[ids[f"{env}_host{k}"]]
            assert (host.interface_type, host.requester_managed, host.description, host.group_ids,
                    host.instance_id, host.public_ip_addresses) \
                == ("interface", False, "", (ids["endpoint_sg"],), ids[f"{env}_instance{k}"], ())
    for k in (0, 1):
        node, host = enis[ids[f"node{k}"]], enis[ids[f"ec2_host{k}"]]
        assert (node.interface_type, node.requester_managed, node.instance_id, node.subnet_id, node.group_ids) \
            == ("interface", True, host.instance_id, host.subnet_id, host.group_ids)
        assert node.description.startswith("arn:aws:ecs:us-east-1:123456789012:attachment/")


@MNP
def test_findings_and_verdicts_of_the_example(mnp_nodes: int) -> None:
    """The example as published: POL001 × 5 and MON001, the single NAT gateway's advice, GWE003,
    IFE003 info, SG005. With the MNP job running, the container instances start IFE003's ECS
    bundle: ``ecs:required``, medium — right (advice), a gap closed: the example's ``ecs`` endpoint
    without ``ecs-agent`` and ``ecs-telemetry`` sends the agents' sessions through the NAT gateway.
    With host-mode jobs only, nothing marks the instances as ECS's and it stays silent."""
    snapshot, ids = _build(mnp_nodes=mnp_nodes)
    keys = ("s3", *EXAMPLE_SERVICES)
    assert audit(snapshot) == _advice(ids, keys) | _example_advice(ids) | _instances_send_nothing(ids)
    levels = severities(snapshot)
    assert (levels[("SG005", ids["endpoint_sg"], "")], levels[("GWE003", ids["vpc"], "")],
            levels[("IFE003", ids["vpc"], "ecr:optional")]) == ("medium", "low", "info")
    assert levels.get(("IFE003", ids["vpc"], "ecs:required")) == ("medium" if mnp_nodes else None)


def test_sg005_names_every_instance() -> None:
    """SG005's finding names the four instances' own interfaces (and the MNP nodes, which carry the
    same group)."""
    snapshot, ids = _build()
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "SG005"]
    named = {ids[f"{env}_host{k}"] for env in ("ec2", "ec2-spot") for k in (0, 1)}
    assert all(eni in finding.message or eni in str(finding.evidence) for eni in named)


@MNP
def test_findings_and_verdicts_of_the_private_form(mnp_nodes: int) -> None:
    """No NAT; ecr.api, ecr.dkr, ecs, ecs-agent, ecs-telemetry, logs, ssm and the S3 gateway
    endpoint; each environment its own group sending all traffic: POL001 × 8 and MON001 only.
    Silent, rightly: SG003/SG005/SG006 (443 from the VPC's block, the instances send everything),
    IFE001/IFE002 (three AZs), IFE003 (the ECR and ECS bundles complete, the S3 route on the
    private table), GWE001, NAT and DNS rules."""
    snapshot, ids = _private(mnp_nodes=mnp_nodes)
    assert audit(snapshot) == _advice(ids, ("s3", *PRIVATE_SERVICES))


@MNP
def test_near_miss_without_ecs_agent(mnp_nodes: int) -> None:
    """ecs-agent left out: IFE003 on the VPC, high — right. The ECS guide lists ecs-agent,
    ecs-telemetry and ecs for container instances; the agent registers through ``ecs`` and then
    opens its session for task assignments with the ecs-agent service, which from isolated
    subnets it cannot reach: every job stays RUNNABLE. The bundle is started by ecs-telemetry,
    whether or not the instances are recognisable."""
    snapshot, ids = _private(mnp_nodes=mnp_nodes, leave_out=("ecs-agent",))
    assert audit(snapshot) == _advice(ids, ("s3", *PRIVATE_SERVICES)) | {("IFE003", ids["vpc"], "fail")}
    assert severities(snapshot)[("IFE003", ids["vpc"], "ecs:required")] == "high"


@MNP
def test_near_miss_with_the_examples_ecs_endpoint_only(mnp_nodes: int) -> None:
    """The example's own list (``ecs`` alone of the three) in the private form: the agents reach
    neither ecs-agent nor ecs-telemetry and no job runs. With the MNP job running, the snapshot
    shows container instances (instances holding an ECS attachment), which now start IFE003's ECS
    bundle as workloads, as canaries start theirs: right, high, ``ecs:required`` naming
    ecs-agent and ecs-telemetry (was a gap, closed). With host-mode jobs only, a gap, pinned:
    nothing in EC2's records says the instances are ECS's, and ``ecs`` alone is also what a Fargate
    VPC holds (the Batch guide's Fargate example), so nothing fires."""
    snapshot, ids = _private(mnp_nodes=mnp_nodes, leave_out=("ecs-agent", "ecs-telemetry"))
    ecs_bundle = {("IFE003", ids["vpc"], "fail")} if mnp_nodes else set()
    assert audit(snapshot) == _advice(ids, ("s3", *PRIVATE_SERVICES)) | ecs_bundle
    if mnp_nodes:
        assert severities(snapshot)[("IFE003", ids["vpc"], "ecs:required")] == "high"
        (finding,) = [f for f in audit_result(snapshot).findings if f.discriminator == "ecs:required"]
        assert "ecs-agent" in finding.message and "ecs-telemetry" in finding.message
    else:
        assert not any(key[0] == "IFE003" for key in severities(snapshot))


def _on_demand_stranded(ids: Ids) -> Triples:
    """Right, medium: SG006 on the six endpoints the container instances call for their jobs,
    naming the on-demand instances' own interfaces — the endpoints' group admits the Spot
    environment's group only, and the agent, image pulls and awslogs driver of ``a_ec2`` (where
    the MNP job runs) send from the instances. ssm is rightly not among them (SG006 leaves a
    group rule's choice alone for services the tasks and instances need not call)."""
    return {("SG006", ids[key], "fail") for key in INSTANCE_CALLS}


def test_near_miss_endpoints_admit_the_spot_environment_only() -> None:
    snapshot, ids = _private(endpoint_source="spot")
    assert audit(snapshot) == _advice(ids, ("s3", *PRIVATE_SERVICES)) | _on_demand_stranded(ids)
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "SG006")
    assert finding.evidence["stranded_enis"] == sorted([ids["ec2_host0"], ids["ec2_host1"]])
    assert {level for key, level in severities(snapshot).items() if key[0] == "SG006"} == {"medium"}


@pytest.mark.parametrize(("source", "mnp_nodes"), [("ec2", 2), ("ec2", 0), ("spot", 0)],
                         ids=["the MNP job's group, MNP running", "the on-demand group", "the Spot group"])
def test_near_miss_endpoints_admit_one_environment_silently(source: str, mnp_nodes: int) -> None:
    """A gap, pinned. The endpoints admitting one environment's group: the other environment's
    instances register with nothing and pull nothing, yet nothing fires. In Batch the ECS-on-EC2
    split of a task's group from its host's cannot happen — an MNP node's interface carries "the
    security groups specified in your compute environment" — so admitting the awsvpc job's group
    admits its hosts; the instances left out are the other environment's, which run host-mode
    jobs only, have no ECS attachment, and are not known as container instances (SG006 sees
    workloads in a group the rule chose to leave out). SG003 is rightly silent: some clients get
    in."""
    snapshot, ids = _private(endpoint_source=source, mnp_nodes=mnp_nodes)
    assert audit(snapshot) == _advice(ids, ("s3", *PRIVATE_SERVICES))


@MNP
def test_near_miss_without_the_s3_gateway_endpoint(mnp_nodes: int) -> None:
    """No S3 gateway endpoint: IFE003 on the VPC, high — right: "A gateway endpoint for Amazon S3
    is required for all Amazon ECS tasks to pull private images from Amazon ECR" (ECR guide), the
    layers being served from S3; the instances' Docker daemons get the manifests through ecr.dkr
    and time out on the layers (``CannotPullContainerError``). The clients are the instances'
    own interfaces (the image pullers), in isolated subnets. GWE001/GWE002 rightly silent (no NAT
    pays for S3)."""
    snapshot, ids = _private(mnp_nodes=mnp_nodes, s3_gateway=False)
    assert "s3" not in ids
    assert audit(snapshot) == _advice(ids, PRIVATE_SERVICES) | {("IFE003", ids["vpc"], "fail")}
    assert severities(snapshot)[("IFE003", ids["vpc"], "ecr:required")] == "high"
