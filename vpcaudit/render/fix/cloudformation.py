"""FixSteps as a CloudFormation template, where one makes sense: for what a fix *creates*.

CloudFormation can only change resources its stacks own, so a change to an existing endpoint,
route or VPC attribute has no place in a new template (make it in the stack that owns the
resource, or with the CLI / Terraform forms). What a fix adds — an endpoint, a NAT gateway and
its address, a security group rule, a NACL entry, a flow log — is a resource a new stack can
own. Steps that need a decision are left out, and the template's description says which steps
it does not express. The template is JSON (a valid CloudFormation format) so every value from
the account is escaped by the JSON encoder, never by hand.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from vpcaudit.engine.remedy import FixStep, is_new_id, labels_used, walk

_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]+")
Resource = dict[str, Any]


def logical_id(*parts: str) -> str:
    """A CloudFormation logical id (letters and digits only) from labels and AWS ids."""
    # One split of the parts joined by a separator: the same words as splitting each part. Ids
    # (vpc-0a1b…) are split at their dashes alone, without the regex (a tenth of a template's cost).
    text = "-".join(parts)
    words = text.split("-") if text.isascii() and text.replace("-", "").isalnum() else _NOT_ALNUM.split(text)
    return "".join([w[0].upper() + w[1:] for w in words if w]) or "Fix"


def template(steps: Iterable[FixStep]) -> str:
    """A template of the ready steps that create something; "" when there are none."""
    resources: dict[str, Resource] = {}
    created: dict[str, tuple[str, str]] = {}  # label → (logical id, resource type)
    left_out: list[str] = []
    for fix in steps:
        mapper = _MAPPERS.get(fix.action)
        if mapper is None or not fix.ready or any(label not in created for label in labels_used(fix)):
            left_out.append(fix.description)
            continue
        for name, resource in mapper(fix):
            resources[name] = {**resource, "Properties": _resolve(resource["Properties"], created)}
            if fix.creates:
                created[fix.creates] = (name, resource["Type"])
    if not resources:
        return ""
    description = "Created by the fix vpcaudit wrote for this finding. Review before deploying."
    if left_out:
        description += " Not expressed here (existing resources, or a decision needed): " + "; ".join(left_out)
    return _dumps({"AWSTemplateFormatVersion": "2010-09-09", "Description": description[:1024],
                   "Resources": resources}) + "\n"


def _dumps(document: dict[str, Any]) -> str:
    """``json.dumps(document, indent=2, ensure_ascii=True, allow_nan=False)``, byte for byte.

    Why not json.dumps: with ``indent`` it runs the standard library's pure-Python encoder, and
    a finding's template written that way cost more than its CLI and Terraform forms together.
    Anything but plain JSON data (a non-string key, a non-finite float, another type) is left to
    json.dumps, for its exact text or error."""
    parts: list[str] = []
    try:
        _write(document, "\n", parts)
    except _NotPlain:
        return json.dumps(document, indent=2, ensure_ascii=True, allow_nan=False, default=_parsed_value)
    return "".join(parts)


class _NotPlain(Exception):
    """A value :func:`_write` leaves to json.dumps."""


_string = json.encoder.encode_basestring_ascii  # type: ignore[attr-defined]  # json.dumps's own, in C


def _write(value: Any, newline: str, parts: list[str]) -> None:
    """``value`` as json.dumps writes it with ``indent=2``, ``newline`` being its line break and indentation.

    Containers are tested first (a template is mostly objects and strings, and strings inside
    containers are written without a call); no value is both a container and a scalar, so the
    order gives json.dumps's text."""
    if isinstance(value, dict):
        _object(value, newline, parts)
    elif isinstance(value, list | tuple):
        _array(value, newline, parts)
    elif isinstance(value, str):
        parts.append(_string(value))
    elif value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, int):
        parts.append(int.__repr__(value))
    elif isinstance(value, float) and math.isfinite(value):
        parts.append(float.__repr__(value))
    elif isinstance(value, _Parsed):
        parts.append(value.text(newline))
    else:
        raise _NotPlain


# An object's and a list's members, one per line, indented a step further than ``newline``; each
# member's label (its key, or the comma before it) and a string value are written as one part.

def _object(value: dict[Any, Any], newline: str, parts: list[str]) -> None:
    if not value:
        parts.append("{}")
        return
    inner = newline + "  "
    label = "{" + inner
    for key, item in value.items():
        if not isinstance(key, str):
            raise _NotPlain
        _member(label + _string(key) + ": ", item, inner, parts)
        label = "," + inner
    parts.append(newline + "}")


