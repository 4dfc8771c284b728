"""List prices per Region: the figures the cost model starts from before any pricing file.

Every figure is either **looked up** (a source and a date below) or a **documented default**:
the us-east-1 list price, used where no price for that Region could be looked up when this table
was last revised. Every report says which it used for each Region, and ``--pricing`` overrides
any figure (see :mod:`vpcaudit.pricing`). A month is 730 hours.

Sources, as of :data:`AS_OF` (the pricing pages render most per-Region rates with a script, so
their saved copies show only static tables and worked examples):

* https://aws.amazon.com/privatelink/pricing/ — interface endpoint data processing $0.01 /
  $0.006 / $0.004 per GB for the first PB / next 4 PB / beyond, on the Region's total;
* https://aws.amazon.com/vpc/pricing/ — NAT gateway, us-east-2 worked example: $0.045 per hour
  and per GB;
* the AWS Price List offer file ``AmazonEC2/…/eu-west-1/index.json`` published 2026-09-25:
  ``EU-NatGateway-Hours`` $0.048 per hour, ``EU-NatGateway-Bytes`` $0.048 per GB;
* the us-east-1 figures of vpcaudit's rule catalogue cost model, taken from the same pages: the
  interface endpoint hour per AZ ($0.01), NAT gateway ($0.045 per hour and per GB), Transit
  Gateway ($0.05 per attachment-hour, $0.02 per GB), cross-AZ ($0.01 per GB each way),
  cross-Region ($0.02 per GB) and private hosted zones ($0.50 per zone and month);
* the China Regions are billed in CNY by their operators (https://www.amazonaws.cn/en/pricing/);
  no CNY figure could be looked up from the stored copies, so their defaults are the us-east-1
  USD figures converted at :data:`CNY_PER_USD` — an order of magnitude, not AWS China's price
  list. Pass ``--pricing`` with your rate card for China.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

AS_OF = "2026-12-05"
PRIVATELINK = "https://aws.amazon.com/privatelink/pricing/"
VPC = "https://aws.amazon.com/vpc/pricing/"
TGW = "https://aws.amazon.com/transit-gateway/pricing/"
ROUTE53 = "https://aws.amazon.com/route53/pricing/"
EC2 = "https://aws.amazon.com/ec2/pricing/on-demand/"
PRICE_LIST_EU_WEST_1 = ("https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/20260925174521/"
                        "eu-west-1/index.json")
CHINA = "https://www.amazonaws.cn/en/pricing/"
CNY_PER_USD = 7.1  # documented conversion for the China defaults; not a price AWS China publishes

# us-east-1 list prices (USD): the documented default of every figure not looked up for a Region.
US_EAST_1: Mapping[str, float] = {
    "interface_endpoint_hour_per_az": 0.01,
    "interface_endpoint_gb_tier1": 0.01,
    "interface_endpoint_gb_tier2": 0.006,
    "interface_endpoint_gb_tier3": 0.004,
    "nat_gateway_hour": 0.045,
    "nat_gateway_gb": 0.045,
    "cross_az_gb_each_way": 0.01,
    "cross_region_gb": 0.02,
    "tgw_attachment_hour": 0.05,
    "tgw_gb": 0.02,
    "private_hosted_zone_month": 0.50,
}
_US_EAST_1_SOURCES = {
    "interface_endpoint_hour_per_az": PRIVATELINK, "interface_endpoint_gb_tier1": PRIVATELINK,
    "interface_endpoint_gb_tier2": PRIVATELINK, "interface_endpoint_gb_tier3": PRIVATELINK,
    "nat_gateway_hour": VPC, "nat_gateway_gb": VPC, "cross_az_gb_each_way": EC2, "cross_region_gb": EC2,
    "tgw_attachment_hour": TGW, "tgw_gb": TGW, "private_hosted_zone_month": ROUTE53}


@dataclass(frozen=True, slots=True)
class RegionPrices:
    """One Region's figures: those looked up (with their source), the rest documented defaults."""

    currency: str = "USD"
    looked_up: Mapping[str, tuple[float, str]] = field(default_factory=dict)  # figure → (price, source)
    default_note: str = "us-east-1 list prices (documented default, not looked up for this Region)"
    default_factor: float = 1.0  # applied to the us-east-1 defaults (currency conversion)

    def figures(self) -> dict[str, float]:
        out = {name: round(price * self.default_factor, 6) for name, price in US_EAST_1.items()}
        out.update({name: price for name, (price, _) in self.looked_up.items()})
        return out


_CHINA = RegionPrices(currency="CNY", default_factor=CNY_PER_USD,
                      default_note=f"us-east-1 list prices converted at {CNY_PER_USD} CNY/USD (documented "
                                   f"default: no CNY list price looked up; see {CHINA})")

# Every commercial and China Region vpcaudit knows; a Region missing here gets the commercial default.
REGIONS: Mapping[str, RegionPrices] = {
    "us-east-1": RegionPrices(looked_up={k: (v, _US_EAST_1_SOURCES[k]) for k, v in US_EAST_1.items()}),
    "us-east-2": RegionPrices(looked_up={"nat_gateway_hour": (0.045, VPC), "nat_gateway_gb": (0.045, VPC)}),
    "eu-west-1": RegionPrices(looked_up={"nat_gateway_hour": (0.048, PRICE_LIST_EU_WEST_1),
                                         "nat_gateway_gb": (0.048, PRICE_LIST_EU_WEST_1)}),
    **{name: RegionPrices() for name in (
        "us-west-1", "us-west-2", "af-south-1", "ap-east-1", "ap-east-2", "ap-south-1", "ap-south-2",
        "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6",
        "ap-southeast-7", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ca-central-1", "ca-west-1",
        "eu-central-1", "eu-central-2", "eu-west-2", "eu-west-3", "eu-south-1", "eu-south-2", "eu-north-1",
        "il-central-1", "me-south-1", "me-central-1", "mx-central-1", "sa-east-1")},
    "cn-north-1": _CHINA,
    "cn-northwest-1": _CHINA,
}


def region_prices(region: str) -> RegionPrices:
    """The table's entry for ``region``: China Regions (any ``cn-``) in CNY, others in USD."""
    found = REGIONS.get(region)
    if found is not None:
        return found
    return _CHINA if region.startswith("cn-") else RegionPrices(
        default_note=f"us-east-1 list prices (documented default: {region} is not in vpcaudit's price table)")
