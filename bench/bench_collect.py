"""Benchmark `collect_snapshot` on a sizeable moto estate of one Region: wall time and calls per operation.

Usage:  python bench/bench_collect.py [--vpcs 100] [--latency-ms 0 50] [--concurrency 1 32]

Starts a moto server in its own process on loopback, seeds ``--vpcs`` VPCs in one Region
(bench/moto_estate.py: six subnets over 3 AZs, NAT, route tables, an S3 gateway endpoint, three
interface endpoints with a security group, an instance, flow logs, private zones), then collects
the Region for each ``--concurrency`` value, directly and through a loopback proxy that adds a fixed
delay to every request (AWS API calls typically take tens of milliseconds; moto answers in
about one), and prints Markdown tables: wall time, calls, HTTP attempts and the most calls the
proxy saw in flight at once, then the calls per operation. Call counts are exact and independent
of the backend; wall times depend on the machine (moto and the collector share its cores).
"""

from __future__ import annotations

import argparse
import sys
import time

import boto3
import loopback
import measure
import moto_estate

from vpcaudit.aws.budget import CALLS_PER_ACCOUNT_REGION
from vpcaudit.collectors.run import CollectionOutcome, collect_snapshot

REGION = "us-east-1"


def collect(proxy: loopback.CountingProxy, concurrency: int) -> tuple[float, CollectionOutcome]:
    proxy.reset()
    start = time.perf_counter()
    outcome = collect_snapshot(boto3.session.Session(region_name=REGION), [REGION], endpoint_url=proxy.url,
                               concurrency=concurrency)
    return time.perf_counter() - start, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--vpcs", type=int, default=100)
    parser.add_argument("--latency-ms", type=float, nargs="+", default=[0, 50],
                        help="added delay per request, one run per value")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 32])
    args = parser.parse_args()
    loopback.use_fake_credentials()
    rows = []
    with loopback.moto_server() as url:
        start = time.perf_counter()
        moto_estate.seed_region(url, REGION, args.vpcs)
        seeded = time.perf_counter() - start
        with loopback.counting_proxy(url) as warm:
            collect(warm, max(args.concurrency))  # moto builds its Region data on first use
        for latency in args.latency_ms:
            with loopback.counting_proxy(url, latency) as proxy:
                for concurrency in args.concurrency:
                    seconds, outcome = collect(proxy, concurrency)
                    rows.append((latency, concurrency, seconds, outcome, proxy.peak_total))
    outcome = rows[0][3]
    region = outcome.snapshot.accounts[0].regions[0]
    rules = sum(len(g.rules) for g in region.security_groups)
    out = sys.stdout
    out.write(f"Machine: {measure.machine()}.\nEstate (moto, one Region): {len(region.vpcs)} VPCs, "
              f"{len(region.subnets)} subnets, {len(region.vpc_endpoints)} endpoints, "
              f"{len(region.network_interfaces)} ENIs, {len(region.security_groups)} security groups / {rules} rules, "
              f"{len(region.nat_gateways)} NAT gateways, {len(region.hosted_zones)} private zones; seeded in "
              f"{seeded:.0f} s. At most {CALLS_PER_ACCOUNT_REGION} calls in flight per Region.\n\n")
    out.write("| added latency per call | `--concurrency` | wall time (s) | API calls | HTTP attempts | "
              "peak calls in flight |\n|---:|---:|---:|---:|---:|---:|\n")
    for latency, concurrency, seconds, result, peak in rows:
        out.write(f"| {latency:g} ms | {concurrency} | {seconds:.2f} | {sum(result.calls.values())} | "
                  f"{sum(result.http_attempts.values())} | {peak} |\n")
    out.write("\n| operation | calls |\n|---|---:|\n")
    for op, count in sorted(outcome.calls.items(), key=lambda kv: (-kv[1], kv[0])):
        out.write(f"| `{op}` | {count} |\n")


if __name__ == "__main__":
    main()
