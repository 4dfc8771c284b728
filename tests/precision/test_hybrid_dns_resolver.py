"""Centralized hybrid DNS with Route 53 Resolver endpoints, forwarding rules and centralized
interface endpoints in a shared-services VPC (the aws-samples hub-and-spoke Terraform sample, the
"Hybrid Cloud DNS Options for Amazon VPC" whitepaper and the Route 53 Developer Guide): every
finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_layout import audit, audit_result, region_view, severities
from layouts import hybrid_dns_resolver
from layouts.hybrid_dns_resolver import HUB_CIDR, INTERNET_RESOLVER, ON_PREMISES, ON_PREMISES_SERVERS, REGION

from vpcaudit.network.dns import authority
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
SSM = f"ssm.{REGION}.amazonaws.com"
STS = f"sts.{REGION}.amazonaws.com"
ON_PREMISES_HOST = "intranet.example.com"


@cache
def _build(**variant: Any) -> Built:
    """Each variant once: the tests only read the snapshot."""
    return hybrid_dns_resolver.build(**variant)


def _hub_gateway_advice(ids: dict[str, str]) -> Triples:
    """Right (advice): GWE004 (low) on the hub's S3 interface endpoint. GWE002/GWE003 (medium,
    low) fired on the hub too, by the catalogue's stand-in rule (its private subnets standing in for
    clients to come), which "Noticed and left alone" doubted: an endpoints-only subnet could not be
    told from a workload subnet still empty. Fixed since: the hub's endpoints answer the spokes
    through private hosted zones associated with them, which marks it a centralized-endpoint hub,
    whose gateway endpoint could serve none of its spokes (the Cloud WAN layout)."""
    return {("GWE004", ids["s3"], "fail")}


def _hub_private_dns_unanswered(ids: dict[str, str]) -> Triples:
    """Right, medium: ssm, ssmmessages and ec2messages have private DNS off and the code associates
    their zones with the spokes alone, so the hub's resolver — the one the inbound endpoint
    answers on-premises clients with — resolves their names to public addresses. The README says
    the zones are associated with "all the VPCs created (Spoke VPCs and Shared Services VPC)",
    the whitepaper "Private Hosted Zones are associated with a Shared Service VPC", and the Route
    53 guide "If you want Resolver to resolve inbound DNS queries using records in a private
    hosted zone, associate the private hosted zone with the VPC that you created the inbound
    endpoint in". S3 is left out by design (endpoint-specific names are its documented pattern)."""
    return {("DNS003", ids[key], "fail") for key in ("ssm", "ssmmessages", "ec2messages")}


def _endpoint_group_open_to_all(ids: dict[str, str]) -> Triples:
    """Right, high: ``endpoints_sg`` admits TCP 443 from 0.0.0.0/0 and the hub sends 0.0.0.0/0 to
    the transit gateway, so every network behind it (spokes, on premises) reaches the endpoints;
    the sample builds a prefix list of the spokes' CIDRs that the group could name instead."""
    return {("SG001", ids["endpoints_sg"], "fail")}


def _hub_flow_log(ids: dict[str, str]) -> Triples:
    """Right, medium: the spokes log to CloudWatch Logs, the hub logs nothing (the hub-and-spoke
    module's default for central VPCs is ``log_destination_type = "none"``)."""
    return {("MON001", ids["hub"], "fail")}


def _default_policies(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: ssm and s3 keep AWS's default full access (ssmmessages and
    ec2messages take no policy)."""
    return {("POL001", ids["ssm"], "fail"), ("POL001", ids["s3"], "fail")}


def _session_manager_optional(ids: dict[str, str]) -> Triples:
    """Right (advice), info: Session Manager's endpoints without the optional kms and logs."""
    return {("IFE003", ids["hub"], "fail")}


