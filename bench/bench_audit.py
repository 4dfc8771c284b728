"""Benchmark the offline half: NetworkView + every built-in rule + traffic paths + rendering.

Usage:  python bench/bench_audit.py [--vpcs 10 50 200] [--repeat 3]

Builds synthetic single-region snapshots in memory (per VPC: 3 AZs with a public and a private
subnet each, a NAT gateway per AZ, workloads, an S3 gateway endpoint on two of three private
route tables, three interface endpoints with a shared security group, full-access policies) with
the test builders, then times `runner.run` with all rules and the HTML / Markdown / JSON
renderers, and prints a Markdown table (best of --repeat runs). No AWS, no moto.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))

from builders import RegionBuilder, standard_vpc

from vpcaudit import render
from vpcaudit.engine.loader import load_registry
from vpcaudit.engine.runner import run
from vpcaudit.snapshot.model import Snapshot

T = TypeVar("T")


def estate(vpcs: int) -> Snapshot:
    b = RegionBuilder()
    for i in range(vpcs):
        ids = standard_vpc(b, cidr=f"10.{i % 250}.0.0/16", name=f"vpc{i}")
        vpc = str(ids["vpc"])
        b.gateway_endpoint(vpc, "s3", route_tables=list(ids["private_rt"])[:2])
        sg = b.security_group(vpc, ingress=[("tcp", 443, 443, f"10.{i % 250}.0.0/16")])
        for key in ("ssm", "ssmmessages", "logs"):
            b.interface_endpoint(vpc, key, subnets=list(ids["private"]), groups=[sg])
    return b.snapshot()


def best_of(repeat: int, func: Callable[[], T]) -> tuple[float, T]:
    """Fastest wall time of ``repeat`` runs, and the last run's value."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        value = func()
        best = min(best, time.perf_counter() - start)
    return best, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vpcs", type=int, nargs="+", default=[10, 50, 200])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rules = load_registry().rules
    print(f"{len(rules)} rules, best of {args.repeat} runs\n")
    print("| VPCs | findings | paths | audit (s) | html (s) | md (s) | json (s) | html size |\n"
          "|---:|---:|---:|---:|---:|---:|---:|---:|")
    for count in args.vpcs:
        snap = estate(count)
        audit_s, result = best_of(args.repeat, lambda s=snap: run(s, rules))
        timings = {fmt: best_of(args.repeat, lambda f=fmt, res=result: render.render(res, f))
                   for fmt in ("html", "md", "json")}
        html_kb = len(timings["html"][1].encode()) / 1024
        print(f"| {count} | {len(result.findings)} | {len(result.paths)} | {audit_s:.2f} | "
              f"{timings['html'][0]:.2f} | {timings['md'][0]:.2f} | {timings['json'][0]:.2f} | {html_kb:,.0f} KB |")


if __name__ == "__main__":
    main()
