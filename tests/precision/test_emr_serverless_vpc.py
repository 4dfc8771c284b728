"""An Amazon EMR Serverless Spark application with VPC access (the EMR Serverless User Guide's
"Configuring VPC access" and terraform-aws-emr ``examples/serverless-cluster``): every finding
and its verdict (docs/precision.md)."""

from __future__ import annotations

import json
from functools import cache

import pytest
from aws_layout import audit, audit_result, region_view, replacement_policy, severities
from layouts import emr_serverless_vpc
from layouts.emr_serverless_vpc import ACCOUNT, APPLICATION, REGION
from policy_eval import allows

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import RegionSnapshot, Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
WORKERS = pytest.mark.parametrize("workers", [4, 0], ids=["started", "created"])
NATS = pytest.mark.parametrize("nat", [True, False], ids=["nat", "endpoint-only"])
NO_PATH_TO_S3 = {"nat": False}
NO_EGRESS = {"worker_egress": "none"}
ONE_AZ = {"application_azs": (1,)}
THIS_ACCOUNT = {"aws:PrincipalAccount": ACCOUNT}
APP_UI_BUCKET = f"prod.{REGION}.appinfo.src"  # the AppInfo bucket EMR Serverless's managed logging writes to


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return emr_serverless_vpc.build(**options)  # type: ignore[arg-type]