def _spokes_without_gateway_endpoints(ids: dict[str, str]) -> Triples:
    """Right (advice): no S3 (medium) or DynamoDB (low) gateway endpoint in the spokes, whose
    traffic to both pays transit gateway processing — S3's on to the hub's interface endpoint
    ($0.01/GB more), DynamoDB's to wherever the transit gateway sends 0.0.0.0/0 (nowhere in the
    sample). "Gateway endpoints are free to provision, and there is not a strong use case for
    centralization" (whitepaper "Centralized access to VPC private endpoints")."""
    return {(rule, ids[spoke], "fail") for rule in ("GWE002", "GWE003") for spoke in ("spoke1", "spoke2")}


def _baseline(ids: dict[str, str], *, zones_on_hub: bool = False) -> Triples:
    """Every finding of the layout as built; DNS003 only while the zones leave the hub out."""
    triples = (_endpoint_group_open_to_all(ids) | _hub_flow_log(ids) | _default_policies(ids)
               | _session_manager_optional(ids) | _spokes_without_gateway_endpoints(ids) | _hub_gateway_advice(ids))
    return triples if zones_on_hub else triples | _hub_private_dns_unanswered(ids)


def test_the_snapshot_is_the_sample() -> None:
    """The builder against the sample: the hub's four /28s (endpoints first), its endpoints
    subnets on the transit gateway, four interface endpoints with private DNS off; the Resolver
    endpoints' interfaces described as AWS describes them, requester-managed, in their groups and
    kept out of the workloads; the zones on the spokes only; both forwarding rules associated with
    both spokes, the autodefined "Internet Resolver" with every VPC, each forwarding rule with its
    targets (the sample's on-premises servers, port 53) and the outbound endpoint it goes through."""
    snapshot, ids = _build()
    region = snapshot.accounts[0].regions[0]
    view = region_view(snapshot)
    assert sorted(s.cidr_block for s in region.subnets if s.vpc_id == ids["hub"]) == [
        "10.129.0.0/28", "10.129.0.16/28", "10.129.0.32/28", "10.129.0.48/28"]
    assert view.vpcs[ids["hub"]].cidr_blocks == (HUB_CIDR,)
    for az in (1, 2):
        assert view.egress(ids[f"hub_endpoints{az}"]).klass == "tgw"
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    assert {endpoints[ids[k]].private_dns_enabled for k in hybrid_dns_resolver.ENDPOINT_SERVICES} == {False}
    for direction, group in (("in", "inbound_sg"), ("out", "outbound_sg")):
        enis = [view.interfaces[ids[f"{direction}bound_eni{n}"]] for n in (1, 2)]
        assert [(e.subnet_id, e.interface_type, e.requester_managed, e.group_ids) for e in enis] == [
            (ids[f"hub_endpoints{n}"], "interface", True, (ids[group],)) for n in (1, 2)]
        assert all(e.description.startswith(f"Route 53 Resolver: {ids[f'{direction}bound']}:rni-0") for e in enis)
        assert not any(view.is_workload(e) for e in enis)
    inbound = next(g for g in region.security_groups if g.group_id == ids["inbound_sg"])
    assert sorted((x.ip_protocol, x.from_port, x.cidr_ipv4) for x in inbound.rules if not x.is_egress) == [
        ("tcp", 53, ON_PREMISES), ("udp", 53, ON_PREMISES)]
    assert {z.name: {a.vpc_id for a in z.vpcs} for z in region.hosted_zones} == {
        f"{k}.{REGION}.amazonaws.com": {ids["spoke1"], ids["spoke2"]} for k in hybrid_dns_resolver.ENDPOINT_SERVICES}
    assert sorted((a.vpc_id, a.domain_name, a.rule_type) for a in region.resolver_rules) == sorted(
        [(ids[s], d, "FORWARD") for s in ("spoke1", "spoke2") for d in ("example.com", "test.es")]
        + [(ids[v], ".", "RECURSIVE") for v in ("spoke1", "spoke2", "hub")])
    assert {a.resolver_rule_id for a in region.resolver_rules if a.rule_type == "RECURSIVE"} == {INTERNET_RESOLVER}
    assert {(a.domain_name, tuple(t.describe() for t in a.target_ips or ()), a.resolver_endpoint_id)
            for a in region.resolver_rules if a.rule_type == "FORWARD"} == {
        ("example.com", ("1.1.1.1:53", "2.2.2.2:53"), ids["outbound"]), ("test.es", ("1.1.1.1:53",), ids["outbound"])}


