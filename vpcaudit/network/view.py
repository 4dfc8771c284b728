"""NetworkView: the shared definitions of docs/network-model.md, computed once per (account, region).

Rules never recompute routing, egress classes, workloads or service identities: they ask
this view. That is what keeps every rule consistent with each other and with the traffic paths
in the report (a subnet the path matrix calls "via NAT" is the same subnet GWE001 flags).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, TypeVar

from vpcaudit.network.routing import RouteIndex, parse_network
from vpcaudit.network.services import (
    NON_SERVICE_ENDPOINT_TYPES,
    REMOTE_CLIENT_SERVICES,
    ServiceInfo,
    ServicePorts,
    covers,
    dns_suffix,
    service_info,
)
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.bulk import slot_init
from vpcaudit.snapshot.model import AccountSnapshot, Part, RegionSnapshot, State

if TYPE_CHECKING:
    from vpcaudit.network.paths import TrafficPath

WORKLOAD_INTERFACE_TYPES = frozenset({"interface", "efa", "efa-only", "trunk", "branch", "lambda"})
TGW_INTERFACE_TYPE = "transit_gateway"  # a transit gateway attachment's interface in its subnet
# A Gateway Load Balancer endpoint's interface (AWS Network Firewall's endpoints are of this type).
GWLB_ENDPOINT_INTERFACE_TYPE = "gateway_load_balancer_endpoint"
ELB_REQUESTER_ID = "amazon-elb"  # RequesterId of the ENIs of Application and Classic Load Balancers
# An EFS mount target's interface as the EFS API reference documents it (CreateMountTarget: "The
# description Mount target fsmt-id for file system fs-id", "the requesterId value set to EFS").
EFS_REQUESTER_ID = "EFS"
_EFS_MOUNT_TARGET = re.compile(r"Mount target fsmt-[0-9a-f]+ for file system fs-[0-9a-f]+")
# An EKS cluster's control-plane interface: "Amazon EKS <cluster name>" (a name is letters, digits,
# hyphens and underscores), attached to no instance. Only that exact form: other interfaces EKS
# or its add-ons create (nodes' aws-K8S-…, branch interfaces, Fargate pods') are workloads.
_EKS_CONTROL_PLANE = re.compile(r"Amazon EKS [0-9A-Za-z][0-9A-Za-z_-]*")
# An OpenSearch Service domain's interface: "ES <domain name>" (3-28 characters, lower-case letters,
# digits and hyphens, starting with a letter), attached to no instance of the account.
_OPENSEARCH_DOMAIN = re.compile(r"ES [a-z][a-z0-9-]{2,27}")
# An Amazon MSK broker's interface, as MSK describes it: "DO NOT DELETE - Amazon MSK network
# interface for cluster <cluster ARN>" (with a closing full stop).
_MSK_BROKER = re.compile(r"DO NOT DELETE - Amazon MSK network interface for cluster arn:aws[a-z-]*:kafka:\S+\.?")
# The tags of the endpoint behind an Amazon MSK managed VPC connection (msk_connection_cluster).
MSK_MANAGED_TAG, MSK_CLUSTER_TAG = "AWSMSKManaged", "ClusterArn"
DMS_DESCRIPTION = "DMSNetworkInterface"
# An ElastiCache cache node's interface: "ElastiCache <cluster id>" (lower-case letters, digits
# and hyphens, starting with a letter).
_ELASTICACHE_NODE = re.compile(r"ElastiCache [a-z][a-z0-9-]*")
# The service access group Amazon EMR creates for clusters in private subnets, by its default name
# and the description EMR gives it ("Service access group for Elastic MapReduce created on <date>").
EMR_SERVICE_ACCESS_GROUP = "ElasticMapReduce-ServiceAccess"
EMR_SERVICE_ACCESS_DESCRIPTION = "Service access group for Elastic MapReduce"
# The only port an OpenSearch Service-managed VPC endpoint takes: "HTTPS is the only supported
# protocol for VPC endpoints. HTTP is not allowed."
OPENSEARCH_ENDPOINT_PORTS = (443,)
HTTPS = 443
# OpenSearch Serverless's VPC endpoints connect to a PrivateLink service of its own that publishes
# no port. The service writes a private hosted zone into the VPC with "a record to resolve the
# wildcard DNS record for OpenSearch Serverless collections ... to the interface addresses used for
# the VPC endpoint" (OpenSearch Service Developer Guide, "Access Amazon OpenSearch Serverless using
# an interface endpoint"): an endpoint a name under this domain aliases serves collections, which
# are reached over HTTPS (https://<collection id>.<region>.aoss.amazonaws.com).
OPENSEARCH_SERVERLESS_DOMAIN = "aoss"
OPENSEARCH_SERVERLESS_PORTS = (443,)
# A DB instance's network interface (RDS, Aurora), as DescribeNetworkInterfaces reports it:
# requester-managed by this RequesterId, with exactly this Description (is_db_instance).
RDS_REQUESTER_ID = "amazon-rds"
DB_INSTANCE_DESCRIPTION = "RDSNetworkInterface"
# The engine type (botocore's mq EngineType) of the Amazon MQ brokers that have network interfaces
# of their own in the VPC: "Does not apply to RabbitMQ brokers" (BrokerInstance.IpAddress), whose
# private brokers are reached through VPC endpoints Amazon MQ creates (NetworkView.mq_broker_of).
MQ_INTERFACE_ENGINE = "ACTIVEMQ"
# The AWS services (endpoint service keys) a DB engine is documented to call from its instance's
# network interface, all engines together: the interface does not say which engine it serves, so
# this is what it is a client of while its instance is unknown (NetworkView.db_instances_of). Each
# engine family's own services follow (DB_ENGINE_KINDS).
DB_INSTANCE_SERVICES = frozenset({
    "s3",  # aws_s3 (RDS/Aurora PostgreSQL), LOAD DATA FROM S3 / SELECT INTO OUTFILE S3 (Aurora MySQL),
           # aurora_analytics (Aurora PostgreSQL), the Neptune bulk loader
    "s3tables",  # aurora_analytics: Iceberg tables in S3 Tables
    "glue",  # aurora_analytics: tables of the AWS Glue Data Catalog
    "lambda",  # aws_lambda (RDS/Aurora PostgreSQL), lambda_sync / lambda_async (Aurora MySQL)
    "kms",  # database activity streams (Aurora MySQL)
    "logs",  # log export to CloudWatch Logs (Aurora MySQL, listed with the outbound services)
    "sagemaker.runtime", "comprehend", "bedrock-runtime",  # Aurora machine learning
    "sagemaker.api",  # Neptune ML starts SageMaker jobs and endpoints from the DB cluster
    "email-smtp",  # Database Mail through an Amazon SES SMTP endpoint (RDS for SQL Server)
})
# An Amazon Redshift cluster node's network interface, as DescribeNetworkInterfaces reports it
# (is_redshift_node), and the AWS services Redshift is documented to call from it, with enhanced
# VPC routing on ("Currently, Amazon Redshift supports VPC endpoints only for connecting to Amazon
# S3", and the features that name an interface endpoint of their own). With it off, none
# (INTERNET_ROUTED_REDSHIFT_NODE).
REDSHIFT_DESCRIPTION = "RedshiftNetworkInterface"
REDSHIFT_SERVICES = frozenset({
    "s3",  # COPY, UNLOAD, CREATE LIBRARY: https://docs.aws.amazon.com/redshift/latest/mgmt/enhanced-vpc-working-with-endpoints.html
    "dynamodb",  # COPY from a DynamoDB table
    "glue", "athena", "lakeformation",  # Spectrum's catalog: https://docs.aws.amazon.com/redshift/latest/mgmt/spectrum-enhanced-vpc.html
    "secretsmanager",  # federated queries: https://docs.aws.amazon.com/redshift/latest/dg/getting-started-federated.html
    "sagemaker.api",  # CREATE MODEL: https://docs.aws.amazon.com/redshift/latest/dg/r_create_model_usage_notes.html
    "kinesis-streams",  # streaming ingestion: https://docs.aws.amazon.com/redshift/latest/dg/materialized-view-streaming-ingestion-getting-started.html
})
# What each DB engine family calls from its instance's interface, by DescribeDBInstances' Engine
# (NetworkView.managed_kind_of); the sources are NetworkView.may_call's. Aurora machine learning:
AURORA_ML_SERVICES = frozenset({"sagemaker.runtime", "comprehend", "bedrock-runtime"})
AURORA_MYSQL_SERVICES = frozenset({
    "s3",  # LOAD DATA FROM S3 / SELECT INTO OUTFILE S3
    "lambda",  # lambda_sync / lambda_async
    "kms",  # database activity streams
    "logs",  # log export to CloudWatch Logs, listed with the outbound services
    *AURORA_ML_SERVICES,
})
AURORA_POSTGRESQL_SERVICES = frozenset({
    "s3",  # aws_s3, and aurora_analytics
    "s3tables", "glue",  # aurora_analytics: Iceberg tables in S3 Tables, the AWS Glue Data Catalog
    "lambda",  # aws_lambda
    "kms",  # database activity streams (the Aurora guide's prerequisites, for both Aurora engines)
    *AURORA_ML_SERVICES,
})
RDS_POSTGRESQL_SERVICES = frozenset({"s3", "lambda"})  # aws_s3, aws_lambda
# RDS for MySQL and RDS for MariaDB: none. Their chapters document no feature that calls an AWS
# service from the instance (restoring from S3, log export and storage encryption are RDS's own
# calls): assumed, none found.
RDS_MYSQL_SERVICES = RDS_MARIADB_SERVICES = frozenset[str]()
RDS_ORACLE_SERVICES = frozenset({
    "s3",  # the S3_INTEGRATION option: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/oracle-s3-integration.html
    # Database activity streams (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/DBActivityStreams.Overview.html):
    # the RDS guide names no network prerequisite; assumed to need KMS as Aurora's streams do.
    "kms",
    # UTL_MAIL sends through the SMTP server it is given, which may be Amazon SES's: assumed.
    "email-smtp",
})
RDS_SQLSERVER_SERVICES = frozenset({
    "s3",  # S3 integration and native backup and restore: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/User.SQLServer.Options.S3-integration.html
    "email-smtp",  # Database Mail through an Amazon SES SMTP endpoint
    "kms",  # database activity streams, assumed as for Oracle
})
NEPTUNE_SERVICES = frozenset({
    "s3",  # the bulk loader: "The Neptune loader requires a VPC endpoint of type Gateway for Amazon S3"
    # The bulk loader with chained roles: "The Neptune loader requires a VPC endpoint for AWS STS when
    # you are chaining IAM roles", https://docs.aws.amazon.com/neptune/latest/userguide/bulk-load-tutorial-chain-roles.html
    "sts",
    "sagemaker.api",  # Neptune ML starts SageMaker jobs and endpoints from the DB cluster
    "sagemaker.runtime",  # Neptune ML's inference queries ask the model's endpoint: assumed
})
# Amazon DocumentDB: none. Lambda reads its change streams through pollers of its own, "which don't
# invoke Lambda directly" (https://docs.aws.amazon.com/documentdb/latest/developerguide/using-lambda.html),
# and no page of the Developer Guide has an instance call an AWS service: assumed, none found.
DOCUMENTDB_SERVICES = frozenset[str]()

# Egress classes (docs/network-model.md, "Egress class").
# An Outposts local gateway ("lgw") is a way out as a virtual private gateway is: to the on-premises
# network, which the Outposts guide has carry internet-bound traffic too; a Wavelength carrier
# gateway ("carrier") translates an interface's carrier IP for "the carrier network and internet"
# (NetworkView.interfaces_internet_egress asks for that address).
INTERNET_EGRESS_CLASSES = frozenset({"nat", "tgw", "cloudwan", "vgw", "lgw", "carrier"})
_KIND_TO_CLASS = {"tgw": "tgw", "cloudwan": "cloudwan", "vgw": "vgw", "eigw": "eigw", "instance": "nat",
                  "eni": "nat", "pcx": "other", "local": "other", "carrier": "carrier", "lgw": "lgw",
                  "odb": "other"}
_BLOCKING_BPA_MODES = frozenset({"block-bidirectional"})
# Egress classes a private NAT gateway's traffic can take on from its subnet's route table.
_BEYOND_PRIVATE_NAT = frozenset({"tgw", "cloudwan", "vgw"})
# Endpoint states (lower-cased) in which an endpoint carries no traffic and never will again.
ENDED_ENDPOINT_STATES = frozenset({"deleting", "deleted", "rejected", "failed", "expired"})


# Built for every subnet and address family: slot_init fills its slots faster than a frozen dataclass does.
@slot_init
@dataclass(frozen=True, slots=True)
class Egress:
    """The egress class of a subnet for one address family, and how it was reached."""

    klass: str  # igw | nat | eigw | tgw | cloudwan | vgw | private-nat | none | other
    target_id: str | None
    route_table_id: str | None
    hops: tuple[str, ...] = ()  # firewall / GWLB endpoint ids followed on the way
    detail: str = ""
    # The private NAT gateway the traffic passes first, when its subnet's route table carries it
    # on beyond the VPC (``klass`` is then that route's: tgw, cloudwan or vgw).
    private_nat: str | None = None


@slot_init
@dataclass(frozen=True, slots=True)
class ClientAzs:
    az_ids: frozenset[str]
    from_enis: bool  # False: ENIs were not collected; all private subnets' AZs were assumed


@dataclass(frozen=True, slots=True)
class BorderGroup:
    """Where the public addresses of a zone's resources come from (NetworkView.border_group_of):
    "the network border group of the EIPs must match the network border group of the Availability
    Zone (AZ) that the public NAT gateway is in" (AssociateNatGatewayAddress), and "IP addresses
    cannot move between network border groups" (AllocateAddress)."""

    zone: str  # the zone's name (its ID where no subnet or zone record names it)
    # The zone's network border group where it is not the Region's, the one an address for it must
    # be allocated in; None: the Region's, AllocateAddress's default.
    group: str | None
    unknown: str | None = None  # why the zone's group is not known; None when it is


