"""SG003 endpoint-sg-blocks-clients."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from ipaddress import IPv4Network, IPv6Network, ip_address
from typing import TYPE_CHECKING

from vpcaudit.engine.remedy import FixStep, Phase, placeholder, step
from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.network.dns import ScopeViews, vpc_accounts
from vpcaudit.network.routing import CidrFacts, cidr_facts
from vpcaudit.network.secgroups import (
    ALL_PORTS,
    LATTICE_PORTS,
    LATTICE_TYPES,
    admits_internet,
    allows_tcp,
    cidr_family,
    client_groups,
    clients_of_endpoint,
    configured_ports_note,
    endpoint_families,
    endpoint_label,
    format_ports,
    ingress,
    overlaps,
    peer_label,
    remote_clients_of_endpoint,
    routed_beyond_vpc,
    rule_cidr,
    tcp_range,
    workload_groups,
)
from vpcaudit.network.view import kinds_not_calling
from vpcaudit.rules._fixes import authorize_clients, authorize_sources, unknown_port_permission
from vpcaudit.rules._sorted import endpoints_by_id
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext
    from vpcaudit.engine.rule import ResourceRef
    from vpcaudit.network.view import NetworkView
    from vpcaudit.snapshot import resources as r

CLIENT, MEMBERS_ONLY, NO_CLIENT, UNKNOWN = "client", "members-only", "no-client", "unknown"
# A range of the endpoint's own VPC in which no interface that may call the service has an address
# (a public subnet's, NAT gateways only): it admits the clients of the future, as a group without
# members does, and blocks those of today.
VPC_RANGE_WITHOUT_CLIENTS = "vpc-range-without-clients"
OTHER_FAMILY = "other-family"  # CIDRs of an address family the endpoint has no address in


# Endpoint types with security groups that clients of the VPC connect through (CreateVpcEndpoint:
# SecurityGroupIds "(Interface, Resource, ServiceNetwork, and Tunnel endpoints only) … If this
# parameter is not specified, we use the default security group for the VPC").
JUDGED_TYPES = frozenset({"Interface", "Resource", "ServiceNetwork"})


@rule(id="SG003", name="endpoint-sg-blocks-clients", severity=Severity.HIGH,
      needs=(Part.VPCS, Part.SUBNETS, Part.ROUTE_TABLES, Part.VPC_ENDPOINTS, Part.SECURITY_GROUPS,
             Part.PREFIX_LISTS, Part.NETWORK_INTERFACES, Part.NAT_GATEWAYS),
      references=(
          "https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html",
          "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html",
          "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
          "https://repost.aws/knowledge-center/security-network-acl-vpc-endpoint",
          "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Integrating.Authorizing.Network.html",
          "https://docs.aws.amazon.com/transfer/latest/userguide/create-server-in-vpc.html",
      ),
      seeds=("000", "003"))
def endpoint_sg_blocks_clients(ctx: RuleContext) -> Iterator[Finding]:
    """No security group attached to an interface endpoint allows inbound TCP on the service
    port from a source that contains at least one client: a CIDR holding an address of a workload
    ENI of the VPC that may call the endpoint's service (`0.0.0.0/0` and the VPC's CIDR included),
    or routed from the endpoint's subnets to a transit gateway, peering
    connection, Cloud WAN or VGW (remote clients of a centralized endpoint), a security group
    attached to at least one workload ENI that may call the endpoint's service, or a prefix list
    containing such a CIDR. VPC Lattice's Resource and ServiceNetwork endpoints are judged too
    (created without groups they get the VPC's default group); their port is the resource's or
    the services', which is not collected, so a rule opening any TCP port to clients passes. A
    DB instance's network interface (RDS, Aurora: requester-managed by
    `amazon-rds`, described `RDSNetworkInterface`) may call only the AWS services its engines
    integrate with from the VPC — S3, S3 Tables, Glue, Lambda, KMS, CloudWatch Logs, SageMaker,
    Comprehend, Bedrock runtime, SES SMTP — and any PrivateLink service. A CIDR of an
    address family the endpoint has no address in admits nobody: an endpoint of IP address type
    `ipv6` (the only type IPv6-only subnets allow) has no IPv4 address, so the VPC's IPv4 block
    does not let its IPv6-only clients in, and an `ipv4` endpoint takes no IPv6 traffic. When the only
    sources are groups without workload members (e.g. the VPC default group referencing itself),
    the finding says "reachable only from members of sg-…". For PrivateLink services, whose port
    is unknown, the rule fires only when no TCP port at all is open to clients — unless the user
    configured the service's port (`service-ports`, from its provider): then that port is judged
    as a published one, and the finding says it was configured (of several configured ports, 443
    where given is the one every client needs, otherwise any one serves). The clients of DataSync and
    Storage Gateway endpoints — appliances — connect on each of several ports (DataSync: TCP 443
    and 1024-1064; Storage Gateway: 443, 1026-1028 and 1031), so an endpoint admitting them on some
    but not all of those fires too, naming the ports refused.

    Groups without workload members block someone only once there is someone: when neither the
    endpoint's VPC nor a VPC routed to it through a transit gateway or peering holds a workload
    ENI that may call the service — a VPC of this account, or of another scanned account whose VPC
    is associated with a private hosted zone of this account aliasing the endpoint's names (the
    centralized-endpoint pattern: a network account's hub, workload accounts' spokes) — a network
    stack deployed before its workloads, the usual IaC
    order, or a VPC whose only workload is a database (a Glue connection's group between job
    runs, beside the RDS instance the jobs read) — an endpoint whose groups admit the service
    port from security groups is not a finding (nobody is blocked yet, and the first workload
    that joins the group gets in). An endpoint with no inbound rule on
    the service port at all, or one that admits it only from CIDRs holding no client, fires
    whether or not workloads exist: no future client can reach it either. A range of the VPC
    holding none of today's clients (a public subnet's, where only NAT gateways live) is judged as
    such a group is: silent until clients exist, then a finding naming the range.

    An endpoint whose network interfaces carry public IPv4 addresses — an internet-facing AWS
    Transfer Family server's Elastic IPs, there "to make your endpoint accessible to clients over
    the internet" — has clients on the internet too, judged apart (discriminator `internet`,
    medium): when no rule of its groups admits, on any TCP port, an IPv4 source reaching beyond
    private (RFC 1918) and shared (100.64.0.0/10) address space and the VPC's CIDRs, no internet
    client can reach it, since one arrives with its own public address (a group reference admits
    its members only). Not judged while a group or prefix list is not collected, or when the
    interfaces' public addresses are not recorded (a snapshot written before they were).

    ## Why it matters
    Security groups drop what they do not allow, so every client connection to the endpoint
    times out: SDK calls hang until their timeout, SSM agents go offline, image pulls fail. With
    private DNS on there is no fallback — the service's default hostname resolves to the
    endpoint. A classic cause is creating the endpoint with the VPC's default group, which only
    admits its own members. An internet-facing endpoint is "accessible over the internet only to
    clients whose source IP addresses are allowed" in its groups (the Transfer Family guide): one
    allowing only private ranges refuses every partner on the internet.

    ## How to fix
    Allow the service port (TCP 443 for AWS services) from the client security groups, or from
    the VPC CIDR:

    ```
    aws ec2 authorize-security-group-ingress --group-id <endpoint-sg-id> \\
        --ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,UserIdGroupPairs=[{GroupId=<client-sg-id>}]'
    aws ec2 authorize-security-group-ingress --group-id <endpoint-sg-id> \\
        --protocol tcp --port 443 --cidr <vpc-cidr>
    ```

    For internet clients of an endpoint with public addresses, allow their public ranges (an allow
    list, as AWS advises, rather than `0.0.0.0/0`) on the service port.
    """
    view = ctx.view
    carried = workload_groups(view)
    for endpoint in endpoints_by_id(view):
        if endpoint.endpoint_type not in JUDGED_TYPES or view.endpoint_ended(endpoint):
            continue
        lattice = endpoint.endpoint_type in LATTICE_TYPES
        if not endpoint.group_ids:
            ref, label = _described(ctx, endpoint)
            yield ctx.not_evaluated(ref, f"{label} lists no security groups")
            continue
        internet = _internet_refused(ctx, endpoint)
        if internet is not None:
            yield internet
        ports = view.service(endpoint).ports
        clients = client_groups(view, endpoint)
        sources: dict[str, list[str]] = {CLIENT: [], MEMBERS_ONLY: [], VPC_RANGE_WITHOUT_CLIENTS: [], NO_CLIENT: [],
                                         OTHER_FAMILY: [], UNKNOWN: []}
        all_ports_open = False
        client_rules: list[r.SecurityGroupRule] = []
        for group_id in endpoint.group_ids:
            group = view.security_groups.get(group_id)
            if group is None:
                sources[UNKNOWN].append(f"{group_id} (not collected)")
                continue
            for sg_rule in ingress(group):
                if not (allows_tcp(sg_rule, ports) if ports else tcp_range(sg_rule) is not None):
                    continue
                kind = _source_kind(view, sg_rule, endpoint, clients)
                sources[kind].append(peer_label(sg_rule))
                if kind == CLIENT:
                    client_rules.append(sg_rule)
                all_ports_open = all_ports_open or (kind == CLIENT and tcp_range(sg_rule) == ALL_PORTS)
        if sources[CLIENT] and ports:
            refused = _refused_required_ports(view, endpoint, client_rules)
            if refused:
                yield _required_ports_refused(ctx, view, endpoint, refused, client_rules)
            continue
        wanted = format_ports(ports) if ports else "any TCP port"
        if sources[CLIENT] and (all_ports_open or lattice):
            continue  # a Lattice endpoint's port is its resource's or services': a TCP rule for clients is taken as it
        if sources[CLIENT]:
            ref, label = _described(ctx, endpoint)
            yield ctx.not_evaluated(ref, f"{label}: the PrivateLink service's port is unknown and its groups open "
                                         f"only some TCP ports to clients ({', '.join(sorted(set(sources[CLIENT])))})")
            continue
        if sources[UNKNOWN]:
            ref, label = _described(ctx, endpoint)
            yield ctx.not_evaluated(ref, f"{label}: no collected rule admits clients on {wanted}; cannot judge "
                                         f"{', '.join(sorted(set(sources[UNKNOWN])))} (not collected)")
            continue
        remote: tuple[tuple[str, str], ...] = ()
        if (sources[MEMBERS_ONLY] or sources[VPC_RANGE_WITHOUT_CLIENTS]) and not clients_of_endpoint(view, endpoint):
            remote = remote_clients_of_endpoint(view, endpoint, ctx.shared.get(vpc_accounts),
                                                ctx.shared.get(ScopeViews).get)
            if not remote:
                continue  # no clients yet: the groups admit members or a range of the VPC, and no workload exists
        groups = ", ".join(endpoint.group_ids)
        members = sorted(set(sources[MEMBERS_ONLY]))
        if members and carried.intersection(members):
            kinds = sorted({kind.name for eni in view.interfaces.values() if set(eni.group_ids) & set(members)
                            and view.is_workload(eni) and (kind := view.managed_kind_of(eni)) is not None})
            why = (f"reachable only from members of {', '.join(members)}, which no workload ENI that may call "
                   f"{view.called_service(endpoint)} carries (the {' and '.join(k + 's' for k in kinds)}' interfaces "
                   "carrying it call only the services their engines do)")
        elif members:
            why = f"reachable only from members of {', '.join(members)}, which no workload ENI carries"
        elif sources[VPC_RANGE_WITHOUT_CLIENTS]:
            why = (f"{wanted} is allowed only from {', '.join(sorted(set(sources[VPC_RANGE_WITHOUT_CLIENTS])))}, "
                   f"where no workload of {endpoint.vpc_id} that may call {view.called_service(endpoint)} has an "
                   "address")
        elif sources[NO_CLIENT]:
            why = (f"{wanted} is allowed only from {', '.join(sorted(set(sources[NO_CLIENT])))}, which contains no "
                   "client (outside the VPC CIDRs and not routed from the endpoint subnets to a TGW, peering, "
                   "Cloud WAN or VGW)")
        elif sources[OTHER_FAMILY]:
            has = " and ".join(f"IPv{v}" for v in sorted(endpoint_families(endpoint)))
            why = (f"{wanted} is allowed only from {', '.join(sorted(set(sources[OTHER_FAMILY])))}, and the endpoint "
                   f"has {has} addresses only (IpAddressType {endpoint.ip_address_type})")
        else:
            why = f"no inbound rule allows {wanted}"
        if remote:
            why += (f"; clients in {', '.join(f'{vpc} (account {account})' for account, vpc in remote)} resolve its "
                    "names through private hosted zones of this account and route to its subnets")
        ref, label = _described(ctx, endpoint)
        yield ctx.finding(
            ref,
            f"{endpoint.endpoint_type} endpoint {label} is unreachable: none of its security groups ({groups}) admits "
            f"clients on {wanted}{configured_ports_note(view, [endpoint])} — {why}.",
            evidence=evidence_dict(security_groups=endpoint.group_ids, service_ports=[str(p) for p in ports],
                                   member_only_sources=set(sources[MEMBERS_ONLY]),
                                   non_client_sources=set(sources[NO_CLIENT]),
                                   vpc_ranges_without_clients=set(sources[VPC_RANGE_WITHOUT_CLIENTS]),
                                   remote_client_vpcs=[f"{account}/{vpc}" for account, vpc in remote] or None),
            fix=_fix(view, endpoint, ports))


def _refused_required_ports(view: NetworkView, endpoint: r.VpcEndpoint,
                            client_rules: list[r.SecurityGroupRule]) -> tuple[int, ...]:
    """The ports, of those a client of the service needs each of (DataSync's, Storage Gateway's),
    that no rule admitting clients opens."""
    required = view.service(endpoint).required_ports
    return tuple(p for p in required if not any(allows_tcp(x, (p,)) for x in client_rules))


def _described(ctx: RuleContext, endpoint: r.VpcEndpoint) -> tuple[ResourceRef, str]:
    """The endpoint as a finding's resource, and its label: built only for the few endpoints with
    something to report (its name is looked up among the tags, its label written out)."""
    return (ctx.ref("vpc-endpoint", endpoint.vpc_endpoint_id, endpoint.vpc_id, ctx.view.name_of(endpoint.tags)),
            endpoint_label(ctx.view, endpoint))


def _required_ports_refused(ctx: RuleContext, view: NetworkView, endpoint: r.VpcEndpoint, refused: tuple[int, ...],
                            client_rules: list[r.SecurityGroupRule]) -> Finding:
    """Clients get in on some of the service's ports but not on all it needs: an appliance that
    reaches the endpoint over HTTPS still has its control connections refused. The fix lets the
    refused ports in from the sources the group already admits clients from (an appliance's or
    users' range beyond the VPC, a group), the VPC's blocks where those are prefix lists."""
    info = view.service(endpoint)
    group = view.security_groups[endpoint.group_ids[0]]
    fix = (authorize_sources(group, refused, client_rules, "the clients it admits on other ports")
           or authorize_clients(view, group, refused, endpoint_families(endpoint)))
    ref, label = _described(ctx, endpoint)
    return ctx.finding(
        ref,
        f"{endpoint.endpoint_type} endpoint {label} admits clients on some of the ports {info.key} needs, but none of "
        f"its security groups ({', '.join(endpoint.group_ids)}) admits them on {format_ports(refused)}: the service's "
        f"clients connect on each of {format_ports(info.required_ports)}, so those connections time out.",
        evidence=evidence_dict(security_groups=endpoint.group_ids, service_ports=[str(p) for p in info.ports],
                               required_ports=format_ports(info.required_ports), refused_ports=format_ports(refused)),
        fix=[fix] if fix is not None else [])


def _internet_refused(ctx: RuleContext, endpoint: r.VpcEndpoint) -> Finding | None:
    """The internet clients of an endpoint whose interfaces carry public IPv4 addresses, judged
    apart from the VPC's (discriminator ``internet``): a finding when no rule of its groups admits a
    source beyond private and shared space and the VPC's blocks, on any TCP port."""
    view = ctx.view
    public = view.endpoint_public_addresses(endpoint)
    if not public or admits_internet(view, endpoint) is not False:
        return None
    groups = [view.security_groups[g] for g in endpoint.group_ids]
    admitted = sorted({peer_label(x) for g in groups for x in ingress(g) if tcp_range(x) is not None})
    what = f"TCP only from {', '.join(admitted)}" if admitted else "no TCP at all"
    ref, label = _described(ctx, endpoint)
    return ctx.finding(
        ref,
        f"{endpoint.endpoint_type} endpoint {label} carries public IPv4 addresses ({', '.join(public)}), but no "
        f"internet client can reach it: its security groups ({', '.join(endpoint.group_ids)}) admit {what}, while an "
        "internet client of those addresses arrives with its own public IPv4 address, outside private and shared "
        "address space and the VPC's CIDRs.",
        severity=Severity.MEDIUM, discriminator="internet",
        evidence=evidence_dict(public_addresses=public, security_groups=endpoint.group_ids, admitted_sources=admitted),
        fix=[_admit_internet_clients(view, endpoint)])


def _admit_internet_clients(view: NetworkView, endpoint: r.VpcEndpoint) -> FixStep:
    """Allow the internet clients' public ranges, which a person names, on the service port."""
    group_id = endpoint.group_ids[0]
    ports = view.service(endpoint).ports
    whose = LATTICE_PORTS.get(endpoint.endpoint_type, "the PrivateLink service's port")
    clients = [{"CidrIp": placeholder("the internet clients' public IPv4 range")}]
    permissions = [{"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": clients}
                   for port in (ports or (placeholder(whose),))]
    wanted = format_ports(ports) if ports else whose
    return step("ec2:AuthorizeSecurityGroupIngress", {"GroupId": group_id, "IpPermissions": permissions}, group_id,
                Phase.CREATE, f"Allow the internet clients' public addresses into {group_id} on {wanted}",
                decision="which internet clients the endpoint serves is not in the snapshot: name their public IPv4 "
                         "ranges (an allow list, not 0.0.0.0/0)")


def _fix(view: NetworkView, endpoint: r.VpcEndpoint, ports: tuple[int, ...]) -> list[FixStep]:
    """Allow the service port from the VPC's clients into the endpoint's first group."""
    group = view.security_groups[endpoint.group_ids[0]]
    families = endpoint_families(endpoint)
    if ports:
        return [s for s in (authorize_clients(view, group, ports, families),) if s is not None]
    cidrs = [c for c in view.vpc_cidrs(endpoint.vpc_id) if cidr_family(c) in families]
    whose = LATTICE_PORTS.get(endpoint.endpoint_type, "the PrivateLink service's port")
    permission = unknown_port_permission(whose, cidrs=cidrs)
    return [step("ec2:AuthorizeSecurityGroupIngress", {"GroupId": group.group_id, "IpPermissions": [permission]},
                 group.group_id, Phase.CREATE, f"Allow the service port from {', '.join(cidrs)} into {group.group_id}",
                 decision=f"{whose} is not published to vpcaudit: ask its provider")]


def _source_kind(view: NetworkView, sg_rule: r.SecurityGroupRule, endpoint: r.VpcEndpoint,
                 client_groups: frozenset[str]) -> str:
    """Does the rule's source contain a client of the endpoint's VPC?"""
    if sg_rule.referenced_group_id:
        if sg_rule.referenced_group_id in client_groups:
            return CLIENT
        return MEMBERS_ONLY if sg_rule.referenced_group_id in view.security_groups else UNKNOWN
    cidr = rule_cidr(sg_rule)
    if cidr:
        cidrs: tuple[str, ...] | None = (cidr,)
    elif sg_rule.prefix_list_id:
        cidrs = view.prefix_list_cidrs(sg_rule.prefix_list_id)
    else:
        cidrs = ()
    if cidrs is None:
        return UNKNOWN
    families = endpoint_families(endpoint)
    reachable = [c for c in cidrs if cidr_family(c) in families]
    if cidrs and not reachable:
        return OTHER_FAMILY  # e.g. the VPC's IPv4 block, for an endpoint with IPv6 addresses only
    vpc_cidrs = view.vpc_cidrs(endpoint.vpc_id)
    in_vpc = False
    for c in reachable:
        if overlaps(c, vpc_cidrs):
            kind = view.memo(_vpc_range_kind, endpoint.vpc_id, c, kinds_not_calling(view.called_service(endpoint)))
            if kind == CLIENT:
                return CLIENT
            in_vpc = True  # within the VPC's blocks: local, so routed nowhere beyond it
        elif routed_beyond_vpc(view, endpoint, c):
            return CLIENT
    return VPC_RANGE_WITHOUT_CLIENTS if in_vpc else NO_CLIENT


def _vpc_range_kind(view: NetworkView, vpc_id: str, cidr: str, left_out: frozenset[str]) -> str:
    """A CIDR overlapping the VPC, for clients but those of the managed kinds ``left_out``: a source
    of clients when it reaches beyond the VPC's blocks (0.0.0.0/0, not judged by today's clients)
    or holds one; otherwise a range without clients. Asked once per VPC, CIDR and kinds: the
    endpoints of a VPC mostly share their groups."""
    # Containment by integer spans (remembered per CIDR text), not ipaddress's Python methods.
    network, version, first, last, _, _ = _cidr_facts(cidr)
    blocks = [(b[2], b[3]) for b in view.memo(_vpc_blocks, vpc_id) if b[1] == version]
    if not any(b_first <= first and last <= b_last for b_first, b_last in blocks):
        return CLIENT
    if all(first <= b_first and b_last <= last for b_first, b_last in blocks):
        # Every block of its IP version (the usual rule: the VPC's CIDR): it holds every client
        # with an address of that version, so one such client is enough, nothing to parse.
        holds = any(not addresses or any((":" in a) == (network.version == 6) for a in addresses)
                    for eni in view.workload_enis_but(vpc_id, left_out)
                    for addresses in ((*eni.private_ip_addresses, *eni.ipv6_addresses),))
    else:
        holds = _holds_a_client(view.memo(_client_addresses, vpc_id, left_out), network)
    return CLIENT if holds else VPC_RANGE_WITHOUT_CLIENTS


def _vpc_blocks(view: NetworkView, vpc_id: str) -> tuple[CidrFacts, ...]:
    return tuple(_cidr_facts(c) for c in view.vpc_cidrs(vpc_id))


def _cidr_facts(cidr: str) -> CidrFacts:
    """:func:`cidr_facts`, failing as parsing with ``ip_network`` does for a text that is no CIDR."""
    facts = cidr_facts(cidr)
    if facts is None:
        raise ValueError(f"{cidr!r} does not appear to be an IPv4 or IPv6 network")
    return facts


# The addresses of the interfaces of a VPC that may call a service, sorted per IP version, or None
# when one of them has none recorded (it might be anywhere).
_ClientAddresses = dict[int, list[int]] | None


def _client_addresses(view: NetworkView, vpc_id: str, left_out: frozenset[str]) -> _ClientAddresses:
    """Worked out once per VPC and set of managed kinds left out (a handful: most services leave
    out the same kinds), from addresses parsed once per VPC: every rule of every group asks."""
    parsed = view.memo(_parsed_addresses, vpc_id)
    out: dict[int, list[int]] = {4: [], 6: []}
    for eni in view.workload_enis_but(vpc_id, left_out):
        addresses = parsed[eni.network_interface_id]
        if not addresses:
            return None
        for version, value in addresses:
            out[version].append(value)
    return {version: sorted(values) for version, values in out.items()}


def _parsed_addresses(view: NetworkView, vpc_id: str) -> dict[str, tuple[tuple[int, int], ...]]:
    """Each workload ENI of the VPC → its addresses as (IP version, integer)."""
    return {eni.network_interface_id: tuple((a.version, int(a)) for a in map(ip_address, (*eni.private_ip_addresses,
                                                                                            *eni.ipv6_addresses)))
            for eni in view.workload_enis(vpc_id)}


def _holds_a_client(addresses: _ClientAddresses, network: IPv4Network | IPv6Network) -> bool:
    """Does ``network`` hold an address of a client — or might it, where one has none recorded?"""
    if addresses is None:
        return True
    values = addresses[network.version]
    first = bisect_left(values, int(network.network_address))
    return first < len(values) and values[first] <= int(network.broadcast_address)

