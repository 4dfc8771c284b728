"""POL005 endpoint-policy-allows-nothing: a policy of Deny statements alone denies every request, and
Allow statements naming only other Regions' resources allow nothing through an endpoint of this one."""

from __future__ import annotations

import json
from typing import Any

import pytest
from builders import FULL_ACCESS_POLICY, REGION, RegionBuilder
from policy_eval import allows, policy_findings_after
from rulecheck import findings, fix_of, triples

from vpcaudit.rules.pol.pol005_endpoint_policy_allows_nothing import endpoint_policy_allows_nothing as rule
from vpcaudit.snapshot.model import Part

ID = "POL005"
DENY_OUTSIDE_VPC = {"Sid": "DenyOutside", "Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*",
                    "Condition": {"StringNotEquals": {"aws:SourceVpc": "vpc-0a1b2c3d4e5f60718"}}}
ALLOW_ALL = {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}


def _doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _build(policy: str | None, *, kind: str = "interface", key: str = "ecr.api") -> tuple[RegionBuilder, str]:
    b = RegionBuilder()
    vpc = b.vpc()
    subnet = b.subnet(vpc, "10.0.1.0/24")
    if kind == "gateway":
        return b, b.gateway_endpoint(vpc, "dynamodb", route_tables=[b.main_route_table(vpc)], policy=policy)
    return b, b.interface_endpoint(vpc, key, subnets=[subnet], policy=policy)


CASES: list[tuple[str, str | None, dict[str, Any], bool]] = [
    ("interface endpoint, Deny only", _doc(DENY_OUTSIDE_VPC), {}, True),
    ("gateway endpoint, Deny only", _doc(DENY_OUTSIDE_VPC), {"kind": "gateway"}, True),
    ("two Deny statements", _doc(DENY_OUTSIDE_VPC, {**DENY_OUTSIDE_VPC, "Sid": "Other"}), {}, True),
    ("Allow beside the Deny", _doc(ALLOW_ALL, DENY_OUTSIDE_VPC), {}, False),
    ("narrow Allow alone", _doc({**ALLOW_ALL, "Action": "ecr:BatchGetImage"}), {}, False),
    ("default full access", FULL_ACCESS_POLICY, {}, False),
    ("no policy at all (full access)", None, {}, False),
    ("service without endpoint policies", _doc(DENY_OUTSIDE_VPC), {"key": "ssmmessages"}, False),
    ("not an IAM policy is POL003's", _doc({"Effect": "Deny", "Action": "*"}), {}, False),
    ("not JSON is POL003's", "{not json", {}, False),
]


