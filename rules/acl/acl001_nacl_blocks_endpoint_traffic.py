"""ACL001 nacl-blocks-endpoint-traffic."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.network.nacl import PortVerdict, denied_ports
from vpcaudit.network.secgroups import configured_ports_note, endpoint_label
from vpcaudit.rules._sorted import endpoints_by_id
from vpcaudit.rules.acl._entries import MAX_LISTED, Allow, Entries, listed
from vpcaudit.snapshot.bulk import slot_init
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext
    from vpcaudit.network.view import NetworkView
    from vpcaudit.snapshot import resources as r

EPHEMERAL = (1024, 65535)  # the client's OS is unknown: any port a client may pick
# Linux (32768-60999) and Windows Server 2008+ (49152-65535) together: where almost every client picks.
COMMON_OS_EPHEMERAL = (32768, 65535)
_IMPLICIT_DENY = {4: 32767, 6: 32768}  # the numbers DescribeNetworkAcls gives the final '*' denies


@dataclass(frozen=True, slots=True)
class Denial:
    """What one NACL entry denies on one side of a subnet pair, without the pair: every pair it
    denies the same way is listed under one line of the message."""

    egress: bool
    ports: str
    replies: bool
    rule: str
    partial: bool
    ipv6: bool
    local_role: str  # "endpoint" or "client": whose subnets this NACL guards here

    def text(self, endpoint_subnets: set[str], client_subnets: set[str]) -> str:
        subnets = {"endpoint": _subnets("endpoint", endpoint_subnets), "client": _subnets("client", client_subnets)}
        local = subnets.pop(self.local_role)
        (peer,) = subnets.values()
        peer = f"part of {peer}" if self.partial else peer
        route = f"from {local} to {peer}" if self.egress else f"to {local} from {peer}"
        return (f"{self.rule} denies {'outbound' if self.egress else 'inbound'} TCP {self.ports}"
                f"{' (replies)' if self.replies else ''}{' over IPv6' if self.ipv6 else ''} {route}")


@dataclass(frozen=True, slots=True)
class Problem:
    """What one NACL denies between one endpoint subnet and one client subnet, in one direction."""

    endpoint_subnet: str
    client_subnet: str
    denials: tuple[Denial, ...]
    severity: Severity
    allows: tuple[Allow, ...] = ()


@slot_init
@dataclass(frozen=True, slots=True)
class _Side:
    """One NACL's part in one subnet pair: the traffic it filters and the peer CIDR it sees."""

    acl: r.NetworkAcl
    egress: bool
    peer: str
    local_role: str
    endpoint_subnet: str
    client_subnet: str
    local: str  # the CIDR of the subnet this NACL guards
    replies: bool  # the side filters the replies (to or from the client's ephemeral ports)

    @property
    def version(self) -> int:
        return 6 if ":" in self.peer else 4

    @property
    def where(self) -> str:
        """The traffic this side filters, in words: written only when a reason needs it, as four
        sides of every subnet pair are judged."""
        names = {"endpoint": f"endpoint subnet {self.endpoint_subnet}", "client": f"client subnet {self.client_subnet}"}
        local = f"{names.pop(self.local_role)} ({self.local})"
        (peer_subnet,) = names.values()
        peer = f"{peer_subnet} ({self.peer})"
        route = f"outbound from {local} to {peer}" if self.egress else f"inbound to {local} from {peer}"
        return f"replies {route}" if self.replies else route

    def denial(self, ports: str, rule_number: int | None, partial: bool, *, replies: bool) -> Denial:
        return Denial(self.egress, ports, replies, _rule_text(rule_number, self.version), partial, self.version == 6,
                      self.local_role)

    def allow(self, low: int, high: int, verdicts: Iterable[PortVerdict]) -> Allow:
        return Allow(self.acl.network_acl_id, self.egress, self.peer, low, high, _lowest(verdicts, self.version),
                     "client" if self.local_role == "endpoint" else "endpoint")

    def problem(self, denials: tuple[Denial, ...], severity: Severity, allows: tuple[Allow, ...]) -> Problem:
        return Problem(self.endpoint_subnet, self.client_subnet, denials, severity, allows)


