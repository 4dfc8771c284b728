"""Benchmark `vpcaudit plan`: applying a Terraform plan to a snapshot, and predicting its effect.

Usage:  python bench/bench_plan.py [--vpcs 200] [--changed 20] [--repeat 3]

Two estates, both offline:

* the demo estate (`vpcaudit demo`, built in in-process moto and scanned), with its two example
  plans (plans/s3-via-nat.json, plans/s3-fix.json);
* a synthetic single-region snapshot of --vpcs VPCs built with the test builders (as in
  bench_audit.py: per VPC three AZs with a public and a private subnet, a NAT gateway per AZ,
  workloads, an S3 gateway endpoint on two of three private route tables, three interface
  endpoints), and a plan that, in --changed of them, narrows the S3 endpoint to one route table
  and gives the first private subnet a new NAT gateway reached through a reference; every other
  resource of the estate is in the plan as a no-op, as Terraform lists unchanged resources.

Times (best of --repeat): reading + applying the plan (`change`), the prediction (two audits with
every built-in rule and the diff, `predict`), and the Markdown and JSON diff. No AWS.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))

from builders import RegionBuilder, standard_vpc
from tfplan import TerraformPlan

from vpcaudit import api, render
from vpcaudit.change.terraform import plan_change
from vpcaudit.snapshot.model import Snapshot

T = TypeVar("T")
S3 = "com.amazonaws.us-east-1.s3"


def best_of(repeat: int, func: Callable[[], T]) -> tuple[float, T]:
    best, value = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        value = func()
        best = min(best, time.perf_counter() - start)
    return best, value  # type: ignore[return-value]


def synthetic(vpcs: int, changed: int) -> tuple[Snapshot, dict[str, Any]]:
    b = RegionBuilder()
    plan = TerraformPlan()
    for i in range(vpcs):
        ids = standard_vpc(b, cidr=f"10.{i % 250}.0.0/16", name=f"vpc{i}")
        vpc, tables = str(ids["vpc"]), list(ids["private_rt"])
        s3 = b.gateway_endpoint(vpc, "s3", route_tables=tables[:2])
        sg = b.security_group(vpc, ingress=[("tcp", 443, 443, f"10.{i % 250}.0.0/16")])
        for key in ("ssm", "ssmmessages", "logs"):
            b.interface_endpoint(vpc, key, subnets=list(ids["private"]), groups=[sg])
        endpoint = {"id": s3, "vpc_id": vpc, "service_name": S3, "vpc_endpoint_type": "Gateway",
                    "route_table_ids": tables[:2]}
        route = {"route_table_id": tables[0], "destination_cidr_block": "0.0.0.0/0", "nat_gateway_id": ids["nat"][0]}
        if i < changed:
            plan.update(f'aws_vpc_endpoint.s3["vpc{i}"]', endpoint, {**endpoint, "route_table_ids": tables[:1]})
            plan.create(f'aws_nat_gateway.extra["vpc{i}"]', {"subnet_id": ids["public"][1],
                                                             "connectivity_type": "public"})
            plan.update(f'aws_route.private_default["vpc{i}"]', route,
                        {k: v for k, v in route.items() if k != "nat_gateway_id"}, unknown={"nat_gateway_id": True},
                        refs={"nat_gateway_id": ["aws_nat_gateway.extra", "each.key"]})
        else:
            plan.noop(f'aws_vpc_endpoint.s3["vpc{i}"]', endpoint)
            plan.noop(f'aws_route.private_default["vpc{i}"]', route)
        plan.noop(f'aws_vpc.main["vpc{i}"]', {"id": vpc, "cidr_block": f"10.{i % 250}.0.0/16"})
        for n, subnet in enumerate([*ids["public"], *ids["private"]]):
            plan.noop(f'aws_subnet.all["vpc{i}-{n}"]', {"id": subnet, "vpc_id": vpc})
        for n, table in enumerate(tables):
            plan.noop(f'aws_route_table.private["vpc{i}-{n}"]', {"id": table, "vpc_id": vpc})
    return b.snapshot(), plan.document()


def measure(label: str, snapshot: Snapshot, document: dict[str, Any], repeat: int) -> None:
    text = json.dumps(document)
    change_s, change = best_of(repeat, lambda: plan_change(snapshot, json.loads(text), "plan.json"))
    predict_s, d = best_of(repeat, lambda: api.predict(change))
    md_s, _ = best_of(repeat, lambda: render.render(d, "md"))
    json_s, _ = best_of(repeat, lambda: render.render(d, "json"))
    c = d.counts()
    print(f"| {label} | {len(document['resource_changes']):,} ({c['plan_applied']} applied) | "
          f"{len(text) / 1024:,.0f} KB | {change_s:.2f} | {predict_s:.2f} | {md_s:.2f} | {json_s:.2f} | "
          f"{c['new']}/{c['resolved']}/{c['worse_paths']}+{c['better_paths']} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vpcs", type=int, default=200)
    parser.add_argument("--changed", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"best of {args.repeat} runs\n")
    print("| estate and plan | resource changes | plan size | change (s) | predict (s) | md (s) | json (s) | "
          "new/resolved/paths worse+better |\n|---|---:|---:|---:|---:|---:|---:|---|")
    from vpcaudit.demo.plans import EXAMPLES
    from vpcaudit.demo.run import run_demo

    demo = run_demo()
    for name, build in EXAMPLES.items():
        measure(f"demo, {name}", demo.outcome.snapshot, build(demo.estate, demo.outcome.snapshot), args.repeat)
    snapshot, document = synthetic(args.vpcs, args.changed)
    measure(f"{args.vpcs} VPCs, {args.changed} changed", snapshot, document, args.repeat)


if __name__ == "__main__":
    main()
