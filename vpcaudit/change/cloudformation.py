"""Apply a CloudFormation template (a stack to be created; CDK synthesizes the same) to a snapshot.

Pure: ``(Snapshot, template, parameters) → PlannedChange``. The stack is created in one account
and Region of the snapshot; every resource of a modelled type is created there with a
placeholder id named after its logical id (``rtb-PrivateRouteTableB (new)``), with what AWS adds
on its own (:mod:`vpcaudit.change.apply`).

Intrinsic functions are evaluated as CloudFormation would at create time: ``Ref`` (parameters,
pseudo parameters, resources), ``Fn::GetAtt`` of the attributes that are identities or given
properties, ``Fn::Sub``, ``Fn::If`` with ``Conditions``, ``Fn::Equals``/``And``/``Or``/``Not``,
``Fn::Select``, ``Fn::Split``, ``Fn::Join``, ``Fn::GetAZs`` (the Region's AZs in the snapshot),
``Fn::Cidr``, ``Fn::FindInMap``, ``Fn::Base64``, ``Fn::ToJsonString``, ``Fn::Length``. What only a
deployment knows — ``Fn::ImportValue`` of another stack's export, an SSM parameter type, an
attribute AWS generates, anything of a type vpcaudit does not model — stays unresolved: the
resource using it is recorded with the reason, and the rules that read it report *not evaluated*.

AWS's own defaults apply where the template says nothing: a security group without egress rules
keeps the allow-all egress AWS creates, a VPC has DNS support on and DNS hostnames off, an
endpoint is a gateway endpoint with private DNS off.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from vpcaudit.change.apply import RegionEdit, SnapshotEdit
from vpcaudit.change.cfnyaml import TemplateError
from vpcaudit.change.model import Outcome, PlanFacts, PlannedChange, PlannedResource
from vpcaudit.change.placeholders import placeholder
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

NOT_AUDITED_PREFIXES = ("AWS::IAM::", "AWS::Logs::", "AWS::KMS::", "AWS::EC2::EIP", "AWS::CDK::Metadata",
                        "AWS::CloudFormation::WaitCondition")
DEFAULT_STACK_NAME = "planned-stack"
_SUB = re.compile(r"\$\{(!?)([^}]*)\}")


class Unknown:
    """A value only a deployment knows, and why."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def __repr__(self) -> str:
        return f"Unknown({self.reason!r})"


class _NoValue:
    """``AWS::NoValue``: the property or list element is left out."""


NO_VALUE = _NoValue()


@dataclass(frozen=True)
class Kind:
    """A modelled resource type: the kind of its id, the part it belongs to, its finding label,
    and the GetAtt attributes that name an identity (attribute → placeholder kind and role)."""

    kind: str
    part: str
    label: str
    create: Callable[[_Create], None]
    attributes: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    properties: tuple[str, ...] = ()  # GetAtt attributes that are the resource's own properties


@dataclass
class _Create:
    stack: _Stack
    logical_id: str
    properties: Mapping[str, Any]
    edit: RegionEdit
    kind: Kind
    vpc_id: str | None = None
    problems: dict[str, str] = field(default_factory=dict)

    @property
    def resource_id(self) -> str:
        return placeholder(self.kind.kind, self.logical_id)

    @property
    def account_id(self) -> str:
        return self.edit.account_id

    def get(self, name: str, default: Any = None) -> Any:
        """A property, evaluated; ``default`` when absent, and recorded as a problem when unknown."""
        if name not in self.properties:
            return default
        value = self.stack.evaluate(self.properties[name])
        if isinstance(value, Unknown):
            self.problems[name] = value.reason
            return default
        return default if value is NO_VALUE else value

    def ids(self, name: str) -> list[str]:
        value = self.get(name, [])
        return [str(v) for v in (value if isinstance(value, list) else [value]) if v not in (None, "")]

    def tags(self) -> tuple[r.Tag, ...]:
        tags = self.get("Tags", [])
        return r.tags_from_api(tags if isinstance(tags, list) else [])

    def record_unresolved(self) -> None:
        if self.problems:
            reason = "; ".join(f"{k}: {v}" for k, v in sorted(self.problems.items()))
            self.edit.unresolved_value(self.resource_id, self.kind.label, self.vpc_id, self.kind.part,
                                       self.logical_id, self.problems, reason)