@rule(id="ACL001", name="nacl-blocks-endpoint-traffic", severity=Severity.MEDIUM,
      needs=(Part.SUBNETS, Part.NETWORK_ACLS, Part.VPC_ENDPOINTS, Part.NETWORK_INTERFACES, Part.NAT_GATEWAYS),
      references=(
          "https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html",
          "https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html",
          "https://repost.aws/knowledge-center/security-network-acl-vpc-endpoint",
      ),
      seeds=("002",))
def nacl_blocks_endpoint_traffic(ctx: RuleContext) -> Iterator[Finding]:
    """Network ACLs, evaluated per direction and address family in ascending rule number (first
    match wins), block traffic between an interface endpoint and its clients: the endpoint
    subnet's NACL denies inbound TCP on the service port from a client subnet or outbound TCP
    to its ephemeral ports, or the client subnet's NACL denies outbound TCP to the endpoint
    subnet on the service port or inbound TCP from it on its ephemeral ports. Clients are the
    subnets holding workload ENIs that may call the endpoint's service (a DB instance's network
    interface only for the services its engines call), none for an endpoint whose private DNS
    answers inbound Resolver endpoints only (S3's default: the VPC's calls take the gateway
    endpoint); a client in the endpoint's own subnet is not filtered.

    The client OS is not collected, so the ephemeral range checked is 1024-65535; a denial only
    below 32768 — outside the Linux (32768-60999) and Windows (49152-65535) ranges — is **low**,
    anything else **medium**. Subnets with Lambda ENIs are known to use 1024-65535 (AWS
    documents it), so any ephemeral denial there is **medium**. Service-port denials are medium.
    One finding per NACL and endpoint, grouping the subnet pairs by the entry that denies them.
    For PrivateLink services (port unknown), only ephemeral-port denials are reported; a
    service-port side that denies some ports is not evaluated.

    ## Why it matters
    NACLs are stateless: the request and its reply are filtered separately, on both subnets'
    boundaries. A missing ephemeral-port rule lets the client's SYN reach the endpoint while the
    reply is dropped, so connections hang until they time out — a failure that looks like a
    security-group or DNS problem and is easy to misdiagnose.

    ## How to fix
    Add allow entries, numbered before the deny entries they must win over, for the service port
    and the return traffic, in both subnets' NACLs. The fix merges the peer subnets of one NACL,
    direction and port range exactly (adjacent subnets become one CIDR; nothing is widened). A NACL
    holds 20 entries per direction by default (adjustable to 40; the `*` entries do not count), so
    when the merged entries are still more than four, or would not fit next to the entries the NACL
    already has in that direction, the fix proposes one entry for the smallest CIDR inside one of
    the VPC's CIDR blocks that holds every peer. That entry also admits addresses that are not
    peers, so the step waits for a decision naming those extra ranges, with the exact entries as
    the alternative; if even one more entry does not fit, the decision says so (request a quota
    increase or remove entries first).

    ```
    aws ec2 create-network-acl-entry --network-acl-id <endpoint-subnet-nacl-id> --ingress \\
        --rule-number <n> --protocol tcp --port-range From=443,To=443 --cidr-block <client-subnets-cidr> \\
        --rule-action allow
    aws ec2 create-network-acl-entry --network-acl-id <endpoint-subnet-nacl-id> --egress \\
        --rule-number <n> --protocol tcp --port-range From=1024,To=65535 --cidr-block <client-subnets-cidr> \\
        --rule-action allow
    aws ec2 create-network-acl-entry --network-acl-id <client-subnet-nacl-id> --egress \\
        --rule-number <n> --protocol tcp --port-range From=443,To=443 --cidr-block <endpoint-subnets-cidr> \\
        --rule-action allow
    aws ec2 create-network-acl-entry --network-acl-id <client-subnet-nacl-id> --ingress \\
        --rule-number <n> --protocol tcp --port-range From=1024,To=65535 --cidr-block <endpoint-subnets-cidr> \\
        --rule-action allow
    ```
    """
    view = ctx.view
    checker = _Checker(view)
    for endpoint in endpoints_by_id(view):
        if endpoint.endpoint_type != "Interface" or view.endpoint_ended(endpoint):
            continue
        ports = view.service(endpoint).ports
        ip_type = (endpoint.ip_address_type or "ipv4").lower()
        problems, unknown = checker.endpoint(endpoint.subnet_ids, view.endpoint_client_subnets(endpoint), ports,
                                             ip_type)
        if not problems and not unknown:
            continue  # most endpoints: nothing to say, so no label to write
        label = endpoint_label(view, endpoint)
        for acl_id, found_here in sorted(problems.items()):
            acl = checker.acls[acl_id]
            severity = Severity.MEDIUM if any(p.severity is Severity.MEDIUM for p in found_here) else Severity.LOW
            denials = _grouped(found_here)
            shown = "; ".join(denials[:MAX_LISTED])
            more = f"; … ({len(denials) - MAX_LISTED} more)" if len(denials) > MAX_LISTED else ""
            note = (" Only ports below 32768 are denied: Linux and Windows clients are unaffected, but NAT, ELB, "
                    "Lambda and other clients that pick from 1024-65535 fail intermittently."
                    if severity is Severity.LOW else "")
            yield ctx.finding(
                ctx.ref("network-acl", acl_id, acl.vpc_id, view.name_of(acl.tags)),
                f"Network ACL {acl_id} blocks traffic between interface endpoint {label} and its clients: "
                f"{shown}{more}{configured_ports_note(view, [endpoint])}.{note}",
                fix=checker.entries.fix([a for p in found_here for a in p.allows]),
                severity=severity, discriminator=endpoint.vpc_endpoint_id,
                evidence=evidence_dict(endpoint=endpoint.vpc_endpoint_id, denials=denials[:20],
                                       endpoint_subnets={p.endpoint_subnet for p in found_here},
                                       client_subnets={p.client_subnet for p in found_here},
                                       problem_count=len(found_here)))
        if unknown:
            ref = ctx.ref("vpc-endpoint", endpoint.vpc_endpoint_id, endpoint.vpc_id, view.name_of(endpoint.tags))
            yield ctx.not_evaluated(ref, f"{label}: {'; '.join(sorted(set(unknown))[:MAX_LISTED])}",
                                    discriminator="nacl")


