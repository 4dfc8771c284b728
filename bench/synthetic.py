"""Synthetic snapshots shaped like a real collection, for benchmarks and equivalence tests.

``estate(accounts, regions, vpcs, seed=…)`` builds N accounts × R Regions × V VPCs the way
``vpcaudit collect`` records them: records with AWS-shaped ids (17 hex digits), the default
VPC of every Region (public default subnets, main route table to the IGW, idle), a Region's
whole endpoint-service catalogue (about 250 services, as DescribeVpcEndpointServices lists
them), AWS-managed prefix lists, and per VPC: subnets in three tiers over 3 AZs, an internet
gateway, NAT gateways (one per AZ, a single shared one, or none), route tables with S3 and
DynamoDB gateway-endpoint routes, interface endpoints with their own ENIs (``vpc_endpoint``),
security groups with rule ids, NACLs, workload ENIs (instances, Lambda), flow logs, private
hosted zones (some naming AWS service hostnames, as centralized-endpoint designs do) and
Resolver rules. Choices that make rules fire (a missing S3 route, a single NAT, private DNS off,
a world-open endpoint group…) are drawn from a seeded random generator, so the same arguments
always give the same snapshot — and the same audit result.

Generation is per (account, Region) from its own seed, so ``regions_of`` can stream one Region
at a time and a large estate never has to exist twice in memory.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import (
    SCHEMA_VERSION,
    AccountSnapshot,
    Part,
    RegionSnapshot,
    ScopeStatus,
    Snapshot,
    State,
    normalised,
)

# The Regions enabled by default in every account (no opt-in needed).
DEFAULT_REGIONS = (
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "eu-central-1", "eu-west-1", "eu-west-2",
    "eu-west-3", "eu-north-1", "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "ap-southeast-1", "ap-southeast-2", "sa-east-1",
)
TAKEN_AT = "2026-01-01T00:00:00Z"
FULL_ACCESS = json.dumps({"Version": "2008-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]})
ORG_SCOPED = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
     "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}]})
# Interface-endpoint services a landing zone typically deploys, in bundles.
ENDPOINT_BUNDLES = (("ssm", "ssmmessages", "ec2messages"), ("logs",), ("kms",), ("sts",), ("ecr.api", "ecr.dkr"),
                    ("secretsmanager",), ("monitoring",), ("sqs",))
# Well-known service keys of the catalogue; the rest of a Region's catalogue is filled with
# numbered keys so the catalogue has the size of a real one.
KNOWN_SERVICES = tuple(sorted({k for bundle in ENDPOINT_BUNDLES for k in bundle} | {
    "access-analyzer", "acm-pca", "athena", "autoscaling", "backup", "batch", "cloudformation", "cloudtrail",
    "codebuild", "codecommit", "codedeploy", "codepipeline", "config", "dms", "ebs", "ec2", "ecs", "ecs-agent",
    "ecs-telemetry", "eks", "elasticache", "elasticfilesystem", "elasticloadbalancing", "email-smtp", "events",
    "execute-api", "glue", "kinesis-firehose", "kinesis-streams", "lambda", "rds", "rds-data", "redshift",
    "sagemaker.api", "sagemaker.runtime", "servicecatalog", "sns", "states", "storagegateway", "transfer", "xray"}))
NO_POLICY_SERVICES = frozenset({"cloudformation", "ssmmessages", "ec2messages"})
PARTS = tuple(p for p in Part if not p.opt_in)


@dataclass(frozen=True)
class Shape:
    """What one estate looks like; every field has the benchmarks' default."""

    accounts: int = 1
    regions: int = 1
    vpcs: int = 3  # workload VPCs per (account, Region), besides the default VPC
    services: int = 250  # endpoint services in each Region's catalogue
    workloads_per_subnet: int = 3
    default_vpc: bool = True
    seed: int = 7
    region_names: tuple[str, ...] = field(default=DEFAULT_REGIONS)

    def account_ids(self) -> list[str]:
        return [f"{100000000000 + 7919 * i:012d}" for i in range(self.accounts)]

    def region_list(self) -> list[str]:
        names = list(self.region_names)
        while len(names) < self.regions:  # more than the defaults: opt-in style names, still valid
            names.append(f"xx-synth-{len(names) + 1}")
        return sorted(names[:self.regions])


