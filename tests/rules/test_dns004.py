"""DNS004 phz-shadows-service-name: a customer zone that answers AWS service names with NXDOMAIN or stale data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from builders import ACCOUNT, REGION, RegionBuilder, multi_account_snapshot
from rulecheck import findings, fix_of, triples

from vpcaudit.engine.runner import RunSettings, run
from vpcaudit.rules.dns.dns004_phz_shadows_service_name import phz_shadows_service_name as rule
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part, Snapshot

Expected = set[tuple[str, str, str]]
Case = Callable[[], tuple[Snapshot, Expected]]
PARENT = f"{REGION}.amazonaws.com"
SSM, STS, KMS = (f"{k}.{PARENT}" for k in ("ssm", "sts", "kms"))


def _estate() -> tuple[RegionBuilder, str, str, str]:
    """A hub VPC with an ssm endpoint (private DNS off, shared by zone) and a spoke VPC."""
    b = RegionBuilder()
    for key in ("ssm", "sts", "kms"):
        b.service(key)
    hub = b.vpc("10.0.0.0/16", name="hub")
    endpoint = b.interface_endpoint(hub, "ssm", subnets=[b.subnet(hub, "10.0.1.0/24")], private_dns=False)
    spoke = b.vpc("10.1.0.0/16", name="spoke")
    b.subnet(spoke, "10.1.1.0/24")
    return b, hub, spoke, endpoint


def _alias_to(b: RegionBuilder, endpoint: str, name: str = SSM) -> r.RecordSet:
    return r.RecordSet(name, "A", (), b.endpoints[endpoint].dns_entries[0].dns_name)


def centralized_zone_done_right() -> tuple[Snapshot, Expected]:
    b, hub, spoke, endpoint = _estate()
    b.hosted_zone(SSM, [hub, spoke], [_alias_to(b, endpoint)])
    return b.snapshot(), set()


def parent_zone_shadows_other_services() -> tuple[Snapshot, Expected]:
    b, _, spoke, endpoint = _estate()
    zone = b.hosted_zone(PARENT, [spoke], [_alias_to(b, endpoint)])
    return b.snapshot(), {("DNS004", zone, "fail")}


def exact_zone_without_record() -> tuple[Snapshot, Expected]:
    b, _, spoke, _ = _estate()
    zone = b.hosted_zone(SSM, [spoke])
    return b.snapshot(), {("DNS004", zone, "fail")}


def record_to_a_deleted_endpoint() -> tuple[Snapshot, Expected]:
    b, hub, spoke, _ = _estate()
    gone = b.interface_endpoint(hub, "sts", subnets=[b.subnet(hub, "10.0.2.0/24")], private_dns=False,
                                state="deleted")
    zone = b.hosted_zone(STS, [spoke], [_alias_to(b, gone, STS)])
    return b.snapshot(), {("DNS004", zone, "fail")}


def record_to_a_scanned_address_that_is_no_endpoint() -> tuple[Snapshot, Expected]:
    b, _, spoke, _ = _estate()
    zone = b.hosted_zone(SSM, [spoke], [r.RecordSet(SSM, "A", ("10.0.1.250",), None)])
    return b.snapshot(), {("DNS004", zone, "fail")}


def record_outside_the_scanned_estate() -> tuple[Snapshot, Expected]:
    b, _, spoke, _ = _estate()
    zone = b.hosted_zone(SSM, [spoke], [r.RecordSet(SSM, "A", ("172.31.5.10",), None)])
    return b.snapshot(), {("DNS004", zone, "not_evaluated")}


def parent_zone_fully_served_by_private_dns() -> tuple[Snapshot, Expected]:
    """Every service name the zone covers is answered by a more specific endpoint zone."""
    b = RegionBuilder()
    b.service("ssm")
    vpc = b.vpc("10.0.0.0/16")
    b.interface_endpoint(vpc, "ssm", subnets=[b.subnet(vpc, "10.0.1.0/24")])
    b.hosted_zone(PARENT, [vpc])
    return b.snapshot(), set()


def unrelated_zone() -> tuple[Snapshot, Expected]:
    b, _, spoke, _ = _estate()
    b.hosted_zone("corp.internal", [spoke])
    return b.snapshot(), set()


def forwarding_rule_wins_on_the_same_name() -> tuple[Snapshot, Expected]:
    b, _, spoke, _ = _estate()
    b.hosted_zone(PARENT, [spoke])
    b.resolver_rule(spoke, PARENT)
    return b.snapshot(), set()


def records_not_collected() -> tuple[Snapshot, Expected]:
    b, _, spoke, _ = _estate()
    b.zones.append(r.HostedZone("Z9", PARENT, (r.VpcAssociation(spoke, REGION),), (), False))
    return b.snapshot(), {("DNS004", "Z9", "not_evaluated")}


def endpoint_services_denied() -> tuple[Snapshot, Expected]:
    b, _, spoke, _ = _estate()
    b.hosted_zone(SSM, [spoke])
    return b.snapshot(missing=[Part.ENDPOINT_SERVICES]), {("DNS004", REGION, "not_evaluated")}


CASES: list[Case] = [centralized_zone_done_right, parent_zone_shadows_other_services, exact_zone_without_record,
                     record_to_a_deleted_endpoint, record_to_a_scanned_address_that_is_no_endpoint,
                     record_outside_the_scanned_estate, parent_zone_fully_served_by_private_dns, unrelated_zone,
                     forwarding_rule_wins_on_the_same_name, records_not_collected, endpoint_services_denied]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_dns004(case: Case) -> None:
    snapshot, expected = case()
    assert triples(rule, snapshot) == expected


def test_dns004_parent_zone_lists_the_names_it_breaks() -> None:
    snapshot, _ = parent_zone_shadows_other_services()
    (finding,) = findings(rule, snapshot)
    assert finding.severity.value == "medium"
    assert PARENT in finding.message and "NXDOMAIN" in finding.message
    assert finding.evidence["without_record"] == [KMS, STS]  # ssm has its alias to the live endpoint
    assert finding.evidence["hostnames_answered"] == 3


def test_dns004_stale_record_names_the_missing_target() -> None:
    snapshot, _ = record_to_a_scanned_address_that_is_no_endpoint()
    (finding,) = findings(rule, snapshot)
    assert f"{SSM} → 10.0.1.250" in finding.message


def test_dns004_zone_shared_by_two_vpcs_reports_each_vpc() -> None:
    b, hub, spoke, _ = _estate()
    b.hosted_zone(SSM, [hub, spoke])
    assert sorted(f.resource.vpc_id or "" for f in findings(rule, b.snapshot())) == sorted([hub, spoke])


def _shared_with_workload_account(record: Callable[[RegionBuilder, str], r.RecordSet] | None,
                                  *, owner_scanned: bool = True) -> tuple[Snapshot, str, str]:
    """The hub account owns the zone; a workload account's VPC is associated but cannot read its records."""
    hub_b, hub, _, endpoint = _estate()
    records = [record(hub_b, endpoint)] if record else []
    zone = hub_b.hosted_zone(SSM, [hub], records)
    spoke_b = RegionBuilder(account_id="222222222222")
    spoke_b.service("ssm")
    spoke = spoke_b.vpc("10.1.0.0/16")
    spoke_b.zones.append(r.HostedZone(zone, SSM, (r.VpcAssociation(spoke, REGION),), (), False))
    accounts = (hub_b, spoke_b) if owner_scanned else (spoke_b,)
    return multi_account_snapshot(*accounts), zone, spoke