class _Stack:
    def __init__(self, snapshot: Snapshot, template: Mapping[str, Any], parameters: dict[str, Any],
                 account_id: str, region: str, stack_name: str) -> None:
        self.snapshot = snapshot
        self.template = template
        self.account_id = account_id
        self.region = region
        self.stack_name = stack_name
        self.resources: Mapping[str, Any] = template["Resources"]
        self.edit = SnapshotEdit(snapshot)
        region_edit = self.edit.region(account_id, region)
        assert region_edit is not None
        self.region_edit = region_edit
        self.parameters = parameters
        self._conditions: dict[str, bool | Unknown] = {}

    # -- values ----------------------------------------------------------------------------------

    def evaluate(self, node: Any) -> Any:
        """A template value with every intrinsic function evaluated (Unknown when one cannot be)."""
        if isinstance(node, list):
            items = [self.evaluate(x) for x in node]
            unknown = next((x for x in items if isinstance(x, Unknown)), None)
            return unknown or [x for x in items if x is not NO_VALUE]
        if not isinstance(node, Mapping):
            return node
        if len(node) == 1:
            (key, arg), = node.items()
            if key == "Ref":
                return self.ref(str(arg))
            if key.startswith("Fn::") or key == "Condition":
                return self.function(key, arg)
        out = {}
        for key, value in node.items():
            evaluated = self.evaluate(value)
            if isinstance(evaluated, Unknown):
                return evaluated
            if evaluated is not NO_VALUE:
                out[key] = evaluated
        return out

    def ref(self, name: str) -> Any:
        pseudo = {"AWS::Region": self.region, "AWS::AccountId": self.account_id, "AWS::StackName": self.stack_name,
                  "AWS::Partition": _partition(self.region), "AWS::NotificationARNs": [],
                  "AWS::URLSuffix": "amazonaws.com.cn" if self.region.startswith("cn-") else "amazonaws.com"}
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in pseudo:
            return pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        resource = self.resources.get(name)
        if isinstance(resource, Mapping):
            kind = KINDS.get(str(resource.get("Type")))
            if kind is None:
                return Unknown(f"Ref {name} ({resource.get('Type')}) is an id vpcaudit does not model")
            return placeholder(kind.kind, name)
        return Unknown(f"Ref {name} names nothing in the template")

    def get_att(self, name: str, attribute: str) -> Any:
        resource = self.resources.get(name)
        if not isinstance(resource, Mapping):
            return Unknown(f"Fn::GetAtt {name}.{attribute}: no such resource")
        kind = KINDS.get(str(resource.get("Type")))
        if kind is not None and attribute in kind.attributes:
            target_kind, role = kind.attributes[attribute]
            return placeholder(target_kind, name, role)
        if kind is not None and attribute in kind.properties:
            return self.evaluate((resource.get("Properties") or {}).get(attribute, Unknown(
                f"{name}.{attribute} is not set in the template")))
        return Unknown(f"Fn::GetAtt {name}.{attribute} is known only after the stack is created")

    def function(self, key: str, arg: Any) -> Any:
        if key == "Condition":
            return self.condition(str(arg))
        if key == "Fn::If":
            name, yes, no = arg
            holds = self.condition(str(name))
            return holds if isinstance(holds, Unknown) else self.evaluate(yes if holds else no)
        if key == "Fn::GetAtt":
            parts = arg.split(".", 1) if isinstance(arg, str) else arg
            attribute = self.evaluate(parts[1])
            return attribute if isinstance(attribute, Unknown) else self.get_att(str(parts[0]), str(attribute))
        if key == "Fn::Sub":
            return self._sub(arg)
        if key == "Fn::ImportValue":
            return Unknown(f"Fn::ImportValue {json.dumps(arg, default=str)}: another stack's export, read at deploy "
                           "time")
        value = self.evaluate(arg)
        if isinstance(value, Unknown):
            return value
        simple = _FUNCTIONS.get(key)
        if simple is not None:
            return simple(value)
        if key == "Fn::GetAZs":
            return self._azs(value or self.region)
        if key == "Fn::FindInMap":
            mapping = (self.template.get("Mappings") or {}).get(value[0], {})
            found = mapping.get(value[1], {}).get(value[2]) if isinstance(mapping, Mapping) else None
            if found is None and len(value) > 3:
                found = self.evaluate(value[3]["DefaultValue"])
            return found if found is not None else Unknown(f"Fn::FindInMap {value}: no such entry")
        return Unknown(f"{key} is not evaluated by vpcaudit")

    def condition(self, name: str) -> bool | Unknown:
        if name not in self._conditions:
            self._conditions[name] = Unknown(f"condition {name} refers to itself")
            definition = (self.template.get("Conditions") or {}).get(name)
            value = self.evaluate(definition) if definition is not None else Unknown(f"no condition named {name}")
            self._conditions[name] = value if isinstance(value, Unknown) else bool(value)
        return self._conditions[name]

    def _sub(self, arg: Any) -> Any:
        text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1] if len(arg) > 1 else {})
        values = {k: self.evaluate(v) for k, v in variables.items()}
        problem: list[Unknown] = []

        def one(match: re.Match[str]) -> str:
            if match.group(1):
                return "${" + match.group(2) + "}"
            name = match.group(2).strip()
            value = values[name] if name in values else (
                self.get_att(*name.split(".", 1)) if "." in name and not name.startswith("AWS::") else self.ref(name))
            if isinstance(value, Unknown):
                problem.append(value)
                return ""
            return ",".join(map(str, value)) if isinstance(value, list) else str(value)

        result = _SUB.sub(one, str(text))
        return problem[0] if problem else result

    def _azs(self, region: str) -> Any:
        edit = self.edit.region(self.account_id, region)
        names = sorted(edit.az_ids()) if edit is not None else []
        return names or Unknown(f"Fn::GetAZs {region}: the snapshot knows no AZ of {region} for this account")

    # -- the run ---------------------------------------------------------------------------------

    def run(self, source: str) -> PlannedChange:
        results: list[PlannedResource] = []
        order = {t: n for n, t in enumerate(KINDS)}
        modelled = []
        for logical_id, resource in self.resources.items():
            rtype = str(resource.get("Type", "")) if isinstance(resource, Mapping) else ""
            condition = resource.get("Condition") if isinstance(resource, Mapping) else None
            holds = self.condition(str(condition)) if condition is not None else True
            if holds is False:
                continue
            if isinstance(holds, Unknown):
                results.append(PlannedResource(logical_id, rtype, "create", Outcome.NOT_MODELLED,
                                               detail=f"created only if condition {condition} holds, which "
                                                      f"cannot be told before deploy: {holds.reason}"))
            elif rtype.startswith(NOT_AUDITED_PREFIXES):
                results.append(PlannedResource(logical_id, rtype, "create", Outcome.NOT_AUDITED))
            elif rtype not in KINDS:
                results.append(PlannedResource(logical_id, rtype, "create", Outcome.NOT_MODELLED))
            else:
                modelled.append((logical_id, resource, KINDS[rtype]))
        for logical_id, resource, kind in sorted(modelled, key=lambda x: order[str(x[1]["Type"])]):
            job = _Create(self, logical_id, resource.get("Properties") or {}, self.region_edit, kind)
            kind.create(job)
            job.record_unresolved()
            results.append(PlannedResource(logical_id, str(resource["Type"]), "create", Outcome.APPLIED,
                                           self.account_id, self.region, (job.resource_id,)))
        after = self.edit.freeze()
        unresolved = tuple(u for a in after.accounts for reg in a.regions for u in reg.unresolved)
        facts = PlanFacts("cloudformation", source, tuple(sorted(results, key=lambda p: p.address)), 0, unresolved,
                          _notes(self.template))
        return PlannedChange(self.snapshot, after, facts)


