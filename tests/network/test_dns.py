"""Who answers a hostname in a VPC (most specific wins) and whether a record reaches an endpoint."""

from __future__ import annotations

from dataclasses import replace

import pytest
from builders import REGION, RegionBuilder, multi_account_snapshot

from vpcaudit.network.dns import (
    InboundEndpoint,
    QueryingVpc,
    ScopeViews,
    VpcResolver,
    answering_records,
    authority,
    covers,
    endpoint_targets,
    forward_targets,
    inbound_endpoints_by_address,
    named_endpoints,
    resolver_rule_associations,
    service_hostnames,
)
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part

SSM = f"ssm.{REGION}.amazonaws.com"
STS = f"sts.{REGION}.amazonaws.com"


def _vpc(b: RegionBuilder) -> tuple[str, str]:
    vpc = b.vpc("10.0.0.0/16")
    return vpc, b.subnet(vpc, "10.0.1.0/24", az=1)


def test_covers_is_equal_or_subdomain_and_root_covers_all() -> None:
    assert covers("ssm.us-east-1.amazonaws.com.", SSM)
    assert covers("us-east-1.amazonaws.com", SSM)
    assert covers("dkr.ecr.us-east-1.amazonaws.com", "*.dkr.ecr.us-east-1.amazonaws.com")
    assert covers(".", SSM)
    assert not covers("m.us-east-1.amazonaws.com", SSM)  # a suffix that is not a label boundary


def test_endpoint_private_dns_beats_a_parent_zone_which_answers_the_rest() -> None:
    b = RegionBuilder()
    vpc, subnet = _vpc(b)
    endpoint = b.interface_endpoint(vpc, "ssm", subnets=[subnet])
    b.hosted_zone(f"{REGION}.amazonaws.com", [vpc])
    view = b.view()
    ssm = authority(view, vpc, SSM)
    assert (ssm.kind, ssm.endpoint.vpc_endpoint_id if ssm.endpoint else None) == ("endpoint", endpoint)
    sts = authority(view, vpc, STS)
    assert (sts.kind, sts.name) == ("zone", f"{REGION}.amazonaws.com")


def test_endpoint_without_private_dns_answers_nothing() -> None:
    b = RegionBuilder()
    vpc, subnet = _vpc(b)
    b.interface_endpoint(vpc, "ssm", subnets=[subnet], private_dns=False)
    assert authority(b.view(), vpc, SSM).kind == "public"


def test_s3_inbound_only_private_dns_leaves_in_vpc_clients_public() -> None:
    b = RegionBuilder()
    vpc, subnet = _vpc(b)
    b.interface_endpoint(vpc, "s3", subnets=[subnet], inbound_only=True)
    assert authority(b.view(), vpc, f"s3.{REGION}.amazonaws.com").kind == "public"


def test_forward_rule_wins_on_an_equal_name_and_loses_to_a_more_specific_zone() -> None:
    b = RegionBuilder()
    vpc, _ = _vpc(b)
    b.hosted_zone(SSM, [vpc])
    b.resolver_rule(vpc, SSM)
    assert authority(b.view(), vpc, SSM).kind == "forward"
    b2 = RegionBuilder()
    vpc2, _ = _vpc(b2)
    b2.hosted_zone(SSM, [vpc2])
    b2.resolver_rule(vpc2, "amazonaws.com")
    assert authority(b2.view(), vpc2, SSM).kind == "zone"
    assert authority(b2.view(), vpc2, STS).kind == "forward"


def test_system_rule_cancels_a_less_specific_forward() -> None:
    b = RegionBuilder()
    vpc, _ = _vpc(b)
    b.resolver_rule(vpc, ".")
    b.resolver_rule(vpc, f"{REGION}.amazonaws.com", rule_type="SYSTEM")
    view = b.view()
    assert authority(view, vpc, SSM).kind == "public"
    assert authority(view, vpc, "example.com").kind == "forward"


def test_zone_of_another_vpc_does_not_answer() -> None:
    b = RegionBuilder()
    vpc, _ = _vpc(b)
    other = b.vpc("10.1.0.0/16")
    b.hosted_zone(SSM, [other])
    assert authority(b.view(), vpc, SSM).kind == "public"


def test_answering_records_prefers_exact_names_over_wildcards() -> None:
    zone = r.HostedZone("Z1", "amazonaws.com", (), (
        r.RecordSet(SSM, "A", ("10.0.1.10",), None),
        r.RecordSet(f"*.{REGION}.amazonaws.com", "A", ("10.0.1.99",), None),
        r.RecordSet(SSM, "TXT", ("x",), None),
    ), True)
    assert [rs.values for rs in answering_records(zone, SSM)] == [("10.0.1.10",)]
    assert [rs.values for rs in answering_records(zone, STS)] == [("10.0.1.99",)]
    assert answering_records(zone, "example.org") == ()