class NetworkView:
    """Derived facts about one region of one account's snapshot."""

    def __init__(self, account: AccountSnapshot, region: RegionSnapshot,
                 zones_elsewhere: Mapping[str, tuple[r.HostedZone, ...]] | None = None,
                 service_ports: ServicePorts | None = None) -> None:
        self.account = account
        self.region = region
        # VPC id → private hosted zones other accounts of the scan hold associated with it
        # (vpcaudit.network.dns.zones_held_elsewhere): a hub's zones seen from its spokes.
        self._zones_elsewhere = zones_elsewhere or {}
        # PrivateLink service name → the ports the user says its provider listens on (service-ports).
        self._service_ports = service_ports or {}
        self.account_id = account.account_id
        self.region_name = region.region
        self.vpcs: dict[str, r.Vpc] = {v.vpc_id: v for v in region.vpcs}
        self.subnets: dict[str, r.Subnet] = {s.subnet_id: s for s in region.subnets}
        self.route_tables: dict[str, r.RouteTable] = {t.route_table_id: t for t in region.route_tables}
        self.nat_gateways: dict[str, r.NatGateway] = {n.nat_gateway_id: n for n in region.nat_gateways}
        self.endpoints: dict[str, r.VpcEndpoint] = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
        self.security_groups: dict[str, r.SecurityGroup] = {g.group_id: g for g in region.security_groups}
        self.interfaces: dict[str, r.NetworkInterface] = {
            i.network_interface_id: i for i in region.network_interfaces}
        self.prefix_lists: dict[str, r.PrefixList] = {p.prefix_list_id: p for p in region.prefix_lists}
        self.services: dict[str, r.EndpointService] = {s.service_name: s for s in region.endpoint_services}
        self.dhcp_options: dict[str, r.DhcpOptions] = {d.dhcp_options_id: d for d in region.dhcp_options}
        self._index_cache: dict[str, RouteIndex] = {}
        self._egress_cache: dict[tuple[str, bool], Egress] = {}
        self._service_cache: dict[tuple[str, str | None, str, bool], ServiceInfo] = {}
        self._service_of: dict[str, tuple[r.VpcEndpoint, ServiceInfo]] = {}
        self._endpoint_azs: dict[str, frozenset[str]] = {}
        self._kind_of: dict[str, tuple[r.NetworkInterface, ManagedKind | None]] = {}
        # The parts collected here (a part's first status rules, as RegionSnapshot.state_of reads it):
        # asked for every interface's kind, so looked up rather than searched for each time.
        first: dict[Part, State] = {}
        for status in region.status:
            first.setdefault(status.part, status.state)
        self._collected = frozenset(part for part, state in first.items() if state is State.OK)
        self._memo: dict[Callable[..., object], dict[tuple[Hashable, ...], object]] = {}

    @classmethod
    def build(cls, account: AccountSnapshot, region: RegionSnapshot,
              zones_elsewhere: Mapping[str, tuple[r.HostedZone, ...]] | None = None,
              service_ports: ServicePorts | None = None) -> NetworkView:
        return cls(account, region, zones_elsewhere, service_ports)

    def traffic_paths(self) -> list[TrafficPath]:
        """Every subnet × destination path of this region (see vpcaudit.network.paths)."""
        from vpcaudit.network.paths import traffic_paths

        return traffic_paths(self)

    def memo(self, compute: Callable[..., T], *args: Hashable) -> T:
        """``compute(self, *args)``, computed once per view: for facts derived from the Region that
        paths or rules ask for again and again (``compute`` must be a pure function of them)."""
        # A table per function, keyed by the arguments alone: asked over a hundred thousand times an
        # audit, and hashing the arguments costs less than hashing them paired with the function.
        table = self._memo.get(compute)
        if table is None:
            table = self._memo[compute] = {}
        found = table.get(args, _MISSING)
        if found is _MISSING:
            found = table[args] = compute(self, *args)
        return found  # type: ignore[return-value]

    # -- parts ---------------------------------------------------------------------------

    def has(self, *parts: Part) -> bool:
        return self._collected.issuperset(parts)  # asked per interface and endpoint: no generator

    # -- per-VPC collections -------------------------------------------------------------
    # Each grouping is built once per view, in the order the accessors return: rules, paths and
    # reports ask for them per subnet or per endpoint, so filtering the whole Region on every
    # call would make a Region with V VPCs cost V² (and sorting, V² log V).

    @cached_property
    def _subnets_by_vpc(self) -> dict[str, tuple[r.Subnet, ...]]:
        return _grouped(sorted(self.subnets.values(), key=lambda s: (s.availability_zone_id, s.subnet_id)),
                        lambda s: s.vpc_id)

    @cached_property
    def _endpoints_by_vpc(self) -> dict[str, tuple[r.VpcEndpoint, ...]]:
        return _grouped(sorted(self.endpoints.values(), key=lambda e: e.vpc_endpoint_id), lambda e: e.vpc_id)

    @cached_property
    def _endpoints_by_vpc_and_type(self) -> dict[tuple[str, str], tuple[r.VpcEndpoint, ...]]:
        return _grouped(sorted(self.endpoints.values(), key=lambda e: e.vpc_endpoint_id),
                        lambda e: (e.vpc_id, e.endpoint_type))

    @cached_property
    def _nat_gateways_by_vpc(self) -> dict[str, tuple[r.NatGateway, ...]]:
        return _grouped(sorted(self.nat_gateways.values(), key=lambda n: n.nat_gateway_id), lambda n: n.vpc_id)

    @cached_property
    def _route_tables_by_vpc(self) -> dict[str, tuple[r.RouteTable, ...]]:
        return _grouped(sorted(self.route_tables.values(), key=lambda t: t.route_table_id), lambda t: t.vpc_id)

    @cached_property
    def _hosted_zones_by_vpc(self) -> dict[str, tuple[r.HostedZone, ...]]:
        out: dict[str, dict[str, r.HostedZone]] = defaultdict(dict)
        for zone in self.region.hosted_zones:
            for vpc_id in dict.fromkeys(a.vpc_id for a in zone.vpcs if a.vpc_region == self.region_name):
                out[vpc_id][zone.hosted_zone_id] = zone
        for vpc_id, zones in self._zones_elsewhere.items():
            for zone in zones:  # this account's own copy of a zone (found per VPC) comes first
                out[vpc_id].setdefault(zone.hosted_zone_id, zone)
        return {k: tuple(v.values()) for k, v in out.items()}

    def subnets_of(self, vpc_id: str) -> tuple[r.Subnet, ...]:
        return self._subnets_by_vpc.get(vpc_id, ())

    def endpoints_of(self, vpc_id: str, endpoint_type: str | None = None) -> tuple[r.VpcEndpoint, ...]:
        if endpoint_type is None:
            return self._endpoints_by_vpc.get(vpc_id, ())
        return self._endpoints_by_vpc_and_type.get((vpc_id, endpoint_type), ())

    def nat_gateways_of(self, vpc_id: str) -> tuple[r.NatGateway, ...]:
        return self._nat_gateways_by_vpc.get(vpc_id, ())

    def route_tables_of(self, vpc_id: str) -> tuple[r.RouteTable, ...]:
        return self._route_tables_by_vpc.get(vpc_id, ())

    @cached_property
    def _internet_gateways_by_vpc(self) -> dict[tuple[str, str], tuple[r.InternetGateway, ...]]:
        out: dict[tuple[str, str], list[r.InternetGateway]] = defaultdict(list)
        for gateway in self.region.internet_gateways:
            for vpc_id in dict.fromkeys(gateway.attached_vpc_ids):
                out[(vpc_id, gateway.kind)].append(gateway)
        return {k: tuple(v) for k, v in out.items()}

    def internet_gateways_of(self, vpc_id: str, kind: str = "igw") -> tuple[r.InternetGateway, ...]:
        return self._internet_gateways_by_vpc.get((vpc_id, kind), ())

    def hosted_zones_of(self, vpc_id: str) -> tuple[r.HostedZone, ...]:
        return self._hosted_zones_by_vpc.get(vpc_id, ())

    @cached_property
    def _resolver_rules_by_vpc(self) -> dict[str, tuple[r.ResolverRuleAssociation, ...]]:
        return _grouped(self.region.resolver_rules, lambda a: a.vpc_id)

    def resolver_rules_of(self, vpc_id: str) -> tuple[r.ResolverRuleAssociation, ...]:
        return self._resolver_rules_by_vpc.get(vpc_id, ())

    def name_of(self, tags: tuple[r.Tag, ...]) -> str | None:
        """:func:`resources.tag_value` of ``Name``, as a plain loop: asked for most resources rules report."""
        for tag in tags:
            if tag.key == "Name":
                return tag.value
        return None

    def az_id_of(self, subnet_id: str | None) -> str | None:
        subnet = self.subnets.get(subnet_id or "")
        return subnet.availability_zone_id or subnet.availability_zone if subnet else None

    def nat_az_id(self, nat: r.NatGateway) -> str | None:
        """The AZ ID of a zonal NAT gateway: its subnet's, else the one its address reports
        (None for a regional NAT gateway, which spans AZs, or when neither is known)."""
        if nat.availability_mode == "regional":
            return None
        return self.az_id_of(nat.subnet_id) or next(
            (a.availability_zone_id for a in nat.addresses if a.availability_zone_id), None)

    # -- zones ----------------------------------------------------------------------------------

    @cached_property
    def _zones(self) -> dict[str, r.AvailabilityZone]:
        """Zone ID and zone name → the zone: a subnet records both, an older one may lack the ID."""
        zones: dict[str, r.AvailabilityZone] = {}
        for zone in self.region.availability_zones:
            zones.setdefault(zone.zone_id, zone)
            zones.setdefault(zone.zone_name, zone)
        return zones

    @cached_property
    def _az_names(self) -> dict[str, str]:
        """AZ ID → zone name, as the subnets record them."""
        return {s.availability_zone_id: s.availability_zone for s in self.subnets.values()
                if s.availability_zone_id and s.availability_zone}

    def zone_of(self, az_id: str | None) -> r.AvailabilityZone | None:
        """The zone ``az_id`` (an AZ ID, or a zone name where a subnet records no ID) as
        DescribeAvailabilityZones lists it; None when the Region's zones were not collected (an
        older snapshot, access denied) or the list does not hold it. A subnet's record does not say
        whether its zone is an Availability Zone, a Local Zone or a Wavelength Zone: this does."""
        if not az_id or not self.has(Part.AVAILABILITY_ZONES):
            return None
        return self._zones.get(az_id)

    def is_edge_zone(self, az_id: str | None) -> bool:
        """``az_id`` is recorded as a Local Zone or Wavelength Zone (any ``ZoneType`` but
        ``availability-zone``); False when it is an AZ or its type is not known."""
        zone = self.zone_of(az_id)
        return zone is not None and zone.zone_type is not None and zone.zone_type != r.STANDARD_ZONE_TYPE

    def border_group_of(self, az_id: str) -> BorderGroup:
        """The network border group a public address for ``az_id``'s resources must come from.

        The recorded zone's ``NetworkBorderGroup`` where DescribeAvailabilityZones gives it (an AZ's
        is the Region's name; a Local Zone's its own, ``us-west-2-lax-1``); an AZ recorded without
        one (moto's shape) has the Region's. Without the zone recorded (the zones not collected, or
        not listing it) only the name speaks: a Region's AZ is named by the Region and one letter
        (``us-west-2a``, the AWS CLI reference's listings), so such a zone keeps the Region's group,
        as before the zones were collected; any other name (``us-west-2-lax-1a``,
        ``us-east-1-wl1-bos-wlz-1``) is not known to be an AZ, and its group is unknown."""
        zone = self.zone_of(az_id)
        name = zone.zone_name if zone is not None else self._az_names.get(az_id, az_id)
        if zone is not None:
            group = zone.network_border_group
            if group is None and zone.zone_type == r.STANDARD_ZONE_TYPE:
                group = self.region_name
            if group is not None:
                return BorderGroup(name, None if group == self.region_name else group)
            return BorderGroup(name, None, f"DescribeAvailabilityZones gives {name} ({zone.zone_type or 'no type'}) "
                                           "no network border group")
        if re.fullmatch(re.escape(self.region_name) + "[a-z]", name):
            return BorderGroup(name, None)
        why = ("the Region's zones were not collected" if not self.has(Part.AVAILABILITY_ZONES)
               else "DescribeAvailabilityZones does not list it")
        return BorderGroup(name, None, f"{name} is not named like an Availability Zone of {self.region_name} and "
                                       f"{why}: a Local Zone or Wavelength Zone has a network border group of its own")

    def is_shared_from_other_account(self, subnet: r.Subnet) -> bool:
        """A RAM-shared subnet whose VPC owner is another account: its routing is the owner's."""
        return bool(subnet.owner_id) and subnet.owner_id != self.account_id

    # -- routing ---------------------------------------------------------------------------

    @cached_property
    def _main_tables(self) -> dict[str, r.RouteTable]:
        return {vpc_id: main for vpc_id, tables in self._route_tables_by_vpc.items()
                if (main := next((t for t in tables if t.is_main), None)) is not None}

    def main_route_table(self, vpc_id: str) -> r.RouteTable | None:
        return self._main_tables.get(vpc_id)

    @cached_property
    def _explicit_tables(self) -> dict[str, r.RouteTable]:
        return {sid: t for t in self.route_tables.values() for sid in t.subnet_ids}

    def effective_route_table(self, subnet_id: str) -> r.RouteTable | None:
        """Its explicitly associated route table, else the VPC's main route table."""
        explicit = self._explicit_tables.get(subnet_id)
        if explicit is not None:
            return explicit
        subnet = self.subnets.get(subnet_id)
        return self.main_route_table(subnet.vpc_id) if subnet else None

    def uses_main_table(self, subnet_id: str) -> bool:
        return subnet_id not in self._explicit_tables

    def implicit_subnets(self, table: r.RouteTable) -> tuple[str, ...]:
        """Subnets that use ``table`` (explicitly, or implicitly when it is the main table)."""
        explicit = set(table.subnet_ids)
        if table.is_main:
            explicit |= {s.subnet_id for s in self.subnets_of(table.vpc_id) if self.uses_main_table(s.subnet_id)}
        return tuple(sorted(explicit))

    def prefix_list_cidrs(self, prefix_list_id: str) -> tuple[str, ...] | None:
        pl = self.prefix_lists.get(prefix_list_id)
        return pl.cidrs if pl is not None else None

    def route_index(self, table: r.RouteTable) -> RouteIndex:
        index = self._index_cache.get(table.route_table_id)
        if index is None:
            index = RouteIndex.build(table, self.prefix_list_cidrs)
            self._index_cache[table.route_table_id] = index
        return index

    @cached_property
    def _prefix_lists_by_name(self) -> dict[str, r.PrefixList]:
        """Prefix lists by name, the ``cn.`` spelling folded in; the first in the Region's order wins."""
        out: dict[str, r.PrefixList] = {}
        for pl in self.prefix_lists.values():
            out.setdefault(pl.prefix_list_name.removeprefix("cn."), pl)
        return out

    def service_prefix_list(self, service_key: str, service_region: str | None = None) -> r.PrefixList | None:
        """The AWS-managed prefix list of a gateway-endpoint service (s3, dynamodb), by name
        (``com.amazonaws.<region>.<key>``, or its ``cn.`` spelling)."""
        return self._prefix_lists_by_name.get(f"com.amazonaws.{service_region or self.region_name}.{service_key}")

    # -- egress ------------------------------------------------------------------------------

    def egress(self, subnet_id: str, ipv6: bool = False) -> Egress:
        """Egress class of a subnet (docs/network-model.md), following firewall (vpce-) hops (memoised)."""
        key = (subnet_id, ipv6)
        found = self._egress_cache.get(key)
        if found is None:
            found = self._egress_cache[key] = self._compute_egress(subnet_id, ipv6)
        return found

    def _compute_egress(self, subnet_id: str, ipv6: bool, follow_private_nat: bool = True) -> Egress:
        hops: list[str] = []
        current = subnet_id
        for _ in range(5):  # firewall chains are short; bound them against loops
            table = self.effective_route_table(current)
            if table is None:
                return Egress("none", None, None, tuple(hops), "no route table")
            family = "::/0" if ipv6 else "0.0.0.0/0"
            outcome = self.route_index(table).resolve(family)
            if outcome.kind == "ambiguous":  # never guess which target AWS picks
                return Egress("other", None, table.route_table_id, tuple(hops), f"{family}: {outcome.reason}")
            route = outcome.winner.route if outcome.winner is not None else None
            if route is None:
                return Egress("none", None, table.route_table_id, tuple(hops), f"no {family} route")
            if route.state != "active":
                return Egress("none", route.target_id, table.route_table_id, tuple(hops),
                              f"{family} route to {route.target_id} is {route.state}")
            kind = route.target_kind
            if kind == "vpce":
                endpoint = self.endpoints.get(route.target_id)
                if endpoint is None or not endpoint.subnet_ids:
                    return Egress("other", route.target_id, table.route_table_id, tuple(hops),
                                  f"{family} goes to endpoint {route.target_id}, whose subnet is unknown")
                hops.append(route.target_id)
                current = endpoint.subnet_ids[0]
                continue
            if kind in ("igw", "eigw") and self._bpa_blocks(subnet_id):
                # Bidirectional BPA blocks IPv4 and IPv6 through internet and egress-only gateways.
                return Egress("none", route.target_id, table.route_table_id, tuple(hops),
                              f"VPC Block Public Access blocks this subnet's {family} traffic to {route.target_id}")
            if kind == "igw":
                return Egress("igw", route.target_id, table.route_table_id, tuple(hops))
            if kind == "nat":
                nat = self.nat_gateways.get(route.target_id)
                if nat is None or nat.connectivity_type != "private":
                    return Egress("nat", route.target_id, table.route_table_id, tuple(hops))
                onward = (self.beyond_private_nat(nat.nat_gateway_id, ipv6)
                          if follow_private_nat and nat.subnet_id != subnet_id else None)
                if onward is None:
                    return Egress("private-nat", route.target_id, table.route_table_id, tuple(hops))
                return replace(onward, hops=(*hops, *onward.hops), private_nat=nat.nat_gateway_id)
            return Egress(_KIND_TO_CLASS.get(kind, "other"), route.target_id, table.route_table_id, tuple(hops))
        return Egress("other", None, None, tuple(hops), "firewall routing loops")

    def beyond_private_nat(self, nat_id: str, ipv6: bool = False) -> Egress | None:
        """Where a private NAT gateway's own subnet sends the traffic, when that is beyond the VPC.

        AWS: a private NAT gateway cannot reach the internet itself, but "you can route traffic
        from the NAT gateway through a transit gateway or a virtual private gateway" — the
        pattern for workloads in a non-routable CIDR. Its subnet's route table decides, firewall
        hops included; an internet gateway drops traffic from a private NAT gateway, and one
        private NAT gateway is never followed into another."""
        nat = self.nat_gateways.get(nat_id)
        if nat is None or nat.connectivity_type != "private" or nat.subnet_id is None:
            return None
        onward = self._compute_egress(nat.subnet_id, ipv6, follow_private_nat=False)
        return onward if onward.klass in _BEYOND_PRIVATE_NAT else None

    def _bpa_blocks(self, subnet_id: str) -> bool:
        bpa = self.region.block_public_access
        if bpa is None or bpa.internet_gateway_block_mode not in _BLOCKING_BPA_MODES:
            return False
        subnet = self.subnets.get(subnet_id)
        if subnet is None:
            return False
        return subnet.subnet_id not in bpa.excluded_subnet_ids and subnet.vpc_id not in bpa.excluded_vpc_ids

    def is_public(self, subnet_id: str) -> bool:
        """Its egress class is ``igw`` for an address family it has: a subnet without an IPv6
        CIDR sends no IPv6 packet, so its ``::/0`` route makes nothing public (nor does
        ``0.0.0.0/0`` in an IPv6-only subnet); its traffic leaves the other way."""
        v4, v6 = self.address_families(subnet_id)
        return ((v4 and self.egress(subnet_id).klass == "igw")
                or (v6 and self.egress(subnet_id, ipv6=True).klass == "igw"))

    def address_families(self, subnet_id: str) -> tuple[bool, bool]:
        """(IPv4, IPv6): the address families the subnet's resources can send from; a subnet
        recorded without any CIDR (or not recorded) is assumed to have both."""
        subnet = self.subnets.get(subnet_id)
        if subnet is None or not (subnet.cidr_block or subnet.ipv6_cidr_blocks):
            return True, True
        return bool(subnet.cidr_block), bool(subnet.ipv6_cidr_blocks)

    def is_private(self, subnet_id: str) -> bool:
        return not self.is_public(subnet_id)

    def internet_egress(self, subnet_id: str) -> str | None:
        """The class through which a private subnet reaches beyond the VPC, or None (isolated)."""
        if self.is_public(subnet_id):
            return "igw"
        has_v4, has_v6 = self.address_families(subnet_id)
        v4 = self.egress(subnet_id).klass if has_v4 else "none"
        if v4 in INTERNET_EGRESS_CLASSES:
            return v4
        return "eigw" if has_v6 and self.egress(subnet_id, ipv6=True).klass == "eigw" else None

    def interfaces_internet_egress(self, subnet_id: str, interfaces: Iterable[r.NetworkInterface]) -> str | None:
        """:meth:`internet_egress` as ``interfaces`` of the subnet can use it (those in other subnets
        are ignored). An internet gateway translates IPv4 only for an interface with a public IPv4
        address ("To enable communication over the internet for IPv4, your instance must have a
        public IPv4 address", VPC User Guide, internet gateways): where the subnet's IPv4 traffic
        leaves through one and every interface is recorded without a public address, their IPv4
        traffic goes nowhere (an ECS task on Fargate in a public subnet with ``assignPublicIp``
        DISABLED), and only the subnet's IPv6 egress (``igw`` or ``eigw``) is left. Addresses not
        recorded (an older snapshot), no interfaces, or one with a public address keep the subnet's
        reading. IPv4-focused: whether the interfaces hold IPv6 addresses is not asked. A Wavelength
        subnet's carrier gateway likewise translates only an interface's carrier IP: where each
        interface is recorded without one, the subnet is isolated for them."""
        klass = self.internet_egress(subnet_id)
        if klass == "carrier":
            own = [i for i in interfaces if i.subnet_id == subnet_id]
            return None if own and all(i.carrier_ip_addresses == () for i in own) else klass
        if klass != "igw" or not self._ipv4_untranslated(subnet_id, interfaces):
            return klass
        has_v6 = self.address_families(subnet_id)[1]
        v6 = self.egress(subnet_id, ipv6=True).klass if has_v6 else "none"
        return v6 if v6 in ("igw", "eigw") else None

    def _ipv4_untranslated(self, subnet_id: str, interfaces: Iterable[r.NetworkInterface]) -> bool:
        """The subnet sends IPv4 to an internet gateway, and each of ``interfaces`` in it (one at
        least) is recorded without a public IPv4 address."""
        own = [i for i in interfaces if i.subnet_id == subnet_id]
        return (bool(own) and all(i.public_ip_addresses == () for i in own)
                and self.address_families(subnet_id)[0] and self.egress(subnet_id).klass == "igw")

    def private_subnets(self, vpc_id: str) -> tuple[r.Subnet, ...]:
        """Remembered per VPC: rules ask per endpoint and per service, each answer walking the
        VPC's subnets and their egress."""
        return self.memo(_private_subnets, vpc_id)

    def private_source_subnets(self, vpc_id: str) -> tuple[r.Subnet, ...]:
        """Private subnets that can send traffic of their own: all but forwarding subnets and
        subnets holding only an EKS cluster's control-plane interfaces.

        A transit gateway attachment subnet only forwards what arrives from the transit gateway,
        and a firewall subnet only what is routed through its firewall (Gateway Load Balancer)
        endpoints. Traffic from beyond the VPC can never use a gateway endpoint of this VPC, and
        traffic from this VPC's own subnets is counted at those subnets, whose egress follows the
        firewall hops; so the rules about a subnet's own service traffic (GWE001-003, IFE003's
        stand-in clients) leave forwarding subnets out.

        Remembered per VPC: those rules ask per endpoint and per service.
        """
        return self.memo(_private_source_subnets, vpc_id)

    @cached_property
    def control_plane_subnet_ids(self) -> frozenset[str]:
        """Subnets whose network interfaces (at least one) are all EKS control-plane interfaces
        (``is_workload``): the cluster subnets EKS's best practices keep apart from the nodes
        ("Kubernetes worker nodes can run in the cluster subnets, but it is not recommended"), whose
        interfaces carry "EKS-managed control plane traffic" that "continues through the AWS
        managed network path" — no service traffic of the subnet's own. Empty when ENIs were not
        collected."""
        if not self.has(Part.NETWORK_INTERFACES):
            return frozenset()
        only_control_plane: dict[str, bool] = {}
        for eni in self.interfaces.values():
            control_plane = _is_eks_control_plane(eni)
            only_control_plane[eni.subnet_id] = only_control_plane.get(eni.subnet_id, True) and control_plane
        return frozenset(s for s, only in only_control_plane.items() if only)

    @cached_property
    def eks_cluster_vpc_ids(self) -> frozenset[str]:
        """VPCs holding an EKS cluster's control-plane interfaces (:func:`_is_eks_control_plane`):
        the VPCs whose pods and nodes pull EKS's own images from ECR."""
        return frozenset(eni.vpc_id for eni in self.interfaces.values() if _is_eks_control_plane(eni))

    @cached_property
    def tgw_attachment_subnet_ids(self) -> frozenset[str]:
        """Subnets whose network interfaces are all transit gateway attachment interfaces: the
        dedicated attachment subnets AWS recommends, which hold no resources of their own. Empty
        when ENIs were not collected (every subnet may then hold workloads)."""
        if not self.has(Part.NETWORK_INTERFACES):
            return frozenset()
        only_attachments: dict[str, bool] = {}
        for eni in self.interfaces.values():
            attachment = eni.interface_type == TGW_INTERFACE_TYPE
            only_attachments[eni.subnet_id] = only_attachments.get(eni.subnet_id, True) and attachment
        return frozenset(s for s, only in only_attachments.items() if only)

    @cached_property
    def forwarding_subnet_ids(self) -> frozenset[str]:
        """Subnets whose network interfaces all forward others' traffic: transit gateway attachment
        interfaces and Gateway Load Balancer endpoint interfaces (AWS Network Firewall's endpoints
        among them). AWS recommends a dedicated attachment subnet holding no resources
        (tgw-best-design-practices) and reserves firewall subnets for Network Firewall alone, whose
        endpoint "can't filter traffic coming into or going out of the subnet in which it resides"
        (network-firewall vpc-config-subnets). An endpoint's ENIs are recognised through
        ``VpcEndpoint.NetworkInterfaceIds`` as well as their type (moto types them ``interface``).
        Empty when ENIs were not collected (every subnet may then hold workloads)."""
        if not self.has(Part.NETWORK_INTERFACES):
            return frozenset()
        gwlb_enis = {eni for e in self.endpoints.values() if e.endpoint_type == "GatewayLoadBalancer"
                     for eni in e.network_interface_ids}
        only_forwarding: dict[str, bool] = {}
        for eni in self.interfaces.values():
            forwards = (eni.interface_type in (TGW_INTERFACE_TYPE, GWLB_ENDPOINT_INTERFACE_TYPE)
                        or eni.network_interface_id in gwlb_enis)
            only_forwarding[eni.subnet_id] = only_forwarding.get(eni.subnet_id, True) and forwards
        return frozenset(s for s, only in only_forwarding.items() if only)

    # -- workloads and AZs -------------------------------------------------------------------

    @cached_property
    def plumbing_eni_ids(self) -> frozenset[str]:
        """ENIs owned by endpoints and NAT gateways, linked through those resources (moto types them 'interface')."""
        ids = {eni for e in self.endpoints.values() for eni in e.network_interface_ids}
        ids |= {a.network_interface_id for n in self.nat_gateways.values() for a in n.addresses
                if a.network_interface_id}
        return frozenset(ids)

    def is_workload(self, eni: r.NetworkInterface) -> bool:
        """A network interface that originates traffic of its own. Route 53 Resolver endpoint
        interfaces and EFS mount targets (requester-managed, described ``EFS mount target for
        <fs-id> (<fsmt-id>)`` as seen in accounts, or ``Mount target <fsmt-id> for file system
        <fs-id>`` and requested by ``EFS`` as the EFS API reference documents CreateMountTarget) are
        typed ``interface`` but only answer: a mount target serves NFS
        and calls no AWS API, so groups built for it — SageMaker's inbound NFS group has "only
        inbound traffic" — are not a client's. Nor are the nodes of Application and Classic Load
        Balancers (requester-managed by ``amazon-elb``, described ``ELB app/…`` or ``ELB <name>``,
        typed ``interface`` unlike a Network Load Balancer's): they forward to their targets,
        and the one call of their own, user authentication, goes to an identity provider whose
        names must be publicly resolvable — never to an interface endpoint of the VPC. Nor are an
        EKS cluster's control-plane interfaces (described ``Amazon EKS <cluster>``, reported
        requester-managed or not): EKS-managed control-plane traffic "continues through the AWS
        managed network path", and what the control plane sends through them (kubelet, webhooks,
        OIDC, aggregated APIs) goes to the cluster's nodes and pods, not to an AWS service's
        endpoint (EKS User Guide, control-plane egress). Nor are an OpenSearch Service domain's
        interfaces (described ``ES <domain>``, attached to no instance): "Created and managed by
        OpenSearch Service for inbound traffic to the domain", while egress "leaves over the public
        internet" by default or through separate egress interfaces (OpenSearch Developer Guide,
        VPC egress). Nor are an Amazon MSK cluster's broker interfaces (described "DO NOT DELETE -
        Amazon MSK network interface for cluster <ARN>"): "Client applications use elastic network
        interfaces to produce and consume data" (MSK API, ClientSubnets); a Lambda event source
        mapping's interfaces beside them are described otherwise and stay workloads. Nor are the
        interfaces CloudFront creates for a VPC origin (:meth:`_is_cloudfront_vpc_origin`), nor an
        Amazon FSx file system's, on no instance and tagged ``AmazonFSx.FileSystemId`` (FSx's
        service-linked role tags the interfaces it creates with that key, and manages only those):
        a file server answers its clients, and its data repository traffic is FSx's own (the
        ``AWSServiceRoleForFSxS3Access`` role; the guide's outbound rules for its group are the
        file protocol's ports alone). Nor are AWS Verified Access's interfaces, on no instance and
        tagged ``VerifiedAccessManaged: true`` (AWSVPCVerifiedAccessServiceRolePolicy lets the service
        create, modify and delete only interfaces carrying that tag): a Verified Access endpoint
        forwards users' requests to its load balancer or network interface and calls no AWS service
        from the VPC. Nor are a CloudHSM cluster's HSM interfaces (described ``CloudHsm ENI <id>``,
        as cloud-custodian classifies them; AWS documents no description) or those AWS KMS creates
        for a CloudHSM key store (``KMS managed ENI for cluster <cluster-id>``, KMS Developer
        Guide, connecting a key store), on no instance: an HSM lives in CloudHSM's VPC and only
        answers its clients on TCP 2223-2225, and KMS uses its interfaces to reach the HSMs alone.
        Nor are an Amazon MQ for ActiveMQ broker's interfaces (:meth:`mq_broker_of`, told by the
        brokers collected): "The network interface allows your client (producer or consumer) to
        communicate with the Amazon MQ broker. The network interface is considered to be within
        the service scope of Amazon MQ" (Developer Guide), and the broker's logs reach CloudWatch
        Logs through Amazon MQ's own calls (its service-linked role's ``logs:PutLogEvents``), not
        through the VPC: a client of no AWS service, and no client AZ. Without the brokers (an
        older snapshot, access denied) such an interface stays a workload, as before."""
        if eni.network_interface_id in self.plumbing_eni_ids:
            return False
        if eni.interface_type not in WORKLOAD_INTERFACE_TYPES:
            return False
        if eni.requester_managed and (eni.description.startswith(("EFS mount target for ", "ELB "))
                                      or eni.requester_id in (ELB_REQUESTER_ID, EFS_REQUESTER_ID)
                                      or _EFS_MOUNT_TARGET.fullmatch(eni.description)):
            return False
        if _is_eks_control_plane(eni) or _is_opensearch_domain(eni) or _is_msk_broker(eni):
            return False
        if eni.description.startswith("Route 53 Resolver"):
            return False
        if eni.instance_id is None and eni.description.startswith(HSM_INTERFACE_DESCRIPTIONS):
            return False
        if eni.instance_id is None and (r.tag_value(eni.tags, FSX_FILE_SYSTEM_TAG) is not None
                                        or r.tag_value(eni.tags, VERIFIED_ACCESS_TAG) == "true"):
            return False
        if self.mq_broker_of(eni) is not None:
            return False
        return not self._is_cloudfront_vpc_origin(eni)

    def _is_cloudfront_vpc_origin(self, eni: r.NetworkInterface) -> bool:
        """An interface CloudFront created for a VPC origin, on no instance: tagged
        ``aws.cloudfront.vpcorigin: enabled`` (AWSCloudFrontVPCOriginServiceRolePolicy lets CloudFront
        create an interface only with that tag), or in no group but the service-managed ones, named
        ``CloudFront-VPCOrigins-Service-SG`` ("CloudFront automatically creates a service-managed
        security group with the naming pattern", CloudFront Developer Guide, VPC origins).
        CloudFront "routes to your subnet by using a service-managed elastic network interface" to
        reach the origin: nothing calls an AWS service from it."""
        if eni.instance_id is not None:
            return False
        if r.tag_value(eni.tags, CLOUDFRONT_VPC_ORIGIN_TAG) == "enabled":
            return True
        groups = [self.security_groups.get(g) for g in eni.group_ids]
        return bool(groups) and all(g is not None and g.group_name.startswith(CLOUDFRONT_VPC_ORIGIN_GROUP)
                                    for g in groups)

    @cached_property
    def _workload_enis_by_vpc(self) -> dict[str, tuple[r.NetworkInterface, ...]]:
        return _grouped(sorted((i for i in self.interfaces.values() if self.is_workload(i)),
                               key=lambda i: i.network_interface_id), lambda i: i.vpc_id)

    def workload_enis(self, vpc_id: str) -> tuple[r.NetworkInterface, ...]:
        return self._workload_enis_by_vpc.get(vpc_id, ())

    def may_call(self, eni: r.NetworkInterface, service_key: str | None) -> bool:
        """May this workload ENI call the AWS service ``service_key`` (an endpoint's key, from
        :meth:`called_service`)? ``None`` stands for a service that is not an AWS service's — a
        PrivateLink service, a Resource or service-network endpoint — which any workload may call.

        Every workload may, except the interfaces of managed engines (:data:`MANAGED_KINDS`): a
        Redshift cluster node's (:func:`is_redshift_node`) calls only :data:`REDSHIFT_SERVICES`,
        and none when its cluster has enhanced VPC routing off (:meth:`managed_kind_of`),
        an ElastiCache node's (:func:`is_elasticache_node`) none, a MemoryDB node's
        (:data:`MEMORYDB_NODE`, told by its cluster) none, Amazon EMR's cluster manager
        interface (:data:`EMR_CLUSTER_MANAGER`) none, an interface DataSync created for a task
        (:data:`DATASYNC_TASK`, named by DescribeTask) none, a Firehose stream's interface
        (:data:`FIREHOSE_STREAM`, :meth:`firehose_streams_of`) none, and a DB instance's network
        interface (:func:`is_db_instance`) as follows:
        the engine calls an AWS service from it only for the integrations AWS documents, so it is
        a client of those services' endpoints and of no other's: its engine family's
        (:data:`DB_ENGINE_KINDS`) when the DB instances it fits are known and of families read here
        (:meth:`managed_kind_of`), else every engine's together (:data:`DB_INSTANCE_SERVICES`: the
        interface does not say which engine it serves). No engine
        is documented to call Secrets Manager, CloudWatch or Systems Manager from it. An RDS
        Proxy does read its credentials from Secrets Manager from the VPC; its interfaces are
        described ``Network interface for DBProxy <name>``, so they stay clients of every
        service, as does any interface not requester-managed by RDS. A PrivateLink service may
        be another database (dblink, postgres_fdw, a database link): a DB instance stays its
        client. ``is_workload`` is unchanged: the interface is a workload wherever the question
        is not which service it calls.

        AWS's documentation of the integrations:

        - S3, Lambda, KMS (database activity streams), Aurora MySQL: "the network configuration
          of your Aurora DB cluster must allow outbound connections to endpoints for those
          services", https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Integrating.Authorizing.Network.html
          and a KMS endpoint in the VPC,
          https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/DBActivityStreams.Prereqs.html;
          CloudWatch Logs export is listed among the outbound services,
          https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Integrating.Authorizing.html
        - S3 from RDS and Aurora PostgreSQL (``aws_s3``; the DB's group must send TCP 443 out),
          https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/postgresql-s3-export.html
        - Lambda from RDS and Aurora PostgreSQL (``aws_lambda``): "a VPC endpoint for Lambda",
          https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL-Lambda.html
        - SageMaker runtime, Comprehend, Bedrock runtime (Aurora machine learning): outbound
          connections "to the target Aurora machine learning service",
          https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/postgresql-ml.html and
          https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/mysql-ml.html
        - S3, S3 Tables and Glue (Aurora PostgreSQL analytics): "an Amazon S3 gateway endpoint,
          plus an AWS Glue interface endpoint for Iceberg",
          https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-analytics-iam-networking.html
        - SES SMTP (RDS for SQL Server Database Mail, "An Amazon SES SMTP endpoint"),
          https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/SQLServer.DBMail.html
        - Neptune, whose instances' interfaces public ENI inventories match on the same fields:
          the bulk loader's "Amazon S3 VPC endpoint",
          https://docs.aws.amazon.com/neptune/latest/userguide/bulk-load.html, and, chaining IAM
          roles, "The Neptune loader requires a VPC endpoint for AWS STS when you are chaining IAM
          roles", https://docs.aws.amazon.com/neptune/latest/userguide/bulk-load-tutorial-chain-roles.html
          (``sts`` is in Neptune's services only, not in :data:`DB_INSTANCE_SERVICES`); and
          Neptune ML, which starts SageMaker jobs and inference endpoints with a role "providing
          Neptune access to SageMaker and Amazon S3 resources",
          https://docs.aws.amazon.com/neptune/latest/data-api/API_CreateMLEndpoint.html
        - DocumentDB (Engine ``docdb``, listed by DescribeDBInstances with RDS's instances):
          none; a Lambda event source mapping reads its change streams from pollers of its own,
          https://docs.aws.amazon.com/documentdb/latest/developerguide/using-lambda.html
        - RDS for Oracle: S3 integration, https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/oracle-s3-integration.html;
          RDS for SQL Server: S3 integration and Database Mail (above); RDS for MySQL and MariaDB:
          none found (each family's set and what is assumed in it: :data:`DB_ENGINE_KINDS`)
        """
        managed = self.managed_kind_of(eni)
        return managed is None or service_key is None or service_key in managed.services

    def managed_kind_of(self, eni: r.NetworkInterface) -> ManagedKind | None:
        """:func:`managed_kind`, with what the rest of the snapshot says of the engine: an interface
        a DataSync task lists (:meth:`datasync_tasks_of`) is :data:`DATASYNC_TASK`, a client of no
        AWS service; one on an instance carrying only EMR service access groups is
        :data:`EMR_CLUSTER_MANAGER`; an interface of a Firehose stream (:meth:`firehose_streams_of`) is
        :data:`FIREHOSE_STREAM`; a
        Redshift node's interface whose cluster has enhanced VPC routing off is
        :data:`INTERNET_ROUTED_REDSHIFT_NODE`, a client of no AWS service ("If enhanced VPC routing is
        not turned on, Amazon Redshift routes traffic through the internet, including traffic to
        other services within the AWS network", Redshift Management Guide, enhanced VPC routing).
        Its cluster unknown (:meth:`redshift_clusters_of`), or any cluster it may belong to with
        enhanced VPC routing on, it stays a client of :data:`REDSHIFT_SERVICES`: the conservative
        reading, so that no endpoint loses a client the snapshot cannot rule out. An interface of
        no kind of its own that fits a MemoryDB cluster (:meth:`memorydb_clusters_of`) is
        :data:`MEMORYDB_NODE`, a client of no AWS service; the clusters not collected, or none
        fitting, it stays an ordinary workload, as before.

        A DB instance's interface (:data:`DB_INSTANCE`) fitting DB instances
        (:meth:`db_instances_of`) is of their engine family's kind (:func:`db_engine_kind`): a
        DocumentDB instance's calls no AWS service, a Neptune instance's calls S3, STS and
        SageMaker. Fitting instances of several families, it calls what any of them calls
        (:func:`db_instance_kind`). The instances not collected, none fitting, or one of an engine
        not read here (RDS Custom, Db2), it stays a client of every engine's services, as before.

        Remembered per interface (the same record: a caller may pass an edited copy under the same
        id): every rule asking who calls an endpoint asks it of every interface."""
        known = self._kind_of.get(eni.network_interface_id)
        if known is not None and known[0] is eni:
            return known[1]
        kind = self._managed_kind_of(eni)
        self._kind_of[eni.network_interface_id] = (eni, kind)
        return kind

    def _managed_kind_of(self, eni: r.NetworkInterface) -> ManagedKind | None:
        if self.datasync_tasks_of(eni) and DATASYNC_TASK.matches(eni):
            return DATASYNC_TASK
        kind = managed_kind(eni)
        if kind is None and self._is_emr_cluster_manager(eni):
            return EMR_CLUSTER_MANAGER
        if kind is None and self.memorydb_clusters_of(eni):
            return MEMORYDB_NODE
        if kind is None and self.firehose_streams_of(eni):
            return FIREHOSE_STREAM
        if kind is REDSHIFT_NODE:
            clusters = self.redshift_clusters_of(eni)
            if clusters and not any(c.enhanced_vpc_routing for c in clusters):
                return INTERNET_ROUTED_REDSHIFT_NODE
        if kind is DB_INSTANCE:
            engines = [db_engine_kind(i.engine) for i in self.db_instances_of(eni)]
            if engines and all(engine is not None for engine in engines):
                return db_instance_kind(tuple(e for e in engines if e is not None))
        return kind

    def _is_emr_cluster_manager(self, eni: r.NetworkInterface) -> bool:
        """The device Amazon EMR attaches to a cluster's primary instance to manage it: an
        interface on an instance whose groups (at least one, all collected) are all EMR service
        access groups (:func:`is_emr_service_access_group`)."""
        emr = self._emr_service_access_groups
        return (bool(emr) and bool(eni.group_ids) and EMR_CLUSTER_MANAGER.matches(eni)
                and all(g in emr for g in eni.group_ids))

    @cached_property
    def _emr_service_access_groups(self) -> frozenset[str]:
        return frozenset(g.group_id for g in self.security_groups.values() if is_emr_service_access_group(g))

    @cached_property
    def _datasync_tasks_by_eni(self) -> dict[str, tuple[r.DataSyncTask, ...]]:
        pairs = [(eni, t) for t in sorted(self.region.datasync_tasks, key=lambda t: t.task_arn)
                 for eni in t.network_interface_ids]
        return {eni: tuple(t for _, t in group) for eni, group in _grouped(pairs, lambda p: p[0]).items()}

    def datasync_tasks_of(self, eni: r.NetworkInterface) -> tuple[r.DataSyncTask, ...]:
        """The DataSync tasks whose DescribeTask lists ``eni`` among the network interfaces DataSync
        created for their source or destination location; empty when the tasks were not collected
        (an older snapshot, access denied, a Region without DataSync) or none lists it. The listing
        is by the interface's ARN, an identity: nothing is guessed from its subnet, groups or
        description, which AWS does not document."""
        if not self.has(Part.DATASYNC_TASKS):
            return ()
        return self._datasync_tasks_by_eni.get(eni.network_interface_id, ())

    @cached_property
    def _redshift_clusters_by_node(self) -> dict[tuple[str, str], r.RedshiftCluster]:
        return {(c.vpc_id, ip): c for c in self.region.redshift_clusters for ip in c.node_private_ips}

    @cached_property
    def _redshift_clusters_by_groups(self) -> dict[tuple[str, tuple[str, ...]], tuple[r.RedshiftCluster, ...]]:
        return _grouped(sorted(self.region.redshift_clusters, key=lambda c: c.cluster_identifier),
                        lambda c: (c.vpc_id, c.group_ids))

    def redshift_clusters_of(self, eni: r.NetworkInterface) -> tuple[r.RedshiftCluster, ...]:
        """The Redshift clusters a node's interface (:func:`is_redshift_node`) may belong to; empty
        when the clusters were not collected (an older snapshot, access denied, a Region without
        Redshift) or none fits.

        First, the cluster with a node at one of the interface's private addresses in its VPC:
        DescribeClusters gives each node (leader and compute) its private IP address, an address
        belongs to one interface of a VPC at a time, and keying it by VPC keeps VPCs with
        overlapping CIDRs apart — an identity. Else the clusters in its VPC whose VPC security
        groups are exactly its groups (the cluster's groups are those on its nodes' interfaces,
        filtering their traffic: with enhanced VPC routing "you can use standard VPC features,
        such as VPC security groups"), every one of them when several share both: a node left out
        of ``ClusterNodes`` (moto lists none) is still told apart by its groups, and an interface
        that fits two clusters is never given the routing of one of them."""
        if not self.has(Part.REDSHIFT_CLUSTERS):
            return ()
        by_node = next((c for ip in eni.private_ip_addresses
                        if (c := self._redshift_clusters_by_node.get((eni.vpc_id, ip))) is not None), None)
        if by_node is not None:
            return (by_node,)
        return self._redshift_clusters_by_groups.get((eni.vpc_id, eni.group_ids), ())

    @cached_property
    def _memorydb_clusters_by_groups(self) -> dict[tuple[str, tuple[str, ...]], tuple[r.MemoryDBCluster, ...]]:
        return _grouped(sorted((c for c in self.region.memorydb_clusters if c.vpc_id and c.group_ids),
                               key=lambda c: c.name), lambda c: (c.vpc_id, c.group_ids))

    def memorydb_clusters_of(self, eni: r.NetworkInterface) -> tuple[r.MemoryDBCluster, ...]:
        """The MemoryDB clusters whose node ``eni`` may be; empty when the clusters were not
        collected (an older snapshot, access denied, a Region without MemoryDB) or none fits.

        MemoryDB places each node in a subnet of the cluster's subnet group ("MemoryDB uses that
        subnet group to choose a subnet and IP addresses within that subnet to associate with your
        nodes", MemoryDB API, CreateSubnetGroup) and filters its traffic with the
        cluster's security groups ("Access Patterns for Accessing a MemoryDB Cluster in an Amazon
        VPC"). AWS documents neither the description nor the requester of a node's interface, and
        DescribeClusters gives no node address (a node's ``Endpoint`` is a DNS name), so what
        fits is where MemoryDB put it: an interface typed ``interface`` (botocore's
        ``NetworkInterfaceType`` has no MemoryDB type; assumed), attached to no instance of the
        account, in a subnet of the cluster's subnet group in its VPC, carrying exactly the
        cluster's groups — at least one. An instance, a Lambda function's or any other typed
        interface there never fits; a requester-managed interface of another service with exactly
        a cluster's groups in its subnets would (assumed rare: a group made for a data store's
        port). A cluster whose subnet group was not listed fits nothing."""
        if (not self.has(Part.MEMORYDB_CLUSTERS) or eni.instance_id is not None
                or eni.interface_type != "interface" or not eni.group_ids):
            return ()
        candidates = self._memorydb_clusters_by_groups.get((eni.vpc_id, tuple(sorted(eni.group_ids))), ())
        return tuple(c for c in candidates if eni.subnet_id in c.subnet_ids)

    @cached_property
    def _db_instances_by_groups(self) -> dict[tuple[str, tuple[str, ...]], tuple[r.DBInstance, ...]]:
        return _grouped(sorted(self.region.db_instances, key=lambda i: i.db_instance_identifier),
                        lambda i: (i.vpc_id, i.group_ids))

    def db_instances_of(self, eni: r.NetworkInterface) -> tuple[r.DBInstance, ...]:
        """The DB instances (RDS, Aurora, Neptune, DocumentDB) a DB instance's interface
        (:func:`is_db_instance`) may belong to; empty when the instances were not collected (an older
        snapshot, access denied) or none fits.

        Those in its VPC, with its subnet among their DB subnet group's subnets and exactly its
        groups as their VPC security groups: RDS places an instance's interface in a subnet of its
        DB subnet group ("a collection of subnets ... that you create in a VPC and that you then
        designate for your DB instances", RDS User Guide) and gives it the instance's groups
        ("Security groups control the access that traffic has in and out of a DB instance").
        DescribeDBInstances gives no address of the instance, so the fit is not an identity: every
        instance fitting is returned, and the interface calls what any of their engines calls."""
        if not self.has(Part.DB_INSTANCES):
            return ()
        return tuple(i for i in self._db_instances_by_groups.get((eni.vpc_id, eni.group_ids), ())
                     if eni.subnet_id in i.subnet_ids)

    @cached_property
    def _mq_brokers_by_address(self) -> dict[tuple[str, str], r.MqBroker]:
        return {(subnet, ip): b for b in sorted(self.region.mq_brokers, key=lambda b: b.broker_id)
                if b.engine_type == MQ_INTERFACE_ENGINE for subnet in b.subnet_ids for ip in b.instance_ips}

    @cached_property
    def _mq_brokers_by_groups(self) -> dict[tuple[str, tuple[str, ...]], tuple[r.MqBroker, ...]]:
        out: dict[tuple[str, tuple[str, ...]], list[r.MqBroker]] = defaultdict(list)
        for b in sorted(self.region.mq_brokers, key=lambda b: b.broker_id):
            if b.engine_type == MQ_INTERFACE_ENGINE and not b.instance_ips:
                for subnet in b.subnet_ids:
                    out[(subnet, b.group_ids)].append(b)
        return {k: tuple(v) for k, v in out.items()}

    def mq_broker_of(self, eni: r.NetworkInterface) -> r.MqBroker | None:
        """The Amazon MQ for ActiveMQ broker whose network interface ``eni`` is; None when the
        brokers were not collected (an older snapshot, access denied, a Region without Amazon MQ)
        or none fits.

        First, the broker with an instance at one of the interface's addresses, in one of the
        broker's subnets: DescribeBroker gives each instance's ``IpAddress``, "The IP address of
        the Elastic Network Interface (ENI) attached to the broker", an address belongs to one
        interface of a subnet at a time, and keying it by subnet keeps VPCs with overlapping
        CIDRs apart — an identity. AWS does not say whether a publicly accessible broker's
        ``IpAddress`` is the interface's private or public address: both are matched (assumed).
        Else, for a broker listing no address (moto lists fixed ones; AWS documents none missing),
        an interface in one of its subnets whose groups are exactly its ``SecurityGroups``, on no
        instance, typed ``interface`` and not requester-managed (assumed, as Amazon MQ has the
        caller's ``ec2:CreateNetworkInterface`` create it "in your account on your behalf"): a
        Lambda event source mapping's pollers, which Lambda creates "for the subnets and security
        groups of your broker's VPC" and which call Lambda, STS and Secrets Manager, are typed
        ``lambda`` and stay workloads, as do Fargate tasks (requester-managed). Several brokers
        fitting so are all ActiveMQ brokers: any of them answers.

        A RabbitMQ broker has no such interface: its instances' ``IpAddress`` "Does not apply to
        RabbitMQ brokers" (botocore's mq model), and a private one is reached through VPC
        endpoints Amazon MQ creates in its subnets (CreateBroker's ``SubnetIds``: "Amazon MQ will
        not be able to create VPC endpoints for your broker with multiple subnets in the same
        Availability Zone"), whose interfaces are an endpoint's (:attr:`plumbing_eni_ids`)."""
        if not self.region.mq_brokers or not self.has(Part.MQ_BROKERS):
            return None
        for ip in (*eni.private_ip_addresses, *(eni.public_ip_addresses or ())):
            broker = self._mq_brokers_by_address.get((eni.subnet_id, ip))
            if broker is not None:
                return broker
        if eni.instance_id is not None or eni.interface_type != "interface" or eni.requester_managed:
            return None
        fitting = self._mq_brokers_by_groups.get((eni.subnet_id, eni.group_ids), ())
        return fitting[0] if fitting else None

    @cached_property
    def _firehose_streams_by_placement(self) -> dict[tuple[str, tuple[str, ...]], tuple[r.FirehoseStream, ...]]:
        """(subnet, security groups) → the streams that place interfaces there, by name."""
        placed: dict[tuple[str, tuple[str, ...]], dict[str, r.FirehoseStream]] = defaultdict(dict)
        for stream in self.region.firehose_streams:
            for configuration in stream.vpc_configurations:
                for subnet in configuration.subnet_ids:
                    placed[(subnet, configuration.group_ids)][stream.delivery_stream_name] = stream
        return {key: tuple(streams[name] for name in sorted(streams)) for key, streams in placed.items()}

    def firehose_streams_of(self, eni: r.NetworkInterface) -> tuple[r.FirehoseStream, ...]:
        """The Firehose streams ``eni`` may be an interface of; empty when the streams were not
        collected (an older snapshot, access denied, a Region without Firehose) or none fits.

        A stream delivering into a VPC (an OpenSearch Service or OpenSearch Serverless destination's
        ``VpcConfigurationDescription``) "creates at least one ENI in each of the subnets that are
        specified here", with "the security groups that Firehose uses when it creates ENIs". So an
        interface is the stream's when it is in one of those subnets with exactly those groups, on
        no instance, and undescribed. AWS documents how the interfaces come to be (the stream's
        role creates them), not how DescribeNetworkInterfaces describes them: an empty Description
        and no attachment to an instance of the account are assumed. An interface fitting only
        some of that (another group too, a description, an instance) stays a workload of its own:
        no endpoint loses a client the snapshot cannot rule out."""
        if not FIREHOSE_STREAM.matches(eni) or not self.has(Part.FIREHOSE_STREAMS):
            return ()
        return self._firehose_streams_by_placement.get((eni.subnet_id, eni.group_ids), ())

    def called_service(self, endpoint: r.VpcEndpoint) -> str | None:
        """The service key :meth:`may_call` asks about for clients of ``endpoint``: its AWS
        service's key, None for a PrivateLink service or a Resource / service-network endpoint."""
        return self.service(endpoint).key if self.is_aws_service_endpoint(endpoint) else None

    def private_dns_inbound_only(self, endpoint: r.VpcEndpoint) -> bool:
        """Is the endpoint's private DNS on and limited to inbound Resolver endpoints
        (``DnsOptions.PrivateDnsOnlyForInboundResolverEndpoint``, the console's default for S3)?

        Then S3's (or DynamoDB's) default names resolve to the endpoint only for queries arriving
        through an inbound Resolver endpoint — on premises, forwarded there — and the VPC's own
        queries keep getting the service's public addresses, which its gateway endpoint carries:
        the option "routes traffic that originates from the VPC to the gateway endpoint and traffic
        that originates from on-premises to the interface endpoint" (EC2 API,
        DnsOptionsSpecification), "This in-VPC traffic automatically uses the lower-cost gateway
        endpoints" (S3 User Guide, private DNS), and AWS refuses the option in a VPC without a
        gateway endpoint for the service. The paths, the DNS model and the endpoint's clients
        (:meth:`endpoint_clients`) all read it here."""
        return bool(endpoint.private_dns_enabled and endpoint.private_dns_only_for_inbound_resolver_endpoint)

    def serves_no_vpc_client(self, endpoint: r.VpcEndpoint) -> bool:
        """Does none of the VPC's workloads reach the service through this interface endpoint?

        So when its private DNS answers inbound Resolver endpoints only
        (:meth:`private_dns_inbound_only`): the VPC's workloads call the service through the gateway
        endpoint. And so for an S3 or DynamoDB interface endpoint with private DNS off (DynamoDB's
        has none) beside an available gateway endpoint for the same service in the VPC, no private
        hosted zone of the VPC answering the service's Regional name: the default
        names resolve to the service's public addresses, which the gateway endpoint carries —
        "Using default Regional DynamoDB names, in-Amazon VPC applications send data to the gateway
        endpoint … only your on-premises applications would use interface endpoints" (DynamoDB
        Developer Guide, AWS PrivateLink for DynamoDB; the S3 guide likewise). Only code written
        against the endpoint's own names (``*.vpce.amazonaws.com``), which no snapshot shows, would
        use it from the VPC; its clients are beyond the VPC, where the rules that judge them look.
        And so for a service whose clients are people's devices beyond the VPC
        (``REMOTE_CLIENT_SERVICES``: AppStream 2.0's streaming endpoint, which users reach over VPN
        or Direct Connect; the fleet instances in the VPC are what is streamed)."""
        if self.private_dns_inbound_only(endpoint):
            return True
        info = self.service(endpoint)
        if endpoint.endpoint_type == "Interface" and info.is_aws_service and info.key in REMOTE_CLIENT_SERVICES:
            return True
        if endpoint.endpoint_type != "Interface" or endpoint.private_dns_enabled:
            return False
        if not (info.is_aws_service and info.key in _BESIDE_GATEWAY_SERVICES and info.region == self.region_name
                and info.key in self.memo(_gateway_services_of, endpoint.vpc_id)):
            return False
        # Unless a private hosted zone of the VPC answers the service's Regional name (one AWS warns
        # against, "Do not create private hosted zones to override DynamoDB endpoint DNS names"):
        # then the VPC's calls go where the zone says.
        regional = f"{info.key}.{self.region_name}.{dns_suffix(self.region_name)}"
        return not any(covers(zone.name, regional) for zone in self.hosted_zones_of(endpoint.vpc_id))

    def endpoint_clients(self, endpoint: r.VpcEndpoint) -> tuple[r.NetworkInterface, ...]:
        """The clients of ``endpoint`` in its own VPC: the workload ENIs that may call its service
        (:meth:`client_enis`); none at all where it serves no VPC client (:meth:`serves_no_vpc_client`)."""
        if self.serves_no_vpc_client(endpoint):
            return ()
        return self.client_enis(endpoint.vpc_id, self.called_service(endpoint))

    def endpoint_client_azs(self, endpoint: r.VpcEndpoint) -> ClientAzs:
        """The client AZs of ``endpoint`` in its own VPC (:meth:`client_azs`, for the clients
        :meth:`endpoint_clients` counts)."""
        if self.serves_no_vpc_client(endpoint):
            return ClientAzs(frozenset(), True)  # none, whatever the ENIs: nothing is assumed
        return self.client_azs(endpoint.vpc_id, self.called_service(endpoint))

    def endpoint_client_subnets(self, endpoint: r.VpcEndpoint) -> tuple[r.Subnet, ...]:
        """The client subnets of ``endpoint`` in its own VPC (:meth:`client_subnets`, for the
        clients :meth:`endpoint_clients` counts), worked out once per VPC and service."""
        if self.serves_no_vpc_client(endpoint):
            return ()
        return self.memo(NetworkView.client_subnets, endpoint.vpc_id, self.called_service(endpoint))

    def calls_through(self, eni: r.NetworkInterface, endpoint: r.VpcEndpoint) -> bool:
        """Is this workload ENI of the endpoint's VPC one of its clients (:meth:`endpoint_clients`)?"""
        return not self.serves_no_vpc_client(endpoint) and self.may_call(eni, self.called_service(endpoint))

    def client_enis(self, vpc_id: str, service_key: str | None = None) -> tuple[r.NetworkInterface, ...]:
        """Workload ENIs of the VPC that may call ``service_key`` (:meth:`may_call`); all of them
        for None."""
        return self.workload_enis_but(vpc_id, kinds_not_calling(service_key))

    def workload_enis_but(self, vpc_id: str, left_out: frozenset[str]) -> tuple[r.NetworkInterface, ...]:
        """Workload ENIs of the VPC but those of the managed kinds ``left_out`` (names), worked
        out once per VPC and set of kinds: most services leave out the same kinds."""
        if not left_out:
            return self.workload_enis(vpc_id)
        return self.memo(_enis_but, vpc_id, left_out)

    def client_azs(self, vpc_id: str, service_key: str | None = None) -> ClientAzs:
        """AZ IDs of subnets holding workload ENIs that may call ``service_key`` (every workload
        ENI for None); without ENIs, AZs of all private subnets."""
        if self.has(Part.NETWORK_INTERFACES):
            return self.memo(_client_azs, vpc_id, kinds_not_calling(service_key))
        return ClientAzs(frozenset(s.availability_zone_id for s in self.private_subnets(vpc_id)), False)

    def client_subnets(self, vpc_id: str, service_key: str | None = None) -> tuple[r.Subnet, ...]:
        """Subnets holding workload ENIs that may call ``service_key`` (every workload ENI for
        None); without ENIs, all private subnets."""
        if self.has(Part.NETWORK_INTERFACES):
            return self.memo(_client_subnets, vpc_id, kinds_not_calling(service_key))
        return self.private_subnets(vpc_id)

    def has_workloads(self, vpc_id: str) -> bool:
        return bool(self.workload_enis(vpc_id))

    def is_idle_default_vpc(self, vpc_id: str) -> bool:
        """A default VPC without workload ENIs: advisory rules skip it (docs/network-model.md)."""
        vpc = self.vpcs.get(vpc_id)
        return bool(vpc and vpc.is_default and self.has(Part.NETWORK_INTERFACES) and not self.has_workloads(vpc_id))

    def vpc_az_ids(self, vpc_id: str) -> frozenset[str]:
        return frozenset(s.availability_zone_id for s in self.subnets_of(vpc_id))

    def az_name_to_id(self) -> dict[str, str]:
        return {s.availability_zone: s.availability_zone_id for s in self.subnets.values()}

    # -- endpoints and services ------------------------------------------------------------

    def service(self, endpoint: r.VpcEndpoint) -> ServiceInfo:
        # Asked for every endpoint by nearly every rule and path: remembered per endpoint (the same
        # record: a caller may pass an edited copy under the same id), and what service_info reads
        # of an endpoint is shared by the many endpoints of a Region that give one answer.
        known = self._service_of.get(endpoint.vpc_endpoint_id)
        if known is not None and known[0] is endpoint:
            return known[1]
        opensearch = _opensearch_managed(endpoint)
        key = (endpoint.service_name, endpoint.service_region, endpoint.endpoint_type, opensearch)
        info = self._service_cache.get(key)
        if info is None:
            info = service_info(endpoint, self.services.get(endpoint.service_name) if self.services else None,
                                self.region_name)
            if opensearch and not info.ports:
                info = replace(info, ports=OPENSEARCH_ENDPOINT_PORTS)
            configured = self._service_ports.get(endpoint.service_name)
            if configured and not info.ports and endpoint.endpoint_type == "Interface":
                # Only where the service publishes none: an AWS service's documented ports stand.
                # HTTPS, where configured, is the one every client needs (the others may be a
                # service's side channels: a certificate-status cache on 80, say); without it,
                # any configured port serves.
                info = replace(info, ports=configured, ports_configured=True,
                               required_ports=(HTTPS,) if HTTPS in configured else ())
            self._service_cache[key] = info
        if not info.ports and endpoint.endpoint_type == "Interface" and self._serves_opensearch_serverless(endpoint):
            info = replace(info, ports=OPENSEARCH_SERVERLESS_PORTS)  # this endpoint's, not its service name's
        self._service_of[endpoint.vpc_endpoint_id] = (endpoint, info)
        return info

    def _serves_opensearch_serverless(self, endpoint: r.VpcEndpoint) -> bool:
        """A private zone of the endpoint's VPC holds a name under ``aoss.<DNS suffix>`` aliasing one
        of the endpoint's DNS names (see :data:`OPENSEARCH_SERVERLESS_DOMAIN`)."""
        names = {e.dns_name.lower().rstrip(".") for e in endpoint.dns_entries}
        domain = f".{OPENSEARCH_SERVERLESS_DOMAIN}.{dns_suffix(self.region_name)}"
        return any(record.alias_dns_name and record.alias_dns_name.lower().rstrip(".") in names
                   and record.name.lower().rstrip(".").endswith(domain)
                   for zone in self.hosted_zones_of(endpoint.vpc_id) for record in zone.record_sets)

    def is_aws_service_endpoint(self, endpoint: r.VpcEndpoint) -> bool:
        return endpoint.endpoint_type not in NON_SERVICE_ENDPOINT_TYPES and self.service(endpoint).is_aws_service

    def endpoint_ended(self, endpoint: r.VpcEndpoint) -> bool:
        """Deleting, deleted, rejected, failed or expired: IFE004 reports it; traffic rules skip it."""
        return endpoint.state.lower() in ENDED_ENDPOINT_STATES

    def endpoint_az_ids(self, endpoint: r.VpcEndpoint) -> frozenset[str]:
        """The AZ IDs of the endpoint's subnets (asked for every path that reaches the endpoint)."""
        found = self._endpoint_azs.get(endpoint.vpc_endpoint_id)
        if found is None:
            found = frozenset(a for a in (self.az_id_of(s) for s in endpoint.subnet_ids) if a)
            self._endpoint_azs[endpoint.vpc_endpoint_id] = found
        return found

    def offered_az_ids(self, info: ServiceInfo) -> frozenset[str] | None:
        """AZ IDs in which the service is offered, or None when service details are unknown.

        A service in another Region (a cross-Region endpoint) is offered in every AZ of this one
        but those cross-Region access does not reach: "providers and consumers are not required to
        use the same Availability Zones", and "Cross Region access is not supported for the
        following Availability Zones" (PrivateLink guide) — whatever another Region's listing
        says, which the collection does not hold anyway. Those are the Region's Availability Zones:
        a zone recorded as a Local Zone or Wavelength Zone (:meth:`is_edge_zone`) is not among them
        (assumed, as a service of this Region is assumed offered in its AZs only); without the
        zones recorded every zone of the VPC's subnets counts, as before."""
        if info.region != self.region_name:
            return frozenset(a for a in self.az_name_to_id().values()
                             if not self.is_edge_zone(a)) - CROSS_REGION_UNSUPPORTED_AZ_IDS
        if not info.details_known:
            return None
        if info.offered_az_ids:
            return frozenset(info.offered_az_ids)
        names = self.az_name_to_id()
        return frozenset(names.get(n, n) for n in info.offered_az_names)

    def endpoint_addresses(self, endpoint: r.VpcEndpoint) -> tuple[str, ...]:
        return tuple(ip for eni in endpoint.network_interface_ids
                     for ip in (self.interfaces[eni].private_ip_addresses if eni in self.interfaces else ()))

    def endpoint_public_addresses(self, endpoint: r.VpcEndpoint) -> tuple[str, ...] | None:
        """The public IPv4 addresses on the endpoint's interfaces (an internet-facing AWS Transfer
        Family server's Elastic IPs), sorted; ``()`` when every interface is recorded without one.
        None when interfaces were not collected, or when none known carries one while another is
        missing or was recorded before public addresses were (an older snapshot)."""
        if not self.has(Part.NETWORK_INTERFACES):
            return None
        known: list[str] = []
        unknown = False
        for eni_id in endpoint.network_interface_ids:
            eni = self.interfaces.get(eni_id)
            if eni is None or eni.public_ip_addresses is None:
                unknown = True
            else:
                known.extend(eni.public_ip_addresses)
        return tuple(sorted(set(known))) if known or not unknown else None

    def endpoint_subnet_cidrs(self, endpoint: r.VpcEndpoint) -> tuple[str, ...]:
        return tuple(c for c in (self.subnets[s].cidr_block for s in endpoint.subnet_ids if s in self.subnets) if c)

    def private_dns_effective(self, endpoint: r.VpcEndpoint) -> bool:
        """Private DNS is on *and* the VPC's resolver and hostnames attributes allow it."""
        vpc = self.vpcs.get(endpoint.vpc_id)
        return bool(endpoint.private_dns_enabled and vpc and vpc.enable_dns_support is not False
                    and vpc.enable_dns_hostnames is not False)

    def vpc_cidrs(self, vpc_id: str) -> tuple[str, ...]:
        vpc = self.vpcs.get(vpc_id)
        return (vpc.cidr_blocks + vpc.ipv6_cidr_blocks) if vpc else ()

    def cidr_inside_vpc(self, vpc_id: str, cidr: str) -> bool:
        net = parse_network(cidr)
        if net is None:
            return False
        for vc in self.vpc_cidrs(vpc_id):
            vnet = parse_network(vc)
            if vnet is not None and vnet.version == net.version and net.subnet_of(vnet):  # type: ignore[arg-type]
                return True
        return False

    @cached_property
    def _explicit_nacls(self) -> dict[str, r.NetworkAcl]:
        out: dict[str, r.NetworkAcl] = {}
        for acl in self.region.network_acls:
            for subnet_id in acl.subnet_ids:
                out.setdefault(subnet_id, acl)
        return out

    @cached_property
    def _default_nacls(self) -> dict[str, r.NetworkAcl]:
        out: dict[str, r.NetworkAcl] = {}
        for acl in self.region.network_acls:
            if acl.is_default:
                out.setdefault(acl.vpc_id, acl)
        return out

    def nacl_of(self, subnet_id: str) -> r.NetworkAcl | None:
        explicit = self._explicit_nacls.get(subnet_id)
        if explicit is not None:
            return explicit
        subnet = self.subnets.get(subnet_id)
        return self._default_nacls.get(subnet.vpc_id) if subnet else None


