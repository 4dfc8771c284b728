"""AWS Batch Fargate jobs in private subnets (terraform-aws-batch ``examples/fargate`` and its form
without NAT): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

import pytest
from aws_layout import audit, severities
from layouts import batch_fargate_private

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
JOBS = pytest.mark.parametrize("jobs", [0, 2], ids=["before any job", "jobs running"])


@cache
def _build(**options: object) -> tuple[Snapshot, dict[str, str]]:
    return batch_fargate_private.build(**options)  # type: ignore[arg-type]


def _private(**options: object) -> tuple[Snapshot, dict[str, str]]:
    return _build(nat=False, **options)


def _advice(ids: dict[str, str], keys: tuple[str, ...]) -> Triples:
    """Right (advice), medium: AWS's default full-access policy on every endpoint (the submodule
    sets none), and no flow log."""
    return {*(("POL001", ids[key], "fail") for key in keys), ("MON001", ids["vpc"], "fail")}


def _single_nat(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: ``single_nat_gateway`` — the private subnets of the second and third
    AZ send through the first AZ's NAT gateway (NAT002 × 2, cross-AZ charges and an AZ's outage
    taking all three down; NAT003, one finding for the VPC). The example's choice to save cost."""
    return {("NAT002", ids["private2"], "fail"), ("NAT002", ids["private3"], "fail"), ("NAT003", ids["vpc"], "fail")}


def _example_advice(ids: dict[str, str]) -> Triples:
    """Right (advice): DynamoDB through the NAT gateway (GWE003, low: no DynamoDB endpoint); the
    jobs' ``awslogs`` driver with no ``logs`` endpoint (IFE003, info: with the NAT gateway the logs
    leave that way, paid per GB)."""
    return {("GWE003", ids["vpc"], "fail"), ("IFE003", ids["vpc"], "fail")}


EXAMPLE_ENDPOINTS = ("ecr.api", "ecr.dkr", "ecs", "s3")
PRIVATE_ENDPOINTS = ("ecr.api", "ecr.dkr", "ecs", "logs", "s3")


def test_the_snapshot_is_the_example() -> None:
    """The builder against the example: three AZs, /20 private and /24 public subnets, one NAT
    gateway, one private table; the endpoints in the private subnets behind a group admitting 443
    from the VPC with no egress; the jobs' interfaces Fargate tasks' carrying that group."""
    snapshot, ids = _build()
    region = snapshot.accounts[0].regions[0]
    assert sorted(s.cidr_block for s in region.subnets) == [
        "10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20", "10.0.48.0/24", "10.0.49.0/24", "10.0.50.0/24"]
    tables = {t.route_table_id: t for t in region.route_tables}
    private = tables[ids["private_rt"]]
    assert sorted(a.subnet_id for a in private.associations) == sorted(ids[f"private{k}"] for k in (1, 2, 3))
    assert ("0.0.0.0/0", ids["nat"]) in [(x.destination, x.target_id) for x in private.routes]
    group = next(g for g in region.security_groups if g.group_id == ids["endpoint_sg"])
    assert [(x.is_egress, x.ip_protocol, x.from_port, x.cidr_ipv4) for x in group.rules] \
        == [(False, "tcp", 443, "10.0.0.0/16")]
    jobs = [e for e in region.network_interfaces if e.network_interface_id in (ids["job1"], ids["job2"])]
    assert {(e.requester_managed, e.group_ids, e.description.split("/")[0]) for e in jobs} \
        == {(True, (ids["endpoint_sg"],), "arn:aws:ecs:us-east-1:123456789012:attachment")}


@JOBS
def test_findings_and_verdicts_of_the_example(jobs: int) -> None:
    """The example as published. With jobs running, SG005 on the endpoints' group, medium: the
    jobs carry it and it has no egress rule (Terraform revokes AWS's default one), so a job reaches
    neither the endpoints nor the NAT gateway — right (see the next test). Before any job: silent on
    the group, rightly (no interface carries it yet)."""
    snapshot, ids = _build(jobs=jobs)
    expected = _advice(ids, EXAMPLE_ENDPOINTS) | _single_nat(ids) | _example_advice(ids)
    if jobs:
        expected.add(("SG005", ids["endpoint_sg"], "fail"))
    assert audit(snapshot) == expected
    levels = severities(snapshot)
    assert (levels[("GWE003", ids["vpc"], "")], levels[("IFE003", ids["vpc"], "ecr:optional")]) == ("low", "info")


