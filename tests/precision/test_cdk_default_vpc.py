"""The AWS CDK's default ``ec2.Vpc``: every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

import json

import pytest
from aws_layout import audit, audit_result, severities
from layouts import cdk_default_vpc
from policy_eval import admits_ecr_layer_downloads

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
ECR_LAYER_BUCKET = "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/*"
# The ECR guide's "Minimum Amazon S3 Bucket Permissions for Amazon ECR" example, for us-east-1.
ECR_GUIDE_MINIMUM_S3_POLICY = {"Statement": [{"Sid": "Access-to-specific-bucket-only", "Principal": "*",
                                              "Action": ["s3:GetObject"], "Effect": "Allow",
                                              "Resource": [ECR_LAYER_BUCKET]}]}


def _advice(ids: dict[str, str]) -> Triples:
    """Right, as advice. GWE003 (low): CDK creates no DynamoDB gateway endpoint, so DynamoDB
    traffic from the private subnets pays NAT processing where a gateway endpoint is free.
    MON001: ``flowLogs`` defaults to none."""
    return {("GWE003", ids["vpc"], "fail"), ("MON001", ids["vpc"], "fail")}


def _published(ids: dict[str, str]) -> Triples:
    """Right: CDK creates no S3 gateway endpoint either (``gatewayEndpoints`` defaults to none), so
    S3 traffic from the three private subnets pays NAT processing (GWE002, medium)."""
    return _advice(ids) | {("GWE002", ids["vpc"], "fail")}


def _put_to_use(ids: dict[str, str]) -> Triples:
    """Right, as advice: the S3 gateway endpoint and the three interface endpoints keep AWS's
    default full-access policy (POL001; CDK attaches a policy only through ``addToPolicy``)."""
    return _advice(ids) | {("POL001", ids[key], "fail") for key in ("s3", "ecr.dkr", "ecr.api", "logs")}


def _account_and_aws_owned_buckets_policy() -> dict[str, object]:
    """The S3 endpoint policy that GWE002's and IFE003's new gateway endpoint and POL001's
    replacement propose (``rules/_fixes.py``, ``account_scoped_policy``). Its first statement
    admits principals of this account only; ECR's image layers are downloaded with a presigned URL
    "created by an Amazon ECR account" (AWS's data perimeter policy examples,
    ``vpc_endpoint_policies/README.md``) and Amazon Linux reads its repositories anonymously, so the
    second lets anyone ``s3:GetObject`` the AWS-owned layer and Amazon Linux repository buckets of
    us-east-1 — the ECR guide's minimum S3 permissions allow the layer bucket to ``Principal: *``
    with no condition. Rule wrong until it was fixed: the first statement alone refused the layers.
    The third lets CloudFormation's presigned wait condition and custom resource responses through
    (found on the Elastic Beanstalk layout)."""
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "ThisAccountOnly", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
         "Condition": {"StringEquals": {"aws:PrincipalAccount": cdk_default_vpc.ACCOUNT}}},
        {"Sid": "AWSOwnedBucketsRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": [ECR_LAYER_BUCKET, "arn:aws:s3:::amazonlinux.us-east-1.amazonaws.com/*",
                      "arn:aws:s3:::amazonlinux-2-repos-us-east-1/*",
                      "arn:aws:s3:::al2023-repos-us-east-1-de612dc2/*",
                      "arn:aws:s3:::repo.us-east-1.emr.amazonaws.com/*",
                      "arn:aws:s3:::ec2imagebuilder-toe-us-east-1-prod/*",
                      "arn:aws:s3:::ec2imagebuilder-managed-resources-us-east-1-prod/components/*",
                      "arn:aws:s3:::aws-codedeploy-us-east-1/*",
                      "arn:aws:s3:::aws-ssm-us-east-1/*",
                      "arn:aws:s3:::patch-baseline-snapshot-us-east-1/*"]},
        {"Sid": "CloudFormationResponses", "Effect": "Allow", "Principal": "*",
         "Action": ["s3:GetObject", "s3:PutObject"],
         "Resource": ["arn:aws:s3:::cloudformation-waitcondition-us-east-1/*",
                      "arn:aws:s3:::cloudformation-custom-resource-response-useast1/*"]}]}


def _proposed_s3_policy(snapshot: Snapshot, rule_id: str, resource_id: str) -> dict[str, object]:
    """The S3 endpoint policy a finding's fix proposes (new endpoint or replacement)."""
    finding = next(f for f in audit_result(snapshot).findings
                   if (f.rule_id, f.resource.resource_id) == (rule_id, resource_id))
    (document,) = [step.parameters["PolicyDocument"] for step in finding.fix
                   if "PolicyDocument" in step.parameters
                   and str(step.parameters.get("ServiceName", "com.amazonaws.us-east-1.s3")).endswith(".s3")]
    return json.loads(document)


