"""SageMaker Canvas in a VPC-only SageMaker domain without internet access (aws-samples
sagemaker-domain-vpconly-canvas-with-terraform; SageMaker developer guide, "Configure Amazon
SageMaker Canvas in a VPC without internet access"): every finding and its verdict
(docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result, region_view, severities
from layouts import sagemaker_canvas_vpc_only
from layouts.sagemaker_canvas_vpc_only import CANVAS_ENDPOINTS, GUIDE_ONLY, INTERFACE_ENDPOINTS

from vpcaudit.network.services import parse_service_name
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return sagemaker_canvas_vpc_only.build(**options)  # type: ignore[arg-type]


def _full_access(ids: dict[str, str]) -> Triples:
    """Right, as advice (medium): POL001 on the thirteen interface endpoints, none declaring a
    policy (AWS's default full access): any principal, another account's too, may use them. And
    Right on the S3 gateway endpoint: the template declares no policy where the guide's Step 2
    says an S3 endpoint policy must be added."""
    return {("POL001", ids[key], "fail") for key in (*INTERFACE_ENDPOINTS, "s3") if key in ids}


def _endpoint_keys(snapshot: Snapshot) -> set[str]:
    return {parse_service_name(e.service_name).key for e in snapshot.accounts[0].regions[0].vpc_endpoints}


def test_template_before_the_domain() -> None:
    """Before ``CreateDomain``: POL001 ×14 and nothing else. No MON001: the template's flow log
    records ALL traffic. No IFE001/IFE002: every endpoint is in both subnets. No SG004: the
    endpoints' group admits the VPC's own block. No GWE rule: the S3 gateway endpoint is on the
    only table and nothing leaves the VPC."""
    snapshot, ids = _built(domain=False)
    assert audit(snapshot) == _full_access(ids)
    assert severities(snapshot)[("POL001", ids["s3"], "")] == "medium"


def test_domain_and_canvas_app() -> None:
    """With the domain's EFS mount targets, SageMaker's NFS groups and the Canvas interface: the
    same fourteen. No SG003: the endpoints' group admits TCP 443 from 10.0.0.0/23, which holds the
    Canvas interface. No SG005: ``sagemaker_sg`` sends anywhere. The mount targets are no clients;
    the Canvas interface is the one workload.

    A gap, pinned: of the guide's table of Canvas endpoints the template creates neither notebook,
    ecr.api, ecr.dkr, ec2, secretsmanager, ssm, monitoring nor logs, and nothing fires — vpcaudit
    has no Canvas bundle, and nothing in the snapshot says the VPC is a domain's (DescribeDomain is
    not collected). The guide's Step 3 makes the miss quiet: Canvas looks the endpoints up and runs
    standard builds in the AWS-managed VPC when they are absent."""
    snapshot, ids = _built()
    assert audit(snapshot) == _full_access(ids)
    assert [e.network_interface_id for e in region_view(snapshot).workload_enis(ids["vpc"])] == [ids["canvas_app"]]
    keys = _endpoint_keys(snapshot)
    assert set(CANVAS_ENDPOINTS) | {"s3"} <= keys
    assert not keys & set(GUIDE_ONLY)


def test_the_guides_s3_policy() -> None:
    """The S3 gateway endpoint with the guide's policy instead of none: POL001 goes, POL002 comes
    (low) — Right, as advice: the second statement grants ``s3:ListBucket`` (and
    ``s3:ListAllMyBuckets``, which takes only ``*``) on every bucket, any account's, to any
    principal, with no condition; a ``aws:PrincipalAccount`` or ``aws:ResourceAccount`` condition,
    or ListBucket on the ``*sagemaker*`` buckets alone, would scope it."""
    snapshot, ids = _built(s3_policy="guide")
    expected = (_full_access(ids) - {("POL001", ids["s3"], "fail")}) | {("POL002", ids["s3"], "fail")}
    assert audit(snapshot) == expected
    assert severities(snapshot)[("POL002", ids["s3"], "")] == "low"
    (finding,) = [f for f in audit_result(snapshot).findings
                  if f.rule_id == "POL002" and f.resource.resource_id == ids["s3"]]
    assert "statement #2" in finding.message


def test_near_miss_feature_endpoint_or_sts_missing() -> None:
    """The ``textract`` endpoint left out (Canvas's document features call Amazon Textract), then
    ``sts``: calls to that service from the Canvas application time out in the VPC-only domain.
    A gap, pinned: the audit is the canonical one less the missing endpoint's POL001. No rule
    knows which endpoints a Canvas application needs: its interface has no documented mark, and
    the domain's ``AppNetworkAccessType`` is not collected; IFE003's bundles are started by an
    endpoint or a recognised workload, none of them SageMaker's."""
    for missing in ("textract", "sts"):
        snapshot, ids = _built(omit=(missing,))
        assert missing not in ids
        assert missing not in _endpoint_keys(snapshot)
        assert audit(snapshot) == _full_access(ids)
        assert len(_full_access(ids)) == 13


def test_near_miss_dns_hostnames_off() -> None:
    """``enable_dns_hostnames`` off: DNS002 on the VPC, high — right: private DNS of interface
    endpoints needs both DNS attributes, and the guide requires private DNS for Canvas's
    endpoints; the service names would not be answered with the endpoints' addresses."""
    snapshot, ids = _built(dns_hostnames=False)
    assert audit(snapshot) == _full_access(ids) | {("DNS002", ids["vpc"], "fail")}
    assert severities(snapshot)[("DNS002", ids["vpc"], "")] == "high"


def test_near_miss_endpoint_group_does_not_admit_the_users_group() -> None:
    """``vpc_endpoint_sg`` admitting TCP 443 from ``sagemaker_sg`` (the group form) while the
    user profile overrides its groups with ``canvas-users`` (the guide's Step 4): SG003 on all
    thirteen interface endpoints, high — right: the Canvas interface carries neither the source
    group nor an address the group admits, so every call through them is dropped. Silent, rightly,
    with either change alone: the group form admits the template's group, which the Canvas
    interface then carries, and the VPC block admits any group."""
    snapshot, ids = _built(endpoint_source="group", user_override=True)
    sg003 = {("SG003", ids[key], "fail") for key in INTERFACE_ENDPOINTS}
    assert audit(snapshot) == _full_access(ids) | sg003
    levels = severities(snapshot)
    assert {levels[(rule, endpoint, "")] for rule, endpoint, _ in sg003} == {"high"}
    for alone in ({"endpoint_source": "group"}, {"user_override": True}):
        snapshot, ids = _built(**alone)
        assert audit(snapshot) == _full_access(ids)
