"""A Lambda function in dual-stack private subnets with ``Ipv6AllowedForDualStack``, NAT gateways for
IPv4, an egress-only internet gateway for IPv6 and dual-stack STS and Secrets Manager endpoints: every
finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result, severities
from layouts import lambda_dualstack_ipv6 as layout

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
ENDPOINT_GROUP_IPV4_ONLY = {"endpoint_ipv6_source": False}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return layout.build(**options)  # type: ignore[arg-type]


def _flow_log(ids: dict[str, str]) -> Triples:
    """Right, medium: the example creates no flow log (``enable_flow_log`` defaults to false)."""
    return {("MON001", ids["vpc"], "fail")}


def _nat_processing(ids: dict[str, str]) -> Triples:
    """Right (advice), medium and low: no S3 or DynamoDB gateway endpoint. The SDKs call the default
    Regional names (``s3.eu-west-1.amazonaws.com``, ``dynamodb.eu-west-1.amazonaws.com``), which
    answer A records only; the dual-stack names are opt-in (``use_dualstack_endpoint``). So the
    function's S3 and DynamoDB calls go over IPv4 through the NAT gateways and pay their processing,
    ``Ipv6AllowedForDualStack`` and the egress-only gateway notwithstanding."""
    return {("GWE002", ids["vpc"], "fail"), ("GWE003", ids["vpc"], "fail")}


def _default_endpoint_policies(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: both endpoints keep AWS's default full-access policy."""
    return {("POL001", ids[key], "fail") for key in layout.ENDPOINT_SERVICES}


def _canonical(ids: dict[str, str]) -> Triples:
    return _flow_log(ids) | _nat_processing(ids) | _default_endpoint_policies(ids)


def _ipv6_calls_refused(ids: dict[str, str]) -> Triples:
    """Right, medium: dual-stack endpoints whose private DNS answers AAAA queries, behind a group
    admitting 10.0.0.0/16 only. The function's interfaces have IPv6 addresses, resolvers hand the
    AAAA answer first to a host with a global IPv6 address (the SDKs' own note on dual-stack names:
    the client "will automatically prefer the AAAA record"), and the SYN from the /56 is dropped:
    each call waits out a connect timeout before any IPv4 fallback."""
    return {("SG006", ids[key], "fail") for key in layout.ENDPOINT_SERVICES}