def _grouped(problems: Iterable[Problem]) -> list[str]:
    """One line per denying entry and kind of traffic, in order of first appearance: the subnet
    pairs it denies collapse to the endpoint subnets and client subnets they involve."""
    pairs: dict[Denial, tuple[set[str], set[str]]] = {}
    for problem in problems:
        for denial in problem.denials:
            endpoint_subnets, client_subnets = pairs.setdefault(denial, (set(), set()))
            endpoint_subnets.add(problem.endpoint_subnet)
            client_subnets.add(problem.client_subnet)
    return [denial.text(*subnets) for denial, subnets in pairs.items()]


PairResult = tuple[tuple[tuple[str, Problem], ...], str | None]
# NACL id → the problems it causes, and the reasons some pairs cannot be judged: an endpoint's.
EndpointResult = tuple[dict[str, list[Problem]], list[str]]


class _Checker:
    """NACL verdicts for (endpoint subnet, client subnet) pairs, memoised for one rule run.

    Every endpoint of a VPC meets the same subnet pairs, so each pair (and each port query on a
    NACL) is evaluated once however many endpoints the VPC has.
    """

    def __init__(self, view: NetworkView) -> None:
        self.view = view
        self.acls = {a.network_acl_id: a for a in view.region.network_acls}
        self.entries = Entries(view, self.acls)
        self._nacl: dict[str, r.NetworkAcl | None] = {}
        self._pairs: dict[tuple[str, str, tuple[int, ...], str], PairResult] = {}
        self._denied: dict[tuple[str, bool, str, int, int], tuple[PortVerdict, ...]] = {}
        self._endpoints: dict[tuple[tuple[str, ...], tuple[str, ...], tuple[int, ...], str], EndpointResult] = {}

    @cached_property
    def _lambda_subnets(self) -> frozenset[str]:
        """Subnets holding Lambda ENIs: read only once an ephemeral-port denial is found."""
        return frozenset(i.subnet_id for i in self.view.interfaces.values()
                         if i.interface_type == "lambda" and self.view.is_workload(i))

    def endpoint(self, subnet_ids: tuple[str, ...], clients: tuple[r.Subnet, ...], ports: tuple[int, ...],
                 ip_type: str) -> EndpointResult:
        """The problems between an endpoint's subnets and its client subnets, by NACL, and the reasons
        pairs cannot be judged. Endpoints of one VPC mostly share subnets, clients and port, so the
        answer is remembered for them all (it is only read)."""
        key = (subnet_ids, tuple(c.subnet_id for c in clients), ports, ip_type)
        found = self._endpoints.get(key)
        if found is None:
            found = self._endpoints[key] = self._endpoint(subnet_ids, clients, ports, ip_type)
        return found

    def _endpoint(self, subnet_ids: tuple[str, ...], clients: tuple[r.Subnet, ...], ports: tuple[int, ...],
                  ip_type: str) -> EndpointResult:
        problems: dict[str, list[Problem]] = defaultdict(list)
        unknown: list[str] = []
        for endpoint_subnet_id in subnet_ids:
            for client in clients:
                if client.subnet_id == endpoint_subnet_id:
                    continue
                found, reason = self.pair(endpoint_subnet_id, client, ports, ip_type)
                for acl_id, problem in found:
                    problems[acl_id].append(problem)
                if reason:
                    unknown.append(reason)
        return problems, unknown

    def nacl_of(self, subnet_id: str) -> r.NetworkAcl | None:
        if subnet_id not in self._nacl:
            self._nacl[subnet_id] = self.view.nacl_of(subnet_id)
        return self._nacl[subnet_id]

    def denied(self, acl: r.NetworkAcl, egress: bool, peer: str, low: int, high: int) -> tuple[PortVerdict, ...]:
        key = (acl.network_acl_id, egress, peer, low, high)
        found = self._denied.get(key)
        if found is None:
            found = self._denied[key] = denied_ports(acl, egress=egress, peer_cidr=peer, low=low, high=high)
        return found

    def pair(self, endpoint_subnet_id: str, client: r.Subnet, ports: tuple[int, ...], ip_type: str) -> PairResult:
        key = (endpoint_subnet_id, client.subnet_id, ports, ip_type)
        found = self._pairs.get(key)
        if found is None:
            found = self._pairs[key] = self._check_pair(endpoint_subnet_id, client, ports, ip_type)
        return found

    def _check_pair(self, endpoint_subnet_id: str, client: r.Subnet, ports: tuple[int, ...],
                    ip_type: str) -> PairResult:
        """The NACL problems between one endpoint subnet and one client subnet; a reason if unknown."""
        view = self.view
        endpoint_subnet = view.subnets.get(endpoint_subnet_id)
        if endpoint_subnet is None:
            return (), f"endpoint subnet {endpoint_subnet_id} was not collected"
        for subnet in (endpoint_subnet, client):
            if view.is_shared_from_other_account(subnet):
                return (), (f"subnet {subnet.subnet_id} is shared from account {subnet.owner_id}, whose NACLs are "
                            "not in scope")
        acl_e, acl_c = self.nacl_of(endpoint_subnet_id), self.nacl_of(client.subnet_id)
        if acl_e is None or acl_c is None:
            missing = endpoint_subnet_id if acl_e is None else client.subnet_id
            return (), f"no network ACL was collected for subnet {missing}"
        found: list[tuple[str, Problem]] = []
        reasons: list[str] = []
        pair = (endpoint_subnet_id, client.subnet_id)
        # Each side is described (a _Side) only once its NACL denies something: most deny nothing.
        for cidr_e, cidr_c in _families(ip_type, endpoint_subnet, client):
            for acl, egress, peer, role, local in ((acl_e, False, cidr_c, "endpoint", cidr_e),
                                                  (acl_c, True, cidr_e, "client", cidr_c)):
                if self._service_quiet(acl, egress, peer, ports):
                    continue
                problem, reason = self._service_side(_Side(acl, egress, peer, role, *pair, local, False), ports)
                if problem:
                    found.append((acl.network_acl_id, problem))
                if reason:
                    reasons.append(reason)
            for acl, egress, peer, role, local in ((acl_e, True, cidr_c, "endpoint", cidr_e),
                                                  (acl_c, False, cidr_e, "client", cidr_c)):
                if not self.denied(acl, egress, peer, *EPHEMERAL):
                    continue
                problem = self._ephemeral_side(_Side(acl, egress, peer, role, *pair, local, True))
                if problem:
                    found.append((acl.network_acl_id, problem))
        return tuple(found), "; ".join(reasons) or None

    def _service_quiet(self, acl: r.NetworkAcl, egress: bool, peer: str, ports: tuple[int, ...]) -> bool:
        """The NACL denies no service port (or, the port unknown, no TCP port): :meth:`_service_side`
        would find neither a problem nor a reason."""
        if not ports:
            return not self.denied(acl, egress, peer, 0, 65535)
        for port in ports:  # noqa: SIM110 (a loop: no generator for the one port most services have)
            if not self.denied(acl, egress, peer, port, port):
                return True
        return False

    def _service_side(self, side: _Side, ports: tuple[int, ...]) -> tuple[Problem | None, str | None]:
        """A problem when every service port is denied; a reason when the port is unknown and some are."""
        if not ports:
            if self.denied(side.acl, side.egress, side.peer, 0, 65535):
                return None, (f"{side.acl.network_acl_id} denies some TCP ports {side.where} and the PrivateLink "
                              "port is unknown")
            return None, None
        verdicts = [self.denied(side.acl, side.egress, side.peer, p, p) for p in ports]
        if not all(verdicts):
            return None, None
        by_entry: dict[tuple[int | None, bool], list[int]] = {}
        for port, (verdict,) in zip(ports, verdicts, strict=True):
            by_entry.setdefault((verdict.rule_number, verdict.partial), []).append(port)
        denials = tuple(side.denial("/".join(str(p) for p in sorted(denied)), number, partial, replies=False)
                        for (number, partial), denied in by_entry.items())
        allows = tuple(side.allow(p, p, v) for p, v in zip(ports, verdicts, strict=True))
        return side.problem(denials, Severity.MEDIUM, allows), None

    def _ephemeral_side(self, side: _Side) -> Problem | None:
        verdicts = self.denied(side.acl, side.egress, side.peer, *EPHEMERAL)
        if not verdicts:
            return None
        known = EPHEMERAL if side.client_subnet in self._lambda_subnets else COMMON_OS_EPHEMERAL
        in_known = any(v.high >= known[0] and v.low <= known[1] for v in verdicts)
        denials = tuple(side.denial(f"{v.low}-{v.high}" if v.low != v.high else str(v.low), v.rule_number,
                                    v.partial, replies=True) for v in verdicts)
        return side.problem(denials, Severity.MEDIUM if in_known else Severity.LOW,
                            (side.allow(*EPHEMERAL, verdicts),))