K = TypeVar("K")
T = TypeVar("T")
_MISSING = object()  # NetworkView.memo's "not computed yet": a fact may be None
V = TypeVar("V")


# AZ IDs where an endpoint cannot reach a service in another Region: "Cross Region access is not
# supported for the following Availability Zones: use1-az3, usw1-az2, apne1-az3, apne2-az2, and
# apne2-az4" (AWS PrivateLink guide, AWS services with cross-Region support; and sharing services).
CROSS_REGION_UNSUPPORTED_AZ_IDS = frozenset({"use1-az3", "usw1-az2", "apne1-az3", "apne2-az2", "apne2-az4"})

# The services whose interface endpoints AWS documents beside their gateway endpoints (S3 and
# DynamoDB; not S3 Express One Zone, whose pages describe no such pairing).
_BESIDE_GATEWAY_SERVICES = frozenset({"s3", "dynamodb"})


def _gateway_services_of(view: NetworkView, vpc_id: str) -> frozenset[str]:
    """The services the VPC's available gateway endpoints in its own Region carry."""
    return frozenset(info.key for e in view.endpoints_of(vpc_id)
                     if e.endpoint_type == "Gateway" and e.state.lower() == "available"
                     and (info := view.service(e)).is_aws_service and info.region == view.region_name)