def test_the_snapshot_is_what_cdk_synthesizes() -> None:
    """The builder against ``cdk synth`` of aws-cdk-lib 2.278.0: CIDRs as ``IpAddresses.cidr``
    allocates them, a route table per subnet, public IPs on launch in the public subnets, a NAT
    gateway per AZ and the private subnets on their own AZ's, the restricted default group."""
    snapshot, ids = cdk_default_vpc.build()
    region = snapshot.accounts[0].regions[0]
    subnets = {s.subnet_id: s for s in region.subnets}
    cidrs = [subnets[ids[f"{group}{az}"]].cidr_block for group in ("public", "private") for az in (1, 2, 3)]
    assert cidrs == ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19", "10.0.96.0/19", "10.0.128.0/19", "10.0.160.0/19"]
    assert [subnets[ids[f"public{az}"]].map_public_ip_on_launch for az in (1, 2, 3)] == [True] * 3
    assert [subnets[ids[f"private{az}"]].map_public_ip_on_launch for az in (1, 2, 3)] == [False] * 3
    assert {t.key: t.value for t in subnets[ids["private2"]].tags} == {
        "Name": "AppStack/Vpc/PrivateSubnet2", "aws-cdk:subnet-name": "Private", "aws-cdk:subnet-type": "Private"}
    tables = {t.route_table_id: t for t in region.route_tables}
    for az in (1, 2, 3):
        public, private = tables[ids[f"public{az}_rt"]], tables[ids[f"private{az}_rt"]]
        assert [a.subnet_id for a in public.associations] == [ids[f"public{az}"]]
        assert [a.subnet_id for a in private.associations] == [ids[f"private{az}"]]
        assert {r.destination: r.target_id for r in public.routes} == {"10.0.0.0/16": "local", "0.0.0.0/0": ids["igw"]}
        assert {r.destination: r.target_id for r in private.routes} == {"10.0.0.0/16": "local",
                                                                        "0.0.0.0/0": ids[f"nat{az}"]}
    assert {n.nat_gateway_id: n.subnet_id for n in region.nat_gateways} == {
        ids[f"nat{az}"]: ids[f"public{az}"] for az in (1, 2, 3)}
    (vpc,) = region.vpcs
    assert (vpc.cidr_blocks, vpc.enable_dns_support, vpc.enable_dns_hostnames) == (("10.0.0.0/16",), True, True)
    assert next(g for g in region.security_groups if g.group_id == ids["default_sg"]).rules == ()
    assert region.flow_logs == () and region.vpc_endpoints == ()
    # The environment-agnostic stack: two AZs, so four /18s.
    agnostic, agnostic_ids = cdk_default_vpc.build(env_bound=False)
    agnostic_subnets = {s.subnet_id: s.cidr_block for s in agnostic.accounts[0].regions[0].subnets}
    assert [agnostic_subnets[agnostic_ids[k]] for k in ("public1", "public2", "private1", "private2")] == [
        "10.0.0.0/18", "10.0.64.0/18", "10.0.128.0/18", "10.0.192.0/18"]


def test_findings_and_verdicts_as_published() -> None:
    """``new ec2.Vpc(this, 'Vpc')`` in an account- and Region-bound stack. Silent, rightly: each
    private subnet sends 0.0.0.0/0 to its own AZ's NAT gateway, in a public subnet (no
    NAT001-NAT003); no gateway endpoint for GWE001 to judge; DNS support and hostnames on; no
    interface endpoint; the default NACL allows everything."""
    snapshot, ids = cdk_default_vpc.build()
    assert audit(snapshot) == _published(ids)
    levels = severities(snapshot)
    assert [levels[(rule, ids["vpc"], "")] for rule in ("GWE002", "GWE003", "MON001")] == ["medium", "low", "medium"]


