"""NAT006 nat-instance-cannot-forward."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from vpcaudit.engine.remedy import FixStep, Phase, step
from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.rules._fixes import new_nat_gateway, route_tables_to_nat_in_az
from vpcaudit.rules._shared_vpc import owned_elsewhere
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext
    from vpcaudit.engine.rule import ResourceRef
    from vpcaudit.network.view import NetworkView
    from vpcaudit.pricing import CostModel
    from vpcaudit.snapshot import resources as r

# Egress classes that take an interface's IPv4 traffic beyond the VPC without a public address of
# its own (a NAT gateway, a transit gateway, Cloud WAN, a virtual private gateway).
_ONWARD = frozenset({"nat", "tgw", "cloudwan", "vgw"})
# Egress classes that take it nowhere beyond the VPC: no active default route, an egress-only
# internet gateway (IPv6 only), a private NAT gateway its subnet carries no further.
_NOWHERE = frozenset({"none", "eigw", "private-nat"})
_TARGET_KINDS = {"instance": "instance", "eni": "network-interface"}


@dataclass(frozen=True, slots=True)
class _Routed:
    """A NAT-instance target and the route tables (used by subnets) whose 0.0.0.0/0 names it."""

    kind: str  # instance | eni
    target_id: str
    vpc_id: str
    tables: tuple[tuple[r.RouteTable, tuple[str, ...]], ...]  # (table, subnets using it)
    # For an instance: the interfaces its routes list beside it; empty where none is recorded.
    listed_interfaces: frozenset[str] = frozenset()

    @property
    def table_ids(self) -> list[str]:
        return [t.route_table_id for t, _ in self.tables]

    @property
    def client_subnet_ids(self) -> list[str]:
        return sorted({s for _, subnets in self.tables for s in subnets})


@rule(id="NAT006", name="nat-instance-cannot-forward", severity=Severity.HIGH,
      # Interfaces carry the check and the public addresses; subnets, route tables, NAT gateways,
      # endpoints (firewall hops) and internet gateways decide where each interface's subnet sends traffic.
      needs=(Part.VPCS, Part.SUBNETS, Part.ROUTE_TABLES, Part.NETWORK_INTERFACES, Part.NAT_GATEWAYS,
             Part.VPC_ENDPOINTS, Part.INTERNET_GATEWAYS),
      references=(
          "https://docs.aws.amazon.com/vpc/latest/userguide/VPC_NAT_Instance.html",
          "https://docs.aws.amazon.com/vpc/latest/userguide/work-with-nat-instances.html",
          "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NetworkInterface.html",
          "https://docs.aws.amazon.com/cli/latest/reference/ec2/modify-network-interface-attribute.html",
      ),
      seeds=("001",))
def nat_instance_cannot_forward(ctx: RuleContext) -> Iterator[Finding]:
    """A NAT instance — an instance or network interface that an active IPv4 `0.0.0.0/0` route
    of a route table subnets use targets — cannot forward its clients' traffic: the interface
    receiving it checks source and destination, or none of its interfaces has a way out of the
    VPC.

    A route table counts when a subnet uses it, explicitly or implicitly as the main table. The
    NAT instance fails when:

    - source/destination checking is on for the interface that receives the traffic: the route's
      interface (for a route to an instance, the interface DescribeRouteTables lists beside it;
      where none is recorded, every interface of the instance in the VPC must check for it to
      fail), or
    - it has no way out of the VPC: none of its interfaces (all of the instance's, for an
      interface attached to one) sits in a subnet whose IPv4 default route leaves the VPC — an
      internet gateway, for an interface holding a public IPv4 address; a NAT gateway, transit
      gateway, Cloud WAN or virtual private gateway — other than back to the NAT instance itself.

    One finding per target, naming the route tables, their subnets and the condition that fails
    (both when both do). A condition whose input was not recorded (source/destination checking or
    public addresses, from a snapshot written before they were) is not judged: when none fails and
    one could not be judged, the target is not evaluated. So is a target whose interfaces were not
    collected (RT001 reports a route to one that is gone) or that sits in a VPC another account
    shares. Routes in a `blackhole` state are left to RT001; NAT gateways are NAT001's.

    ## Why it matters
    EC2 performs source/destination checks on every interface by default: an instance drops
    every packet it receives that is not addressed to it. A NAT instance receives its clients'
    packets addressed to the internet, so with the check on it drops all of them — "you must
    disable source/destination checks on the NAT instance" (VPC User Guide). It must also sit in
    a public subnet with a public IPv4 or Elastic IP address: placed in a private subnet, often
    the very one routing to it, what it forwards goes back to itself or nowhere. Either way the
    subnets routed to it have no internet egress at all, while the instance runs and bills.

    ## How to fix
    Turn source/destination checking off on the interface the route names:

    ```
    aws ec2 modify-network-interface-attribute --network-interface-id <eni-id> \\
        --no-source-dest-check
    ```

    A NAT instance with no way out must move to a public subnet with an Elastic IP address —
    or be replaced by a NAT gateway, which needs neither:

    ```
    aws ec2 create-nat-gateway --subnet-id <public-subnet-id> --allocation-id <eipalloc-id>
    aws ec2 replace-route --route-table-id <private-rtb-id> --destination-cidr-block 0.0.0.0/0 \\
        --nat-gateway-id <new-nat-id>
    ```
    """
    view = ctx.view
    for routed in _nat_instance_targets(view):
        interfaces, receivers = _interfaces(view, routed)
        name = view.name_of(receivers[0].tags) if len(receivers) == 1 else None
        ref = ctx.ref(_TARGET_KINDS[routed.kind], routed.target_id, routed.vpc_id, name)
        owner = _foreign_owner(ctx, view, routed, interfaces)
        if owner is not None:
            yield ctx.not_evaluated(ref, f"NAT instance {routed.target_id} is routed to from a VPC shared by account "
                                         f"{owner}, whose route tables and interfaces are not all visible here")
            continue
        if not receivers:
            yield ctx.not_evaluated(ref, f"NAT instance {routed.target_id}, the 0.0.0.0/0 target of "
                                         f"{', '.join(routed.table_ids)}: its network interfaces were not collected "
                                         "(RT001 reports a route whose target is gone)")
            continue
        yield from _judge(ctx, view, ref, routed, interfaces, receivers)


def _judge(ctx: RuleContext, view: NetworkView, ref: ResourceRef, routed: _Routed,
           interfaces: tuple[r.NetworkInterface, ...], receivers: tuple[r.NetworkInterface, ...]) -> Iterator[Finding]:
    checking = _checking(receivers)
    exits = {i.network_interface_id: _exit(view, routed, i) for i in interfaces}
    stuck = all(way == "none" for way, _ in exits.values())
    unknown = [f"{eni} ({why})" for eni, (way, why) in exits.items() if way == "unknown"]
    problems = []
    if checking is True:
        which = receivers[0].network_interface_id if len(receivers) == 1 else \
            f"every interface of it ({', '.join(i.network_interface_id for i in receivers)})"
        problems.append(f"source/destination checking is on for {which}, which drops every packet not addressed to "
                        "it")
    if stuck:
        why = "; ".join(f"{i.network_interface_id} in {i.subnet_id}: {exits[i.network_interface_id][1]}"
                        for i in interfaces)
        problems.append(f"none of its interfaces has a way out of the VPC ({why})")
    if not problems:
        if checking is None or unknown:
            not_judged = ([f"the source/destination checking of {_names(receivers)} was not recorded"]
                          if checking is None else []) + ([f"the way out of {', '.join(unknown)}"] if unknown else [])
            yield ctx.not_evaluated(ref, f"NAT instance {routed.target_id}: {'; '.join(not_judged)}")
        return
    tables = "; ".join(f"{t.route_table_id} ({', '.join(subnets)})" for t, subnets in routed.tables)
    clients = routed.client_subnet_ids
    yield ctx.finding(
        ref,
        f"Route table(s) {tables} send 0.0.0.0/0 to NAT instance {routed.target_id}, which cannot forward it: "
        f"{'; and '.join(problems)}. So {', '.join(clients)} {'have' if len(clients) > 1 else 'has'} no working "
        "internet egress.",
        evidence=evidence_dict(target_kind=routed.kind, route_table_ids=routed.table_ids, client_subnet_ids=clients,
                               receiving_interface_ids=[i.network_interface_id for i in receivers],
                               source_dest_check=checking,
                               interface_subnet_ids=sorted({i.subnet_id for i in interfaces}),
                               no_way_out=stuck),
        fix=[*(_turn_off_check(routed, i) for i in receivers if checking is True),
             *(_replace_with_nat_gateway(view, routed, receivers[0], ctx.cost) if stuck else ())])


def _nat_instance_targets(view: NetworkView) -> list[_Routed]:
    """Each instance or interface named by an active IPv4 0.0.0.0/0 route of a table subnets use."""
    found: dict[tuple[str, str, str], list[tuple[r.RouteTable, tuple[str, ...]]]] = {}
    listed: dict[tuple[str, str, str], set[str]] = {}
    for table in sorted(view.route_tables.values(), key=lambda t: t.route_table_id):
        subnets = view.implicit_subnets(table)
        if not subnets:
            continue
        for route in table.routes:
            if (route.destination == "0.0.0.0/0" and route.destination_type == "ipv4" and route.state == "active"
                    and route.target_kind in _TARGET_KINDS and route.target_id):
                key = (route.target_kind, route.target_id, table.vpc_id)
                found.setdefault(key, []).append((table, subnets))
                listed.setdefault(key, set()).update([route.network_interface_id] if route.network_interface_id
                                                     else [])
    return [_Routed(kind, target, vpc, tuple(tables), frozenset(listed[(kind, target, vpc)]))
            for (kind, target, vpc), tables in sorted(found.items())]


def _interfaces(view: NetworkView, routed: _Routed) -> tuple[tuple[r.NetworkInterface, ...],
                                                             tuple[r.NetworkInterface, ...]]:
    """(every interface of the NAT instance in the VPC, those that receive the routed traffic).

    A route to an interface: that interface receives; the instance it is attached to (if any)
    may send out of any of its interfaces. A route to an instance: the interfaces its routes list
    beside it receive (an interface listed but not collected leaves none: not evaluated); where
    none is recorded (an older snapshot), any of the instance's may."""
    def of_instance(instance_id: str) -> tuple[r.NetworkInterface, ...]:
        return tuple(sorted((i for i in view.interfaces.values()
                             if i.instance_id == instance_id and i.vpc_id == routed.vpc_id),
                            key=lambda i: i.network_interface_id))
    if routed.kind == "instance":
        every = of_instance(routed.target_id)
        if not routed.listed_interfaces:
            return every, every
        receivers = tuple(i for i in every if i.network_interface_id in routed.listed_interfaces)
        return every, receivers if len(receivers) == len(routed.listed_interfaces) else ()
    eni = view.interfaces.get(routed.target_id)
    if eni is None:
        return (), ()
    every = of_instance(eni.instance_id) if eni.instance_id else ()
    return every or (eni,), (eni,)


