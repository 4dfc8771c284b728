"""SG006 endpoint-sg-strands-vpc-clients."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from ipaddress import IPv4Address, IPv6Address, ip_address
from typing import TYPE_CHECKING

from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.network.containers import (
    CONTAINER_INSTANCE_SERVICES,
    HOST_ONLY_SERVICES,
    container_instance_interfaces,
    containers_on_hosts,
    is_ecs_attachment,
)
from vpcaudit.network.routing import Network, parse_network
from vpcaudit.network.secgroups import (
    allows_tcp,
    configured_ports_note,
    endpoint_label,
    format_ports,
    ingress,
    routed_beyond_vpc,
    rule_cidr,
)
from vpcaudit.rules._fixes import authorize_clients
from vpcaudit.rules._sorted import endpoints_by_id
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext
    from vpcaudit.network.view import NetworkView
    from vpcaudit.snapshot import resources as r


@rule(id="SG006", name="endpoint-sg-strands-vpc-clients", severity=Severity.MEDIUM,
      needs=(Part.VPCS, Part.SUBNETS, Part.ROUTE_TABLES, Part.VPC_ENDPOINTS, Part.SECURITY_GROUPS,
             Part.PREFIX_LISTS, Part.NETWORK_INTERFACES, Part.VPC_ATTRIBUTES),
      references=(
          "https://docs.aws.amazon.com/vpc/latest/userguide/subnet-route-tables.html",
          "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
          "https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html",
          "https://docs.aws.amazon.com/AmazonS3/latest/userguide/privatelink-interface-endpoints.html",
          "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html",
          "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html",
      ),
      seeds=("003",))
def endpoint_sg_strands_vpc_clients(ctx: RuleContext) -> Iterator[Finding]:
    """An interface endpoint admits some of its clients, but its security groups leave out
    workloads of its own VPC that are sure to use it (workload ENIs that may call its service: a
    DB instance's network interface only for the services its engines call; none for an endpoint
    whose private DNS answers inbound Resolver endpoints only, S3's default, since the VPC's own
    calls take the gateway endpoint). Six cases, each one finding per endpoint listing the
    workload ENIs left out:

    - **A CIDR block left out.** In a VPC with several IPv4 CIDR blocks, the groups admit the
      service port from one block exactly — "the VPC CIDR" written as the primary block, as
      terraform-aws-vpc's `vpc_cidr_block` output is — and no rule (CIDR, prefix list or
      security group) admits the workload ENIs of another block.
    - **Only remote clients admitted.** The groups admit the service port only from networks the
      endpoint's subnets route beyond the VPC (on-premises, other VPCs) or from security groups
      of another VPC (a peered VPC's, referenced as the VPC Peering Guide shows: its members are
      all in that VPC), none inside it, while
      the endpoint's private DNS answers the VPC's own queries (on, the VPC's DNS attributes
      allowing it, and not limited to inbound Resolver endpoints): every workload of the VPC
      resolves the service to the endpoint and is refused.
    - **IPv6 clients left out.** A dual-stack endpoint (IP address type `dualstack`) whose
      private DNS answers AAAA queries (DNS record IP type `dualstack` or `ipv6`) in the VPC, and
      groups admitting IPv4 sources only: workloads with IPv6 addresses that no admitted group
      covers connect over IPv6 — IPv6-only ones have no other way, dual-stack ones prefer the
      AAAA answer (EKS best practices: the pod uses the IPv6 address "since it prefers it") and
      wait out a connect timeout per attempt before trying IPv4 — and are refused.

    - **ECS container instances left out.** An ECS, ECR or CloudWatch Logs endpoint admits some
      clients (the tasks' group) but not the own interfaces of the VPC's ECS container instances
      (instances holding a task's or trunk's interface): on the EC2 launch type the agent, the
      image pulls and the `awslogs` driver send from the instance, so the instances never register
      or pull while the tasks' group is admitted.

    - **Pods and tasks left out on admitted hosts.** The groups admit an instance's own
      interface but not the interfaces of the pods or tasks on it — the VPC CNI's secondary
      interfaces (`aws-K8S-<instance>`, given a group of their own by an ENIConfig), a Pod's
      branch interface under security groups for Pods (`aws-k8s-branch-eni`, on the node whose
      trunk its `vpcresources.k8s.aws/trunk-eni-id` tag names), an awsvpc task's interface — for
      a service those call themselves (not
      the image pulls and agents the host makes for them: ECS, ECR, Systems Manager).

    - **Fargate tasks left out.** An `ecr.api` or `ecr.dkr` endpoint admits some ECS tasks on
      Fargate (task interfaces described with an ECS attachment ARN, on no instance) but not
      others whose subnets have no internet egress: a Fargate task pulls its image from its own
      interface ("all network traffic flows through that ENI within your VPC"), and without
      internet egress its only registry is ECR through this endpoint, so its tasks never start.
      A task in a public subnet without a public IPv4 address (`assignPublicIp` DISABLED) has no
      internet egress: the internet gateway carries IPv4 only for an interface with one.
      With egress, a task left out may pull from another registry, and is not second-guessed.

    Otherwise a rule naming subnets or a security group of the VPC is a choice and is not second-guessed. An
    endpoint
    that admits no client at all is SG003's; PrivateLink services, whose port is unknown, and
    endpoints with a group that was not collected are not judged.

    ## Why it matters
    Every route table has a local route for each of the VPC's IPv4 CIDR blocks, so workloads in
    a secondary block reach the endpoint's subnets — and time out on its security group. With
    private DNS answering in the VPC, the service's default hostname resolves to the endpoint,
    so the workloads left out have no other way to the service: SDK calls hang, SSM agents go
    offline, image pulls fail, for some workloads only, which makes the cause hard to see. A
    hybrid S3 endpoint built for on-premises clients does this to the whole VPC once its private
    DNS is set for every resolver.

    ## How to fix
    Allow the service port from the workloads left out (their CIDR block, or their security
    groups):

    ```
    aws ec2 authorize-security-group-ingress --group-id <endpoint-sg-id> \\
        --protocol tcp --port 443 --cidr <vpc-cidr-block>
    ```

    For an S3 endpoint meant for on-premises clients only, keep the VPC on the gateway endpoint
    instead: private DNS only for inbound Resolver endpoints.

    ```
    aws ec2 modify-vpc-endpoint --vpc-endpoint-id <vpce-id> \\
        --dns-options PrivateDnsOnlyForInboundResolverEndpoint=true
    ```
    """
    view = ctx.view
    # Endpoints of a VPC mostly share their groups and port: what those admit is read once for them.
    admitted_by: dict[tuple[tuple[str, ...], tuple[int, ...]], _Admitted] = {}
    for endpoint in endpoints_by_id(view):
        if endpoint.endpoint_type != "Interface" or view.endpoint_ended(endpoint) or not endpoint.group_ids:
            continue
        ports = view.service(endpoint).ports
        groups = [view.security_groups.get(g) for g in endpoint.group_ids]
        if not ports or any(g is None for g in groups):
            continue  # the port or a group is unknown: SG003 says what can be said
        admitted = admitted_by.get((endpoint.group_ids, ports))
        if admitted is None:
            admitted = admitted_by[(endpoint.group_ids, ports)] = _Admitted.of(
                view, [g for g in groups if g is not None], ports)
        enis = view.endpoint_clients(endpoint)
        if not enis or not (admitted.cidrs or admitted.groups):
            continue  # nobody to strand, or nobody admitted at all (SG003)
        if not any(admitted.admits(e) for e in enis):
            # None of the VPC's clients is admitted: remote ones only, or nobody (SG003's).
            stranded, why = _only_remote(view, endpoint, admitted, enis)
            if stranded:
                yield _finding(ctx, endpoint, [g for g in groups if g is not None], ports, admitted, stranded, why)
            continue
        stranded, why = _left_out_blocks(view, endpoint, admitted, enis)
        if not stranded:
            stranded, why = _left_out_family(view, endpoint, admitted, enis)
        if not stranded:
            stranded, why = _left_out_container_instances(view, endpoint, admitted, enis)
        if not stranded:
            stranded, why = _left_out_containers(view, endpoint, admitted)
        if not stranded:
            stranded, why = _left_out_fargate_tasks(view, endpoint, admitted)
        if stranded:
            yield _finding(ctx, endpoint, [g for g in groups if g is not None], ports, admitted, stranded, why)


@dataclass
class _Admitted:
    """The sources the endpoint's groups admit on the service port."""

    cidrs: list[Network] = field(default_factory=list)
    groups: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, view: NetworkView, groups: list[r.SecurityGroup], ports: tuple[int, ...]) -> _Admitted:
        found = cls()
        for group in groups:
            for sg_rule in ingress(group):
                if not allows_tcp(sg_rule, ports):
                    continue
                if sg_rule.referenced_group_id:
                    found.groups.add(sg_rule.referenced_group_id)
                listed = ((rule_cidr(sg_rule),) if rule_cidr(sg_rule) else
                          view.prefix_list_cidrs(sg_rule.prefix_list_id) if sg_rule.prefix_list_id else ()) or ()
                found.cidrs += [n for n in (parse_network(c or "") for c in listed) if n is not None]
        return found

    # ENI id (unique in a view) → admitted: each check of the rule asks again about the same clients.
    _known: dict[str, bool] = field(default_factory=dict, repr=False, compare=False)

    def admits(self, eni: r.NetworkInterface) -> bool:
        """Does a source admit the ENI: one of its groups, or a CIDR holding one of its addresses?"""
        known = self._known.get(eni.network_interface_id)
        if known is None:
            known = self._known[eni.network_interface_id] = self._admits(eni)
        return known

    def _admits(self, eni: r.NetworkInterface) -> bool:
        if not self.groups.isdisjoint(eni.group_ids):
            return True
        spans = self._spans
        return any(version == v and low <= number <= high
                   for version, number in map(_address_key, (*eni.private_ip_addresses, *eni.ipv6_addresses))
                   for v, low, high in spans)

    @cached_property
    def _spans(self) -> list[tuple[int, int, int]]:
        """The CIDRs as (version, first, last address): compared as integers, read once all are known."""
        return [_span(c) for c in self.cidrs]