def test_record_targets_are_endpoint_stale_or_unknown() -> None:
    b = RegionBuilder()
    vpc, subnet = _vpc(b)
    live = b.interface_endpoint(vpc, "ssm", subnets=[subnet], private_dns=False)
    gone = b.interface_endpoint(vpc, "sts", subnets=[subnet], private_dns=False, state="deleted")
    view = b.view()
    live_ip = view.endpoint_addresses(view.endpoints[live])[0]
    live_dns = view.endpoints[live].dns_entries[0].dns_name
    targets = endpoint_targets(b.snapshot())

    def verdict(record: r.RecordSet) -> tuple[str, str]:
        return targets.classify(record)

    assert verdict(r.RecordSet(SSM, "A", (live_ip,), None)) == ("endpoint", live)
    assert verdict(r.RecordSet(SSM, "A", (), live_dns)) == ("endpoint", live)
    assert verdict(r.RecordSet(SSM, "CNAME", (live_dns,), None)) == ("endpoint", live)
    assert verdict(r.RecordSet(SSM, "A", ("10.0.1.200",), None)) == ("stale", "10.0.1.200")  # scanned VPC
    assert verdict(r.RecordSet(SSM, "A", ("54.239.0.1",), None)) == ("stale", "54.239.0.1")  # public address
    assert verdict(r.RecordSet(SSM, "A", ("172.16.0.5",), None)) == ("unknown", "172.16.0.5")  # unscanned VPC
    assert verdict(r.RecordSet(SSM, "A", (), f"{gone}-abc.sts.{REGION}.vpce.amazonaws.com")) == ("stale", gone)
    unknown = f"vpce-0fff-abc.ssm.{REGION}.vpce.amazonaws.com"
    assert verdict(r.RecordSet(SSM, "A", (), unknown)) == ("unknown", unknown)


def test_an_endpoint_of_another_vpc_inside_the_querying_vpcs_blocks_is_local() -> None:
    """Asked for the clients of a VPC reusing the endpoint VPC's 10.0.0.0/16, a record naming the
    endpoint is "local"; in its own VPC, or for a VPC of another block, it reaches the endpoint.
    An A record answers IPv4 addresses only, an AAAA record IPv6 ones."""
    b = RegionBuilder()
    hub, subnet = _vpc(b)
    endpoint = b.interface_endpoint(hub, "ssm", subnets=[subnet], private_dns=False)
    eni = b.endpoints[endpoint].network_interface_ids[0]
    b.enis[eni] = replace(b.enis[eni], ipv6_addresses=("2600:1f18:aa:100::10",))
    same_block = b.vpc("10.0.0.0/16", ipv6_cidrs=["2600:1f18:bb:100::/56"])
    other_block = b.vpc("10.1.0.0/16")
    view = b.view()
    targets = endpoint_targets(b.snapshot())
    alias = r.RecordSet(SSM, "A", (), b.endpoints[endpoint].dns_entries[0].dns_name)
    value = r.RecordSet(SSM, "A", (view.endpoint_addresses(view.endpoints[endpoint])[0],), None)
    aaaa = r.RecordSet(SSM, "AAAA", (), alias.alias_dns_name)
    for record in (alias, value):
        assert targets.classify(record, QueryingVpc.of(view, same_block)) == ("local", endpoint)
        assert targets.classify(record, QueryingVpc.of(view, hub)) == ("endpoint", endpoint)
        assert targets.classify(record, QueryingVpc.of(view, other_block)) == ("endpoint", endpoint)
        assert targets.classify(record) == ("endpoint", endpoint)
    assert targets.classify(aaaa, QueryingVpc.of(view, same_block)) == ("endpoint", endpoint)  # its own /56
    assert QueryingVpc.of(view, same_block).blocks_holding(targets.addresses_of[endpoint]) == ("10.0.0.0/16",)


def test_service_hostnames_are_the_regions_aws_services_only() -> None:
    b = RegionBuilder()
    b.service("ssm")
    b.service("ssm", name="com.amazonaws.eu-west-1.ssm", dns_names=["ssm.eu-west-1.amazonaws.com"])
    b.service("vpce-svc-0abc", owner="111122223333", name=f"com.amazonaws.vpce.{REGION}.vpce-svc-0abc",
              dns_names=["api.partner.example"])
    vpc, subnet = _vpc(b)
    b.interface_endpoint(vpc, "kms", subnets=[subnet], service_name=f"com.amazonaws.{REGION}.kms")
    assert service_hostnames(b.view()) == (f"kms.{REGION}.amazonaws.com", SSM)


