"""The cost model of docs/network-model.md: list prices (us-east-1 defaults), overridable by a pricing file.

Why a value object: the cost rules, the report's cost table and COST001's what-if all price
the same things; one model keeps their numbers consistent and lets an organisation with a
private rate card override every figure in one TOML file.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, fields, replace
from pathlib import Path

from vpcaudit.errors import UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

HOURS_PER_MONTH = 730


class PricingError(UsageError):
    """A pricing file that cannot be used; the message names the file and the key."""


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


def load_pricing(path: str | Path) -> CostModel:
    """Read ``[pricing]`` overrides (any field of CostModel) from a TOML file."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PricingError(f"{p}: no such pricing file") from None
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PricingError(f"{p}: not a readable TOML file: {exc}") from None
    table = data.get("pricing", data)
    known = {f.name: f for f in fields(CostModel)}
    changes: dict[str, float] = {}
    for key, value in table.items():
        if key not in known:
            raise PricingError(f"{p}: unknown pricing key {key!r} (known: {', '.join(sorted(known))})")
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise PricingError(f"{p}: {key!r} must be a non-negative number, got {value!r}")
        else:
            changes[key] = float(value)
    return replace(CostModel(), **changes)