def _notes(template: Mapping[str, Any]) -> tuple[str, ...]:
    transform = template.get("Transform")
    if transform:
        names = transform if isinstance(transform, list) else [transform]
        return (f"the template declares Transform {', '.join(map(str, names))}, which vpcaudit does not expand: "
                "plan the processed template (`aws cloudformation get-template --template-stage Processed`, or "
                "`cdk synth`)",)
    return ()


def _partition(region: str) -> str:
    return "aws-cn" if region.startswith("cn-") else "aws-us-gov" if region.startswith("us-gov-") else "aws"


def _text(value: Any) -> str:
    """A scalar as CloudFormation compares it: YAML's true is "true"."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def _cidr(value: list[Any]) -> list[str]:
    network = ipaddress.ip_network(str(value[0]), strict=False)
    count, bits = int(value[1]), int(value[2])
    return [str(n) for n in list(network.subnets(new_prefix=network.max_prefixlen - bits))[:count]]


def _select(value: list[Any]) -> Any:
    index, items = int(value[0]), value[1]
    if not isinstance(items, list) or not 0 <= index < len(items):
        return Unknown(f"Fn::Select index {index} is outside {items!r}")
    return items[index]


_FUNCTIONS: dict[str, Callable[[Any], Any]] = {
    "Fn::Equals": lambda v: _text(v[0]) == _text(v[1]),
    "Fn::And": lambda v: all(bool(x) for x in v),
    "Fn::Or": lambda v: any(bool(x) for x in v),
    "Fn::Not": lambda v: not bool(v[0]),
    "Fn::Join": lambda v: str(v[0]).join(str(x) for x in v[1]),
    "Fn::Split": lambda v: str(v[1]).split(str(v[0])),
    "Fn::Select": _select,
    "Fn::Cidr": _cidr,
    "Fn::Base64": lambda v: base64.b64encode(str(v).encode()).decode(),
    "Fn::ToJsonString": lambda v: json.dumps(v, separators=(",", ":")),
    "Fn::Length": lambda v: len(v),
}


def _parameters(declared: Mapping[str, Any], given: Mapping[str, str]) -> dict[str, Any]:
    """Parameter values: the file's, else the template's default; SSM parameters are unknown."""
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise TemplateError(f"the template has no parameter {', '.join(unknown)}", "parameters")
    out: dict[str, Any] = {}
    for name, spec in declared.items():
        spec = spec if isinstance(spec, Mapping) else {}
        ptype = str(spec.get("Type", "String"))
        if ptype.startswith("AWS::SSM::Parameter::Value<"):
            out[name] = Unknown(f"parameter {name} is read from SSM Parameter Store at deploy time")
            continue
        if name in given:
            raw: Any = given[name]
        elif "Default" in spec:
            raw = spec["Default"]
        else:
            raise TemplateError(f"parameter {name} has no Default: give its value in --parameters", "parameters")
        is_list = ptype.startswith("List<") or ptype == "CommaDelimitedList"
        out[name] = [x.strip() for x in str(raw).split(",")] if is_list and not isinstance(raw, list) else raw
    return out


# -- the resources --------------------------------------------------------------------------------


def _vpc(job: _Create) -> None:
    cidr = job.get("CidrBlock")
    if "Ipv4IpamPoolId" in job.properties and not cidr:
        job.problems["CidrBlock"] = "allocated from an IPAM pool at create time"
    vpc = r.Vpc(job.resource_id, job.account_id, (cidr,) if cidr else (), (), False,
                job.edit.default_dhcp_options(), "available", job.tags(),
                _flag(job.get("EnableDnsSupport", True)), _flag(job.get("EnableDnsHostnames", False)))
    job.vpc_id = vpc.vpc_id
    job.edit.create_vpc(vpc, job.logical_id)


def _flag(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def _vpc_cidr(job: _Create) -> None:
    vpc = job.edit.vpcs.get(job.get("VpcId") or "")
    job.vpc_id = vpc.vpc_id if vpc else None
    if vpc is None:
        return
    if _flag(job.get("AmazonProvidedIpv6CidrBlock", False)) or "Ipv6IpamPoolId" in job.properties:
        job.problems["Ipv6CidrBlock"] = "allocated by AWS at create time"
    v4, v6 = job.get("CidrBlock"), job.get("Ipv6CidrBlock")
    job.edit.update_vpc(replace(vpc, cidr_blocks=tuple(dict.fromkeys((*vpc.cidr_blocks, *([v4] if v4 else [])))),
                                ipv6_cidr_blocks=tuple(dict.fromkeys((*vpc.ipv6_cidr_blocks, *([v6] if v6 else []))))))


def _dhcp_options(job: _Create) -> None:
    job.edit.put_dhcp_options(r.DhcpOptions(job.resource_id, tuple(job.get("DomainNameServers", [])),
                                            job.get("DomainName"), job.tags()))


def _dhcp_association(job: _Create) -> None:
    vpc_id, options = job.get("VpcId"), job.get("DhcpOptionsId")
    job.vpc_id = vpc_id
    if vpc_id and options:
        job.edit.set_vpc_dhcp_options(vpc_id, options)


def _internet_gateway(job: _Create) -> None:
    job.edit.put_internet_gateway(r.InternetGateway(job.resource_id, "igw", job.account_id, (), job.tags()))


def _egress_only_gateway(job: _Create) -> None:
    job.vpc_id = job.get("VpcId")
    job.edit.put_internet_gateway(r.InternetGateway(job.resource_id, "eigw", job.account_id,
                                                    (job.vpc_id,) if job.vpc_id else (), ()))


def _gateway_attachment(job: _Create) -> None:
    job.vpc_id = job.get("VpcId")
    gateway = job.get("InternetGatewayId")
    if gateway and job.vpc_id:
        job.edit.attach_internet_gateway(gateway, job.vpc_id)


def _subnet(job: _Create) -> None:
    vpc_id = job.get("VpcId")
    job.vpc_id = vpc_id
    names = job.edit.az_ids()
    az, az_id = job.get("AvailabilityZone", ""), job.get("AvailabilityZoneId", "")
    if not az and not az_id and "AvailabilityZone" not in job.problems:
        job.problems["AvailabilityZone"] = "not given: AWS picks an AZ at create time"
    if az and not az_id:
        az_id = names.get(az, "")
        if not az_id:
            job.problems["AvailabilityZoneId"] = f"the AZ id of {az} is not in the snapshot"
    if az_id and not az:
        az = next((n for n, i in names.items() if i == az_id), "")
    if not vpc_id:
        return
    v6 = job.get("Ipv6CidrBlock")
    job.edit.put_subnet(r.Subnet(job.resource_id, vpc_id, job.account_id, az, az_id, job.get("CidrBlock"),
                                 (v6,) if v6 else (), _flag(job.get("Ipv6Native", False)),
                                 _flag(job.get("MapPublicIpOnLaunch", False)), job.tags()))


def _route_table(job: _Create) -> None:
    job.vpc_id = job.get("VpcId")
    if job.vpc_id:
        job.edit.create_route_table(r.RouteTable(job.resource_id, job.vpc_id, job.account_id, (), (), (), job.tags()))


ROUTE_FIELDS = ("DestinationCidrBlock", "DestinationIpv6CidrBlock", "DestinationPrefixListId", "GatewayId",
                "NatGatewayId", "TransitGatewayId", "VpcPeeringConnectionId", "EgressOnlyInternetGatewayId",
                "NetworkInterfaceId", "InstanceId", "CarrierGatewayId", "LocalGatewayId", "CoreNetworkArn")


def _route(job: _Create) -> None:
    table = job.edit.route_tables.get(job.get("RouteTableId") or "")
    job.vpc_id = table.vpc_id if table else None
    api: dict[str, Any] = {"State": "active", "Origin": "CreateRoute"}
    for name in ROUTE_FIELDS:
        value = job.get(name)
        if value:
            api[name] = value
    if job.get("VpcEndpointId"):
        api["GatewayId"] = job.get("VpcEndpointId")
    if table is not None and not job.problems:
        job.edit.put_route(table.route_table_id, r.Route.from_api(api))


def _subnet_route_table_association(job: _Create) -> None:
    table, subnet = job.get("RouteTableId"), job.get("SubnetId")
    found = job.edit.route_tables.get(table or "")
    job.vpc_id = found.vpc_id if found else None
    if table and subnet:
        job.edit.associate_subnet(table, subnet, job.resource_id)


def _gateway_route_table_association(job: _Create) -> None:
    table, gateway = job.get("RouteTableId"), job.get("GatewayId")
    found = job.edit.route_tables.get(table or "")
    job.vpc_id = found.vpc_id if found else None
    if table and gateway:
        job.edit.associate_gateway(table, gateway, job.resource_id)


def _nat_gateway(job: _Create) -> None:
    mode = job.get("AvailabilityMode", "zonal") or "zonal"
    subnet_id = job.get("SubnetId")
    subnet = job.edit.subnets.get(subnet_id or "")
    job.vpc_id = subnet.vpc_id if subnet else job.get("VpcId")
    if not job.vpc_id or (mode != "regional" and not subnet_id):
        return
    connectivity = job.get("ConnectivityType", "public") or "public"
    job.edit.put_nat_gateway(r.NatGateway(job.resource_id, job.vpc_id, subnet_id if mode != "regional" else None,
                                          "available", connectivity, mode, None, (), job.tags()), job.logical_id)


def _endpoint(job: _Create) -> None:
    job.vpc_id = job.get("VpcId")
    if not job.vpc_id:
        return
    dns = job.get("DnsOptions", {}) or {}
    inbound = dns.get("PrivateDnsOnlyForInboundResolverEndpoint")
    policy = job.get("PolicyDocument")
    job.edit.put_endpoint(r.VpcEndpoint(
        vpc_endpoint_id=job.resource_id, vpc_id=job.vpc_id, owner_id=job.account_id,
        endpoint_type=job.get("VpcEndpointType", "Gateway") or "Gateway", service_name=job.get("ServiceName", ""),
        service_region=job.get("ServiceRegion"), state="available",
        route_table_ids=tuple(sorted(job.ids("RouteTableIds"))), subnet_ids=tuple(sorted(job.ids("SubnetIds"))),
        group_ids=tuple(sorted(job.ids("SecurityGroupIds"))),
        private_dns_enabled=_flag(job.get("PrivateDnsEnabled", False)), dns_record_ip_type=dns.get("DnsRecordIpType"),
        private_dns_only_for_inbound_resolver_endpoint=None if inbound in (None, "NotSpecified")
        else inbound == "OnlyInboundResolver",
        ip_address_type=job.get("IpAddressType"),
        policy_document=json.dumps(policy) if isinstance(policy, Mapping) else policy,
        dns_entries=(), network_interface_ids=(), requester_managed=False, tags=job.tags()), job.logical_id)


def _permission(job: _Create, group_id: str, rule: Mapping[str, Any], egress: bool, n: int) -> r.SecurityGroupRule:
    """An ingress/egress entry in CloudFormation's (= the EC2 API's) names, as one rule."""
    protocol = str(rule.get("IpProtocol", "-1")).lower()
    protocol = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}.get(protocol, protocol)
    low, high = (None, None) if protocol == "-1" else (rule.get("FromPort"), rule.get("ToPort"))
    peer = "Destination" if egress else "Source"
    group = rule.get(f"{peer}SecurityGroupId")
    return r.SecurityGroupRule(
        placeholder("security-group-rule", job.logical_id, f"{'out' if egress else 'in'} {n}"), group_id, egress,
        protocol, None if low in (None, -1) else int(low), None if high in (None, -1) else int(high),
        rule.get("CidrIp"), rule.get("CidrIpv6"), rule.get(f"{peer}PrefixListId"), group,
        rule.get("Description"))


def _security_group(job: _Create) -> None:
    job.vpc_id = job.get("VpcId")
    if not job.vpc_id:
        return
    sid = job.resource_id
    ingress = [_permission(job, sid, x, False, n) for n, x in enumerate(job.get("SecurityGroupIngress", []) or [])]
    egress = [_permission(job, sid, x, True, n) for n, x in enumerate(job.get("SecurityGroupEgress", []) or [])]
    if "SecurityGroupEgress" not in job.properties:  # AWS's default: all traffic out
        egress = [r.SecurityGroupRule(placeholder("security-group-rule", job.logical_id, "out default"), sid, True,
                                      "-1", None, None, "0.0.0.0/0", None, None, None, None)]
    job.edit.put_security_group(r.SecurityGroup(sid, job.get("GroupName", job.logical_id), job.vpc_id,
                                                job.account_id, job.get("GroupDescription", ""),
                                                tuple(ingress + egress), job.tags()))


def _group_rule(egress: bool) -> Callable[[_Create], None]:
    def create(job: _Create) -> None:
        group = job.edit.security_groups.get(job.get("GroupId") or "")
        job.vpc_id = group.vpc_id if group else None
        rule = {k: job.get(k) for k in job.properties}
        if group is not None and not job.problems:
            job.edit.add_group_rules(group.group_id, [_permission(job, group.group_id, rule, egress, 0)])

    return create


def _network_acl(job: _Create) -> None:
    job.vpc_id = job.get("VpcId")
    if job.vpc_id:
        job.edit.create_network_acl(r.NetworkAcl(job.resource_id, job.vpc_id, job.account_id, False, (), (),
                                                 job.tags()))


def _network_acl_entry(job: _Create) -> None:
    acl = job.edit.network_acls.get(job.get("NetworkAclId") or "")
    job.vpc_id = acl.vpc_id if acl else None
    if acl is None or job.problems:
        return
    protocol = str(job.get("Protocol", -1))
    ports = job.get("PortRange", {}) or {}
    job.edit.put_nacl_entry(acl.network_acl_id, r.NaclEntry(
        int(job.get("RuleNumber", 32767)), _flag(job.get("Egress", False)), protocol,
        str(job.get("RuleAction", "deny")).lower(), job.get("CidrBlock"), job.get("Ipv6CidrBlock"),
        None if protocol == "-1" else ports.get("From"), None if protocol == "-1" else ports.get("To")))


def _nacl_association(job: _Create) -> None:
    acl, subnet = job.get("NetworkAclId"), job.get("SubnetId")
    found = job.edit.network_acls.get(acl or "")
    job.vpc_id = found.vpc_id if found else None
    if acl and subnet:
        job.edit.associate_nacl(acl, subnet)


def _hosted_zone(job: _Create) -> None:
    vpcs = job.get("VPCs", []) or []
    if not vpcs:
        return  # a public zone
    name = str(job.get("Name", ""))
    associations = tuple(r.VpcAssociation(str(v.get("VPCId")), str(v.get("VPCRegion")))
                         for v in vpcs if v.get("VPCRegion") == job.edit.name)
    job.vpc_id = associations[0].vpc_id if associations else None
    job.edit.put_hosted_zone(r.HostedZone(job.resource_id, r.HostedZone.normalise_name(name), associations, (),
                                          r.answers_for_aws_services(name)))


def _record_set(job: _Create) -> None:
    zone = job.edit.hosted_zones.get(job.get("HostedZoneId") or "")
    if zone is None:
        return
    job.vpc_id = zone.vpcs[0].vpc_id if zone.vpcs else None
    name, record_type = r.HostedZone.normalise_name(str(job.get("Name", ""))), str(job.get("Type", ""))
    alias = job.get("AliasTarget", {}) or {}
    record = r.RecordSet(name, record_type, tuple(str(v) for v in job.get("ResourceRecords", []) or []),
                         r.HostedZone.normalise_name(alias["DNSName"]) if alias.get("DNSName") else None)
    kept = tuple(x for x in zone.record_sets if (x.name, x.record_type) != (name, record_type))
    job.edit.put_hosted_zone(replace(zone, record_sets=(*kept, record)))


def _flow_log(job: _Create) -> None:
    target = job.get("ResourceId")
    job.vpc_id = job.edit.vpc_of(target) if target else None
    if target:
        job.edit.put_flow_log(r.FlowLog(job.resource_id, target, "ACTIVE", None, job.get("TrafficType"),
                                        job.get("LogDestinationType", "cloud-watch-logs")))


def _prefix_list(job: _Create) -> None:
    entries = job.get("Entries", []) or []
    job.edit.put_prefix_list(r.PrefixList(job.resource_id, job.get("PrefixListName", ""), job.account_id,
                                          job.get("AddressFamily"), tuple(str(e.get("Cidr")) for e in entries)))


# In the order resources are created.
KINDS: dict[str, Kind] = {
    "AWS::EC2::VPC": Kind("vpc", "vpcs", "vpc", _vpc, {
        "VpcId": ("vpc", ""), "DefaultSecurityGroup": ("security-group", "default"),
        "DefaultNetworkAcl": ("network-acl", "default")}, ("CidrBlock",)),
    "AWS::EC2::VPCCidrBlock": Kind("cidr-association", "vpcs", "vpc", _vpc_cidr),
    "AWS::EC2::DHCPOptions": Kind("dhcp-options", "dhcp_options", "dhcp-options", _dhcp_options,
                                  {"DhcpOptionsId": ("dhcp-options", "")}),
    "AWS::EC2::VPCDHCPOptionsAssociation": Kind("dhcp-options", "vpcs", "vpc", _dhcp_association),
    "AWS::EC2::PrefixList": Kind("prefix-list", "prefix_lists", "prefix-list", _prefix_list,
                                 {"PrefixListId": ("prefix-list", "")}),
    "AWS::EC2::InternetGateway": Kind("internet-gateway", "internet_gateways", "internet-gateway", _internet_gateway,
                                      {"InternetGatewayId": ("internet-gateway", "")}),
    "AWS::EC2::EgressOnlyInternetGateway": Kind("egress-only-internet-gateway", "internet_gateways",
                                                "internet-gateway", _egress_only_gateway,
                                                {"Id": ("egress-only-internet-gateway", "")}),
    "AWS::EC2::VPCGatewayAttachment": Kind("internet-gateway", "internet_gateways", "internet-gateway",
                                           _gateway_attachment),
    "AWS::EC2::Subnet": Kind("subnet", "subnets", "subnet", _subnet, {"SubnetId": ("subnet", "")},
                             ("VpcId", "CidrBlock", "AvailabilityZone", "AvailabilityZoneId")),
    "AWS::EC2::RouteTable": Kind("route-table", "route_tables", "route-table", _route_table,
                                 {"RouteTableId": ("route-table", "")}),
    "AWS::EC2::SubnetRouteTableAssociation": Kind("route-table-association", "route_tables", "route-table",
                                                  _subnet_route_table_association),
    "AWS::EC2::GatewayRouteTableAssociation": Kind("route-table-association", "route_tables", "route-table",
                                                   _gateway_route_table_association),
    "AWS::EC2::NatGateway": Kind("nat-gateway", "nat_gateways", "nat-gateway", _nat_gateway,
                                 {"NatGatewayId": ("nat-gateway", "")}),
    "AWS::EC2::SecurityGroup": Kind("security-group", "security_groups", "security-group", _security_group,
                                    {"GroupId": ("security-group", "")}, ("VpcId",)),
    "AWS::EC2::SecurityGroupIngress": Kind("security-group-rule", "security_groups", "security-group",
                                           _group_rule(egress=False)),
    "AWS::EC2::SecurityGroupEgress": Kind("security-group-rule", "security_groups", "security-group",
                                          _group_rule(egress=True)),
    "AWS::EC2::VPCEndpoint": Kind("vpc-endpoint", "vpc_endpoints", "vpc-endpoint", _endpoint,
                                  {"Id": ("vpc-endpoint", "")}),
    "AWS::EC2::Route": Kind("route-table", "route_tables", "route-table", _route),
    "AWS::EC2::NetworkAcl": Kind("network-acl", "network_acls", "network-acl", _network_acl,
                                 {"Id": ("network-acl", "")}),
    "AWS::EC2::NetworkAclEntry": Kind("network-acl", "network_acls", "network-acl", _network_acl_entry),
    "AWS::EC2::SubnetNetworkAclAssociation": Kind("network-acl-association", "network_acls", "network-acl",
                                                  _nacl_association),
    "AWS::Route53::HostedZone": Kind("hosted-zone", "hosted_zones", "hosted-zone", _hosted_zone,
                                     {"Id": ("hosted-zone", "")}),
    "AWS::Route53::RecordSet": Kind("hosted-zone", "hosted_zones", "hosted-zone", _record_set),
    "AWS::EC2::FlowLog": Kind("flow-log", "flow_logs", "flow-log", _flow_log, {"Id": ("flow-log", "")}),
}


def _scope(snapshot: Snapshot, parameters: Mapping[str, Any], region: str | None,
           account_id: str | None) -> tuple[str, str]:
    """The account and Region the stack is created in: as given, else the one holding the existing
    resources the parameters name, else the snapshot's only one."""
    pairs = [(a.account_id, reg.region) for a in snapshot.accounts for reg in a.regions
             if (account_id is None or a.account_id == account_id) and (region is None or reg.region == region)]
    if len(pairs) > 1:
        edit = SnapshotEdit(snapshot)
        values = [str(v) for value in parameters.values() for v in (value if isinstance(value, list) else [value])]
        holding = [p for p in pairs if any((found := edit.region(*p)) is not None and found.holds(v) for v in values)]
        pairs = holding or pairs
    if len(pairs) == 1:
        return pairs[0]
    wanted = "/".join(x for x in (account_id, region) if x)
    if not pairs:
        raise TemplateError(f"the snapshot holds no {wanted or 'Region'} to create the stack in", "stack_region")
    raise TemplateError(f"the stack could be created in {', '.join(f'{a}/{g}' for a, g in pairs)}: name the Region "
                        "(and account) it is created in", "stack_region")


def plan_change(snapshot: Snapshot, template: Any, parameters: Mapping[str, str] | None = None, *,
                source: str = "template", region: str | None = None, account_id: str | None = None,
                stack_name: str = DEFAULT_STACK_NAME) -> PlannedChange:
    """Create the stack of ``template`` in a copy of ``snapshot`` (raises :class:`TemplateError`)."""
    if not isinstance(template, Mapping) or not isinstance(template.get("Resources"), Mapping):
        raise TemplateError(f"{source}: not a CloudFormation template (no 'Resources' section)")
    given = dict(parameters or {})
    declared = _parameters(template.get("Parameters") or {}, given)
    scope = _scope(snapshot, declared, region, account_id)
    stack = _Stack(snapshot, template, declared, scope[0], scope[1], stack_name)
    return stack.run(f"CloudFormation template {source}")