def test_a_zone_shared_across_accounts_is_judged_from_its_owners_records() -> None:
    """In an organization scan the owner's copy of the zone holds the records the workload
    account could not read: judge with them rather than report every spoke as not evaluated."""
    snapshot, _, _ = _shared_with_workload_account(_alias_to)
    assert triples(rule, snapshot) == set()
    snapshot, zone, _ = _shared_with_workload_account(None)  # the owner's zone has no record: NXDOMAIN
    assert triples(rule, snapshot) == {("DNS004", zone, "fail")}
    spoke_findings = [f for f in findings(rule, snapshot) if f.resource.account_id == "222222222222"]
    assert [f.status.value for f in spoke_findings] == ["fail"]
    snapshot, zone, _ = _shared_with_workload_account(_alias_to, owner_scanned=False)
    assert triples(rule, snapshot) == {("DNS004", zone, "not_evaluated")}


def test_fix_detaches_the_zone_only_after_a_decision() -> None:
    b, _, spoke, endpoint = _estate()
    zone = b.hosted_zone(PARENT, [spoke], [_alias_to(b, endpoint)])
    assert fix_of(rule, b.snapshot(), zone) == [
        ("route53:DisassociateVPCFromHostedZone", {"HostedZoneId": zone, "VPC": {"VPCRegion": REGION, "VPCId": spoke}},
         "delete", False)]


def _known_from_the_owners_side(record: Callable[[RegionBuilder, str], r.RecordSet] | None) -> tuple[Snapshot, str]:
    """The hub account owns the zone and lists the workload account's VPC among its associations;
    the workload account, reading its own zones (it owns none), holds no copy of it."""
    hub_b, hub, _, endpoint = _estate()
    spoke_b = RegionBuilder(account_id="222222222222")
    spoke_b.service("ssm")
    spoke = spoke_b.vpc("10.1.0.0/16")
    spoke_b.subnet(spoke, "10.1.1.0/24")
    hub_b.hosted_zone(SSM, [hub, spoke], [record(hub_b, endpoint)] if record else [])
    return multi_account_snapshot(hub_b, spoke_b), spoke