def test_the_snapshot_is_the_dual_stack_layout() -> None:
    """Private tables send 0.0.0.0/0 to their AZ's NAT gateway and ::/0 to the egress-only gateway;
    the function's three ``lambda`` interfaces are requester-managed with an IPv4 and an IPv6
    address each; the endpoints are ``dualstack`` with DNS record IP type ``dualstack`` and an
    address of each family on every interface."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    tables = {t.route_table_id: t for t in region.route_tables}
    for k in (1, 2, 3):
        assert [(x.destination, x.target_id) for x in tables[ids[f"private_rt{k}"]].routes] == [
            ("10.0.0.0/16", "local"), (layout.VPC_IPV6_CIDR, "local"), ("0.0.0.0/0", ids[f"nat{k}"]),
            ("::/0", ids["eigw"])]
    enis = {e.network_interface_id: e for e in region.network_interfaces}
    subnets = {s.subnet_id: s for s in region.subnets}
    for k in (1, 2, 3):
        eni = enis[ids[f"lambda_eni{k}"]]
        assert (eni.interface_type, eni.requester_managed, eni.subnet_id, eni.group_ids) == (
            "lambda", True, ids[f"private{k}"], (ids["function_sg"],))
        assert eni.description.startswith(f"AWS Lambda VPC ENI-{layout.FUNCTION}-")
        (v6,) = eni.ipv6_addresses
        assert v6.startswith(subnets[eni.subnet_id].ipv6_cidr_blocks[0].split("::")[0])
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    for key in layout.ENDPOINT_SERVICES:
        endpoint = endpoints[ids[key]]
        assert (endpoint.ip_address_type, endpoint.dns_record_ip_type, endpoint.private_dns_enabled) == (
            "dualstack", "dualstack", True)
        assert all(enis[e].ipv6_addresses and enis[e].private_ip_addresses for e in endpoint.network_interface_ids)


def test_findings_and_verdicts() -> None:
    """MON001, GWE002 (medium), GWE003 (low), POL001 on both endpoints (medium). Silent, rightly:
    SG003/SG006 (443 from 10.0.0.0/16 and the /56: both families of every function interface), SG005
    (the function sends anywhere in both families), SG001/SG002/SG004, NAT001-NAT003 (a NAT gateway
    per AZ in a public subnet, each private table on its own AZ's), IFE001/IFE002 (endpoints in the
    three AZs the function uses), DNS001-DNS003 (attributes on, private DNS on), ACL001 (the
    module's default NACL allows both families)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _canonical(ids)
    levels = severities(snapshot)
    assert (levels[("GWE002", ids["vpc"], "")], levels[("GWE003", ids["vpc"], "")]) == ("medium", "low")


def test_near_miss_endpoint_group_admitting_the_ipv4_block_only() -> None:
    """The endpoint group without its /56 rule, the endpoints still publishing AAAA records: SG006
    on both endpoints, medium (the family case)."""
    snapshot, ids = _built(**ENDPOINT_GROUP_IPV4_ONLY)
    assert audit(snapshot) == _canonical(ids) | _ipv6_calls_refused(ids)
    assert {severities(snapshot)[("SG006", ids[key], "")] for key in layout.ENDPOINT_SERVICES} == {"medium"}


def test_near_miss_ipv4_records_with_an_ipv4_only_group_is_fine() -> None:
    """DNS record IP type ``ipv4`` on the dual-stack endpoints, the group admitting 10.0.0.0/16
    only: private DNS answers A records alone, so the dual-stack function reaches the endpoints
    over IPv4, which the group admits. Right: nothing beyond the canonical findings."""
    snapshot, ids = _built(dns_record_ip_type="ipv4", **ENDPOINT_GROUP_IPV4_ONLY)
    assert {e.dns_record_ip_type for e in snapshot.accounts[0].regions[0].vpc_endpoints
            if e.endpoint_type == "Interface"} == {"ipv4"}
    assert audit(snapshot) == _canonical(ids)


def test_near_miss_without_the_egress_only_gateway_goes_unreported() -> None:
    """No egress-only gateway and no ::/0 route on the private tables while the function has
    ``Ipv6AllowedForDualStack`` and IPv6 addresses: every AAAA answer beyond the VPC (a dual-stack
    ``*.api.aws`` name, a third-party API) has no route, and each call waits out a connect timeout
    before IPv4. The canonical findings only: no rule judges a dual-stack subnet's missing IPv6
    default route while its IPv4 one works. A gap, pinned."""
    snapshot, ids = _built(eigw=False)
    region = snapshot.accounts[0].regions[0]
    assert not [g for g in region.internet_gateways if g.kind == "eigw"]
    assert not [x for t in region.route_tables for x in t.routes if x.destination == "::/0"
                and t.route_table_id in {ids[f"private_rt{k}"] for k in (1, 2, 3)}]
    assert audit(snapshot) == _canonical(ids)


def test_near_miss_function_group_without_ipv6_egress() -> None:
    """The function's group sends to 0.0.0.0/0 only; the endpoints are dual-stack with AAAA records.
    The function's interfaces have IPv6 addresses and take the AAAA answer first, and their own
    group drops the SYN to the endpoint's IPv6 address: each call waits out a connect timeout
    before IPv4, the mirror of SG006's family case. Right: SG005 on the function's group, medium,
    saying "over IPv6". It counted IPv4 egress as enough for any client outside an IPv6-only subnet
    and stayed silent (rule wrong, fixed)."""
    snapshot, ids = _built(function_ipv6_egress=False)
    assert audit(snapshot) == _canonical(ids) | {("SG005", ids["function_sg"], "fail")}
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "SG005"]
    assert finding.severity.value == "medium" and "over IPv6" in finding.message
