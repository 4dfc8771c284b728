"""FixSteps as Terraform (AWS provider) configuration, with ``import`` blocks for what already exists.

Each step becomes the resource that expresses the change in Terraform's terms: a new gateway
endpoint is an ``aws_vpc_endpoint``, a route table added to an endpoint an
``aws_vpc_endpoint_route_table_association``, a changed attribute of an existing endpoint or
VPC an ``import`` block (provider import ids: the resource id; routes ``<rtb>_<destination>``)
plus the resource restating what Terraform requires (an existing network interface's
source/destination check, an ``aws_network_interface`` with its subnet). Deletions, Route 53 and S3 policy changes
have no safe Terraform form for a resource Terraform may not manage, so they stay comments
holding the AWS CLI command (naming the resource to remove where it is not the obvious one: an
MSK managed VPC connection's ``aws_msk_vpc_connection``, a Resolver rule's association with a VPC
``aws_route53_resolver_rule_association``). Steps that need a decision are written out commented.

Values are HCL string literals built by :func:`hcl_string`, which also neutralises ``${`` and
``%{`` (template syntax in HCL strings), so a hostile tag cannot become an interpolation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from vpcaudit.engine.remedy import FixStep, is_new_id, is_placeholder
from vpcaudit.render.fix import cli
from vpcaudit.render.text import terminal_safe


@dataclass
class Block:
    """One ``resource`` (with an optional ``import``), or a comment standing for a step."""

    rtype: str = ""
    name: str = ""
    attributes: dict[str, Any] = field(default_factory=dict)
    import_id: str | None = None
    comment: str = ""
    decision: str | None = None
    description: str = ""

    @property
    def address(self) -> str:
        return f"{self.rtype}.{self.name}"


class Addresses:
    """Where the id of a resource created by an earlier step lives in Terraform (``aws_eip.x.id``)."""

    def __init__(self) -> None:
        self._by_label: dict[str, str] = {}

    def add(self, label: str, address: str) -> None:
        self._by_label[label] = address

    def ref(self, label: str) -> str | None:
        return self._by_label.get(label)


def name(*parts: str) -> str:
    """A Terraform resource name from AWS ids: lower-case letters, digits and underscores."""
    text = cli.snake("_".join(parts)) or "fix"
    return text if text[0].isalpha() or text[0] == "_" else f"r_{text}"


def blocks(steps: Iterable[FixStep], region: str, addresses: Addresses | None = None) -> list[Block]:
    """Blocks for ``steps`` in order; resources with the same address are merged (two attributes
    of one VPC changed by two steps are one ``aws_vpc`` block)."""
    known = addresses or Addresses()
    out: dict[str, Block] = {}
    for fix in steps:
        for block in _MAPPERS.get(fix.action, _as_comment)(fix, region):
            block.decision = block.decision or fix.decision
            block.description = block.description or fix.description
            if block.rtype:
                address = block.address
                if fix.creates:
                    known.add(fix.creates, f"{address}.id")
                block.attributes = {k: v if v.__class__ is str else _resolve(v, known)  # strings: nothing to resolve
                                    for k, v in block.attributes.items()}
                if address in out:
                    kept = out[address]
                    kept.attributes.update(block.attributes)
                    if block.description not in kept.description:
                        kept.description += "\n" + block.description
                    continue
                out[address] = block
            else:
                out[f"#{len(out)}"] = block
    return list(out.values())


def render(steps: Iterable[FixStep], region: str, *, provider: str | None = None,
           addresses: Addresses | None = None) -> str:
    """HCL for ``steps``; ``provider`` names a provider alias (``aws.x``) every block uses."""
    return "\n\n".join([render_block(b, provider) for b in blocks(steps, region, addresses)])


def render_block(block: Block, provider: str | None = None) -> str:
    lines = ["# " + line for line in _lines(block.description)]
    if block.rtype:
        body = _body(block, provider)
    else:
        lines += ["# " + line for line in _lines(block.comment)]
        body = []
    if block.decision:
        lines += ["# NEEDS A DECISION: " + line for line in _lines(block.decision)]
        if body:
            lines.append("# " + "\n# ".join(body))
    else:
        lines += body
    return "\n".join(lines)


def _body(block: Block, provider: str | None) -> list[str]:
    """The block's ``import`` (if any) and ``resource``, aligned as ``terraform fmt`` aligns them."""
    attributes = block.attributes
    body = []
    if block.import_id is not None:
        if provider:  # `terraform fmt` aligns the equals signs
            body += ["import {", f"  to       = {block.address}", f"  id       = {hcl_string(block.import_id)}",
                     f"  provider = {provider}", "}"]
        else:
            body += ["import {", f"  to = {block.address}", f"  id = {hcl_string(block.import_id)}", "}"]
    body.append(f'resource "{block.rtype}" "{block.name}" {{')
    width = max(map(len, attributes), default=0)
    if provider:
        width = max(width, len("provider"))
        body.append(f"  {'provider'.ljust(width)} = {provider}")
    body += [f"  {key.ljust(width)} = {hcl_string(value) if value.__class__ is str else _hcl(value)}"
             for key, value in attributes.items()]
    body.append("}")
    return body