def _array(value: list[Any] | tuple[Any, ...], newline: str, parts: list[str]) -> None:
    if not value:
        parts.append("[]")
        return
    inner = newline + "  "
    label = "[" + inner
    for item in value:
        _member(label, item, inner, parts)
        label = "," + inner
    parts.append(newline + "]")


def _member(label: str, item: Any, inner: str, parts: list[str]) -> None:
    if item.__class__ is str:
        parts.append(label + _string(item))
    else:
        parts.append(label)
        _write(item, inner, parts)


def _parsed_value(value: Any) -> Any:
    """What json.dumps writes for a :class:`_Parsed` (its ``default``)."""
    if isinstance(value, _Parsed):
        return value.value
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _resolve(value: Any, created: dict[str, tuple[str, str]]) -> Any:
    """An id created by an earlier step becomes a reference to that resource."""
    if value.__class__ is str:  # most values: nothing to resolve
        return value
    if is_new_id(value):
        name, rtype = created[value["new_id"]]
        return {"Fn::GetAtt": [name, "AllocationId"]} if rtype == "AWS::EC2::EIP" else {"Ref": name}
    if isinstance(value, list):
        return [_resolve(v, created) for v in value]
    if isinstance(value, dict):
        return {k: v if v.__class__ is str else _resolve(v, created) for k, v in value.items()}
    return value


Mapper = Callable[[FixStep], list[tuple[str, Resource]]]


def _plain(rtype: str, keys: dict[str, str]) -> Mapper:
    """A resource whose properties are the step's parameters, renamed (API name → CloudFormation name)."""
    kind = rtype.rsplit("::", 1)[-1]

    def mapper(fix: FixStep) -> list[tuple[str, Resource]]:
        p = fix.parameters
        properties = {cfn: p[api] for api, cfn in keys.items() if api in p}
        return [(logical_id(fix.creates or fix.resource_id, kind), {"Type": rtype, "Properties": properties})]
    return mapper


def _vpc_endpoint(fix: FixStep) -> list[tuple[str, Resource]]:
    [(name, resource)] = _plain("AWS::EC2::VPCEndpoint", {
        "VpcId": "VpcId", "ServiceName": "ServiceName", "VpcEndpointType": "VpcEndpointType",
        "RouteTableIds": "RouteTableIds", "SubnetIds": "SubnetIds", "SecurityGroupIds": "SecurityGroupIds",
        "PrivateDnsEnabled": "PrivateDnsEnabled"})(fix)
    if "PolicyDocument" in fix.parameters:
        resource["Properties"]["PolicyDocument"] = _policy(fix.parameters["PolicyDocument"])
    return [(name, resource)]


@lru_cache(maxsize=1024)  # every new endpoint of an account gets the same account-scoped policy
def _policy(document: str) -> Any:
    """The policy as template data: parsed, and written out once (unless it holds what looks like a
    new-id marker, which :func:`_resolve` turns into a reference). Never modified: _resolve copies."""
    value = json.loads(document)
    return value if any(is_new_id(v) for v in walk(value)) else _Parsed(value)


class _Parsed:
    """JSON data that recurs from template to template, its text written once per indentation."""

    __slots__ = ("_texts", "value")

    def __init__(self, value: Any) -> None:
        self.value = value
        self._texts: dict[str, str] = {}  # line break and indentation → text (one depth in practice)

    def text(self, newline: str) -> str:
        text = self._texts.get(newline)
        if text is None:
            parts: list[str] = []
            _write(self.value, newline, parts)
            text = self._texts[newline] = "".join(parts)
        return text


def _group_rules(rtype: str, source_key: str) -> Mapper:
    """One AWS::EC2::SecurityGroupIngress / Egress per permission and source."""
    peer = {"IpRanges": ("CidrIp", "CidrIp"), "Ipv6Ranges": ("CidrIpv6", "CidrIpv6"),
            "UserIdGroupPairs": ("GroupId", source_key), "PrefixListIds": ("PrefixListId", "DestinationPrefixListId"
                                                                           if rtype.endswith("Egress")
                                                                           else "SourcePrefixListId")}

    def mapper(fix: FixStep) -> list[tuple[str, Resource]]:
        out = []
        for permission in fix.parameters.get("IpPermissions", ()):
            for field_name, (api_key, cfn_key) in peer.items():
                for source in permission.get(field_name, ()):
                    properties = {"GroupId": fix.parameters["GroupId"], "IpProtocol": permission["IpProtocol"],
                                  "FromPort": permission.get("FromPort"), "ToPort": permission.get("ToPort"),
                                  cfn_key: source[api_key]}
                    group = fix.parameters["GroupId"]
                    name = logical_id(group["new_id"] if is_new_id(group) else group, rtype.rsplit("::", 1)[-1],
                                      str(permission.get("FromPort")), str(source[api_key]))
                    out.append((name, {"Type": rtype, "Properties": properties}))
        return out
    return mapper