# The client AZs and subnets of a VPC's endpoints, per set of managed kinds left out rather than per
# service: most services leave out the same kinds (client_enis), and every endpoint asks.
def _client_azs(view: NetworkView, vpc_id: str, left_out: frozenset[str]) -> ClientAzs:
    azs = {view.az_id_of(i.subnet_id) for i in view.workload_enis_but(vpc_id, left_out)}
    return ClientAzs(frozenset(a for a in azs if a), True)


def _client_subnets(view: NetworkView, vpc_id: str, left_out: frozenset[str]) -> tuple[r.Subnet, ...]:
    ids = {i.subnet_id for i in view.workload_enis_but(vpc_id, left_out)}
    return tuple(s for s in view.subnets_of(vpc_id) if s.subnet_id in ids)


def _enis_but(view: NetworkView, vpc_id: str, left_out: frozenset[str]) -> tuple[r.NetworkInterface, ...]:
    """The VPC's workload ENIs but those of the managed kinds ``left_out``."""
    enis = view.workload_enis(vpc_id)
    dropped = {i.network_interface_id for i, kind in view.memo(_managed_workloads, vpc_id) if kind.among(left_out)}
    return tuple([i for i in enis if i.network_interface_id not in dropped]) if dropped else enis


def _managed_workloads(view: NetworkView, vpc_id: str) -> tuple[tuple[r.NetworkInterface, ManagedKind], ...]:
    """The VPC's workload ENIs of a managed kind, with it: once per VPC, not once per set of kinds
    left out (most ENIs are of none, and leaving kinds out never drops them)."""
    return tuple((i, kind) for i in view.workload_enis(vpc_id) if (kind := view.managed_kind_of(i)) is not None)


