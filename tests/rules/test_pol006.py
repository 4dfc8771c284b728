"""POL006 s3-endpoint-policy-blocks-ecr-layers: an S3 gateway endpoint's policy that refuses ECR's
presigned layer downloads breaks every image pull of a VPC pulling through ecr.dkr."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from builders import ACCOUNT, FULL_ACCESS_POLICY, REGION, RegionBuilder
from plan_estate import build_estate
from policy_eval import admits_ecr_layer_downloads, policy_findings_after, with_policy
from policy_eval import allow_statement as _allow
from policy_eval import policy_doc as _doc
from rulecheck import findings, fix_of, triples
from tfplan import TerraformPlan

from vpcaudit import api
from vpcaudit.change.terraform import plan_change
from vpcaudit.network.trust import TrustBoundary
from vpcaudit.rules.pol.pol006_s3_endpoint_policy_blocks_ecr_layers import (
    s3_endpoint_policy_blocks_ecr_layers as rule,
)
from vpcaudit.snapshot.model import Part

ID = "POL006"
TRUSTED_ORG = "o-a1b2c3d4e5"
OTHER_TRUSTED = "111122223333"




ACCOUNT_ONLY = _allow({"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}, Sid="ThisAccountOnly")
LAYERS_READ = _allow(Sid="EcrLayers", Action="s3:GetObject",
                     Resource=f"arn:aws:s3:::prod-{REGION}-starport-layer-bucket/*")
DENY_OUTSIDE_ACCOUNT = {"Sid": "DenyOutsideAccount", "Effect": "Deny", "Principal": "*", "Action": "*",
                        "Resource": "*", "Condition": {"StringNotEquals": {"aws:PrincipalAccount": ACCOUNT}}}


def _build(policy: str | None, *, ecr: str | None = "same", tables: bool = True,
           kind: str = "gateway") -> tuple[RegionBuilder, str]:
    """A VPC with a private subnet, an S3 endpoint carrying ``policy`` and (``ecr``) an ecr.dkr
    endpoint in the same VPC, in another VPC, or none."""
    b = RegionBuilder()
    vpc = b.vpc()
    subnet = b.subnet(vpc, "10.0.1.0/24")
    table = b.route_table(vpc, subnets=[subnet])
    if kind == "gateway":
        endpoint = b.gateway_endpoint(vpc, "s3", route_tables=[table] if tables else [], policy=policy)
    else:
        endpoint = b.interface_endpoint(vpc, "s3", subnets=[subnet], private_dns=False, policy=policy)
    if ecr == "same":
        b.interface_endpoint(vpc, "ecr.dkr", subnets=[subnet])
    elif ecr == "elsewhere":
        other = b.vpc("10.1.0.0/16")
        b.interface_endpoint(other, "ecr.dkr", subnets=[b.subnet(other, "10.1.1.0/24")])
    return b, endpoint


# (case, policy, builder options, trust, expected status or None)
CASES: list[tuple[str, str | None, dict[str, Any], TrustBoundary | None, str | None]] = [
    ("account-scoped Allow alone", _doc(ACCOUNT_ONLY), {}, None, "fail"),
    ("organization-scoped Allow alone",
     _doc(_allow({"StringEquals": {"aws:PrincipalOrgID": TRUSTED_ORG}})), {}, None, "fail"),
    ("resource-account Allow alone", _doc(_allow({"StringEquals": {"aws:ResourceAccount": ACCOUNT}})), {}, None,
     "fail"),
    ("principal ARN of this account", _doc(_allow({"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/*"}})),
     {}, None, "fail"),
    ("an Allow for a trusted account and this one",
     _doc(_allow({"StringEquals": {"aws:PrincipalAccount": [ACCOUNT, OTHER_TRUSTED]}})), {},
     TrustBoundary.of(account_ids=[OTHER_TRUSTED]), "fail"),
    ("an Allow beside a Deny of other accounts", _doc(_allow(), DENY_OUTSIDE_ACCOUNT), {}, None, "fail"),
    ("the ECR guide's layer statement beside the account's", _doc(ACCOUNT_ONLY, LAYERS_READ), {}, None, None),
    ("the layers of every Region (prod-*)",
     _doc(ACCOUNT_ONLY, {**LAYERS_READ, "Resource": "arn:aws:s3:::prod-*-starport-layer-bucket/*"}), {}, None, None),
    ("an Allow by the endpoint itself (aws:SourceVpce)",
     _doc(_allow({"StringEquals": {"aws:SourceVpce": "{endpoint}"}})), {}, None, None),
    ("an Allow by the VPC (aws:SourceVpc)", _doc(_allow({"StringEquals": {"aws:SourceVpc": "{vpc}"}})), {}, None, None),
    ("a Deny that only refuses writes", _doc(_allow(), {**DENY_OUTSIDE_ACCOUNT, "Action": "s3:PutObject"}), {}, None,
     None),
    ("HTTPS only (aws:SecureTransport)", _doc(_allow({"Bool": {"aws:SecureTransport": "true"}})), {}, None, None),
    ("default full access", FULL_ACCESS_POLICY, {}, None, None),
    ("no policy (full access)", None, {}, None, None),
    ("a principal ARN pattern it cannot judge",
     _doc(_allow({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/app-*"}})), {}, None, "not_evaluated"),
    ("an account the boundary does not name",
     _doc(_allow({"StringEquals": {"aws:PrincipalAccount": "999999999999"}})), {}, None, "not_evaluated"),
    ("a layer prefix narrower than the bucket",
     _doc(ACCOUNT_ONLY, {**LAYERS_READ, "Resource": f"arn:aws:s3:::prod-{REGION}-starport-layer-bucket/sha256/*"}),
     {}, None, "not_evaluated"),
    ("no ecr.dkr endpoint in the VPC", _doc(ACCOUNT_ONLY), {"ecr": None}, None, None),
    ("ecr.dkr endpoint in another VPC", _doc(ACCOUNT_ONLY), {"ecr": "elsewhere"}, None, None),
    ("the S3 endpoint on no route table", _doc(ACCOUNT_ONLY), {"tables": False}, None, None),
    ("an S3 interface endpoint (gateway endpoints only)", _doc(ACCOUNT_ONLY), {"kind": "interface"}, None, None),
]


@pytest.mark.parametrize(("policy", "options", "trust", "status"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_cases(policy: str | None, options: dict[str, Any], trust: TrustBoundary | None, status: str | None) -> None:
    b, endpoint = _build(None, **options)
    with_policy(b, endpoint, policy)
    assert triples(rule, b.snapshot(), trust) == ({(ID, endpoint, status)} if status else set())


def test_not_evaluated_without_endpoint_services() -> None:
    b, _ = _build(_doc(ACCOUNT_ONLY))
    assert triples(rule, b.snapshot(missing=[Part.ENDPOINT_SERVICES])) == {(ID, REGION, "not_evaluated")}


def test_message_names_the_download_why_and_the_pulls_that_fail() -> None:
    b, endpoint = _build(_doc(ACCOUNT_ONLY))
    (finding,) = findings(rule, b.snapshot())
    (ecr,) = [e for e in b.endpoints if e != endpoint]
    vpc = b.endpoints[endpoint].vpc_id
    assert finding.severity.value == "high"
    assert finding.message == (
        f"S3 gateway endpoint {endpoint} of {vpc} refuses Amazon ECR image layer downloads (s3:GetObject on "
        f"arn:aws:s3:::prod-{REGION}-starport-layer-bucket/* presigned by an Amazon ECR account through gateway "
        f"endpoint {endpoint}): no Allow statement admits it. Image pulls through {ecr} fail "
        "(CannotPullContainerError) although the ECR API answers.")


def test_a_deny_is_named() -> None:
    b, _ = _build(_doc(_allow(), DENY_OUTSIDE_ACCOUNT))
    (finding,) = findings(rule, b.snapshot())
    assert "statement 'DenyOutsideAccount' denies it" in finding.message
    assert finding.evidence["denied_by"] == ["statement 'DenyOutsideAccount'"]


def test_fix_adds_the_aws_owned_reads_and_passes_once_applied() -> None:
    """Ready: only an Allow is added; applied, POL006 is silent and so are POL001-POL003 and POL005,
    and the layer download gets through while another account's writes still do not."""
    b, endpoint = _build(_doc(ACCOUNT_ONLY))
    [(action, parameters, phase, ready)] = fix_of(rule, b.snapshot(), endpoint)
    assert (action, parameters["VpcEndpointId"], phase, ready) == ("ec2:ModifyVpcEndpoint", endpoint, "modify", True)
    document = parameters["PolicyDocument"]
    statements = json.loads(document)["Statement"]
    assert statements[0] == ACCOUNT_ONLY
    assert statements[1]["Sid"] == "AWSOwnedBucketsRead"
    assert admits_ecr_layer_downloads(document, REGION)
    assert policy_findings_after(b, endpoint, document) == set()
    assert triples(rule, b.snapshot()) == set()


