"""Hybrid S3 access with private DNS only for inbound Resolver endpoints: the VPC's workloads on the
gateway endpoint with egress to S3's prefix list alone, the interface endpoint for on premises in
two of three AZs (S3 User Guide, "Private DNS"; AWS Storage blog; aws-samples): every finding and
its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

import pytest
from aws_layout import audit, audit_result, region_view, severities
from layouts import s3_hybrid_inbound_only

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]


@cache
def _built(**variant: object) -> Built:
    """Each variant built once: the snapshot is frozen, and several tests read it."""
    return s3_hybrid_inbound_only.build(**variant)  # type: ignore[arg-type]


def _advice(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: both endpoints keep AWS's default full-access policy, and no flow
    log covers the VPC (none of the sources creates one)."""
    return {("POL001", ids["s3_interface"], "fail"), ("POL001", ids["s3_gateway"], "fail"),
            ("MON001", ids["vpc"], "fail")}


def _vpc_resolves_to_the_interface_endpoint(ids: dict[str, str]) -> Triples:
    """Right (option cleared), low: private DNS now answers the VPC's own queries, so the instances
    resolve S3's names to the interface endpoint and pay its per-GB processing beside a free
    gateway endpoint (GWE004)."""
    return {("GWE004", ids["s3_interface"], "fail")}


def _vpc_stranded(ids: dict[str, str]) -> Triples:
    """Right (option cleared), medium: the endpoint's group admits HTTPS from the on-premises range
    only, while the instances now call it: every in-VPC S3 call times out (SG006's "only remote
    clients admitted"). SG003 stays silent as the catalogue defines it: the on-premises range is
    routed to the virtual private gateway and holds clients, who still get in."""
    return {("SG006", ids["s3_interface"], "fail")}


def _instances_cannot_send_to_it(ids: dict[str, str]) -> Triples:
    """Right (option cleared), medium: the instances' group lets HTTPS out to S3's prefix list
    only, not to the interface endpoint's addresses, which their S3 calls now go to (SG005)."""
    return {("SG005", ids["app_sg"], "fail")}


def _third_az_crosses(ids: dict[str, str]) -> Triples:
    """Right (option cleared), medium: the use1-az4 instance is now a client of an endpoint with
    interfaces in use1-az1 and az2 only, and crosses AZs for every S3 call (IFE002)."""
    return {("IFE002", ids["s3_interface"], "fail")}


def _third_subnet_off_the_gateway(ids: dict[str, str]) -> Triples:
    """Right (gateway endpoint on the first two tables), medium: the use1-az4 subnet's table has no
    route to the gateway endpoint and none to the internet, so its S3 calls, which still resolve
    to S3's public addresses (private DNS answers only the inbound Resolver endpoint), go nowhere
    (GWE001). AWS asks for a gateway endpoint in the VPC, not on every route table."""
    return {("GWE001", ids["private3"], "fail")}


def _egress_to_the_vpc(ids: dict[str, str]) -> Triples:
    """Right (group sending 443 to the VPC's CIDR), medium: through the gateway endpoint the
    instances still call S3 at its public addresses, the prefix list's CIDRs, which their group
    does not let out (SG005, on the gateway endpoint alone: the interface endpoint is not theirs)."""
    return {("SG005", ids["app_sg"], "fail")}


def test_as_published() -> None:
    """Nothing beyond the advice. Rule wrong, fixed: SG005 blamed the instances' group for sending
    no HTTPS to the interface endpoint, and IFE002 the endpoint for having no interface in
    use1-az4, where an instance runs. Neither instance is its client: private DNS "only for
    inbound endpoints" answers S3's names with the endpoint's addresses only for queries arriving
    through an inbound Resolver endpoint, and "routes traffic that originates from the VPC to the
    gateway endpoint" (DnsOptionsSpecification); "This in-VPC traffic automatically uses the
    lower-cost gateway endpoints" (S3 User Guide). Only code written against the endpoint's own
    ``*.vpce.amazonaws.com`` names would call it from the VPC. Silent too: SG003 and SG004 (443
    from the on-premises range, routed to the virtual private gateway), SG006 (nothing of the
    VPC resolves to the endpoint), GWE001-GWE004 (every table routes S3 to the gateway endpoint;
    no NAT; the option on), IFE001 (two AZs), ACL001 (default NACL), DNS001-DNS005."""
    snapshot, ids = _built()
    assert audit(snapshot) == _advice(ids)


def test_in_vpc_s3_traffic_takes_the_gateway_endpoint_and_no_workload_is_a_client() -> None:
    snapshot, ids = _built()
    paths = {(p.subnet_id, p.kind, p.target_id) for p in audit_result(snapshot).paths if p.destination == "s3"}
    assert paths == {(ids[f"private{n}"], "gateway-endpoint", ids["s3_gateway"]) for n in (1, 2, 3)}
    view = region_view(snapshot)
    interface = view.endpoints[ids["s3_interface"]]
    assert view.endpoint_clients(interface) == ()
    assert view.endpoint_client_azs(interface).az_ids == frozenset()


def test_private_dns_for_all_resolvers_is_the_near_miss() -> None:
    snapshot, ids = _built(all_resolvers=True)
    assert audit(snapshot) == (_advice(ids) | _vpc_resolves_to_the_interface_endpoint(ids) | _vpc_stranded(ids)
                               | _instances_cannot_send_to_it(ids) | _third_az_crosses(ids))
    assert severities(snapshot)[("GWE004", ids["s3_interface"], "")] == "low"
    [refused] = [f for f in audit_result(snapshot).findings if f.rule_id == "SG005"]
    assert refused.evidence["endpoints"] == [ids["s3_interface"]]


def test_gateway_endpoint_missing_from_a_route_table() -> None:
    snapshot, ids = _built(gateway_route_tables=2)
    assert audit(snapshot) == _advice(ids) | _third_subnet_off_the_gateway(ids)


@pytest.mark.parametrize("all_resolvers", [False, True], ids=["inbound only", "all resolvers"])
def test_instances_sending_443_to_the_vpc(all_resolvers: bool) -> None:
    """With the option on, the group's 443 to the VPC is wrong for the gateway endpoint alone; with
    it cleared, it reaches the interface endpoint, which now takes the calls (and strands them)."""
    snapshot, ids = _built(egress_to_vpc=True, all_resolvers=all_resolvers)
    expected = (_advice(ids) | _egress_to_the_vpc(ids) if not all_resolvers else
                _advice(ids) | _vpc_resolves_to_the_interface_endpoint(ids) | _vpc_stranded(ids)
                | _third_az_crosses(ids))
    assert audit(snapshot) == expected
    refused = [f.evidence["endpoints"] for f in audit_result(snapshot).findings if f.rule_id == "SG005"]
    assert refused == ([] if all_resolvers else [[ids["s3_gateway"]]])
