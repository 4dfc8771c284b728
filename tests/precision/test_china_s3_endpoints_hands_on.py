"""A hands-on walkthrough of Amazon S3 through a gateway endpoint and an S3 interface endpoint
("aws VPC-Endpoint实践探索", run in us-east-1), rebuilt in the China (Beijing) Region: every
finding and its verdict (docs/precision.md)."""

from __future__ import annotations

import json
from functools import cache

import pytest
from aws_layout import audit, audit_result, region_view
from layouts import china_s3_endpoints_hands_on
from layouts.china_s3_endpoints_hands_on import S3_GATEWAY_SERVICE, S3_INTERFACE_SERVICE

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
GROUP_SHUT = {"endpoint_admits_443": False}
COMMERCIAL_ARNS = {"policy_partition": "aws"}
ROUTE_ON_MAIN_TABLE = {"gateway_route": False}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return china_s3_endpoints_hands_on.build(**options)  # type: ignore[arg-type]


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: nothing in the walkthrough creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _single_az_endpoint(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the interface endpoint has its one interface in cn-north-1a while
    the VPC has a subnet in cn-north-1b as well; its price for a second AZ reads in CNY."""
    return {("IFE001", ids["s3_interface"], "fail")}


def _endpoint_subnet_without_s3_route(ids: dict[str, str]) -> Triples:
    """Right, medium: the endpoint subnet sits on the main table, which has no S3 route, and the
    interface endpoint has no private DNS, so only calls that name ``bucket.vpce-….vpce.amazonaws.com.cn``
    reach S3 from there; ``s3.cn-north-1.amazonaws.com.cn`` goes nowhere (the post's own
    ``s3cmd ls`` timed out the same way), while the VPC's gateway endpoint is one association away."""
    return {("GWE001", ids["endpoint_subnet"], "fail")}


def _all_tcp(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the post opened the endpoint's group to all TCP while
    troubleshooting; the S3 interface endpoint listens on 443 only."""
    return {("SG002", ids["endpoint_sg"], "fail")}


def _baseline(ids: dict[str, str]) -> Triples:
    return _flow_logs(ids) | _single_az_endpoint(ids) | _endpoint_subnet_without_s3_route(ids)


def test_the_china_catalogue_and_endpoint_names() -> None:
    """The snapshot holds cn-north-1 as DescribeVpcEndpointServices and DescribeVpcEndpoints
    would: the S3 gateway service ``com.amazonaws.cn-north-1.s3`` and the S3 interface service
    ``cn.com.amazonaws.cn-north-1.s3`` as two entries, ``amazonaws.com.cn`` names throughout, the
    endpoint's DNS names under ``vpce.amazonaws.com.cn``; the model reads both as S3 of cn-north-1
    and its interface as an endpoint's, not a workload."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    services = {s.service_name: s for s in region.endpoint_services}
    assert services[S3_GATEWAY_SERVICE].service_types == ("Gateway",)
    assert services[S3_INTERFACE_SERVICE].service_types == ("Interface",)
    assert services[S3_INTERFACE_SERVICE].base_endpoint_dns_names == ("s3.cn-north-1.vpce.amazonaws.com.cn",)
    assert all(n.endswith("amazonaws.com.cn") for s in services.values() for n in s.private_dns_names)
    assert "cn.com.amazonaws.cn-north-1.ec2" in services and "com.amazonaws.cn-north-1.ssm" in services
    view = region_view(snapshot)
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    for key in ("s3_gateway", "s3_interface"):
        info = view.service(endpoints[ids[key]])
        assert (info.key, info.region) == ("s3", "cn-north-1")
    interface = endpoints[ids["s3_interface"]]
    assert interface.service_name == S3_INTERFACE_SERVICE and not interface.private_dns_enabled
    assert [d.dns_name.split(".", 1)[1] for d in interface.dns_entries] == ["s3.cn-north-1.vpce.amazonaws.com.cn"] * 2
    assert interface.dns_entries[1].dns_name.split(".")[0].endswith("-cn-north-1a")
    eni = next(e for e in region.network_interfaces if e.network_interface_id == ids["endpoint_eni"])
    assert (eni.interface_type, eni.requester_managed, eni.instance_id) == ("vpc_endpoint", True, None)
    assert sorted(e.network_interface_id for e in view.workload_enis(ids["vpc"])) == sorted(
        [ids["endpoint_instance"], ids["gateway_instance"]])


def test_findings_and_verdicts() -> None:
    """The canonical form: MON001, IFE001, GWE001 on the endpoint subnet, SG002. Silent, rightly:
    POL001/POL002 (the policy names the bucket in the China partition); POL005 (the Allow names
    ``arn:aws-cn:s3:::wsgbucket``, a resource of the endpoint's partition); GWE002 (there is a
    gateway endpoint); GWE004 and DNS003 (private DNS off is how the post uses the endpoint: by
    its endpoint-specific name); SG003/SG005 (the group admits the VPC's block, the instances
    send everything); NAT rules (no NAT gateway, no internet gateway)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids) | _all_tcp(ids)


def test_cost_figure_reads_in_cny() -> None:
    """IFE001's price of a second AZ is priced from cn-north-1's table: CNY, the us-east-1 list
    price converted at the table's documented rate (an order of magnitude, not AWS China's list
    price); the evidence key keeps its ``_usd`` name, the amount is CNY (docs/result-json.md)."""
    snapshot, ids = _built()
    [finding] = [f for f in audit_result(snapshot).findings if f.rule_id == "IFE001"]
    assert finding.resource.resource_id == ids["s3_interface"]
    assert "CN¥51.83 per AZ per month" in finding.message
    assert "$" not in finding.message


def test_s3_paths() -> None:
    """The gateway subnet reaches S3 through the gateway endpoint; the endpoint subnet's default
    S3 name goes nowhere (the interface endpoint is reached only by its own name)."""
    snapshot, ids = _built()
    paths = {(p.subnet_id, p.kind, p.target_id) for p in audit_result(snapshot).paths if p.destination == "s3"}
    assert paths == {(ids["gateway_subnet"], "gateway-endpoint", ids["s3_gateway"]),
                     (ids["endpoint_subnet"], "none", None)}


def test_near_miss_group_admits_nothing() -> None:
    """The post's troubleshooting step: the endpoint's group as first created admits nothing, so
    ``hping3 -p 443`` to the endpoint's address loses every packet. Right, high: SG003 on the
    endpoint (no inbound rule allows TCP 443); SG002 goes with the all-TCP rule."""
    snapshot, ids = _built(**GROUP_SHUT)
    assert audit(snapshot) == _baseline(ids) | {("SG003", ids["s3_interface"], "fail")}


def test_near_miss_commercial_partition_arns() -> None:
    """Rule was wrong, fixed. The same policy with ``arn:aws:s3:::wsgbucket`` and
    ``arn:aws:s3:::wsgbucket/*``, as copied from a commercial-Region walkthrough. A request through a
    cn-north-1 endpoint acts on ``arn:aws-cn:s3:::wsgbucket``; a Resource ARN matches by its every
    segment, the partition included, so the only Allow matches nothing and both endpoints deny
    every request. IAM refuses such ARNs in China outright (``MalformedPolicyDocument``: Partition
    "aws" is not valid); a snapshot that holds one on an endpoint means ModifyVpcEndpoint took it.
    POL005 on both endpoints, high; the fix names the same ARNs in ``aws-cn`` beside them."""
    snapshot, ids = _built(**COMMERCIAL_ARNS)
    assert audit(snapshot) == _baseline(ids) | _all_tcp(ids) | {
        ("POL005", ids["s3_gateway"], "fail"), ("POL005", ids["s3_interface"], "fail")}
    finding = next(f for f in audit_result(snapshot).findings
                   if f.rule_id == "POL005" and f.resource.resource_id == ids["s3_gateway"])
    assert finding.severity.value == "high"
    assert "name only resources of the aws partition" in finding.message
    assert "cn-north-1's resources (partition aws-cn)" in finding.message
    assert finding.evidence["partitions"] == ["aws"] and finding.evidence["regions"] == []
    (step,) = finding.fix
    (statement,) = json.loads(step.parameters["PolicyDocument"])["Statement"]
    assert statement["Resource"] == ["arn:aws:s3:::wsgbucket", "arn:aws:s3:::wsgbucket/*",
                                     "arn:aws-cn:s3:::wsgbucket", "arn:aws-cn:s3:::wsgbucket/*"]


@pytest.mark.parametrize("partition", ["*", "aws*", "${aws:partition}"])
def test_a_partition_that_may_be_chinas_is_silent(partition: str) -> None:
    """The other side: a partition segment that may be ``aws-cn`` (a wildcard, a policy variable)
    names resources the endpoint reaches: the canonical audit, POL005 silent."""
    snapshot, ids = _built(policy_partition=partition)
    assert audit(snapshot) == _baseline(ids) | _all_tcp(ids)


def test_near_miss_gateway_route_on_the_wrong_table() -> None:
    """The gateway endpoint associated with the main table instead of the gateway subnet's: the
    gateway subnet's ``aws s3 ls`` times out as in the post's deletion step. Right, medium: GWE001
    moves to the gateway subnet; the endpoint subnet, on the main table, now has the route."""
    snapshot, ids = _built(**ROUTE_ON_MAIN_TABLE)
    assert audit(snapshot) == (_flow_logs(ids) | _single_az_endpoint(ids) | _all_tcp(ids)
                               | {("GWE001", ids["gateway_subnet"], "fail")})
