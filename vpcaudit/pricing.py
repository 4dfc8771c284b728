"""The cost model of docs/network-model.md: list prices per Region, in the Region's currency, overridable.

Why a value object: the cost rules, the report's cost table and COST001's what-if all price
the same things; one model keeps their numbers consistent. Why per Region: AWS prices NAT
gateways, endpoints and transfer differently in each Region, and the China Regions bill in CNY;
a finding in eu-west-1 is priced with eu-west-1's figures (:mod:`vpcaudit.price_table`).

A pricing file (``--pricing``) overrides figures — in every Region, or in one::

    [pricing]
    nat_gateway_hour = 0.052            # every Region (an organisation's rate card)
    [pricing.regions.cn-north-1]
    currency = "CNY"
    nat_gateway_hour = 0.35             # only cn-north-1

Every report says, per Region, which figures it used and where they came from (:class:`PriceNote`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from vpcaudit import price_table
from vpcaudit.errors import UsageError
from vpcaudit.tomlfile import UnreadableToml, read_toml

HOURS_PER_MONTH = 730
_SYMBOLS = {"USD": "$", "CNY": "CN¥"}
# Any list price above this is a typo (or a hostile file): it would also overflow the cost
# arithmetic into infinity. ``not 0 <= x <= MAX_PRICE`` is also how NaN is refused.
MAX_PRICE = 1_000_000


class PricingError(UsageError):
    """A pricing file that cannot be used; the message names the file and the key."""


def format_money(amount: float | None, currency: str = "USD") -> str:
    """``$1,234.50`` / ``CN¥51.10`` / ``EUR 3.00``; an em dash where nothing was measured."""
    if amount is None:
        return "—"
    symbol = _SYMBOLS.get(currency)
    return f"{symbol}{amount:,.2f}" if symbol else f"{currency} {amount:,.2f}"


@dataclass(frozen=True, slots=True)
class CostModel:
    interface_endpoint_hour_per_az: float = 0.01
    interface_endpoint_gb_tier1: float = 0.01  # first 1 PB per Region per month
    interface_endpoint_gb_tier2: float = 0.006  # next 4 PB
    interface_endpoint_gb_tier3: float = 0.004  # beyond 5 PB
    nat_gateway_hour: float = 0.045
    nat_gateway_gb: float = 0.045
    cross_az_gb_each_way: float = 0.01
    cross_region_gb: float = 0.02
    tgw_attachment_hour: float = 0.05
    tgw_gb: float = 0.02
    private_hosted_zone_month: float = 0.50
    currency: str = "USD"

    def money(self, amount: float | None) -> str:
        """An amount in this model's currency, as every message and report writes it."""
        return format_money(amount, self.currency)

    def rate(self, price: float) -> str:
        """A unit price (per GB, per hour) in this model's currency, with as many decimals as it has:
        ``$0.045``, ``$0.02``."""
        symbol = _SYMBOLS.get(self.currency)
        digits = f"{price:.4f}".rstrip("0")
        digits = digits if len(digits.split(".")[1]) >= 2 else f"{price:.2f}"
        return f"{symbol}{digits}" if symbol else f"{self.currency} {digits}"

    def interface_endpoint_month(self, az_count: int) -> float:
        """Fixed monthly cost of one interface endpoint with ENIs in ``az_count`` AZs."""
        return round(self.interface_endpoint_hour_per_az * HOURS_PER_MONTH * max(az_count, 0), 2)

    def nat_gateway_month(self) -> float:
        return round(self.nat_gateway_hour * HOURS_PER_MONTH, 2)

    def tgw_attachment_month(self) -> float:
        return round(self.tgw_attachment_hour * HOURS_PER_MONTH, 2)

    def interface_data_cost(self, gigabytes: float) -> float:
        """Tiered data processing across a Region's interface endpoints (1 PB = 1,048,576 GB)."""
        pb = 1024 * 1024
        tier1 = min(gigabytes, pb)
        tier2 = min(max(gigabytes - pb, 0), 4 * pb)
        tier3 = max(gigabytes - 5 * pb, 0)
        return round(tier1 * self.interface_endpoint_gb_tier1 + tier2 * self.interface_endpoint_gb_tier2
                     + tier3 * self.interface_endpoint_gb_tier3, 2)

    def nat_data_cost(self, gigabytes: float) -> float:
        return round(gigabytes * self.nat_gateway_gb, 2)


FIGURES = tuple(f.name for f in fields(CostModel) if f.name != "currency")