def test_a_spoke_holding_no_copy_of_its_hubs_zone_is_judged_with_it() -> None:
    """Route 53 shows a VPC's zones owned by other accounts only when asked per VPC; the owner's
    VPC list is the other way to know, and the audit joins it to the spoke's VPC."""
    broken, spoke = _known_from_the_owners_side(None)  # no record for ssm: NXDOMAIN in the spoke too
    spoke_findings = [f for f in run(broken, [rule], RunSettings()).findings if f.resource.account_id != ACCOUNT]
    assert [(f.resource.vpc_id, f.status.value) for f in spoke_findings] == [(spoke, "fail")]
    right, _ = _known_from_the_owners_side(_alias_to)
    assert [f for f in run(right, [rule], RunSettings()).findings if f.status.value != "pass"] == []


# -- an endpoint of another VPC whose addresses lie inside the querying VPC's own blocks -------------

def _overlapping_spoke(spoke_cidr: str = "10.0.0.0/16") -> tuple[RegionBuilder, str, str, str]:
    """The hub estate with a second spoke of ``spoke_cidr`` (the hub's own block by default: VPC
    Lattice and PrivateLink consumers need no routing, so nothing kept the blocks apart)."""
    b, hub, _, endpoint = _estate()
    spoke = b.vpc(spoke_cidr, name="overlapping-spoke")
    b.subnet(spoke, spoke_cidr.replace(".0.0/16", ".1.0/24"))
    return b, hub, spoke, endpoint


def test_an_alias_to_a_hub_endpoint_inside_the_spokes_own_block_is_unreachable() -> None:
    b, hub, spoke, endpoint = _overlapping_spoke()
    zone = b.hosted_zone(SSM, [spoke], [_alias_to(b, endpoint)])
    (finding,) = findings(rule, b.snapshot())
    assert (finding.resource.resource_id, finding.status.value) == (zone, "fail")
    assert f"{SSM} → {endpoint} of {hub}, inside 10.0.0.0/16" in finding.message
    assert "the local route keeps that traffic inside" in finding.message
    assert finding.evidence["records_inside_own_blocks"] == [f"{SSM} → {endpoint} of {hub}, inside 10.0.0.0/16"]


def test_an_a_record_of_a_hub_endpoints_address_inside_the_spokes_own_block_is_unreachable() -> None:
    b, _, spoke, endpoint = _overlapping_spoke()
    address = b.enis[b.endpoints[endpoint].network_interface_ids[0]].private_ip_addresses[0]
    zone = b.hosted_zone(SSM, [spoke], [r.RecordSet(SSM, "A", (address,), None)])
    assert triples(rule, b.snapshot()) == {("DNS004", zone, "fail")}


def test_the_same_zone_is_right_in_the_hub_and_in_a_spoke_of_another_block() -> None:
    """The endpoint's own VPC reaches it whatever its block; a spoke of 10.1.0.0/16 reaches it
    through its routes (the ordinary centralized-endpoint pattern)."""
    b, hub, spoke, endpoint = _overlapping_spoke("10.1.0.0/16")
    b.hosted_zone(SSM, [hub, spoke], [_alias_to(b, endpoint)])
    assert triples(rule, b.snapshot()) == set()


def test_a_zone_left_in_an_overlapping_spoke_is_reported_for_that_spoke_alone() -> None:
    b, hub, spoke, endpoint = _overlapping_spoke()
    b.hosted_zone(SSM, [hub, spoke], [_alias_to(b, endpoint)])
    assert [f.resource.vpc_id for f in findings(rule, b.snapshot())] == [spoke]


def test_an_endpoint_with_an_address_outside_the_spokes_blocks_is_taken_as_reachable() -> None:
    """The hub's second block (10.2.0.0/16) holds one of the endpoint's addresses: some answers
    leave the spoke, so the record is not judged wrong."""
    b, hub, spoke, _ = _overlapping_spoke()
    b.vpcs[hub] = replace(b.vpcs[hub], cidr_blocks=(*b.vpcs[hub].cidr_blocks, "10.2.0.0/16"))
    endpoint = b.interface_endpoint(hub, "sts", subnets=[b.subnet(hub, "10.0.2.0/24"), b.subnet(hub, "10.2.1.0/24")],
                                    private_dns=False)
    b.hosted_zone(STS, [spoke], [_alias_to(b, endpoint, STS)])
    assert triples(rule, b.snapshot()) == set()