def _network_acl_entry(fix: FixStep) -> list[tuple[str, Resource]]:
    p = fix.parameters
    properties: dict[str, Any] = {"NetworkAclId": p["NetworkAclId"], "RuleNumber": p["RuleNumber"],
                                  "Protocol": int(p["Protocol"]), "RuleAction": p["RuleAction"], "Egress": p["Egress"]}
    for key in ("CidrBlock", "Ipv6CidrBlock", "PortRange"):
        if key in p:
            properties[key] = p[key]
    direction = "Egress" if p["Egress"] else "Ingress"
    return [(logical_id(p["NetworkAclId"], direction, str(p["RuleNumber"])),
             {"Type": "AWS::EC2::NetworkAclEntry", "Properties": properties})]


def _flow_logs(fix: FixStep) -> list[tuple[str, Resource]]:
    p = fix.parameters
    return [(logical_id("FlowLog", resource), {"Type": "AWS::EC2::FlowLog", "Properties": {
        "ResourceId": resource, "ResourceType": p["ResourceType"], "TrafficType": p.get("TrafficType", "ALL"),
        **({"LogDestinationType": p["LogDestinationType"]} if "LogDestinationType" in p else {}),
        **({"LogDestination": p["LogDestination"]} if "LogDestination" in p else {})}})
        for resource in p["ResourceIds"]]


def _dhcp_options(fix: FixStep) -> list[tuple[str, Resource]]:
    values = {c["Key"]: c["Values"] for c in fix.parameters["DhcpConfigurations"]}
    properties: dict[str, Any] = {"DomainNameServers": values.get("domain-name-servers", [])}
    if values.get("domain-name"):
        properties["DomainName"] = values["domain-name"][0]
    return [(logical_id(fix.creates or "DhcpOptions"), {"Type": "AWS::EC2::DHCPOptions", "Properties": properties})]


_MAPPERS: dict[str, Mapper] = {
    "ec2:CreateVpcEndpoint": _vpc_endpoint,
    "ec2:AllocateAddress": _plain("AWS::EC2::EIP", {"Domain": "Domain", "NetworkBorderGroup": "NetworkBorderGroup"}),
    "ec2:CreateNatGateway": _plain("AWS::EC2::NatGateway", {"SubnetId": "SubnetId", "AllocationId": "AllocationId"}),
    "ec2:CreateSecurityGroup": _plain("AWS::EC2::SecurityGroup", {"GroupName": "GroupName",
                                                                  "Description": "GroupDescription",
                                                                  "VpcId": "VpcId"}),
    "ec2:AuthorizeSecurityGroupIngress": _group_rules("AWS::EC2::SecurityGroupIngress", "SourceSecurityGroupId"),
    "ec2:AuthorizeSecurityGroupEgress": _group_rules("AWS::EC2::SecurityGroupEgress", "DestinationSecurityGroupId"),
    "ec2:CreateNetworkAclEntry": _network_acl_entry,
    "ec2:CreateFlowLogs": _flow_logs,
    "ec2:CreateInternetGateway": _plain("AWS::EC2::InternetGateway", {}),
    "ec2:AttachInternetGateway": _plain("AWS::EC2::VPCGatewayAttachment", {"InternetGatewayId": "InternetGatewayId",
                                                                           "VpcId": "VpcId"}),
    "ec2:CreateDhcpOptions": _dhcp_options,
    "ec2:CreateVpcBlockPublicAccessExclusion": _plain("AWS::EC2::VPCBlockPublicAccessExclusion", {
        "InternetGatewayExclusionMode": "InternetGatewayExclusionMode", "VpcId": "VpcId", "SubnetId": "SubnetId"}),
    "ec2:AssociateDhcpOptions": _plain("AWS::EC2::VPCDHCPOptionsAssociation", {"DhcpOptionsId": "DhcpOptionsId",
                                                                               "VpcId": "VpcId"}),
}