def _region(snapshot: Snapshot) -> RegionSnapshot:
    return snapshot.accounts[0].regions[0]


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: neither the example nor the guide creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _s3_through_nat(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the workers' S3 traffic — the job's script, its data, its S3 logs —
    goes through the NAT gateway and pays its processing. The guide says so itself: in a private
    subnet "we suggest that you also set up VPC endpoints for Amazon S3", or incur "additional NAT
    gateway charges that are associated with S3 traffic". The example leaves it out."""
    return {("GWE002", ids["vpc"], "fail")}


def _dynamodb_through_nat(ids: dict[str, str]) -> Triples:
    """Right (advice), low: any DynamoDB traffic — the guide's own example of "other AWS services
    outside the VPC" — goes through the NAT gateway too."""
    return {("GWE003", ids["vpc"], "fail")}


def _single_nat_gateway(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: ``single_nat_gateway`` puts one NAT gateway in eu-west-1a behind the
    one private table of three AZs: NAT002 on the private subnets of b and c, NAT003 once per AZ
    without one (two discriminators, one triple). The workers (in b here) cross AZs to reach S3,
    and if eu-west-1a fails, jobs EMR Serverless retries in b or c — the guide's reason for
    "multiple subnets across multiple Availability Zones" — lose their way out. The example chose
    one NAT gateway for cost."""
    return {("NAT002", ids["private2"], "fail"), ("NAT002", ids["private3"], "fail"),
            ("NAT003", ids["vpc"], "fail")}


def _default_s3_policy(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the S3 gateway endpoint keeps AWS's full-access policy; the guide
    allows a custom one as long as it keeps EMR Serverless's managed logging (see the fix test)."""
    return {("POL001", ids["s3"], "fail")}


def _baseline(ids: dict[str, str]) -> Triples:
    return _flow_logs(ids) | _s3_through_nat(ids) | _dynamodb_through_nat(ids) | _single_nat_gateway(ids)


def _workers(snapshot: Snapshot, ids: dict[str, str]) -> list[r.NetworkInterface]:
    """The workers' interfaces, in the order of their ids' keys."""
    enis = {e.network_interface_id: e for e in _region(snapshot).network_interfaces}
    return [enis[ids[key]] for key in sorted(ids) if key.startswith("worker") and key != "worker_sg"]


def test_the_snapshot_is_the_example() -> None:
    """The builder against the example: three AZs, public /24s on the internet gateway, one NAT
    gateway in the first, one private table for the three private /24s to it, no endpoint; the
    application's group named after it with Terraform's description, no ingress, and the module's
    one all-traffic egress rule (EMR Serverless refuses a group with ports open to 0.0.0.0/0;
    egress to it is what the guide's own example keeps)."""
    snapshot, ids = _built()
    region = _region(snapshot)
    (vpc,) = region.vpcs
    assert (vpc.cidr_blocks, vpc.enable_dns_support, vpc.enable_dns_hostnames) == (("10.0.0.0/16",), True, True)
    assert sorted((s.cidr_block, s.availability_zone_id) for s in region.subnets) == [
        ("10.0.0.0/24", "euw1-az1"), ("10.0.1.0/24", "euw1-az2"), ("10.0.10.0/24", "euw1-az1"),
        ("10.0.11.0/24", "euw1-az2"), ("10.0.12.0/24", "euw1-az3"), ("10.0.2.0/24", "euw1-az3")]
    tables = {t.route_table_id: t for t in region.route_tables}
    private = tables[ids["private_rt"]]
    assert sorted(a.subnet_id for a in private.associations) == sorted(ids[f"private{k}"] for k in (1, 2, 3))
    assert [(x.destination, x.target_id) for x in private.routes if x.target_kind != "local"] \
        == [("0.0.0.0/0", ids["nat"])]
    (nat,) = region.nat_gateways
    assert nat.subnet_id == ids["public1"]
    assert not region.vpc_endpoints
    group = next(g for g in region.security_groups if g.group_id == ids["worker_sg"])
    assert (group.group_name.startswith(f"{APPLICATION}-"), group.description) == (True, "Managed by Terraform")
    assert [(x.is_egress, x.ip_protocol, x.cidr_ipv4) for x in group.rules] == [(True, "-1", "0.0.0.0/0")]


def test_the_worker_interfaces_as_describe_network_interfaces_reports_them() -> None:
    """Four workers (2 drivers, 2 executors of the initial capacity), one interface each, all in the
    subnet of one job (``private2``), in the application's group, typed ``interface``, not
    requester-managed, no description, on no instance (assumed, module docstring). Workloads, and
    rightly: unlike the interfaces other services put in a VPC to reach a target (IoT's rule
    engine) or to be reached (brokers, mount targets, endpoints), a worker runs the job's code,
    which calls S3, the Glue Data Catalog, CloudWatch Logs and the VPC's data stores itself — the
    guide's "Workers can connect to the data stores within your VPC through outbound traffic"."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    workers = _workers(snapshot, ids)
    assert len(workers) == 4
    assert {(e.subnet_id, e.interface_type, e.requester_managed, e.requester_id, e.description, e.group_ids,
             e.instance_id) for e in workers} \
        == {(ids["private2"], "interface", False, None, "", (ids["worker_sg"],), None)}
    assert sorted(e.network_interface_id for e in view.workload_enis(ids["vpc"])) \
        == sorted(e.network_interface_id for e in workers)


@WORKERS
def test_findings_and_verdicts(workers: int) -> None:
    """The example as published: MON001, GWE002 (medium), GWE003 (low), NAT002 ×2, NAT003 — with
    the application started or not (the private subnets stand in for the workers they are there
    for). Silent, rightly: NAT001 (the NAT gateway is in a public subnet), NAT004/NAT005, every
    endpoint, policy and DNS rule (no endpoint; DNS support and hostnames on), SG005 (the workers
    may send anything), ACL001, RT001 (no blackhole)."""
    snapshot, ids = _built(workers=workers)
    assert audit(snapshot) == _baseline(ids)
    levels = severities(snapshot)
    assert (levels[("GWE002", ids["vpc"], "")], levels[("GWE003", ids["vpc"], "")]) == ("medium", "low")
    assert {levels[("NAT003", ids["vpc"], az)] for az in ("euw1-az2", "euw1-az3")} == {"medium"}


def test_the_other_reading_of_the_worker_interfaces() -> None:
    """The workers' interfaces read as requester-managed by EMR Serverless (RequesterId assumed):
    still workloads, and the audit is the same. The verdicts do not hang on the undocumented field."""
    snapshot, ids = _built(eni_reading="service")
    view = region_view(snapshot)
    workers = _workers(snapshot, ids)
    assert {e.requester_managed for e in workers} == {True}
    assert all(view.is_workload(e) for e in workers)
    assert audit(snapshot) == _baseline(ids)


@NATS
def test_findings_of_the_guides_s3_endpoint(nat: bool) -> None:
    """The guide's suggestion, an S3 gateway endpoint on the private table: GWE002 goes, POL001
    comes (medium). With the NAT gateway the rest stays; without it (the guide's "configure either a
    NAT Gateway or a VPC endpoint" for S3, no internet) only MON001 and POL001 remain — right: the
    NAT rules have no NAT gateway to judge, and nothing in the VPC calls DynamoDB's public
    addresses."""
    snapshot, ids = _built(s3_endpoint=True, nat=nat)
    expected = _baseline(ids) - _s3_through_nat(ids) if nat else _flow_logs(ids)
    assert audit(snapshot) == expected | _default_s3_policy(ids)
    assert severities(snapshot)[("POL001", ids["s3"], "")] == "medium"


def test_pol001s_s3_fix_leaves_managed_logging_to_the_decision() -> None:
    """POL001's replacement keeps this account's calls — the job runtime role reading the script
    and data, writing S3 logs — and waits for a decision that names EMR's application-UI bucket,
    ``prod.<region>.appinfo.src``: right. EMR Serverless's managed logging, on by default, writes
    there as the service principal ``emr-serverless.amazonaws.com``, and the guide's logging page
    gives the statement to add (``s3:PutObject``/``s3:PutObjectAcl`` on the AppInfo bucket,
    ``aws:PrincipalServiceName`` and ``aws:SourceVpc``). The decision's wording names EMR clusters
    only (see "Noticed and left alone")."""
    snapshot, ids = _built(s3_endpoint=True)
    document = replacement_policy(snapshot, "POL001", ids["s3"])
    assert allows(document, "s3:GetObject", "arn:aws:s3:::jobs-bucket/scripts/etl.py", THIS_ACCOUNT)
    assert allows(document, "s3:PutObject", "arn:aws:s3:::jobs-bucket/logs/applications/00f/jobs/00g/stdout.gz",
                  THIS_ACCOUNT)
    assert APP_UI_BUCKET not in json.dumps(json.loads(document))
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "POL001")
    decision = "".join(step.decision or "" for step in finding.fix)
    assert "prod.<region>.appinfo.src" in decision and not any(step.ready for step in finding.fix)


@WORKERS
def test_near_miss_no_path_to_s3_goes_unreported(workers: int) -> None:
    """No NAT gateway and no S3 endpoint: the private table keeps the local route alone, so no job
    can read its entry point or data in S3 (the guide: "For Amazon S3 connectivity, configure
    either a NAT Gateway or a VPC endpoint"). A gap, pinned: only MON001. GWE001 judges a gateway
    endpoint's missing routes, and there is none; GWE002/GWE003 count NAT-routed subnets; and
    nothing in the snapshot says these workloads are EMR Serverless workers, which always need S3
    — an isolated tier may be isolated on purpose."""
    snapshot, ids = _built(workers=workers, **NO_PATH_TO_S3)
    assert audit(snapshot) == _flow_logs(ids)
    private = next(t for t in _region(snapshot).route_tables if t.route_table_id == ids["private_rt"])
    assert [x.target_kind for x in private.routes] == ["local"]


def test_near_miss_group_without_egress_behind_nat_goes_unreported() -> None:
    """The application's group with no egress rule (``security_group_egress_rules = {}``), NAT form:
    the workers reach neither S3 nor any data store, and every job fails. A gap, pinned: the audit
    is the example's. SG005 judges egress towards VPC endpoints only; no rule judges a workload's
    egress towards a NAT gateway (as on the CodeBuild layout)."""
    snapshot, ids = _built(**NO_EGRESS)
    assert audit(snapshot) == _baseline(ids)
    group = next(g for g in _region(snapshot).security_groups if g.group_id == ids["worker_sg"])
    assert not group.rules


def test_near_miss_group_without_egress_with_the_s3_endpoint() -> None:
    """The same group beside the guide's S3 gateway endpoint: SG005 on the group, medium — right: a
    gateway endpoint is still reached at S3's public addresses, which the group must let out, and
    the workers send nothing. Its fix, TCP 443 to the S3 prefix list, is ready and is the least
    the jobs need (their other destinations are the owner's to add)."""
    snapshot, ids = _built(s3_endpoint=True, **NO_EGRESS)
    sg005 = {("SG005", ids["worker_sg"], "fail")}
    assert audit(snapshot) == _baseline(ids) - _s3_through_nat(ids) | _default_s3_policy(ids) | sg005
    assert severities(snapshot)[("SG005", ids["worker_sg"], "")] == "medium"
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "SG005")
    ((permission,),) = [step.parameters["IpPermissions"] for step in finding.fix]
    assert (permission["IpProtocol"], permission["FromPort"], permission["ToPort"]) == ("tcp", 443, 443)
    prefix_list = next(p.prefix_list_id for p in _region(snapshot).prefix_lists
                       if p.prefix_list_name == f"com.amazonaws.{REGION}.s3")
    assert permission["PrefixListIds"] == [{"PrefixListId": prefix_list}]


def test_near_miss_application_in_one_az_goes_unreported() -> None:
    """The application given only the private subnet of eu-west-1a: EMR Serverless can neither
    retry a job nor place pre-initialized capacity in another AZ when that one fails (the guide's
    subnet-planning advice). A gap, pinned: the audit is the example's. The snapshot holds no EMR
    Serverless application, so its ``NetworkConfiguration.subnetIds`` is unknown; and its workers sit
    in one subnet either way ("a job runs only in one subnet"), so their interfaces cannot tell the
    forms apart. A finding would be resilience advice at most."""
    snapshot, ids = _built(**ONE_AZ)
    assert audit(snapshot) == _baseline(ids)
    assert {e.subnet_id for e in _workers(snapshot, ids)} == {ids["private1"]}
    canonical, canonical_ids = _built()
    assert len({e.availability_zone_id for e in _workers(canonical, canonical_ids)}) == 1