def test_who_answers_what_in_each_vpc() -> None:
    """Resolver as the network model reads the snapshot: in a spoke, ssm's name from its zone,
    the on-premises domain through the forwarding rule, STS's name publicly (the Internet
    Resolver rule changes nothing); in the hub, ssm's name publicly (DNS003 below)."""
    snapshot, ids = _build()
    view = region_view(snapshot)
    assert [authority(view, ids["spoke1"], name).kind for name in (SSM, ON_PREMISES_HOST, STS)] \
        == ["zone", "forward", "public"]
    assert authority(view, ids["spoke2"], ON_PREMISES_HOST).rule.resolver_rule_id == ids["example-domain"]
    assert authority(view, ids["hub"], SSM).kind == "public"


def test_findings_and_verdicts() -> None:
    """The sample with its rules associated: DNS003 × 3 (medium), SG001 (high), MON001 on the
    hub, POL001 × 2, IFE003 (info), GWE002/GWE003 on both spokes and GWE004 on the hub's S3 endpoint.
    Silent, rightly: DNS004 (each zone is exactly its service's name, with an alias to a live
    endpoint), DNS001/DNS002 (both attributes on everywhere), DNS005 (the Region's default options
    set), SG003 (0.0.0.0/0 admits the spokes' instances), IFE001/IFE002 (endpoints in both AZs,
    where the instances are), GWE001 (no gateway endpoint), NAT rules (none), ACL001 (default
    NACLs); nothing judges the Resolver endpoints' interfaces as clients."""
    snapshot, ids = _build()
    assert audit(snapshot) == _baseline(ids)
    levels = severities(snapshot)
    assert {levels[("DNS003", ids[k], "")] for k in ("ssm", "ssmmessages", "ec2messages")} == {"medium"}
    assert (levels[("SG001", ids["endpoints_sg"], "")], levels[("IFE003", ids["hub"], "session-manager:optional")]) \
        == ("high", "info")
    assert {levels[("GWE002", ids[v], "")] for v in ("spoke1", "spoke2")} == {"medium"}
    assert {levels[("GWE003", ids[v], "")] for v in ("spoke1", "spoke2")} | {levels[("GWE004", ids["s3"], "")]} \
        == {"low"}


def test_zones_on_the_hub_as_the_readme_says() -> None:
    """The zones associated with the hub as well, as the README and the whitepaper say: DNS003
    goes — the hub's resolver, and so the inbound endpoint, answers the services' names with the
    endpoints. Right."""
    snapshot, ids = _build(zones_on_hub=True)
    assert audit(snapshot) == _baseline(ids, zones_on_hub=True)
    assert authority(region_view(snapshot), ids["hub"], SSM).kind == "zone"


def test_as_published_the_rules_forward_nothing_and_leave_no_trace() -> None:
    """The sample as published creates both rules and associates them with no VPC: nothing
    forwards ``example.com`` from anywhere, and the snapshot cannot show it — the collector keeps
    associations only (``join_associations``), so a rule associated with nothing is not in it at
    all. The audit is the same as with the associations. A gap, pinned (see "Noticed and left
    alone")."""
    snapshot, ids = _build(rule_spokes=())
    assert audit(snapshot) == _baseline(ids)
    assert {a.rule_type for a in snapshot.accounts[0].regions[0].resolver_rules} == {"RECURSIVE"}
    assert authority(region_view(snapshot), ids["spoke1"], ON_PREMISES_HOST).kind == "public"


