"""Hybrid S3 access, interface endpoint for on-premises and gateway endpoint for the VPC, private
DNS only for inbound Resolver endpoints (AWS Storage blog): every finding and its verdict
(docs/precision.md)."""

from __future__ import annotations

import pytest
from aws_layout import audit, audit_result
from layouts import s3_hybrid_private_dns


def _advice(ids: dict[str, str]) -> set[tuple[str, str, str]]:
    """Right, as advice: both endpoints keep the default full-access policy, and no flow log."""
    return {("POL001", ids["s3_interface"], "fail"), ("POL001", ids["s3_gateway"], "fail"),
            ("MON001", ids["vpc"], "fail")}


@pytest.mark.parametrize("instances", [2, 0], ids=["instances running", "network stack alone"])
def test_findings_and_verdicts(instances: int) -> None:
    """As published, nothing beyond the advice. No GWE004: private DNS answers only queries
    arriving through the inbound Resolver endpoint, so the instances use the gateway endpoint
    (DnsOptions: "routes traffic that originates from the VPC to the gateway endpoint and traffic
    that originates from on-premises to the interface endpoint"). No SG003 or SG004: the endpoint
    group admits HTTPS from the on-premises range, which the endpoint subnets route to the
    virtual private gateway. No DNS003 (private DNS is on) and no DNS004 (no hosted zone). No
    IFE001/IFE002: the endpoint has an ENI in both AZs. The Resolver endpoint's ENIs are not
    workloads, so with no instance there is still nothing to say."""
    snapshot, ids = s3_hybrid_private_dns.build(instances=instances)
    assert audit(snapshot) == _advice(ids)


def test_in_vpc_s3_traffic_takes_the_gateway_endpoint() -> None:
    snapshot, ids = s3_hybrid_private_dns.build()
    paths = {(p.subnet_id, p.kind, p.target_id) for p in audit_result(snapshot).paths if p.destination == "s3"}
    assert {kind for _, kind, _ in paths} == {"gateway-endpoint"}
    assert {target for _, _, target in paths} == {ids["s3_gateway"]}


def test_private_dns_for_all_resolvers_is_the_near_miss() -> None:
    """Right: with the option cleared, the instances resolve S3's names to the interface endpoint
    and pay per GB where the gateway endpoint is free (GWE004, low) — and worse, its group admits
    HTTPS from the on-premises range only, so their S3 calls time out (SG006, medium; SG003 stays
    silent by the catalogue, since the on-premises clients get in)."""
    snapshot, ids = s3_hybrid_private_dns.build(all_resolvers=True)
    assert audit(snapshot) == _advice(ids) | {("GWE004", ids["s3_interface"], "fail"),
                                              ("SG006", ids["s3_interface"], "fail")}
    [stranded] = [f for f in audit_result(snapshot).findings if f.rule_id == "SG006"]
    assert "only from networks beyond the VPC (192.168.0.0/16)" in stranded.message
    paths = {(p.kind, p.target_id) for p in audit_result(snapshot).paths if p.destination == "s3"}
    assert paths == {("interface-endpoint", ids["s3_interface"])}
