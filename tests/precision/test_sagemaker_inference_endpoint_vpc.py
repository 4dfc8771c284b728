"""A SageMaker real-time endpoint whose model has a ``VpcConfig`` in isolated subnets, invoked by a
Lambda function through the ``sagemaker.runtime`` interface endpoint (AWS Solutions Constructs
``aws-lambda-sagemakerendpoint`` with ``deployVpc``, plus ``ecr.api`` and ``ecr.dkr``): every finding
and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

import pytest
from aws_layout import audit, audit_result, region_view, severities
from layouts import sagemaker_inference_endpoint_vpc
from layouts.sagemaker_inference_endpoint_vpc import INTERFACE_ENDPOINTS, RUNTIME_SERVICE, VPC_CIDR

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
ECR = pytest.mark.parametrize("ecr", [True, False], ids=["with ECR endpoints", "pattern as published"])
NO_S3 = {"s3": False}
RUNTIME_ADMITS_MODEL_ONLY = {"runtime_sources": "model"}
MODEL_IN_ONE_AZ = {"model_azs": 1}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return sagemaker_inference_endpoint_vpc.build(**options)  # type: ignore[arg-type]


def _interface_keys(ids: dict[str, str]) -> list[str]:
    return [key for key in INTERFACE_ENDPOINTS if key in ids]


def _default_policies(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: POL001 on every endpoint. The construct library passes no policy
    to ``addGatewayEndpoint`` nor ``addInterfaceEndpoint``, so each gets AWS's default full access
    for any principal, another account's too. The developer guide recommends for the S3 endpoint
    "a custom policy that allows only requests from your private VPC to access to your S3
    buckets"; the authors accept the default."""
    return {("POL001", ids[key], "fail") for key in ("s3", *_interface_keys(ids)) if key in ids}


def _logs_endpoint_optional(ids: dict[str, str]) -> Triples:
    """Right (advice), info: IFE003's optional half on the VPC — with ``ecr.dkr`` present, a
    ``logs`` endpoint for the awslogs log driver. Nothing here uses that driver: Lambda and
    SageMaker hosting deliver their logs themselves (assumed for SageMaker: the guide does not
    say which network the container logs leave by), so the note costs nothing to accept."""
    return {("IFE003", ids["vpc"], "fail")} if "ecr.dkr" in ids else set()


def _canonical(ids: dict[str, str]) -> Triples:
    return _default_policies(ids) | _logs_endpoint_optional(ids)