def test_gwe002_fix_proposes_an_s3_policy_that_admits_ecr_layers() -> None:
    """GWE002 is right, and so is its fix (rule wrong until fixed): the S3 gateway endpoint it
    creates admits principals of this account and anyone's reads of the AWS-owned layer and Amazon
    Linux repository buckets, so the first Fargate service pulling from ECR — what a CDK VPC mostly
    carries — still downloads its image layers once that endpoint's prefix-list route wins over
    0.0.0.0/0 to the NAT gateway. It used to carry the account-only statement alone, which refused them."""
    snapshot, ids = cdk_default_vpc.build()
    policy = _proposed_s3_policy(snapshot, "GWE002", ids["vpc"])
    assert policy == _account_and_aws_owned_buckets_policy()
    assert admits_ecr_layer_downloads(policy, "us-east-1")
    assert admits_ecr_layer_downloads(ECR_GUIDE_MINIMUM_S3_POLICY, "us-east-1")


@pytest.mark.parametrize("kwargs", [{"env_bound": False}, {"restrict_default_sg": False}],
                         ids=["environment-agnostic stack", "without the restrictDefaultSecurityGroup flag"])
def test_the_other_default_forms(kwargs: dict[str, bool]) -> None:
    """The same findings, rightly: an environment-agnostic stack gets two AZs of /18s and two NAT
    gateways, each private subnet still on its own AZ's; an app without the feature flag keeps
    AWS's default group rules, which no rule of the catalogue judges (see "Noticed and left alone")."""
    snapshot, ids = cdk_default_vpc.build(**kwargs)
    assert audit(snapshot) == _published(ids)


@pytest.mark.parametrize("tasks", [0, 3], ids=["network stack before the service", "service running"])
def test_put_to_use_with_endpoints_and_a_fargate_service(tasks: int) -> None:
    """The README's endpoints and a Fargate service. Silent, rightly: no GWE002 (the S3 gateway
    endpoint is on all six route tables), no IFE003 (ecr.dkr, ecr.api and the routed S3 gateway
    endpoint are all there, and the optional logs endpoint too), no SG003 / SG004 (``open``
    admits TCP 443 from exactly the VPC's block, which holds the tasks), no SG005 (the service's
    group sends anywhere), no IFE001 / IFE002 (an endpoint ENI in every AZ), no DNS002."""
    snapshot, ids = cdk_default_vpc.build(endpoints=True, tasks=tasks)
    region = snapshot.accounts[0].regions[0]
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    # What CDK synthesizes: the gateway endpoint on every subnet's table, public ones included;
    # each interface endpoint in the three private subnets, private DNS on, behind its own group
    # admitting TCP 443 from the VPC's block and sending anywhere.
    assert set(endpoints[ids["s3"]].route_table_ids) == {ids[f"{g}{az}_rt"] for g in ("public", "private")
                                                         for az in (1, 2, 3)}
    groups = {g.group_id: g for g in region.security_groups}
    for key in ("ecr.dkr", "ecr.api", "logs"):
        endpoint = endpoints[ids[key]]
        assert (set(endpoint.subnet_ids), endpoint.group_ids, endpoint.private_dns_enabled) == (
            {ids[f"private{az}"] for az in (1, 2, 3)}, (ids[f"{key}_sg"],), True)
        assert sorted((r.is_egress, r.ip_protocol, r.from_port, r.cidr_ipv4) for r in groups[ids[f"{key}_sg"]].rules) \
            == [(False, "tcp", 443, "10.0.0.0/16"), (True, "-1", None, "0.0.0.0/0")]
    assert audit(snapshot) == _put_to_use(ids)
    levels = severities(snapshot)
    assert {levels[("POL001", ids[key], "")] for key in ("s3", "ecr.dkr", "ecr.api", "logs")} == {"medium"}


def test_pol001_fix_on_the_s3_endpoint_keeps_the_services_layers() -> None:
    """POL001 on the S3 gateway endpoint is right (advice), and so is its fix (rule wrong until
    fixed): the replacement policy it proposes keeps the layer downloads of this very VPC's ECR
    endpoints and tasks, under a decision that names what it keeps (ECR layers, Amazon Linux
    repositories) and what to add (other AWS-owned buckets, e.g. SSM Agent's)."""
    snapshot, ids = cdk_default_vpc.build(endpoints=True, tasks=3)
    policy = _proposed_s3_policy(snapshot, "POL001", ids["s3"])
    assert policy == _account_and_aws_owned_buckets_policy()
    assert admits_ecr_layer_downloads(policy, "us-east-1")
    finding = next(f for f in audit_result(snapshot).findings if (f.rule_id, f.resource.resource_id) == (
        "POL001", ids["s3"]))
    (decision,) = [step.decision for step in finding.fix]
    assert decision is not None and "ECR image layers" in decision and "SSM Agent" in decision


