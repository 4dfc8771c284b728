"""AWS CodeBuild projects running builds in a VPC (the CodeBuild User Guide's VPC pages and its
CloudFormation VPC template): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

import json

import pytest
from aws_layout import audit, region_view, replacement_policy, severities
from layouts import codebuild_vpc
from layouts.codebuild_vpc import ACCOUNT, POSTGRES_PORT, PROJECT, REGION
from policy_eval import allows

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
BUILDS = pytest.mark.parametrize("build", [False, True], ids=["between builds", "with a build running"])
THIS_ACCOUNT = {"aws:PrincipalAccount": ACCOUNT}
# A bucket of this account holding the project's source and artifacts (assumed name).
ARTIFACTS = "arn:aws:s3:::integration-tests-artifacts-123456789012"
# The bucket a build's environment names in CODEBUILD_ACTION_RUNNER_URL (seen in a public dump of a
# build's environment, ap-southeast-1; not in AWS's documentation), here for us-east-1.
RUNNER_BUCKET = "arn:aws:s3:::codefactory-us-east-1-prod-default-build-agent-executor"


def _flow_log(ids: dict[str, str]) -> Triples:
    """Right, medium: neither the template nor the endpoints page creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _nat_processing(ids: dict[str, str]) -> Triples:
    """Right (advice), medium and low: the private subnets' S3 traffic (the build's source and
    artifacts) and DynamoDB traffic leave through the NAT gateways and pay their processing; the
    guide asks for the NAT gateway but names no gateway endpoint, which is free. Fired between
    builds as well: the private subnets stand in for the builds they are there for."""
    return {("GWE002", ids["vpc"], "fail"), ("GWE003", ids["vpc"], "fail")}


def _default_endpoint_policies(ids: dict[str, str], keys: tuple[str, ...] = ("codebuild", "logs", "s3")) -> Triples:
    """Right (advice), medium: each endpoint keeps AWS's default full access; the guide gives an
    example policy for the codebuild endpoint ("Create a VPC endpoint policy for CodeBuild")."""
    return {("POL001", ids[key], "fail") for key in keys}


def _fix_policy(snapshot: Snapshot, rule_id: str, resource_id: str) -> dict[str, object]:
    return json.loads(replacement_policy(snapshot, rule_id, resource_id))


def test_the_snapshot_is_the_template() -> None:
    """The builder against the template: two AZs, public subnets on the internet gateway, a NAT
    gateway in each and the private subnets each on its AZ's, DNS support and hostnames on,
    ``no-ingress-sg`` with no ingress and AWS's default egress; the build's interface a workload."""
    snapshot, ids = codebuild_vpc.build()
    region = snapshot.accounts[0].regions[0]
    (vpc,) = region.vpcs
    assert (vpc.cidr_blocks, vpc.enable_dns_support, vpc.enable_dns_hostnames) == (("10.192.0.0/16",), True, True)
    assert sorted((s.cidr_block, s.availability_zone_id, s.map_public_ip_on_launch) for s in region.subnets) == [
        ("10.192.10.0/24", "use1-az1", True), ("10.192.11.0/24", "use1-az2", True),
        ("10.192.20.0/24", "use1-az1", False), ("10.192.21.0/24", "use1-az2", False)]
    tables = {t.route_table_id: t for t in region.route_tables}
    for az in (1, 2):
        table = tables[ids[f"private_rt{az}"]]
        assert [a.subnet_id for a in table.associations] == [ids[f"private{az}"]]
        assert [(x.destination, x.target_id) for x in table.routes if x.target_kind != "local"] \
            == [("0.0.0.0/0", ids[f"nat{az}"])]
        nat = next(n for n in region.nat_gateways if n.nat_gateway_id == ids[f"nat{az}"])
        assert nat.subnet_id == ids[f"public{az}"]
    assert [(x.destination, x.target_id) for x in tables[ids["public_rt"]].routes if x.target_kind != "local"] \
        == [("0.0.0.0/0", ids["igw"])]
    group = next(g for g in region.security_groups if g.group_id == ids["project_sg"])
    assert group.group_name == "no-ingress-sg"
    assert [(x.is_egress, x.ip_protocol, x.cidr_ipv4) for x in group.rules] == [(True, "-1", "0.0.0.0/0")]
    assert not region.vpc_endpoints
    view = region_view(snapshot)
    eni = view.interfaces[ids["build_eni"]]
    assert (eni.interface_type, eni.requester_managed, eni.requester_id, eni.description, eni.group_ids) \
        == ("interface", False, None, "", (ids["project_sg"],))
    assert view.workload_enis(ids["vpc"]) == (eni,)


