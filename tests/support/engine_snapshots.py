"""Tiny hand-built snapshots for the engine tests: just enough data for the test rule pack.

The engine does not care what the rules check, so these snapshots hold VPCs with tags (the
test rules react to ``audit=bad|meh|explode``) and per-part statuses (what drives
*not evaluated*), plus a few NAT gateways and endpoints for the cost lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.jsonfile import save
from vpcaudit.snapshot.model import SCHEMA_VERSION, AccountSnapshot, Part, RegionSnapshot, ScopeStatus, Snapshot, State

ACCOUNT = "111111111111"
REGION = "us-east-1"
RULEPACK = Path(__file__).parents[1] / "engine" / "rulepack"  # a --rules-dir pack of test rules
BASE_PARTS = tuple(p for p in Part if not p.opt_in)


def vpc(vpc_id: str, **tags: str) -> r.Vpc:
    return r.Vpc(vpc_id, ACCOUNT, ("10.0.0.0/16",), (), False, None, "available",
                 tuple(r.Tag(k, v) for k, v in sorted(tags.items())), True, True)


def statuses(ok: Iterable[Part] = BASE_PARTS,
             other: Mapping[Part, ScopeStatus] | None = None) -> tuple[ScopeStatus, ...]:
    out = {p: ScopeStatus(p, State.OK) for p in ok}
    out.update(other or {})
    return tuple(out.values())


def region(name: str = REGION, vpcs: Iterable[r.Vpc] = (), status: tuple[ScopeStatus, ...] | None = None,
           **records: object) -> RegionSnapshot:
    return RegionSnapshot(name, status if status is not None else statuses(), tuple(vpcs), **records)  # type: ignore[arg-type]


def snapshot(*regions: RegionSnapshot, account_status: tuple[ScopeStatus, ...] = ()) -> Snapshot:
    return Snapshot(SCHEMA_VERSION, "0.1.0", "2026-01-01T00:00:00+00:00",
                    (AccountSnapshot(ACCOUNT, tuple(regions), account_status),))


def write(snap: Snapshot, path: Path) -> Path:
    save(snap, path)
    return path