@dataclass(frozen=True, slots=True)
class PriceNote:
    """Which prices one Region's costs used, as every report states them."""

    region: str
    currency: str
    looked_up: tuple[str, ...]  # figures from the price table's sources
    sources: tuple[str, ...]  # where the looked-up figures come from
    defaults: str  # how the other figures were chosen ("" when every figure was looked up or overridden)
    as_of: str
    pricing_file: str | None = None
    overridden: tuple[str, ...] = ()  # figures the pricing file set

    def describe(self) -> str:
        """One line a report prints: which figures are list prices (and from where), which are defaults."""
        total = len(FIGURES)
        parts = []
        if self.looked_up:
            which = "" if len(self.looked_up) == total else f" ({', '.join(self.looked_up)})"
            parts.append(f"{len(self.looked_up)} of {total} figures{which} are list prices as of {self.as_of} "
                         f"({', '.join(self.sources)})")
        if self.defaults:
            parts.append(f"{'the others' if self.looked_up or self.overridden else 'all figures'}: {self.defaults}")
        if self.overridden:
            parts.append(f"{', '.join(self.overridden)} from {self.pricing_file}")
        return f"{self.region} ({self.currency}): " + "; ".join(parts)


@dataclass(frozen=True)
class Pricing:
    """The price book of one audit: the price table, plus a pricing file's overrides."""

    everywhere: Mapping[str, float | str] = field(default_factory=dict)
    per_region: Mapping[str, Mapping[str, float | str]] = field(default_factory=dict)
    source_file: str | None = None

    def model(self, region: str) -> CostModel:
        """The figures ``region``'s costs are computed with."""
        entry = price_table.region_prices(region)
        base = replace(CostModel(), currency=entry.currency, **entry.figures())
        return replace(base, **{**self.everywhere, **self.per_region.get(region, {})})

    def note(self, region: str) -> PriceNote:
        entry = price_table.region_prices(region)
        overridden = {**self.everywhere, **self.per_region.get(region, {})}
        looked_up = tuple(n for n in FIGURES if n in entry.looked_up and n not in overridden)
        defaulted = [n for n in FIGURES if n not in entry.looked_up and n not in overridden]
        sources = tuple(dict.fromkeys(entry.looked_up[n][1] for n in looked_up))
        return PriceNote(region, self.model(region).currency, looked_up, sources,
                         entry.default_note if defaulted else "", price_table.AS_OF, self.source_file,
                         tuple(n for n in (*FIGURES, "currency") if n in overridden))

    def notes(self, regions: Iterable[str]) -> tuple[PriceNote, ...]:
        return tuple(self.note(r) for r in sorted(set(regions)))


def load_pricing(path: str | Path) -> Pricing:
    """Read ``[pricing]`` overrides (any figure of CostModel, and ``currency``) from a TOML file:
    top-level keys apply to every Region, ``[pricing.regions.<region>]`` tables to one."""
    p = Path(path)
    try:
        data = read_toml(p)
    except FileNotFoundError:
        raise PricingError(f"{p}: no such pricing file") from None
    except UnreadableToml as exc:
        raise PricingError(f"{p}: {exc}") from None
    table = dict(data.get("pricing", data))
    regions = table.pop("regions", {})
    if not isinstance(regions, dict) or not all(isinstance(v, dict) for v in regions.values()):
        raise PricingError(f"{p}: 'regions' must hold one table per Region, e.g. [pricing.regions.eu-west-1]")
    return Pricing(_figures(p, "", table), {name: _figures(p, f"regions.{name}.", values)
                                            for name, values in regions.items()}, str(p))


def _figures(path: Path, prefix: str, table: Mapping[str, Any]) -> dict[str, float | str]:
    known = (*FIGURES, "currency")
    changes: dict[str, float | str] = {}
    for key, value in table.items():
        if key not in known:
            raise PricingError(f"{path}: unknown pricing key {prefix}{key!r} (known: {', '.join(sorted(known))}, "
                               "regions)")
        if key == "currency":
            if not isinstance(value, str) or not value.isalpha() or len(value) != 3:
                raise PricingError(f"{path}: {prefix}'currency' must be a three-letter code such as USD or CNY")
            changes[key] = value.upper()
        elif isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= MAX_PRICE:
            raise PricingError(f"{path}: {prefix}{key!r} must be a number from 0 to {MAX_PRICE:,}, got {value!r}")
        else:
            changes[key] = float(value)
    return changes