def _opensearch_managed(endpoint: r.VpcEndpoint) -> bool:
    """An OpenSearch Service-managed VPC endpoint: its service-linked role may create endpoints only
    "when the request contains the tag OpenSearchManaged=true"."""
    return any(t.key == "OpenSearchManaged" and t.value == "true" for t in endpoint.tags)


def msk_connection_cluster(endpoint: r.VpcEndpoint) -> str | None:
    """The cluster ARN of an Amazon MSK managed VPC connection's endpoint; None for any other.

    MSK tags the endpoint of a connection it creates ``AWSMSKManaged: true`` and ``ClusterArn``:
    AmazonMSKFullAccess allows ``ec2:CreateVpcEndpoint`` only with those two request tags, and the
    service-linked role's KafkaServiceRolePolicy modifies and deletes only endpoints carrying both.
    The connection, not the endpoint, is what its owner deletes (``kafka:DeleteVpcConnection``);
    the tags do not name the connection, only its cluster.
    """
    if r.tag_value(endpoint.tags, MSK_MANAGED_TAG) != "true":
        return None
    return r.tag_value(endpoint.tags, MSK_CLUSTER_TAG) or None


def _is_opensearch_domain(eni: r.NetworkInterface) -> bool:
    return bool(_OPENSEARCH_DOMAIN.fullmatch(eni.description)) and eni.instance_id is None


