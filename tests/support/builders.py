"""Small hand-built snapshots for rule and network-view tests (no moto, no AWS).

A builder keeps the defaults AWS would create (main route table with the local route, default
NACL allowing everything, default security group) so a test states only what matters to its
case. Ids are deterministic (``vpc-0001`` …) so assertions can name resources.

    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16")
    igw = b.igw(vpc)
    pub = b.subnet(vpc, "10.0.0.0/24", az=1)
    b.route_table(vpc, subnets=[pub], routes={"0.0.0.0/0": igw})
    snap = b.snapshot()
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from vpcaudit.network.view import NetworkView
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import SCHEMA_VERSION, AccountSnapshot, Part, RegionSnapshot, ScopeStatus, Snapshot, State

ACCOUNT = "111111111111"
REGION = "us-east-1"
FULL_ACCESS_POLICY = json.dumps({"Version": "2008-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]})
SCOPED_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
     "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}}]})
S3_CIDRS = ("52.216.0.0/15", "3.5.0.0/19")
DYNAMODB_CIDRS = ("3.218.180.0/22", "35.71.64.0/22")
# Services whose endpoints do not support endpoint policies (DescribeVpcEndpointServices).
NO_POLICY_SERVICES = frozenset({"cloudformation", "ssmmessages", "ec2messages"})

Rule = tuple[str, int | None, int | None, str]  # (protocol, from, to, source: CIDR | sg-… | pl-…)


class RegionBuilder:
    """Accumulates one region's resources; ``snapshot()`` freezes them."""

    def __init__(self, account_id: str = ACCOUNT, region: str = REGION, az_count: int = 3) -> None:
        self.account_id = account_id
        self.region = region
        self._ids = itertools.count(1)
        self.azs = [(f"{region}{'abcdef'[i]}", f"{_az_prefix(region)}-az{i + 1}") for i in range(az_count)]
        self.vpcs: dict[str, r.Vpc] = {}
        self.subnets: dict[str, r.Subnet] = {}
        self.route_tables: dict[str, r.RouteTable] = {}
        self.igws: dict[str, r.InternetGateway] = {}
        self.nats: dict[str, r.NatGateway] = {}
        self.endpoints: dict[str, r.VpcEndpoint] = {}
        self.services: dict[str, r.EndpointService] = {}
        self.prefix_lists: dict[str, r.PrefixList] = {}
        self.groups: dict[str, r.SecurityGroup] = {}
        self.nacls: dict[str, r.NetworkAcl] = {}
        self.enis: dict[str, r.NetworkInterface] = {}
        self.flow_logs: list[r.FlowLog] = []
        self.zones: list[r.HostedZone] = []
        self.resolver_rules: list[r.ResolverRuleAssociation] = []
        self.dhcp: dict[str, r.DhcpOptions] = {}
        self.metrics: list[r.ResourceMetric] = []
        self.bucket_policies: list[r.BucketPolicy] = []
        self.block_public_access: r.BlockPublicAccess | None = None
        self.firehose_streams: list[r.FirehoseStream] = []
        self.redshift_clusters: list[r.RedshiftCluster] = []
        self.mq_brokers: list[r.MqBroker] = []
        self.memorydb_clusters: list[r.MemoryDBCluster] = []
        self.db_instances: list[r.DBInstance] = []
        self.datasync_tasks: list[r.DataSyncTask] = []
        self.availability_zones: list[r.AvailabilityZone] = []
        for name, cidrs in (("s3", S3_CIDRS), ("dynamodb", DYNAMODB_CIDRS)):
            pl_id = self.new_id("pl")
            self.prefix_lists[pl_id] = r.PrefixList(pl_id, f"com.amazonaws.{region}.{name}", "AWS", "IPv4", cidrs)

    def new_id(self, prefix: str) -> str:
        return f"{prefix}-{next(self._ids):04d}"

    # -- VPC level ----------------------------------------------------------------------------

    def vpc(self, cidr: str = "10.0.0.0/16", *, name: str | None = None, dns_support: bool | None = True,
            dns_hostnames: bool | None = True, is_default: bool = False, dhcp_servers: Iterable[str] | None = None,
            extra_cidrs: Iterable[str] = (), ipv6_cidrs: Iterable[str] = ()) -> str:
        vpc_id = self.new_id("vpc")
        extra_cidrs = tuple(extra_cidrs)
        dhcp_id = None
        if dhcp_servers is not None:
            dhcp_id = self.new_id("dopt")
            self.dhcp[dhcp_id] = r.DhcpOptions(dhcp_id, tuple(dhcp_servers), None, ())
        self.vpcs[vpc_id] = r.Vpc(vpc_id, self.account_id, (cidr, *extra_cidrs), tuple(ipv6_cidrs), is_default,
                                  dhcp_id, "available", _tags(name), dns_support, dns_hostnames)
        rt_id = self.new_id("rtb")
        # Like every route table of the VPC, the main one has a local route per IPv4 CIDR block:
        # AWS adds one to each route table when a secondary block is associated.
        local = tuple(r.Route(c, "ipv4", "local", "local", "active", "CreateRouteTable") for c in (cidr, *extra_cidrs))
        self.route_tables[rt_id] = r.RouteTable(
            rt_id, vpc_id, self.account_id, local,
            (r.RouteTableAssociation(self.new_id("rtbassoc"), True, None, None, "associated"),), (), ())
        acl_id = self.new_id("acl")
        self.nacls[acl_id] = r.NetworkAcl(acl_id, vpc_id, self.account_id, True, _allow_all_entries(), (), ())
        self.security_group(vpc_id, name="default", ingress=[("-1", None, None, "self")],
                            egress=[("-1", None, None, "0.0.0.0/0")])
        return vpc_id

    def subnet(self, vpc_id: str, cidr: str, *, az: int = 1, name: str | None = None, owner_id: str | None = None,
               ipv6_cidrs: Iterable[str] = ()) -> str:
        subnet_id = self.new_id("subnet")
        az_name, az_id = self.azs[az - 1]
        self.subnets[subnet_id] = r.Subnet(subnet_id, vpc_id, owner_id or self.account_id, az_name, az_id, cidr,
                                           tuple(ipv6_cidrs), False, False, _tags(name))
        return subnet_id

    def shared_vpc(self, owner_id: str, cidr: str = "10.0.0.0/16", *,
                   subnets: Iterable[tuple[str, int]] = ()) -> tuple[str, list[str]]:
        """A VPC shared to this account through RAM, as a participant sees it: the VPC and the
        shared subnets ``(cidr, az)`` owned by ``owner_id``, none of the owner's route tables or NACLs."""
        vpc_id = self.new_id("vpc")
        self.vpcs[vpc_id] = r.Vpc(vpc_id, owner_id, (cidr,), (), False, None, "available", (), True, True)
        return vpc_id, [self.subnet(vpc_id, c, az=az, owner_id=owner_id) for c, az in subnets]

    def main_route_table(self, vpc_id: str) -> str:
        return next(t.route_table_id for t in self.route_tables.values() if t.vpc_id == vpc_id and t.is_main)

    def route_table(self, vpc_id: str, *, subnets: Iterable[str] = (), routes: Mapping[str, str] | None = None,
                    name: str | None = None) -> str:
        """A route table; ``routes`` maps destination (CIDR or pl-…) → target id (kind from its prefix)."""
        rt_id = self.new_id("rtb")
        local = tuple(r.Route(c, "ipv4", "local", "local", "active", "CreateRouteTable")
                      for c in self.vpcs[vpc_id].cidr_blocks)
        assocs = tuple(r.RouteTableAssociation(self.new_id("rtbassoc"), False, s, None, "associated") for s in subnets)
        self.route_tables[rt_id] = r.RouteTable(rt_id, vpc_id, self.account_id, local, assocs, (), _tags(name))
        for destination, target in (routes or {}).items():
            self.route(rt_id, destination, target)
        return rt_id

    def route(self, rt_id: str, destination: str, target: str, *, state: str = "active",
              origin: str = "CreateRoute", interface: str | None = None) -> None:
        """``interface``: for a route to an instance, the interface DescribeRouteTables lists beside it."""
        dtype = "prefix_list" if destination.startswith("pl-") else ("ipv6" if ":" in destination else "ipv4")
        kind = _kind_of(target)
        table = self.route_tables[rt_id]
        self.route_tables[rt_id] = replace(table, routes=(*table.routes, r.Route(destination, dtype, kind, target,
                                                                                 state, origin, interface)))

    def prefix_list(self, name: str, cidrs: Iterable[str], *, owner_id: str | None = None) -> str:
        """A customer-managed prefix list (routes and SG rules may reference it by id)."""
        pl_id = self.new_id("pl")
        self.prefix_lists[pl_id] = r.PrefixList(pl_id, name, owner_id or self.account_id, "IPv4", tuple(cidrs))
        return pl_id

    def associate(self, rt_id: str, subnet_id: str) -> None:
        table = self.route_tables[rt_id]
        assoc = r.RouteTableAssociation(self.new_id("rtbassoc"), False, subnet_id, None, "associated")
        self.route_tables[rt_id] = replace(table, associations=(*table.associations, assoc))

    def igw(self, vpc_id: str) -> str:
        igw_id = self.new_id("igw")
        self.igws[igw_id] = r.InternetGateway(igw_id, "igw", self.account_id, (vpc_id,), ())
        return igw_id

    def eigw(self, vpc_id: str) -> str:
        eigw_id = self.new_id("eigw")
        self.igws[eigw_id] = r.InternetGateway(eigw_id, "eigw", self.account_id, (vpc_id,), ())
        return eigw_id

    def nat(self, subnet_id: str, *, connectivity: str = "public", mode: str = "zonal",
            state: str = "available", vpc_id: str | None = None) -> str:
        nat_id = self.new_id("nat")
        subnet = self.subnets.get(subnet_id)
        eni = self.new_id("eni")
        address = r.NatGatewayAddress("54.0.0.1", "10.0.0.5", eni, subnet.availability_zone if subnet else None,
                                      subnet.availability_zone_id if subnet else None)
        self.nats[nat_id] = r.NatGateway(nat_id, vpc_id or (subnet.vpc_id if subnet else ""),
                                         None if mode == "regional" else subnet_id, state, connectivity, mode, None,
                                         (address,), ())
        return nat_id

    # -- endpoints ------------------------------------------------------------------------------

    def service(self, key: str, *, types: Iterable[str] = ("Interface",), owner: str = "amazon",
                policy_supported: bool | None = None, azs: Iterable[int] | None = None,
                dns_names: Iterable[str] | None = None, name: str | None = None) -> str:
        name = name or f"com.amazonaws.{self.region}.{key}"
        chosen = [self.azs[i - 1] for i in azs] if azs is not None else self.azs
        if dns_names is None:
            gateway_only = key in ("s3", "dynamodb") and "Gateway" in types
            dns_names = () if gateway_only else (f"{key}.{self.region}.amazonaws.com",)
        supported = policy_supported if policy_supported is not None else key not in NO_POLICY_SERVICES
        self.services[name] = r.EndpointService(
            name, None, owner, tuple(sorted(types)), None, tuple(a for a, _ in chosen), tuple(i for _, i in chosen),
            tuple(dns_names), (f"{key}.{self.region}.vpce.amazonaws.com",), supported, ("ipv4",))
        return name

    def gateway_endpoint(self, vpc_id: str, key: str = "s3", *, route_tables: Iterable[str] = (),
                         policy: str | None = FULL_ACCESS_POLICY, state: str = "available") -> str:
        """A gateway endpoint; like AWS, it adds its prefix-list route to each route table."""
        name = f"com.amazonaws.{self.region}.{key}"
        if name not in self.services:
            self.service(key, types=("Gateway",))
        ep_id = self.new_id("vpce")
        pl_id = next(p.prefix_list_id for p in self.prefix_lists.values() if p.prefix_list_name == name)
        tables = tuple(route_tables)
        for rt in tables:
            self.route(rt, pl_id, ep_id)
        self.endpoints[ep_id] = r.VpcEndpoint(ep_id, vpc_id, self.account_id, "Gateway", name, None, state,
                                              tuple(sorted(tables)), (), (), False, None, None, None, policy, (), (),
                                              False, ())
        return ep_id

    def interface_endpoint(self, vpc_id: str, key: str, *, subnets: Iterable[str], groups: Iterable[str] = (),
                           private_dns: bool = True, policy: str | None = FULL_ACCESS_POLICY,
                           state: str = "available", service_name: str | None = None,
                           endpoint_type: str = "Interface", inbound_only: bool | None = None) -> str:
        name = service_name or f"com.amazonaws.{self.region}.{key}"
        if name not in self.services and service_name is None:
            self.service(key)
        ep_id = self.new_id("vpce")
        subnet_ids = tuple(sorted(subnets))
        enis = []
        for subnet_id in subnet_ids:
            eni_id = self.new_id("eni")
            enis.append(eni_id)
            self.enis[eni_id] = self._eni(eni_id, subnet_id, tuple(groups), "vpc_endpoint", requester_managed=True,
                                          description=f"VPC Endpoint Interface {ep_id}")
        self.endpoints[ep_id] = r.VpcEndpoint(
            ep_id, vpc_id, self.account_id, endpoint_type, name, None, state, (), subnet_ids, tuple(sorted(groups)),
            private_dns, "ipv4", inbound_only, "ipv4", policy,
            (r.DnsEntry(f"{ep_id}.{key}.{self.region}.vpce.amazonaws.com", "Z7HUB22UULQXV"),), tuple(sorted(enis)),
            False, ())
        return ep_id

    # -- security ------------------------------------------------------------------------------

    def security_group(self, vpc_id: str, *, name: str | None = None, ingress: Iterable[Rule] = (),
                       egress: Iterable[Rule] = (("-1", None, None, "0.0.0.0/0"),)) -> str:
        """A group; a rule source of ``"self"`` references the group itself."""
        sg_id = self.new_id("sg")
        rules = [self._sg_rule(sg_id, False, spec) for spec in ingress]
        rules += [self._sg_rule(sg_id, True, spec) for spec in egress]
        self.groups[sg_id] = r.SecurityGroup(sg_id, name or sg_id, vpc_id, self.account_id, name or "", tuple(rules),
                                             ())
        return sg_id

    def authorize(self, sg_id: str, *, ingress: Iterable[Rule] = (), egress: Iterable[Rule] = ()) -> None:
        """Add rules to an existing group (AuthorizeSecurityGroupIngress / Egress): the way to build
        two groups that reference each other, which ``security_group()`` alone cannot."""
        group = self.groups[sg_id]
        added = [self._sg_rule(sg_id, False, spec) for spec in ingress]
        added += [self._sg_rule(sg_id, True, spec) for spec in egress]
        self.groups[sg_id] = replace(group, rules=(*group.rules, *added))

    def default_group(self, vpc_id: str) -> str:
        return next(g.group_id for g in self.groups.values() if g.vpc_id == vpc_id and g.group_name == "default")

    def _sg_rule(self, sg_id: str, egress: bool, spec: Rule) -> r.SecurityGroupRule:
        protocol, low, high, source = spec
        source = sg_id if source == "self" else source
        return r.SecurityGroupRule(
            self.new_id("sgr"), sg_id, egress, protocol, low, high,
            source if _is_cidr(source) and ":" not in source else None,
            source if _is_cidr(source) and ":" in source else None,
            source if source.startswith("pl-") else None, source if source.startswith("sg-") else None, None)

    def nacl(self, vpc_id: str, *, subnets: Iterable[str], entries: Iterable[r.NaclEntry]) -> str:
        """A custom NACL; entries are used as given (add the '*' deny yourself if you care)."""
        acl_id = self.new_id("acl")
        subnet_ids = tuple(sorted(subnets))
        for other_id, other in list(self.nacls.items()):
            if set(other.subnet_ids) & set(subnet_ids):
                kept = tuple(s for s in other.subnet_ids if s not in subnet_ids)
                self.nacls[other_id] = replace(other, subnet_ids=kept)
        self.nacls[acl_id] = r.NetworkAcl(acl_id, vpc_id, self.account_id, False, tuple(entries), subnet_ids, ())
        return acl_id

    # -- workloads, logs, DNS ---------------------------------------------------------------------

    def workload(self, subnet_id: str, *, groups: Iterable[str] | None = None, interface_type: str = "interface",
                 requester_managed: bool = False, description: str = "", requester_id: str | None = None) -> str:
        eni_id = self.new_id("eni")
        vpc_id = self.subnets[subnet_id].vpc_id
        chosen = tuple(groups) if groups is not None else (self.default_group(vpc_id),)
        self.enis[eni_id] = self._eni(eni_id, subnet_id, chosen, interface_type, requester_managed, description,
                                      requester_id)
        return eni_id

    def _eni(self, eni_id: str, subnet_id: str, groups: tuple[str, ...], interface_type: str,
             requester_managed: bool, description: str, requester_id: str | None = None) -> r.NetworkInterface:
        subnet = self.subnets[subnet_id]
        base = (subnet.cidr_block or "10.0.0.0/24").split("/")[0].rsplit(".", 1)[0]
        ip = f"{base}.{10 + len(self.enis)}"
        return r.NetworkInterface(eni_id, interface_type, requester_managed, requester_id, description, subnet.vpc_id,
                                  subnet_id, subnet.availability_zone, subnet.availability_zone_id,
                                  tuple(sorted(groups)), (ip,), (), "in-use", None, (), public_ip_addresses=(),
                                  source_dest_check=True)  # EC2's default for every interface

    def tgw_attachment(self, vpc_id: str, tgw_id: str, subnets: Iterable[str]) -> str:
        """A transit gateway VPC attachment: one requester-managed ENI per attachment subnet."""
        attachment = self.new_id("tgw-attach")
        for subnet_id in subnets:
            eni_id = self.new_id("eni")
            self.enis[eni_id] = self._eni(eni_id, subnet_id, (), "transit_gateway", True,
                                          f"Network Interface for Transit Gateway Attachment {attachment}")
        return attachment

    def flow_log(self, resource_id: str, *, status: str = "ACTIVE", deliver: str = "SUCCESS",
                 traffic_type: str = "ALL") -> str:
        """A flow log to CloudWatch Logs; ``traffic_type`` is ACCEPT, REJECT or ALL (what it records)."""
        fl_id = self.new_id("fl")
        self.flow_logs.append(r.FlowLog(fl_id, resource_id, status, deliver, traffic_type, "cloud-watch-logs"))
        return fl_id

    def hosted_zone(self, name: str, vpcs: Iterable[str], records: Iterable[r.RecordSet] = ()) -> str:
        zone_id = f"Z{next(self._ids):06d}"
        self.zones.append(r.HostedZone(zone_id, name.rstrip(".").lower(),
                                       tuple(r.VpcAssociation(v, self.region) for v in vpcs), tuple(records), True))
        return zone_id

    def resolver_rule(self, vpc_id: str, domain: str, rule_type: str = "FORWARD", *,
                      targets: Iterable[str] | None = None) -> str:
        """A rule associated with ``vpc_id``; ``targets``: its TargetIps (IPv4 or IPv6, port 53) — None,
        as a snapshot written before targets were recorded."""
        rule_id = self.new_id("rslvr-rr")
        target_ips = None if targets is None else tuple(
            r.ResolverTarget(ipv6=t, port=53) if ":" in t else r.ResolverTarget(ip=t, port=53) for t in targets)
        self.resolver_rules.append(r.ResolverRuleAssociation(rule_id, vpc_id, domain.rstrip(".").lower(), rule_type,
                                                             "COMPLETE", target_ips))
        return rule_id

    def redshift_cluster(self, identifier: str, vpc_id: str, *, enhanced_vpc_routing: bool,
                         groups: Iterable[str] = (), nodes: Iterable[str] = ()) -> None:
        """A Redshift cluster as DescribeClusters reports it; ``nodes``: its nodes' interfaces (ENI ids),
        whose private addresses become its ``ClusterNodes``."""
        ips = tuple(self.enis[eni].private_ip_addresses[0] for eni in nodes)
        self.redshift_clusters.append(r.RedshiftCluster(identifier, vpc_id, enhanced_vpc_routing,
                                                        tuple(sorted(groups)), ips))

    def memorydb_cluster(self, name: str, subnets: Iterable[str], *, groups: Iterable[str] = (),
                         subnet_group: str | None = None) -> None:
        """A MemoryDB cluster as DescribeClusters reports it, joined with its subnet group as
        DescribeSubnetGroups does: ``subnets`` (of one VPC) are the group's, ``subnet_group`` its name
        (the cluster's name unless given)."""
        subnet_ids = tuple(sorted(subnets))
        vpc_id = self.subnets[subnet_ids[0]].vpc_id if subnet_ids else ""
        self.memorydb_clusters.append(r.MemoryDBCluster(name, subnet_group or name, vpc_id, subnet_ids,
                                                        tuple(sorted(groups))))
    def db_instance(self, identifier: str, engine: str, vpc_id: str, *, subnets: Iterable[str],
                    groups: Iterable[str]) -> None:
        """A DB instance as DescribeDBInstances reports it: its ``Engine``, its DB subnet group's VPC
        and subnets, its VPC security groups."""
        self.db_instances.append(r.DBInstance(identifier, engine, vpc_id, tuple(sorted(subnets)),
                                              tuple(sorted(groups))))
    def datasync_task(self, task_id: str, *, source: Iterable[str] = (), destination: Iterable[str] = (),
                      status: str = "AVAILABLE") -> str:
        """A DataSync task as DescribeTask reports it (botocore's ``DescribeTaskResponse``): ``source``
        and ``destination``, the interfaces (ENI ids) DataSync created for each location, become
        ``Source``/``DestinationNetworkInterfaceArns``. Returns the task's ARN."""
        arn = f"arn:aws:datasync:{self.region}:{self.account_id}:task/{task_id}"

        def arns(enis: Iterable[str]) -> list[str]:
            return [f"arn:aws:ec2:{self.region}:{self.account_id}:network-interface/{eni}" for eni in enis]

        self.datasync_tasks.append(r.DataSyncTask.from_api({
            "TaskArn": arn, "Status": status, "SourceNetworkInterfaceArns": arns(source),
            "DestinationNetworkInterfaceArns": arns(destination)}))
        return arn

    def mq_broker(self, broker_id: str, *, subnets: Iterable[str], groups: Iterable[str], instances: Iterable[str] = (),
                  engine: str = "ACTIVEMQ", deployment: str = "ACTIVE_STANDBY_MULTI_AZ",
                  name: str | None = None) -> dict[str, Any]:
        """An Amazon MQ broker as DescribeBroker answers (botocore's mq model), read through
        ``MqBroker.from_api``; ``instances``: its instances' interfaces (ENI ids), whose private
        addresses become ``BrokerInstances[].IpAddress`` (none for RabbitMQ: "Does not apply to
        RabbitMQ brokers"). Returns the answer."""
        def instance(n: int, eni: str) -> dict[str, Any]:
            host = f"{broker_id}-{n}.mq.{self.region}.amazonaws.com"
            if engine != "ACTIVEMQ":
                return {"ConsoleURL": f"https://{host}", "Endpoints": [f"amqps://{host}:5671"]}
            return {"ConsoleURL": f"https://{host}:8162", "Endpoints": [f"ssl://{host}:61617", f"amqp+ssl://{host}:5671"],
                    "IpAddress": self.enis[eni].private_ip_addresses[0]}

        answer: dict[str, Any] = {
            "BrokerArn": f"arn:aws:mq:{self.region}:{self.account_id}:broker:{name or broker_id}:{broker_id}",
            "BrokerId": broker_id, "BrokerName": name or broker_id, "BrokerState": "RUNNING", "EngineType": engine,
            "DeploymentMode": deployment, "PubliclyAccessible": False, "SubnetIds": list(subnets),
            "SecurityGroups": list(groups),
            "BrokerInstances": [instance(n, eni) for n, eni in enumerate(instances, start=1)]}
        self.mq_brokers.append(r.MqBroker.from_api(answer))
        return answer

    def firehose_stream(self, name: str, subnets: Iterable[str], groups: Iterable[str]) -> None:
        """A Firehose stream delivering into a VPC as DescribeDeliveryStream reports it: one OpenSearch
        Service destination whose VPC configuration names ``subnets`` (of one VPC) and ``groups``."""
        subnets = tuple(sorted(subnets))
        role = f"arn:aws:iam::{self.account_id}:role/{name}-delivery"
        configuration = r.FirehoseVpcConfiguration(self.subnets[subnets[0]].vpc_id, subnets, tuple(sorted(groups)),
                                                   role)
        self.firehose_streams.append(r.FirehoseStream(name, (configuration,)))

    def zone(self, az: int, zone_type: str = "availability-zone", *, border_group: str | None = None,
             parent: int | None = None) -> None:
        """Record zone ``az`` of the builder's zones as DescribeAvailabilityZones reports it: its type,
        its network border group (an AZ's is the Region's) and, for a Local or Wavelength Zone, the
        zone ``parent`` as its parent."""
        name, zone_id = self.azs[az - 1]
        parent_name, parent_id = self.azs[parent - 1] if parent else (None, None)
        opt_in = "opt-in-not-required" if zone_type == "availability-zone" else "opted-in"
        self.availability_zones.append(r.AvailabilityZone(
            name, zone_id, zone_type, border_group or (self.region if zone_type == "availability-zone" else None),
            parent_id, parent_name, opt_in))

    def metric(self, resource_id: str, namespace: str, metric: str, total: float, days: int = 14) -> None:
        self.metrics.append(r.ResourceMetric(resource_id, namespace, metric, total, days, days))

    def bucket_policy(self, bucket: str, policy: str | None, *, region: str | None = None) -> None:
        """An S3 bucket's policy (account-wide part; ``snapshot()`` then marks bucket policies collected)."""
        self.bucket_policies.append(r.BucketPolicy(bucket, region or self.region, policy))

    # -- freezing -------------------------------------------------------------------------------

    def region_snapshot(self, *, missing: Mapping[Part, State] | Iterable[Part] = ()) -> RegionSnapshot:
        """Every non-opt-in part ``ok`` (plus metrics if any were added) except ``missing``."""
        states = dict(missing) if isinstance(missing, Mapping) else {p: State.DENIED for p in missing}
        parts = [p for p in Part if not p.opt_in or (p is Part.METRICS and self.metrics)]
        status = tuple(ScopeStatus(p, states.get(p, State.OK),
                                   "AccessDenied" if states.get(p) is State.DENIED else None)
                       for p in parts)
        return RegionSnapshot(
            region=self.region, status=status, vpcs=tuple(self.vpcs.values()), dhcp_options=tuple(self.dhcp.values()),
            subnets=tuple(self.subnets.values()), route_tables=tuple(self.route_tables.values()),
            internet_gateways=tuple(self.igws.values()), nat_gateways=tuple(self.nats.values()),
            vpc_endpoints=tuple(self.endpoints.values()), endpoint_services=tuple(self.services.values()),
            prefix_lists=tuple(self.prefix_lists.values()), security_groups=tuple(self.groups.values()),
            network_acls=tuple(self.nacls.values()), network_interfaces=tuple(self.enis.values()),
            flow_logs=tuple(self.flow_logs), hosted_zones=tuple(self.zones),
            resolver_rules=tuple(self.resolver_rules), block_public_access=self.block_public_access,
            metrics=tuple(self.metrics), redshift_clusters=tuple(self.redshift_clusters),
            memorydb_clusters=tuple(self.memorydb_clusters), db_instances=tuple(self.db_instances),
            datasync_tasks=tuple(self.datasync_tasks), mq_brokers=tuple(self.mq_brokers),
            firehose_streams=tuple(self.firehose_streams), availability_zones=tuple(self.availability_zones))

    def snapshot(self, *, missing: Mapping[Part, State] | Iterable[Part] = ()) -> Snapshot:
        region = self.region_snapshot(missing=missing)
        account_status = (ScopeStatus(Part.BUCKET_POLICIES, State.OK),) if self.bucket_policies else ()
        account = AccountSnapshot(self.account_id, (region,), account_status, tuple(self.bucket_policies))
        return Snapshot(SCHEMA_VERSION, "test", "2026-01-01T00:00:00Z", (account,))

    def view(self, *, missing: Mapping[Part, State] | Iterable[Part] = ()) -> NetworkView:
        snap = self.snapshot(missing=missing)
        return NetworkView.build(snap.accounts[0], snap.accounts[0].regions[0])