def test_named_endpoints_are_live_interface_like_endpoints() -> None:
    b = RegionBuilder()
    vpc, subnet = _vpc(b)
    live = b.interface_endpoint(vpc, "ssm", subnets=[subnet])
    b.interface_endpoint(vpc, "sts", subnets=[subnet], state="failed")
    b.gateway_endpoint(vpc, "s3")
    lattice = b.interface_endpoint(vpc, "svc", subnets=[subnet], endpoint_type="ServiceNetwork",
                                   service_name="arn:aws:vpc-lattice:us-east-1:111111111111:servicenetwork/sn-1")
    assert [e.vpc_endpoint_id for e in named_endpoints(b.view(), vpc)] == sorted([live, lattice])


def test_endpoint_ids_lists_every_endpoint_a_record_reaches() -> None:
    b = RegionBuilder()
    vpc, subnet = _vpc(b)
    first = b.interface_endpoint(vpc, "ssm", subnets=[subnet], private_dns=False)
    second = b.interface_endpoint(vpc, "ssm", subnets=[subnet], private_dns=False)
    view = b.view()
    ips = [view.endpoint_addresses(view.endpoints[e])[0] for e in (first, second)]
    record = r.RecordSet(SSM, "A", (*ips, "10.0.1.250"), None)
    assert endpoint_targets(b.snapshot()).endpoint_ids(record) == {first, second}


def test_vpc_resolver_answers_many_names_like_one_off_lookups() -> None:
    b = RegionBuilder()
    vpc, subnet = _vpc(b)
    b.interface_endpoint(vpc, "ssm", subnets=[subnet])
    b.hosted_zone(f"{REGION}.amazonaws.com", [vpc])
    b.resolver_rule(vpc, "example.com")
    view = b.view()
    resolver = VpcResolver.of(view, vpc)
    for name in (SSM, STS, "www.example.com", "example.org"):
        assert resolver.authority(name) == authority(view, vpc, name)


def test_a_regions_catalogue_hostnames_are_read_once_for_all_its_accounts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loaded snapshots keep one catalogue per Region for every account: DNS004's hostnames of it
    are worked out once, and a catalogue that is not that very object is read for itself."""
    import synthetic

    from vpcaudit.network import dns
    from vpcaudit.network.view import NetworkView
    from vpcaudit.snapshot.stream import shared_catalogues

    estate = shared_catalogues(synthetic.estate(accounts=3, regions=1, vpcs=2, seed=7))
    views = [NetworkView.build(a, a.regions[0]) for a in estate.accounts]
    assert views[0].region.endpoint_services is views[2].region.endpoint_services
    parsed: list[str] = []
    parse = dns.parse_service_name
    monkeypatch.setattr(dns, "parse_service_name", lambda name: (parsed.append(name), parse(name))[1])
    cache: dict[object, object] = {}
    monkeypatch.setattr(dns, "_CATALOGUE_HOSTNAMES", cache)
    each_alone = []
    for view in views:
        cache.clear()
        each_alone.append(dns.service_hostnames(view))
    cache.clear()
    parsed.clear()
    assert [dns.service_hostnames(v) for v in views] == each_alone and all(each_alone)
    assert len(parsed) == len(views[0].services)  # once, for the first account
    first = each_alone[0]
    renamed = replace(views[0].region, endpoint_services=tuple(
        replace(s, private_dns_names=tuple(n.replace("amazonaws", "example") for n in s.private_dns_names))
        for s in views[0].region.endpoint_services))
    assert dns.service_hostnames(NetworkView.build(estate.accounts[0], renamed)) != first
    assert len(parsed) == 2 * len(views[0].services)


def _resolver_endpoint(b: RegionBuilder, subnet: str, endpoint_id: str, *, ipv6: str | None = None) -> str:
    """A Resolver endpoint's interface as DescribeNetworkInterfaces describes it."""
    eni = b.workload(subnet, requester_managed=True,
                     description=f"Route 53 Resolver: {endpoint_id}:rni-0a1b2c3d4e5f6071")
    if ipv6:
        b.enis[eni] = replace(b.enis[eni], ipv6_addresses=(ipv6,))
    return eni