# The name (a prefix: AWS may add a suffix) of the security group CloudFront manages for the
# interfaces of a VPC origin, and the tag its service-linked role must put on each of them.
CLOUDFRONT_VPC_ORIGIN_GROUP = "CloudFront-VPCOrigins-Service-SG"
CLOUDFRONT_VPC_ORIGIN_TAG = "aws.cloudfront.vpcorigin"
# The tag FSx's service-linked role puts on the interfaces of a file system (its id).
FSX_FILE_SYSTEM_TAG = "AmazonFSx.FileSystemId"
# How CloudHSM's HSM interfaces and KMS's interfaces for a CloudHSM key store are described.
HSM_INTERFACE_DESCRIPTIONS = ("CloudHsm ENI ", "KMS managed ENI for cluster ")
# The tag AWS Verified Access puts on the interfaces of its endpoints (value "true").
VERIFIED_ACCESS_TAG = "VerifiedAccessManaged"
# The tag key Amazon Managed Service for Prometheus's scraper role must put on every interface it
# creates (AmazonPrometheusScraperServiceRolePolicy: CreateNetworkInterface only with this tag key).
AMP_SCRAPER_TAG = "AMPAgentlessScraper"


def _is_msk_broker(eni: r.NetworkInterface) -> bool:
    return bool(_MSK_BROKER.fullmatch(eni.description)) and eni.instance_id is None


