"""Centralized egress through a transit gateway (AWS whitepaper) rebuilt in cn-northwest-1: an egress
VPC with a NAT gateway per AZ, spokes routed to the transit gateway with their own S3 and DynamoDB
gateway endpoints under the China Region's names, prices in CNY: every finding and its verdict
(docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result, severities
from layouts import central_egress_china as layout

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
SHARED_NAT = {"shared_nat": True}
SPOKE2_WITHOUT_S3 = {"spoke2_s3": False}
CROSSED_ATTACHMENT = {"crossed_attachment": True}
NAT_MONTH_CNY = "CN¥233.24"  # 0.045 USD/h × 7.1 CNY/USD × 730 h: price_table._CHINA's converted default


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return layout.build(**options)  # type: ignore[arg-type]


def _default_policies(ids: dict[str, str], *, absent: tuple[str, ...] = ()) -> Triples:
    """Right (advice), medium. POL001 on each spoke's S3 and DynamoDB gateway endpoints: both keep AWS's
    default full-access policy, which lets any principal's requests through; the fix scopes it to this
    account and the AWS-owned buckets in the ``aws-cn`` partition."""
    keys = {f"spoke{n}_{svc}" for n in (1, 2) for svc in ("s3", "dynamodb")} - set(absent)
    return {("POL001", ids[key], "fail") for key in keys}


def _fix_texts(snapshot: Snapshot, rule: str) -> list[str]:
    return [step.description for f in audit_result(snapshot).findings if f.rule_id == rule for step in f.fix]


def test_china_names_and_service_managed_interfaces() -> None:
    """The gateway endpoints carry the China Region's names (``com.amazonaws.cn-northwest-1.s3`` and
    ``.dynamodb``, no ``cn.`` prefix), listed in the Region's catalogue as Gateway services; the NAT
    gateways' and attachments' interfaces are requester-managed ``natGateway``/``transit_gateway``."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    assert region.region == "cn-northwest-1"
    names = {e.vpc_endpoint_id: (e.endpoint_type, e.service_name) for e in region.vpc_endpoints}
    assert {names[ids[f"spoke{n}_{svc}"]] for n in (1, 2) for svc in ("s3", "dynamodb")} == {
        ("Gateway", "com.amazonaws.cn-northwest-1.s3"), ("Gateway", "com.amazonaws.cn-northwest-1.dynamodb")}
    gateway_services = {s.service_name for s in region.endpoint_services if "Gateway" in s.service_types}
    assert {"com.amazonaws.cn-northwest-1.s3", "com.amazonaws.cn-northwest-1.dynamodb"} <= gateway_services
    managed = sorted((e.interface_type, e.requester_managed) for e in region.network_interfaces
                     if e.interface_type != "interface")
    assert managed == [("natGateway", True)] * 2 + [("transit_gateway", True)] * 6


def test_findings_and_verdicts() -> None:
    """The canonical form: POL001 ×4, advice. Silent, rightly: GWE002/GWE003 (each spoke has both
    gateway endpoints; the egress VPC's attachment subnets only forward), NAT002/NAT003 (a NAT gateway
    per AZ, each attachment subnet on its own AZ's), NAT005 (both routed), MON001 (flow logs), IFE rules
    (no interface endpoint), SG rules. No finding carries a cost figure."""
    snapshot, ids = _built()
    assert audit(snapshot) == _default_policies(ids)
    assert set(severities(snapshot).values()) == {"medium"}
    assert all(f.monthly_cost_usd is None for f in audit_result(snapshot).findings)


