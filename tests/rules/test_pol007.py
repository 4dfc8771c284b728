"""POL007 s3-endpoint-policy-blocks-ssm-buckets: an S3 gateway endpoint's policy that refuses SSM
Agent's reads of Systems Manager's AWS-owned buckets breaks patching and agent updates of the
instances managed through the VPC's Systems Manager endpoints."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from builders import ACCOUNT, FULL_ACCESS_POLICY, REGION, RegionBuilder
from policy_eval import admits_ecr_layer_downloads, allows, policy_findings_after, with_policy
from policy_eval import allow_statement as _allow
from policy_eval import policy_doc as _doc
from rulecheck import findings, fix_of, triples

from vpcaudit.network.trust import TrustBoundary
from vpcaudit.rules._fixes import account_scoped_policy
from vpcaudit.rules.pol._aws_owned import ssm_agent_s3_objects
from vpcaudit.rules.pol.pol007_s3_endpoint_policy_blocks_ssm_buckets import (
    s3_endpoint_policy_blocks_ssm_buckets as rule,
)
from vpcaudit.snapshot.model import Part

ID = "POL007"
ORG = "o-a1b2c3d4e5"
MODULES = f"arn:aws:s3:::aws-ssm-{REGION}/*"
SNAPSHOTS = f"arn:aws:s3:::patch-baseline-snapshot-{REGION}/*"




OWN_BUCKETS = _allow({"StringEquals": {"aws:PrincipalOrgID": ORG}}, Sid="OrgBuckets", Action="s3:*",
                     Resource=["arn:aws:s3:::examplecorp-*", "arn:aws:s3:::examplecorp-*/*"])
ORGS_TO_ORGS = _allow({"StringEquals": {"aws:PrincipalOrgID": ORG, "aws:ResourceOrgID": ORG}}, Sid="OrgsToOrgs")
SSM_READS = _allow(Sid="SsmBuckets", Action="s3:GetObject", Resource=[MODULES, SNAPSHOTS])
ACCOUNT_ONLY = _allow({"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}, Sid="ThisAccountOnly")
# This account's identities may only reach the organization's buckets: refuses the signed reading only.
DENY_OWN_IDENTITIES_ELSEWHERE = {
    "Sid": "OwnIdentitiesOwnBuckets", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
    "NotResource": ["arn:aws:s3:::examplecorp-*", "arn:aws:s3:::examplecorp-*/*"],
    "Condition": {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}}
DENY_OUTSIDE_ORG = {"Sid": "DenyOutsideOrg", "Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*",
                    "Condition": {"StringNotEquals": {"aws:ResourceOrgID": ORG}}}


def _build(policy: str | None, *, ssm: tuple[str, ...] = ("ssm", "ec2messages", "ssmmessages"),
           instance: str = "routed", s3: bool = True, region: str = REGION) -> tuple[RegionBuilder, str | None]:
    """A VPC with a private subnet on one route table, Systems Manager endpoints ``ssm``, an
    instance interface there (``instance``: "routed", "other_table" — in a subnet whose table the S3
    endpoint is not on —, "no_instance" — a workload interface of no instance —, or None) and (``s3``)
    an S3 gateway endpoint on the table with ``policy``."""
    b = RegionBuilder(region=region)
    vpc = b.vpc()
    subnet = b.subnet(vpc, "10.0.1.0/24")
    table = b.route_table(vpc, subnets=[subnet])
    endpoint = b.gateway_endpoint(vpc, "s3", route_tables=[table], policy=policy) if s3 else None
    for key in ssm:
        b.interface_endpoint(vpc, key, subnets=[subnet])
    if instance == "other_table":
        other = b.subnet(vpc, "10.0.2.0/24")
        b.route_table(vpc, subnets=[other])
        eni = b.workload(other)
    elif instance is not None:
        eni = b.workload(subnet)
    if instance in ("routed", "other_table"):
        b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))
    return b, endpoint


# (case, policy, builder options, trust, expected status or None)
CASES: list[tuple[str, str | None, dict[str, Any], TrustBoundary | None, str | None]] = [
    ("the organization's buckets only", _doc(OWN_BUCKETS), {}, None, "fail"),
    ("organization principals to organization resources (aws:ResourceOrgID)", _doc(ORGS_TO_ORGS), {}, None, "fail"),
    ("an Allow beside a Deny of resources outside the organization", _doc(_allow(), DENY_OUTSIDE_ORG), {}, None,
     "fail"),
    ("a resource-account Allow", _doc(_allow({"StringEquals": {"aws:ResourceAccount": ACCOUNT}})), {}, None, "fail"),
    ("only the modules bucket admitted: the snapshots are refused",
     _doc(OWN_BUCKETS, {**SSM_READS, "Resource": MODULES}), {}, None, "fail"),
    ("only ssm and ssmmessages (Session Manager)", _doc(OWN_BUCKETS), {"ssm": ("ssm", "ssmmessages")}, None, "fail"),
    ("the guide's buckets admitted beside the organization's", _doc(OWN_BUCKETS, SSM_READS), {}, None, None),
    ("the guide's buckets of every Region", _doc(OWN_BUCKETS, {**SSM_READS, "Resource": [
        "arn:aws:s3:::aws-ssm-*/*", "arn:aws:s3:::patch-baseline-snapshot-*/*"]}), {}, None, None),
    ("an Allow by the endpoint itself (aws:SourceVpce)",
     _doc(_allow({"StringEquals": {"aws:SourceVpce": "{endpoint}"}})), {}, None, None),
    ("a Deny that only refuses writes", _doc(_allow(), {**DENY_OUTSIDE_ORG, "Action": "s3:PutObject"}), {}, None,
     None),
    ("default full access", FULL_ACCESS_POLICY, {}, None, None),
    ("no policy (full access)", None, {}, None, None),
    ("only the signed reading refused", _doc(_allow(), DENY_OWN_IDENTITIES_ELSEWHERE), {}, None, "not_evaluated"),
    ("this account's principals only: the snapshot's presigned URL is an AWS account's", _doc(ACCOUNT_ONLY), {},
     None, "fail"),
    ("only the unsigned reading of the modules refused (snapshots admitted)",
     _doc(ACCOUNT_ONLY, {**SSM_READS, "Resource": SNAPSHOTS}), {}, None, "not_evaluated"),
    ("the organization's principals only: AWS's presigned URL is of no customer's organization",
     _doc(_allow({"StringEquals": {"aws:PrincipalOrgID": ORG}})), {}, None, "fail"),
    ("the account's organization, which the snapshot does not know (snapshots admitted)",
     _doc(_allow({"StringEquals": {"aws:PrincipalOrgID": ORG}}), {**SSM_READS, "Resource": SNAPSHOTS}), {}, None,
     "not_evaluated"),
    ("the policy POL001's fix writes (this account's principals, AWS-owned reads)",
     account_scoped_policy(ACCOUNT, service="s3", region=REGION), {}, None, None),
    ("HTTPS only: the agent reads over HTTP by default", _doc(_allow({"Bool": {"aws:SecureTransport": "true"}})),
     {}, None, "not_evaluated"),
    ("a principal ARN pattern it cannot judge",
     _doc(_allow({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/app-*"}})), {}, None, "not_evaluated"),
    ("a trusted organization's principals and resources", _doc(ORGS_TO_ORGS), {},
     TrustBoundary.of(org_ids=[ORG]), "fail"),
    ("no instance in the VPC", _doc(OWN_BUCKETS), {"instance": None}, None, None),
    ("a workload interface of no instance", _doc(OWN_BUCKETS), {"instance": "no_instance"}, None, None),
    ("the instance's subnet on another route table", _doc(OWN_BUCKETS), {"instance": "other_table"}, None, None),
    ("no Systems Manager endpoints", _doc(OWN_BUCKETS), {"ssm": ()}, None, None),
    ("ssm without a message channel", _doc(OWN_BUCKETS), {"ssm": ("ssm",)}, None, None),
    ("message channels without ssm", _doc(OWN_BUCKETS), {"ssm": ("ec2messages", "ssmmessages")}, None, None),
    ("no S3 gateway endpoint", None, {"s3": False}, None, None),
]


@pytest.mark.parametrize(("policy", "options", "trust", "status"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_cases(policy: str | None, options: dict[str, Any], trust: TrustBoundary | None, status: str | None) -> None:
    b, endpoint = _build(None, **options)
    if endpoint is not None:
        with_policy(b, endpoint, policy)
    assert triples(rule, b.snapshot(), trust) == ({(ID, endpoint, status)} if status else set())


def test_not_evaluated_without_network_interfaces() -> None:
    b, _ = _build(_doc(OWN_BUCKETS))
    assert triples(rule, b.snapshot(missing=[Part.NETWORK_INTERFACES])) == {(ID, REGION, "not_evaluated")}


def test_message_names_the_refused_buckets_the_readings_and_what_fails() -> None:
    b, endpoint = _build(_doc(OWN_BUCKETS))
    (finding,) = findings(rule, b.snapshot())
    vpc = b.endpoints[endpoint].vpc_id
    ssm = sorted(e for e in b.endpoints if e != endpoint)
    assert finding.severity.value == "medium"
    assert finding.message == (
        f"S3 gateway endpoint {endpoint} of {vpc} refuses SSM Agent's reads of Systems Manager's buckets "
        f"({MODULES} signed by an instance role of this account or unsigned; {SNAPSHOTS} through the URL Systems "
        "Manager presigns): no Allow statement admits it. Patching (AWS-RunPatchBaseline) and agent updates fail "
        f"on the 1 instance interface(s) routed through it, although the nodes register through {', '.join(ssm)}.")
    assert finding.evidence["refused_objects"] == [MODULES, SNAPSHOTS]
    assert finding.evidence["ssm_endpoints"] == ssm


def test_not_evaluated_says_which_reading_is_refused() -> None:
    b, _ = _build(_doc(ACCOUNT_ONLY, {**SSM_READS, "Resource": SNAPSHOTS}))
    (finding,) = findings(rule, b.snapshot())
    assert finding.status.value == "not_evaluated"
    assert (f"the policy refuses s3:GetObject on {MODULES} unsigned (no Allow statement admits it) but admits it "
            "signed by an instance role of this account, and AWS does not document whether SSM Agent signs these "
            "reads") in finding.message


def test_a_deny_is_named() -> None:
    b, _ = _build(_doc(_allow(), DENY_OUTSIDE_ORG))
    (finding,) = findings(rule, b.snapshot())
    assert "statement 'DenyOutsideOrg' denies it" in finding.message
    assert finding.evidence["denied_by"] == ["statement 'DenyOutsideOrg'"]


def test_fix_adds_the_buckets_to_the_aws_owned_reads_and_passes_once_applied() -> None:
    """Ready: only an Allow is added. Applied, POL007 is silent and so are POL001-POL003 and POL005;
    the agent's reads get through signed or not, ECR's layer downloads too, and the organization's
    statement is kept as it was."""
    b, endpoint = _build(_doc(OWN_BUCKETS))
    [(action, parameters, phase, ready)] = fix_of(rule, b.snapshot(), endpoint)
    assert (action, parameters["VpcEndpointId"], phase, ready) == ("ec2:ModifyVpcEndpoint", endpoint, "modify", True)
    document = parameters["PolicyDocument"]
    statements = json.loads(document)["Statement"]
    assert statements[0] == OWN_BUCKETS
    assert statements[1]["Sid"] == "AWSOwnedBucketsRead"
    for objects in (MODULES, SNAPSHOTS, f"arn:aws:s3:::amazon-ssm-{REGION}/*",
                    f"arn:aws:s3:::aws-windows-downloads-{REGION}/*",
                    "arn:aws:s3:::aws-patch-manager-us-east-1-1970c647d/*"):
        assert objects in statements[1]["Resource"]
        key = objects.removesuffix("*") + "manifest.json"
        assert allows(document, "s3:GetObject", key) and allows(document, "s3:GetObject", key,
                                                                 {"aws:PrincipalAccount": ACCOUNT})
    assert admits_ecr_layer_downloads(document, REGION)
    assert policy_findings_after(b, endpoint, document) == set()
    assert triples(rule, b.snapshot()) == set()


def test_fix_exempts_the_buckets_from_a_deny_of_everything_after_a_decision() -> None:
    b, endpoint = _build(_doc(_allow(), DENY_OUTSIDE_ORG))
    [(_, parameters, _, ready)] = fix_of(rule, b.snapshot(), endpoint)
    assert not ready
    deny = json.loads(parameters["PolicyDocument"])["Statement"][1]
    assert "Resource" not in deny
    assert {MODULES, SNAPSHOTS} <= set(deny["NotResource"])
    b.endpoints[endpoint] = replace(b.endpoints[endpoint], policy_document=parameters["PolicyDocument"])
    assert triples(rule, b.snapshot()) == set()


def test_the_suffixed_snapshot_bucket_of_a_region_the_guide_names() -> None:
    """me-south-1's patch baseline snapshots live in patch-baseline-snapshot-me-south-1-uduvl7q8:
    admitting the unsuffixed name does not admit them."""
    plain = {**SSM_READS, "Resource": ["arn:aws:s3:::aws-ssm-me-south-1/*",
                                        "arn:aws:s3:::patch-baseline-snapshot-me-south-1/*"]}
    b, endpoint = _build(_doc(OWN_BUCKETS, plain), region="me-south-1")
    (finding,) = findings(rule, b.snapshot())
    assert finding.resource.resource_id == endpoint
    assert finding.evidence["refused_objects"] == ["arn:aws:s3:::patch-baseline-snapshot-me-south-1-uduvl7q8/*"]


def test_china_regions_name_the_buckets_in_their_partition() -> None:
    b, endpoint = _build(_doc(OWN_BUCKETS), region="cn-north-1")
    (finding,) = findings(rule, b.snapshot())
    assert finding.resource.resource_id == endpoint
    assert finding.evidence["refused_objects"] == ["arn:aws-cn:s3:::aws-ssm-cn-north-1/*",
                                                   "arn:aws-cn:s3:::patch-baseline-snapshot-cn-north-1/*"]
    [(_, parameters, _, _)] = fix_of(rule, b.snapshot(), endpoint)
    resources = json.loads(parameters["PolicyDocument"])["Statement"][1]["Resource"]
    assert "arn:aws-cn:s3:::aws-ssm-cn-north-1/*" in resources
    assert all(r.startswith("arn:aws-cn:s3:::") for r in resources)
    assert not any("aws-patch-manager" in r for r in resources)  # the guide lists none for China
    admitted = {**SSM_READS, "Resource": resources}
    b.endpoints[endpoint] = replace(b.endpoints[endpoint], policy_document=_doc(OWN_BUCKETS, admitted))
    assert triples(rule, b.snapshot()) == set()


def test_the_fix_admits_distributor_packages_as_the_guide_names_them() -> None:
    """AWS-ConfigureAWSPackage and AWS-owned Distributor packages (the CloudWatch agent's) read
    <region>-birdwatcher-prod and aws-ssm-document-attachments-<region> (amazon-ssm-packages for old
    agents); af-south-1 and eu-south-1 keep Distributor files in aws-ssm-distributor-file-<region>."""
    objects = ssm_agent_s3_objects(REGION)
    for bucket in (f"{REGION}-birdwatcher-prod", f"aws-ssm-document-attachments-{REGION}",
                   f"amazon-ssm-packages-{REGION}"):
        assert f"arn:aws:s3:::{bucket}/*" in objects
    assert not any("distributor-file" in o for o in objects)
    assert "arn:aws:s3:::aws-ssm-distributor-file-af-south-1/*" in ssm_agent_s3_objects("af-south-1")
