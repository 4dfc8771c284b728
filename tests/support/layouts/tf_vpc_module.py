"""What terraform-aws-modules/terraform-aws-vpc manages in every VPC it creates, by default.

``manage_default_route_table``, ``manage_default_security_group`` and
``manage_default_network_acl`` (all true since v5): the main route table is adopted with no
routes of its own, the default security group is stripped of its rules, and the default
network ACL holds the module's entries. The examples built from the module share this.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot import resources as r


def module_defaults(b: AwsRegionBuilder, vpc: str, acl_entries: tuple[r.NaclEntry, ...]) -> tuple[str, str, str]:
    """(main route table, default security group, default NACL) of ``vpc`` as the module leaves them."""
    main_rt = b.main_route_table(vpc)
    default_sg = b.default_group(vpc)
    b.groups[default_sg] = replace(b.groups[default_sg], rules=())
    default_acl = next(a for a in b.nacls.values() if a.vpc_id == vpc and a.is_default).network_acl_id
    b.nacls[default_acl] = replace(b.nacls[default_acl], entries=acl_entries)
    return main_rt, default_sg, default_acl
