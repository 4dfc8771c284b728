"""terraform-aws-vpc's separate-route-tables example: every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from aws_layout import audit, severities
from layouts import tf_vpc_separate_route_tables

Triples = set[tuple[str, str, str]]


def _single_nat(ids: dict[str, str], tiers: tuple[str, ...] = ("private",)) -> Triples:
    """Right, the example's stated trade-off: ``single_nat_gateway`` puts the one NAT gateway in
    the first AZ, so every subnet routed to it from the other two AZs crosses AZs (NAT002) and
    those AZs have no NAT gateway of their own (NAT003). AWS recommends one per AZ; the example's
    own README says it creates "NAT Gateways ... in each availability zone"."""
    crossing = {("NAT002", ids[f"{tier}{i}"], "fail") for tier in tiers for i in (2, 3)}
    return crossing | {("NAT003", ids["vpc"], "fail")}


def _advice(ids: dict[str, str]) -> Triples:
    """Right, as advice: S3 (medium) and DynamoDB (low) traffic of the NAT-routed subnets pays NAT
    processing where gateway endpoints are free; no flow log (``enable_flow_log`` is false)."""
    return {("GWE002", ids["vpc"], "fail"), ("GWE003", ids["vpc"], "fail"), ("MON001", ids["vpc"], "fail")}


def test_findings_and_verdicts_as_published() -> None:
    snapshot, ids = tf_vpc_separate_route_tables.build()
    # Silent, rightly: the database, ElastiCache, Redshift and intra tables route nothing beyond
    # the VPC, so those subnets are isolated — they pay no NAT processing (not counted by GWE002
    # or GWE003) and use no NAT gateway (no NAT002/NAT003). The NAT gateway sits in a public
    # subnet (no NAT001).
    assert audit(snapshot) == _advice(ids) | _single_nat(ids)
    levels = severities(snapshot)
    assert {levels[("NAT003", ids["vpc"], az)] for az in ("euw1-az1", "euw1-az2")} == {"medium"}


def test_database_nat_gateway_route() -> None:
    """``create_database_nat_gateway_route = true``: the database table sends 0.0.0.0/0 to the
    single NAT gateway. Right: the database subnets join the private ones in GWE002/GWE003 (the
    same findings, two more subnets each), in NAT002 (the two outside the NAT gateway's AZ) and
    in NAT003's AZs."""
    snapshot, ids = tf_vpc_separate_route_tables.build(database_route="nat")
    assert audit(snapshot) == _advice(ids) | _single_nat(ids, ("private", "database"))


def test_database_internet_gateway_route() -> None:
    """``create_database_internet_gateway_route = true``: the database subnets are public. Right
    that nothing changes: public subnets pay no NAT processing and use no NAT gateway."""
    snapshot, ids = tf_vpc_separate_route_tables.build(database_route="igw")
    assert audit(snapshot) == _advice(ids) | _single_nat(ids)


def test_s3_gateway_endpoint_on_the_private_route_table_alone() -> None:
    """Near miss: an S3 gateway endpoint on the private route table only. GWE002 is satisfied; GWE001
    fires on each of the twelve subnets of the four separate tables (medium), rightly: the
    catalogue counts S3 traffic that goes nowhere, and the tiers need the route — the module's
    README has intra subnets reach AWS services through VPC endpoints (Lambda functions), and
    Redshift's enhanced VPC routing sends COPY/UNLOAD through the VPC, which "must have network
    paths to Amazon Simple Storage Service (Amazon S3)" (AWS's runbook for Security Hub
    Redshift.7). POL001 (advice): the submodule's default full-access policy."""
    snapshot, ids = tf_vpc_separate_route_tables.build(s3_endpoint=True)
    isolated = {("GWE001", ids[f"{tier}{i}"], "fail")
                for tier in ("database", "elasticache", "redshift", "intra") for i in (1, 2, 3)}
    assert audit(snapshot) == (isolated | {("POL001", ids["s3"], "fail"), ("GWE003", ids["vpc"], "fail"),
                                           ("MON001", ids["vpc"], "fail")} | _single_nat(ids))
    levels = severities(snapshot)
    assert {levels[("GWE001", subnet, "s3")] for _, subnet, _ in isolated} == {"medium"}