@pytest.mark.parametrize(("policy", "options", "fires"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_cases(policy: str | None, options: dict[str, Any], fires: bool) -> None:
    b, endpoint = _build(policy, **options)
    assert triples(rule, b.snapshot()) == ({(ID, endpoint, "fail")} if fires else set())


def test_not_evaluated_without_endpoint_services() -> None:
    b, _ = _build(_doc(DENY_OUTSIDE_VPC))
    assert triples(rule, b.snapshot(missing=[Part.ENDPOINT_SERVICES])) == {(ID, REGION, "not_evaluated")}


def test_message_says_every_request_is_denied() -> None:
    b, endpoint = _build(_doc(DENY_OUTSIDE_VPC))
    (finding,) = findings(rule, b.snapshot())
    assert finding.severity.value == "high"
    assert finding.message == (
        f"interface endpoint {endpoint} for ecr.api in {b.endpoints[endpoint].vpc_id} has a policy with no Allow "
        "statement (statement 'DenyOutside': Deny only), so it denies every request sent through it.")


def test_fix_puts_an_allow_for_the_account_before_the_same_denies_after_a_decision() -> None:
    b, endpoint = _build(_doc(DENY_OUTSIDE_VPC))
    [(action, parameters, phase, ready)] = fix_of(rule, b.snapshot(), endpoint)
    assert (action, parameters["VpcEndpointId"], phase, ready) == ("ec2:ModifyVpcEndpoint", endpoint, "modify", False)
    assert json.loads(parameters["PolicyDocument"])["Statement"] == [
        {"Sid": "ThisAccountOnly", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
         "Condition": {"StringEquals": {"aws:PrincipalAccount": b.account_id}}}, DENY_OUTSIDE_VPC]



def test_fix_for_an_s3_endpoint_keeps_aws_owned_buckets_readable_and_passes_once_applied() -> None:
    """The Allow put before the denies is the account-scoped one, with the reads of the AWS-owned
    buckets an S3 endpoint carries (ECR layers, Amazon Linux repositories) beside it."""
    b = RegionBuilder()
    vpc = b.vpc()
    endpoint = b.gateway_endpoint(vpc, "s3", route_tables=[b.main_route_table(vpc)], policy=_doc(DENY_OUTSIDE_VPC))
    [(_, parameters, _, _)] = fix_of(rule, b.snapshot(), endpoint)
    document = parameters["PolicyDocument"]
    assert json.loads(document)["Statement"][-1] == DENY_OUTSIDE_VPC
    inside = {"aws:SourceVpc": "vpc-0a1b2c3d4e5f60718"}
    layer = f"arn:aws:s3:::prod-{REGION}-starport-layer-bucket/sha256/0a1b2c"
    assert allows(document, "s3:GetObject", layer, {**inside, "aws:PrincipalAccount": "222222222222"})
    assert allows(document, "s3:GetObject", f"arn:aws:s3:::al2023-repos-{REGION}-de612dc2/core/repomd.xml", inside)
    assert not allows(document, "s3:PutObject", layer, {**inside, "aws:PrincipalAccount": "222222222222"})
    assert not allows(document, "s3:GetObject", layer, {"aws:SourceVpc": "vpc-elsewhere"})  # the denies still hold
    assert policy_findings_after(b, endpoint, document) == set()


# Another Region's resources: the bedrock-runtime endpoint is us-east-1's (builders.REGION).
ACCOUNT = "123456789012"
INVOKE = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
PROFILE = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0"


def _models(*regions: str, model: str = "*") -> list[str]:
    return [f"arn:aws:bedrock:{region}::foundation-model/{model}" for region in regions]


def _invoke(resources: list[str] | str, actions: list[str] | str = INVOKE, **fields: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": "*", "Action": actions, "Resource": resources, **fields}


GUARDRAILS = _invoke(f"arn:aws:bedrock:{REGION}:{ACCOUNT}:guardrail/*", "bedrock:ApplyGuardrail")
# The Bedrock guide's Geographic cross-Region inference policy, its source Region's model left out.
DESTINATION_MODELS = _invoke(_models("us-east-2", "us-west-2", model="anthropic.claude-sonnet-4-5-20250929-v1:0"),
                             Condition={"StringEquals": {"bedrock:InferenceProfileArn": PROFILE}})

ELSEWHERE: list[tuple[str, str, dict[str, Any], bool]] = [
    ("another Region's models", _doc(_invoke(_models("us-west-2"))), {}, True),
    ("another Region's models beside this Region's guardrails", _doc(_invoke(_models("us-west-2")), GUARDRAILS), {},
     True),
    ("two other Regions' models", _doc(_invoke(_models("us-west-2", "eu-west-1"))), {}, True),
    ("a Region pattern that cannot be this one", _doc(_invoke(_models("eu-*"))), {}, True),
    ("another Region's tables on a gateway endpoint",
     _doc(_invoke(f"arn:aws:dynamodb:us-west-2:{ACCOUNT}:table/*", "dynamodb:*")), {"kind": "gateway"}, True),
    ("the destination Regions' models without the profile", _doc(DESTINATION_MODELS), {}, True),
    ("this Region's models", _doc(_invoke(_models(REGION)), GUARDRAILS), {}, False),
    ("both Regions' models", _doc(_invoke(_models("us-west-2", REGION))), {}, False),
    ("cross-Region inference: this Region's profile, other Regions' models",
     _doc(_invoke(PROFILE), DESTINATION_MODELS), {}, False),
    ("the wildcard Region", _doc(_invoke(_models("*"))), {}, False),
    ("a Region pattern that may be this one", _doc(_invoke(_models("us-*"))), {}, False),
    ("a policy variable for the Region", _doc(_invoke(_models("${aws:RequestedRegion}"))), {}, False),
    ("the Region-less models of a global profile", _doc(_invoke(_models(""))), {}, False),
    ("another Region's model beside Resource *", _doc(_invoke([*_models("us-west-2"), "*"])), {}, False),
    ("NotResource of another Region", _doc({**ALLOW_ALL, "NotResource": _models("us-west-2")}), {}, False),
    ("a wildcard action elsewhere, another action here",
     _doc(_invoke(_models("us-west-2"), "bedrock:InvokeModel*"), GUARDRAILS), {}, True),
    ("an action here that ends differently",
     _doc(_invoke(_models("us-west-2")), _invoke(_models(REGION), "bedrock:*Model")), {}, True),
    ("a wildcard action here covering those elsewhere",
     _doc(_invoke(_models("us-west-2")), _invoke(_models(REGION), "bedrock:Invoke*")), {}, False),
    ("an action elsewhere, NotAction here",
     _doc(_invoke(_models("us-west-2")), {**ALLOW_ALL, "NotAction": "bedrock:ApplyGuardrail"}), {}, False),
]


@pytest.mark.parametrize(("policy", "options", "fires"), [c[1:] for c in ELSEWHERE], ids=[c[0] for c in ELSEWHERE])
def test_other_regions_resources(policy: str, options: dict[str, Any], fires: bool) -> None:
    b, endpoint = _build(policy, **({"key": "bedrock-runtime"} | options))
    assert triples(rule, b.snapshot()) == ({(ID, endpoint, "fail")} if fires else set())


def _cross_region_sqs(queue_region: str) -> tuple[RegionBuilder, str]:
    """An interface endpoint of us-east-1's VPC to SQS in us-west-2 (cross-Region PrivateLink)."""
    b = RegionBuilder()
    vpc = b.vpc()
    name = b.service("sqs", name="com.amazonaws.us-west-2.sqs")
    policy = _doc(_invoke(f"arn:aws:sqs:{queue_region}:{ACCOUNT}:*", "sqs:SendMessage"))
    return b, b.interface_endpoint(vpc, "sqs", subnets=[b.subnet(vpc, "10.0.1.0/24")], service_name=name,
                                   policy=policy)


def test_the_endpoints_region_is_its_services() -> None:
    """Through an endpoint to us-west-2's SQS, us-west-2's queues are the ones requests name."""
    b, endpoint = _cross_region_sqs("us-west-2")
    assert triples(rule, b.snapshot()) == set()
    b, endpoint = _cross_region_sqs(REGION)
    assert triples(rule, b.snapshot()) == {(ID, endpoint, "fail")}


def test_message_names_the_actions_another_regions_statement_strands() -> None:
    b, endpoint = _build(_doc(_invoke(_models("us-west-2")), GUARDRAILS), key="bedrock-runtime")
    (finding,) = findings(rule, b.snapshot())
    assert finding.severity.value == "high"
    assert finding.message == (
        f"interface endpoint {endpoint} for bedrock-runtime in {b.endpoints[endpoint].vpc_id} has a policy that "
        "allows bedrock:InvokeModel, bedrock:InvokeModelWithResponseStream only on resources of us-west-2 "
        "(statement #1), while every request through an endpoint of us-east-1 acts on us-east-1's resources: it "
        "denies every such call sent through it.")
    assert (finding.evidence["statements"], finding.evidence["regions"], finding.evidence["actions"]) == (
        ["statement #1"], ["us-west-2"], INVOKE)


def test_message_says_every_request_is_denied_when_no_allow_names_this_region() -> None:
    b, endpoint = _build(_doc(_invoke(_models("us-west-2", "eu-west-1"))), key="bedrock-runtime")
    (finding,) = findings(rule, b.snapshot())
    assert finding.message == (
        f"interface endpoint {endpoint} for bedrock-runtime in {b.endpoints[endpoint].vpc_id} has a policy whose "
        "Allow statements (statement #1) name only resources of eu-west-1, us-west-2, while every request through "
        "an endpoint of us-east-1 acts on us-east-1's resources: it denies every request sent through it.")
    assert "actions" not in finding.evidence


def test_fix_names_this_regions_resources_beside_the_others_after_a_decision() -> None:
    """The other Region's ARNs stay (they may be a cross-Region profile's destinations); the
    same ARNs in us-east-1 follow them; the other statements are untouched. Applied, POL005 and
    the other policy rules are silent and the model is allowed."""
    provisioned = f"arn:aws:bedrock:us-west-2:{ACCOUNT}:provisioned-model/*"
    b, endpoint = _build(_doc(_invoke([*_models("us-west-2"), provisioned]), GUARDRAILS), key="bedrock-runtime")
    [(action, parameters, phase, ready)] = fix_of(rule, b.snapshot(), endpoint)
    assert (action, phase, ready) == ("ec2:ModifyVpcEndpoint", "modify", False)
    document = parameters["PolicyDocument"]
    assert json.loads(document)["Statement"] == [
        _invoke([*_models("us-west-2"), provisioned, *_models(REGION), provisioned.replace("us-west-2", REGION)]),
        GUARDRAILS]
    assert allows(document, "bedrock:InvokeModel", _models(REGION, model="anthropic.claude-3-haiku-20240307-v1:0")[0])
    assert policy_findings_after(b, endpoint, document) == set()
