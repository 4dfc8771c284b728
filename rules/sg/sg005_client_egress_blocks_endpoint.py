"""SG005 client-egress-blocks-endpoint."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from vpcaudit.engine.remedy import FixStep, Phase, step
from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.network.containers import leaves_the_vpc_through_its_node
from vpcaudit.network.paths import GATEWAY_SERVICES, family_cidrs, gateway_endpoint_prefix_list
from vpcaudit.network.secgroups import (
    LATTICE_PORTS,
    LATTICE_TYPES,
    Peer,
    allows_tcp,
    covered_by,
    describe_ports,
    egress,
    endpoint_label,
    endpoint_peer,
    format_ports,
    group_allows,
    peer_label,
    rule_cidr,
)
from vpcaudit.rules._fixes import tcp_permission, unknown_port_permission
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext
    from vpcaudit.engine.rule import ResourceRef
    from vpcaudit.network.view import NetworkView
    from vpcaudit.snapshot import resources as r


@rule(id="SG005", name="client-egress-blocks-endpoint", severity=Severity.MEDIUM,
      # Route tables: which subnets' S3 and DynamoDB traffic takes a gateway endpoint.
      needs=(Part.SUBNETS, Part.ROUTE_TABLES, Part.VPC_ENDPOINTS, Part.SECURITY_GROUPS, Part.NETWORK_INTERFACES,
             Part.NAT_GATEWAYS, Part.PREFIX_LISTS),
      references=(
          "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
          "https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html",
          "https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html",
          "https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html",
          "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html",
          "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-ddb.html",
      ),
      seeds=("002",))
def client_egress_blocks_endpoint(ctx: RuleContext) -> Iterator[Finding]:
    """A likely client — a workload ENI in a VPC with AWS-service interface endpoints that may
    call the endpoint's service (a DB instance's network interface only for the services its
    engines call from the VPC, see the network model) — cannot send TCP on an endpoint's port
    (any TCP port for a VPC Lattice endpoint, below) to it: no egress rule of any of the ENI's
    security groups allows it to the endpoint's ENI addresses, its subnets' CIDRs, the VPC CIDR,
    `0.0.0.0/0`, a prefix list containing them, or a security group the endpoint carries; or a
    likely client of an S3, DynamoDB or S3 Express One Zone gateway endpoint — a workload ENI that may call the service,
    in a subnet whose route table sends the service's prefix list to that endpoint — cannot send
    TCP 443 to every CIDR of the service's prefix list. A group with no egress rules allows
    nothing. One finding per security group, listing the endpoints its members cannot reach and
    the ENIs concerned (an ENI's groups are unioned: a group is named only when none of the ENI's
    groups allows the traffic).

    A client with an IPv6 address reaching a dual-stack endpoint whose private DNS answers AAAA
    queries (DNS record IP type `dualstack` or `ipv6`) connects over IPv6 first: for it, egress to
    the endpoint's IPv6 addresses (or a group it carries) is what counts — IPv4 egress alone leaves
    each call waiting out its connect timeout, as SG006 judges the endpoint's side.

    The clients of DataSync and Storage Gateway endpoints — appliances — connect on each of
    several ports (DataSync: TCP 443 and 1024-1064; Storage Gateway: 443, 1026-1028 and 1031),
    so for those every port must be let out; the finding and its fix name the ports refused. A
    service listening on several ports of which a client uses any one (SES SMTP: 25, 465, 587, 2465,
    2587) needs one port open at both ends: a client letting out only ports the endpoint's groups do
    not admit it on (25 out, 587 in) reaches nothing, and the finding and its fix name the ports the
    endpoint admits.

    An interface endpoint whose private DNS answers only queries arriving through inbound Resolver
    endpoints (`PrivateDnsOnlyForInboundResolverEndpoint`, S3's default) has no client in its VPC:
    the option "routes traffic that originates from the VPC to the gateway endpoint and traffic
    that originates from on-premises to the interface endpoint", so the VPC's workloads are judged
    against the gateway endpoint AWS requires beside it, not against the interface endpoint. So
    are they beside an S3 or DynamoDB interface endpoint with private DNS off (DynamoDB's has none)
    and a gateway endpoint for its service, unless a private hosted zone of the VPC answers the
    service's Regional name: "in-Amazon VPC applications send data to the gateway endpoint … only
    your on-premises applications would use interface endpoints" (DynamoDB guide).

    VPC Lattice's Resource and ServiceNetwork endpoints are judged too: every workload ENI of
    their VPC may call them, and clients connect to the addresses of their network interfaces in
    the VPC's subnets, not to the `vpc-lattice` prefix list a service-network VPC association is
    reached through. Their port is the resource configuration's or the service network's
    services', which is not collected, so any TCP egress to the endpoint passes: the rule fires
    only when the ENI's groups let no TCP port at all out to it, and the fix leaves the port to
    be filled in.

    Gateway endpoints (AWS-service, available; their policy is POL001-POL006's business) have no
    address of their own: through one, S3 and DynamoDB are still called at their public
    addresses, the CIDRs of the service's AWS-managed prefix list (`com.amazonaws.<region>.s3`,
    `….dynamodb`), and the client's security groups must let them out. A client is a workload ENI
    whose subnet's traffic to the service reaches the endpoint, as the traffic paths resolve it
    (part of the prefix list is enough; a subnet routed elsewhere is GWE001's concern, and an
    interface endpoint answering the service's names with private DNS takes the calls instead).
    Managed kinds are clients only of the services they call (a DB instance of S3, not DynamoDB; a
    Redshift node with enhanced VPC routing of both; an ElastiCache node or EMR's cluster manager
    interface of neither), and a VPC CNI secondary interface is none: its pods' traffic beyond the
    VPC leaves through the node's primary interface, which is judged. The calls are HTTPS: TCP 443
    must reach each CIDR through an egress rule to the prefix list itself, to anywhere, to CIDRs
    covering it, or to a customer prefix list holding them (S3 also answers HTTP on port 80, which
    SDKs do not use by default; it is not asked for). Only part of the list let out is still a
    finding, and the message says which part is. A subnet with an IPv4 CIDR calls over IPv4
    (dual-stack included: the services' default names resolve to IPv4 only), an IPv6-only subnet
    over IPv6, to the prefix list's IPv6 entries (its "anywhere" is `::/0`). When the prefix
    list's CIDRs were not collected, only a rule to the prefix list or to anywhere can be told to
    allow the calls; otherwise the group is not evaluated.

    ## Why it matters
    Security groups also filter outbound traffic. Clients whose groups restrict egress (a
    common hardening step, or an egress rule list that predates the endpoints) cannot open
    connections to the endpoint: SDK calls time out, SSM agents never register. With private
    DNS on, the default hostname resolves to the endpoint, so there is no fallback. A gateway
    endpoint is the classic trap: egress opened to the VPC's CIDR "for the endpoints" or to the
    database's port alone leaves every S3 or DynamoDB call through it timing out, since those go to
    the services' public addresses ("When your instances access Amazon S3 or DynamoDB through a
    gateway endpoint, they access the service using its public endpoint. The security groups for
    these instances must allow traffic to and from the service.").

    ## How to fix
    Allow the endpoint's port to the endpoint's security group (or its subnets / the VPC CIDR)
    in the client group's egress rules (for a VPC Lattice endpoint, the resource configuration's
    port or the services' listener ports):

    ```
    aws ec2 authorize-security-group-egress --group-id <client-sg-id> \\
        --ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,UserIdGroupPairs=[{GroupId=<endpoint-sg-id>}]'
    ```

    For a gateway endpoint, allow TCP 443 to the service's prefix list, as AWS advises ("You can
    use the prefix list ID for DynamoDB as the destination in the outbound rule"):

    ```
    aws ec2 describe-prefix-lists --filters Name=prefix-list-name,Values=com.amazonaws.<region>.s3
    aws ec2 authorize-security-group-egress --group-id <client-sg-id> \\
        --ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,PrefixListIds=[{PrefixListId=<pl-id>}]'
    ```
    """
    view = ctx.view
    blocked: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))  # group → endpoint → ENIs
    # (group, gateway endpoint) → its blocked ENIs' refusal: what each reaches of the prefix list,
    # what any of them is refused
    partly: dict[tuple[str, str], _Refused] = {}
    service_lists: dict[str, str] = {}  # gateway endpoint → the prefix list its clients send to
    unknown: dict[str, set[str]] = defaultdict(set)  # group → endpoint labels it could not judge
    missing_groups: dict[str, set[str]] = defaultdict(set)  # group not collected → ENIs carrying it
    memo: dict[Any, Any] = {}  # what a group (or an ENI's groups) lets out to an endpoint: ENIs share groups
    for vpc_id in sorted({e.vpc_id for e in view.endpoints.values()}):
        endpoints = [e for e in view.endpoints_of(vpc_id) if _judged(view, e)]
        if not endpoints:
            continue
        any_of_several = {e.vpc_endpoint_id for e in endpoints if _any_of_several_ports(view, e)}
        # What NetworkView.calls_through asks of the endpoint, asked once rather than per ENI: the
        # endpoints that serve clients in the VPC, with the service their clients call; for an
        # interface endpoint, its peer and, where dual-stack clients reach it over IPv6, its IPv6 part.
        served = [(e, view.called_service(e), *_peers(view, e)) for e in endpoints if not view.serves_no_vpc_client(e)]
        for eni in view.workload_enis(vpc_id):
            known = [view.security_groups[g] for g in eni.group_ids if g in view.security_groups]
            absent = [g for g in eni.group_ids if g not in view.security_groups]
            for g in absent:
                missing_groups[g].add(eni.network_interface_id)
            group_ids = tuple(g.group_id for g in known)
            dual_stack = bool(eni.ipv6_addresses)
            for endpoint, service_key, peer, ipv6_peer in served:
                if not view.may_call(eni, service_key):
                    continue
                if peer is None:  # a gateway endpoint
                    addresses = _service_addresses(view, eni, endpoint)
                    if addresses is None:
                        continue  # not this endpoint's client (a subnet routed elsewhere is GWE001's concern)
                    service_lists.setdefault(endpoint.vpc_endpoint_id, addresses.prefix_list_id)
                    verdict = _gateway_verdict(view, known, group_ids, addresses, memo)
                else:
                    ipv6 = dual_stack and ipv6_peer is not None  # the client tries IPv6 first (_answers_aaaa)
                    if ipv6:
                        peer = ipv6_peer
                    # ENIs share their groups: the verdict is the groups', once per set of them.
                    key = (group_ids, endpoint.vpc_endpoint_id, ipv6)
                    if key not in memo:
                        memo[key] = _interface_verdict(view, known, endpoint, peer, memo)
                    verdict = memo[key]
                    if verdict is True and endpoint.vpc_endpoint_id in any_of_several:
                        verdict = _ports_met(view, known, eni, endpoint, peer)
                    if ipv6 and isinstance(verdict, _Refused):
                        verdict = replace(verdict, over_ipv6=True)
                if verdict is True:
                    continue
                if absent or verdict is None:
                    for g in known:
                        unknown[g.group_id].add(_label(view, endpoint, service_lists.get(endpoint.vpc_endpoint_id)))
                    continue
                for g in known:
                    blocked[g.group_id][endpoint.vpc_endpoint_id].add(eni.network_interface_id)
                    key = (g.group_id, endpoint.vpc_endpoint_id)
                    partly[key] = partly[key].merge(verdict) if key in partly else verdict
    for group_id in sorted(set(blocked) | set(unknown) | set(missing_groups)):
        group = view.security_groups.get(group_id)
        ref = ctx.ref("security-group", group_id, group.vpc_id if group else None,
                      (group.group_name or view.name_of(group.tags)) if group else None)
        if (group is not None and group.owner_id and group.owner_id != ctx.account.account_id
                and ctx.snapshot.has_account(group.owner_id)):
            # A participant's group in a shared VPC, seen from the owner's scope (the one that sees
            # the endpoints): "VPC owners cannot modify or delete resources created by participants,
            # such as EC2 instances and security groups" — the finding is the participant's, when
            # that account is in the scan (its reports and Security Hub are then reachable).
            ref = replace(ref, account_id=group.owner_id)
        if group is None:
            yield ctx.not_evaluated(ref, f"{group_id} is attached to workload ENIs "
                                         f"{', '.join(sorted(missing_groups[group_id]))} but was not collected")
        elif blocked.get(group_id):
            refusals = [_Refusal(view.endpoints[e], enis, service_lists.get(e), partly[(group_id, e)])
                        for e, enis in sorted(blocked[group_id].items())]
            yield _finding(ctx, view, ref, group, refusals)
        else:
            yield ctx.not_evaluated(ref, f"{group_id}: outbound access to {', '.join(sorted(unknown[group_id]))} "
                                         "depends on a prefix list or security group that was not collected")


def _judged(view: NetworkView, endpoint: r.VpcEndpoint) -> bool:
    """An AWS-service interface endpoint whose port is known, a VPC Lattice endpoint (judged on any
    TCP port), or an available S3, DynamoDB or S3 Express One Zone gateway endpoint. A PrivateLink service's port is
    unknown and its clients are not known."""
    if view.endpoint_ended(endpoint):
        return False
    if endpoint.endpoint_type in LATTICE_TYPES:
        return True
    if endpoint.endpoint_type == "Gateway":
        return (endpoint.state.lower() == "available" and view.is_aws_service_endpoint(endpoint)
                and view.service(endpoint).key in GATEWAY_SERVICES)
    return (endpoint.endpoint_type == "Interface" and view.is_aws_service_endpoint(endpoint)
            and bool(view.service(endpoint).ports))


@dataclass(frozen=True, slots=True)
class _Refused:
    """An ENI's groups do not let it reach the endpoint. For a gateway endpoint, which CIDRs of the
    service's prefix list they let out (``reached``) and which not (``refused``)."""

    reached: frozenset[str] = frozenset()
    refused: frozenset[str] = frozenset()
    # For an interface endpoint of a service whose clients need each of several ports (DataSync,
    # Storage Gateway): those no group lets out; empty where none of the service's ports is. For a
    # service listening on several ports of which any one will do (SES SMTP): the ports the
    # endpoint's groups admit the client on, none of which its groups let out (``mismatch``).
    ports: frozenset[int] = frozenset()
    over_ipv6: bool = False  # refused over IPv6, which the client tries first (_answers_aaaa)
    mismatch: bool = False

    def merge(self, other: _Refused) -> _Refused:
        """What every ENI of a group reaches, and what any of them is refused."""
        return _Refused(self.reached & other.reached, self.refused | other.refused, self.ports | other.ports,
                        self.over_ipv6 or other.over_ipv6, self.mismatch or other.mismatch)


Verdict = Literal[True] | _Refused | None  # None: a prefix list or group it depends on was not collected


# DNS record IP types whose private DNS answers AAAA queries with the endpoint's IPv6 addresses.
_AAAA_RECORDS = frozenset({"dualstack", "ipv6"})


def _answers_aaaa(view: NetworkView, endpoint: r.VpcEndpoint) -> bool:
    """Does a client with an IPv6 address reach the endpoint over IPv6? So when the endpoint's
    private DNS answers AAAA queries with its IPv6 addresses (a dual-stack endpoint, DNS record IP
    type dualstack or ipv6): dual-stack clients try IPv6 first, and a connection their group drops
    waits out its timeout — the family SG006 judges on the endpoint's side."""
    return (endpoint.ip_address_type == "dualstack" and endpoint.dns_record_ip_type in _AAAA_RECORDS
            and view.private_dns_effective(endpoint))


def _peers(view: NetworkView, endpoint: r.VpcEndpoint) -> tuple[Peer | None, Peer | None]:
    """An interface endpoint's peer for its clients' rules, and the IPv6 part of it that clients
    with an IPv6 address reach instead (None where :func:`_answers_aaaa` does not hold); (None,
    None) for a gateway endpoint, whose clients send to its service's prefix list."""
    if endpoint.endpoint_type == "Gateway":
        return None, None
    peer = endpoint_peer(view, endpoint)
    if not _answers_aaaa(view, endpoint):
        return peer, None
    return peer, Peer(tuple(c for c in peer.cidrs if ":" in c), peer.group_ids)


def _interface_verdict(view: NetworkView, groups: list[r.SecurityGroup], endpoint: r.VpcEndpoint, peer: Peer,
                       memo: dict[Any, Any]) -> Verdict:
    """Does some group let TCP on the endpoint's port out to its addresses or groups — on each
    port, for a service whose clients need several?"""
    required = view.service(endpoint).required_ports if endpoint.endpoint_type == "Interface" else ()
    if required:
        return _required_verdict(view, groups, endpoint, peer, required)
    verdicts = [_allows(view, g, endpoint, peer, memo) for g in groups]
    if any(v is True for v in verdicts):
        return True
    return None if any(v is None for v in verdicts) else _Refused()


def _any_of_several_ports(view: NetworkView, endpoint: r.VpcEndpoint) -> bool:
    """An interface endpoint of a service listening on several ports, any one of which a client uses."""
    service = view.service(endpoint)
    return endpoint.endpoint_type == "Interface" and len(service.ports) > 1 and not service.required_ports


def _ports_met(view: NetworkView, groups: list[r.SecurityGroup], eni: r.NetworkInterface,
               endpoint: r.VpcEndpoint, peer: Peer) -> Verdict:
    """For a service listening on several ports of which a client uses one (SES SMTP: 25, 465, 587,
    2465, 2587): is one of the ports the client's groups let out to the endpoint also one the
    endpoint's groups admit it on? Each side alone passes with any of them, and a client letting
    out 25 only to an endpoint admitting 587 only connects on neither. Refused on the ports the
    endpoint admits; True where the endpoint admits none (SG003's finding) or the answer depends on
    a prefix list or group not collected."""
    endpoint_groups = [view.security_groups.get(g) for g in endpoint.group_ids]
    if not endpoint_groups or None in endpoint_groups:
        return True
    client = Peer(tuple(f"{a}/32" for a in eni.private_ip_addresses)
                  + tuple(f"{a}/128" for a in eni.ipv6_addresses if a), frozenset(eni.group_ids))
    sent, admitted = set(), set()
    for port in view.service(endpoint).ports:
        out = [group_allows(view, g, outbound=True, ports=(port,), peer=peer) for g in groups]
        into = [group_allows(view, g, outbound=False, ports=(port,), peer=client) for g in endpoint_groups if g]
        if None in out or None in into:
            return True
        sent.update([port] if True in out else [])
        admitted.update([port] if True in into else [])
    if not admitted or sent & admitted:
        return True
    return _Refused(ports=frozenset(admitted), mismatch=True)


def _required_verdict(view: NetworkView, groups: list[r.SecurityGroup], endpoint: r.VpcEndpoint, peer: Peer,
                      required: tuple[int, ...]) -> Verdict:
    """Each port the service's clients need, let out by some group: refused on the ports none lets
    out; unknown when none is refused but one depends on what was not collected."""
    refused, unknown = [], False
    for port in required:
        verdicts = [group_allows(view, g, outbound=True, ports=(port,), peer=peer) for g in groups]
        if any(v is True for v in verdicts):
            continue
        if any(v is None for v in verdicts):
            unknown = True
        else:
            refused.append(port)
    if refused:
        return _Refused(ports=frozenset(refused))
    return None if unknown else True


def _ports(view: NetworkView, endpoint: r.VpcEndpoint) -> tuple[int, ...] | None:
    """The service ports a client must send on; None (any TCP port) for a VPC Lattice endpoint."""
    return None if endpoint.endpoint_type in LATTICE_TYPES else view.service(endpoint).ports


def _allows(view: NetworkView, group: r.SecurityGroup, endpoint: r.VpcEndpoint, peer: Peer,
            memo: dict[Any, Any]) -> bool | None:
    key = (group.group_id, endpoint.vpc_endpoint_id, peer.cidrs)
    if key not in memo:
        memo[key] = group_allows(view, group, outbound=True, ports=_ports(view, endpoint), peer=peer)
    return memo[key]  # type: ignore[no-any-return]


# -- gateway endpoints ------------------------------------------------------------------------------

# S3 and DynamoDB are called over HTTPS: the SDKs and the CLI use TCP 443 (S3 also answers HTTP on
# port 80 through a gateway endpoint, which no SDK uses by default).
GATEWAY_PORTS = (443,)


@dataclass(frozen=True, slots=True)
class _ServiceAddresses:
    """Where a client's calls through a gateway endpoint go: the service's public addresses, the
    CIDRs of its AWS-managed prefix list in the address family the client's subnet calls it over."""

    prefix_list_id: str
    cidrs: tuple[str, ...] | None  # None: the prefix list's entries were not collected
    ipv6: bool  # an IPv6-only subnet, whose calls go over IPv6 (its "anywhere" is ::/0)


def _service_addresses(view: NetworkView, eni: r.NetworkInterface,
                       endpoint: r.VpcEndpoint) -> _ServiceAddresses | None:
    """The addresses the ENI's calls through the gateway endpoint go to; None when they do not take
    this endpoint: its subnet's calls to the service go elsewhere (:func:`gateway_endpoint_prefix_list`),
    or it is a pod's interface whose traffic beyond the VPC leaves through its node's primary
    interface (:func:`leaves_the_vpc_through_its_node`), which is judged instead.

    A subnet with an IPv4 CIDR calls over IPv4, dual-stack included: the services' default names
    resolve to IPv4 addresses only, their dual-stack names are opt-in. An IPv6-only subnet calls
    over IPv6 (its SDKs use the dual-stack names), to the prefix list's IPv6 entries."""
    if eni.subnet_id not in view.subnets or leaves_the_vpc_through_its_node(eni):
        return None
    return view.memo(_subnet_service_addresses, eni.subnet_id, endpoint.vpc_endpoint_id)


def _subnet_service_addresses(view: NetworkView, subnet_id: str, endpoint_id: str) -> _ServiceAddresses | None:
    """What :func:`_service_addresses` answers for every ENI of the subnet (once per view)."""
    prefix_list_id = gateway_endpoint_prefix_list(view, view.subnets[subnet_id], view.endpoints[endpoint_id])
    if prefix_list_id is None:
        return None
    v4, v6 = view.address_families(subnet_id)
    ipv6 = v6 and not v4
    cidrs = view.prefix_list_cidrs(prefix_list_id)
    return _ServiceAddresses(prefix_list_id, None if cidrs is None else family_cidrs((not ipv6, ipv6), cidrs), ipv6)


@dataclass(frozen=True, slots=True)
class _ListEgress:
    """What one group lets out on TCP 443 towards a service's prefix list."""

    whole_list: bool  # a rule names the prefix list itself
    destinations: tuple[str, ...]  # the CIDRs of its other rules, customer prefix lists' entries included
    unknown: bool  # a rule names another prefix list, whose entries were not collected


def _list_egress(view: NetworkView, group: r.SecurityGroup, prefix_list_id: str,
                 memo: dict[Any, Any]) -> _ListEgress:
    key = (group.group_id, prefix_list_id)
    if key not in memo:
        rules = [x for x in egress(group) if allows_tcp(x, GATEWAY_PORTS)]
        lists = [view.prefix_list_cidrs(x.prefix_list_id) for x in rules
                 if x.prefix_list_id and x.prefix_list_id != prefix_list_id]
        memo[key] = _ListEgress(any(x.prefix_list_id == prefix_list_id for x in rules),
                                tuple(c for x in rules if (c := rule_cidr(x)))
                                + tuple(c for cidrs in lists if cidrs for c in cidrs),
                                any(cidrs is None for cidrs in lists))
    return memo[key]  # type: ignore[no-any-return]


def _gateway_verdict(view: NetworkView, groups: list[r.SecurityGroup], group_ids: tuple[str, ...],
                     addresses: _ServiceAddresses, memo: dict[Any, Any]) -> Verdict:
    """Do the groups together let TCP 443 out to every CIDR of the service's prefix list (to the
    list itself, to anywhere, or to ranges covering each CIDR)? With the list's CIDRs unknown,
    only the list itself or anywhere (``0.0.0.0/0``, or ``::/0`` from an IPv6-only subnet) can be
    told to cover them. Once per set of groups (``group_ids``: their ids) and addresses: ENIs share
    both. The addresses are keyed by their prefix list and family, which make their CIDRs in a view
    (:func:`_subnet_service_addresses`): hashing the CIDRs again for every ENI would cost more."""
    key = ("gateway", group_ids, addresses.prefix_list_id, addresses.ipv6)
    found = memo.get(key, _MISSING)
    if found is _MISSING:
        found = memo[key] = _groups_verdict(view, groups, addresses, memo)
    return found  # type: ignore[no-any-return]


_MISSING = object()  # a verdict may be None


def _groups_verdict(view: NetworkView, groups: list[r.SecurityGroup], addresses: _ServiceAddresses,
                    memo: dict[Any, Any]) -> Verdict:
    allowed = [_list_egress(view, g, addresses.prefix_list_id, memo) for g in groups]
    if any(a.whole_list for a in allowed):
        return True
    destinations = [c for a in allowed for c in a.destinations]
    if addresses.cidrs is None:
        anywhere = "::/0" if addresses.ipv6 else "0.0.0.0/0"
        return True if covered_by(anywhere, destinations) else None
    reached = frozenset(c for c in addresses.cidrs if covered_by(c, destinations))
    if len(reached) == len(addresses.cidrs):
        return True
    return None if any(a.unknown for a in allowed) else _Refused(reached, frozenset(addresses.cidrs) - reached)


def _label(view: NetworkView, endpoint: r.VpcEndpoint, prefix_list_id: str | None) -> str:
    """'vpce-0abc (ssm)'; a gateway endpoint's with the prefix list its clients send to:
    'vpce-0abc (s3, prefix list pl-63a5400a)'."""
    if endpoint.endpoint_type != "Gateway" or prefix_list_id is None:
        return endpoint_label(view, endpoint)
    return f"{endpoint.vpc_endpoint_id} ({view.service(endpoint).key}, prefix list {prefix_list_id})"


# -- the finding ------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Refusal:
    """An endpoint the group's ENIs cannot reach, and for a gateway endpoint, its prefix list and
    the part of it they do reach."""

    endpoint: r.VpcEndpoint
    enis: set[str]
    prefix_list_id: str | None
    refused: _Refused

    @property
    def gateway(self) -> bool:
        return self.endpoint.endpoint_type == "Gateway"


def _finding(ctx: RuleContext, view: NetworkView, ref: ResourceRef, group: r.SecurityGroup,
             refusals: list[_Refusal]) -> Finding:
    enis = sorted({i for x in refusals for i in x.enis})
    subnets = sorted({view.interfaces[i].subnet_id for i in enis})
    rules = egress(group)
    why = ("the group has no egress rules" if not rules else
           "its egress rules allow only " + ", ".join(f"{describe_ports(x)} to {peer_label(x)}" for x in rules))
    multi = any(len(view.interfaces[i].group_ids) > 1 for i in enis)
    shown = ", ".join(enis[:5]) + (" …" if len(enis) > 5 else "")
    gateways = [x for x in refusals if x.gateway]
    return ctx.finding(
        ref,
        f"Security group {group.group_id} ({group.group_name}) lets its workload ENIs ({shown} in "
        f"{', '.join(subnets)}) send {_what_is_not_sent(view, refusals)}"
        f"{' (nor do their other groups)' if multi else ''}: {why}. Those clients cannot reach the endpoints"
        + ("; through a gateway endpoint they still call the service at its public addresses, its prefix "
           "list's CIDRs, which their egress rules must let out." if gateways else "."),
        evidence=evidence_dict(endpoints=[x.endpoint.vpc_endpoint_id for x in refusals], workload_enis=enis[:10],
                               workload_eni_count=len(enis), subnets=subnets,
                               egress_rules=[f"{describe_ports(x)} to {peer_label(x)}" for x in rules],
                               prefix_lists=[f"{x.endpoint.vpc_endpoint_id}: {x.prefix_list_id}"
                                             for x in gateways] or None,
                               reached_cidrs=[f"{x.endpoint.vpc_endpoint_id}: {c}" for x in gateways
                                              for c in x.refused.reached] or None),
        fix=_fix(view, group, refusals))


def _what_is_not_sent(view: NetworkView, refusals: list[_Refusal]) -> str:
    """'no TCP 443 to interface endpoint(s) …', 'no TCP on any port to endpoint(s) …' for VPC
    Lattice endpoints, whose port is not collected, 'no TCP 443 to gateway endpoint(s) …', and for
    a gateway endpoint whose prefix list is partly let out, which part."""
    known = [x.endpoint for x in refusals if not x.gateway and x.endpoint.endpoint_type not in LATTICE_TYPES
             and not x.refused.ports]
    over_ipv6 = [x.endpoint.vpc_endpoint_id for x in refusals if x.refused.over_ipv6]
    some = [x for x in refusals if x.refused.ports]
    lattice = [x.endpoint for x in refusals if x.endpoint.endpoint_type in LATTICE_TYPES]
    closed = [x for x in refusals if x.gateway and not x.refused.reached]
    partial = [x for x in refusals if x.gateway and x.refused.reached]
    parts = []
    if known:
        ports = {p for e in known for p in view.service(e).ports}
        parts.append(f"no {format_ports(ports)} to interface endpoint(s) "
                     f"{', '.join(endpoint_label(view, e) for e in known)}"
                     + (f" (over IPv6 to {', '.join(over_ipv6)}: its private DNS answers AAAA queries, which "
                        "dual-stack clients try first)" if over_ipv6 else ""))
    parts += [f"no {format_ports(x.refused.ports)} to interface endpoint {endpoint_label(view, x.endpoint)}, "
              + (f"whose security groups admit them on {format_ports(x.refused.ports)} only, a port it does not "
                 "let out" if x.refused.mismatch else
                 f"whose clients connect on each of {format_ports(view.service(x.endpoint).required_ports)}")
              for x in some]
    if lattice:
        parts.append(f"no TCP on any port to endpoint(s) {', '.join(endpoint_label(view, e) for e in lattice)}")
    if closed:
        parts.append(f"no {format_ports(GATEWAY_PORTS)} to gateway endpoint(s) "
                     f"{', '.join(_label(view, x.endpoint, x.prefix_list_id) for x in closed)}")
    parts += [f"{format_ports(GATEWAY_PORTS)} to only {', '.join(sorted(x.refused.reached))} of the CIDRs of "
              f"gateway endpoint {_label(view, x.endpoint, x.prefix_list_id)}, not to "
              f"{', '.join(sorted(x.refused.refused))}" for x in partial]
    return " and ".join(parts)


def _fix(view: NetworkView, group: r.SecurityGroup, refusals: list[_Refusal]) -> list[FixStep]:
    """Egress on the service ports to each interface endpoint's security group (or its subnets
    without one); to a VPC Lattice endpoint on a port a person fills in, since the snapshot does not
    hold it; TCP 443 to each gateway endpoint's prefix list, AWS's own advice."""
    ports_by_target: dict[str, set[int]] = defaultdict(set)
    unknown_ports_by_target: dict[str, set[str]] = defaultdict(set)  # target → whose port is wanted
    for refusal in (x for x in refusals if not x.gateway):
        endpoint = refusal.endpoint
        target = endpoint.group_ids[0] if endpoint.group_ids else ",".join(view.endpoint_subnet_cidrs(endpoint))
        if endpoint.endpoint_type in LATTICE_TYPES:
            unknown_ports_by_target[target].add(LATTICE_PORTS[endpoint.endpoint_type])
        else:  # only the ports refused, where the group already lets some of those needed out
            ports_by_target[target] |= set(refusal.refused.ports or view.service(endpoint).ports)
    steps = []
    for target, ports in sorted(ports_by_target.items()):
        steps.append(step("ec2:AuthorizeSecurityGroupEgress",
                          {"GroupId": group.group_id,
                           "IpPermissions": tcp_permission(ports, **_destination(view, group, target))},
                          group.group_id, Phase.CREATE,
                          f"Allow {format_ports(ports)} out of {group.group_id} to {target.replace(',', ', ')}"))
    for target, wanted in sorted(unknown_ports_by_target.items()):
        for whose in sorted(wanted):
            permission = unknown_port_permission(whose, **_destination(view, group, target))
            steps.append(step("ec2:AuthorizeSecurityGroupEgress",
                              {"GroupId": group.group_id, "IpPermissions": [permission]}, group.group_id,
                              Phase.CREATE, f"Allow {whose} out of {group.group_id} to {target.replace(',', ', ')}",
                              decision=f"{whose} is not published to vpcaudit: ask its provider"))
    lists = {x.prefix_list_id: view.service(x.endpoint).key for x in refusals if x.gateway and x.prefix_list_id}
    if lists:
        steps.append(step("ec2:AuthorizeSecurityGroupEgress",
                          {"GroupId": group.group_id,
                           "IpPermissions": tcp_permission(GATEWAY_PORTS, prefix_list_ids=sorted(lists))},
                          group.group_id, Phase.CREATE,
                          f"Allow {format_ports(GATEWAY_PORTS)} out of {group.group_id} to prefix list(s) "
                          + ", ".join(f"{p} ({key})" for p, key in sorted(lists.items()))
                          + ": the public addresses calls through a gateway endpoint go to"))
    return steps


def _destination(view: NetworkView, group: r.SecurityGroup, target: str) -> dict[str, Any]:
    """A fix's destination: an endpoint's security group — named with its account where another
    account owns it than ``group``'s (a shared VPC's owner, for a participant's group) — or its
    subnets' CIDRs (comma-joined)."""
    if not target.startswith("sg-"):
        return {"cidrs": target.split(",")}
    owner = view.security_groups[target].owner_id if target in view.security_groups else ""
    return {"group_id": target, "group_owner": owner if owner and owner != group.owner_id else None}