def test_the_snapshot_is_the_pattern() -> None:
    """The builder against the construct: two isolated /18 subnets, each on its own table holding
    the local route and the S3 prefix-list route; a flow log; the three interface endpoints in
    both subnets, private DNS on, each behind a group of its own admitting 443 from the VPC's
    block; the model's interface (assumed fields: ``interface``, not requester-managed, no
    RequesterId, no description) and the function's two ``lambda`` interfaces, all workloads."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    (vpc,) = region.vpcs
    assert (vpc.cidr_blocks, vpc.enable_dns_support, vpc.enable_dns_hostnames) == ((VPC_CIDR,), True, True)
    assert not region.internet_gateways and not region.nat_gateways
    assert [(f.resource_id, f.traffic_type) for f in region.flow_logs] == [(ids["vpc"], "ALL")]
    assert sorted((s.cidr_block, s.availability_zone_id) for s in region.subnets) == [
        ("10.0.0.0/18", "use1-az1"), ("10.0.64.0/18", "use1-az2")]
    tables = {t.route_table_id: t for t in region.route_tables}
    for az in (1, 2):
        table = tables[ids[f"isolated_rt{az}"]]
        assert [a.subnet_id for a in table.associations] == [ids[f"isolated{az}"]]
        assert sorted(r.target_kind for r in table.routes) == ["local", "vpce"]
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    groups = {g.group_id: g for g in region.security_groups}
    both = tuple(sorted((ids["isolated1"], ids["isolated2"])))
    for key in INTERFACE_ENDPOINTS:
        endpoint = endpoints[ids[key]]
        assert (endpoint.subnet_ids, endpoint.group_ids, endpoint.private_dns_enabled) == (
            both, (ids[f"{key}_sg"],), True)
        assert [(r.ip_protocol, r.from_port, r.cidr_ipv4) for r in groups[ids[f"{key}_sg"]].rules
                if not r.is_egress] == [("tcp", 443, VPC_CIDR)]
    assert endpoints[ids["sagemaker.runtime"]].service_name == RUNTIME_SERVICE
    assert endpoints[ids["s3"]].route_table_ids == tuple(sorted((ids["isolated_rt1"], ids["isolated_rt2"])))
    view = region_view(snapshot)
    model = view.interfaces[ids["model_eni"]]
    assert (model.interface_type, model.requester_managed, model.requester_id, model.description,
            model.subnet_id, model.group_ids) == ("interface", False, None, "", ids["isolated1"], (ids["model_sg"],))
    for n in (1, 2):
        function = view.interfaces[ids[f"lambda_eni{n}"]]
        assert (function.interface_type, function.requester_managed, function.group_ids) == (
            "lambda", True, (ids["function_sg"],))
    assert {e.network_interface_id for e in view.workload_enis(ids["vpc"])} == {
        ids["model_eni"], ids["lambda_eni1"], ids["lambda_eni2"]}


@ECR
def test_findings_and_verdicts(ecr: bool) -> None:
    """POL001 on every endpoint (medium) and, with the ECR endpoints, IFE003's optional logs note
    (info). Silent, rightly: MON001 (the construct's flow log), SG001-SG006 (each endpoint group
    admits 443 from the VPC's block, which holds every workload; all egress open), IFE001/IFE002
    (every interface endpoint in both AZs), IFE003's required half (the S3 gateway route on both
    tables), POL006 (default S3 policy), GWE001 (both tables routed), DNS001-DNS003, NAT and RT
    rules (no way out, none needed)."""
    snapshot, ids = _built(ecr=ecr)
    assert ("ecr.dkr" in ids) is ecr
    assert audit(snapshot) == _canonical(ids)
    levels = severities(snapshot)
    assert {levels[(rule, resource, "")] for rule, resource, _ in _default_policies(ids)} == {"medium"}
    if ecr:
        assert levels[("IFE003", ids["vpc"], "ecr:optional")] == "info"
        (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "IFE003"]
        assert finding.evidence["missing"] == ["logs"]


def test_near_miss_without_the_s3_gateway_endpoint() -> None:
    """No S3 gateway endpoint, ECR endpoints present: IFE003's required half, high — right:
    "image layers are downloaded from S3", and both subnets are isolated, so a pull made from
    the VPC through ``ecr.dkr`` fails. The worse break, the model container unable to download
    ``model.tar.gz`` (the guide: without internet the containers "can't connect to the Amazon S3
    buckets … unless you create a VPC endpoint"), is flagged only by way of ECR (next test)."""
    snapshot, ids = _built(**NO_S3)
    assert "s3" not in ids
    assert audit(snapshot) == _canonical(ids)
    assert severities(snapshot)[("IFE003", ids["vpc"], "ecr:required")] == "high"
    required = [f for f in audit_result(snapshot).findings
                if f.rule_id == "IFE003" and f.evidence["missing"] == ["s3 (gateway)"]]
    assert [sorted(f.evidence["isolated_subnet_ids"]) for f in required] == [
        sorted((ids["isolated1"], ids["isolated2"]))]


def test_near_miss_without_the_s3_gateway_endpoint_nor_ecr_endpoints() -> None:
    """The pattern without its S3 gateway endpoint: only POL001 on the runtime endpoint. A gap,
    pinned: the endpoint never becomes InService, since SageMaker downloads the model artifacts
    through the model's interface in an isolated subnet with no path to S3. No rule ties a
    SageMaker model's interface to S3: which bucket ``ModelDataUrl`` names is in the model
    definition (DescribeModel), which the snapshot does not collect, and the interface carries no
    mark saying it is a SageMaker model's (assumed empty description)."""
    snapshot, ids = _built(s3=False, ecr=False)
    assert audit(snapshot) == {("POL001", ids["sagemaker.runtime"], "fail")}


def test_near_miss_runtime_endpoint_admits_the_model_group_only() -> None:
    """The runtime endpoint's group narrowed to TCP 443 from the model's group, the function's
    group forgotten: every InvokeEndpoint from the function times out. A gap, pinned: the audit
    is the canonical one. SG003 passes as soon as one workload that may call the service is
    admitted, and the model's interface is one (a container may call SageMaker Runtime); which
    workload is the endpoint's real client (the function, by its role's
    ``sagemaker:InvokeEndpoint``) is not in the snapshot."""
    snapshot, ids = _built(**RUNTIME_ADMITS_MODEL_ONLY)
    assert audit(snapshot) == _canonical(ids)
    groups = {g.group_id: g for g in snapshot.accounts[0].regions[0].security_groups}
    sources = {(r.referenced_group_id, r.cidr_ipv4) for r in groups[ids["sagemaker.runtime_sg"]].rules
               if not r.is_egress}
    assert sources == {(ids["model_sg"], None)}


def test_near_miss_model_subnets_in_one_az() -> None:
    """``VpcConfig`` naming ``isolatedSubnet1`` alone, against the guide's "You must create at
    least two subnets in different availability zones … even if you have only one hosting
    instance". A gap, pinned: with one instance the snapshot is the canonical one, interface and
    all, since the model's subnet list lives in DescribeModel, which is not collected."""
    snapshot, ids = _built(**MODEL_IN_ONE_AZ)
    assert snapshot == _built()[0]
    assert audit(snapshot) == _canonical(ids)
    assert region_view(snapshot).interfaces[ids["model_eni"]].subnet_id == ids["isolated1"]