def estate(accounts: int = 1, regions: int = 1, vpcs: int = 3, **options: object) -> Snapshot:
    """A whole snapshot in memory (use :func:`regions_of` to stream a large one)."""
    shape = Shape(accounts=accounts, regions=regions, vpcs=vpcs, **options)  # type: ignore[arg-type]
    return snapshot_of(shape)


def snapshot_of(shape: Shape) -> Snapshot:
    by_account: dict[str, list[RegionSnapshot]] = {}
    for account_id, region in regions_of(shape):
        by_account.setdefault(account_id, []).append(region)
    accounts = tuple(AccountSnapshot(a, tuple(regs)) for a, regs in by_account.items())
    return normalised(Snapshot(SCHEMA_VERSION, "synthetic", TAKEN_AT, accounts, options(shape)))


def options(shape: Shape) -> dict[str, object]:
    """The snapshot's ``options``, as a collection of every default part records them."""
    return {"parts": sorted(p.value for p in PARTS), "regions": shape.region_list()}


def regions_of(shape: Shape) -> Iterator[tuple[str, RegionSnapshot]]:
    """(account id, Region) pairs in snapshot order, each generated from its own seed."""
    for index, account_id in enumerate(shape.account_ids()):
        for region in shape.region_list():
            yield account_id, _RegionGenerator(shape, index, account_id, region).build()