def test_near_miss_one_nat_gateway() -> None:
    """``natGateways: 1``: private subnets 2 and 3 cross to the NAT gateway in us-east-1a (NAT002,
    medium, each) and their AZs have none of their own (NAT003, medium, each). Right: the prop's
    own doc says "you may be charged for cross-AZ data traffic instead", and AWS recommends a NAT
    gateway per AZ used by that AZ's resources (NAT gateway basics)."""
    snapshot, ids = cdk_default_vpc.build(nat_gateways=1)
    assert "nat2" not in ids and "nat3" not in ids
    cross_az = {("NAT002", ids["private2"], "fail"), ("NAT002", ids["private3"], "fail"),
                ("NAT003", ids["vpc"], "fail")}
    assert audit(snapshot) == _published(ids) | cross_az
    levels = severities(snapshot)
    assert [levels[key] for key in (("NAT002", ids["private2"], ""), ("NAT002", ids["private3"], ""),
                                    ("NAT003", ids["vpc"], "use1-az4"), ("NAT003", ids["vpc"], "use1-az6"))] \
        == ["medium"] * 4


def test_near_miss_ecr_endpoints_without_the_s3_gateway_endpoint() -> None:
    """The interface endpoints without ``addGatewayEndpoint('S3', …)``. Right: the ECR bundle lacks
    the S3 gateway endpoint the ECR guide requires for image layers (IFE003, medium: the tasks'
    subnets have NAT egress, so layers silently go through the NAT gateways), and S3 traffic pays
    NAT processing (GWE002). IFE003's fix is right (rule wrong until fixed): the S3 gateway endpoint
    it creates "which serves ECR image layers" admits the layer downloads ECR's account signs, so
    once its route is in place they come through the endpoint instead of NAT; with the account-only
    policy it used to propose, they were refused."""
    snapshot, ids = cdk_default_vpc.build(endpoints=True, tasks=3, s3_gateway=False)
    assert "s3" not in ids
    expected = _advice(ids) | {("POL001", ids[key], "fail") for key in ("ecr.dkr", "ecr.api", "logs")}
    assert audit(snapshot) == expected | {("IFE003", ids["vpc"], "fail"), ("GWE002", ids["vpc"], "fail")}
    assert severities(snapshot)[("IFE003", ids["vpc"], "ecr:required")] == "medium"
    policy = _proposed_s3_policy(snapshot, "IFE003", ids["vpc"])
    assert policy == _account_and_aws_owned_buckets_policy()
    assert admits_ecr_layer_downloads(policy, "us-east-1")


@pytest.mark.parametrize("tasks", [0, 3], ids=["network stack before the service", "service running"])
def test_near_miss_endpoints_not_open(tasks: int) -> None:
    """``open: false`` (the README example's commented-out line) and no
    ``connections.allowDefaultPortFrom(…)`` afterwards: the groups CDK creates have no inbound
    rule, so every task's ECR and Logs call times out (SG003, high, per endpoint). Right even
    before the service runs: no rule admits anyone, so no future task gets in either — the
    catalogue fires on a group with no inbound rule on the port whether or not workloads exist."""
    snapshot, ids = cdk_default_vpc.build(endpoints=True, tasks=tasks, open_endpoints=False)
    blocked = {("SG003", ids[key], "fail") for key in ("ecr.dkr", "ecr.api", "logs")}
    assert audit(snapshot) == _put_to_use(ids) | blocked
    levels = severities(snapshot)
    assert {levels[("SG003", ids[key], "")] for key in ("ecr.dkr", "ecr.api", "logs")} == {"high"}


def test_near_miss_endpoints_in_one_az() -> None:
    """``subnets: {availabilityZones: ['us-east-1a']}`` on the interface endpoints while the
    service runs in all three AZs. Right: each endpoint lives in one AZ of three (IFE001) and the
    tasks of us-east-1b and us-east-1c cross AZs to it (IFE002), medium each; with private DNS on,
    an impairment of us-east-1a stops image pulls and logs in every AZ."""
    snapshot, ids = cdk_default_vpc.build(endpoints=True, tasks=3, endpoint_azs=1)
    single = {(rule, ids[key], "fail") for rule in ("IFE001", "IFE002") for key in ("ecr.dkr", "ecr.api", "logs")}
    assert audit(snapshot) == _put_to_use(ids) | single
    levels = severities(snapshot)
    assert {levels[(rule, ids[key], "")] for rule in ("IFE001", "IFE002") for key in ("ecr.dkr", "ecr.api", "logs")} \
        == {"medium"}