def test_sg005_on_the_example_is_medium() -> None:
    """SG005, medium: right. ECS's "Migrating to Linux platform version 1.4.0": "all network traffic
    flows through that ENI within your VPC", and the task ENI's group "needs the security group
    rules to allow traffic between the task and the VPC endpoints"; AWS's knowledge-center article
    on jobs stuck in RUNNABLE asks for an all-traffic outbound rule on each compute environment's
    group."""
    snapshot, ids = _build()
    assert severities(snapshot)[("SG005", ids["endpoint_sg"], "")] == "medium"


@JOBS
def test_findings_and_verdicts_of_the_private_form(jobs: int) -> None:
    """No NAT; ecr.api, ecr.dkr, ecs, logs and the S3 gateway endpoint; each compute environment
    its own group sending all traffic: POL001 × 5 and MON001 only. Silent, rightly: SG003/SG005
    (443 from the VPC's block, the jobs' groups send everything), IFE001/IFE002 (three AZs),
    IFE003 (the ECR bundle complete, logs there), GWE001 (the private table carries S3's prefix
    list), NAT and DNS rules."""
    snapshot, ids = _private(jobs=jobs)
    assert audit(snapshot) == _advice(ids, PRIVATE_ENDPOINTS)


@JOBS
def test_near_miss_s3_endpoint_on_the_public_table(jobs: int) -> None:
    """``route_table_ids = module.vpc.public_route_table_ids``: GWE001 on the three private subnets
    (medium) and IFE003 (high: the jobs' subnets are isolated, image layers cannot be downloaded) —
    right: ``CannotPullContainerError``. Before any job the private subnets stand in; IFE003 is
    then medium at most."""
    snapshot, ids = _private(jobs=jobs, s3_tables="public")
    gwe001 = {("GWE001", ids[f"private{k}"], "fail") for k in (1, 2, 3)}
    assert audit(snapshot) == _advice(ids, PRIVATE_ENDPOINTS) | gwe001 | {("IFE003", ids["vpc"], "fail")}
    assert severities(snapshot)[("IFE003", ids["vpc"], "ecr:required")] == ("high" if jobs else "medium")


def test_near_miss_endpoints_admit_the_fargate_environment_only() -> None:
    """The endpoints' group admitting 443 from ``batch-fargate`` alone while the Spot environment's
    jobs carry ``batch-fargate-spot``: the Spot jobs reach neither ecr.api nor ecr.dkr, and with no
    NAT they have no other way to their image: SG006 on both ECR endpoints. SG003 is rightly silent
    (some jobs get in). Rule wrong, fixed: SG006 did not second-guess rules naming groups; it now
    strands Fargate tasks an ECR endpoint leaves out in subnets without internet egress."""
    snapshot, ids = _private(endpoint_source="fargate")
    stranded = {("SG006", ids[key], "fail") for key in ("ecr.api", "ecr.dkr")}
    assert audit(snapshot) == _advice(ids, PRIVATE_ENDPOINTS) | stranded


def test_near_miss_without_ecr_dkr() -> None:
    """ecr.dkr left out: every job's pull fails (the ECR guide: Fargate platform 1.4.0 or later
    needs both ECR endpoints and the S3 gateway endpoint): IFE003 on the VPC, high (the jobs'
    subnets are isolated). Rule wrong, fixed: the bundle was triggered by ecr.dkr alone; ecr.api
    in a VPC that runs ECS triggers it too."""
    snapshot, ids = _private(ecr_dkr=False)
    keys = ("ecr.api", "ecs", "logs", "s3")
    assert audit(snapshot) == _advice(ids, keys) | {("IFE003", ids["vpc"], "fail")}


def test_near_miss_jobs_in_the_public_subnets() -> None:
    """Both environments given the public subnets, ``assignPublicIp`` left ``DISABLED``: IFE003,
    high — S3 is not routed to the endpoint there, and the jobs' interfaces have no public address,
    so the internet gateway does not carry their IPv4 traffic ("To enable communication over the
    internet for IPv4, your instance must have a public IPv4 address", VPC User Guide): every pull
    fails. Gap closed: the snapshot records each interface's public addresses, and IFE003 reads a
    public subnet whose client interfaces all have none as isolated (it said medium, "calls to the
    missing services silently leave the VPC that way (igw)")."""
    snapshot, ids = _private(job_subnets="public")
    assert audit(snapshot) == _advice(ids, PRIVATE_ENDPOINTS) | {("IFE003", ids["vpc"], "fail")}
    assert severities(snapshot)[("IFE003", ids["vpc"], "ecr:required")] == "high"
