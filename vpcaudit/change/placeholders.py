"""Ids for resources that exist only in a plan: stable, readable, and typed like AWS's own.

AWS assigns an id at creation; a plan knows only where the resource comes from (a Terraform
address, a template's logical id). A placeholder keeps AWS's id prefix (``nat-``, ``rtb-``…),
because the network model and rules tell kinds of targets apart by it, and carries the address
and ``(new)``, so every finding, path and message about the resource names it:
``rtb-aws_route_table.private_b (new)``. The same plan always yields the same ids, so two runs
of ``vpcaudit plan`` give the same fingerprints.
"""

from __future__ import annotations

NEW = " (new)"

# Resource kind (as findings name it) → the prefix AWS gives its ids.
PREFIXES: dict[str, str] = {
    "vpc": "vpc", "subnet": "subnet", "route-table": "rtb", "route-table-association": "rtbassoc",
    "internet-gateway": "igw", "egress-only-internet-gateway": "eigw", "nat-gateway": "nat",
    "vpc-endpoint": "vpce", "network-interface": "eni", "security-group": "sg", "security-group-rule": "sgr",
    "network-acl": "acl", "network-acl-association": "aclassoc", "dhcp-options": "dopt", "flow-log": "fl",
    "prefix-list": "pl", "hosted-zone": "Z", "cidr-association": "vpc-cidr-assoc",
}


def placeholder(kind: str, address: str, role: str = "") -> str:
    """The id of a resource a plan creates: ``<prefix>-<address>[ <role>] (new)``.

    ``role`` tells apart what one planned resource brings with it: a new VPC's main route table
    (``main``), default security group and NACL (``default``), an interface endpoint's network
    interface in one subnet.
    """
    suffix = f" {role}" if role else ""
    return f"{PREFIXES[kind]}-{address}{suffix}{NEW}"