@lru_cache(maxsize=1 << 16)
def _span(network: Network) -> tuple[int, int, int]:
    """(IP version, first address, last address) of a network as integers: every endpoint of a
    Region admitting the same ranges asks again. Bounded, so an audit of any size keeps it small."""
    return network.version, int(network.network_address), int(network.broadcast_address)


@lru_cache(maxsize=1 << 16)
def _address_key(text: str) -> tuple[int, int]:
    """(IP version, address as an integer) of an address text: every endpoint of a VPC asks of the
    same clients' addresses. Bounded, so an audit of any size keeps it small."""
    address = ip_address(text)
    return address.version, int(address)


# The workload ENIs left out, and what the groups admit instead ("{ports}" left to fill in).
Stranded = tuple[list["r.NetworkInterface"], str]


def _left_out_blocks(view: NetworkView, endpoint: r.VpcEndpoint, admitted: _Admitted,
                     enis: tuple[r.NetworkInterface, ...]) -> Stranded:
    """Workloads in VPC CIDR blocks the groups leave out while admitting another block whole."""
    blocks = _blocks(view, endpoint.vpc_id)
    named = [b for b in blocks if b in admitted.cidrs]
    if len(blocks) < 2 or not named:
        return [], ""
    stranded: dict[str, list[r.NetworkInterface]] = {}
    for eni in enis:
        address = _address(eni)
        block = next((b for b in blocks if address is not None and address.version == b.version
                      and address in b), None)
        if block is not None and block not in named and not admitted.admits(eni):
            stranded.setdefault(str(block), []).append(eni)
    if not stranded:
        return [], ""
    return ([e for found in stranded.values() for e in found],
            f"admits {{ports}} from VPC CIDR block(s) {', '.join(str(b) for b in named)} but not from the VPC's "
            f"other block(s) {', '.join(stranded)}")