def _foreign_owner(ctx: RuleContext, view: NetworkView, routed: _Routed,
                   interfaces: tuple[r.NetworkInterface, ...]) -> str | None:
    """The other account owning the VPC (its route tables, its subnets), if one does."""
    vpc = view.vpcs.get(routed.vpc_id)
    owners = [t.owner_id for t, _ in routed.tables] + [vpc.owner_id if vpc else ""] + [
        s.owner_id for i in interfaces if (s := view.subnets.get(i.subnet_id)) is not None]
    return next((o for o in owners if owned_elsewhere(ctx, o)), None)


def _checking(receivers: tuple[r.NetworkInterface, ...]) -> bool | None:
    """True when every receiving interface checks source and destination, False when one does
    not (it may be the one the route names), None when that cannot be told (not recorded)."""
    values = [i.source_dest_check for i in receivers]
    if False in values:
        return False
    return None if None in values else True


def _exit(view: NetworkView, routed: _Routed, eni: r.NetworkInterface) -> tuple[str, str]:
    """("out" | "none" | "unknown", why) for traffic the NAT instance sends out of ``eni``."""
    subnet = view.subnets.get(eni.subnet_id)
    if subnet is None:
        return "unknown", f"its subnet {eni.subnet_id} was not collected"
    egress = view.egress(subnet.subnet_id)
    itself = {routed.target_id, *(i for i in (eni.instance_id, eni.network_interface_id) if i)}
    itself |= {i.network_interface_id for i in view.interfaces.values()
               if eni.instance_id and i.instance_id == eni.instance_id}
    if egress.klass == "igw":
        if eni.public_ip_addresses is None:
            return "unknown", "its public addresses were not recorded"
        if eni.public_ip_addresses:
            return "out", ""
        return "none", (f"the subnet's IPv4 default route goes to internet gateway {egress.target_id}, but the "
                        "interface has no public IPv4 address")
    if egress.klass in _ONWARD:
        if egress.target_id in itself:
            return "none", f"the subnet's IPv4 default route leads back to {egress.target_id}, the NAT instance itself"
        return "out", ""
    if egress.klass in _NOWHERE:
        detail = egress.detail or f"egress class {egress.klass}"
        return "none", f"the subnet's IPv4 traffic goes nowhere beyond the VPC ({detail})"
    return "out", ""  # peering, a local or carrier gateway, an ambiguous route: not taken for no way out


