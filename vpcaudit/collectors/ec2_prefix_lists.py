"""Prefix lists: AWS service lists (id ↔ name ↔ CIDRs) and customer-managed lists (EC2).

Why these calls: route resolution needs the CIDRs behind every ``pl-`` destination and SG rule.
``DescribePrefixLists`` returns the AWS service lists *with* their CIDRs in one call;
``DescribeManagedPrefixLists`` adds customer-managed lists (and the address family of every
list), whose entries need one ``GetManagedPrefixListEntries`` each. AWS-managed lists that only
``DescribeManagedPrefixLists`` shows (e.g. CloudFront origin-facing) are left out rather than
recorded without their CIDRs: a rule must see "unknown list", never "empty list".

moto omits ``Cidrs`` from ``DescribePrefixLists``; for a service list whose ``Cidrs`` key is
absent (never the case on AWS) the entries are read with ``GetManagedPrefixListEntries``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from vpcaudit.aws.paging import items
from vpcaudit.collectors.base import Collector, Scope
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part

AWS_OWNER = "AWS"


def service_prefix_list_from_api(item: r.Api, address_family: str | None,
                                 cidrs: Iterable[str] | None = None) -> r.PrefixList:
    """A ``DescribePrefixLists`` item; ``cidrs`` replaces the item's own when it had none."""
    return r.PrefixList(item["PrefixListId"], item.get("PrefixListName", ""), AWS_OWNER, address_family,
                        tuple(sorted(set(item.get("Cidrs", []) if cidrs is None else cidrs))))


def managed_prefix_list_from_api(item: r.Api, cidrs: Iterable[str]) -> r.PrefixList:
    """A ``DescribeManagedPrefixLists`` item with the CIDRs of its entries."""
    return r.PrefixList(item["PrefixListId"], item.get("PrefixListName", ""), str(item.get("OwnerId", "")),
                        item.get("AddressFamily"), tuple(sorted(set(cidrs))))


def fetch_prefix_lists(scope: Scope, _: Mapping[Part, Any]) -> tuple[r.PrefixList, ...]:
    ec2 = scope.client("ec2")
    service_lists = items(ec2, "DescribePrefixLists", "PrefixLists")
    managed = items(ec2, "DescribeManagedPrefixLists", "PrefixLists")
    families = {m["PrefixListId"]: m.get("AddressFamily") for m in managed}
    customer = [m for m in managed if m.get("OwnerId") != AWS_OWNER]
    without_cidrs = [p["PrefixListId"] for p in service_lists if "Cidrs" not in p]
    to_read = without_cidrs + [m["PrefixListId"] for m in customer]

    def entries(prefix_list_id: str) -> tuple[str, ...]:
        return tuple(e["Cidr"] for e in items(ec2, "GetManagedPrefixListEntries", "Entries",
                                              PrefixListId=prefix_list_id) if e.get("Cidr"))

    cidrs = dict(zip(to_read, scope.map(entries, to_read), strict=True))
    lists = [service_prefix_list_from_api(p, families.get(p["PrefixListId"]), cidrs.get(p["PrefixListId"]))
             for p in service_lists]
    lists += [managed_prefix_list_from_api(m, cidrs[m["PrefixListId"]]) for m in customer]
    return tuple(lists)


COLLECTORS = (
    Collector(Part.PREFIX_LISTS,
              ("ec2:DescribePrefixLists", "ec2:DescribeManagedPrefixLists", "ec2:GetManagedPrefixListEntries"),
              fetch_prefix_lists),
)
