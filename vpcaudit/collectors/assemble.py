"""Turn per-part outcomes into snapshot records (pure: no AWS calls).

Every part of every collected region gets a status — ok, a gap (denied, throttled, error, opt-in
required) or skipped (not requested) — so the snapshot says what it does *not* know.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from vpcaudit.aws.errors import Gap
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import AccountSnapshot, Part, RegionSnapshot, ScopeStatus, State

NOT_REQUESTED = "not requested"
# moto (and AWS, after `associate-dhcp-options default`) reports DhcpOptionsId "default" for a
# VPC with no DHCP options set, and DescribeDhcpOptions never lists it. It means the
# Amazon-provided resolver, so a synthetic record says exactly that instead of a dangling id.
DEFAULT_DHCP = r.DhcpOptions("default", ("AmazonProvidedDNS",), None, ())
_REGION_FIELDS = frozenset(f.name for f in dataclasses.fields(RegionSnapshot))


@dataclass(frozen=True)
class Ok:
    value: Any


Outcome = Ok | Gap


def status(part: Part, outcome: Outcome | None) -> ScopeStatus:
    if outcome is None:
        return ScopeStatus(part, State.SKIPPED, None, NOT_REQUESTED)
    if isinstance(outcome, Ok):
        return ScopeStatus(part, State.OK)
    return ScopeStatus(part, outcome.state, outcome.error_code, outcome.message)


def region_snapshot(region: str, outcomes: Mapping[Part, Outcome]) -> RegionSnapshot:
    """One region from its parts' outcomes; a part absent from ``outcomes`` was not requested."""
    data = {part: o.value for part, o in outcomes.items() if isinstance(o, Ok)}
    fields: dict[str, Any] = {p.value: v for p, v in data.items() if p.value in _REGION_FIELDS}
    vpcs: tuple[r.Vpc, ...] = data.get(Part.VPCS, ())
    if Part.VPC_ATTRIBUTES in data:
        dns = data[Part.VPC_ATTRIBUTES]
        vpcs = tuple(dataclasses.replace(v, enable_dns_support=dns.get(v.vpc_id, (None, None))[0],
                                         enable_dns_hostnames=dns.get(v.vpc_id, (None, None))[1]) for v in vpcs)
        fields["vpcs"] = vpcs
    if Part.DHCP_OPTIONS in data and any(v.dhcp_options_id == DEFAULT_DHCP.dhcp_options_id for v in vpcs) \
            and all(d.dhcp_options_id != DEFAULT_DHCP.dhcp_options_id for d in data[Part.DHCP_OPTIONS]):
        fields["dhcp_options"] = (*data[Part.DHCP_OPTIONS], DEFAULT_DHCP)
    statuses = tuple(status(p, outcomes.get(p)) for p in Part if not p.is_global)
    return RegionSnapshot(region=region, status=statuses, **fields)


def not_enabled_region(region: str, parts: Collection[Part]) -> RegionSnapshot:
    """A requested opt-in region the account has not enabled: every requested part says so."""
    gap = Gap(State.OPT_IN_REQUIRED, "OptInRequired",
              f"region {region} is not enabled for this account (opt-in region)")
    return region_snapshot(region, {p: gap for p in parts if not p.is_global})


def account_snapshot(account_id: str, regions: tuple[RegionSnapshot, ...],
                     outcomes: Mapping[Part, Outcome]) -> AccountSnapshot:
    """The account: its regions plus the account-wide parts (S3 bucket policies)."""
    policies = outcomes.get(Part.BUCKET_POLICIES)
    return AccountSnapshot(
        account_id=account_id, regions=regions,
        status=tuple(status(p, outcomes.get(p)) for p in Part if p.is_global),
        bucket_policies=policies.value if isinstance(policies, Ok) else ())