def multi_account_snapshot(*builders: RegionBuilder) -> Snapshot:
    """One snapshot of several accounts (e.g. a VPC owner and a participant of a shared VPC)."""
    accounts = tuple(b.snapshot().accounts[0] for b in builders)
    return replace(builders[0].snapshot(), accounts=accounts)


def _az_prefix(region: str) -> str:
    parts = region.split("-")
    return f"{parts[0][:2]}{''.join(p[0] for p in parts[1:-1])}{parts[-1]}"


def _tags(name: str | None) -> tuple[r.Tag, ...]:
    return (r.Tag("Name", name),) if name else ()


def _is_cidr(value: str) -> bool:
    return "/" in value


def _kind_of(target: str) -> str:
    prefixes = {"igw-": "igw", "nat-": "nat", "vpce-": "vpce", "tgw-": "tgw", "pcx-": "pcx", "vgw-": "vgw",
                "eigw-": "eigw", "eni-": "eni", "i-": "instance", "cagw-": "carrier", "lgw-": "lgw",
                "arn:aws:networkmanager": "cloudwan"}
    if target == "local":
        return "local"
    return next((k for p, k in prefixes.items() if target.startswith(p)), "unknown")


def _allow_all_entries() -> tuple[r.NaclEntry, ...]:
    return (r.NaclEntry(100, False, "-1", "allow", "0.0.0.0/0", None, None, None),
            r.NaclEntry(32767, False, "-1", "deny", "0.0.0.0/0", None, None, None),
            r.NaclEntry(100, True, "-1", "allow", "0.0.0.0/0", None, None, None),
            r.NaclEntry(32767, True, "-1", "deny", "0.0.0.0/0", None, None, None))