def test_fix_exempts_the_buckets_from_a_deny_of_everything_after_a_decision() -> None:
    b, endpoint = _build(_doc(_allow(), DENY_OUTSIDE_ACCOUNT))
    [(_, parameters, _, ready)] = fix_of(rule, b.snapshot(), endpoint)
    assert not ready
    deny = json.loads(parameters["PolicyDocument"])["Statement"][1]
    assert "Resource" not in deny
    assert f"arn:aws:s3:::prod-{REGION}-starport-layer-bucket/*" in deny["NotResource"]
    assert admits_ecr_layer_downloads(parameters["PolicyDocument"], REGION)
    b.endpoints[endpoint] = replace(b.endpoints[endpoint], policy_document=parameters["PolicyDocument"])
    assert triples(rule, b.snapshot()) == set()


def test_a_deny_naming_the_buckets_is_left_to_a_decision() -> None:
    deny = {**DENY_OUTSIDE_ACCOUNT, "Resource": f"arn:aws:s3:::prod-{REGION}-starport-layer-bucket/*"}
    b, endpoint = _build(_doc(_allow(), deny))
    [(_, parameters, _, ready)] = fix_of(rule, b.snapshot(), endpoint)
    assert not ready
    assert json.loads(parameters["PolicyDocument"])["Statement"][1] == deny