def _only_remote(view: NetworkView, endpoint: r.VpcEndpoint, admitted: _Admitted,
                 enis: tuple[r.NetworkInterface, ...]) -> Stranded:
    """Every workload of the VPC, when only remote networks are admitted and private DNS sends the
    VPC's own queries to the endpoint."""
    if not view.private_dns_effective(endpoint):
        return [], ""
    if any(admitted.admits(eni) for eni in enis):
        return [], ""
    remote = sorted({str(c) for c in admitted.cidrs if routed_beyond_vpc(view, endpoint, str(c))})
    remote += sorted(f"security group {g} of {group.vpc_id}" for g in admitted.groups
                     if (group := view.security_groups.get(g)) is not None and group.vpc_id != endpoint.vpc_id)
    if not remote:
        return [], ""  # what is admitted reaches no client: SG003's
    return list(enis), (f"admits {{ports}} only from networks beyond the VPC ({', '.join(remote)}) while its private "
                        "DNS answers the VPC's own queries")


def _left_out_family(view: NetworkView, endpoint: r.VpcEndpoint, admitted: _Admitted,
                     enis: tuple[r.NetworkInterface, ...]) -> Stranded:
    """Workloads with IPv6 addresses no admitted group covers, when a dual-stack endpoint's private
    DNS sends them to its IPv6 addresses and the groups admit IPv4 sources only (while admitting
    someone): IPv6-only ones cannot connect, dual-stack ones try IPv6 first."""
    if endpoint.ip_address_type != "dualstack" or endpoint.dns_record_ip_type not in _AAAA_RECORDS:
        return [], ""  # an ipv6 endpoint behind IPv4 sources admits nobody: SG003's
    ipv4 = sorted({str(c) for c in admitted.cidrs if c.version == 4})
    if not view.private_dns_effective(endpoint) or not ipv4 or any(c.version == 6 for c in admitted.cidrs):
        return [], ""  # (a group admitted instead of CIDRs is a choice)
    stranded = [e for e in enis if e.ipv6_addresses and not set(e.group_ids) & admitted.groups]
    if not stranded or all(not admitted.admits(e) for e in enis):
        return [], ""
    return stranded, (f"admits {{ports}} from IPv4 sources only ({', '.join(ipv4)}) while it has IPv6 addresses and "
                      f"its private DNS answers AAAA queries (DNS record IP type {endpoint.dns_record_ip_type})")