def _is_eks_control_plane(eni: r.NetworkInterface) -> bool:
    return bool(_EKS_CONTROL_PLANE.fullmatch(eni.description)) and eni.instance_id is None


def is_db_instance(eni: r.NetworkInterface) -> bool:
    """A DB instance's network interface (RDS, Aurora; Neptune's alike), as DescribeNetworkInterfaces
    reports it: requester-managed, RequesterId ``amazon-rds``, Description exactly
    ``RDSNetworkInterface``. All three must hold: an interface anyone describes so, or RDS's
    with another description (an RDS Proxy's), is not taken for one."""
    return (eni.requester_managed and eni.requester_id == RDS_REQUESTER_ID
            and eni.description == DB_INSTANCE_DESCRIPTION)


def is_redshift_node(eni: r.NetworkInterface) -> bool:
    """An Amazon Redshift cluster node's network interface: Description exactly
    ``RedshiftNetworkInterface`` (what public inventories match on; AWS documents no RequesterId
    for it), attached to no instance of the account."""
    return eni.description == REDSHIFT_DESCRIPTION and eni.instance_id is None


@dataclass(frozen=True)
class ManagedKind:
    """Interfaces a managed service creates for its own engine, which calls AWS services from them
    only for the integrations AWS documents (:meth:`NetworkView.may_call`)."""

    name: str
    matches: Callable[[r.NetworkInterface], bool]
    services: frozenset[str]  # endpoint service keys it may call; any PrivateLink service besides
    # The kinds an interface of this kind may be any one of (names): a DB instance's interface that
    # fits several instances of different engines (NetworkView.managed_kind_of) calls what any calls.
    unites: tuple[str, ...] = ()

    def among(self, names: frozenset[str]) -> bool:
        """Is this kind one of ``names`` (e.g. :func:`kinds_not_calling`'s): by its name or, for a
        kind uniting several, when every kind it unites is — it calls what any one of them calls."""
        return self.name in names or (bool(self.unites) and all(n in names for n in self.unites))


