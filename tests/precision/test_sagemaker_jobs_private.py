"""SageMaker training and processing jobs and a real-time endpoint in private subnets without
internet access (aws-samples amazon-sagemaker-secure-mlops ``env-vpc.yaml``, internet-free mode):
every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

import json
from functools import cache

import pytest
from aws_layout import audit, audit_result, region_view, severities
from layouts import sagemaker_jobs_private
from layouts.sagemaker_jobs_private import ACCOUNT, DATA_BUCKET, INTERFACE_ENDPOINTS, MODEL_BUCKET, REGION
from policy_eval import admits_ecr_layer_downloads, allows

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
WORKLOADS = pytest.mark.parametrize("workloads", [False, True], ids=["network alone", "jobs and endpoint running"])
THIS_ACCOUNT = {"aws:PrincipalAccount": ACCOUNT}
# SageMaker's default bucket, where the SDK uploads the seed pipeline's code and input data.
DEFAULT_BUCKET = f"sagemaker-{REGION}-{ACCOUNT}"
JOB_ENIS = ("training_0", "training_1", "processing", "endpoint_1", "endpoint_2")


@cache
def _built(**variant: bool | int) -> tuple[Snapshot, dict[str, str]]:
    """Each variant built once: the builder is deterministic and the snapshot immutable."""
    return sagemaker_jobs_private.build(**variant)  # type: ignore[arg-type]


def _fix(snapshot: Snapshot, rule_id: str, resource_id: str) -> list[tuple[str, dict[str, object], bool]]:
    (finding,) = [f for f in audit_result(snapshot).findings
                  if f.rule_id == rule_id and f.resource.resource_id == resource_id]
    return [(s.action, s.parameters, s.ready) for s in finding.fix]


def _advice(ids: dict[str, str]) -> Triples:
    """Right, as advice (medium). MON001: ``CreateVPCFlowLogsToCloudWatch`` defaults to NO. POL001
    on every interface endpoint: fourteen declare no ``PolicyDocument`` and get AWS's default full
    access, kms spells the same statement out; any principal, another account's too, may use them
    for any resource."""
    return {("MON001", ids["vpc"], "fail")} | {("POL001", ids[key], "fail") for key in INTERFACE_ENDPOINTS
                                                if key in ids}


def _s3_tag_statements(ids: dict[str, str]) -> Triples:
    """Right, as advice (low): POL002 on the S3 gateway endpoint. Statements #3 and #4 let any
    principal read any object of any bucket, this account's or not, tagged ``SageMaker=true`` or
    ``servicecatalog:provisioning=true`` — tags whoever owns an object can set — with no
    principal or resource scoping."""
    return {("POL002", ids["s3"], "fail")}


def _endpoint_group_extra_ports(ids: dict[str, str]) -> Triples:
    """Right (medium): SG002 on ``sg-vpce-…``, which sits on the interface endpoints alone and
    admits all traffic from the VPC's block and TCP 2049 from both private subnets, while the
    services take TCP 443 (and 22, git-codecommit's SSH): "An interface endpoint supports TCP
    traffic only", and no endpoint listens on 2049."""
    return {("SG002", ids["endpoint_sg"], "fail")}


def _layer_downloads_not_told(ids: dict[str, str]) -> Triples:
    """Right, by the catalogue: POL006 not evaluated. With ecr.dkr in the VPC, whether the
    template's policy lets an ECR layer download through cannot be told from what AWS documents:
    statement #1 names ``arn:aws:s3:::*sagemaker*`` and the like, which match an object of
    ``prod-us-east-1-starport-layer-bucket`` whose key holds that word, and #3 and #4 test object
    tags; the ECR guide documents the layer objects as ``prod-<region>-starport-layer-bucket/*``,
    neither their keys nor their tags. The rule never guesses (see "Noticed and left alone")."""
    return {("POL006", ids["s3"], "not_evaluated")}


def _template(ids: dict[str, str]) -> Triples:
    return _advice(ids) | _s3_tag_statements(ids) | _endpoint_group_extra_ports(ids) | _layer_downloads_not_told(ids)


def test_the_snapshot_is_the_template() -> None:
    """The builder against ``env-vpc.yaml`` (internet-free) and the seed jobs: two private subnets,
    each on its own table holding the local route and the S3 prefix-list route only; the SageMaker
    group with its self-referencing rule and egress anywhere; fifteen interface endpoints in both
    subnets behind ``sg-vpce-…``; five job and endpoint interfaces, role-created (not
    requester-managed, no RequesterId, no description), all workloads of the VPC."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    (vpc,) = region.vpcs
    assert (vpc.cidr_blocks, vpc.enable_dns_support, vpc.enable_dns_hostnames) == (("10.0.0.0/16",), True, True)
    (dhcp,) = [d for d in region.dhcp_options if d.dhcp_options_id == vpc.dhcp_options_id]
    assert (dhcp.domain_name_servers, dhcp.domain_name) == (("AmazonProvidedDNS",), "ec2.internal")
    assert not region.internet_gateways and not region.nat_gateways and not region.flow_logs
    assert sorted((s.cidr_block, s.availability_zone_id) for s in region.subnets) == [
        ("10.0.0.0/19", "use1-az1"), ("10.0.32.0/19", "use1-az2")]
    tables = {t.route_table_id: t for t in region.route_tables}
    for az in (1, 2):
        table = tables[ids[f"private_rt{az}"]]
        assert [a.subnet_id for a in table.associations] == [ids[f"private{az}"]]
        assert sorted(r.target_kind for r in table.routes) == ["local", "vpce"]
    groups = {g.group_id: g for g in region.security_groups}
    assert sorted((r.is_egress, r.ip_protocol, r.cidr_ipv4, r.referenced_group_id)
                  for r in groups[ids["sagemaker_sg"]].rules) == [
        (False, "-1", None, ids["sagemaker_sg"]), (True, "-1", "0.0.0.0/0", None)]
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    for key in INTERFACE_ENDPOINTS:
        endpoint = endpoints[ids[key]]
        assert (endpoint.subnet_ids, endpoint.group_ids, endpoint.private_dns_enabled) == (
            tuple(sorted((ids["private1"], ids["private2"]))), (ids["endpoint_sg"],), True)
    assert endpoints[ids["s3"]].route_table_ids == tuple(sorted((ids["private_rt1"], ids["private_rt2"])))
    view = region_view(snapshot)
    for key in JOB_ENIS:
        eni = view.interfaces[ids[key]]
        assert (eni.interface_type, eni.requester_managed, eni.requester_id, eni.description, eni.group_ids) \
            == ("interface", False, None, "", (ids["sagemaker_sg"],))
    assert {e.network_interface_id for e in view.workload_enis(ids["vpc"])} == {ids[key] for key in JOB_ENIS}


@WORKLOADS
def test_findings_and_verdicts_of_the_template(workloads: bool) -> None:
    """The template as published, before any job and with the jobs and the endpoint running:
    MON001 and POL001 × 15 (medium), POL002 (low), SG002 (medium), POL006 not evaluated. Silent,
    rightly: SG003 (443 admitted from the SageMaker group and the VPC), SG005 (egress anywhere),
    IFE001/IFE002 (every endpoint in both AZs), IFE003 (ecr.dkr, ecr.api and the S3 route on both
    tables), GWE001, DNS001/DNS002, DNS005 (AmazonProvidedDNS), SG004/SG006, NAT rules."""
    snapshot, ids = _built(workloads=workloads)
    assert audit(snapshot) == _template(ids)
    levels = severities(snapshot)
    assert (levels[("POL002", ids["s3"], "")], levels[("SG002", ids["endpoint_sg"], "")]) == ("low", "medium")
    assert {level for (rule, _, _), level in levels.items() if rule in ("MON001", "POL001")} == {"medium"}


def test_sg002s_fix_keeps_the_services_ports() -> None:
    """SG002's fix narrows the group in place, ready: TCP 22 and 443 from each source of the wide
    rules (443 from the subnets is already held), then revokes them. Right: the group carries the
    endpoints alone, and git-codecommit's SSH keeps working."""
    snapshot, ids = _built()
    group = ids["endpoint_sg"]

    def tcp(*ports: int, cidr: str) -> list[dict[str, object]]:
        return [{"IpProtocol": "tcp", "FromPort": p, "ToPort": p, "IpRanges": [{"CidrIp": cidr}]} for p in ports]

    steps = _fix(snapshot, "SG002", group)
    assert [(action, parameters.get("IpPermissions"), ready) for action, parameters, ready in steps[:3]] == [
        ("ec2:AuthorizeSecurityGroupIngress", tcp(22, 443, cidr="10.0.0.0/16"), True),
        ("ec2:AuthorizeSecurityGroupIngress", tcp(22, cidr="10.0.0.0/19"), True),
        ("ec2:AuthorizeSecurityGroupIngress", tcp(22, cidr="10.0.32.0/19"), True)]
    region = snapshot.accounts[0].regions[0]
    (endpoint_group,) = [g for g in region.security_groups if g.group_id == group]
    wide = sorted(r.rule_id for r in endpoint_group.rules if not r.is_egress and r.from_port != 443)
    assert steps[3] == ("ec2:RevokeSecurityGroupIngress", {"GroupId": group, "SecurityGroupRuleIds": wide}, True)


def test_pol002s_fix_keeps_what_the_jobs_do_in_s3() -> None:
    """POL002's replacement (waiting for a decision): right for the jobs. SageMaker downloads the
    channels and uploads the model "using your SageMaker execution role", and the seed's code and
    data go through the default bucket with the same role: this account's principal, let through
    on every bucket. ECR layers stay readable for ECR's account. A principal of another account
    writing to a bucket named ``*sagemaker*`` — which statement #1 lets through today — is refused."""
    snapshot, ids = _built()
    ((action, parameters, ready),) = _fix(snapshot, "POL002", ids["s3"])
    assert (action, ready) == ("ec2:ModifyVpcEndpoint", False)
    document = str(parameters["PolicyDocument"])
    for bucket in (DATA_BUCKET, MODEL_BUCKET, DEFAULT_BUCKET):
        assert allows(document, "s3:GetObject", f"arn:aws:s3:::{bucket}/abalone/train.csv", THIS_ACCOUNT)
        assert allows(document, "s3:PutObject", f"arn:aws:s3:::{bucket}/abalone/model.tar.gz", THIS_ACCOUNT)
    assert admits_ecr_layer_downloads(document, REGION)
    outsider = {"aws:PrincipalAccount": "222222222222"}
    assert allows(sagemaker_jobs_private.template_s3_policy(), "s3:PutObject",
                  "arn:aws:s3:::exfil-sagemaker/data.csv", outsider)
    assert not allows(document, "s3:PutObject", "arn:aws:s3:::exfil-sagemaker/data.csv", outsider)


@pytest.mark.parametrize("data_only", [False, True], ids=["template's S3 policy", "data bucket alone"])
def test_without_ecr_endpoints_no_image_pull_is_refused(data_only: bool) -> None:
    """``CreateECRAPIVPCEndpoint`` and ``CreateECRVPCEndpoint`` NO: POL006 neither fires nor
    gives up, whatever the S3 policy. Right: "Amazon SageMaker automatically pulls the training
    container image from Amazon ECR" (train-vpc.md) — the developer guide asks for no subnet for it,
    and no ECR endpoint — so a bucket-limited S3 endpoint policy refuses none of the jobs' or the endpoint's
    images; only pulls made from the VPC itself pass the S3 endpoint."""
    snapshot, ids = _built(ecr=False, data_only=data_only)
    assert "ecr.dkr" not in ids
    expected = _advice(ids) | _endpoint_group_extra_ports(ids)
    assert audit(snapshot) == expected | (set() if data_only else _s3_tag_statements(ids))


def test_near_miss_without_the_self_referencing_rule_goes_unreported() -> None:
    """``SageMakerSecurityGroupSelfIngress`` left out: the group admits nothing, so the two
    training instances cannot reach each other and the distributed job hangs (the guide: "In
    distributed training, you must allow communication between the different containers in the
    same training job"; the seed's inter-container traffic encryption adds rules of its own to the
    group, ESP 50 among them). Nothing else changes: the endpoints admit the group by reference.
    A gap, pinned: no rule judges traffic between workloads, and which interfaces form one job is
    not in the snapshot."""
    snapshot, ids = _built(self_ingress=False)
    region = snapshot.accounts[0].regions[0]
    (group,) = [g for g in region.security_groups if g.group_id == ids["sagemaker_sg"]]
    assert not [r for r in group.rules if not r.is_egress]
    assert audit(snapshot) == _template(ids)


def test_near_miss_egress_to_the_group_alone() -> None:
    """The SageMaker group's egress narrowed to itself (the guide's EFA sentence, "both inbound and
    outbound connections allow all traffic from the same security group", taken for the only
    egress): SG005 on the group, medium — right: the jobs reach none of the fifteen endpoints
    (logs, metrics, STS, the SageMaker API), nor S3 through the gateway endpoint, whose calls go
    to S3's public addresses (the prefix list). Its fix adds TCP 22 and 443 to the endpoints'
    group and TCP 443 to S3's prefix list, ready. The S3 part was a gap: no rule judged a
    workload's egress to a gateway endpoint, and the fix left it refused."""
    snapshot, ids = _built(self_egress_only=True)
    assert audit(snapshot) == _template(ids) | {("SG005", ids["sagemaker_sg"], "fail")}
    assert severities(snapshot)[("SG005", ids["sagemaker_sg"], "")] == "medium"
    to_endpoints = [{"GroupId": ids["endpoint_sg"]}]
    s3_list = next(p.prefix_list_id for p in snapshot.accounts[0].regions[0].prefix_lists
                   if p.prefix_list_name.endswith(".s3"))
    assert _fix(snapshot, "SG005", ids["sagemaker_sg"]) == [
        ("ec2:AuthorizeSecurityGroupEgress", {"GroupId": ids["sagemaker_sg"], "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "UserIdGroupPairs": to_endpoints}
            for port in (22, 443)]}, True),
        ("ec2:AuthorizeSecurityGroupEgress", {"GroupId": ids["sagemaker_sg"], "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "PrefixListIds": [{"PrefixListId": s3_list}]}]},
         True)]


def test_near_miss_between_jobs_egress_to_the_group_alone() -> None:
    """The same group with no job or endpoint running: nothing — right by the catalogue, no
    interface carries the group yet."""
    snapshot, ids = _built(self_egress_only=True, workloads=False)
    assert audit(snapshot) == _template(ids)


def test_near_miss_s3_policy_for_the_data_bucket_alone() -> None:
    """The S3 endpoint policy cut down to three actions on the data bucket: POL006, high — right:
    with ecr.dkr in the VPC and no statement admitting ``prod-us-east-1-starport-layer-bucket``,
    every pull made from the VPC through that endpoint is refused (the ECR guide's minimum S3
    permissions); the finding does not concern the jobs' own images, which SageMaker pulls itself.
    Its fix keeps the data statement and adds the AWS-owned reads, ready. POL002 goes: no
    wildcard is left. The training job's model upload to the models bucket and the seed's code in
    SageMaker's default bucket are refused too: a gap, pinned — which buckets a job uses is in its
    definition, which the snapshot does not collect."""
    snapshot, ids = _built(data_only=True)
    assert audit(snapshot) == _advice(ids) | _endpoint_group_extra_ports(ids) | {("POL006", ids["s3"], "fail")}
    assert severities(snapshot)[("POL006", ids["s3"], "")] == "high"
    ((action, parameters, ready),) = _fix(snapshot, "POL006", ids["s3"])
    document = str(parameters["PolicyDocument"])
    assert (action, ready) == ("ec2:ModifyVpcEndpoint", True)
    assert admits_ecr_layer_downloads(document, REGION)
    assert allows(document, "s3:GetObject", f"arn:aws:s3:::{DATA_BUCKET}/abalone/abalone.csv", THIS_ACCOUNT)
    for bucket in (MODEL_BUCKET, DEFAULT_BUCKET):
        assert not allows(document, "s3:PutObject", f"arn:aws:s3:::{bucket}/abalone/model.tar.gz", THIS_ACCOUNT)
    assert json.loads(document)["Statement"][0] == json.loads(sagemaker_jobs_private.data_only_policy())["Statement"][0]


def test_near_miss_interface_endpoints_in_one_az() -> None:
    """Every interface endpoint in the first subnet alone while the processing job and one
    endpoint instance run in the second AZ: IFE001 and IFE002 on all fifteen, medium — right: an
    impairment of use1-az1 cuts the jobs off the services, and use1-az2's calls cross AZs. IFE002
    names use1-az2 and its subnet; both fixes add that subnet, ready."""
    snapshot, ids = _built(endpoint_azs=1)
    per_endpoint = {(rule, ids[key], "fail") for rule in ("IFE001", "IFE002") for key in INTERFACE_ENDPOINTS}
    assert audit(snapshot) == _template(ids) | per_endpoint
    levels = severities(snapshot)
    assert {levels[(rule, endpoint, "")] for rule, endpoint, _ in per_endpoint} == {"medium"}
    (ife002,) = [f for f in audit_result(snapshot).findings
                 if f.rule_id == "IFE002" and f.resource.resource_id == ids["logs"]]
    evidence = ife002.evidence
    assert (evidence["missing_az_ids"], evidence["client_subnet_ids"]) == (["use1-az2"], [ids["private2"]])
    for rule in ("IFE001", "IFE002"):
        assert _fix(snapshot, rule, ids["sts"]) == [
            ("ec2:ModifyVpcEndpoint", {"VpcEndpointId": ids["sts"], "AddSubnetIds": [ids["private2"]]}, True)]