def _left_out_container_instances(view: NetworkView, endpoint: r.VpcEndpoint, admitted: _Admitted,
                                  enis: tuple[r.NetworkInterface, ...]) -> Stranded:
    """ECS container instances' own interfaces, when an endpoint they call for their tasks (ECS,
    ECR, Logs) admits other clients — typically the tasks' group — but not them: the agent,
    image pulls and awslogs send from the instance, not from the task's interface."""
    if view.service(endpoint).key not in CONTAINER_INSTANCE_SERVICES or not any(admitted.admits(e) for e in enis):
        return [], ""
    stranded = [e for e in container_instance_interfaces(view, endpoint.vpc_id) if not admitted.admits(e)]
    if not stranded:
        return [], ""
    return stranded, ("admits {ports} from other clients but not from the ECS container instances, whose agent, "
                      "image pulls and awslogs driver send from the instance's own interface")


def _left_out_containers(view: NetworkView, endpoint: r.VpcEndpoint, admitted: _Admitted) -> Stranded:
    """Pods' and tasks' own interfaces on instances whose own interface the endpoint admits: the
    groups were written for the nodes, and the pods (an ENIConfig or security groups for pods
    giving them a group of their own) make their SDK calls from their interfaces. Not for the
    services only the host calls for them (image pulls, the agents)."""
    if view.service(endpoint).key in HOST_ONLY_SERVICES:
        return [], ""
    stranded = [eni for eni, host in containers_on_hosts(view, endpoint.vpc_id)
                if not admitted.admits(eni) and any(admitted.admits(h) for h in host)]
    if not stranded:
        return [], ""
    return stranded, ("admits {ports} from the instances the pods and tasks run on but not from the pods' and "
                      "tasks' own interfaces, which their SDK calls leave from")