def is_amp_collector(eni: r.NetworkInterface) -> bool:
    """An Amazon Managed Service for Prometheus managed collector's interface: on no instance,
    tagged ``AMPAgentlessScraper`` (the only tag key its service-linked role may create it with)."""
    return eni.instance_id is None and r.tag_value(eni.tags, AMP_SCRAPER_TAG) is not None


def is_dms_replication_instance(eni: r.NetworkInterface) -> bool:
    """An AWS DMS replication instance's network interface: described exactly
    ``DMSNetworkInterface``, attached to no instance of the account. Unlike a DB instance's it is
    an ordinary client (DMS reads and writes S3, Secrets Manager, KMS, Kinesis… from it)."""
    return eni.description == DMS_DESCRIPTION and eni.instance_id is None


def is_elasticache_node(eni: r.NetworkInterface) -> bool:
    """An ElastiCache cache node's network interface: described ``ElastiCache <cluster id>`` (what
    public inventories show; AWS documents no RequesterId for it), attached to no instance."""
    return bool(_ELASTICACHE_NODE.fullmatch(eni.description)) and eni.instance_id is None


def is_emr_service_access_group(group: r.SecurityGroup) -> bool:
    """A service access group Amazon EMR created, by its default name or its description. A group
    a customer creates and names as a cluster's ``ServiceAccessSecurityGroup`` is not recognised
    (DescribeCluster is not collected): its members stay ordinary workloads."""
    return (group.group_name == EMR_SERVICE_ACCESS_GROUP
            or group.description.startswith(EMR_SERVICE_ACCESS_DESCRIPTION))


def _on_an_instance(eni: r.NetworkInterface) -> bool:
    return eni.instance_id is not None


def _on_no_instance(eni: r.NetworkInterface) -> bool:
    return eni.instance_id is None




def _undescribed_on_no_instance(eni: r.NetworkInterface) -> bool:
    return eni.instance_id is None and not eni.description


# An interface through which an Amazon Data Firehose stream delivers to an OpenSearch Service
# domain or OpenSearch Serverless collection in a VPC: the stream sends its records from it and
# nothing else — "Kinesis Data Firehose uses an IAM role to access the specified … S3 bucket, AWS
# KMS key, and CloudWatch log group and streams" (Developer Guide, controlling access), and its
# network requirement is traffic "to the subnets that have the destination Amazon OpenSearch
# Service endpoints" (API reference, VpcConfiguration). A workload (it originates the deliveries),
# a client of no AWS service; told by the streams (NetworkView.firehose_streams_of).
FIREHOSE_STREAM = ManagedKind("Firehose stream", _undescribed_on_no_instance, frozenset())
REDSHIFT_NODE = ManagedKind("Redshift cluster", is_redshift_node, REDSHIFT_SERVICES)
# A node of a cluster with enhanced VPC routing off: what the interface alone cannot say, told by
# the cluster (NetworkView.managed_kind_of).
INTERNET_ROUTED_REDSHIFT_NODE = ManagedKind("internet-routed Redshift cluster", is_redshift_node, frozenset())
# The interface through which Amazon EMR manages a cluster in a private subnet: "To manage the
# cluster on a VPC, Amazon EMR attaches a network device to the master node and manages it through
# this device" (EMR Management Guide, launching clusters into a VPC). It carries the service
# access group alone, whose rules EMR writes: inbound 9443 from the primary group, outbound 8443 to
# the primary and core groups only — "These rules allow the cluster manager to communicate with
# the primary node and with core and task nodes" (EMR-managed security groups). It is EMR's way
# into the VPC and calls no AWS service from it; told by its groups (NetworkView.managed_kind_of).
EMR_CLUSTER_MANAGER = ManagedKind("EMR cluster manager", _on_an_instance, frozenset())
# A MemoryDB cluster's node. No AWS API is called from it: snapshots "are written to Amazon S3" by
# the service, an export is copied by MemoryDB to a bucket it is granted ("Exporting a snapshot"),
# and an IAM authentication token, signed by the client, is validated by MemoryDB ("Authenticating
# with IAM"); no MemoryDB page asks for an endpoint or a path from the cluster's subnets. Told by
# its cluster (NetworkView.memorydb_clusters_of), not by its own fields, which AWS does not document.
MEMORYDB_NODE = ManagedKind("MemoryDB node", _on_no_instance, frozenset())
# A DB instance's interface, its engine unknown: a client of what every engine calls.
DB_INSTANCE = ManagedKind("DB instance", is_db_instance, DB_INSTANCE_SERVICES)
# A DB instance's interface whose engine the instance it fits tells (NetworkView.managed_kind_of),
# per engine family, and the Engine values of DescribeDBInstances (CreateDBInstance's valid values,
# "neptune" and "docdb") each family has. Engines not listed (RDS Custom's custom-*, RDS for Db2's
# db2-*, any added later) keep the interface a DB_INSTANCE.
DB_ENGINE_KINDS: dict[ManagedKind, tuple[str, ...]] = {
    ManagedKind("Aurora MySQL DB instance", is_db_instance, AURORA_MYSQL_SERVICES): ("aurora-mysql",),
    ManagedKind("Aurora PostgreSQL DB instance", is_db_instance, AURORA_POSTGRESQL_SERVICES): ("aurora-postgresql",),
    ManagedKind("RDS for PostgreSQL DB instance", is_db_instance, RDS_POSTGRESQL_SERVICES): ("postgres",),
    ManagedKind("RDS for MySQL DB instance", is_db_instance, RDS_MYSQL_SERVICES): ("mysql",),
    ManagedKind("RDS for MariaDB DB instance", is_db_instance, RDS_MARIADB_SERVICES): ("mariadb",),
    ManagedKind("RDS for Oracle DB instance", is_db_instance, RDS_ORACLE_SERVICES): (
        "oracle-ee", "oracle-ee-cdb", "oracle-se2", "oracle-se2-cdb"),
    ManagedKind("RDS for SQL Server DB instance", is_db_instance, RDS_SQLSERVER_SERVICES): (
        "sqlserver-dev-ee", "sqlserver-ee", "sqlserver-se", "sqlserver-ex", "sqlserver-web"),
    ManagedKind("Neptune DB instance", is_db_instance, NEPTUNE_SERVICES): ("neptune",),
    ManagedKind("DocumentDB instance", is_db_instance, DOCUMENTDB_SERVICES): ("docdb",),
}
_DB_ENGINE_KIND = {engine: kind for kind, engines in DB_ENGINE_KINDS.items() for engine in engines}


def db_engine_kind(engine: str) -> ManagedKind | None:
    """The engine family's kind of a DB instance's interface, by DescribeDBInstances' ``Engine``;
    None for an engine whose integrations are not read here."""
    return _DB_ENGINE_KIND.get(engine)


@lru_cache(maxsize=64)
def db_instance_kind(kinds: tuple[ManagedKind, ...]) -> ManagedKind:
    """The kind of a DB instance's interface that fits instances of these engine families: the one
    family's, or one uniting several, which calls what any of them calls."""
    distinct = tuple(sorted(set(kinds), key=lambda k: k.name))
    if len(distinct) == 1:
        return distinct[0]
    return ManagedKind(" or ".join(k.name for k in distinct), is_db_instance,
                       frozenset().union(*(k.services for k in distinct)), tuple(k.name for k in distinct))


# An interface AWS DataSync created for a task ("For every task you create, AWS DataSync
# automatically generates and manages network interfaces for data transfer traffic", DataSync User
# Guide, network interfaces for transfers), told by DescribeTask's Source- and
# DestinationNetworkInterfaceArns (NetworkView.managed_kind_of). It carries the transfer between
# an agent or a file system and the service, and calls no AWS service's endpoint: with an agent
# and a private (VPC) endpoint, the agent sends to it ("DataSync agent → Your task's network
# interfaces, TCP 443, For data transfer from the DataSync VM to the AWS service", network
# requirements for VPC endpoints) while the service writes an S3 location itself ("the DataSync
# service communicates directly with the S3 bucket"); for a file system, "DataSync mounts your
# Amazon EFS file system as the root user from your virtual private cloud (VPC) using network
# interfaces" (NFS to a mount target, SMB or NFS to an FSx file server). That mount is traffic of
# its own in the VPC, so it stays a workload (is_workload unchanged); it is only no client of an
# AWS service's endpoint. Attached to no instance (assumed: DataSync creates it, as a service does).
DATASYNC_TASK = ManagedKind("DataSync task", _on_no_instance, frozenset())
# The kinds an interface is of by its own fields (managed_kind).
MANAGED_KINDS = (DB_INSTANCE,
                 REDSHIFT_NODE,
                 # No AWS API is called from a cache node: backups are copied to S3 and logs
                 # delivered by the service ("Exporting a backup", "Log delivery"), and IAM
                 # authentication is validated by ElastiCache.
                 ManagedKind("ElastiCache node", is_elasticache_node, frozenset()),
                 # A managed collector scrapes the cluster through its interfaces and "uses
                 # remote_write to push the data to your Amazon Managed Service for Prometheus
                 # workspace using a VPC endpoint" (AMP User Guide, AWS managed collectors).
                 ManagedKind("AMP managed collector", is_amp_collector, frozenset({"aps-workspaces"})))


def managed_kind(eni: r.NetworkInterface) -> ManagedKind | None:
    """The managed kind of ``eni`` by its own fields, None for an ordinary workload (a client of
    every service); :meth:`NetworkView.managed_kind_of` adds what the snapshot says of its engine."""
    return next((kind for kind in MANAGED_KINDS if kind.matches(eni)), None)


@lru_cache(maxsize=1024)
def kinds_not_calling(service_key: str | None) -> frozenset[str]:
    """Names of the managed kinds that are no client of an endpoint for ``service_key`` (None:
    not an AWS service's, which every kind may call). Remembered: asked for every endpoint by
    several rules, and the answer depends on the service alone."""
    if service_key is None:
        return frozenset()
    kinds = (*MANAGED_KINDS, INTERNET_ROUTED_REDSHIFT_NODE, EMR_CLUSTER_MANAGER, MEMORYDB_NODE, DATASYNC_TASK,
             FIREHOSE_STREAM, *DB_ENGINE_KINDS)
    return frozenset(kind.name for kind in kinds if service_key not in kind.services)


def _grouped(items: Iterable[V], key: Callable[[V], K]) -> dict[K, tuple[V, ...]]:
    """Items grouped by ``key``, each group in the order the items came."""
    out: dict[K, list[V]] = defaultdict(list)
    for item in items:
        out[key(item)].append(item)
    return {k: tuple(v) for k, v in out.items()}



def _private_subnets(view: NetworkView, vpc_id: str) -> tuple[r.Subnet, ...]:
    return tuple([s for s in view.subnets_of(vpc_id) if not view.is_public(s.subnet_id)])


def _private_source_subnets(view: NetworkView, vpc_id: str) -> tuple[r.Subnet, ...]:
    silent = view.forwarding_subnet_ids | view.control_plane_subnet_ids
    return tuple([s for s in view.private_subnets(vpc_id) if s.subnet_id not in silent])
