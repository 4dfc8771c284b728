"""A regional NAT gateway (``AvailabilityMode=regional``, the AWS CDK's
``NatProvider.regionalGateway()``), and the zonal form beside it: every finding and its verdict
(docs/precision.md)."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from aws_layout import audit, audit_result, region_view
from layouts import nat_gateway_regional_mode

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
ZONAL = {"zonal": True}
ZONAL_ONE = {"zonal": True, "zonal_nats": 1}
NO_PUBLIC_SUBNETS = {"public_subnets": False}
MANUAL_TWO_AZS = {"manual_azs": 2}
BPA = {"bpa_bidirectional": True}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return nat_gateway_regional_mode.build(**options)  # type: ignore[arg-type]


def _nats(snapshot: Snapshot) -> tuple[r.NatGateway, ...]:
    return snapshot.accounts[0].regions[0].nat_gateways


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: CDK's ``flowLogs`` defaults to none."""
    return {("MON001", ids["vpc"], "fail")}


def _nat_processing(ids: dict[str, str]) -> Triples:
    """Right (advice), medium and low: no S3 or DynamoDB gateway endpoint, so the three private
    subnets' S3 and DynamoDB traffic pays NAT data processing. A regional NAT gateway bills
    processing like a zonal one, so the finding holds unchanged; it names the one NAT gateway."""
    return {("GWE002", ids["vpc"], "fail"), ("GWE003", ids["vpc"], "fail")}


def _baseline(ids: dict[str, str]) -> Triples:
    return _flow_logs(ids) | _nat_processing(ids)


def test_the_regional_nat_gateway_as_the_collector_records_it() -> None:
    """``NatGateway.from_api`` over a DescribeNatGateways item (the collector's own call): no
    subnet, ``regional``, its route table id and an address per AZ are kept; the automatic-mode
    flag is not (the record has no such field), nor an interface in the customer's subnets."""
    snapshot, ids = _built()
    (nat,) = _nats(snapshot)
    assert (nat.nat_gateway_id, nat.subnet_id, nat.vpc_id, nat.availability_mode, nat.connectivity_type) == (
        ids["nat"], None, ids["vpc"], "regional", "public")
    assert nat.route_table_id == ids["nat_rt"]
    assert [a.availability_zone_id for a in nat.addresses] == ["use1-az2", "use1-az4", "use1-az6"]
    assert {a.network_interface_id for a in nat.addresses} == {None}
    assert not hasattr(nat, "auto_provision_zones")
    enis = snapshot.accounts[0].regions[0].network_interfaces
    assert not [e for e in enis if e.interface_type == "natGateway"]
    view = region_view(snapshot)
    assert view.nat_az_id(nat) is None


def test_traffic_paths_through_the_regional_nat_gateway_stay_in_their_az() -> None:
    """Every private subnet's internet, S3 and DynamoDB traffic goes to the one NAT gateway and
    is not called cross-AZ: AWS's regional gateway handles each AZ's traffic with that AZ's
    addresses. The public subnets leave through the internet gateway."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    private = {ids[f"private{k}"] for k in (1, 2, 3)}
    paths = {(p.subnet_id, p.destination): p for p in view.traffic_paths()
             if p.destination in ("internet", "s3", "dynamodb")}
    assert {(p.kind, p.target_id, p.cross_az) for (s, _), p in paths.items() if s in private} == {
        ("nat", ids["nat"], False)}
    assert {(p.kind, p.target_id) for (s, _), p in paths.items() if s not in private} == {("igw", ids["igw"])}
    steps = " ".join(s.description for s in paths[(ids["private3"], "internet")].steps)
    assert "public regional NAT gateway" in steps


def test_findings_and_verdicts() -> None:
    """The canonical form: MON001, GWE002, GWE003. Silent, rightly: NAT001 (the VPC has an
    internet gateway attached, all a regional NAT gateway needs; it has no subnet to judge),
    NAT002 (regional: no private subnet routes to another AZ), NAT003 (every AZ's private subnets
    route to a regional gateway that follows them), NAT005 (all three private tables route to
    it), RT001, SG/ACL/IFE/DNS/POL rules (no endpoint; allow-all egress)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)