# The same ids, CIDRs and policies recur across the fixes of a result's findings; each is written once.
@lru_cache(maxsize=8192)
def hcl_string(text: str) -> str:
    """A double-quoted HCL string literal holding exactly ``text``, with no template sequence."""
    if not _NEEDS_ESCAPE.search(text):  # the common case (ids, ARNs, CIDRs): nothing to escape
        return '"' + text.replace("${", "$${").replace("%{", "%%{") + '"'
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif char == "\r":
            out.append("\\r")
        elif ord(char) < 0x20 or 0x7f <= ord(char) < 0xa0 or not char.isprintable():
            out.append(f"\\u{ord(char):04x}" if ord(char) <= 0xffff else f"\\U{ord(char):08x}")
        else:
            out.append(char)
    return '"' + "".join(out).replace("${", "$${").replace("%{", "%%{") + '"'


# A character hcl_string writes as an escape: a quote, a backslash, or anything not printable ASCII.
_NEEDS_ESCAPE = re.compile(r'["\\]|[^\x20-\x7e]')


class Expression(str):
    """An HCL expression written as it is (a reference such as ``aws_eip.x.id``)."""

    __slots__ = ()


def _resolve(value: Any, known: Addresses) -> Any:
    if isinstance(value, dict):  # markers are dicts: most values (strings) are returned at once
        if is_new_id(value):
            ref = known.ref(value["new_id"])
            return Expression(ref) if ref else f"<id created by step {value['new_id']}>"
        if is_placeholder(value):
            return f"<{value['placeholder']}>"
        return {k: _resolve(v, known) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, known) for v in value]
    return value


def _hcl(value: Any) -> str:
    if value.__class__ is str:  # the commonest value, checked first (an Expression is a str subclass)
        return hcl_string(value)
    if isinstance(value, Expression):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return hcl_string(value)
    if isinstance(value, list):
        return "[" + ", ".join([hcl_string(v) if v.__class__ is str else _hcl(v) for v in value]) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_hcl(v)}" for k, v in value.items()) + " }"
    return hcl_string(str(value))


def _lines(text: str) -> list[str]:
    """Comment text as lines without control characters (a comment must not end early or drive a terminal)."""
    if text.isprintable():  # one line with nothing to remove (most descriptions): spare the split
        return [text] if text else []
    return [terminal_safe(line) for line in _LINE_BREAK.split(text) if line]


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


# -- one mapper per API operation ------------------------------------------------------------

Mapper = Callable[[FixStep, str], list[Block]]


def _as_comment(fix: FixStep, region: str) -> list[Block]:
    """No Terraform form that is safe for a resource Terraform may not manage: the CLI command."""
    return [Block(comment="Not expressed in Terraform (remove it from the configuration that manages it, if any); "
                          f"with the AWS CLI:\n{cli.command(fix, region)}")]


def _delete_msk_vpc_connection(fix: FixStep, region: str) -> list[Block]:
    """An Amazon MSK managed VPC connection is an ``aws_msk_vpc_connection`` where Terraform made it
    (terraform-aws-msk-kafka-cluster's ``vpc_connections``): removing that resource deletes the
    connection, while deleting it with the CLI lasts only until the next apply recreates it. Like
    every deletion, a comment: which configuration declares it is not known here."""
    ctx = fix.context
    which = f"of {ctx.get('VpcId', '<vpc id>')} to cluster {ctx.get('TargetClusterArn', '<cluster arn>')}"
    return [Block(comment=f"Remove the aws_msk_vpc_connection {which} from the configuration that manages it, if "
                          "any, and apply (deleted outside Terraform, it would be created again at the next apply); "
                          f"otherwise with the AWS CLI:\n{cli.command(fix, region)}")]


