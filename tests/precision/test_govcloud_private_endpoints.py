"""A private workload VPC in AWS GovCloud (US-West) reaching AWS services through interface
endpoints (KMS through ``kms-fips``) and S3/DynamoDB gateway endpoints, its endpoint policies in the
``aws-us-gov`` partition: every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result, region_view
from layouts import govcloud_private_endpoints
from layouts.govcloud_private_endpoints import INTERFACE_KEYS, KMS_FIPS_SERVICE, KMS_SERVICE

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
KMS_BESIDE_FIPS = {"kms_beside_fips": True}
COMMERCIAL_ARNS = {"policy_partition": "aws"}
S3_ROUTE_ON_TWO_TABLES = {"s3_route_tables": 2}
GROUP_ADMITS_ADMINS = {"endpoint_group_admits": "gov-admin"}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return govcloud_private_endpoints.build(**options)  # type: ignore[arg-type]


def _session_kms(ids: dict[str, str]) -> Triples:
    """Right (advice), info: Session Manager's endpoints are there without a ``kms`` endpoint. The
    VPC's ``kms-fips`` endpoint owns only ``kms-fips.us-gov-west-1.amazonaws.com``; SSM Agent, like
    any SDK client not told to use FIPS endpoints, calls ``kms.us-gov-west-1.amazonaws.com``, which
    has no endpoint here and no way out, so KMS-encrypted sessions would fail unless the agent's
    SDK is set to FIPS (assumed: the Session Manager prerequisites name ``kms`` only)."""
    return {("IFE003", ids["vpc"], "fail")}


def _partition_mismatch(ids: dict[str, str]) -> Triples:
    """Right, high: with ``arn:aws:`` resources the only Allow of each scoped policy matches nothing
    (a Resource ARN matches segment by segment, the partition included; every request through a
    us-gov-west-1 endpoint acts on ``arn:aws-us-gov:`` resources), so the S3 and DynamoDB gateway
    endpoints and the kms-fips endpoint deny everything. The account-scoped policies (``Resource``
    ``*``) are unaffected. POL007, medium, on the S3 gateway as well: SSM Agent's reads of
    ``arn:aws-us-gov:s3:::aws-ssm-us-gov-west-1/*`` are refused."""
    return {("POL005", ids["s3_gateway"], "fail"), ("POL005", ids["dynamodb_gateway"], "fail"),
            ("POL005", ids["kms-fips"], "fail"), ("POL007", ids["s3_gateway"], "fail")}


def test_the_govcloud_catalogue_and_endpoint_names() -> None:
    """The snapshot holds us-gov-west-1 as DescribeVpcEndpointServices and DescribeVpcEndpoints
    would: ``com.amazonaws.us-gov-west-1.<svc>`` names, ``amazonaws.com`` DNS names, the FIPS KMS
    service as an entry of its own with its own private DNS name, gateway-only S3 and DynamoDB, AZ
    IDs ``usgw1-az1..3``; the model reads every endpoint as a service of us-gov-west-1, partition
    ``aws-us-gov``, and its interfaces as endpoints', not workloads."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    services = {s.service_name: s for s in region.endpoint_services}
    assert services[KMS_FIPS_SERVICE].private_dns_names == ("kms-fips.us-gov-west-1.amazonaws.com",)
    assert services[KMS_FIPS_SERVICE].base_endpoint_dns_names == ("kms-fips.us-gov-west-1.vpce.amazonaws.com",)
    assert services[KMS_SERVICE].private_dns_names == ("kms.us-gov-west-1.amazonaws.com",)
    for key in ("s3", "dynamodb"):
        assert services[f"com.amazonaws.us-gov-west-1.{key}"].service_types == ("Gateway",)
    assert all(name.startswith("com.amazonaws.us-gov-west-1.") for name in services)
    assert all(n.endswith(".amazonaws.com") and ".amazonaws.com." not in n
               for s in services.values() for n in s.private_dns_names)
    assert {i for s in services.values() for i in s.availability_zone_ids} == {"usgw1-az1", "usgw1-az2", "usgw1-az3"}
    view = region_view(snapshot)
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    for key in (*INTERFACE_KEYS, "s3_gateway", "dynamodb_gateway"):
        info = view.service(endpoints[ids[key]])
        assert info.region == "us-gov-west-1" and info.is_aws_service
    assert view.service(endpoints[ids["kms-fips"]]).hostnames == ("kms-fips.us-gov-west-1.amazonaws.com",)
    assert all(d.dns_name.endswith(".kms-fips.us-gov-west-1.vpce.amazonaws.com")
               for d in endpoints[ids["kms-fips"]].dns_entries)
    assert "arn:aws-us-gov:s3:::gov-workload-data/*" in endpoints[ids["s3_gateway"]].policy_document
    assert sorted(e.network_interface_id for e in view.workload_enis(ids["vpc"])) == sorted(
        [ids["app1"], ids["app2"], ids["app3"]])


def test_findings_and_verdicts() -> None:
    """The canonical form: IFE003 (info) only. Silent, rightly: MON001 (the VPC has a flow log);
    POL001/POL002 (scoped policies: resources of the account or ``aws:PrincipalAccount``); POL005
    (every ARN is ``arn:aws-us-gov:``, Region us-gov-west-1); POL007 (the S3 policy admits the
    ``aws-us-gov`` Systems Manager buckets); GWE001-003 (both gateway endpoints on every table);
    IFE001/IFE002 (every endpoint in the three AZs of the workloads); SG003/SG005 (443 from the
    workloads' group, default egress); DNS rules (DNS support and hostnames on, private DNS on
    every interface endpoint); NAT rules (none)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _session_kms(ids)


def test_cost_figures_are_the_documented_default() -> None:
    """us-gov-west-1 is not in vpcaudit's price table: its costs are us-east-1's USD list prices and
    the report says so (an interface endpoint in 3 AZs: $21.90 a month). No GovCloud PrivateLink
    price could be looked up; the figure reads as the labelled default it is."""
    snapshot, ids = _built()
    result = audit_result(snapshot)
    (note,) = result.prices
    assert (note.region, note.currency, note.looked_up) == ("us-gov-west-1", "USD", ())
    assert "us-gov-west-1 is not in vpcaudit's price table" in note.defaults
    kms_line = next(c for c in result.costs if c.resource_id == ids["kms-fips"])
    assert (kms_line.az_count, kms_line.monthly_fixed_usd, kms_line.currency) == (3, 21.9, "USD")


def test_s3_and_dynamodb_paths() -> None:
    """Every private subnet reaches S3 and DynamoDB through the gateway endpoints."""
    snapshot, ids = _built()
    paths = {(p.subnet_id, p.destination, p.kind, p.target_id) for p in audit_result(snapshot).paths
             if p.destination in ("s3", "dynamodb")}
    assert paths == {(ids[f"private{k}"], key, "gateway-endpoint", ids[f"{key}_gateway"])
                     for k in (1, 2, 3) for key in ("s3", "dynamodb")}


def test_near_miss_kms_endpoint_beside_kms_fips() -> None:
    """A non-FIPS ``kms`` endpoint beside ``kms-fips``, private DNS on both. Silent, rightly: they
    are two services with two private DNS names (``kms.`` and ``kms-fips.us-gov-west-1.amazonaws.com``),
    so AWS accepts private DNS on both and neither shadows the other; not IFE005's duplicate (one
    endpoint per service). IFE003 goes quiet: the standard KMS name now has an endpoint."""
    snapshot, ids = _built(**KMS_BESIDE_FIPS)
    assert audit(snapshot) == set()
    view = region_view(snapshot)
    endpoints = {e.vpc_endpoint_id: e for e in snapshot.accounts[0].regions[0].vpc_endpoints}
    assert {view.service(endpoints[ids[k]]).hostnames for k in ("kms", "kms-fips")} == {
        ("kms.us-gov-west-1.amazonaws.com",), ("kms-fips.us-gov-west-1.amazonaws.com",)}


def test_near_miss_commercial_partition_arns() -> None:
    """The policies with ``arn:aws:`` resources, as copied from a commercial template: POL005 on the
    three scoped endpoints, POL007 on the S3 gateway (see ``_partition_mismatch``); the fix names
    the same ARNs in ``aws-us-gov``."""
    snapshot, ids = _built(**COMMERCIAL_ARNS)
    assert audit(snapshot) == _session_kms(ids) | _partition_mismatch(ids)
    finding = next(f for f in audit_result(snapshot).findings
                   if f.rule_id == "POL005" and f.resource.resource_id == ids["kms-fips"])
    assert finding.severity.value == "high"
    assert "name only resources of the aws partition" in finding.message
    assert "(partition aws-us-gov)" in finding.message
    assert "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/*" in str(finding.fix[0].parameters["PolicyDocument"])


def test_near_miss_s3_route_missing_on_one_table() -> None:
    """The S3 gateway endpoint on two of the three tables. Right, medium: GWE001 on
    ``gov-private-3``, whose S3 traffic has no route (no internet path either)."""
    snapshot, ids = _built(**S3_ROUTE_ON_TWO_TABLES)
    assert audit(snapshot) == _session_kms(ids) | {("GWE001", ids["private3"], "fail")}


def test_near_miss_endpoint_group_admits_another_group() -> None:
    """The endpoints' group admits 443 from ``gov-admin``, which no workload carries. Right, high:
    SG003 on each of the seven interface endpoints, none reachable from the workloads."""
    snapshot, ids = _built(**GROUP_ADMITS_ADMINS)
    assert audit(snapshot) == _session_kms(ids) | {("SG003", ids[key], "fail") for key in INTERFACE_KEYS}