def test_near_miss_a_spoke_left_out_of_the_rules() -> None:
    """``spoke-vpc-2`` not associated with the rules (a new spoke account that never associated
    the shared rules): its instances resolve ``example.com`` publicly, not on premises, and the
    audit reads the same. A gap, pinned: no rule compares which VPCs a forwarding rule reaches
    with the VPCs routed to the network it forwards to."""
    snapshot, ids = _build(rule_spokes=(1,))
    assert audit(snapshot) == _baseline(ids)
    view = region_view(snapshot)
    assert [authority(view, ids[s], ON_PREMISES_HOST).kind for s in ("spoke1", "spoke2")] == ["forward", "public"]


def test_near_miss_a_forward_rule_for_amazonaws_com() -> None:
    """A FORWARD rule for ``amazonaws.com`` through the outbound endpoint to the on-premises servers,
    associated with every VPC, the hub included: every AWS name the spokes' zones do not hold (STS,
    Logs, KMS…) and, in the hub, ssm's own go on premises. What comes back is configured there: the
    servers may resolve the names publicly (the endpoints bypassed), hold zones of their own for
    them, or forward them to the hub's inbound endpoint — how on-premises clients reach the
    endpoints — where the query loops: "Don't associate the same VPC to a Resolver rule and its
    inbound endpoint (whether it's a direct target of the endpoint, or via an on-premises DNS
    server)" (Route 53 guide, "Avoid loop configurations with Resolver endpoints"). DNS003's three
    findings become *not evaluated*, each saying where the rule sends the name. Gap closed: the
    snapshot records the rule's ``TargetIps`` and ``ResolverEndpointId`` (from the
    ``ListResolverRules`` answer already read), and DNS003 counts a FORWARD rule as serving a name
    only where its targets are an inbound endpoint of a VPC that answers it; it was silent, as if
    the rule answered."""
    snapshot, ids = _build(service_rule="amazonaws.com")
    hub_endpoints = {("DNS003", ids[k], "not_evaluated") for k in ("ssm", "ssmmessages", "ec2messages")}
    assert audit(snapshot) == _baseline(ids) - _hub_private_dns_unanswered(ids) | hub_endpoints
    view = region_view(snapshot)
    assert (authority(view, ids["hub"], SSM).kind, authority(view, ids["spoke1"], STS).kind,
            authority(view, ids["spoke1"], SSM).kind) == ("forward", "forward", "zone")
    finding = next(f for f in audit_result(snapshot).findings if f.resource.resource_id == ids["ssm"])
    servers = ", ".join(f"{ip}:53" for ip in ON_PREMISES_SERVERS)
    assert f"Resolver rule {ids['service_rule']} (amazonaws.com) forwards {SSM} to {servers}" in finding.message
    assert "cannot be told" in finding.message


