"""How the offline audit grows with the estate: VPCs per Region, and accounts.

Usage:  python bench/bench_audit.py [--vpcs 16 64 256] [--accounts 4 16 64] [--regions 17] [--repeat 3]

Two series of synthetic snapshots (bench/synthetic.py, seeded, shaped like a real collection),
each step 4× the one before: one account and one Region with more and more VPCs, and more and
more accounts of ``--regions`` Regions with 3 VPCs each (plus every Region's default VPC). For
each snapshot it audits with every built-in rule (``vpcaudit.api.audit``: rules, traffic paths,
costs, topology) and prints the median CPU time, wall time and peak memory above the snapshot
itself, and the growth factor against the step before (the goal: ≤ 5× per 4× step). No AWS, no
moto, no rendering (bench_org.py measures loading, the audit and the JSON result together).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import measure
import synthetic

from vpcaudit import api


def audit_counts(snapshot: object) -> tuple[int, int]:
    result = api.audit(snapshot)  # type: ignore[arg-type]
    return len(result.findings), len(result.paths)


def series(title: str, label: str, shapes: Sequence[tuple[int, synthetic.Shape]], repeat: int) -> None:
    out = sys.stdout
    out.write(f"\n{title}\n\n| {label} | VPCs | findings | paths | CPU (s) | wall (s) | peak memory (MiB) | "
              "CPU growth |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n")
    previous = None
    for value, shape in shapes:
        snapshot = synthetic.snapshot_of(shape)
        vpcs = sum(len(reg.vpcs) for account in snapshot.accounts for reg in account.regions)
        sample = measure.median(lambda s=snapshot: audit_counts(s), repeat)
        findings, paths = sample.value
        growth = f"{sample.cpu_s / previous:.1f}×" if previous else "—"
        previous = sample.cpu_s
        out.write(f"| {value} | {vpcs:,} | {findings:,} | {paths:,} | {sample.cpu_s:.2f} | {sample.wall_s:.2f} | "
                  f"{sample.peak_mib:,.0f} | {growth} |\n")
        out.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vpcs", type=int, nargs="*", default=[16, 64, 256],
                        help="workload VPCs in one account's one Region, one run each")
    parser.add_argument("--accounts", type=int, nargs="*", default=[4, 16, 64],
                        help="accounts (each --regions Regions × 3 VPCs), one run each")
    parser.add_argument("--regions", type=int, default=17)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sys.stdout.write(f"Machine: {measure.machine()}; median of {args.repeat} runs.\n")
    if args.vpcs:
        series("VPCs per Region (1 account, 1 Region)", "VPCs per Region",
               [(v, synthetic.Shape(vpcs=v)) for v in args.vpcs], args.repeat)
    if args.accounts:
        series(f"Accounts ({args.regions} Regions, 3 VPCs + the default VPC each)", "accounts",
               [(a, synthetic.Shape(accounts=a, regions=args.regions)) for a in args.accounts], args.repeat)


if __name__ == "__main__":
    main()
