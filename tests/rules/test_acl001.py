"""ACL001 nacl-blocks-endpoint-traffic."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

import pytest
from builders import REGION, RegionBuilder, nacl_entry
from rulecheck import findings, fix_of, triples

from vpcaudit.engine.remedy import FixStep
from vpcaudit.engine.rule import Finding
from vpcaudit.rules.acl.acl001_nacl_blocks_endpoint_traffic import nacl_blocks_endpoint_traffic as rule
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part

ID = "ACL001"
PRIVATELINK = f"com.amazonaws.vpce.{REGION}.vpce-svc-0123456789abcdef0"
CLIENT, ENDPOINT = "10.0.1.0/24", "10.0.9.0/24"
ALLOW_ALL_IN = nacl_entry(100, "allow", "0.0.0.0/0", protocol="-1")
ALLOW_ALL_OUT = nacl_entry(100, "allow", "0.0.0.0/0", protocol="-1", egress=True)


class Estate:
    """A client subnet (workload) and an endpoint subnet in another AZ, each optionally with its own NACL."""

    def __init__(self, *, key: str = "ssm", service_name: str | None = None, client_type: str = "interface",
                 shared_client: bool = False, inbound_only: bool | None = None) -> None:
        self.b = RegionBuilder()
        self.vpc = self.b.vpc("10.0.0.0/16")
        self.client = self.b.subnet(self.vpc, CLIENT, az=1, owner_id="222222222222" if shared_client else None)
        self.endpoint_subnet = self.b.subnet(self.vpc, ENDPOINT, az=2)
        self.b.workload(self.client, interface_type=client_type, requester_managed=client_type == "lambda")
        self.endpoint = self.b.interface_endpoint(self.vpc, key, subnets=[self.endpoint_subnet],
                                                  service_name=service_name, inbound_only=inbound_only)

    def acl(self, subnet: str, entries: Iterable[r.NaclEntry]) -> str:
        return self.b.nacl(self.vpc, subnets=[subnet], entries=entries)


def _default_nacls() -> tuple[Estate, str | None]:
    return Estate(), None


def _endpoint_denies_service_port() -> tuple[Estate, str | None]:
    e = Estate()
    return e, e.acl(e.endpoint_subnet, [nacl_entry(90, "deny", CLIENT, ports=(443, 443)), ALLOW_ALL_IN,
                                        ALLOW_ALL_OUT])


def _endpoint_replies_only_high_ports() -> tuple[Estate, str | None]:
    e = Estate()
    return e, e.acl(e.endpoint_subnet, [ALLOW_ALL_IN, nacl_entry(100, "allow", CLIENT, egress=True,
                                                                 ports=(32768, 65535))])


def _endpoint_replies_only_windows_ports() -> tuple[Estate, str | None]:
    e = Estate()
    return e, e.acl(e.endpoint_subnet, [ALLOW_ALL_IN, nacl_entry(100, "allow", CLIENT, egress=True,
                                                                 ports=(49152, 65535))])


def _client_denies_service_port_out() -> tuple[Estate, str | None]:
    e = Estate()
    return e, e.acl(e.client, [ALLOW_ALL_IN, nacl_entry(90, "deny", ENDPOINT, egress=True, ports=(443, 443)),
                               ALLOW_ALL_OUT])


def _client_allows_full_ephemeral_range() -> tuple[Estate, str | None]:
    e = Estate()
    e.acl(e.client, [nacl_entry(100, "allow", ENDPOINT, ports=(1024, 65535)),
                     nacl_entry(100, "allow", ENDPOINT, egress=True, ports=(443, 443))])
    return e, None


def _lambda_client_with_high_ports_only() -> tuple[Estate, str | None]:
    e = Estate(client_type="lambda")
    return e, e.acl(e.client, [nacl_entry(100, "allow", ENDPOINT, ports=(32768, 65535)), ALLOW_ALL_OUT])


def _client_in_endpoint_subnet() -> tuple[Estate, str | None]:
    # A locked-down NACL on the endpoint subnet, but the only client lives in that subnet.
    e = Estate()
    e.b.enis.pop(next(i for i, eni in e.b.enis.items() if eni.interface_type == "interface"))
    e.b.workload(e.endpoint_subnet)
    e.acl(e.endpoint_subnet, [])
    return e, None


def _part_of_client_subnet_denied() -> tuple[Estate, str | None]:
    e = Estate()
    return e, e.acl(e.endpoint_subnet, [nacl_entry(90, "deny", "10.0.1.128/25", ports=(443, 443)), ALLOW_ALL_IN,
                                        ALLOW_ALL_OUT])


def _codecommit_https_allowed_ssh_denied() -> tuple[Estate, str | None]:
    e = Estate(key="git-codecommit")
    e.acl(e.endpoint_subnet, [nacl_entry(90, "deny", CLIENT, ports=(22, 22)), ALLOW_ALL_IN, ALLOW_ALL_OUT])
    return e, None


def _privatelink_default_nacls() -> tuple[Estate, str | None]:
    return Estate(service_name=PRIVATELINK), None


def _privatelink_service_side_restricted() -> tuple[Estate, str | None]:
    e = Estate(service_name=PRIVATELINK)
    e.acl(e.endpoint_subnet, [nacl_entry(100, "allow", CLIENT, ports=(8443, 8443)), ALLOW_ALL_OUT])
    return e, "not_evaluated"


def _privatelink_replies_blocked() -> tuple[Estate, str | None]:
    e = Estate(service_name=PRIVATELINK)
    return e, e.acl(e.endpoint_subnet, [ALLOW_ALL_IN])


def _hybrid_s3_endpoint_admits_on_premises_only(inbound_only: bool) -> tuple[Estate, str | None]:
    """An S3 endpoint built for on-premises clients, its subnet's NACL admitting HTTPS from the
    on-premises range only. With private DNS for inbound Resolver endpoints only the VPC's S3 calls
    take the gateway endpoint (AWS requires one beside it), so the client subnet is none of its."""
    e = Estate(key="s3", inbound_only=inbound_only)
    e.b.gateway_endpoint(e.vpc, "s3", route_tables=[e.b.route_table(e.vpc, subnets=[e.client])])
    acl = e.acl(e.endpoint_subnet, [nacl_entry(100, "allow", "192.168.0.0/16", ports=(443, 443)), ALLOW_ALL_OUT])
    return e, None if inbound_only else acl


def _shared_client_subnet() -> tuple[Estate, str | None]:
    return Estate(shared_client=True), "not_evaluated"


Case = Callable[[], tuple[Estate, str | None]]
CASES: list[tuple[str, Case, str | None]] = [
    ("default NACLs allow everything", _default_nacls, None),
    ("endpoint NACL denies 443 from the client subnet", _endpoint_denies_service_port, "medium"),
    ("endpoint replies only to 32768-65535: low", _endpoint_replies_only_high_ports, "low"),
    ("endpoint replies only to 49152-65535: Linux range denied", _endpoint_replies_only_windows_ports, "medium"),
    ("client NACL denies 443 outbound", _client_denies_service_port_out, "medium"),
    ("client NACL allows 1024-65535 back", _client_allows_full_ephemeral_range, None),
    ("Lambda clients use 1024-65535", _lambda_client_with_high_ports_only, "medium"),
    ("client in the endpoint's own subnet is not filtered", _client_in_endpoint_subnet, None),
    ("part of the client subnet denied", _part_of_client_subnet_denied, "medium"),
    ("CodeCommit reachable over HTTPS", _codecommit_https_allowed_ssh_denied, None),
    ("PrivateLink with default NACLs", _privatelink_default_nacls, None),
    ("PrivateLink port unknown, service side restricted", _privatelink_service_side_restricted, "not_evaluated"),
    ("PrivateLink replies blocked", _privatelink_replies_blocked, "medium"),
    ("RAM-shared client subnet", _shared_client_subnet, "not_evaluated"),
    ("S3 private DNS for inbound Resolver endpoints only: no VPC client",
     lambda: _hybrid_s3_endpoint_admits_on_premises_only(True), None),
    ("S3 private DNS for all resolvers: the VPC's clients denied",
     lambda: _hybrid_s3_endpoint_admits_on_premises_only(False), "medium"),
]


@pytest.mark.parametrize(("build", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_cases(build: Case, expected: str | None) -> None:
    e, acl = build()
    snapshot = e.b.snapshot()
    if expected is None:
        assert triples(rule, snapshot) == set()
    elif expected == "not_evaluated":
        assert triples(rule, snapshot) == {(ID, e.endpoint, "not_evaluated")}
    else:
        assert acl is not None
        assert triples(rule, snapshot) == {(ID, acl, "fail")}
        assert [f.severity.value for f in findings(rule, snapshot)] == [expected]


def test_not_evaluated_without_network_acls() -> None:
    e, _ = _endpoint_denies_service_port()
    assert triples(rule, e.b.snapshot(missing=[Part.NETWORK_ACLS])) == {(ID, REGION, "not_evaluated")}


def test_messages_name_the_denying_entry_direction_ports_and_subnets() -> None:
    e, _ = _endpoint_denies_service_port()
    (finding,) = findings(rule, e.b.snapshot())
    assert finding.discriminator == e.endpoint
    assert (f"rule 90 denies inbound TCP 443 to endpoint subnet {e.endpoint_subnet} from client subnet {e.client}"
            in finding.message)

    e, _ = _endpoint_replies_only_high_ports()
    (low,) = findings(rule, e.b.snapshot())
    assert (f"rule 32767 (*) denies outbound TCP 1024-32767 (replies) from endpoint subnet {e.endpoint_subnet} to "
            f"client subnet {e.client}") in low.message
    assert "Only ports below 32768 are denied" in low.message

    e, _ = _part_of_client_subnet_denied()
    (partial,) = findings(rule, e.b.snapshot())
    assert f"rule 90 denies inbound TCP 443 to endpoint subnet {e.endpoint_subnet} from part of client subnet" \
        in partial.message


def test_message_groups_the_subnet_pairs_by_the_denying_entry() -> None:
    # The endpoint in two subnets, three client subnets; the endpoint subnets' NACL denies 443
    # from one client (rule 90) and replies below 32768 to all of them (the '*' entry).
    e = Estate()
    second = e.b.subnet(e.vpc, "10.0.10.0/24", az=3)
    e.b.endpoints[e.endpoint] = replace(e.b.endpoints[e.endpoint],
                                        subnet_ids=tuple(sorted((e.endpoint_subnet, second))))
    others = [e.b.subnet(e.vpc, cidr, az=1) for cidr in ("10.0.3.0/24", "10.0.5.0/24")]
    for client in others:
        e.b.workload(client)
    acl = e.b.nacl(e.vpc, subnets=[e.endpoint_subnet, second], entries=[
        nacl_entry(90, "deny", CLIENT, ports=(443, 443)), ALLOW_ALL_IN,
        nacl_entry(100, "allow", "0.0.0.0/0", egress=True, ports=(32768, 65535))])
    (finding,) = findings(rule, e.b.snapshot())
    endpoints, clients = ", ".join(sorted((e.endpoint_subnet, second))), ", ".join(sorted((e.client, *others)))
    assert finding.message == (
        f"Network ACL {acl} blocks traffic between interface endpoint {e.endpoint} (ssm) and its clients: "
        f"rule 90 denies inbound TCP 443 to endpoint subnets {endpoints} (2) from client subnet {e.client}; "
        f"rule 32767 (*) denies outbound TCP 1024-32767 (replies) from endpoint subnets {endpoints} (2) "
        f"to client subnets {clients} (3).")
    assert finding.evidence["problem_count"] == 8  # replies for 2 x 3 pairs, 443 for 2 pairs
    assert len(finding.evidence["denials"]) == 2
    assert finding.evidence["client_subnets"] == sorted((e.client, *others))


def test_message_lists_six_subnets_then_the_count() -> None:
    e = Estate()
    for i in range(6):
        e.b.workload(e.b.subnet(e.vpc, f"10.0.{20 + 2 * i}.0/24", az=1))
    e.acl(e.endpoint_subnet, [ALLOW_ALL_IN, nacl_entry(100, "allow", "0.0.0.0/0", egress=True, ports=(32768, 65535))])
    (finding,) = findings(rule, e.b.snapshot())
    assert ", … (7). Only ports below 32768" in finding.message
    assert finding.evidence["problem_count"] == 7


def test_fix_allows_the_service_port_just_before_the_denying_entry() -> None:
    e, acl = _endpoint_denies_service_port()
    assert acl is not None
    assert fix_of(rule, e.b.snapshot(), acl) == [
        ("ec2:CreateNetworkAclEntry", {"NetworkAclId": acl, "RuleNumber": 89, "Protocol": "6", "RuleAction": "allow",
                                       "Egress": False, "CidrBlock": CLIENT, "PortRange": {"From": 443, "To": 443}},
         "create", True)]


def test_fix_allows_the_replies_before_the_default_deny() -> None:
    e, acl = _endpoint_replies_only_high_ports()
    assert acl is not None
    assert fix_of(rule, e.b.snapshot(), acl) == [
        ("ec2:CreateNetworkAclEntry", {"NetworkAclId": acl, "RuleNumber": 32766, "Protocol": "6",
                                       "RuleAction": "allow", "Egress": True, "CidrBlock": CLIENT,
                                       "PortRange": {"From": 1024, "To": 65535}}, "create", True)]


def test_entries_for_two_clients_denied_by_one_rule_get_their_own_numbers() -> None:
    e = Estate()
    other_client = e.b.subnet(e.vpc, "10.0.2.0/24", az=1)
    e.b.workload(other_client)
    acl = e.acl(e.endpoint_subnet, [nacl_entry(90, "deny", "10.0.0.0/16", ports=(443, 443)), ALLOW_ALL_IN,
                                    ALLOW_ALL_OUT])
    steps = [parameters for _, parameters, _, _ in fix_of(rule, e.b.snapshot(), acl)]
    assert [(p["CidrBlock"], p["RuleNumber"]) for p in steps] == [(CLIENT, 89), ("10.0.2.0/24", 88)]


def _locked_endpoint_nacl(e: Estate, clients: Iterable[str], *, existing_inbound: int = 0) -> str:
    """Workloads in ``clients`` (new subnets of ``e``'s VPC); the endpoint subnet's NACL admits
    no TCP 443 (the '*' entry denies it) and holds ``existing_inbound`` unrelated inbound entries."""
    for cidr in clients:
        e.b.workload(e.b.subnet(e.vpc, cidr, az=1))
    unrelated = [nacl_entry(100 + i, "allow", f"192.168.{i}.0/24", ports=(22, 22)) for i in range(existing_inbound)]
    return e.acl(e.endpoint_subnet, [*unrelated, ALLOW_ALL_OUT])


def _inbound_443(acl: str, number: int, cidr: str) -> tuple[str, dict, str, bool]:
    return ("ec2:CreateNetworkAclEntry", {"NetworkAclId": acl, "RuleNumber": number, "Protocol": "6",
                                          "RuleAction": "allow", "Egress": False, "CidrBlock": cidr,
                                          "PortRange": {"From": 443, "To": 443}}, "create", True)


def test_fix_merges_adjacent_client_subnets_into_one_entry() -> None:
    e = Estate()
    acl = _locked_endpoint_nacl(e, ["10.0.0.0/24"])  # beside CLIENT, 10.0.1.0/24: together 10.0.0.0/23
    assert fix_of(rule, e.b.snapshot(), acl) == [_inbound_443(acl, 32766, "10.0.0.0/23")]


def test_fix_keeps_few_exact_entries_that_fit() -> None:
    e = Estate()
    acl = _locked_endpoint_nacl(e, ["10.0.3.0/24"], existing_inbound=18)  # 18 + 2 = the quota of 20
    assert fix_of(rule, e.b.snapshot(), acl) == [_inbound_443(acl, 32766, CLIENT),
                                                 _inbound_443(acl, 32765, "10.0.3.0/24")]


def _finding_on(e: Estate, acl: str) -> Finding:
    [finding] = [f for f in findings(rule, e.b.snapshot()) if f.resource.resource_id == acl]
    return finding


def _only_step(e: Estate, acl: str) -> FixStep:
    (only,) = _finding_on(e, acl).fix
    return only


def test_fix_covers_the_clients_with_one_vpc_range_when_exact_entries_exceed_the_quota() -> None:
    # 8 client subnets no two of which merge, and 15 entries already inbound: 23 > 20.
    e = Estate()
    acl = _locked_endpoint_nacl(e, [f"10.0.{n}.0/24" for n in (3, 5, 7, 11, 13, 15, 17)], existing_inbound=15)
    fix = _only_step(e, acl)
    assert fix.parameters["CidrBlock"] == "10.0.0.0/19"  # inside the VPC's 10.0.0.0/16
    assert fix.parameters["RuleNumber"] == 32766
    assert not fix.ready
    assert fix.decision == (
        f"8 new entries and the 15 existing inbound entries of {acl} would exceed the quota of 20 rules per network "
        "ACL and direction, so this is one entry for 10.0.0.0/19, the smallest range inside the VPC's CIDR blocks "
        "that holds every client subnet; it also admits 10.0.0.0/24, 10.0.2.0/24, 10.0.4.0/24, 10.0.6.0/24, "
        "10.0.8.0/23, 10.0.10.0/24, …, where no client subnet is. The alternative is the exact entries 10.0.1.0/24, "
        "10.0.3.0/24, 10.0.5.0/24, 10.0.7.0/24, 10.0.11.0/24, 10.0.13.0/24, 10.0.15.0/24, 10.0.17.0/24, which need "
        "room: request a quota increase (up to 40) or remove entries first")
    assert "Allow TCP 443 from 10.0.0.0/19 (inbound, 8 client subnets)" in fix.description


def test_fix_covers_more_than_four_exact_entries_even_within_the_quota() -> None:
    e = Estate()
    acl = _locked_endpoint_nacl(e, ["10.0.3.0/24", "10.0.5.0/24", "10.0.7.0/24", "10.0.11.0/24"])
    fix = _only_step(e, acl)
    assert fix.parameters["CidrBlock"] == "10.0.0.0/20"
    assert fix.decision is not None
    assert fix.decision.startswith("the 5 client subnets need 5 entries even merged, more than 4, so this is one "
                                   "entry for 10.0.0.0/20")
    assert fix.decision.endswith("The alternative is the exact entries 10.0.1.0/24, 10.0.3.0/24, 10.0.5.0/24, "
                                 "10.0.7.0/24, 10.0.11.0/24")


def test_fix_says_when_even_the_covering_entry_exceeds_the_quota() -> None:
    e = Estate()
    acl = _locked_endpoint_nacl(e, ["10.0.3.0/24"], existing_inbound=20)
    fix = _only_step(e, acl)
    assert fix.parameters["CidrBlock"] == "10.0.0.0/22"
    assert fix.decision is not None
    assert fix.decision.endswith(
        f"; even this one entry does not fit: 1 new entry and the 20 existing inbound entries of {acl} would exceed "
        "the quota of 20 rules per network ACL and direction: request a quota increase (up to 40) or remove "
        "entries first")


def test_fix_past_the_default_quota_assumes_the_raised_one() -> None:
    e = Estate()
    acl = _locked_endpoint_nacl(e, [], existing_inbound=40)
    (only,) = fix_of(rule, e.b.snapshot(), acl)
    assert only[1]["CidrBlock"] == CLIENT
    assert not only[3]
    [finding] = findings(rule, e.b.snapshot())
    assert finding.fix[0].decision == (
        f"1 new entry and the 40 existing inbound entries of {acl} would exceed the quota of 40 rules per network "
        "ACL and direction: remove entries first (40 is the most AWS allows)")


def test_fix_without_a_covering_range_inside_one_vpc_block_keeps_exact_entries() -> None:
    e = Estate()
    e.b.vpcs[e.vpc] = replace(e.b.vpcs[e.vpc], cidr_blocks=("10.0.0.0/16", "10.1.0.0/16"))
    acl = _locked_endpoint_nacl(e, ["10.1.0.0/24"], existing_inbound=19)
    steps = _finding_on(e, acl).fix
    assert [s.parameters["CidrBlock"] for s in steps] == [CLIENT, "10.1.0.0/24"]
    assert {s.decision for s in steps} == {
        f"2 new entries and the 19 existing inbound entries of {acl} would exceed the quota of 20 rules per network "
        "ACL and direction: request a quota increase (up to 40) or remove entries first; no single range inside "
        "one of the VPC's CIDR blocks holds every client subnet"}


def test_fix_merges_ipv6_peers_apart_from_ipv4_ones() -> None:
    e = Estate()
    prefix = "2001:db8:1234:1a"
    e.b.vpcs[e.vpc] = replace(e.b.vpcs[e.vpc], ipv6_cidr_blocks=(f"{prefix}00::/56",))
    for subnet, v6 in ((e.client, f"{prefix}01::/64"), (e.endpoint_subnet, f"{prefix}09::/64")):
        e.b.subnets[subnet] = replace(e.b.subnets[subnet], ipv6_cidr_blocks=(v6,))
    e.b.workload(e.b.subnet(e.vpc, "10.0.0.0/24", az=1, ipv6_cidrs=[f"{prefix}00::/64"]))
    e.b.endpoints[e.endpoint] = replace(e.b.endpoints[e.endpoint], ip_address_type="dualstack")
    acl = e.acl(e.endpoint_subnet, [ALLOW_ALL_IN, nacl_entry(101, "allow", "::/0", protocol="-1"),
                                    nacl_entry(100, "allow", "0.0.0.0/0", egress=True, ports=(32768, 65535)),
                                    nacl_entry(101, "allow", "::/0", egress=True, ports=(32768, 65535))])
    finding = _finding_on(e, acl)  # the clients' default NACL, IPv4 only, is another finding
    assert "rule 32768 (*) denies outbound TCP 1024-32767 (replies) over IPv6 from endpoint subnet" in finding.message
    assert [(s.parameters.get("CidrBlock") or s.parameters["Ipv6CidrBlock"], s.parameters["RuleNumber"], s.ready)
            for s in finding.fix] == [("10.0.0.0/23", 32766, True), (f"{prefix}00::/63", 32765, True)]
    assert "before rule 32768" in finding.fix[1].description


def test_rule_numbers_stay_unique_across_two_endpoints_findings() -> None:
    # ssm in 10.0.9.0/24 serves the clients 10.0.0.0/24 and 10.0.1.0/24 (one entry, 10.0.0.0/23);
    # ec2messages in 10.0.1.0/24 serves 10.0.0.0/24 only: its entry must take another number.
    e = Estate()
    first_client = e.b.subnet(e.vpc, "10.0.0.0/24", az=1)
    e.b.workload(first_client)
    other = e.b.interface_endpoint(e.vpc, "ec2messages", subnets=[e.client])
    acl = e.b.nacl(e.vpc, subnets=[e.endpoint_subnet, e.client], entries=[ALLOW_ALL_OUT])
    found = {f.discriminator: f.fix for f in findings(rule, e.b.snapshot()) if f.resource.resource_id == acl}
    assert set(found) == {e.endpoint, other}
    service_port = {(s.parameters["CidrBlock"], s.parameters["RuleNumber"]) for fix in found.values() for s in fix
                    if s.parameters["PortRange"]["From"] == 443}
    assert service_port == {("10.0.0.0/23", 32766), ("10.0.0.0/24", 32764)}  # 32765: replies from 10.0.9.0/24
    entries = {s.key: (s.parameters["Egress"], s.parameters["RuleNumber"]) for fix in found.values() for s in fix}
    assert len(set(entries.values())) == len(entries)


# A DB instance's ENI as DescribeNetworkInterfaces reports it (RDS, Aurora).
DB_INSTANCE = {"requester_managed": True, "requester_id": "amazon-rds", "description": "RDSNetworkInterface"}


@pytest.mark.parametrize(("key", "blocked"), [("secretsmanager", False), ("ssm", False), ("s3", True),
                                              ("kms", True)])
def test_a_subnet_holding_only_a_db_instance_is_a_client_subnet_only_of_services_its_engine_calls(
        key: str, blocked: bool) -> None:
    """The endpoint subnet's NACL denies 443 from the database subnet: no client of Secrets
    Manager or Systems Manager is cut off there, but the DB instance may call S3 or KMS."""
    e = Estate(key=key)
    (eni,) = [i for i in e.b.enis.values() if i.subnet_id == e.client]
    e.b.enis[eni.network_interface_id] = replace(eni, **DB_INSTANCE)  # type: ignore[arg-type]
    acl = e.acl(e.endpoint_subnet, [nacl_entry(90, "deny", CLIENT, ports=(443, 443)), ALLOW_ALL_IN, ALLOW_ALL_OUT])
    assert triples(rule, e.b.snapshot()) == ({(ID, acl, "fail")} if blocked else set())