def test_near_miss_spoke_without_s3_gateway_endpoint() -> None:
    """Spoke 2 without its S3 gateway endpoint. Right: GWE002, medium, on spoke 2 only: its S3 traffic
    pays transit gateway and central NAT processing, and the egress VPC's endpoint could not serve it
    (a gateway endpoint serves only its own VPC). The message prices the transit gateway GB in CNY
    (CN¥0.142, the converted default) and the fix creates ``com.amazonaws.cn-northwest-1.s3`` on the
    spoke's table with ``arn:aws-cn:`` ARNs."""
    snapshot, ids = _built(**SPOKE2_WITHOUT_S3)
    assert audit(snapshot) == _default_policies(ids, absent=("spoke2_s3",)) | {("GWE002", ids["spoke2"], "fail")}
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "GWE002")
    assert "CN¥0.142/GB" in finding.message and "$" not in finding.message
    (step,) = finding.fix
    assert (step.parameters["ServiceName"], step.parameters["RouteTableIds"]) == (
        "com.amazonaws.cn-northwest-1.s3", [ids["spoke2_rt"]])
    assert "arn:aws-cn:s3:::" in step.parameters["PolicyDocument"]
    assert "arn:aws:s3:::" not in step.parameters["PolicyDocument"]


def _one_nat_for_two_azs(ids: dict[str, str]) -> Triples:
    """Right, medium. One NAT gateway, in cnnw1-az1, for both attachment subnets: NAT002 on the
    cnnw1-az2 attachment subnet (every spoke GB of that AZ crosses AZs, and its egress rides on
    cnnw1-az1), NAT003 on the egress VPC (cnnw1-az2 has no NAT gateway of its own). The whitepaper
    asks for one NAT gateway per AZ."""
    return {("NAT002", ids["attach2"], "fail"), ("NAT003", ids["egress"], "fail")}


def test_near_miss_one_nat_gateway_for_both_azs() -> None:
    """The findings and their messages: the cross-AZ rate and the new NAT gateway's month in CNY."""
    snapshot, ids = _built(**SHARED_NAT)
    assert audit(snapshot) == _default_policies(ids) | _one_nat_for_two_azs(ids)
    for finding in audit_result(snapshot).findings:
        if finding.rule_id in {"NAT002", "NAT003"}:
            assert f"~{NAT_MONTH_CNY}/month" in finding.message and "$" not in finding.message


def test_near_miss_one_nat_gateway_fix_prices_in_cny() -> None:
    """Rule was wrong, fixed (fix text): the step creating the missing NAT gateway said "(about
    $32.85/month)" while the finding above it said ~CN¥233.24/month. It now quotes the Region's
    cost model, as IFE003's create step does."""
    snapshot, _ = _built(**SHARED_NAT)
    creates = [t for rule in ("NAT002", "NAT003") for t in _fix_texts(snapshot, rule) if "Create a" in t]
    assert len(creates) == 2
    assert all(f"(about {NAT_MONTH_CNY}/month)" in t and "$" not in t for t in creates)


def test_near_miss_attachment_subnet_routed_to_the_other_azs_nat() -> None:
    """The cnnw1-az2 attachment subnet routed to cnnw1-az1's NAT gateway, both NAT gateways present.
    Right: NAT002, medium, on that subnet; its fix routes it to cnnw1-az2's NAT gateway (no new
    gateway, no price). Right: NAT005, low, on cnnw1-az2's NAT gateway, which nothing routes to and
    which bills ~CN¥233.24/month; its message points to the same re-route. No NAT003: the AZ has a NAT
    gateway."""
    snapshot, ids = _built(**CROSSED_ATTACHMENT)
    assert audit(snapshot) == _default_policies(ids) | {
        ("NAT002", ids["attach2"], "fail"), ("NAT005", ids["nat2"], "fail")}
    assert severities(snapshot)[("NAT005", ids["nat2"], "")] == "low"
    findings = {f.rule_id: f for f in audit_result(snapshot).findings if f.rule_id in {"NAT002", "NAT005"}}
    assert findings["NAT005"].monthly_cost_usd == 233.24  # CNY despite the field's name (see precision.md)
    assert f"~{NAT_MONTH_CNY}/month" in findings["NAT005"].message
    (step,) = findings["NAT002"].fix
    assert step.description == f"Route 0.0.0.0/0 of {ids['attach2_rt']} to {ids['nat2']} in cnnw1-az2"
