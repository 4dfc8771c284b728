"""Edit a copy of a snapshot the way AWS changes an account, so the result reads like a collection.

Both IaC dialects translate their resources into these operations; the operations carry what AWS
does *besides* the requested change, because a later collection would see it:

* a new VPC comes with its main route table (with the local routes), default network ACL (allow
  all) and default security group (all from itself, all out);
* a gateway endpoint associated with a route table adds the route to the service's prefix list
  there (and removing the association removes the route); an interface endpoint gets one
  requester-managed network interface per subnet, carrying the endpoint's security groups (the
  VPC's default group when it names none);
* a new subnet is associated with the VPC's default network ACL; deleting a network ACL returns
  its subnets to the default one; a subnet has one route table association and one NACL
  association at a time;
* a new NAT gateway has its network interface in its subnet.

Pure: the snapshot given is never changed; :meth:`SnapshotEdit.freeze` returns the new one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TypeVar

from vpcaudit.change.placeholders import placeholder
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import RegionSnapshot, Snapshot

T = TypeVar("T")

ALL_V4, ALL_V6 = "0.0.0.0/0", "::/0"
LOCAL_ORIGIN = "CreateRouteTable"
PROPAGATED_ORIGIN = "EnableVgwRoutePropagation"


def local_route(cidr: str) -> r.Route:
    return r.Route(cidr, "ipv6" if ":" in cidr else "ipv4", "local", "local", "active", LOCAL_ORIGIN)


def nacl_default_entries(ipv6: bool, *, allow: bool) -> tuple[r.NaclEntry, ...]:
    """A default NACL allows everything; a new custom NACL denies everything until given entries."""
    out = []
    for egress in (False, True):
        for cidr, number in ((ALL_V4, 100), *(((ALL_V6, 101),) if ipv6 else ())):
            if allow:
                out.append(r.NaclEntry(number, egress, "-1", "allow", *_nacl_cidrs(cidr), None, None))
            out.append(r.NaclEntry(32767 if ":" not in cidr else 32768, egress, "-1", "deny", *_nacl_cidrs(cidr),
                                   None, None))
    return tuple(sorted(out, key=_entry_order))


def _nacl_cidrs(cidr: str) -> tuple[str | None, str | None]:
    return (None, cidr) if ":" in cidr else (cidr, None)


def _entry_order(e: r.NaclEntry) -> tuple[bool, int, str, str]:
    return (e.egress, e.rule_number, e.cidr_block or "", e.ipv6_cidr_block or "")


def is_default_nacl_entry(entry: r.NaclEntry) -> bool:
    """The catch-all deny entries (rule ``*``) every NACL keeps, whatever its configuration."""
    return entry.rule_number in (32767, 32768)


@dataclass(frozen=True, slots=True)
class VpcDefaults:
    """What AWS creates with a VPC, by the placeholder ids it gets in the plan."""

    main_route_table_id: str
    default_network_acl_id: str
    default_security_group_id: str


class RegionEdit:
    """One (account, Region) of the snapshot, as mutable maps by id."""

    def __init__(self, account_id: str, region: RegionSnapshot) -> None:
        self.account_id = account_id
        self.name = region.region
        self._base = region
        self.vpcs = {v.vpc_id: v for v in region.vpcs}
        self.dhcp_options = {d.dhcp_options_id: d for d in region.dhcp_options}
        self.subnets = {s.subnet_id: s for s in region.subnets}
        self.route_tables = {t.route_table_id: t for t in region.route_tables}
        self.internet_gateways = {g.gateway_id: g for g in region.internet_gateways}
        self.nat_gateways = {n.nat_gateway_id: n for n in region.nat_gateways}
        self.endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
        self.services = {s.service_name: s for s in region.endpoint_services}
        self.prefix_lists = {p.prefix_list_id: p for p in region.prefix_lists}
        self.security_groups = {g.group_id: g for g in region.security_groups}
        self.network_acls = {a.network_acl_id: a for a in region.network_acls}
        self.interfaces = {i.network_interface_id: i for i in region.network_interfaces}
        self.flow_logs = {f.flow_log_id: f for f in region.flow_logs}
        self.hosted_zones = {z.hosted_zone_id: z for z in region.hosted_zones}
        self.unresolved: list[r.Unresolved] = list(region.unresolved)

    def freeze(self) -> RegionSnapshot:
        return replace(
            self._base, vpcs=tuple(self.vpcs.values()), dhcp_options=tuple(self.dhcp_options.values()),
            subnets=tuple(self.subnets.values()), route_tables=tuple(self.route_tables.values()),
            internet_gateways=tuple(self.internet_gateways.values()), nat_gateways=tuple(self.nat_gateways.values()),
            vpc_endpoints=tuple(self.endpoints.values()), prefix_lists=tuple(self.prefix_lists.values()),
            security_groups=tuple(self.security_groups.values()), network_acls=tuple(self.network_acls.values()),
            network_interfaces=tuple(self.interfaces.values()), flow_logs=tuple(self.flow_logs.values()),
            hosted_zones=tuple(self.hosted_zones.values()), unresolved=tuple(self.unresolved))

    # -- lookups ----------------------------------------------------------------------------

    def az_ids(self) -> dict[str, str]:
        """AZ name → AZ id, from the subnets and the endpoint services of this Region (AZ names map
        to different ids in each account, so only this account's own records can say)."""
        out: dict[str, str] = {}
        for service in self.services.values():
            if len(service.availability_zones) == len(service.availability_zone_ids):
                out.update(zip(service.availability_zones, service.availability_zone_ids, strict=True))
        out.update({s.availability_zone: s.availability_zone_id for s in self.subnets.values()
                    if s.availability_zone and s.availability_zone_id and s.owner_id in ("", self.account_id)})
        return out

    def service_prefix_list(self, service_name: str) -> r.PrefixList | None:
        """The AWS-managed prefix list a gateway endpoint's routes point to (named after the service)."""
        return next((p for p in self.prefix_lists.values() if p.prefix_list_name == service_name), None)

    def default_group(self, vpc_id: str) -> str | None:
        return next((g.group_id for g in self.security_groups.values()
                     if g.vpc_id == vpc_id and g.group_name == "default"), None)

    def default_nacl(self, vpc_id: str) -> r.NetworkAcl | None:
        return next((a for a in self.network_acls.values() if a.vpc_id == vpc_id and a.is_default), None)

    def main_route_table(self, vpc_id: str) -> r.RouteTable | None:
        return next((t for t in self.route_tables.values() if t.vpc_id == vpc_id and t.is_main), None)

    def vpc_of(self, resource_id: str) -> str | None:
        """The VPC of any resource this Region holds, by its id."""
        for table in (self.vpcs, self.subnets, self.route_tables, self.nat_gateways, self.endpoints,
                      self.security_groups, self.network_acls, self.interfaces):
            record = table.get(resource_id)
            if record is not None:
                return str(getattr(record, "vpc_id", resource_id))
        igw = self.internet_gateways.get(resource_id)
        return igw.attached_vpc_ids[0] if igw is not None and igw.attached_vpc_ids else None

    def holds(self, resource_id: str) -> bool:
        return any(resource_id in table for table in (
            self.vpcs, self.subnets, self.route_tables, self.internet_gateways, self.nat_gateways, self.endpoints,
            self.security_groups, self.network_acls, self.interfaces, self.prefix_lists, self.flow_logs,
            self.hosted_zones, self.dhcp_options))

    # -- unresolved values -------------------------------------------------------------------

    def unresolved_value(self, resource_id: str, resource_type: str, vpc_id: str | None, part: str,
                         address: str, fields: Iterable[str], reason: str) -> None:
        self.unresolved.append(r.Unresolved(resource_id, resource_type, vpc_id, part, address,
                                            tuple(sorted(set(fields))), reason))

    # -- VPCs --------------------------------------------------------------------------------

    def create_vpc(self, vpc: r.Vpc, address: str) -> VpcDefaults:
        """The VPC, and the main route table, default NACL and default security group AWS adds."""
        self.vpcs[vpc.vpc_id] = vpc
        main = placeholder("route-table", address, "main")
        self.route_tables[main] = r.RouteTable(
            main, vpc.vpc_id, vpc.owner_id, tuple(local_route(c) for c in (*vpc.cidr_blocks, *vpc.ipv6_cidr_blocks)),
            (r.RouteTableAssociation(placeholder("route-table-association", address, "main"), True, None, None,
                                     "associated"),), (), ())
        acl = placeholder("network-acl", address, "default")
        self.network_acls[acl] = r.NetworkAcl(acl, vpc.vpc_id, vpc.owner_id, True,
                                              nacl_default_entries(bool(vpc.ipv6_cidr_blocks), allow=True), (), ())
        sg = placeholder("security-group", address, "default")
        rules = [r.SecurityGroupRule(placeholder("security-group-rule", address, "default in"), sg, False, "-1",
                                     None, None, None, None, None, sg, None)]
        for n, cidr in enumerate((ALL_V4, *((ALL_V6,) if vpc.ipv6_cidr_blocks else ()))):
            rules.append(r.SecurityGroupRule(placeholder("security-group-rule", address, f"default out {n}"), sg, True,
                                             "-1", None, None, *((None, cidr) if ":" in cidr else (cidr, None)),
                                             None, None, None))
        self.security_groups[sg] = r.SecurityGroup(sg, "default", vpc.vpc_id, vpc.owner_id,
                                                   "default VPC security group", tuple(rules), ())
        return VpcDefaults(main, acl, sg)

    def update_vpc(self, vpc: r.Vpc) -> None:
        """New attributes; a CIDR added or removed adds or removes its local route in every table."""
        old = self.vpcs.get(vpc.vpc_id)
        self.vpcs[vpc.vpc_id] = vpc
        if old is None:
            return
        before = set(old.cidr_blocks + old.ipv6_cidr_blocks)
        after = set(vpc.cidr_blocks + vpc.ipv6_cidr_blocks)
        if before == after:
            return
        for table in [t for t in self.route_tables.values() if t.vpc_id == vpc.vpc_id]:
            kept = [x for x in table.routes if not (x.target_kind == "local" and x.destination in before - after)]
            added = [local_route(c) for c in sorted(after - before)]
            self.route_tables[table.route_table_id] = replace(table, routes=tuple(added + kept))

    def delete_vpc(self, vpc_id: str) -> None:
        """The VPC and everything still in it (AWS deletes the defaults itself; the plan deletes the rest)."""
        self.vpcs.pop(vpc_id, None)
        for table in (self.subnets, self.route_tables, self.nat_gateways, self.endpoints, self.security_groups,
                      self.network_acls, self.interfaces):
            for key in [k for k, v in table.items() if getattr(v, "vpc_id", None) == vpc_id]:
                del table[key]
        for gid, igw in list(self.internet_gateways.items()):
            if vpc_id in igw.attached_vpc_ids:
                self.internet_gateways[gid] = replace(igw, attached_vpc_ids=tuple(
                    v for v in igw.attached_vpc_ids if v != vpc_id))
        for fid in [f for f, log in self.flow_logs.items() if log.resource_id == vpc_id]:
            del self.flow_logs[fid]
        for zid, zone in list(self.hosted_zones.items()):
            self.hosted_zones[zid] = replace(zone, vpcs=tuple(a for a in zone.vpcs if a.vpc_id != vpc_id))

    def set_vpc_dhcp_options(self, vpc_id: str, dhcp_options_id: str | None) -> None:
        vpc = self.vpcs.get(vpc_id)
        if vpc is not None:
            self.vpcs[vpc_id] = replace(vpc, dhcp_options_id=dhcp_options_id)

    def default_dhcp_options(self) -> str | None:
        """The options set AWS gives a new VPC: the Region's default, which the default VPC uses."""
        return next((v.dhcp_options_id for v in self.vpcs.values() if v.is_default), None)

    # -- subnets -------------------------------------------------------------------------------

    def put_subnet(self, subnet: r.Subnet) -> None:
        """A new subnet joins the VPC's default network ACL; an updated one keeps its associations."""
        new = subnet.subnet_id not in self.subnets
        self.subnets[subnet.subnet_id] = subnet
        if new:
            default = self.default_nacl(subnet.vpc_id)
            if default is not None:
                self.associate_nacl(default.network_acl_id, subnet.subnet_id)

    def delete_subnet(self, subnet_id: str) -> None:
        self.subnets.pop(subnet_id, None)
        self._drop_subnet_associations(subnet_id)
        for acl_id, acl in list(self.network_acls.items()):
            if subnet_id in acl.subnet_ids:
                self.network_acls[acl_id] = replace(acl, subnet_ids=tuple(s for s in acl.subnet_ids if s != subnet_id))

    # -- route tables ----------------------------------------------------------------------------

    def create_route_table(self, table: r.RouteTable) -> None:
        """A new table: AWS puts the VPC's local routes in it before anything else."""
        vpc = self.vpcs.get(table.vpc_id)
        cidrs = (*vpc.cidr_blocks, *vpc.ipv6_cidr_blocks) if vpc is not None else ()
        given = {x.destination for x in table.routes}
        local = tuple(local_route(c) for c in cidrs if c not in given)
        self.route_tables[table.route_table_id] = replace(table, routes=local + table.routes)

    def delete_route_table(self, route_table_id: str) -> None:
        self.route_tables.pop(route_table_id, None)

    def update_route_table(self, route_table_id: str, change: Callable[[r.RouteTable], r.RouteTable]) -> None:
        table = self.route_tables.get(route_table_id)
        if table is not None:
            self.route_tables[route_table_id] = change(table)

    def set_static_routes(self, route_table_id: str, routes: Iterable[r.Route]) -> None:
        """Replace the routes an IaC tool manages in a table: local, propagated and gateway-endpoint
        routes stay, as the tools leave them to AWS (a route given for a local destination replaces
        its target, as AWS allows for middlebox routing)."""
        given = list(routes)
        destinations = {x.destination for x in given}
        endpoint_ids = {e for e, ep in self.endpoints.items() if ep.endpoint_type == "Gateway"}

        def managed_elsewhere(x: r.Route) -> bool:
            if x.destination in destinations:
                return False
            return (x.target_kind == "local" or x.origin == PROPAGATED_ORIGIN
                    or (x.destination_type == "prefix_list" and x.target_id in endpoint_ids))

        self.update_route_table(route_table_id, lambda t: replace(
            t, routes=tuple(x for x in t.routes if managed_elsewhere(x)) + tuple(given)))

    def put_route(self, route_table_id: str, route: r.Route) -> None:
        """Add a route, or replace the one to the same destination."""
        self.update_route_table(route_table_id, lambda t: replace(
            t, routes=(*(x for x in t.routes if x.destination != route.destination), route)))

    def delete_route(self, route_table_id: str, destination: str) -> None:
        """Remove the route to ``destination``; a replaced local route gets its local target back."""
        def change(t: r.RouteTable) -> r.RouteTable:
            routes = tuple(x for x in t.routes if x.destination != destination)
            vpc = self.vpcs.get(t.vpc_id)
            if vpc is not None and destination in (*vpc.cidr_blocks, *vpc.ipv6_cidr_blocks):
                routes = (local_route(destination), *routes)
            return replace(t, routes=routes)

        self.update_route_table(route_table_id, change)

    def set_propagating_vgws(self, route_table_id: str, vgws: Iterable[str]) -> None:
        self.update_route_table(route_table_id, lambda t: replace(t, propagating_vgws=tuple(sorted(set(vgws)))))

    def associate_subnet(self, route_table_id: str, subnet_id: str, association_id: str) -> None:
        """A subnet has one explicit association: this one replaces any other."""
        self._drop_subnet_associations(subnet_id)
        self._add_association(route_table_id, r.RouteTableAssociation(association_id, False, subnet_id, None,
                                                                      "associated"))

    def _add_association(self, route_table_id: str, association: r.RouteTableAssociation) -> None:
        self.update_route_table(route_table_id, lambda t: replace(t, associations=(*t.associations, association)))

    def associate_gateway(self, route_table_id: str, gateway_id: str, association_id: str) -> None:
        for tid, table in list(self.route_tables.items()):
            if any(a.gateway_id == gateway_id for a in table.associations):
                self.route_tables[tid] = replace(table, associations=tuple(
                    a for a in table.associations if a.gateway_id != gateway_id))
        self._add_association(route_table_id, r.RouteTableAssociation(association_id, False, None, gateway_id,
                                                                      "associated"))

    def disassociate(self, route_table_id: str | None, *, subnet_id: str | None = None,
                     gateway_id: str | None = None) -> None:
        for tid, table in list(self.route_tables.items()):
            if route_table_id is not None and tid != route_table_id:
                continue
            kept = tuple(a for a in table.associations if not ((subnet_id and a.subnet_id == subnet_id)
                                                                or (gateway_id and a.gateway_id == gateway_id)))
            if kept != table.associations:
                self.route_tables[tid] = replace(table, associations=kept)

    def _drop_subnet_associations(self, subnet_id: str) -> None:
        self.disassociate(None, subnet_id=subnet_id)

    def set_main(self, vpc_id: str, route_table_id: str, association_id: str) -> None:
        """Make ``route_table_id`` the VPC's main route table (AWS moves the one main association)."""
        for tid, table in list(self.route_tables.items()):
            if table.vpc_id == vpc_id and table.is_main:
                self.route_tables[tid] = replace(table, associations=tuple(a for a in table.associations if not a.main))
        self._add_association(route_table_id, r.RouteTableAssociation(association_id, True, None, None, "associated"))

    # -- gateways --------------------------------------------------------------------------------

    def put_internet_gateway(self, gateway: r.InternetGateway) -> None:
        self.internet_gateways[gateway.gateway_id] = gateway

    def delete_internet_gateway(self, gateway_id: str) -> None:
        self.internet_gateways.pop(gateway_id, None)

    def attach_internet_gateway(self, gateway_id: str, vpc_id: str | None) -> None:
        gateway = self.internet_gateways.get(gateway_id)
        if gateway is not None:
            self.internet_gateways[gateway_id] = replace(gateway, attached_vpc_ids=(vpc_id,) if vpc_id else ())

    def put_nat_gateway(self, nat: r.NatGateway, address: str) -> None:
        """The NAT gateway and, for a new zonal one, the network interface AWS puts in its subnet."""
        new = nat.nat_gateway_id not in self.nat_gateways
        if new and nat.subnet_id and nat.availability_mode != "regional":
            az, az_id = self._az_of(nat.subnet_id)
            eni_id = placeholder("network-interface", address)
            self.interfaces[eni_id] = r.NetworkInterface(
                eni_id, "nat_gateway", True, None, f"Interface for NAT Gateway {nat.nat_gateway_id}", nat.vpc_id,
                nat.subnet_id, az, az_id, (), (), (), "in-use", None, ())  # public address, check: not predicted
            nat = replace(nat, addresses=(r.NatGatewayAddress(None, None, eni_id, az or None, az_id),))
        self.nat_gateways[nat.nat_gateway_id] = nat

    def delete_nat_gateway(self, nat_gateway_id: str) -> None:
        nat = self.nat_gateways.pop(nat_gateway_id, None)
        for address in nat.addresses if nat is not None else ():
            if address.network_interface_id:
                self.interfaces.pop(address.network_interface_id, None)

    # -- endpoints ---------------------------------------------------------------------------------

    def put_endpoint(self, endpoint: r.VpcEndpoint, address: str) -> r.VpcEndpoint:
        """Create or update an endpoint with what AWS does alongside: gateway routes for its route
        tables, one interface per subnet carrying its security groups. Returns the stored record
        (with its interfaces); a gateway endpoint whose service has no prefix list in the snapshot
        leaves its routes unresolved."""
        old = self.endpoints.get(endpoint.vpc_endpoint_id)
        if endpoint.endpoint_type == "Gateway":
            self._gateway_routes(old, endpoint, address)
        elif endpoint.endpoint_type in ("Interface", "GatewayLoadBalancer"):
            endpoint = self._interfaces(old, endpoint, address)
        self.endpoints[endpoint.vpc_endpoint_id] = endpoint
        return endpoint

    def delete_endpoint(self, vpc_endpoint_id: str) -> None:
        endpoint = self.endpoints.pop(vpc_endpoint_id, None)
        if endpoint is None:
            return
        for table_id in endpoint.route_table_ids:
            self._remove_endpoint_route(table_id, vpc_endpoint_id)
        for eni in endpoint.network_interface_ids:
            self.interfaces.pop(eni, None)

    def _gateway_routes(self, old: r.VpcEndpoint | None, new: r.VpcEndpoint, address: str) -> None:
        before = set(old.route_table_ids) if old is not None else set()
        after = set(new.route_table_ids)
        for table_id in sorted(before - after):
            self._remove_endpoint_route(table_id, new.vpc_endpoint_id)
        added = sorted(after - before)
        if not added:
            return
        prefix_list = self.service_prefix_list(new.service_name)
        if prefix_list is None:
            self.unresolved_value(new.vpc_endpoint_id, "vpc-endpoint", new.vpc_id, "route_tables", address,
                                  ("route_table_ids",), f"the prefix list of {new.service_name} is not in the "
                                  "snapshot, so the routes this gateway endpoint adds are unknown")
            return
        route = r.Route(prefix_list.prefix_list_id, "prefix_list", "vpce", new.vpc_endpoint_id, "active", "CreateRoute")
        for table_id in added:
            self.put_route(table_id, route)

    def _remove_endpoint_route(self, route_table_id: str, vpc_endpoint_id: str) -> None:
        self.update_route_table(route_table_id, lambda t: replace(t, routes=tuple(
            x for x in t.routes if not (x.destination_type == "prefix_list" and x.target_id == vpc_endpoint_id))))

    def _interfaces(self, old: r.VpcEndpoint | None, new: r.VpcEndpoint, address: str) -> r.VpcEndpoint:
        groups = new.group_ids
        if not groups and new.endpoint_type == "Interface":
            default = self.default_group(new.vpc_id)
            groups = (default,) if default else ()
            new = replace(new, group_ids=groups)
        current = {self.interfaces[e].subnet_id: e for e in (old.network_interface_ids if old else ())
                   if e in self.interfaces}
        for subnet_id, eni in current.items():
            if subnet_id not in new.subnet_ids:
                self.interfaces.pop(eni, None)
        enis = []
        for subnet_id in new.subnet_ids:
            eni_id = current.get(subnet_id) or placeholder("network-interface", address, f"in {subnet_id}")
            previous = self.interfaces.get(eni_id)
            az, az_id = self._az_of(subnet_id)
            self.interfaces[eni_id] = replace(previous, group_ids=groups) if previous is not None else \
                r.NetworkInterface(eni_id, "vpc_endpoint", True, None, f"VPC Endpoint Interface {new.vpc_endpoint_id}",
                                   new.vpc_id, subnet_id, az, az_id, groups, (), (), "in-use", None, (),
                                   # An endpoint's new interface has no public address; whether EC2
                                   # lists it with source/destination checking is not predicted (None).
                                   public_ip_addresses=())
            enis.append(eni_id)
        return replace(new, network_interface_ids=tuple(sorted(enis)))

    def _az_of(self, subnet_id: str) -> tuple[str, str | None]:
        subnet = self.subnets.get(subnet_id)
        return (subnet.availability_zone, subnet.availability_zone_id) if subnet is not None else ("", None)

    # -- security groups ---------------------------------------------------------------------------

    def put_security_group(self, group: r.SecurityGroup) -> None:
        self.security_groups[group.group_id] = group

    def delete_security_group(self, group_id: str) -> None:
        self.security_groups.pop(group_id, None)

    def set_group_rules(self, group_id: str, egress: bool, rules: Iterable[r.SecurityGroupRule]) -> None:
        """All of one direction's rules (an IaC tool managing them inline is authoritative)."""
        group = self.security_groups.get(group_id)
        if group is not None:
            kept = tuple(x for x in group.rules if x.is_egress != egress)
            self.security_groups[group_id] = replace(group, rules=_sorted_rules(kept + tuple(rules)))

    def add_group_rules(self, group_id: str, rules: Iterable[r.SecurityGroupRule]) -> None:
        group = self.security_groups.get(group_id)
        if group is not None:
            added = tuple(rules)
            kept = tuple(x for x in group.rules if not any(same_rule(x, a) for a in added))
            self.security_groups[group_id] = replace(group, rules=_sorted_rules(kept + added))

    def remove_group_rules(self, group_id: str, rules: Iterable[r.SecurityGroupRule]) -> None:
        group = self.security_groups.get(group_id)
        if group is not None:
            gone = tuple(rules)
            self.security_groups[group_id] = replace(group, rules=tuple(
                x for x in group.rules if not any(x.rule_id == g.rule_id or same_rule(x, g) for g in gone)))

    def set_interface_groups(self, eni_ids: Iterable[str], group_ids: tuple[str, ...]) -> None:
        for eni in eni_ids:
            record = self.interfaces.get(eni)
            if record is not None:
                self.interfaces[eni] = replace(record, group_ids=group_ids)

    # -- network ACLs ------------------------------------------------------------------------------

    def create_network_acl(self, acl: r.NetworkAcl) -> None:
        """A new NACL denies everything until given entries (its subnets move to it)."""
        vpc = self.vpcs.get(acl.vpc_id)
        entries = nacl_default_entries(bool(vpc and vpc.ipv6_cidr_blocks), allow=False) + acl.entries
        self.network_acls[acl.network_acl_id] = replace(acl, entries=tuple(sorted(entries, key=_entry_order)),
                                                        subnet_ids=())
        for subnet_id in acl.subnet_ids:
            self.associate_nacl(acl.network_acl_id, subnet_id)

    def delete_network_acl(self, acl_id: str) -> None:
        """Its subnets go back to the VPC's default NACL."""
        acl = self.network_acls.pop(acl_id, None)
        if acl is None:
            return
        default = self.default_nacl(acl.vpc_id)
        for subnet_id in acl.subnet_ids:
            if default is not None:
                self.associate_nacl(default.network_acl_id, subnet_id)

    def set_nacl_entries(self, acl_id: str, egress: bool, entries: Iterable[r.NaclEntry]) -> None:
        acl = self.network_acls.get(acl_id)
        if acl is not None:
            kept = tuple(e for e in acl.entries if e.egress != egress or is_default_nacl_entry(e))
            self.network_acls[acl_id] = replace(acl, entries=tuple(sorted(kept + tuple(entries), key=_entry_order)))

    def put_nacl_entry(self, acl_id: str, entry: r.NaclEntry) -> None:
        acl = self.network_acls.get(acl_id)
        if acl is not None:
            kept = tuple(e for e in acl.entries if (e.egress, e.rule_number) != (entry.egress, entry.rule_number))
            self.network_acls[acl_id] = replace(acl, entries=tuple(sorted((*kept, entry), key=_entry_order)))

    def delete_nacl_entry(self, acl_id: str, egress: bool, rule_number: int) -> None:
        acl = self.network_acls.get(acl_id)
        if acl is not None:
            self.network_acls[acl_id] = replace(acl, entries=tuple(
                e for e in acl.entries if (e.egress, e.rule_number) != (egress, rule_number)))

    def associate_nacl(self, acl_id: str, subnet_id: str) -> None:
        """A subnet is in exactly one NACL: moving it removes it from the other."""
        for other_id, other in list(self.network_acls.items()):
            if subnet_id in other.subnet_ids and other_id != acl_id:
                self.network_acls[other_id] = replace(other, subnet_ids=tuple(
                    s for s in other.subnet_ids if s != subnet_id))
        acl = self.network_acls.get(acl_id)
        if acl is not None and subnet_id not in acl.subnet_ids:
            self.network_acls[acl_id] = replace(acl, subnet_ids=tuple(sorted((*acl.subnet_ids, subnet_id))))

    def disassociate_nacl(self, acl_id: str, subnet_id: str) -> None:
        """Removing an association returns the subnet to the default NACL."""
        acl = self.network_acls.get(acl_id)
        if acl is None or subnet_id not in acl.subnet_ids or acl.is_default:
            return
        default = self.default_nacl(acl.vpc_id)
        if default is not None:
            self.associate_nacl(default.network_acl_id, subnet_id)

    # -- DNS, flow logs, prefix lists ------------------------------------------------------------

    def put_dhcp_options(self, options: r.DhcpOptions) -> None:
        self.dhcp_options[options.dhcp_options_id] = options

    def delete_dhcp_options(self, dhcp_options_id: str) -> None:
        self.dhcp_options.pop(dhcp_options_id, None)

    def put_hosted_zone(self, zone: r.HostedZone) -> None:
        self.hosted_zones[zone.hosted_zone_id] = zone

    def delete_hosted_zone(self, hosted_zone_id: str) -> None:
        self.hosted_zones.pop(hosted_zone_id, None)

    def put_flow_log(self, flow_log: r.FlowLog) -> None:
        self.flow_logs[flow_log.flow_log_id] = flow_log

    def delete_flow_log(self, flow_log_id: str) -> None:
        self.flow_logs.pop(flow_log_id, None)

    def put_prefix_list(self, prefix_list: r.PrefixList) -> None:
        self.prefix_lists[prefix_list.prefix_list_id] = prefix_list

    def delete_prefix_list(self, prefix_list_id: str) -> None:
        self.prefix_lists.pop(prefix_list_id, None)


def same_rule(a: r.SecurityGroupRule, b: r.SecurityGroupRule) -> bool:
    """The same permission, whatever its rule id (AWS merges identical permissions)."""
    return (a.is_egress, a.ip_protocol, a.from_port, a.to_port, a.cidr_ipv4, a.cidr_ipv6, a.prefix_list_id,
            a.referenced_group_id) == (b.is_egress, b.ip_protocol, b.from_port, b.to_port, b.cidr_ipv4, b.cidr_ipv6,
                                       b.prefix_list_id, b.referenced_group_id)


def _sorted_rules(rules: Iterable[r.SecurityGroupRule]) -> tuple[r.SecurityGroupRule, ...]:
    return tuple(sorted(rules, key=lambda x: (x.is_egress, x.rule_id)))


class SnapshotEdit:
    """The whole snapshot, one :class:`RegionEdit` per (account, Region) touched."""

    def __init__(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot
        self._regions: dict[tuple[str, str], RegionEdit] = {}

    def region(self, account_id: str, region: str) -> RegionEdit | None:
        key = (account_id, region)
        if key not in self._regions:
            account = self._snapshot.account(account_id)
            found = account.region(region) if account is not None else None
            if found is None:
                return None
            self._regions[key] = RegionEdit(account_id, found)
        return self._regions[key]

    def freeze(self) -> Snapshot:
        accounts = []
        for account in self._snapshot.accounts:
            regions = tuple(self._regions[(account.account_id, reg.region)].freeze()
                            if (account.account_id, reg.region) in self._regions else reg for reg in account.regions)
            accounts.append(replace(account, regions=regions))
        return replace(self._snapshot, accounts=tuple(accounts))
