"""AWS Network Firewall's example architectures (two zones with an internet gateway; a NAT gateway behind
the firewall): every finding and its verdict
(docs/precision.md)."""

from __future__ import annotations

from aws_layout import audit, audit_result
from layouts import nfw_igw_nat, nfw_two_zone_igw


def test_findings_and_verdicts() -> None:
    snapshot, ids = nfw_two_zone_igw.build()
    # Right: no flow log. Nothing else: the customer subnets reach the internet gateway through
    # their own zone's firewall endpoint (public, not "private with odd egress"), the firewall
    # endpoints are no interface endpoints (no policy, no private DNS to judge), and the internet
    # gateway's edge route table is no subnet's route table.
    assert audit(snapshot) == {("MON001", ids["vpc"], "fail")}
    paths = {(p.subnet_id, p.kind, p.target_id, p.detail) for p in audit_result(snapshot).paths
             if p.destination == "internet"}
    for zone in (1, 2):
        assert (ids[f"customer{zone}"], "firewall", ids[f"endpoint{zone}"], f"then igw {ids['igw']}") in paths
        assert (ids[f"firewall{zone}"], "igw", ids["igw"], "") in paths


def test_with_a_nat_gateway_behind_the_firewall() -> None:
    snapshot, ids = nfw_igw_nat.build()
    # Right: the private customer subnet's S3 and DynamoDB traffic pays NAT processing (and the
    # firewall's), and there is no flow log. NAT001 stays silent: the NAT gateway's subnet
    # reaches the internet gateway through the firewall endpoint, which is how AWS places it.
    assert audit(snapshot) == {("GWE002", ids["vpc"], "fail"), ("GWE003", ids["vpc"], "fail"),
                               ("MON001", ids["vpc"], "fail")}
    paths = {(p.subnet_id, p.kind, p.target_id, p.detail) for p in audit_result(snapshot).paths
             if p.destination == "internet"}
    assert (ids["nat_subnet"], "firewall", ids["endpoint"], f"then igw {ids['igw']}") in paths
    assert (ids["customer"], "nat", ids["nat"], "") in paths
    gwe002 = next(f for f in audit_result(snapshot).findings if f.rule_id == "GWE002")
    assert f"passes firewall endpoint(s) {ids['endpoint']}" in gwe002.message  # charged per GB too
