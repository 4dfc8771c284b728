"""terraform-aws-vpc's secondary-cidr-blocks example: every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from aws_layout import audit, severities
from layouts import tf_vpc_secondary_cidr_blocks

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]


def test_findings_and_verdicts_as_published() -> None:
    snapshot, ids = tf_vpc_secondary_cidr_blocks.build()
    # MON001: right (``enable_flow_log`` defaults to false). Silent, rightly: the nine private
    # subnets, primary and secondary blocks alike, have only local routes (no NAT gateway), so
    # they pay nothing (GWE002/GWE003) and use no NAT gateway (NAT001-NAT003); no endpoint.
    assert audit(snapshot) == {("MON001", ids["vpc"], "fail")}


def test_every_route_table_has_a_local_route_per_cidr_block() -> None:
    """As AWS reports them: the main, public and nine private tables each route all three blocks
    locally, so the secondary blocks' subnets reach the primary block's and back."""
    snapshot, _ = tf_vpc_secondary_cidr_blocks.build()
    [region] = snapshot.accounts[0].regions
    for table in region.route_tables:
        local = sorted(route.destination for route in table.routes if route.target_kind == "local")
        assert local == ["10.0.0.0/16", "10.1.0.0/16", "10.2.0.0/16"], table.route_table_id


def _advice(ids: dict[str, str]) -> Triples:
    """Right, as advice: no flow log; the ssm endpoint's default full-access policy; Session
    Manager without the optional kms and logs endpoints (info)."""
    return {("MON001", ids["vpc"], "fail"), ("POL001", ids["ssm"], "fail"), ("IFE003", ids["vpc"], "fail")}


def _snapshot(source: str) -> tuple[Snapshot, dict[str, str]]:
    return tf_vpc_secondary_cidr_blocks.build(endpoints=source)


def test_endpoint_group_admitting_the_modules_vpc_cidr_block() -> None:
    """The group admits 443 from ``module.vpc.vpc_cidr_block``, as the module's complete example
    writes it — the primary block alone. Right (medium, on each endpoint): the six instances in
    10.1.0.0/16 and 10.2.0.0/16 reach the endpoints' subnets through their local routes and time
    out on the group; with private DNS on, Session Manager has no other way. SG003 is silent,
    rightly by the catalogue (some clients get in); SG006, proposed for the catalogue, says it."""
    snapshot, ids = _snapshot("vpc_cidr_block")
    stranded = {("SG006", ids[key], "fail") for key in ("ssm", "ssmmessages", "ec2messages")}
    assert audit(snapshot) == _advice(ids) | stranded
    assert {level for (rule_id, _, _), level in severities(snapshot).items() if rule_id == "SG006"} == {"medium"}


def test_endpoint_group_admitting_every_block() -> None:
    """One rule per block (``concat([vpc_cidr_block], vpc_secondary_cidr_blocks)``): nothing but
    the advice. SG004 stays silent: each source is inside the VPC."""
    snapshot, ids = _snapshot("all_blocks")
    assert audit(snapshot) == _advice(ids)


def test_endpoint_group_admitting_a_supernet_of_the_blocks() -> None:
    """10.0.0.0/14 admits all three blocks and 10.3.0.0/16, which is neither the VPC's nor routed
    anywhere from the endpoint subnets. Right: SG004 (low). The three quarters of the /14 that are
    the VPC's own blocks resolve to their local routes; only the rest counts as unrouted."""
    snapshot, ids = _snapshot("supernet")
    assert audit(snapshot) == _advice(ids) | {("SG004", ids["endpoints_sg"], "fail")}