class _Ids:
    """AWS-shaped ids (``vpc-`` + 17 hex digits) drawn from the Region's generator."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def __call__(self, prefix: str) -> str:
        return f"{prefix}-{self._rng.getrandbits(68):017x}"


def _seed(*parts: object) -> int:
    return int.from_bytes(hashlib.sha256("|".join(map(str, parts)).encode()).digest()[:8], "big")


def _az_prefix(region: str) -> str:
    parts = region.split("-")
    return f"{parts[0][:2]}{''.join(p[0] for p in parts[1:-1])}{parts[-1]}"


def _tags(**values: str) -> tuple[r.Tag, ...]:
    return tuple(sorted((r.Tag(k, v) for k, v in values.items()), key=lambda t: (t.key, t.value)))


def _allow_all() -> tuple[r.NaclEntry, ...]:
    entries = [r.NaclEntry(100, egress, "-1", "allow", "0.0.0.0/0", None, None, None) for egress in (False, True)]
    entries += [r.NaclEntry(32767, egress, "-1", "deny", "0.0.0.0/0", None, None, None) for egress in (False, True)]
    return tuple(sorted(entries, key=lambda e: (e.egress, e.rule_number, e.cidr_block or "", e.ipv6_cidr_block or "")))


class _RegionGenerator:
    """Everything one account holds in one Region."""

    def __init__(self, shape: Shape, account_index: int, account_id: str, region: str) -> None:
        self.shape = shape
        self.account_id = account_id
        self.region = region
        self.rng = random.Random(_seed(shape.seed, account_id, region))
        self.new_id = _Ids(self.rng)
        # AZ names map to different AZ ids in each account, as in AWS.
        prefix = _az_prefix(region)
        rotation = account_index % 3
        self.azs = [(f"{region}{'abc'[i]}", f"{prefix}-az{(i + rotation) % 3 + 1}") for i in range(3)]
        self.vpcs: list[r.Vpc] = []
        self.subnets: list[r.Subnet] = []
        self.route_tables: list[r.RouteTable] = []
        self.igws: list[r.InternetGateway] = []
        self.nats: list[r.NatGateway] = []
        self.endpoints: list[r.VpcEndpoint] = []
        self.groups: list[r.SecurityGroup] = []
        self.nacls: list[r.NetworkAcl] = []
        self.enis: list[r.NetworkInterface] = []
        self.flow_logs: list[r.FlowLog] = []
        self.zones: list[r.HostedZone] = []
        self.resolver_rules: list[r.ResolverRuleAssociation] = []
        self._addresses_used: dict[str, int] = {}
        self.prefix_lists = self._prefix_lists()
        self.services = self._services()
        self.dhcp = r.DhcpOptions(self.new_id("dopt"), ("AmazonProvidedDNS",), self._domain_name(), ())

    def build(self) -> RegionSnapshot:
        if self.shape.default_vpc:
            self._default_vpc()
        for index in range(self.shape.vpcs):
            self._workload_vpc(index)
        self._hosted_zones()
        return RegionSnapshot(
            region=self.region, status=tuple(ScopeStatus(p, State.OK) for p in PARTS), vpcs=tuple(self.vpcs),
            dhcp_options=(self.dhcp,), subnets=tuple(self.subnets), route_tables=tuple(self.route_tables),
            internet_gateways=tuple(self.igws), nat_gateways=tuple(self.nats), vpc_endpoints=tuple(self.endpoints),
            endpoint_services=self.services, prefix_lists=self.prefix_lists, security_groups=tuple(self.groups),
            network_acls=tuple(self.nacls), network_interfaces=tuple(self.enis), flow_logs=tuple(self.flow_logs),
            hosted_zones=tuple(self.zones), resolver_rules=tuple(self.resolver_rules),
            block_public_access=r.BlockPublicAccess("off", (), ()))

    # -- Region-wide ------------------------------------------------------------------------------

    def _domain_name(self) -> str:
        return "ec2.internal" if self.region == "us-east-1" else f"{self.region}.compute.internal"

    def _prefix_lists(self) -> tuple[r.PrefixList, ...]:
        # Prefix-list ids and CIDRs are the Region's, the same in every account.
        rng = random.Random(_seed(self.shape.seed, "prefix-lists", self.region))
        lists = []
        for key, count in (("s3", 6), ("dynamodb", 3), ("s3express", 2)):
            cidrs = tuple(sorted({f"{rng.randrange(3, 54)}.{rng.randrange(256)}.{rng.randrange(0, 256, 4)}.0/22"
                                  for _ in range(count)}))
            lists.append(r.PrefixList(f"pl-{rng.getrandbits(32):08x}", f"com.amazonaws.{self.region}.{key}", "AWS",
                                      "IPv4", cidrs))
        origin = tuple(sorted({f"{rng.randrange(13, 205)}.{rng.randrange(256)}.{rng.randrange(0, 256, 64)}.0/26"
                               for _ in range(55)}))
        lists.append(r.PrefixList(f"pl-{rng.getrandbits(32):08x}", "com.amazonaws.global.cloudfront.origin-facing",
                                  "AWS", "IPv4", origin))
        return tuple(lists)

    def _services(self) -> tuple[r.EndpointService, ...]:
        keys = list(KNOWN_SERVICES)
        keys += [f"service-{n:03d}" for n in range(max(0, self.shape.services - len(keys)))]
        names = tuple(name for name, _ in self.azs)
        out = []
        for key in keys[:self.shape.services]:
            types = ("Gateway", "Interface") if key in ("s3", "dynamodb") else ("Interface",)
            dns = () if key == "dynamodb" else (f"{key}.{self.region}.amazonaws.com",)
            if key == "ecr.dkr":
                dns = (f"*.dkr.ecr.{self.region}.amazonaws.com",)
            elif key == "ecr.api":
                dns = (f"api.ecr.{self.region}.amazonaws.com",)
            out.append(r.EndpointService(
                f"com.amazonaws.{self.region}.{key}", f"vpce-svc-{_seed(self.region, key) % 16**17:017x}", "amazon",
                types, None, names, (), dns, (f"{key}.{self.region}.vpce.amazonaws.com",),
                key not in NO_POLICY_SERVICES, ("ipv4",)))
        return tuple(out)

    # -- VPCs -------------------------------------------------------------------------------------

    def _vpc(self, cidr: str, name: str | None, *, is_default: bool = False, hostnames: bool = True) -> r.Vpc:
        vpc = r.Vpc(self.new_id("vpc"), self.account_id, (cidr,), (), is_default, self.dhcp.dhcp_options_id,
                    "available", _tags(Name=name) if name else (), True, hostnames)
        self.vpcs.append(vpc)
        self.nacls.append(r.NetworkAcl(self.new_id("acl"), vpc.vpc_id, self.account_id, True, _allow_all(), (), ()))
        return vpc

    def _subnet(self, vpc: r.Vpc, cidr: str, az: int, name: str | None, *, public_ip: bool = False) -> r.Subnet:
        az_name, az_id = self.azs[az]
        subnet = r.Subnet(self.new_id("subnet"), vpc.vpc_id, self.account_id, az_name, az_id, cidr, (), False,
                          public_ip, _tags(Name=name) if name else ())
        self.subnets.append(subnet)
        return subnet

    def _table(self, vpc: r.Vpc, routes: list[r.Route], subnets: list[r.Subnet], *, main: bool = False,
               name: str | None = None) -> r.RouteTable:
        local = [r.Route(c, "ipv4", "local", "local", "active", "CreateRouteTable") for c in vpc.cidr_blocks]
        assocs = [r.RouteTableAssociation(self.new_id("rtbassoc"), False, s.subnet_id, None, "associated")
                  for s in subnets]
        if main:
            assocs.insert(0, r.RouteTableAssociation(self.new_id("rtbassoc"), True, None, None, "associated"))
        table = r.RouteTable(self.new_id("rtb"), vpc.vpc_id, self.account_id, (*local, *routes), tuple(assocs), (),
                             _tags(Name=name) if name else ())
        self.route_tables.append(table)
        return table

    def _group(self, vpc: r.Vpc, name: str, ingress: list[tuple[str, int | None, int | None, str]],
               egress: list[tuple[str, int | None, int | None, str]] | None = None) -> r.SecurityGroup:
        group_id = self.new_id("sg")
        rules = [self._rule(group_id, False, spec) for spec in ingress]
        rules += [self._rule(group_id, True, spec) for spec in egress or [("-1", None, None, "0.0.0.0/0")]]
        group = r.SecurityGroup(group_id, name, vpc.vpc_id, self.account_id, f"{name} group",
                                tuple(sorted(rules, key=lambda x: (x.is_egress, x.rule_id))), ())
        self.groups.append(group)
        return group

    def _rule(self, group_id: str, egress: bool, spec: tuple[str, int | None, int | None, str]) -> r.SecurityGroupRule:
        protocol, low, high, source = spec
        source = group_id if source == "self" else source
        return r.SecurityGroupRule(self.new_id("sgr"), group_id, egress, protocol, low, high,
                                   source if "/" in source else None, None, None,
                                   source if source.startswith("sg-") else None, None)

    def _eni(self, subnet: r.Subnet, groups: tuple[str, ...], kind: str, *, managed: bool = False,
             description: str = "", instance: bool = False) -> r.NetworkInterface:
        used = self._addresses_used[subnet.subnet_id] = self._addresses_used.get(subnet.subnet_id, 0) + 1
        address = str(ipaddress.ip_network(subnet.cidr_block or "10.0.0.0/24").network_address + 3 + used)
        eni = r.NetworkInterface(
            self.new_id("eni"), kind, managed, "amazon-elb" if managed else None, description, subnet.vpc_id,
            subnet.subnet_id, subnet.availability_zone, subnet.availability_zone_id, tuple(sorted(groups)),
            (address,), (), "in-use", self.new_id("i") if instance else None, ())
        self.enis.append(eni)
        return eni

    def _default_vpc(self) -> None:
        """The Region's default VPC as AWS creates it: public default subnets, nothing running."""
        vpc = self._vpc("172.31.0.0/16", None, is_default=True)
        igw = r.InternetGateway(self.new_id("igw"), "igw", self.account_id, (vpc.vpc_id,), ())
        self.igws.append(igw)
        subnets = [self._subnet(vpc, f"172.31.{16 * i}.0/20", i, None, public_ip=True) for i in range(3)]
        self._table(vpc, [r.Route("0.0.0.0/0", "ipv4", "igw", igw.gateway_id, "active", "CreateRoute")], [],
                    main=True)
        self._group(vpc, "default", [("-1", None, None, "self")])
        self.nacls[-1] = r.NetworkAcl(self.nacls[-1].network_acl_id, vpc.vpc_id, self.account_id, True, _allow_all(),
                                      tuple(sorted(s.subnet_id for s in subnets)), ())

    def _workload_vpc(self, index: int) -> None:
        rng = self.rng
        second = (self.shape.region_list().index(self.region) * 16 + index) % 256
        base = f"10.{second}"
        name = f"{['prod', 'stage', 'dev', 'shared'][index % 4]}-{index}"
        vpc = self._vpc(f"{base}.0.0/16", name, hostnames=rng.random() > 0.05)
        self._group(vpc, "default", [("-1", None, None, "self")])
        igw = r.InternetGateway(self.new_id("igw"), "igw", self.account_id, (vpc.vpc_id,), ())
        self.igws.append(igw)
        public = [self._subnet(vpc, f"{base}.{i}.0/24", i, f"{name}-public-{i}", public_ip=True) for i in range(3)]
        private = [self._subnet(vpc, f"{base}.{16 + 16 * i}.0/20", i, f"{name}-private-{i}") for i in range(3)]
        data = [self._subnet(vpc, f"{base}.{100 + i}.0/24", i, f"{name}-data-{i}") for i in range(3)] \
            if rng.random() < 0.5 else []
        # Main table: local only (subnets that are not associated stay isolated).
        self._table(vpc, [], [], main=True)
        self._table(vpc, [r.Route("0.0.0.0/0", "ipv4", "igw", igw.gateway_id, "active", "CreateRoute")], public,
                    name=f"{name}-public")
        nats = self._nat_gateways(vpc, public)
        private_tables = []
        for i, subnet in enumerate(private):
            routes = []
            if nats:
                nat = nats[i % len(nats)]
                routes.append(r.Route("0.0.0.0/0", "ipv4", "nat", nat.nat_gateway_id, "active", "CreateRoute"))
            private_tables.append(self._table(vpc, routes, [subnet], name=f"{name}-private-{i}"))
        if data:
            private_tables.append(self._table(vpc, [], data, name=f"{name}-data"))
        self._gateway_endpoints(vpc, private_tables)
        app = self._group(vpc, f"{name}-app", [("tcp", 443, 443, f"{base}.0.0/16")])
        self._group(vpc, f"{name}-db", [("tcp", 5432, 5432, app.group_id)], [])
        for subnet in private:
            for n in range(self.shape.workloads_per_subnet):
                lam = n == 0 and rng.random() < 0.3
                self._eni(subnet, (app.group_id,), "lambda" if lam else "interface", managed=lam,
                          description="AWS Lambda VPC ENI" if lam else "", instance=not lam)
        self._interface_endpoints(vpc, private, app)
        if rng.random() < 0.8:
            self.flow_logs.append(r.FlowLog(self.new_id("fl"), vpc.vpc_id, "ACTIVE", "SUCCESS", "ALL",
                                            "cloud-watch-logs"))
        if rng.random() < 0.3:
            # Forwarded on premises through an outbound endpoint, with the targets ListResolverRules
            # gives (recorded since schema 1.2).
            targets = (r.ResolverTarget("192.168.0.2", "", 53), r.ResolverTarget("192.168.0.3", "", 53))
            rule_id = self.new_id("rslvr-rr")
            self.resolver_rules.append(r.ResolverRuleAssociation(
                rule_id, vpc.vpc_id, "onprem.example.com", "FORWARD", "COMPLETE", targets,
                rule_id.replace("rslvr-rr-", "rslvr-out-"), self.account_id))

    def _nat_gateways(self, vpc: r.Vpc, public: list[r.Subnet]) -> list[r.NatGateway]:
        """One per AZ (60 %), one shared by every AZ (30 %: cross-AZ routes), or none (10 %)."""
        draw = self.rng.random()
        where = public if draw < 0.6 else public[:1] if draw < 0.9 else []
        nats = []
        for subnet in where:
            eni = self._eni(subnet, (), "nat_gateway", managed=True, description="Interface for NAT Gateway")
            address = r.NatGatewayAddress(f"54.{self.rng.randrange(256)}.{self.rng.randrange(256)}.1",
                                          eni.private_ip_addresses[0], eni.network_interface_id,
                                          subnet.availability_zone, subnet.availability_zone_id)
            nat = r.NatGateway(self.new_id("nat"), vpc.vpc_id, subnet.subnet_id, "available", "public", "zonal", None,
                               (address,), ())
            self.nats.append(nat)
            nats.append(nat)
        return nats

    def _gateway_endpoints(self, vpc: r.Vpc, tables: list[r.RouteTable]) -> None:
        """S3 on every private table (70 %), on all but one (10 %: a missing route), or none; DynamoDB 40 %."""
        s3, dynamodb = self.prefix_lists[0], self.prefix_lists[1]
        draw = self.rng.random()
        chosen = {"s3": tables if draw < 0.7 else tables[1:] if draw < 0.8 else []}
        if self.rng.random() < 0.4:
            chosen["dynamodb"] = tables
        for key, routed in chosen.items():
            if not routed:
                continue
            pl = s3 if key == "s3" else dynamodb
            endpoint_id = self.new_id("vpce")
            ids = {t.route_table_id for t in routed}
            for i, table in enumerate(self.route_tables):
                if table.route_table_id in ids:
                    route = r.Route(pl.prefix_list_id, "prefix_list", "vpce", endpoint_id, "active", "CreateRoute")
                    self.route_tables[i] = r.RouteTable(table.route_table_id, table.vpc_id, table.owner_id,
                                                        (*table.routes, route), table.associations,
                                                        table.propagating_vgws, table.tags)
            self.endpoints.append(r.VpcEndpoint(
                endpoint_id, vpc.vpc_id, self.account_id, "Gateway", f"com.amazonaws.{self.region}.{key}", None,
                "available", tuple(sorted(ids)), (), (), False, None, None, None, FULL_ACCESS, (), (), False, ()))

    def _interface_endpoints(self, vpc: r.Vpc, private: list[r.Subnet], app: r.SecurityGroup) -> None:
        rng = self.rng
        cidr = vpc.cidr_blocks[0]
        draw = rng.random()
        ingress: list[tuple[str, int | None, int | None, str]] = [("tcp", 443, 443, cidr)]
        if draw < 0.1:
            ingress = [("tcp", 443, 443, "0.0.0.0/0")]
        elif draw < 0.2:
            ingress += [("tcp", 80, 80, cidr)]
        elif draw < 0.3:
            ingress = [("tcp", 443, 443, app.group_id)]
        group = self._group(vpc, f"{vpc.vpc_id}-endpoints", ingress)
        bundles = rng.sample(ENDPOINT_BUNDLES, rng.randrange(2, 6))
        subnets = private if rng.random() < 0.8 else private[:2]
        for key in sorted(k for bundle in bundles for k in bundle):
            endpoint_id = self.new_id("vpce")
            enis = [self._eni(s, (group.group_id,), "vpc_endpoint", managed=True,
                              description=f"VPC Endpoint Interface {endpoint_id}") for s in subnets]
            private_dns = rng.random() > 0.05
            dns = (r.DnsEntry(f"{endpoint_id}-{rng.getrandbits(32):08x}.{key}.{self.region}.vpce.amazonaws.com",
                              "Z7HUB22UULQXV"),)
            if private_dns:
                dns += (r.DnsEntry(f"{key}.{self.region}.amazonaws.com", "ZONEPRIVATE"),)
            self.endpoints.append(r.VpcEndpoint(
                endpoint_id, vpc.vpc_id, self.account_id, "Interface", f"com.amazonaws.{self.region}.{key}", None,
                "available", (), tuple(sorted(s.subnet_id for s in subnets)), (group.group_id,), private_dns, "ipv4",
                None, "ipv4", ORG_SCOPED if rng.random() < 0.3 else FULL_ACCESS, dns,
                tuple(sorted(e.network_interface_id for e in enis)), False, ()))

    def _hosted_zones(self) -> None:
        """A corporate zone on every workload VPC; sometimes a centralized-endpoint zone for a service name."""
        workload = [v.vpc_id for v in self.vpcs if not v.is_default]
        if not workload:
            return
        records = (r.RecordSet("corp.example.internal", "SOA", ("ns-1.awsdns-00.com.",), None),
                   r.RecordSet("db.corp.example.internal", "CNAME", ("db.cluster.internal",), None))
        self.zones.append(r.HostedZone(f"Z{self.rng.getrandbits(80):020X}", "corp.example.internal",
                                       tuple(r.VpcAssociation(v, self.region) for v in workload), records, True))
        if self.rng.random() < 0.2:
            name = f"sts.{self.region}.amazonaws.com"
            target = f"10.{self.rng.randrange(256)}.{self.rng.randrange(256)}.10"
            self.zones.append(r.HostedZone(
                f"Z{self.rng.getrandbits(80):020X}", name, (r.VpcAssociation(workload[-1], self.region),),
                (r.RecordSet(name, "A", (target,), None),), True))