@BUILDS
def test_findings_and_verdicts_of_the_template(build: bool) -> None:
    """The guide's NAT form: MON001, GWE002 (medium), GWE003 (low), between builds and with one.
    Silent, rightly: NAT001-NAT003 (a NAT gateway per AZ, in public subnets), GWE001/GWE004 (no
    gateway or S3 interface endpoint), every endpoint rule (no endpoint), DNS001/DNS002, ACL001."""
    snapshot, ids = codebuild_vpc.build(build=build)
    assert audit(snapshot) == _flow_log(ids) | _nat_processing(ids)
    levels = severities(snapshot)
    assert (levels[("GWE002", ids["vpc"], "")], levels[("GWE003", ids["vpc"], "")]) == ("medium", "low")


@BUILDS
def test_findings_and_verdicts_of_the_endpoint_form(build: bool) -> None:
    """No NAT; codebuild and logs interface endpoints, the S3 gateway endpoint on both private
    tables: MON001 and POL001 × 3 (medium). Silent, rightly: SG003 (443 from the VPC's block,
    where the build is), SG005 (the project's group sends all traffic), IFE001/IFE002 (interfaces
    in both AZs), GWE001 (the prefix-list route is on both private tables), IFE003 (no bundle
    triggered), NAT and DNS rules."""
    snapshot, ids = codebuild_vpc.build(nat=False, build=build)
    assert audit(snapshot) == _flow_log(ids) | _default_endpoint_policies(ids)
    assert {level for key, level in severities(snapshot).items() if key[0] == "POL001"} == {"medium"}


def test_the_guides_codebuild_endpoint_policy() -> None:
    """The guide's example policy on the codebuild endpoint: POL001 goes, and POL002 stays silent
    (three actions on one project of this account): right by the catalogue."""
    snapshot, ids = codebuild_vpc.build(nat=False, codebuild_policy="guide")
    assert audit(snapshot) == _flow_log(ids) | _default_endpoint_policies(ids, ("logs", "s3"))


def test_pol001s_s3_fix_keeps_what_a_build_does_in_s3() -> None:
    """POL001's replacement for the S3 endpoint: right for what AWS documents. CodeBuild reads the
    source and writes the artifacts with the project's service role (this account's principal),
    in buckets of this account or another; the statement on ``aws:PrincipalAccount`` lets those
    through. An anonymous read of ``codefactory-<region>-prod-default-build-agent-executor`` is
    refused: a gap, pinned — AWS's documentation names no such bucket (see "Noticed and left
    alone"), so no verdict can be given."""
    snapshot, ids = codebuild_vpc.build(nat=False)
    document = json.dumps(_fix_policy(snapshot, "POL001", ids["s3"]))
    assert allows(document, "s3:GetObject", f"{ARTIFACTS}/source.zip", THIS_ACCOUNT)
    assert allows(document, "s3:PutObject", f"{ARTIFACTS}/{PROJECT}/output.zip", THIS_ACCOUNT)
    assert allows(document, "s3:GetObject", "arn:aws:s3:::another-accounts-bucket/source.zip", THIS_ACCOUNT)
    assert allows(document, "s3:GetObject", f"arn:aws:s3:::prod-{REGION}-starport-layer-bucket/sha256/0a",
                  {"aws:PrincipalAccount": "222222222222"})
    assert not allows(document, "s3:GetObject", f"{RUNNER_BUCKET}/cawsrunner.zip")