def test_china_regions_name_the_bucket_in_their_partition() -> None:
    b = RegionBuilder(region="cn-north-1")
    vpc = b.vpc()
    subnet = b.subnet(vpc, "10.0.1.0/24")
    endpoint = b.gateway_endpoint(vpc, "s3", route_tables=[b.route_table(vpc, subnets=[subnet])],
                                  policy=_doc(ACCOUNT_ONLY))
    b.interface_endpoint(vpc, "ecr.dkr", subnets=[subnet])
    (finding,) = findings(rule, b.snapshot())
    assert finding.resource.resource_id == endpoint
    assert finding.evidence["layer_objects"] == "arn:aws-cn:s3:::prod-cn-north-1-starport-layer-bucket/*"


def test_a_plan_that_scopes_the_s3_endpoint_to_the_account_is_predicted_to_break_image_pulls() -> None:
    """The pre-change check: a Terraform plan putting a data-perimeter policy (this account's
    principals only) on the S3 gateway endpoint is newly failing POL006 before it is applied."""
    estate = build_estate()
    builder = estate.builder
    builder.endpoints[estate["s3"]] = replace(builder.endpoints[estate["s3"]], policy_document=FULL_ACCESS_POLICY)
    builder.interface_endpoint(estate["vpc"], "ecr.dkr", subnets=estate["private"],
                                      groups=[estate["endpoint_sg"]])
    s3 = {"id": estate["s3"], "vpc_id": estate["vpc"], "service_name": "com.amazonaws.us-east-1.s3",
          "vpc_endpoint_type": "Gateway", "route_table_ids": estate["private_rt"][:2],
          "policy": FULL_ACCESS_POLICY}
    plan = TerraformPlan()
    plan.update("aws_vpc_endpoint.s3", s3, {**s3, "policy": _doc(ACCOUNT_ONLY)})
    predicted = api.predict(plan_change(estate.snapshot, plan.document(), "plan.json"),
                            api.AuditOptions(select=("POL006",)))
    assert [(f.rule_id, f.resource.resource_id) for f in predicted.newly_failing] == [("POL006", estate["s3"])]
    assert triples(rule, estate.snapshot) == set()  # before the change: image pulls get through