def _names(interfaces: tuple[r.NetworkInterface, ...]) -> str:
    return ", ".join(i.network_interface_id for i in interfaces)


def _turn_off_check(routed: _Routed, eni: r.NetworkInterface) -> FixStep:
    return step("ec2:ModifyNetworkInterfaceAttribute",
                {"NetworkInterfaceId": eni.network_interface_id, "SourceDestCheck": {"Value": False}},
                eni.network_interface_id, Phase.MODIFY,
                f"Turn off source/destination checking on {eni.network_interface_id}, which receives the traffic "
                f"routed to NAT instance {routed.target_id}",
                context={"SubnetId": eni.subnet_id})


def _replace_with_nat_gateway(view: NetworkView, routed: _Routed, eni: r.NetworkInterface,
                              cost: CostModel) -> list[FixStep]:
    """A NAT gateway in a public subnet of the NAT instance's AZ, the routes moved to it: every
    step a decision, since moving the instance to a public subnet with an Elastic IP is the other
    way, and only its owner knows which."""
    az = view.az_id_of(eni.subnet_id) or eni.availability_zone_id or eni.availability_zone
    created, nat = new_nat_gateway(view, routed.vpc_id, az, cost)
    moved = route_tables_to_nat_in_az(view, routed.table_ids, az, nat,
                                      f"to the new NAT gateway in {az} instead of NAT instance {routed.target_id}")
    choice = (f"NAT instance {routed.target_id} has no way out of the VPC: replace it with a NAT gateway (about "
              f"{cost.money(cost.nat_gateway_month())}/month plus data processing) as these steps do, or move it to a "
              "public subnet and give it an Elastic IP address instead")
    return [replace(s, decision=f"{s.decision}; {choice}" if s.decision else choice) for s in (*created, *moved)]