def test_inbound_endpoints_are_found_by_every_address_of_their_interfaces() -> None:
    """Only inbound endpoints (``rslvr-in-``) answer queries; an outbound one's interfaces only send.
    A Region whose interfaces were not collected shows none."""
    b = RegionBuilder()
    vpc, subnet = _vpc(b)
    inbound = _resolver_endpoint(b, subnet, "rslvr-in-0f0e0d0c0b0a0908", ipv6="2600:1f18:aa:100::53")
    outbound = _resolver_endpoint(b, subnet, "rslvr-out-0f0e0d0c0b0a0909")
    found = inbound_endpoints_by_address(b.snapshot())
    endpoint = InboundEndpoint("rslvr-in-0f0e0d0c0b0a0908", b.account_id, REGION, vpc)
    assert found == {b.enis[inbound].private_ip_addresses[0]: endpoint, "2600:1f18:aa:100::53": endpoint}
    assert b.enis[outbound].private_ip_addresses[0] not in found
    assert inbound_endpoints_by_address(b.snapshot(missing=[Part.NETWORK_INTERFACES])) == {}


def test_forward_targets_split_into_inbound_endpoints_and_elsewhere() -> None:
    """Targets are matched however the rule spells an address; the order of the rule is kept."""
    b = RegionBuilder()
    vpc, subnet = _vpc(b)
    eni = _resolver_endpoint(b, subnet, "rslvr-in-0f0e0d0c0b0a0908", ipv6="2600:1f18:aa:100::53")
    found = inbound_endpoints_by_address(b.snapshot())
    ipv4 = r.ResolverTarget(ip=b.enis[eni].private_ip_addresses[0], port=53)
    ipv6 = r.ResolverTarget(ipv6="2600:1F18:AA:100:0::53", port=53)
    on_premises = r.ResolverTarget(ip="192.168.0.2", port=53)
    split = forward_targets((on_premises, ipv4, ipv6), found)
    assert split.elsewhere == (on_premises,)
    assert split.inbound == ((InboundEndpoint("rslvr-in-0f0e0d0c0b0a0908", b.account_id, REGION, vpc),
                              (ipv4, ipv6)),)
    assert forward_targets((), found) == type(split)((), ())


def test_rule_associations_span_accounts_by_region_and_rule_id() -> None:
    """A rule shared through AWS RAM keeps its id: associated in two accounts, it applies in both
    VPCs; only COMPLETE and CREATING associations apply; a scope whose Resolver rules were not
    collected is not known, and its associations are not counted."""
    owner = RegionBuilder("111111111111")
    user = RegionBuilder("222222222222")
    owner_vpc, _ = _vpc(owner)
    user_vpc = "vpc-0f9e8d7c6b5a49382"  # the builders' ids are per account: one of AWS's form, unique
    shared = owner.resolver_rule(owner_vpc, "corp.example.com", targets=["192.168.0.2"])
    user.resolver_rules += [replace(owner.resolver_rules[-1], vpc_id=user_vpc),
                            replace(owner.resolver_rules[-1], vpc_id="vpc-gone", status="DELETING"),
                            replace(owner.resolver_rules[-1], vpc_id="vpc-new", status="CREATING")]
    found = resolver_rule_associations(multi_account_snapshot(owner, user))
    assert found.vpcs_of == {(REGION, shared): frozenset({owner_vpc, user_vpc, "vpc-new"})}
    assert found.applies(REGION, shared, user_vpc) and not found.applies("eu-west-1", shared, user_vpc)
    assert found.known_in("222222222222", REGION) and not found.known_in("222222222222", "eu-west-1")
    unknown = resolver_rule_associations(replace(multi_account_snapshot(owner, user), accounts=(
        owner.snapshot().accounts[0], user.snapshot(missing=[Part.RESOLVER_RULES]).accounts[0])))
    assert not unknown.known_in("222222222222", REGION) and not unknown.applies(REGION, shared, user_vpc)


def test_scope_views_answer_in_another_accounts_vpc_with_the_zones_it_holds_there() -> None:
    """A hub account's view, built as the runner builds it: a zone the spoke account owns and
    associates with the hub's VPC answers there."""
    spoke = RegionBuilder("111111111111")
    hub = RegionBuilder("222222222222")
    hub_vpc, _ = _vpc(hub)
    spoke.hosted_zone(SSM, [hub_vpc], [r.RecordSet(SSM, "A", ("10.0.1.10",), None)])
    views = ScopeViews(multi_account_snapshot(spoke, hub))
    view = views.get("222222222222", REGION)
    assert view is not None and authority(view, hub_vpc, SSM).kind == "zone"
    assert views.get("222222222222", REGION) is view
    assert views.get("333333333333", REGION) is None and views.get("222222222222", "eu-west-1") is None