def test_near_miss_a_forward_rule_for_amazonaws_com_to_the_hubs_inbound_endpoint() -> None:
    """The same rule, but targeting the hub's inbound endpoint's two addresses (the other way to
    reach the hub's answers from the spokes): in the hub, ssm's, ssmmessages' and ec2messages'
    names are forwarded from the hub to the hub's own inbound endpoint, where Resolver applies the
    same rule again — the loop the Route 53 guide warns about: "When the outbound endpoint in a
    Resolver rule points to an inbound endpoint that shares a VPC with the rule, it can cause a
    loop where the query is continually passed between the inbound and outbound endpoints". DNS003
    on each, medium — right: the names never resolve in the hub (nor from on premises, whose
    queries reach the same resolver). The spokes' own zones answer their ssm names first.

    DNS006 on the rule's three associations, high — right, new: in the hub a direct loop; from each
    spoke, every ``amazonaws.com`` name its zones do not hold (STS, Logs, KMS…) goes to the hub's
    inbound endpoint and from there round the same loop ("Don't associate the same VPC to a
    Resolver rule and its inbound endpoint"). DNS003 only sees the names of the hub's endpoints
    with private DNS off; the loop breaks every other name too. Each finding's fix disassociates
    the rule from the hub alone (after a decision), which the Route 53 guide's next sentence
    describes: "The forwarding rule can still be associated with other VPCs … Private hosted zones
    associated with the hub … will still resolve from queries to inbound endpoints"."""
    snapshot, ids = _build(service_rule="amazonaws.com", service_rule_to_inbound=True)
    assert audit(snapshot) == _baseline(ids) | {("DNS006", ids["service_rule"], "fail")}
    levels = severities(snapshot)
    assert {levels[("DNS003", ids[k], "")] for k in ("ssm", "ssmmessages", "ec2messages")} == {"medium"}
    assert {levels[("DNS006", ids["service_rule"], ids[v])] for v in ("spoke1", "spoke2", "hub")} == {"high"}
    findings = audit_result(snapshot).findings
    finding = next(f for f in findings if f.resource.resource_id == ids["ssm"])
    assert f"inbound Resolver endpoint {ids['inbound']} of {ids['hub']}, the VPC the rule is associated with: the " \
           "query loops" in finding.message
    loops = {f.discriminator: f for f in findings if f.rule_id == "DNS006"}
    assert f"inbound Resolver endpoint {ids['inbound']} of {ids['hub']}, which has the same rule associated" \
           in loops[ids["spoke1"]].message
    assert f"of {ids['hub']} itself" in loops[ids["hub"]].message
    assert {(s.action, s.parameters["VPCId"], s.ready) for f in loops.values() for s in f.fix} == {
        ("route53resolver:DisassociateResolverRule", ids["hub"], False)}


def test_near_miss_the_rule_to_the_hubs_inbound_endpoint_on_the_spokes_only() -> None:
    """The same rule to the hub's inbound endpoint, associated with the spokes alone, as the Route 53
    guide advises ("The forwarding rule can still be associated with other VPCs"): no loop, DNS006
    silent — right. The hub's resolver answers the spokes' ``amazonaws.com`` queries with its own
    zones (none here: the code associates them with the spokes) or publicly, so the audit is the
    layout's as built: DNS003 on the hub's three endpoints, as there. The spokes' own zones still
    answer their ssm names first."""
    snapshot, ids = _build(service_rule="amazonaws.com", service_rule_to_inbound=True, service_rule_on_hub=False)
    assert audit(snapshot) == _baseline(ids)
    view = region_view(snapshot)
    assert (authority(view, ids["spoke1"], STS).kind, authority(view, ids["hub"], STS).kind) == ("forward", "public")


def test_near_miss_one_zone_for_the_regions_service_domain() -> None:
    """One zone ``us-east-1.amazonaws.com`` holding the four services' records instead of a zone
    per service: DNS004 for each spoke, medium — right: Resolver answers every other service name
    of the Region (STS, Logs, ECR…) from that zone, with NXDOMAIN."""
    snapshot, ids = _build(parent_zone=True)
    assert audit(snapshot) == _baseline(ids) | {("DNS004", ids["zone"], "fail")}
    levels = severities(snapshot)
    assert [levels[("DNS004", ids["zone"], ids[s])] for s in ("spoke1", "spoke2")] == ["medium", "medium"]
    assert authority(region_view(snapshot), ids["spoke1"], STS).kind == "zone"


def test_near_miss_outbound_endpoint_group_without_egress() -> None:
    """``r53endpoint_outbound_sg`` with no outbound rule: the outbound endpoint cannot send a query
    on premises, so ``example.com`` fails to resolve from the spokes — the guide: "Outbound rules
    must allow TCP and UDP access on the port that you're using for DNS queries on your network".
    The audit reads the same. A gap, pinned: no rule reads a Resolver endpoint's groups; the
    snapshot holds its interfaces (the description tells inbound from outbound) and the rules'
    targets and outbound endpoint id, but no Resolver endpoint records (``ListResolverEndpoints``)."""
    snapshot, ids = _build(outbound_egress=False)
    assert audit(snapshot) == _baseline(ids)
    group = next(g for g in snapshot.accounts[0].regions[0].security_groups if g.group_id == ids["outbound_sg"])
    assert not [x for x in group.rules if x.is_egress]
    view = region_view(snapshot)
    assert {view.interfaces[ids[f"outbound_eni{n}"]].group_ids for n in (1, 2)} == {(ids["outbound_sg"],)}


