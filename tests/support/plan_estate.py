"""The estate the plan tests change: one VPC built the way AWS builds it (see builders.standard_vpc).

Per AZ a public and a private subnet, a NAT gateway each, an S3 gateway endpoint on the first two
private route tables, an ssm interface endpoint in the private subnets with its own security
group, and a flow log. Ids are the builders' (``vpc-0003`` …), looked up by role in ``Estate``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from builders import SCOPED_POLICY, RegionBuilder, standard_vpc

from vpcaudit.snapshot.model import RegionSnapshot, Snapshot

S3 = "com.amazonaws.us-east-1.s3"


@dataclass
class Estate:
    builder: RegionBuilder
    ids: dict[str, Any]

    @property
    def snapshot(self) -> Snapshot:
        return self.builder.snapshot()

    def __getitem__(self, key: str) -> Any:
        return self.ids[key]


def build_estate() -> Estate:
    b = RegionBuilder()
    ids: dict[str, Any] = dict(standard_vpc(b))
    vpc = ids["vpc"]
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=ids["private_rt"][:2], policy=SCOPED_POLICY)
    ids["endpoint_sg"] = b.security_group(vpc, name="endpoints", ingress=[("tcp", 443, 443, "10.0.0.0/16")])
    ids["ssm"] = b.interface_endpoint(vpc, "ssm", subnets=ids["private"], groups=[ids["endpoint_sg"]],
                                      policy=SCOPED_POLICY)
    for key in ("ssmmessages", "ec2messages", "logs"):
        b.service(key)
    ids["default_sg"] = b.default_group(vpc)
    ids["default_acl"] = next(a.network_acl_id for a in b.nacls.values() if a.vpc_id == vpc and a.is_default)
    ids["main_rt"] = b.main_route_table(vpc)
    ids["s3_pl"] = next(p.prefix_list_id for p in b.prefix_lists.values() if p.prefix_list_name == S3)
    ids["flow_log"] = b.flow_log(vpc)
    return Estate(b, ids)


def region_of(snapshot: Snapshot) -> RegionSnapshot:
    return snapshot.accounts[0].regions[0]