def test_pol001s_codebuild_fix_keeps_the_projects_calls() -> None:
    """POL001's replacement on the codebuild endpoint admits this account's principals: the
    project's calls (StartBuild, BatchGetBuilds…) are this account's. Right."""
    snapshot, ids = codebuild_vpc.build(nat=False)
    document = json.dumps(_fix_policy(snapshot, "POL001", ids["codebuild"]))
    project = f"arn:aws:codebuild:{REGION}:{ACCOUNT}:project/{PROJECT}"
    assert allows(document, "codebuild:StartBuild", project, THIS_ACCOUNT)
    assert not allows(document, "codebuild:StartBuild", project, {"aws:PrincipalAccount": "222222222222"})


def test_near_miss_project_group_without_443_with_a_build() -> None:
    """The project's group sending only TCP 5432 to the VPC, endpoint form, a build running: SG005
    on the group, medium — right: the build reaches none of the endpoints (its logs, its source in
    S3 through the gateway endpoint aside, CodeBuild itself), against the guide's "you must allow
    access to any … resources required for your build, such as GitHub or Amazon S3"."""
    snapshot, ids = codebuild_vpc.build(nat=False, project_egress="db-only")
    assert audit(snapshot) == _flow_log(ids) | _default_endpoint_policies(ids) | {("SG005", ids["project_sg"], "fail")}
    assert severities(snapshot)[("SG005", ids["project_sg"], "")] == "medium"
    group = next(g for g in snapshot.accounts[0].regions[0].security_groups if g.group_id == ids["project_sg"])
    assert [(x.ip_protocol, x.from_port, x.cidr_ipv4) for x in group.rules if x.is_egress] \
        == [("tcp", POSTGRES_PORT, "10.192.0.0/16")]


def test_near_miss_project_group_without_443_between_builds() -> None:
    """The same group between builds: nothing — right by the catalogue: no interface carries the
    group until CodeBuild creates the next build's."""
    snapshot, ids = codebuild_vpc.build(nat=False, project_egress="db-only", build=False)
    assert audit(snapshot) == _flow_log(ids) | _default_endpoint_policies(ids)


def test_near_miss_project_group_without_443_behind_nat_goes_unreported() -> None:
    """The same group in the template's NAT form, a build running: the build reaches neither
    CodeBuild's public endpoints nor S3, and nothing says so. A gap, pinned: no rule judges a
    workload's egress towards a NAT gateway (SG005 concerns VPC endpoints)."""
    snapshot, ids = codebuild_vpc.build(project_egress="db-only")
    assert audit(snapshot) == _flow_log(ids) | _nat_processing(ids)


@BUILDS
def test_near_miss_without_the_logs_endpoint_goes_unreported(build: bool) -> None:
    """No NAT and no logs endpoint: the build cannot send its logs to CloudWatch Logs (unless the
    project turns them off). A gap, pinned: IFE003 knows no CodeBuild bundle (see "Noticed and left
    alone"); only the remaining endpoints' POL001 fire."""
    snapshot, ids = codebuild_vpc.build(nat=False, logs_endpoint=False, build=build)
    assert "logs" not in ids
    assert audit(snapshot) == _flow_log(ids) | _default_endpoint_policies(ids, ("codebuild", "s3"))


@BUILDS
def test_near_miss_s3_endpoint_on_the_main_route_table(build: bool) -> None:
    """The S3 gateway endpoint on the main route table, which no private subnet uses: GWE001 on
    both private subnets, medium — right: with no NAT, the build's source download and artifact
    upload go nowhere; the fix associates the subnets' tables. Medium with or without a build."""
    snapshot, ids = codebuild_vpc.build(nat=False, s3_tables="main", build=build)
    gwe001 = {("GWE001", ids["private1"], "fail"), ("GWE001", ids["private2"], "fail")}
    assert audit(snapshot) == _flow_log(ids) | _default_endpoint_policies(ids) | gwe001
    levels = severities(snapshot)
    assert {levels[("GWE001", ids[f"private{az}"], "s3")] for az in (1, 2)} == {"medium"}