def test_near_miss_spokes_hand_out_the_hubs_inbound_endpoint() -> None:
    """Both spokes' DHCP options hand out the hub's inbound endpoint addresses (its group admitting
    DNS from the spokes): DNS005 on each, medium — right. The endpoint answers in the hub's
    context ("Inbound: DNS queries from your network or another VPC are no longer routed to the
    DNS service for the specified VPC",
    DeleteResolverEndpoint), where the spokes' zones are not associated and their forwarding rules
    do not apply (Resolver matches "the rules that are associated with the VPC that the query
    originated from"; and the loop warning of "Avoid loop configurations with Resolver endpoints"
    is about exactly the rules of the inbound endpoint's VPC): SSM's names resolve publicly and
    ``example.com`` is not forwarded. A fix recognising inbound endpoints must count the VPC's
    own only, as it does for directory controllers."""
    snapshot, ids = _build(dhcp_inbound="spokes")
    assert audit(snapshot) == _baseline(ids) | {("DNS005", ids[s], "fail") for s in ("spoke1", "spoke2")}
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "DNS005")
    inbound = [region_view(snapshot).interfaces[ids[f"inbound_eni{n}"]].private_ip_addresses[0] for n in (1, 2)]
    assert sorted(finding.evidence["domain_name_servers"]) == sorted(inbound)


def test_near_miss_hub_hands_out_its_inbound_endpoint_that_admits_on_premises_only() -> None:
    """The hub (zones associated) hands out its own inbound endpoint's addresses, whose group
    still admits DNS from 192.168.0.0/16 alone: DNS005, medium — right, and worse than it says:
    the instances' queries are dropped ("Inbound rules must allow TCP and UDP access on port 53",
    Route 53 guide). Whatever recognises the VPC's own inbound endpoint (next test) must keep
    this one."""
    snapshot, ids = _build(zones_on_hub=True, dhcp_inbound="hub", admit_dhcp_clients=False)
    assert audit(snapshot) == _baseline(ids, zones_on_hub=True) | {("DNS005", ids["hub"], "fail")}
    group = next(g for g in snapshot.accounts[0].regions[0].security_groups if g.group_id == ids["inbound_sg"])
    assert {x.cidr_ipv4 for x in group.rules if not x.is_egress} == {ON_PREMISES}


def test_hub_handing_out_its_own_inbound_endpoint() -> None:
    """The hub (zones associated, as the README says) hands out its own inbound endpoint's
    addresses, whose group admits DNS from the hub's CIDR: DNS005 fired, medium — rule wrong,
    fixed (DNS005's ``inbound_resolver_addresses``). Those servers
    are this VPC's Resolver: "The inbound endpoint
    sends the query to Route 53 Resolver at the VPC +2" and "Creating an inbound endpoint doesn't
    change the behavior of Resolver, it just provides a path … to Resolver" (Route 53 guide,
    "What is Route 53 Resolver?" and "Resolving DNS queries between VPCs and your network"), so
    the hub's zones and rules answer exactly as through AmazonProvidedDNS. The snapshot can tell:
    both servers are addresses of interfaces of this VPC described ``Route 53 Resolver:
    rslvr-in-…``, in a group admitting port 53 from the VPC — as DNS005 already recognises the
    VPC's own directory controllers."""
    snapshot, ids = _build(zones_on_hub=True, dhcp_inbound="hub")
    assert audit(snapshot) == _baseline(ids, zones_on_hub=True)
