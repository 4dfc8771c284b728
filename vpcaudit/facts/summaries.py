"""One line per VPC for the report's summary: where it is, its name, CIDRs, default or not."""

from __future__ import annotations

from dataclasses import dataclass

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.bulk import pickled_as_arguments, slot_init
from vpcaudit.snapshot.model import RegionSnapshot


# Built for every VPC of the audit: slot_init fills its slots faster than a frozen dataclass does.
@pickled_as_arguments
@slot_init
@dataclass(frozen=True, slots=True)
class VpcSummary:
    account_id: str
    region: str
    vpc_id: str
    name: str | None
    cidrs: tuple[str, ...]
    is_default: bool


def vpc_summaries(account_id: str, region: RegionSnapshot) -> list[VpcSummary]:
    return [VpcSummary(account_id, region.region, v.vpc_id, r.tag_value(v.tags, "Name"), v.cidr_blocks, v.is_default)
            for v in region.vpcs]
