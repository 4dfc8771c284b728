"""The snapshot tree: what one collection saw of one or more accounts, and what it could not see.

Every (account, region, part) carries a status, so a rule can tell "collected and empty"
from "not collected" and report *not evaluated* instead of passing silently. :func:`normalised`
sorts everything, so the JSON of two snapshots of the same estate is identical and diffs cleanly
(see :mod:`vpcaudit.snapshot.jsonfile`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any

from vpcaudit.snapshot import resources as r

# 1.1: AccountSnapshot.role, RegionSnapshot.unresolved, Snapshot.skipped_accounts (1.0 files load unchanged)
# 1.2: RegionSnapshot.redshift_clusters (1.0 and 1.1 files load unchanged: the part was not collected);
#      ResolverRuleAssociation.target_ips, resolver_endpoint_id, owner_id (added before 1.2 was released;
#      a file without them, 1.0 to 1.2, loads with the targets not recorded: None);
#      NetworkInterface.public_ip_addresses (added before 1.2 was released; a file without it, 1.0 to
#      1.2, loads with the interface's public addresses not recorded: None);
#      NetworkInterface.source_dest_check (added before 1.2 was released; a file without it, 1.0 to
#      1.2, loads with the interface's source/destination checking not recorded: None);
#      NetworkInterface.carrier_ip_addresses (added before 1.2 was released; a file without it loads
#      with the interface's carrier addresses not recorded: None);
#      Route.network_interface_id (added before 1.2 was released; a file without it loads with the
#      interface an instance route delivers to not recorded: None);
#      RegionSnapshot.memorydb_clusters, db_instances, datasync_tasks, mq_brokers and firehose_streams
#      (added before 1.2 was released; a file without one of them, 1.0 to 1.2, loads with that part not collected);
#      RegionSnapshot.availability_zones (added before 1.2 was released; a file without it loads with
#      the part not collected)
SCHEMA_VERSION = "1.2"
GLOBAL_REGION = "global"


class Part(str, Enum):
    """A unit of collection. Rules declare the parts they need."""

    VPCS = "vpcs"
    VPC_ATTRIBUTES = "vpc_attributes"
    DHCP_OPTIONS = "dhcp_options"
    SUBNETS = "subnets"
    ROUTE_TABLES = "route_tables"
    INTERNET_GATEWAYS = "internet_gateways"
    NAT_GATEWAYS = "nat_gateways"
    VPC_ENDPOINTS = "vpc_endpoints"
    ENDPOINT_SERVICES = "endpoint_services"
    PREFIX_LISTS = "prefix_lists"
    SECURITY_GROUPS = "security_groups"
    NETWORK_ACLS = "network_acls"
    NETWORK_INTERFACES = "network_interfaces"
    FLOW_LOGS = "flow_logs"
    HOSTED_ZONES = "hosted_zones"
    RESOLVER_RULES = "resolver_rules"
    BLOCK_PUBLIC_ACCESS = "block_public_access"
    REDSHIFT_CLUSTERS = "redshift_clusters"
    MEMORYDB_CLUSTERS = "memorydb_clusters"
    DB_INSTANCES = "db_instances"
    DATASYNC_TASKS = "datasync_tasks"
    MQ_BROKERS = "mq_brokers"
    FIREHOSE_STREAMS = "firehose_streams"
    AVAILABILITY_ZONES = "availability_zones"
    # Opt-in parts: collected only when asked for (--with s3-policies,metrics).
    BUCKET_POLICIES = "bucket_policies"
    METRICS = "metrics"

    @property
    def opt_in(self) -> bool:
        return self in (Part.BUCKET_POLICIES, Part.METRICS)

    @property
    def is_global(self) -> bool:
        """Parts collected once per account rather than once per region."""
        return self is Part.BUCKET_POLICIES


class State(str, Enum):
    OK = "ok"
    DENIED = "denied"
    OPT_IN_REQUIRED = "opt_in_required"
    THROTTLED = "throttled"
    ERROR = "error"
    SKIPPED = "skipped"  # not asked for (opt-in part, or not needed by the selected rules)


@dataclass(frozen=True, slots=True)
class ScopeStatus:
    part: Part
    state: State
    error_code: str | None = None
    message: str | None = None


@dataclass(frozen=True, slots=True)
class RegionSnapshot:
    region: str
    status: tuple[ScopeStatus, ...] = ()
    vpcs: tuple[r.Vpc, ...] = ()
    dhcp_options: tuple[r.DhcpOptions, ...] = ()
    subnets: tuple[r.Subnet, ...] = ()
    route_tables: tuple[r.RouteTable, ...] = ()
    internet_gateways: tuple[r.InternetGateway, ...] = ()
    nat_gateways: tuple[r.NatGateway, ...] = ()
    vpc_endpoints: tuple[r.VpcEndpoint, ...] = ()
    endpoint_services: tuple[r.EndpointService, ...] = ()
    prefix_lists: tuple[r.PrefixList, ...] = ()
    security_groups: tuple[r.SecurityGroup, ...] = ()
    network_acls: tuple[r.NetworkAcl, ...] = ()
    network_interfaces: tuple[r.NetworkInterface, ...] = ()
    flow_logs: tuple[r.FlowLog, ...] = ()
    hosted_zones: tuple[r.HostedZone, ...] = ()
    resolver_rules: tuple[r.ResolverRuleAssociation, ...] = ()
    block_public_access: r.BlockPublicAccess | None = None
    metrics: tuple[r.ResourceMetric, ...] = ()
    redshift_clusters: tuple[r.RedshiftCluster, ...] = ()
    memorydb_clusters: tuple[r.MemoryDBCluster, ...] = ()
    db_instances: tuple[r.DBInstance, ...] = ()
    datasync_tasks: tuple[r.DataSyncTask, ...] = ()
    mq_brokers: tuple[r.MqBroker, ...] = ()
    firehose_streams: tuple[r.FirehoseStream, ...] = ()
    availability_zones: tuple[r.AvailabilityZone, ...] = ()
    # Only in a planned snapshot (vpcaudit plan): values known after apply only.
    unresolved: tuple[r.Unresolved, ...] = ()

    def state_of(self, part: Part) -> ScopeStatus:
        """The status of a part here; a part with no entry was never asked for (skipped)."""
        for status in self.status:
            if status.part is part:
                return status
        return ScopeStatus(part, State.SKIPPED, None, "not collected")

    def has(self, part: Part) -> bool:
        return self.state_of(part).state is State.OK


@dataclass(frozen=True, slots=True)
class RoleAccess:
    """The IAM role an account was collected through, and whether it could be used.

    Recorded as data, not as a message, so that every face tells an account that could not be
    reached at all (every part carries the same gap) from an account with ordinary gaps.
    """

    role_arn: str
    state: State = State.OK  # not OK: nothing of the account could be collected through the role
    error_code: str | None = None
    message: str | None = None


@dataclass(frozen=True, slots=True)
class AccountSnapshot:
    account_id: str
    regions: tuple[RegionSnapshot, ...] = ()
    # Account-wide parts (S3 bucket policies) and their status.
    status: tuple[ScopeStatus, ...] = ()
    bucket_policies: tuple[r.BucketPolicy, ...] = ()
    role: RoleAccess | None = None  # None: collected with the base credentials

    @property
    def refused(self) -> RoleAccess | None:
        """The role access that failed, leaving this account unread; None when it was read."""
        return self.role if self.role is not None and self.role.state is not State.OK else None

    def region(self, name: str) -> RegionSnapshot | None:
        return next((reg for reg in self.regions if reg.region == name), None)

    def state_of(self, part: Part) -> ScopeStatus:
        for status in self.status:
            if status.part is part:
                return status
        return ScopeStatus(part, State.SKIPPED, None, "not collected")


@dataclass(frozen=True, slots=True)
class SkippedAccount:
    """An account of the organization that was in scope but not collected because of its state.

    Suspended, pending-closure and closed accounts cannot be read; they are listed rather than
    dropped so a report says they were seen and left out on purpose.
    """

    account_id: str
    name: str
    state: str  # Organizations' account state: SUSPENDED, PENDING_CLOSURE, CLOSED, PENDING_ACTIVATION


@dataclass(frozen=True, slots=True)
class Snapshot:
    schema_version: str
    tool_version: str
    taken_at: str  # ISO 8601, UTC
    accounts: tuple[AccountSnapshot, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)
    skipped_accounts: tuple[SkippedAccount, ...] = ()  # organization accounts left out because of their state

    def account(self, account_id: str) -> AccountSnapshot | None:
        return next((a for a in self.accounts if a.account_id == account_id), None)

    def has_account(self, account_id: str) -> bool:
        """Whether the snapshot holds this account (without reading it, where it is held elsewhere)."""
        return self.account(account_id) is not None


# -- deterministic ordering ------------------------------------------------------------------

_SORT_KEYS: dict[str, str] = {
    "vpcs": "vpc_id", "dhcp_options": "dhcp_options_id", "subnets": "subnet_id",
    "route_tables": "route_table_id", "internet_gateways": "gateway_id",
    "nat_gateways": "nat_gateway_id", "vpc_endpoints": "vpc_endpoint_id",
    "endpoint_services": "service_name", "prefix_lists": "prefix_list_id",
    "security_groups": "group_id", "network_acls": "network_acl_id",
    "network_interfaces": "network_interface_id", "flow_logs": "flow_log_id",
    "hosted_zones": "hosted_zone_id", "resolver_rules": "resolver_rule_id",
    "redshift_clusters": "cluster_identifier", "memorydb_clusters": "name",
    "db_instances": "db_instance_identifier", "datasync_tasks": "task_arn", "mq_brokers": "broker_id",
    "firehose_streams": "delivery_stream_name", "availability_zones": "zone_id",
}


def normalised(snapshot: Snapshot) -> Snapshot:
    """Sort accounts, regions, statuses and resources so equal estates give equal JSON."""
    accounts = []
    for account in sorted(snapshot.accounts, key=lambda a: a.account_id):
        regions = []
        for region in sorted(account.regions, key=lambda x: x.region):
            changes: dict[str, Any] = {
                name: tuple(sorted(getattr(region, name), key=lambda x, k=key: str(getattr(x, k))))
                for name, key in _SORT_KEYS.items()
            }
            changes["resolver_rules"] = tuple(sorted(region.resolver_rules,
                                                     key=lambda x: (x.resolver_rule_id, x.vpc_id)))
            changes["metrics"] = tuple(sorted(region.metrics, key=lambda m: (m.resource_id, m.metric_name)))
            changes["unresolved"] = tuple(sorted(region.unresolved, key=lambda u: (u.resource_id, u.part, u.fields)))
            changes["status"] = tuple(sorted(region.status, key=lambda s: s.part.value))
            regions.append(replace(region, **changes))
        accounts.append(replace(
            account, regions=tuple(regions),
            status=tuple(sorted(account.status, key=lambda s: s.part.value)),
            bucket_policies=tuple(sorted(account.bucket_policies, key=lambda b: b.bucket))))
    return replace(snapshot, accounts=tuple(accounts),
                   skipped_accounts=tuple(sorted(snapshot.skipped_accounts, key=lambda a: a.account_id)))
