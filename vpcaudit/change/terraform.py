"""Apply a Terraform plan (``terraform show -json``) of the AWS provider to a snapshot.

Pure: ``(Snapshot, plan document) → PlannedChange``. Attribute names are the AWS provider's
(v5.x and v6.x): a created resource is built from ``after``, an updated one from ``after`` over
the snapshot's record, a deleted one removed by ``before.id``; a replacement (``["delete",
"create"]`` or ``["create", "delete"]``) is both. The effects AWS adds on its own (a VPC's
defaults, gateway-endpoint routes, endpoint network interfaces) come from
:mod:`vpcaudit.change.apply`.

Values known only after apply are resolved through the configuration's references where the
reference names a resource *identity* (``aws_vpc.main.id``, ``aws_subnet.private`` with
``count.index``, a new VPC's ``default_route_table_id``, a gateway endpoint's
``prefix_list_id``): those pass through expressions unchanged, and a new resource's identity is
its placeholder. Anything else (a CIDR computed by a function, a value from a data source read
during apply, a local value) stays unresolved and is recorded as such, so the rules reading it
report *not evaluated* rather than judge a guess.

Where the provider behaves unlike AWS's API, the provider wins, because that is what apply
does: a new ``aws_security_group`` loses AWS's default allow-all egress rule unless the
configuration declares egress; inline rules, routes and NACL entries are authoritative only
when the configuration sets them; ``aws_default_*`` resources adopt what AWS made and never
delete it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from vpcaudit.change.apply import RegionEdit, SnapshotEdit, VpcDefaults, same_rule
from vpcaudit.change.model import Outcome, PlanFacts, PlannedChange, PlannedResource
from vpcaudit.change.placeholders import placeholder
from vpcaudit.change.tfplan import UNKNOWN, Instance, PlanError, TerraformPlan, read_plan
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

# Resource types whose effects nothing vpcaudit collects depends on: applying them changes no
# finding, so they are listed but do not count as lost coverage.
NOT_AUDITED_PREFIXES = ("aws_iam_", "aws_cloudwatch_log_", "aws_kms_", "aws_eip")
AWS_PROVIDERS = ("/aws", "/awscc")

# Attribute → the kinds of id it holds (placeholder kinds), for resolving a reference to the right one.
FIELD_KINDS: dict[str, tuple[str, ...]] = {
    "vpc_id": ("vpc",), "subnet_id": ("subnet",), "subnet_ids": ("subnet",),
    "route_table_id": ("route-table",), "route_table_ids": ("route-table",),
    "default_route_table_id": ("route-table",), "original_route_table_id": ("route-table",),
    "gateway_id": ("internet-gateway", "vpc-endpoint", "nat-gateway"), "nat_gateway_id": ("nat-gateway",),
    "vpc_endpoint_id": ("vpc-endpoint",), "egress_only_gateway_id": ("egress-only-internet-gateway",),
    "internet_gateway_id": ("internet-gateway",), "network_interface_id": ("network-interface",),
    "eni_id": ("network-interface",), "security_group_id": ("security-group",),
    "security_group_ids": ("security-group",), "security_groups": ("security-group",),
    "source_security_group_id": ("security-group",), "referenced_security_group_id": ("security-group",),
    "network_acl_id": ("network-acl",), "default_network_acl_id": ("network-acl",),
    "dhcp_options_id": ("dhcp-options",), "destination_prefix_list_id": ("prefix-list",),
    "prefix_list_id": ("prefix-list",), "prefix_list_ids": ("prefix-list",), "zone_id": ("hosted-zone",),
    # Targets vpcaudit does not model: a reference to a new one says so rather than "unknown".
    "transit_gateway_id": ("transit-gateway",), "vpc_peering_connection_id": ("peering-connection",),
    "carrier_gateway_id": ("carrier-gateway",), "local_gateway_id": ("local-gateway",),
    "core_network_arn": ("core-network",), "instance_id": ("instance",),
}
# (type, attribute) → the kind of id a new resource's computed attribute holds.
COMPUTED_IDS: dict[tuple[str, str], str] = {
    ("aws_vpc", "main_route_table_id"): "route-table", ("aws_vpc", "default_route_table_id"): "route-table",
    ("aws_vpc", "default_network_acl_id"): "network-acl", ("aws_vpc", "default_security_group_id"): "security-group",
    ("aws_vpc_endpoint", "prefix_list_id"): "prefix-list",
    ("aws_vpc_endpoint", "network_interface_ids"): "network-interface",
    ("aws_nat_gateway", "network_interface_id"): "network-interface",
    ("aws_route53_zone", "zone_id"): "hosted-zone",
    ("aws_default_route_table", "default_route_table_id"): "route-table",
    ("aws_default_network_acl", "default_network_acl_id"): "network-acl",
}

# Route target attributes (aws_route, aws_route_table's route blocks) → DescribeRouteTables field.
ROUTE_TARGETS: tuple[tuple[str, str], ...] = (
    ("gateway_id", "GatewayId"), ("nat_gateway_id", "NatGatewayId"), ("transit_gateway_id", "TransitGatewayId"),
    ("vpc_endpoint_id", "GatewayId"), ("vpc_peering_connection_id", "VpcPeeringConnectionId"),
    ("egress_only_gateway_id", "EgressOnlyInternetGatewayId"), ("network_interface_id", "NetworkInterfaceId"),
    ("carrier_gateway_id", "CarrierGatewayId"), ("local_gateway_id", "LocalGatewayId"),
    ("core_network_arn", "CoreNetworkArn"), ("instance_id", "InstanceId"))
PROTOCOL_NAMES = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", "all": "-1"}
NACL_PROTOCOLS = {"tcp": "6", "udp": "17", "icmp": "1", "icmpv6": "58", "all": "-1"}
_ARN = re.compile(r"arn:aws[a-z-]*:[a-z0-9-]+:(?P<region>[a-z0-9-]*):(?P<account>\d{12})?:")


@dataclass(frozen=True)
class Handler:
    """How one resource type is applied; ``kind`` names its ids, ``part`` what unresolved values taint."""

    kind: str
    part: str
    label: str  # resource type as findings name it
    apply: Callable[[_Apply], None]
    delete: Callable[[_Apply], None]


@dataclass
class _Apply:
    """One instance being applied in one Region: its values, resolved, and the edit to make."""

    planner: _Planner
    instance: Instance
    edit: RegionEdit
    handler: Handler
    resource_id: str
    vpc_id: str | None = None
    problems: dict[str, str] = field(default_factory=dict)  # attribute → why it is unknown

    @property
    def address(self) -> str:
        return self.instance.address

    @property
    def account_id(self) -> str:
        return self.edit.account_id

    def known(self, *path: str | int, default: Any = None) -> Any:
        """The planned value, ``default`` when null or left to AWS; other unknown values are
        recorded as problems."""
        value = self.instance.value(*path)
        if value is UNKNOWN:
            if not self.unset(path):
                self.problems[_dotted(path)] = "known only after apply"
            return default
        return default if value is None else value

    def unset(self, path: Sequence[str | int]) -> bool:
        """The configuration leaves this attribute to the provider or AWS (an Optional+Computed
        attribute not set: a new endpoint's default policy, route tables associated elsewhere), so
        its unknown value is AWS's default, not a value to be told after apply."""
        config = self.planner.plan.config_resource(self.instance.config_module, self.instance.local_address)
        return config is not None and bool(path) and path[0] not in (config.get("expressions") or {})

    def prior(self, *path: str | int, default: Any = None) -> Any:
        value = self.instance.prior(*path)
        return default if value is None else value

    def one_id(self, *path: str | int, required: bool = True) -> str | None:
        ids = self.planner.ids(self, path)
        if ids is None:
            return None
        if len(ids) != 1:
            if required or ids:
                self.problems[_dotted(path)] = f"refers to {len(ids)} resources where one is expected"
            return None
        return ids[0]

    def many_ids(self, *path: str | int) -> list[str] | None:
        return self.planner.ids(self, path)

    def manages(self, attribute: str) -> bool:
        """Does the configuration set this Optional+Computed attribute (inline routes, rules, lists)?
        Only then is the planned value authoritative: otherwise other resources manage it."""
        config = self.planner.plan.config_resource(self.instance.config_module, self.instance.local_address)
        if config is not None:
            return attribute in (config.get("expressions") or {})
        return self.instance.before is None or self.instance.value(attribute) != self.instance.prior(attribute)

    def tags(self) -> tuple[r.Tag, ...]:
        for name in ("tags_all", "tags"):
            value = self.instance.value(name)
            if isinstance(value, Mapping):
                return r.tags_from_api([{"Key": k, "Value": str(v)} for k, v in value.items()])
        return ()

    def record_unresolved(self) -> None:
        """Record the problems gathered while applying as unresolved values of this resource."""
        if self.problems:
            reason = "; ".join(f"{k}: {v}" for k, v in sorted(self.problems.items()))
            self.edit.unresolved_value(self.resource_id, self.handler.label, self.vpc_id, self.handler.part,
                                       self.address, self.problems, reason)


class _Planner:
    def __init__(self, snapshot: Snapshot, plan: TerraformPlan) -> None:
        self.snapshot = snapshot
        self.plan = plan
        self.edit = SnapshotEdit(snapshot)
        self.vpc_defaults: dict[str, VpcDefaults] = {}  # address of a new VPC → its defaults
        self.endpoint_enis: dict[str, list[str]] = {}  # address of an endpoint → its interfaces
        self.scopes: dict[str, tuple[str, str] | str] = {}  # address → (account, region) or why none
        self.notes: set[str] = set()
        self.results: list[PlannedResource] = []

    # -- the run --------------------------------------------------------------------------------

    def run(self, source: str) -> PlannedChange:
        unchanged = 0
        todo: list[tuple[Instance, Handler]] = []
        for instance in self.plan.instances:
            if instance.action == "no-op":
                unchanged += 1
            elif instance.mode == "data":
                self._result(instance, Outcome.DATA_SOURCE, "")
            elif not instance.provider.endswith(AWS_PROVIDERS):
                self._result(instance, Outcome.NOT_AUDITED, f"not an AWS resource ({instance.provider})")
            elif instance.type.startswith(NOT_AUDITED_PREFIXES):
                self._result(instance, Outcome.NOT_AUDITED, "")
            elif instance.type not in HANDLERS:
                self._result(instance, Outcome.NOT_MODELLED, "")
            else:
                todo.append((instance, HANDLERS[instance.type]))
        order = {t: n for n, t in enumerate(HANDLERS)}
        deletes = [(i, h) for i, h in todo if i.action in ("delete", "replace")]
        applies = [(i, h) for i, h in todo if i.action in ("create", "update", "replace")]
        done: dict[str, list[str]] = {}
        for instance, handler in sorted(deletes, key=lambda x: -order[x[0].type]):
            self._run(instance, handler, deleting=True, done=done)
        for instance, handler in sorted(applies, key=lambda x: order[x[0].type]):
            self._run(instance, handler, deleting=False, done=done)
        after = self.edit.freeze()
        unresolved = tuple(u for a in after.accounts for reg in a.regions for u in reg.unresolved)
        facts = PlanFacts("terraform", source, tuple(sorted(self.results, key=lambda p: p.address)), unchanged,
                          unresolved, tuple(sorted(self.notes)))
        return PlannedChange(self.snapshot, after, facts)

    def _run(self, instance: Instance, handler: Handler, *, deleting: bool, done: dict[str, list[str]]) -> None:
        scope = self.scope(instance)
        if isinstance(scope, str):
            if instance.address not in done:
                done[instance.address] = []
                self._result(instance, Outcome.OUT_OF_SCOPE, scope)
            return
        edit = self.edit.region(*scope)
        assert edit is not None  # scope() only returns (account, region) pairs the snapshot holds
        resource_id = self.resource_id(instance, edit, deleting=deleting)
        # Something deleted without an id of its own (a route, an association) names none.
        fallback = "" if deleting else placeholder(handler.kind, instance.address)
        job = _Apply(self, instance, edit, handler, resource_id or fallback)
        if deleting:
            handler.delete(job)
        else:
            handler.apply(job)
            job.record_unresolved()
        ids = done.setdefault(instance.address, [])
        if job.resource_id and job.resource_id not in ids:
            ids.append(job.resource_id)
        if deleting and instance.action == "replace":
            return
        self.results = [p for p in self.results if p.address != instance.address]
        self.results.append(PlannedResource(instance.address, instance.type, instance.action, Outcome.APPLIED,
                                            scope[0], scope[1], tuple(ids), _applied_detail(instance)))

    def _result(self, instance: Instance, outcome: Outcome, detail: str) -> None:
        self.results.append(PlannedResource(instance.address, instance.type, instance.action, outcome,
                                            detail=detail))

    # -- identities ------------------------------------------------------------------------------

    def resource_id(self, instance: Instance, edit: RegionEdit | None = None, *, deleting: bool = False) -> str | None:
        """The id the instance has (before, when deleting) or will have (a placeholder when new)."""
        if instance.type in ADOPTED:
            return self._adopted_id(instance, edit, deleting=deleting)
        if instance.creates and not deleting:
            return placeholder(HANDLERS[instance.type].kind, instance.address)
        value = instance.prior("id") if deleting or instance.creates else instance.value("id") or instance.prior("id")
        return value if isinstance(value, str) and value else None

    def _adopted_id(self, instance: Instance, edit: RegionEdit | None, *, deleting: bool) -> str | None:
        """aws_default_*: the object AWS made with the VPC, named by the configuration."""
        source = instance.prior if deleting else instance.value
        attribute = ADOPTED[instance.type]
        value = source(attribute)
        if isinstance(value, str) and value:
            return value
        if value is UNKNOWN:
            ids = self._resolved_ids(instance, (attribute,))
            if ids and len(ids) == 1:
                return ids[0]
        vpc = source("vpc_id")
        if instance.type == "aws_default_security_group" and edit is not None:
            if vpc is UNKNOWN:
                found = self._resolved_ids(instance, ("vpc_id",))
                vpc = found[0] if found and len(found) == 1 else None
            if isinstance(vpc, str):
                return edit.default_group(vpc)
        return None

    def ids(self, job: _Apply, path: tuple[str | int, ...]) -> list[str] | None:
        """The ids an attribute holds, known or resolved through references; None (with the
        problem recorded on ``job``) when they cannot be told."""
        value = job.instance.value(*path)
        if value is not UNKNOWN:
            if value in (None, ""):
                return []
            if isinstance(value, list):
                if any(v is UNKNOWN for v in (job.instance.value(*path, i) for i in range(len(value)))):
                    return self._resolved_ids(job.instance, path, job.problems)
                return [str(v) for v in value if v not in (None, "")]
            return [str(value)]
        if job.unset(path):
            return []
        return self._resolved_ids(job.instance, path, job.problems)

    def _resolved_ids(self, instance: Instance, path: tuple[str | int, ...],
                      problems: dict[str, str] | None = None) -> list[str] | None:
        attribute = next((p for p in reversed(path) if isinstance(p, str)), "")
        kinds = FIELD_KINDS.get(attribute)
        where = _dotted(path)
        if kinds is None:
            if problems is not None:
                problems[where] = "known only after apply"
            return None
        resolution = self.plan.resolve(instance, path)
        ids: list[str] = []
        for target in resolution.targets:
            ids.extend(self._provided(target.instance, target.attribute, kinds))
        if ids and not resolution.problems:
            return list(dict.fromkeys(ids))
        if problems is not None:
            named = ", ".join(dict.fromkeys(t.instance.address for t in resolution.targets))
            why = "; ".join(resolution.problems) or (f"{named} provides no {'/'.join(kinds)} id known before apply"
                                                     if named else "refers to nothing the plan describes")
            problems[where] = f"known only after apply ({why})"
        return None

    def _provided(self, target: Instance, attribute: str | None, kinds: tuple[str, ...]) -> list[str]:
        """Ids of the wanted kinds that ``target`` provides through ``attribute`` (its id if None)."""
        handler = HANDLERS.get(target.type)
        if handler is None:
            return []
        if attribute is not None and attribute != "id":
            value = target.value(attribute)
            if value is not UNKNOWN and value not in (None, ""):
                return [str(v) for v in value] if isinstance(value, list) else [str(value)]
            kind = COMPUTED_IDS.get((target.type, attribute))
            return self._computed(target, kind) if kind in kinds else []
        if handler.kind in kinds:
            found = self.resource_id(target)
            return [found] if found else []
        for (type_, _), kind in COMPUTED_IDS.items():
            if type_ == target.type and kind in kinds:
                return self._computed(target, kind)
        return []

    def _computed(self, target: Instance, kind: str | None) -> list[str]:
        """A new resource's computed ids: a VPC's defaults, an endpoint's prefix list or interfaces."""
        if kind is None:
            return []
        if target.type == "aws_vpc" and target.creates:
            roles = {"route-table": "main", "network-acl": "default", "security-group": "default"}
            return [placeholder(kind, target.address, roles[kind])] if kind in roles else []
        if target.type == "aws_vpc_endpoint" and kind == "prefix-list":
            scope = self.scope(target)
            edit = self.edit.region(*scope) if not isinstance(scope, str) else None
            service = target.value("service_name")
            found = edit.service_prefix_list(service) if edit is not None and isinstance(service, str) else None
            return [found.prefix_list_id] if found else []
        if target.type == "aws_vpc_endpoint" and kind == "network-interface":
            return list(self.endpoint_enis.get(target.address, ()))
        if target.type == "aws_nat_gateway" and kind == "network-interface" and target.creates:
            return [placeholder("network-interface", target.address)]
        if kind == HANDLERS[target.type].kind:
            found = self.resource_id(target)
            return [found] if found else []
        return []

    # -- scope -----------------------------------------------------------------------------------

    def scope(self, instance: Instance) -> tuple[str, str] | str:
        """(account, Region) the instance lives in, among the snapshot's; or why it is out of scope."""
        if instance.address not in self.scopes:
            self.scopes[instance.address] = "cannot tell (circular references)"
            self.scopes[instance.address] = self._find_scope(instance)
        return self.scopes[instance.address]

    def _find_scope(self, instance: Instance) -> tuple[str, str] | str:
        region, account = self._stated_scope(instance)
        pairs = [(a.account_id, reg.region) for a in self.snapshot.accounts for reg in a.regions]
        candidates = [p for p in pairs if (account is None or p[0] == account) and (region is None or p[1] == region)]
        if len(candidates) > 1:
            holding = [p for p in candidates if self._holds_referenced(instance, p)]
            candidates = holding or candidates
        if len(candidates) == 1:
            if region is None:
                self.notes.add(f"the plan names no Region for some resources (the AWS provider takes it from the "
                               f"environment): they were applied to {candidates[0][1]}, the snapshot's only Region "
                               "or the one holding what they change or refer to")
            return candidates[0]
        stated = "/".join(x for x in (account, region) if x)
        if not candidates:
            return (f"{stated} is not in the snapshot" if stated else "the snapshot holds no Region")
        return (f"cannot tell which of {', '.join(f'{a}/{g}' for a, g in candidates)} it belongs to: the plan names "
                "no Region or account for it and it refers to nothing the snapshot holds")

    def _stated_scope(self, instance: Instance) -> tuple[str | None, str | None]:
        region = account = None
        for source in (instance.value, instance.prior):
            value = source("region")  # AWS provider v6: every resource may name its Region
            if isinstance(value, str) and value:
                region = value
                break
        for source in (instance.prior, instance.value):
            arn = source("arn")
            match = _ARN.match(arn) if isinstance(arn, str) else None
            if match:
                region = region or match.group("region") or None
                account = match.group("account") or None
                break
        owner = instance.prior("owner_id") or instance.value("owner_id")
        if account is None and isinstance(owner, str) and owner.isdigit():
            account = owner
        provider = self.plan.provider_config(instance)
        if provider is not None:
            expressions = provider.get("expressions") or {}
            region = region or self._provider_value(provider, expressions.get("region"))
            account = account or _role_account(expressions.get("assume_role")) or _single(
                self._provider_value(provider, expressions.get("allowed_account_ids")))
        return region, account

    def _provider_value(self, provider: Mapping[str, Any], expression: Any) -> Any:
        if not isinstance(expression, Mapping):
            return None
        if "constant_value" in expression:
            return expression["constant_value"]
        refs = expression.get("references") or []
        if not provider.get("module_address") and refs and all(str(x).startswith("var.") for x in refs):
            names = {str(x).split(".")[1] for x in refs}
            if len(names) == 1:
                return self.plan.variables.get(names.pop())
        return None

    def _holds_referenced(self, instance: Instance, pair: tuple[str, str]) -> bool:
        edit = self.edit.region(*pair)
        assert edit is not None
        for value in _strings(instance.before, instance.after):
            if edit.holds(value):
                return True
        for target in self._referenced_instances(instance):
            scope = self.scope(target)
            if scope == pair:
                return True
        return False

    def _referenced_instances(self, instance: Instance) -> list[Instance]:
        config = self.plan.config_resource(instance.config_module, instance.local_address)
        out = []
        for attribute in (config or {}).get("expressions") or {}:
            if attribute in FIELD_KINDS:
                out.extend(t.instance for t in self.plan.resolve(instance, (attribute,)).targets
                           if t.instance.address != instance.address)
        return out


def _role_account(assume_role: Any) -> str | None:
    blocks = assume_role if isinstance(assume_role, list) else [assume_role]
    for block in blocks:
        arn = (block or {}).get("role_arn") if isinstance(block, Mapping) else None
        value = arn.get("constant_value") if isinstance(arn, Mapping) else None
        match = _ARN.match(value) if isinstance(value, str) else None
        if match and match.group("account"):
            return match.group("account")
    return None


def _single(value: Any) -> str | None:
    return str(value[0]) if isinstance(value, list) and len(value) == 1 else None


def _strings(*values: Any) -> Iterable[str]:
    for value in values:
        if isinstance(value, str):
            yield value
        elif isinstance(value, Mapping):
            yield from _strings(*value.values())
        elif isinstance(value, list):
            yield from _strings(*value)


def _dotted(path: Iterable[str | int]) -> str:
    return ".".join(str(p) for p in path)


def _applied_detail(instance: Instance) -> str:
    if instance.type in ADOPTED and instance.action == "delete":
        return "Terraform stops managing it; AWS keeps it as it is"
    return ""


# -- the AWS provider's resources ---------------------------------------------------------------


def _vpc(job: _Apply) -> None:
    edit, existing = job.edit, job.edit.vpcs.get(job.resource_id)
    cidr = job.known("cidr_block")
    ipv6 = job.known("ipv6_cidr_block")
    support, hostnames = job.known("enable_dns_support", default=True), job.known("enable_dns_hostnames", default=False)
    job.vpc_id = job.resource_id
    if existing is not None:
        cidrs = tuple(dict.fromkeys((cidr, *existing.cidr_blocks[1:]))) if cidr else existing.cidr_blocks
        edit.update_vpc(replace(existing, cidr_blocks=cidrs,
                                ipv6_cidr_blocks=(ipv6,) if ipv6 else existing.ipv6_cidr_blocks,
                                enable_dns_support=bool(support), enable_dns_hostnames=bool(hostnames),
                                tags=job.tags() or existing.tags))
        return
    vpc = r.Vpc(job.resource_id, job.account_id, (cidr,) if cidr else (), (ipv6,) if ipv6 else (), False,
                edit.default_dhcp_options(), "available", job.tags(), bool(support), bool(hostnames))
    job.planner.vpc_defaults[job.address] = edit.create_vpc(vpc, job.address)


def _vpc_delete(job: _Apply) -> None:
    job.edit.delete_vpc(job.resource_id)


def _cidr_association(job: _Apply) -> None:
    vpc_id, cidr = job.one_id("vpc_id"), job.known("cidr_block")
    job.vpc_id = vpc_id
    vpc = job.edit.vpcs.get(vpc_id or "")
    if vpc is not None and cidr:
        job.edit.update_vpc(replace(vpc, cidr_blocks=tuple(dict.fromkeys((*vpc.cidr_blocks, cidr)))))
    if vpc_id is None:
        job.resource_id = job.address


def _cidr_association_delete(job: _Apply) -> None:
    vpc = job.edit.vpcs.get(job.prior("vpc_id", default=""))
    cidr = job.prior("cidr_block")
    if vpc is not None and cidr:
        job.edit.update_vpc(replace(vpc, cidr_blocks=tuple(c for c in vpc.cidr_blocks if c != cidr)))


def _subnet(job: _Apply) -> None:
    edit = job.edit
    vpc_id = job.one_id("vpc_id")
    job.vpc_id = vpc_id
    az, az_id = job.known("availability_zone", default=""), job.known("availability_zone_id", default="")
    old = edit.subnets.get(job.resource_id)
    if old is None and not az and not az_id:
        job.problems.setdefault("availability_zone", "not set: AWS picks the AZ when it creates the subnet")
    names = edit.az_ids()
    if az and not az_id:
        az_id = names.get(az, "")
        if not az_id:
            job.problems["availability_zone_id"] = (f"the AZ id of {az} is not in the snapshot (no subnet or "
                                                    "endpoint service of this account there)")
    if az_id and not az:
        az = next((n for n, i in names.items() if i == az_id), "")
    if vpc_id is None:
        return
    v6 = job.known("ipv6_cidr_block")
    edit.put_subnet(r.Subnet(job.resource_id, vpc_id, job.account_id, az, az_id, job.known("cidr_block") or None,
                             (v6,) if v6 else (), bool(job.known("ipv6_native", default=False)),
                             bool(job.known("map_public_ip_on_launch", default=False)),
                             job.tags() or (old.tags if old else ()), old.block_public_access_mode if old else None))


def _subnet_delete(job: _Apply) -> None:
    job.edit.delete_subnet(job.resource_id)


def _route_api(job: _Apply, path: tuple[str | int, ...], destinations: tuple[tuple[str, str], ...]) -> r.Route | None:
    """A route from the provider's attributes, as DescribeRouteTables would show it; None when its
    destination or target is known only after apply (recorded on ``job``)."""
    api: dict[str, Any] = {"State": "active", "Origin": "CreateRoute"}
    for attribute, api_field in destinations:
        value = job.instance.value(*path, attribute)
        if value is UNKNOWN:
            ids = job.many_ids(*path, attribute) if attribute == "destination_prefix_list_id" else None
            if not ids:
                job.problems.setdefault(_dotted((*path, attribute)), "known only after apply")
                return None
            value = ids[0]
        if value:
            api[api_field] = value
    for attribute, api_field in ROUTE_TARGETS:
        value = job.instance.value(*path, attribute)
        if value is UNKNOWN:
            value = job.one_id(*path, attribute)
            if value is None:
                return None
        if value and api_field not in api:
            api[api_field] = value
    return r.Route.from_api(api)


INLINE_DESTINATIONS = (("cidr_block", "DestinationCidrBlock"), ("ipv6_cidr_block", "DestinationIpv6CidrBlock"),
                       ("destination_prefix_list_id", "DestinationPrefixListId"))
ROUTE_DESTINATIONS = (("destination_cidr_block", "DestinationCidrBlock"),
                      ("destination_ipv6_cidr_block", "DestinationIpv6CidrBlock"),
                      ("destination_prefix_list_id", "DestinationPrefixListId"))


def _inline_routes(job: _Apply) -> list[r.Route] | None:
    routes = job.instance.value("route")
    if routes is UNKNOWN:
        job.problems["route"] = "known only after apply"
        return None
    out = []
    for i in range(len(routes or ())):
        route = _route_api(job, ("route", i), INLINE_DESTINATIONS)
        if route is not None:
            out.append(route)
    return out


def _route_table(job: _Apply) -> None:
    edit = job.edit
    existing = edit.route_tables.get(job.resource_id)
    vpc_id = existing.vpc_id if existing is not None else job.one_id("vpc_id")
    job.vpc_id = vpc_id
    if vpc_id is None:
        return
    manages = job.manages("route")
    routes = _inline_routes(job) if manages else []
    vgws = job.known("propagating_vgws", default=[]) if job.manages("propagating_vgws") else None
    if existing is None:
        edit.create_route_table(r.RouteTable(job.resource_id, vpc_id, job.account_id, (), (), (), job.tags()))
    else:
        edit.update_route_table(job.resource_id, lambda t: replace(t, tags=job.tags() or t.tags))
    if manages and routes is not None:
        edit.set_static_routes(job.resource_id, routes)
    if vgws is not None:
        edit.set_propagating_vgws(job.resource_id, vgws)


def _route_table_delete(job: _Apply) -> None:
    job.edit.delete_route_table(job.resource_id)


def _default_route_table(job: _Apply) -> None:
    """Adopting the default route table replaces its routes with the configured ones."""
    table = job.edit.route_tables.get(job.resource_id)
    if table is None:
        job.problems.setdefault("default_route_table_id", "names no route table of the snapshot or the plan")
        return
    job.vpc_id = table.vpc_id
    routes = _inline_routes(job) if job.manages("route") or job.instance.action == "create" else None
    if routes is not None:
        job.edit.set_static_routes(table.route_table_id, routes)
    if job.manages("propagating_vgws"):
        job.edit.set_propagating_vgws(table.route_table_id, job.known("propagating_vgws", default=[]))


def _nothing(job: _Apply) -> None:
    """Destroying an ``aws_default_*`` resource only removes it from Terraform's state."""


def _route(job: _Apply) -> None:
    table_id = job.one_id("route_table_id")
    table = job.edit.route_tables.get(table_id or "")
    job.vpc_id = table.vpc_id if table else None
    if table is not None:
        job.resource_id = table.route_table_id
    route = _route_api(job, (), ROUTE_DESTINATIONS)
    if table is None or route is None:
        return
    if job.instance.action == "update":
        old = _prior_destination(job)
        if old and old != route.destination:
            job.edit.delete_route(table.route_table_id, old)
    job.edit.put_route(table.route_table_id, route)


def _prior_destination(job: _Apply) -> str | None:
    return next((job.prior(a) for a, _ in ROUTE_DESTINATIONS if job.prior(a)), None)


def _route_delete(job: _Apply) -> None:
    table, destination = job.prior("route_table_id"), _prior_destination(job)
    if table and destination:
        job.edit.delete_route(table, destination)


def _route_table_association(job: _Apply) -> None:
    table_id = job.one_id("route_table_id")
    subnet_id = job.one_id("subnet_id", required=False)
    gateway_id = job.one_id("gateway_id", required=False)
    table = job.edit.route_tables.get(table_id or "")
    job.vpc_id = table.vpc_id if table else None
    if table_id is None or (subnet_id is None and gateway_id is None):
        job.problems.setdefault("subnet_id", "neither subnet_id nor gateway_id is known before apply")
        job.resource_id = table_id or job.resource_id
        return
    if subnet_id:
        job.edit.associate_subnet(table_id, subnet_id, job.resource_id)
    else:
        job.edit.associate_gateway(table_id, str(gateway_id), job.resource_id)


def _route_table_association_delete(job: _Apply) -> None:
    job.edit.disassociate(job.prior("route_table_id"), subnet_id=job.prior("subnet_id") or None,
                          gateway_id=job.prior("gateway_id") or None)


def _main_association(job: _Apply) -> None:
    vpc_id, table_id = job.one_id("vpc_id"), job.one_id("route_table_id")
    job.vpc_id = vpc_id
    if vpc_id and table_id:
        job.edit.set_main(vpc_id, table_id, job.resource_id)


def _main_association_delete(job: _Apply) -> None:
    """The VPC's main table goes back to the one it had before Terraform took over."""
    vpc_id, original = job.prior("vpc_id"), job.prior("original_route_table_id")
    if vpc_id and original:
        job.edit.set_main(vpc_id, original, job.resource_id)


def _internet_gateway(job: _Apply, kind: str = "igw") -> None:
    vpc_id = job.one_id("vpc_id", required=kind == "eigw")
    job.vpc_id = vpc_id
    existing = job.edit.internet_gateways.get(job.resource_id)
    if existing is None:
        job.edit.put_internet_gateway(r.InternetGateway(job.resource_id, kind, job.account_id,
                                                        (vpc_id,) if vpc_id else (), job.tags()))
    elif "vpc_id" not in job.problems:
        job.edit.attach_internet_gateway(job.resource_id, vpc_id)


def _egress_only_gateway(job: _Apply) -> None:
    _internet_gateway(job, "eigw")


def _gateway_delete(job: _Apply) -> None:
    job.edit.delete_internet_gateway(job.resource_id)


def _gateway_attachment(job: _Apply) -> None:
    gateway, vpc_id = job.one_id("internet_gateway_id"), job.one_id("vpc_id")
    job.vpc_id = vpc_id
    if gateway and vpc_id:
        job.edit.attach_internet_gateway(gateway, vpc_id)
        job.resource_id = gateway


def _gateway_attachment_delete(job: _Apply) -> None:
    if job.prior("internet_gateway_id"):
        job.edit.attach_internet_gateway(job.prior("internet_gateway_id"), None)


def _nat_gateway(job: _Apply) -> None:
    edit = job.edit
    mode = job.known("availability_mode", default="zonal") or "zonal"
    subnet_id = job.one_id("subnet_id", required=mode != "regional")
    subnet = edit.subnets.get(subnet_id or "")
    vpc_id = subnet.vpc_id if subnet else job.one_id("vpc_id", required=mode == "regional")
    job.vpc_id = vpc_id
    if vpc_id is None or (mode != "regional" and subnet_id is None):
        return
    old = edit.nat_gateways.get(job.resource_id)
    nat = r.NatGateway(job.resource_id, vpc_id, subnet_id if mode != "regional" else None, "available",
                       job.known("connectivity_type", default="public") or "public", mode,
                       old.route_table_id if old else None, old.addresses if old else (), job.tags())
    edit.put_nat_gateway(nat, job.address)


def _nat_gateway_delete(job: _Apply) -> None:
    job.edit.delete_nat_gateway(job.resource_id)


def _endpoint(job: _Apply) -> None:
    edit = job.edit
    old = edit.endpoints.get(job.resource_id)
    vpc_id = old.vpc_id if old is not None else job.one_id("vpc_id")
    job.vpc_id = vpc_id
    if vpc_id is None:
        return

    def listed(attribute: str, current: tuple[str, ...]) -> tuple[str, ...]:
        if old is not None and not job.manages(attribute):
            return current
        ids = job.many_ids(attribute)
        return tuple(sorted(ids)) if ids is not None else current

    dns = job.known("dns_options", 0, default={}) or {}
    # Without a policy in the configuration (aws_vpc_endpoint_policy, or none), the endpoint keeps its own.
    policy = job.known("policy") if old is None or job.manages("policy") else old.policy_document
    endpoint = r.VpcEndpoint(
        vpc_endpoint_id=job.resource_id, vpc_id=vpc_id, owner_id=job.account_id,
        endpoint_type=job.known("vpc_endpoint_type", default="Gateway") or "Gateway",
        service_name=job.known("service_name", default=old.service_name if old else ""),
        service_region=job.known("service_region") or (old.service_region if old else None),
        state=old.state if old is not None else "available",
        route_table_ids=listed("route_table_ids", old.route_table_ids if old else ()),
        subnet_ids=listed("subnet_ids", old.subnet_ids if old else ()),
        group_ids=listed("security_group_ids", old.group_ids if old else ()),
        private_dns_enabled=bool(job.known("private_dns_enabled", default=False)),
        dns_record_ip_type=dns.get("dns_record_ip_type") or None,
        private_dns_only_for_inbound_resolver_endpoint=dns.get("private_dns_only_for_inbound_resolver_endpoint"),
        ip_address_type=job.known("ip_address_type") or None, policy_document=_policy(policy),
        dns_entries=old.dns_entries if old else (), network_interface_ids=old.network_interface_ids if old else (),
        requester_managed=False, tags=job.tags() or (old.tags if old else ()))
    stored = edit.put_endpoint(endpoint, job.address)
    job.planner.endpoint_enis[job.address] = list(stored.network_interface_ids)


def _policy(value: Any) -> str | None:
    if isinstance(value, Mapping):
        return json.dumps(value)
    return value if isinstance(value, str) and value else None


def _endpoint_delete(job: _Apply) -> None:
    job.edit.delete_endpoint(job.resource_id)


def _endpoint_member(attribute: str, record_field: str) -> tuple[Callable[[_Apply], None], Callable[[_Apply], None]]:
    """aws_vpc_endpoint_{route_table,subnet,security_group}_association: one member of a list."""

    def change(job: _Apply, endpoint_id: str | None, member: str | None, add: bool) -> None:
        endpoint = job.edit.endpoints.get(endpoint_id or "")
        job.vpc_id = endpoint.vpc_id if endpoint else None
        if endpoint is None or not member:
            return
        job.resource_id = endpoint.vpc_endpoint_id
        members = set(getattr(endpoint, record_field))
        members = members | {member} if add else members - {member}
        if add and record_field == "group_ids" and job.known("replace_default_association", default=False):
            members.discard(job.edit.default_group(endpoint.vpc_id) or "")
        stored = job.edit.put_endpoint(replace(endpoint, **{record_field: tuple(sorted(members))}), job.address)
        if record_field == "group_ids":
            job.edit.set_interface_groups(stored.network_interface_ids, stored.group_ids)

    def apply(job: _Apply) -> None:
        change(job, job.one_id("vpc_endpoint_id"), job.one_id(attribute), True)

    def delete(job: _Apply) -> None:
        change(job, job.prior("vpc_endpoint_id"), job.prior(attribute), False)

    return apply, delete


def _endpoint_policy(job: _Apply) -> None:
    endpoint = job.edit.endpoints.get(job.one_id("vpc_endpoint_id") or "")
    if endpoint is not None:
        job.vpc_id, job.resource_id = endpoint.vpc_id, endpoint.vpc_endpoint_id
        job.edit.put_endpoint(replace(endpoint, policy_document=_policy(job.known("policy"))), job.address)


def _endpoint_policy_delete(job: _Apply) -> None:
    """Removing the policy resource puts back AWS's default (full access)."""
    endpoint = job.edit.endpoints.get(job.prior("vpc_endpoint_id", default=""))
    if endpoint is not None:
        job.edit.put_endpoint(replace(endpoint, policy_document=None), job.address)


# -- security groups ---------------------------------------------------------------------------


def _protocol(value: Any) -> str:
    text = str(value).lower() if value not in (None, "") else "-1"
    return PROTOCOL_NAMES.get(text, text)


def _ports(protocol: str, low: Any, high: Any) -> tuple[int | None, int | None]:
    if protocol == "-1":
        return None, None
    return (None if low in (None, -1) else int(low)), (None if high in (None, -1) else int(high))


def _inline_rules(job: _Apply, attribute: str, group_id: str) -> list[r.SecurityGroupRule] | None:
    """An inline ingress/egress set, one rule per source as DescribeSecurityGroupRules lists them."""
    items = job.instance.value(attribute)
    if items is UNKNOWN:
        if attribute == "egress" and not job.manages("egress"):
            return []  # the provider revokes AWS's default allow-all egress of a new group
        job.problems[attribute] = "known only after apply"
        return None
    out = []
    for i, item in enumerate(items or ()):
        protocol = _protocol(item.get("protocol"))
        low, high = _ports(protocol, item.get("from_port"), item.get("to_port"))
        sources: list[tuple[str, str]] = []
        for key, kind in (("cidr_blocks", "v4"), ("ipv6_cidr_blocks", "v6"), ("prefix_list_ids", "pl"),
                          ("security_groups", "sg")):
            values = job.many_ids(attribute, i, key) if key in ("prefix_list_ids", "security_groups") else \
                job.known(attribute, i, key, default=[])
            if values is None:
                return None
            sources += [(kind, str(v)) for v in values]
        if item.get("self"):
            sources.append(("sg", group_id))
        for n, (kind, source) in enumerate(sources):
            out.append(_rule(f"{job.address} {attribute} {i}.{n}", group_id, attribute == "egress", protocol, low,
                             high, kind, source, item.get("description")))
    return out


def _rule(key: str, group_id: str, egress: bool, protocol: str, low: int | None, high: int | None, kind: str,
          source: str, description: Any) -> r.SecurityGroupRule:
    return r.SecurityGroupRule(
        placeholder("security-group-rule", key), group_id, egress, protocol, low, high,
        source if kind == "v4" else None, source if kind == "v6" else None, source if kind == "pl" else None,
        source if kind == "sg" else None, str(description) if description else None)


def _keep_rule_ids(edit: RegionEdit, group_id: str, rules: list[r.SecurityGroupRule]) -> list[r.SecurityGroupRule]:
    """Rules that already exist keep their AWS ids (an unchanged rule is not a new one)."""
    group = edit.security_groups.get(group_id)
    current = group.rules if group is not None else ()
    return [next((replace(x, rule_id=c.rule_id) for c in current if same_rule(c, x)), x) for x in rules]


def _security_group(job: _Apply) -> None:
    edit = job.edit
    old = edit.security_groups.get(job.resource_id)
    vpc_id = old.vpc_id if old is not None else job.one_id("vpc_id")
    job.vpc_id = vpc_id
    if vpc_id is None:
        return
    if old is None:
        edit.put_security_group(r.SecurityGroup(job.resource_id, job.known("name", default=""), vpc_id, job.account_id,
                                                job.known("description", default=""), (), job.tags()))
    else:
        edit.put_security_group(replace(old, tags=job.tags() or old.tags))
    for attribute in ("ingress", "egress"):
        if old is None or job.manages(attribute):
            rules = _inline_rules(job, attribute, job.resource_id)
            if rules is not None:
                edit.set_group_rules(job.resource_id, attribute == "egress",
                                     _keep_rule_ids(edit, job.resource_id, rules))


def _default_security_group(job: _Apply) -> None:
    """Adopting the default group revokes its rules and applies the configured ones."""
    group = job.edit.security_groups.get(job.resource_id)
    if group is None:
        job.problems.setdefault("vpc_id", "names no default security group of the snapshot or the plan")
        return
    job.vpc_id = group.vpc_id
    for attribute in ("ingress", "egress"):
        if job.instance.action == "create" or job.manages(attribute):
            unset = job.instance.value(attribute) is UNKNOWN and not job.manages(attribute)
            rules = [] if unset else _inline_rules(job, attribute, group.group_id)
            if rules is not None:
                job.edit.set_group_rules(group.group_id, attribute == "egress",
                                         _keep_rule_ids(job.edit, group.group_id, rules))


def _security_group_delete(job: _Apply) -> None:
    job.edit.delete_security_group(job.resource_id)


def _group_rule(job: _Apply, before: bool) -> tuple[str | None, list[r.SecurityGroupRule]]:
    """aws_security_group_rule: one resource, one rule per source."""
    get = job.instance.prior if before else job.instance.value
    group_id = get("security_group_id") if before else job.one_id("security_group_id")
    if not isinstance(group_id, str):
        return None, []
    egress = get("type") == "egress"
    protocol = _protocol(get("protocol"))
    low, high = _ports(protocol, get("from_port"), get("to_port"))
    sources: list[tuple[str, str]] = []
    for key, kind in (("cidr_blocks", "v4"), ("ipv6_cidr_blocks", "v6"), ("prefix_list_ids", "pl")):
        values = get(key) if before else (job.many_ids(key) if kind == "pl" else job.known(key, default=[]))
        sources += [(kind, str(v)) for v in values or ()]
    source_group = get("source_security_group_id") if before else job.one_id("source_security_group_id", required=False)
    if source_group:
        sources.append(("sg", str(source_group)))
    if get("self"):
        sources.append(("sg", group_id))
    return group_id, [_rule(f"{job.address} {n}", group_id, egress, protocol, low, high, kind, source,
                            get("description")) for n, (kind, source) in enumerate(sources)]


def _group_rule_apply(job: _Apply) -> None:
    if job.instance.action == "update":
        _group_rule_delete(job)
    group_id, rules = _group_rule(job, before=False)
    _attach_rules(job, group_id, rules)


def _attach_rules(job: _Apply, group_id: str | None, rules: list[r.SecurityGroupRule]) -> None:
    group = job.edit.security_groups.get(group_id or "")
    job.vpc_id = group.vpc_id if group else None
    if group is not None:
        job.resource_id = group.group_id
        job.edit.add_group_rules(group.group_id, rules)


def _group_rule_delete(job: _Apply) -> None:
    group_id, rules = _group_rule(job, before=True)
    if group_id:
        job.edit.remove_group_rules(group_id, rules)


def _vpc_group_rule(egress: bool) -> tuple[Callable[[_Apply], None], Callable[[_Apply], None]]:
    """aws_vpc_security_group_{ingress,egress}_rule: exactly one rule."""

    def build(job: _Apply, before: bool) -> tuple[str | None, list[r.SecurityGroupRule]]:
        get = job.instance.prior if before else job.known
        group_id = get("security_group_id") if before else job.one_id("security_group_id")
        if not isinstance(group_id, str):
            return None, []
        protocol = _protocol(get("ip_protocol"))
        low, high = _ports(protocol, get("from_port"), get("to_port"))
        for key, kind in (("cidr_ipv4", "v4"), ("cidr_ipv6", "v6"), ("prefix_list_id", "pl"),
                          ("referenced_security_group_id", "sg")):
            value = get(key) if before or kind in ("v4", "v6") else job.one_id(key, required=False)
            if value:
                rule = _rule(job.address, group_id, egress, protocol, low, high, kind, str(value), get("description"))
                rule_id = (job.instance.prior if before else job.instance.value)("security_group_rule_id")
                return group_id, [replace(rule, rule_id=rule_id) if isinstance(rule_id, str) and rule_id else rule]
        return group_id, []

    def apply(job: _Apply) -> None:
        if job.instance.action == "update":
            delete(job)
        _attach_rules(job, *build(job, before=False))

    def delete(job: _Apply) -> None:
        group_id, rules = build(job, before=True)
        if group_id:
            job.edit.remove_group_rules(group_id, rules)

    return apply, delete


# -- network ACLs -------------------------------------------------------------------------------


def _nacl_entry(item: Mapping[str, Any], egress: bool, number_key: str, action_key: str) -> r.NaclEntry:
    protocol = str(item.get("protocol", "-1")).lower()
    protocol = NACL_PROTOCOLS.get(protocol, protocol)
    low, high = (None, None) if protocol == "-1" else (item.get("from_port"), item.get("to_port"))
    return r.NaclEntry(int(item.get(number_key, 32767)), egress, protocol, str(item.get(action_key, "deny")).lower(),
                       item.get("cidr_block") or None, item.get("ipv6_cidr_block") or None,
                       None if low is None else int(low), None if high is None else int(high))


def _nacl_entries(job: _Apply, acl_id: str, *, adopt: bool) -> None:
    for attribute in ("ingress", "egress"):
        if not (adopt or job.manages(attribute)):
            continue
        items = job.instance.value(attribute)
        if items is UNKNOWN:
            if job.manages(attribute):
                job.problems[attribute] = "known only after apply"
                continue
            items = []
        job.edit.set_nacl_entries(acl_id, attribute == "egress",
                                  [_nacl_entry(i, attribute == "egress", "rule_no", "action") for i in items or ()])


def _nacl_subnets(job: _Apply, acl_id: str, current: tuple[str, ...]) -> None:
    if not job.manages("subnet_ids"):
        return
    wanted = job.many_ids("subnet_ids")
    if wanted is None:
        return
    for subnet_id in current:
        if subnet_id not in wanted:
            job.edit.disassociate_nacl(acl_id, subnet_id)
    for subnet_id in wanted:
        job.edit.associate_nacl(acl_id, subnet_id)


def _network_acl(job: _Apply) -> None:
    edit = job.edit
    old = edit.network_acls.get(job.resource_id)
    vpc_id = old.vpc_id if old is not None else job.one_id("vpc_id")
    job.vpc_id = vpc_id
    if vpc_id is None:
        return
    if old is None:
        edit.create_network_acl(r.NetworkAcl(job.resource_id, vpc_id, job.account_id, False, (), (), job.tags()))
    _nacl_entries(job, job.resource_id, adopt=old is None)
    _nacl_subnets(job, job.resource_id, old.subnet_ids if old else ())


def _default_network_acl(job: _Apply) -> None:
    """Adopting the default NACL removes its entries and applies the configured ones."""
    acl = job.edit.network_acls.get(job.resource_id)
    if acl is None:
        job.problems.setdefault("default_network_acl_id", "names no network ACL of the snapshot or the plan")
        return
    job.vpc_id = acl.vpc_id
    _nacl_entries(job, acl.network_acl_id, adopt=job.instance.action == "create")
    _nacl_subnets(job, acl.network_acl_id, acl.subnet_ids)


def _network_acl_delete(job: _Apply) -> None:
    job.edit.delete_network_acl(job.resource_id)


def _nacl_rule(job: _Apply) -> None:
    acl = job.edit.network_acls.get(job.one_id("network_acl_id") or "")
    job.vpc_id = acl.vpc_id if acl else None
    if acl is None:
        return
    job.resource_id = acl.network_acl_id
    if job.instance.action == "update":
        _nacl_rule_delete(job)
    values = {k: job.known(k) for k in ("protocol", "from_port", "to_port", "cidr_block", "ipv6_cidr_block",
                                        "rule_number", "rule_action")}
    job.edit.put_nacl_entry(acl.network_acl_id, _nacl_entry(values, bool(job.known("egress", default=False)),
                                                            "rule_number", "rule_action"))


def _nacl_rule_delete(job: _Apply) -> None:
    acl_id, number = job.prior("network_acl_id"), job.prior("rule_number")
    if acl_id and number is not None:
        job.edit.delete_nacl_entry(acl_id, bool(job.prior("egress", default=False)), int(number))


def _nacl_association(job: _Apply) -> None:
    acl_id, subnet_id = job.one_id("network_acl_id"), job.one_id("subnet_id")
    acl = job.edit.network_acls.get(acl_id or "")
    job.vpc_id = acl.vpc_id if acl else None
    if acl is not None and subnet_id:
        job.edit.associate_nacl(acl.network_acl_id, subnet_id)


def _nacl_association_delete(job: _Apply) -> None:
    if job.prior("network_acl_id") and job.prior("subnet_id"):
        job.edit.disassociate_nacl(job.prior("network_acl_id"), job.prior("subnet_id"))


# -- DNS, flow logs, prefix lists ---------------------------------------------------------------


def _dhcp_options(job: _Apply) -> None:
    names = job.known("domain_name")
    job.edit.put_dhcp_options(r.DhcpOptions(job.resource_id, tuple(job.known("domain_name_servers", default=[])),
                                            names or None, job.tags()))


def _dhcp_options_delete(job: _Apply) -> None:
    job.edit.delete_dhcp_options(job.resource_id)


def _dhcp_association(job: _Apply) -> None:
    vpc_id, options = job.one_id("vpc_id"), job.one_id("dhcp_options_id")
    job.vpc_id = vpc_id
    if vpc_id and options:
        job.edit.set_vpc_dhcp_options(vpc_id, options)


def _dhcp_association_delete(job: _Apply) -> None:
    if job.prior("vpc_id"):
        job.edit.set_vpc_dhcp_options(job.prior("vpc_id"), job.edit.default_dhcp_options())


def _zone(job: _Apply) -> None:
    vpcs = job.known("vpc", default=[])
    name = job.known("name", default="")
    old = job.edit.hosted_zones.get(job.resource_id)
    associations = []
    for i, block in enumerate(vpcs or ()):
        vpc_id = job.one_id("vpc", i, "vpc_id")
        region = block.get("vpc_region") or job.edit.name
        if vpc_id and region == job.edit.name:
            associations.append(r.VpcAssociation(vpc_id, region))
    job.vpc_id = associations[0].vpc_id if associations else None
    if not vpcs:
        return  # a public zone: no VPC resolves it privately
    job.edit.put_hosted_zone(r.HostedZone(job.resource_id, r.HostedZone.normalise_name(name), tuple(associations),
                                          old.record_sets if old else (),
                                          old.record_sets_collected if old else r.answers_for_aws_services(name)))


def _zone_delete(job: _Apply) -> None:
    job.edit.delete_hosted_zone(job.resource_id)


def _zone_association(job: _Apply, add: bool = True) -> None:
    get = job.instance.value if add else job.instance.prior
    zone_id = job.one_id("zone_id") if add else get("zone_id")
    vpc_id = job.one_id("vpc_id") if add else get("vpc_id")
    region = get("vpc_region") or job.edit.name
    zone = job.edit.hosted_zones.get(zone_id or "")
    job.vpc_id = vpc_id
    if zone is None or not vpc_id or region != job.edit.name:
        return
    job.resource_id = zone.hosted_zone_id
    others = tuple(a for a in zone.vpcs if a.vpc_id != vpc_id)
    job.edit.put_hosted_zone(replace(zone, vpcs=others + ((r.VpcAssociation(vpc_id, region),) if add else ())))


def _zone_association_delete(job: _Apply) -> None:
    _zone_association(job, add=False)


def _record(job: _Apply, add: bool = True) -> None:
    get = job.instance.value if add else job.instance.prior
    zone = job.edit.hosted_zones.get((job.one_id("zone_id") if add else get("zone_id")) or "")
    if zone is None:
        return
    job.resource_id = zone.hosted_zone_id
    job.vpc_id = zone.vpcs[0].vpc_id if zone.vpcs else None
    name = r.HostedZone.normalise_name(str(get("name") or ""))
    if name and not name.endswith(zone.name):
        name = f"{name}.{zone.name}"
    record_type = str(get("type") or "")
    alias = (get("alias") or [{}])[0] if isinstance(get("alias"), list) else {}
    records = get("records")
    if add and records is UNKNOWN:
        job.problems["records"] = "known only after apply"
        records = []
    kept = tuple(x for x in zone.record_sets if (x.name, x.record_type) != (name, record_type))
    new = (r.RecordSet(name, record_type, tuple(str(v) for v in records or ()),
                       r.HostedZone.normalise_name(alias["name"]) if alias.get("name") else None),) if add else ()
    job.edit.put_hosted_zone(replace(zone, record_sets=kept + new))


def _record_delete(job: _Apply) -> None:
    _record(job, add=False)


def _flow_log(job: _Apply) -> None:
    """A flow log on a VPC, subnet or interface (one on a transit gateway is outside the audit)."""
    key = next((k for k in ("vpc_id", "subnet_id", "eni_id") if job.instance.value(k) not in (None, "")), None)
    target = job.one_id(key) if key else None
    job.vpc_id = job.edit.vpc_of(target) if target else None
    if target is None:
        return
    job.edit.put_flow_log(r.FlowLog(job.resource_id, target, "ACTIVE", None, job.known("traffic_type") or None,
                                    job.known("log_destination_type") or None))


def _flow_log_delete(job: _Apply) -> None:
    job.edit.delete_flow_log(job.resource_id)


def _prefix_list(job: _Apply) -> None:
    entries = job.known("entry", default=[])
    old = job.edit.prefix_lists.get(job.resource_id)
    cidrs = tuple(str(e.get("cidr")) for e in entries or () if e.get("cidr")) if (old is None or job.manages("entry")) \
        else old.cidrs
    job.edit.put_prefix_list(r.PrefixList(job.resource_id, job.known("name", default=""), job.account_id,
                                          job.known("address_family") or None, cidrs))


def _prefix_list_delete(job: _Apply) -> None:
    job.edit.delete_prefix_list(job.resource_id)


def _prefix_list_entry(job: _Apply, add: bool = True) -> None:
    list_id = job.one_id("prefix_list_id") if add else job.prior("prefix_list_id")
    cidr = job.known("cidr") if add else job.prior("cidr")
    found = job.edit.prefix_lists.get(list_id or "")
    if found is None or not cidr:
        return
    job.resource_id = found.prefix_list_id
    cidrs = tuple(c for c in found.cidrs if c != cidr) + ((cidr,) if add else ())
    job.edit.put_prefix_list(replace(found, cidrs=cidrs))


def _prefix_list_entry_delete(job: _Apply) -> None:
    _prefix_list_entry(job, add=False)


_rt_endpoint = _endpoint_member("route_table_id", "route_table_ids")
_subnet_endpoint = _endpoint_member("subnet_id", "subnet_ids")
_sg_endpoint = _endpoint_member("security_group_id", "group_ids")
_ingress = _vpc_group_rule(egress=False)
_egress = _vpc_group_rule(egress=True)

# In the order resources are applied (deletes run in the reverse order).
HANDLERS: dict[str, Handler] = {
    "aws_vpc": Handler("vpc", "vpcs", "vpc", _vpc, _vpc_delete),
    "aws_vpc_ipv4_cidr_block_association": Handler("cidr-association", "vpcs", "vpc", _cidr_association,
                                                   _cidr_association_delete),
    "aws_vpc_dhcp_options": Handler("dhcp-options", "dhcp_options", "dhcp-options", _dhcp_options,
                                    _dhcp_options_delete),
    "aws_vpc_dhcp_options_association": Handler("dhcp-options", "vpcs", "vpc", _dhcp_association,
                                                _dhcp_association_delete),
    "aws_ec2_managed_prefix_list": Handler("prefix-list", "prefix_lists", "prefix-list", _prefix_list,
                                           _prefix_list_delete),
    "aws_ec2_managed_prefix_list_entry": Handler("prefix-list", "prefix_lists", "prefix-list", _prefix_list_entry,
                                                 _prefix_list_entry_delete),
    "aws_internet_gateway": Handler("internet-gateway", "internet_gateways", "internet-gateway", _internet_gateway,
                                    _gateway_delete),
    "aws_internet_gateway_attachment": Handler("internet-gateway", "internet_gateways", "internet-gateway",
                                               _gateway_attachment, _gateway_attachment_delete),
    "aws_egress_only_internet_gateway": Handler("egress-only-internet-gateway", "internet_gateways",
                                                "internet-gateway", _egress_only_gateway, _gateway_delete),
    "aws_subnet": Handler("subnet", "subnets", "subnet", _subnet, _subnet_delete),
    "aws_default_route_table": Handler("route-table", "route_tables", "route-table", _default_route_table, _nothing),
    "aws_route_table": Handler("route-table", "route_tables", "route-table", _route_table, _route_table_delete),
    "aws_main_route_table_association": Handler("route-table-association", "route_tables", "route-table",
                                                _main_association, _main_association_delete),
    "aws_route_table_association": Handler("route-table-association", "route_tables", "route-table",
                                           _route_table_association, _route_table_association_delete),
    "aws_nat_gateway": Handler("nat-gateway", "nat_gateways", "nat-gateway", _nat_gateway, _nat_gateway_delete),
    "aws_default_security_group": Handler("security-group", "security_groups", "security-group",
                                          _default_security_group, _nothing),
    "aws_security_group": Handler("security-group", "security_groups", "security-group", _security_group,
                                  _security_group_delete),
    "aws_security_group_rule": Handler("security-group-rule", "security_groups", "security-group",
                                       _group_rule_apply, _group_rule_delete),
    "aws_vpc_security_group_ingress_rule": Handler("security-group-rule", "security_groups", "security-group",
                                                   *_ingress),
    "aws_vpc_security_group_egress_rule": Handler("security-group-rule", "security_groups", "security-group",
                                                  *_egress),
    "aws_vpc_endpoint": Handler("vpc-endpoint", "vpc_endpoints", "vpc-endpoint", _endpoint, _endpoint_delete),
    "aws_vpc_endpoint_route_table_association": Handler("vpc-endpoint", "vpc_endpoints", "vpc-endpoint",
                                                        *_rt_endpoint),
    "aws_vpc_endpoint_subnet_association": Handler("vpc-endpoint", "vpc_endpoints", "vpc-endpoint", *_subnet_endpoint),
    "aws_vpc_endpoint_security_group_association": Handler("vpc-endpoint", "vpc_endpoints", "vpc-endpoint",
                                                           *_sg_endpoint),
    "aws_vpc_endpoint_policy": Handler("vpc-endpoint", "vpc_endpoints", "vpc-endpoint", _endpoint_policy,
                                       _endpoint_policy_delete),
    "aws_route": Handler("route-table", "route_tables", "route-table", _route, _route_delete),
    "aws_default_network_acl": Handler("network-acl", "network_acls", "network-acl", _default_network_acl, _nothing),
    "aws_network_acl": Handler("network-acl", "network_acls", "network-acl", _network_acl, _network_acl_delete),
    "aws_network_acl_rule": Handler("network-acl", "network_acls", "network-acl", _nacl_rule, _nacl_rule_delete),
    "aws_network_acl_association": Handler("network-acl-association", "network_acls", "network-acl",
                                           _nacl_association, _nacl_association_delete),
    "aws_route53_zone": Handler("hosted-zone", "hosted_zones", "hosted-zone", _zone, _zone_delete),
    "aws_route53_zone_association": Handler("hosted-zone", "hosted_zones", "hosted-zone", _zone_association,
                                            _zone_association_delete),
    "aws_route53_record": Handler("hosted-zone", "hosted_zones", "hosted-zone", _record, _record_delete),
    "aws_flow_log": Handler("flow-log", "flow_logs", "flow-log", _flow_log, _flow_log_delete),
}
# aws_default_* resources adopt an object AWS made: the attribute naming it.
ADOPTED = {"aws_default_route_table": "default_route_table_id", "aws_default_security_group": "id",
           "aws_default_network_acl": "default_network_acl_id"}


def plan_change(snapshot: Snapshot, document: Any, source: str = "plan") -> PlannedChange:
    """Apply a ``terraform show -json`` document to ``snapshot`` (raises :class:`PlanError`)."""
    try:
        plan = read_plan(document)
    except PlanError as exc:
        raise PlanError(f"{source}: {exc.message}") from None
    version = f", Terraform {plan.terraform_version}" if plan.terraform_version else ""
    return _Planner(snapshot, plan).run(f"Terraform plan {source} (format {plan.format_version}{version})")
