"""aws-ia/terraform-aws-vpc's ``public_private_flow_logs`` example (v4.7.1): every finding and its
verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, region_view
from layouts import aws_ia_tf_vpc

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
SINGLE_AZ = {"nat": "single_az"}
PRIVATE_NOT_CONNECTED = {"connect_private": False}
TGW_SPOKE = {"egress": "tgw"}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return aws_ia_tf_vpc.build(**options)  # type: ignore[arg-type]


def _nat_processing(ids: dict[str, str]) -> Triples:
    """Right (advice), medium and low: the ``flowlogs`` VPC's private subnets send S3 and DynamoDB
    traffic through their NAT gateways (or, in the spoke form, the transit gateway), paying its
    per-GB processing, while gateway endpoints carry it at no charge. The example deploys no
    workload and no endpoint; the isolated ``vpc-s3-logs`` has no path out, so nothing pays."""
    return {("GWE002", ids["vpc"], "fail"), ("GWE003", ids["vpc"], "fail")}


def _single_nat_gateway(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: ``single_az`` puts the one NAT gateway in eu-west-1a and the module's
    ``nat_per_az`` fallback points eu-west-1b's private table at it — cross-AZ processing and lost
    egress when eu-west-1a is impaired (NAT002 on that subnet, NAT003 once for the AZ). AWS
    recommends a NAT gateway per AZ for an AZ-independent architecture; ``single_az`` is the
    module's documented cost trade-off."""
    return {("NAT002", ids["private2"], "fail"), ("NAT003", ids["vpc"], "fail")}


def _unrouted_nat_gateways(ids: dict[str, str]) -> Triples:
    """Right, low: ``all_azs`` NAT gateways with no tier connected to them bill by the hour and hold
    an Elastic IP each while no route table sends them anything."""
    return {("NAT005", ids["nat1"], "fail"), ("NAT005", ids["nat2"], "fail")}


def test_the_module_writes_one_route_table_per_subnet() -> None:
    """As ``main.tf`` builds it: four tables per VPC, one per subnet; public → IGW, private → the
    same AZ's NAT gateway; ``vpc-s3-logs`` local only; both VPCs logged (ALL)."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    tables = {t.route_table_id: t for t in region.route_tables}
    for k in (1, 2):
        public = tables[ids[f"public_rt{k}"]]
        private = tables[ids[f"private_rt{k}"]]
        assert [a.subnet_id for a in public.associations] == [ids[f"public{k}"]]
        assert [a.subnet_id for a in private.associations] == [ids[f"private{k}"]]
        assert {(x.destination, x.target_id) for x in public.routes if x.target_kind != "local"} == {
            ("0.0.0.0/0", ids["igw"])}
        assert {(x.destination, x.target_id) for x in private.routes if x.target_kind != "local"} == {
            ("0.0.0.0/0", ids[f"nat{k}"])}
        for tier in ("endpoints", "workloads"):
            assert {x.target_kind for x in tables[ids[f"{tier}_rt{k}"]].routes} == {"local"}
    assert {(f.resource_id, f.traffic_type, f.log_destination_type) for f in region.flow_logs} == {
        (ids["vpc"], "ALL", "cloud-watch-logs"), (ids["vpc2"], "ALL", "s3")}
    view = region_view(snapshot)
    assert view.internet_egress(ids["workloads1"]) is None


def test_findings_and_verdicts() -> None:
    """The canonical form: GWE002/GWE003 on ``flowlogs`` only. Silent, rightly: MON001 (both VPCs
    have a flow log), NAT001-NAT005 (a NAT gateway per AZ, each in a public subnet and routed to
    by its AZ's private table), every endpoint, policy, SG and NACL rule (no endpoint; the
    default NACL), DNS001/DNS002 (both on), RT001; nothing on ``vpc-s3-logs``, isolated by
    construction (no public tier, no ``connect_to_public_natgw``)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _nat_processing(ids)


def test_near_miss_single_az_nat_gateway() -> None:
    """``nat_gateway_configuration = "single_az"``: NAT002 and NAT003 join the canonical audit."""
    snapshot, ids = _built(**SINGLE_AZ)
    assert audit(snapshot) == _nat_processing(ids) | _single_nat_gateway(ids)


def test_near_miss_private_tier_not_connected_to_the_nat_gateways() -> None:
    """``connect_to_public_natgw`` left out of ``private`` with ``all_azs`` NAT gateways: NAT005 on
    both, and GWE002/GWE003 fall silent — the private subnets are now isolated like
    ``vpc-s3-logs``'s, so no S3 or DynamoDB traffic pays anything. Whether isolation was meant is
    not the rules' to say; paying for two idle NAT gateways is."""
    snapshot, ids = _built(**PRIVATE_NOT_CONNECTED)
    assert audit(snapshot) == _unrouted_nat_gateways(ids)
    assert region_view(snapshot).internet_egress(ids["private1"]) is None


def test_near_miss_spoke_of_centralized_egress() -> None:
    """``transit_gateway_routes = { private = "0.0.0.0/0" }`` with ``transit_gateway`` /28 subnets
    and no public tier (the module README's usage): GWE002/GWE003 now name the transit gateway
    and pay its processing, egress assumed beyond it. The attachment subnets' own tables hold the
    local route alone, as AWS's transit gateway design practices expect of them, and no NAT rule
    fires (no NAT gateway in the VPC)."""
    snapshot, ids = _built(**TGW_SPOKE)
    assert audit(snapshot) == _nat_processing(ids)
    view = region_view(snapshot)
    assert view.internet_egress(ids["private1"]) == "tgw"
    assert view.internet_egress(ids["tgw1"]) is None
