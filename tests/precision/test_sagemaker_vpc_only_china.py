"""A SageMaker domain in VPC-only mode in the AWS China (Beijing) Region, reaching SageMaker, STS,
CloudWatch Logs and ECR through interface endpoints under cn-north-1's names and S3 through a
gateway endpoint: every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result, region_view
from layouts import sagemaker_vpc_only_china
from layouts.sagemaker_vpc_only_china import REGION, SERVICES

from vpcaudit.network.services import parse_service_name
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
INTERFACE = tuple(SERVICES)
NO_NOTEBOOK_ENDPOINT = {"notebook": False}
API_PRIVATE_DNS_OFF = {"api_private_dns": False}
DEFAULT_GROUP_SOURCE = {"endpoint_source": "default"}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return sagemaker_vpc_only_china.build(**options)  # type: ignore[arg-type]


def _advice(ids: dict[str, str], keys: tuple[str, ...] = INTERFACE) -> Triples:
    """Right (advice), medium: every interface endpoint keeps AWS's default full-access policy, as
    the commercial sample's do; no flow log. The S3 gateway policy names actions on the project's
    buckets and ECR's layer bucket: no POL001/POL002, and no POL006 — the layer bucket is allowed
    under its ``arn:aws-cn:`` ARN, the partition POL006 derives from the Region."""
    return {*(("POL001", ids[k], "fail") for k in keys if k in ids), ("MON001", ids["vpc"], "fail")}


def test_china_names_parse_to_the_service_keys() -> None:
    """All three naming forms of cn-north-1 parse to the key and Region the rules compare, and the
    engine takes each endpoint's default hostnames from the catalogue's PrivateDnsNames: the API
    and runtime under ``amazonaws.com.cn``, the notebook and Studio under ``sagemaker.com.cn``."""
    for name, key, family in ((f"aws.sagemaker.{REGION}.notebook", "notebook", "sagemaker"),
                              (f"aws.sagemaker.{REGION}.studio", "studio", "sagemaker"),
                              (f"cn.com.amazonaws.{REGION}.sagemaker.api", "sagemaker.api", "aws"),
                              (f"com.amazonaws.{REGION}.logs", "logs", "aws")):
        parsed = parse_service_name(name)
        assert (parsed.key, parsed.region, parsed.family) == (key, REGION, family)
    snapshot, ids = _built()
    view = region_view(snapshot)
    endpoints = {e.vpc_endpoint_id: e for e in snapshot.accounts[0].regions[0].vpc_endpoints}
    for key, (name, _) in SERVICES.items():
        info = view.service(endpoints[ids[key]])
        assert (info.name, info.key, info.is_aws_service, info.details_known) == (name, key, True, True)
    assert view.service(endpoints[ids["sagemaker.api"]]).hostnames == (f"api.sagemaker.{REGION}.amazonaws.com.cn",)
    assert view.service(endpoints[ids["notebook"]]).hostnames == (f"*.notebook.{REGION}.sagemaker.com.cn",)
    assert {f.resource.partition for f in audit_result(snapshot).findings} == {"aws-cn"}


def test_before_the_domain_exists() -> None:
    """Nothing but the advice before CreateDomain: no client yet, and no IFE003 — the ECR bundle
    (``ecr.dkr``, ``ecr.api``, the S3 gateway on the subnet's route table) is complete."""
    snapshot, ids = _built(domain=False)
    assert audit(snapshot) == _advice(ids)


def test_findings_and_verdicts() -> None:
    """The canonical form, domain and two apps. Silent, rightly: SG003 (the endpoint group admits
    443 from the Studio group, which the apps carry); SG005 (the Studio group sends anywhere beside
    the outbound NFS group); DNS003/DNS004 (private DNS on, no private hosted zone); IFE001/IFE002
    (one subnet, one AZ, the endpoints beside their clients); GWE001 (the S3 gateway is on the
    subnet's route table); NAT and RT rules (no way out of the VPC)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _advice(ids)


def test_near_miss_notebook_endpoint_missing() -> None:
    """No ``aws.sagemaker.cn-north-1.notebook`` endpoint. A gap, pinned: nothing fires beyond the
    advice. The SageMaker guide wants that endpoint (private DNS on) for notebook instances reached
    from the VPC, after the API endpoint; without it the presigned notebook URL's
    ``*.notebook.cn-north-1.sagemaker.com.cn`` name resolves publicly and, with no way out of the
    VPC, does not load. IFE003 has no SageMaker bundle, and the snapshot records no notebook
    instance or domain to tell that notebooks are meant to be used from here."""
    snapshot, ids = _built(**NO_NOTEBOOK_ENDPOINT)
    assert "notebook" not in ids
    assert audit(snapshot) == _advice(ids)


def test_near_miss_api_private_dns_off() -> None:
    """Private DNS off on ``cn.com.amazonaws.cn-north-1.sagemaker.api``. Right, medium: DNS003 on it,
    naming ``api.sagemaker.cn-north-1.amazonaws.com.cn`` — the SDKs, the CLI and the presigned-URL
    calls (``CreatePresignedDomainUrl``) then resolve the public API, which the subnet has no route
    to."""
    snapshot, ids = _built(**API_PRIVATE_DNS_OFF)
    assert audit(snapshot) == _advice(ids) | {("DNS003", ids["sagemaker.api"], "fail")}
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "DNS003"]
    assert finding.evidence["hostnames"] == [f"api.sagemaker.{REGION}.amazonaws.com.cn"]


def test_near_miss_endpoint_group_admits_a_group_the_apps_lack() -> None:
    """The endpoint group admitting 443 from the VPC's default group, which the apps do not carry.
    Right, high: SG003 on each of the eight interface endpoints — the Studio guide has the endpoint
    group admit HTTPS from the groups associated with Studio, and no app can reach any of them."""
    snapshot, ids = _built(**DEFAULT_GROUP_SOURCE)
    assert audit(snapshot) == _advice(ids) | {("SG003", ids[k], "fail") for k in INTERFACE}