def _left_out_fargate_tasks(view: NetworkView, endpoint: r.VpcEndpoint, admitted: _Admitted) -> Stranded:
    """ECS tasks on Fargate in subnets without internet egress, when an ECR endpoint admits other
    Fargate tasks but not them (ECS, Fargate platform 1.4.0 migration: "all Amazon ECS on Fargate
    tasks receive a single elastic network interface … and all network traffic flows through that
    ENI within your VPC"; they pull images through both ECR endpoints and S3). A task in a public
    subnet recorded without a public IPv4 address has none: the internet gateway carries IPv4 only
    for an interface with one (:meth:`~vpcaudit.network.view.NetworkView.interfaces_internet_egress`)."""
    if view.service(endpoint).key not in FARGATE_PULL_SERVICES:
        return [], ""
    tasks = [e for e in view.endpoint_clients(endpoint) if is_ecs_attachment(e) and e.instance_id is None]
    if not any(admitted.admits(t) for t in tasks):
        return [], ""
    stranded = [t for t in tasks
                if not admitted.admits(t) and t.subnet_id and view.interfaces_internet_egress(t.subnet_id, [t]) is None]
    if not stranded:
        return [], ""
    return stranded, ("admits {ports} from some ECS tasks on Fargate but not from others in subnets without internet "
                      "egress, whose only way to their images is this endpoint")


# The ECR endpoints a Fargate task pulls its image through from its own interface.
FARGATE_PULL_SERVICES = frozenset({"ecr.api", "ecr.dkr"})

# DNS record IP types whose private DNS answers AAAA queries with the endpoint's IPv6 addresses.
_AAAA_RECORDS = frozenset({"dualstack", "ipv6"})


def _finding(ctx: RuleContext, endpoint: r.VpcEndpoint, groups: list[r.SecurityGroup], ports: tuple[int, ...],
             admitted: _Admitted, enis: list[r.NetworkInterface], why: str) -> Finding:
    view = ctx.view
    subnets = sorted({e.subnet_id or "" for e in enis})
    ref = ctx.ref("vpc-endpoint", endpoint.vpc_endpoint_id, endpoint.vpc_id, view.name_of(endpoint.tags))
    fix = authorize_clients(view, groups[0], ports)
    return ctx.finding(
        ref,
        f"Interface endpoint {endpoint_label(view, endpoint)} "
        f"{why.format(ports=format_ports(ports) + configured_ports_note(view, [endpoint]))}: workload "
        f"ENI(s) {', '.join(e.network_interface_id for e in enis)} in subnet(s) {', '.join(subnets)} cannot reach "
        "it.",
        evidence=evidence_dict(security_groups=endpoint.group_ids,
                               admitted=sorted({str(c) for c in admitted.cidrs} | admitted.groups),
                               stranded_enis=[e.network_interface_id for e in enis]),
        fix=[fix] if fix is not None else [])


def _blocks(view: NetworkView, vpc_id: str) -> list[Network]:
    vpc = view.vpcs.get(vpc_id)
    return [n for n in (parse_network(c) for c in (vpc.cidr_blocks if vpc else ())) if n is not None]


def _address(eni: r.NetworkInterface) -> IPv4Address | IPv6Address | None:
    return ip_address(eni.private_ip_addresses[0]) if eni.private_ip_addresses else None