def nacl_entry(number: int, action: str, cidr: str, *, egress: bool = False, protocol: str = "6",
               ports: tuple[int, int] | None = None) -> r.NaclEntry:
    """An entry as DescribeNetworkAcls returns it: an IPv6 CIDR goes in ``Ipv6CidrBlock``."""
    low, high = ports if ports else (None, None)
    v6 = ":" in cidr
    return r.NaclEntry(number, egress, protocol, action, None if v6 else cidr, cidr if v6 else None, low, high)


def standard_vpc(b: RegionBuilder, *, azs: int = 3, cidr: str = "10.0.0.0/16", nat_per_az: bool = True,
                 name: str = "prod") -> dict[str, list[str] | str]:
    """A typical VPC: per AZ a public subnet (IGW) and a private subnet (NAT), with workloads.

    Returns ids by role: vpc, igw, public, private, nat, private_rt (lists per AZ index order).
    """
    vpc = b.vpc(cidr, name=name)
    igw = b.igw(vpc)
    base = cidr.split(".")[:2]
    public, private, nats, private_rts = [], [], [], []
    public_rt = b.route_table(vpc, routes={"0.0.0.0/0": igw}, name=f"{name}-public")
    for i in range(1, azs + 1):
        pub = b.subnet(vpc, f"{base[0]}.{base[1]}.{i}.0/24", az=i, name=f"{name}-public-{i}")
        b.associate(public_rt, pub)
        public.append(pub)
        priv = b.subnet(vpc, f"{base[0]}.{base[1]}.{100 + i}.0/24", az=i, name=f"{name}-private-{i}")
        private.append(priv)
        if nat_per_az or not nats:
            nats.append(b.nat(pub))
        rt = b.route_table(vpc, subnets=[priv], routes={"0.0.0.0/0": nats[-1]}, name=f"{name}-private-{i}")
        private_rts.append(rt)
        b.workload(priv)
    return {"vpc": vpc, "igw": igw, "public": public, "private": private, "nat": nats, "private_rt": private_rts,
            "public_rt": public_rt}