def _disassociate_resolver_rule(fix: FixStep, region: str) -> list[Block]:
    """A Resolver rule's association with a VPC is an ``aws_route53_resolver_rule_association``
    (``resolver_rule_id``, ``vpc_id``) where Terraform made it: removing that resource disassociates
    the rule, while disassociating it with the CLI lasts only until the next apply associates it
    again. A comment, like every deletion: which configuration declares it is not known here."""
    p = fix.parameters
    return [Block(comment=f"Remove the aws_route53_resolver_rule_association of {p['ResolverRuleId']} with "
                          f"{p['VPCId']} from the configuration that manages it, if any, and apply (disassociated "
                          "outside Terraform, it would be associated again at the next apply); otherwise with the "
                          f"AWS CLI:\n{cli.command(fix, region)}")]


def _policy(document: Any) -> Any:
    """A JSON policy as ``jsonencode(...)`` of its parsed form, so the plan shows a readable diff."""
    return _policy_text(document) if isinstance(document, str) else document


@lru_cache(maxsize=1024)  # every new endpoint of an account gets the same account-scoped policy
def _policy_text(document: str) -> str:
    try:
        return Expression(f"jsonencode({_hcl_json(json.loads(document))})")
    except ValueError:
        return document


def _hcl_json(value: Any) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{hcl_string(k)} = {_hcl_json(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_hcl_json(v) for v in value) + "]"
    return _hcl(value)


def _create_vpc_endpoint(fix: FixStep, region: str) -> list[Block]:
    p = fix.parameters
    attributes: dict[str, Any] = {"vpc_id": p["VpcId"], "service_name": p["ServiceName"],
                                  "vpc_endpoint_type": p.get("VpcEndpointType", "Gateway")}
    for api, tf in (("RouteTableIds", "route_table_ids"), ("SubnetIds", "subnet_ids"),
                    ("SecurityGroupIds", "security_group_ids"), ("PrivateDnsEnabled", "private_dns_enabled")):
        if api in p:
            attributes[tf] = p[api]
    if "PolicyDocument" in p:
        attributes["policy"] = _policy(p["PolicyDocument"])
    return [Block("aws_vpc_endpoint", name(fix.creates) if fix.creates else name(p["ServiceName"], p["VpcId"]),
                  attributes)]


def _modify_vpc_endpoint(fix: FixStep, region: str) -> list[Block]:
    p = fix.parameters
    endpoint = p["VpcEndpointId"]
    out: list[Block] = []
    for api, rtype, key in (("AddRouteTableIds", "aws_vpc_endpoint_route_table_association", "route_table_id"),
                            ("AddSubnetIds", "aws_vpc_endpoint_subnet_association", "subnet_id"),
                            ("AddSecurityGroupIds", "aws_vpc_endpoint_security_group_association",
                             "security_group_id")):
        for item in p.get(api, ()):
            label = item["new_id"] if is_new_id(item) else item
            out.append(Block(rtype, name(endpoint, label), {"vpc_endpoint_id": endpoint, key: item}))
    if "PolicyDocument" in p:
        out.append(Block("aws_vpc_endpoint_policy", name(endpoint), {"vpc_endpoint_id": endpoint,
                                                                     "policy": _policy(p["PolicyDocument"])},
                         import_id=endpoint))
    changed: dict[str, Any] = {}
    if "PrivateDnsEnabled" in p:
        changed["private_dns_enabled"] = p["PrivateDnsEnabled"]
    if "DnsOptions" in p:
        changed["dns_options"] = {_snake(k): v for k, v in p["DnsOptions"].items()}
    if changed:
        ctx = fix.context
        out.append(Block("aws_vpc_endpoint", name(endpoint),
                         {"vpc_id": ctx.get("VpcId", "<vpc id>"), "service_name": ctx.get("ServiceName", "<service>"),
                          "vpc_endpoint_type": ctx.get("VpcEndpointType", "Interface"), **changed},
                         import_id=endpoint))
    if p.get("RemoveSecurityGroupIds") or p.get("RemoveRouteTableIds") or p.get("RemoveSubnetIds") \
            or p.get("ResetPolicy"):
        out.append(Block(comment="Removals: drop them from the endpoint's configuration; with the AWS CLI:\n"
                                 + cli.command(fix, region)))
    return out


def _snake(key: str) -> str:
    """A botocore member name as a Terraform argument name (``PrivateDnsOnlyForInboundResolverEndpoint``
    → ``private_dns_only_for_inbound_resolver_endpoint``)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower()


def _modify_vpc_attribute(fix: FixStep, region: str) -> list[Block]:
    p = fix.parameters
    vpc = p["VpcId"]
    attributes: dict[str, Any] = {"cidr_block": fix.context.get("CidrBlock", "<vpc cidr>")}
    for api, tf in (("EnableDnsSupport", "enable_dns_support"), ("EnableDnsHostnames", "enable_dns_hostnames")):
        if api in p:
            attributes[tf] = p[api]["Value"]
    return [Block("aws_vpc", name(vpc), attributes, import_id=vpc)]


def _modify_network_interface_attribute(fix: FixStep, region: str) -> list[Block]:
    """Source/destination checking of an existing interface: an ``import`` of the
    ``aws_network_interface`` (import id: the interface id) restating its required ``subnet_id``.
    Where an ``aws_instance`` or a launch template creates the interface, its own
    ``source_dest_check`` is the place instead, which the description says. Other attributes stay
    the CLI command."""
    p = fix.parameters
    eni = p["NetworkInterfaceId"]
    if set(p) != {"NetworkInterfaceId", "SourceDestCheck"}:
        return _as_comment(fix, region)
    value = p["SourceDestCheck"]["Value"]
    note = (f"(If an aws_instance or a launch template creates {eni}, set source_dest_check = "
            f"{str(value).lower()} there instead of importing it.)")
    return [Block("aws_network_interface", name(eni),
                  {"subnet_id": fix.context.get("SubnetId", "<subnet id>"), "source_dest_check": value},
                  import_id=eni, description=f"{fix.description}\n{note}")]


def _security_group_rules(rtype: str) -> Mapper:
    def mapper(fix: FixStep, region: str) -> list[Block]:
        group = fix.parameters["GroupId"]
        out = []
        for permission in fix.parameters.get("IpPermissions", ()):
            base = {"security_group_id": group, "ip_protocol": permission.get("IpProtocol", "tcp"),
                    "from_port": permission.get("FromPort"), "to_port": permission.get("ToPort")}
            sources = ([("cidr_ipv4", r["CidrIp"]) for r in permission.get("IpRanges", ())]
                       + [("cidr_ipv6", r["CidrIpv6"]) for r in permission.get("Ipv6Ranges", ())]
                       + [("referenced_security_group_id", r["GroupId"])
                          for r in permission.get("UserIdGroupPairs", ())]
                       + [("prefix_list_id", r["PrefixListId"]) for r in permission.get("PrefixListIds", ())])
            for key, source in sources:
                label = group["new_id"] if is_new_id(group) else group
                port = permission.get("FromPort")
                out.append(Block(rtype, name(label, f"tcp{port if isinstance(port, int) else ''}", str(source)),
                                 {**base, key: source}))
        return out
    return mapper


def _create_security_group(fix: FixStep, region: str) -> list[Block]:
    p = fix.parameters
    return [Block("aws_security_group", name(fix.creates or p["GroupName"]),
                  {"name": p["GroupName"], "description": p["Description"], "vpc_id": p["VpcId"]})]


def _allocate_address(fix: FixStep, region: str) -> list[Block]:
    attributes = {"domain": fix.parameters.get("Domain", "vpc")}
    if "NetworkBorderGroup" in fix.parameters:  # a Local Zone's address: its zone's group
        attributes["network_border_group"] = fix.parameters["NetworkBorderGroup"]
    return [Block("aws_eip", name(fix.creates or "eip"), attributes)]


def _create_nat_gateway(fix: FixStep, region: str) -> list[Block]:
    p = fix.parameters
    return [Block("aws_nat_gateway", name(fix.creates or "nat"),
                  {"subnet_id": p["SubnetId"], "allocation_id": p["AllocationId"]})]


_ROUTE_DESTINATIONS = (("DestinationCidrBlock", "destination_cidr_block"),
                       ("DestinationIpv6CidrBlock", "destination_ipv6_cidr_block"),
                       ("DestinationPrefixListId", "destination_prefix_list_id"))
_ROUTE_TARGETS = (("NatGatewayId", "nat_gateway_id"), ("GatewayId", "gateway_id"),
                  ("TransitGatewayId", "transit_gateway_id"), ("NetworkInterfaceId", "network_interface_id"),
                  ("VpcEndpointId", "vpc_endpoint_id"))


def _route(existing: bool) -> Mapper:
    def mapper(fix: FixStep, region: str) -> list[Block]:
        p = fix.parameters
        table = p["RouteTableId"]
        api, tf = next((a, t) for a, t in _ROUTE_DESTINATIONS if a in p)
        attributes = {"route_table_id": table, tf: p[api]}
        attributes |= {t: p[a] for a, t in _ROUTE_TARGETS if a in p}
        return [Block("aws_route", name(table, p[api]), attributes,
                      import_id=f"{table}_{p[api]}" if existing else None)]
    return mapper


def _create_network_acl_entry(fix: FixStep, region: str) -> list[Block]:
    p = fix.parameters
    attributes: dict[str, Any] = {"network_acl_id": p["NetworkAclId"], "rule_number": p["RuleNumber"],
                                  "egress": p["Egress"], "protocol": p["Protocol"], "rule_action": p["RuleAction"]}
    for api, tf in (("CidrBlock", "cidr_block"), ("Ipv6CidrBlock", "ipv6_cidr_block")):
        if api in p:
            attributes[tf] = p[api]
    if "PortRange" in p:
        attributes |= {"from_port": p["PortRange"]["From"], "to_port": p["PortRange"]["To"]}
    return [Block("aws_network_acl_rule", name(p["NetworkAclId"], "egress" if p["Egress"] else "ingress",
                                               str(p["RuleNumber"])), attributes)]


def _create_flow_logs(fix: FixStep, region: str) -> list[Block]:
    p = fix.parameters
    key = {"VPC": "vpc_id", "Subnet": "subnet_id", "NetworkInterface": "eni_id"}.get(p["ResourceType"], "vpc_id")
    return [Block("aws_flow_log", name("flow_log", resource), {
        key: resource, "traffic_type": p.get("TrafficType", "ALL"),
        "log_destination_type": p.get("LogDestinationType", "cloud-watch-logs"),
        "log_destination": p.get("LogDestination", "<destination>")}) for resource in p["ResourceIds"]]


def _create_internet_gateway(fix: FixStep, region: str) -> list[Block]:
    return [Block("aws_internet_gateway", name(fix.creates or "igw"), {})]


def _attach_internet_gateway(fix: FixStep, region: str) -> list[Block]:
    p = fix.parameters
    return [Block("aws_internet_gateway_attachment", name("attach", p["VpcId"]),
                  {"internet_gateway_id": p["InternetGatewayId"], "vpc_id": p["VpcId"]})]


def _create_block_public_access_exclusion(fix: FixStep, region: str) -> list[Block]:
    """An exclusion from VPC Block Public Access, for a VPC or a subnet (AWS provider 5.78 and later)."""
    p = fix.parameters
    target = {"vpc_id": p["VpcId"]} if "VpcId" in p else {"subnet_id": p["SubnetId"]}
    return [Block("aws_vpc_block_public_access_exclusion", name("bpa_exclusion", *target.values()),
                  {"internet_gateway_exclusion_mode": p["InternetGatewayExclusionMode"], **target})]


def _create_dhcp_options(fix: FixStep, region: str) -> list[Block]:
    values = {c["Key"]: c["Values"] for c in fix.parameters["DhcpConfigurations"]}
    attributes: dict[str, Any] = {"domain_name_servers": values.get("domain-name-servers", [])}
    if values.get("domain-name"):
        attributes["domain_name"] = values["domain-name"][0]
    return [Block("aws_vpc_dhcp_options", name(fix.creates or "dhcp_options"), attributes)]


def _associate_dhcp_options(fix: FixStep, region: str) -> list[Block]:
    p = fix.parameters
    return [Block("aws_vpc_dhcp_options_association", name(p["VpcId"]),
                  {"vpc_id": p["VpcId"], "dhcp_options_id": p["DhcpOptionsId"]})]


_MAPPERS: dict[str, Mapper] = {
    "ec2:CreateVpcEndpoint": _create_vpc_endpoint,
    "ec2:ModifyVpcEndpoint": _modify_vpc_endpoint,
    "ec2:ModifyVpcAttribute": _modify_vpc_attribute,
    "ec2:ModifyNetworkInterfaceAttribute": _modify_network_interface_attribute,
    "ec2:AuthorizeSecurityGroupIngress": _security_group_rules("aws_vpc_security_group_ingress_rule"),
    "ec2:AuthorizeSecurityGroupEgress": _security_group_rules("aws_vpc_security_group_egress_rule"),
    "ec2:CreateSecurityGroup": _create_security_group,
    "ec2:AllocateAddress": _allocate_address,
    "ec2:CreateNatGateway": _create_nat_gateway,
    "ec2:CreateRoute": _route(existing=False),
    "ec2:ReplaceRoute": _route(existing=True),
    "ec2:CreateNetworkAclEntry": _create_network_acl_entry,
    "ec2:CreateFlowLogs": _create_flow_logs,
    "ec2:CreateInternetGateway": _create_internet_gateway,
    "ec2:AttachInternetGateway": _attach_internet_gateway,
    "ec2:CreateDhcpOptions": _create_dhcp_options,
    "ec2:CreateVpcBlockPublicAccessExclusion": _create_block_public_access_exclusion,
    "ec2:AssociateDhcpOptions": _associate_dhcp_options,
    "kafka:DeleteVpcConnection": _delete_msk_vpc_connection,
    "route53resolver:DisassociateResolverRule": _disassociate_resolver_rule,
}
