"""ACL001 nacl-blocks-endpoint-traffic."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

import pytest
from builders import REGION, RegionBuilder, nacl_entry
from rulecheck import findings, fix_of, triples

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
                 shared_client: bool = False) -> None:
        self.b = RegionBuilder()
        self.vpc = self.b.vpc("10.0.0.0/16")
        self.client = self.b.subnet(self.vpc, CLIENT, az=1, owner_id="222222222222" if shared_client else None)
        self.endpoint_subnet = self.b.subnet(self.vpc, ENDPOINT, az=2)
        self.b.workload(self.client, interface_type=client_type, requester_managed=client_type == "lambda")
        self.endpoint = self.b.interface_endpoint(self.vpc, key, subnets=[self.endpoint_subnet],
                                                  service_name=service_name)

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