def _families(ip_type: str, endpoint_subnet: r.Subnet, client: r.Subnet) -> list[tuple[str, str]]:
    """(endpoint subnet CIDR, client subnet CIDR) per address family the endpoint serves."""
    pairs: list[tuple[str, str]] = []
    if ip_type in ("ipv4", "dualstack") and endpoint_subnet.cidr_block and client.cidr_block:
        pairs.append((endpoint_subnet.cidr_block, client.cidr_block))
    if ip_type in ("ipv6", "dualstack") and endpoint_subnet.ipv6_cidr_blocks and client.ipv6_cidr_blocks:
        pairs.append((endpoint_subnet.ipv6_cidr_blocks[0], client.ipv6_cidr_blocks[0]))
    return pairs


def _lowest(verdicts: Iterable[PortVerdict], version: int) -> int:
    """The number an allow entry must stay below to win over every one of these denials."""
    return min(v.rule_number or _IMPLICIT_DENY[version] for v in verdicts)


def _rule_text(rule_number: int | None, version: int) -> str:
    """The denying entry as DescribeNetworkAcls numbers it; None is the final '*' deny."""
    return f"rule {_IMPLICIT_DENY[version]} (*)" if rule_number is None else f"rule {rule_number}"


def _subnets(role: str, ids: set[str]) -> str:
    ordered = sorted(ids)
    if len(ordered) == 1:
        return f"{role} subnet {ordered[0]}"
    return f"{role} subnets {listed(ordered)} ({len(ordered)})"