def test_near_miss_zonal_forms_for_contrast() -> None:
    """CDK's default zonal provider: a NAT gateway per public subnet, each AZ's private table to
    its own, audits exactly as the regional form does. With ``natGateways: 1``: NAT002 on the
    private subnets of us-east-1b and c and NAT003 on the VPC — Right (advice), the single-AZ
    dependency and cross-AZ charges the regional gateway removes."""
    snapshot, ids = _built(**ZONAL)
    assert audit(snapshot) == _baseline(ids)
    assert {n.availability_mode for n in _nats(snapshot)} == {"zonal"}
    snapshot, ids = _built(**ZONAL_ONE)
    assert audit(snapshot) == _baseline(ids) | {
        ("NAT002", ids["private2"], "fail"), ("NAT002", ids["private3"], "fail"), ("NAT003", ids["vpc"], "fail")}


def test_near_miss_no_public_subnet() -> None:
    """Private subnets only, the internet gateway attached but in no subnet's route table (the
    "no public subnet" design the guide allows). Silent on NAT001, rightly: a regional NAT gateway
    needs no public subnet. The private subnets still reach the internet through it."""
    snapshot, ids = _built(**NO_PUBLIC_SUBNETS)
    assert audit(snapshot) == _baseline(ids)
    view = region_view(snapshot)
    assert not any(view.is_public(s.subnet_id) for s in snapshot.accounts[0].regions[0].subnets)
    assert {view.internet_egress(ids[f"private{k}"]) for k in (1, 2, 3)} == {"nat"}


def test_near_miss_manual_mode_missing_an_az() -> None:
    """``availabilityZoneAddresses`` for us-east-1a and b only (manual mode, auto-expansion off)
    while us-east-1c's private subnet holds an instance routed to the gateway. A gap, pinned: the
    audit is the canonical one. The record keeps the addresses' AZs but not
    ``AutoProvisionZones``, so no rule can tell an AZ left out in manual mode from one the
    automatic mode is still expanding into; NAT003 and NAT002 exempt regional gateways outright."""
    snapshot, ids = _built(**MANUAL_TWO_AZS)
    assert audit(snapshot) == _baseline(ids)
    (nat,) = _nats(snapshot)
    assert {a.availability_zone_id for a in nat.addresses} == {"use1-az2", "use1-az4"}
    assert region_view(snapshot).subnets[ids["private3"]].availability_zone_id == "use1-az6"


def test_near_miss_block_public_access_zonal_form() -> None:
    """VPC Block Public Access ``block-bidirectional``, no exclusion, zonal form: NAT001 on each
    NAT gateway — Right: its public subnet's traffic to the internet gateway is blocked, so the
    private subnets routed to it have no internet egress."""
    snapshot, ids = _built(**BPA, **ZONAL)
    assert audit(snapshot) == _baseline(ids) | {("NAT001", ids[f"nat{k}"], "fail") for k in (1, 2, 3)}


def test_near_miss_block_public_access_regional_form() -> None:
    """The same Block Public Access with the regional gateway: its internet traffic leaves through
    the VPC's internet gateway, which ``block-bidirectional`` blocks for every VPC and subnet not
    excluded, and nothing here is excluded. NAT001 fails on it as on the zonal ones — Right, after
    a rule fix: its regional branch asked only whether an internet gateway is attached. Its fix
    excludes the VPC for egress, after a decision (an account-wide guardrail)."""
    snapshot, ids = _built(**BPA)
    assert audit(snapshot) == _baseline(ids) | {("NAT001", ids["nat"], "fail")}
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "NAT001"]
    (step,) = finding.fix
    assert (step.action, step.parameters["InternetGatewayExclusionMode"], step.ready) == (
        "ec2:CreateVpcBlockPublicAccessExclusion", "allow-egress", False)


def _excluding(snapshot: Snapshot, *, vpcs: tuple[str, ...] = (), subnets: tuple[str, ...] = ()) -> Snapshot:
    account = snapshot.accounts[0]
    region = account.regions[0]
    bpa = replace(region.block_public_access, excluded_vpc_ids=vpcs, excluded_subnet_ids=subnets)
    return replace(snapshot, accounts=(replace(account, regions=(replace(region, block_public_access=bpa),)),))


def test_block_public_access_excluding_the_vpc_or_some_subnets() -> None:
    """The other side of the fix: the VPC excluded, the regional gateway reaches the internet and
    NAT001 is silent; only a subnet of it excluded, NAT001 is not evaluated (AWS does not say
    whether a subnet's exclusion lets a regional gateway's traffic through)."""
    snapshot, ids = _built(**BPA)
    assert audit(_excluding(snapshot, vpcs=(ids["vpc"],))) == _baseline(ids)
    subnet = snapshot.accounts[0].regions[0].subnets[0].subnet_id
    assert audit(_excluding(snapshot, subnets=(subnet,))) == _baseline(ids) | {("NAT001", ids["nat"], "not_evaluated")}
