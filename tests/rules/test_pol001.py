"""POL001 endpoint-policy-full-access: the default policy on AWS-service endpoints that support policies."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from builders import FULL_ACCESS_POLICY, REGION, SCOPED_POLICY, RegionBuilder
from policy_eval import allows, policy_findings_after
from rulecheck import findings, fix_of, triples

from vpcaudit.rules.pol.pol001_endpoint_policy_full_access import endpoint_policy_full_access as rule
from vpcaudit.snapshot.model import Part, Snapshot

Expected = set[tuple[str, str, str]]
Case = Callable[[], tuple[Snapshot, Expected]]


def _vpc(b: RegionBuilder) -> tuple[str, str]:
    vpc = b.vpc("10.0.0.0/16")
    return vpc, b.subnet(vpc, "10.0.1.0/24")


def default_policies() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    vpc, subnet = _vpc(b)
    gateway = b.gateway_endpoint(vpc, "s3", policy=FULL_ACCESS_POLICY)
    interface = b.interface_endpoint(vpc, "kms", subnets=[subnet], policy=None)
    return b.snapshot(), {("POL001", gateway, "fail"), ("POL001", interface, "fail")}


def equivalent_spellings() -> tuple[Snapshot, Expected]:
    """{"AWS": "*"}, one-element lists and a Sid are still the default."""
    b = RegionBuilder()
    vpc, subnet = _vpc(b)
    policy = json.dumps({"Statement": [{"Sid": "x", "Effect": "Allow", "Principal": {"AWS": "*"},
                                        "Action": ["*"], "Resource": ["*"]}]})
    endpoint = b.interface_endpoint(vpc, "kms", subnets=[subnet], policy=policy)
    return b.snapshot(), {("POL001", endpoint, "fail")}


def scoped_policy() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    vpc, subnet = _vpc(b)
    b.gateway_endpoint(vpc, "s3", policy=SCOPED_POLICY)
    b.interface_endpoint(vpc, "kms", subnets=[subnet], policy=SCOPED_POLICY)
    return b.snapshot(), set()


def service_without_policy_support() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    vpc, subnet = _vpc(b)
    b.interface_endpoint(vpc, "ssmmessages", subnets=[subnet], policy=None)
    return b.snapshot(), set()


def privatelink_and_lattice_endpoints() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    vpc, subnet = _vpc(b)
    partner = b.service("vpce-svc-0abc", owner="222222222222", name=f"com.amazonaws.vpce.{REGION}.vpce-svc-0abc")
    b.interface_endpoint(vpc, "partner", subnets=[subnet], service_name=partner, policy=None)
    b.interface_endpoint(vpc, "sn", subnets=[subnet], endpoint_type="ServiceNetwork", policy=None,
                         service_name=f"com.amazonaws.{REGION}.vpc-lattice")
    return b.snapshot(), set()


def invalid_policy_is_pol003s() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    vpc, subnet = _vpc(b)
    b.interface_endpoint(vpc, "kms", subnets=[subnet], policy="{broken")
    return b.snapshot(), set()


def deleted_endpoint() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    vpc, subnet = _vpc(b)
    b.interface_endpoint(vpc, "kms", subnets=[subnet], state="deleted")
    return b.snapshot(), set()


def service_details_missing() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    vpc, subnet = _vpc(b)
    endpoint = b.interface_endpoint(vpc, "logs", subnets=[subnet], service_name=f"com.amazonaws.{REGION}.logs")
    return b.snapshot(), {("POL001", endpoint, "not_evaluated")}


def endpoint_services_denied() -> tuple[Snapshot, Expected]:
    b = RegionBuilder()
    vpc, _ = _vpc(b)
    b.gateway_endpoint(vpc, "s3")
    return b.snapshot(missing=[Part.ENDPOINT_SERVICES]), {("POL001", REGION, "not_evaluated")}


CASES: list[Case] = [default_policies, equivalent_spellings, scoped_policy, service_without_policy_support,
                     privatelink_and_lattice_endpoints, invalid_policy_is_pol003s, deleted_endpoint,
                     service_details_missing, endpoint_services_denied]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_pol001(case: Case) -> None:
    snapshot, expected = case()
    assert triples(rule, snapshot) == expected


def test_pol001_message_names_endpoint_service_and_how() -> None:
    snapshot, _ = default_policies()
    messages = sorted(f.message for f in findings(rule, snapshot))
    assert messages[0].startswith("gateway endpoint vpce-") and "for s3" in messages[0]
    assert "the default Allow * / * / * statement" in messages[0]
    assert "interface endpoint" in messages[1] and "no policy document" in messages[1]


def test_fix_scopes_the_policy_to_the_account_after_a_decision() -> None:
    b = RegionBuilder()
    vpc, subnet = _vpc(b)
    endpoint = b.interface_endpoint(vpc, "kms", subnets=[subnet])
    [(action, parameters, phase, ready)] = fix_of(rule, b.snapshot(), endpoint)
    assert (action, phase, ready) == ("ec2:ModifyVpcEndpoint", "modify", False)
    assert parameters["VpcEndpointId"] == endpoint
    assert json.loads(parameters["PolicyDocument"])["Statement"] == [
        {"Sid": "ThisAccountOnly", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
         "Condition": {"StringEquals": {"aws:PrincipalAccount": b.account_id}}}]


# -- S3 endpoints: the replacement keeps the AWS-owned buckets workloads read -------------------

ECR_ACCOUNT = {"aws:PrincipalAccount": "222222222222"}  # stands in for the ECR account signing layer URLs


def _s3_endpoint(kind: str, region: str = REGION) -> tuple[RegionBuilder, str]:
    b = RegionBuilder(region=region)
    vpc, subnet = _vpc(b)
    if kind == "gateway":
        return b, b.gateway_endpoint(vpc, "s3", route_tables=[b.main_route_table(vpc)])
    return b, b.interface_endpoint(vpc, "s3", subnets=[subnet])


@pytest.mark.parametrize("kind", ["gateway", "interface"])
def test_fix_for_an_s3_endpoint_admits_ecr_layers_and_amazon_linux_repositories(kind: str) -> None:
    """ECR signs layer URLs with an account of its own and Amazon Linux reads its repositories
    anonymously: an account-only policy refuses both once the endpoint carries the traffic."""
    b, endpoint = _s3_endpoint(kind)
    [(_, parameters, _, _)] = fix_of(rule, b.snapshot(), endpoint)
    document = parameters["PolicyDocument"]
    layer = f"arn:aws:s3:::prod-{REGION}-starport-layer-bucket/sha256/0a1b2c"
    assert allows(document, "s3:GetObject", layer, ECR_ACCOUNT)
    for repository in (f"amazonlinux.{REGION}.amazonaws.com", f"amazonlinux-2-repos-{REGION}",
                       f"al2023-repos-{REGION}-de612dc2", f"repo.{REGION}.emr.amazonaws.com"):
        assert allows(document, "s3:GetObject", f"arn:aws:s3:::{repository}/core/mirrors/latest/mirror.list", {})
    # Read-only, of those buckets in this Region only; the account's own principals keep everything.
    assert not allows(document, "s3:PutObject", layer, ECR_ACCOUNT)
    assert not allows(document, "s3:GetObject", "arn:aws:s3:::prod-us-west-2-starport-layer-bucket/x", ECR_ACCOUNT)
    assert not allows(document, "s3:GetObject", "arn:aws:s3:::someone-elses-bucket/data.csv", ECR_ACCOUNT)
    assert allows(document, "s3:PutObject", "arn:aws:s3:::app-bucket/x", {"aws:PrincipalAccount": b.account_id})


@pytest.mark.parametrize(("region", "arn"), [
    ("cn-north-1", "arn:aws-cn:s3:::prod-cn-north-1-starport-layer-bucket/*"),
    ("us-gov-west-1", "arn:aws-us-gov:s3:::prod-us-gov-west-1-starport-layer-bucket/*"),
    ("eu-central-1", "arn:aws:s3:::prod-eu-central-1-starport-layer-bucket/*")])
def test_s3_fix_names_the_buckets_of_the_endpoints_region_and_partition(region: str, arn: str) -> None:
    b, endpoint = _s3_endpoint("gateway", region)
    [(_, parameters, _, _)] = fix_of(rule, b.snapshot(), endpoint)
    [_, aws_owned, responses] = json.loads(parameters["PolicyDocument"])["Statement"]
    assert arn in aws_owned["Resource"]
    assert all(a.startswith(arn.split(":s3:::")[0]) and region in a for a in aws_owned["Resource"])
    # CloudFormation's response buckets: the wait condition one with the Region's dashes, the custom
    # resource one without (cn-north-1 → cnnorth1).
    assert responses["Resource"] == [f"{arn.split(':s3:::')[0]}:s3:::cloudformation-waitcondition-{region}/*",
                                     f"{arn.split(':s3:::')[0]}:s3:::cloudformation-custom-resource-response-"
                                     f"{region.replace('-', '')}/*"]


def test_s3_fix_decision_names_what_it_keeps_and_what_to_add() -> None:
    b, _ = _s3_endpoint("gateway")
    [finding] = findings(rule, b.snapshot())
    [step] = finding.fix
    assert step.decision is not None
    assert "ECR image layers" in step.decision and "Amazon Linux" in step.decision
    assert "SSM Agent" in step.decision and "add" in step.decision


@pytest.mark.parametrize("kind", ["gateway", "interface"])
def test_s3_fix_once_applied_passes_every_policy_rule(kind: str) -> None:
    b, endpoint = _s3_endpoint(kind)
    [(_, parameters, _, _)] = fix_of(rule, b.snapshot(), endpoint)
    assert policy_findings_after(b, endpoint, parameters["PolicyDocument"]) == set()


def test_fix_for_another_service_keeps_the_one_statement_policy() -> None:
    b = RegionBuilder()
    vpc, subnet = _vpc(b)
    endpoint = b.interface_endpoint(vpc, "ecr.api", subnets=[subnet])
    [(_, parameters, _, _)] = fix_of(rule, b.snapshot(), endpoint)
    assert [s["Sid"] for s in json.loads(parameters["PolicyDocument"])["Statement"]] == ["ThisAccountOnly"]
    assert policy_findings_after(b, endpoint, parameters["PolicyDocument"]) == set()
