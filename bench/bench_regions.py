"""``vpcaudit scan`` of one Region against every enabled Region, with latency added to every call.

Usage:  python bench/bench_regions.py [--vpcs-per-region 3] [--latency-ms 100] [--concurrency 0 32] [--repeat 3]
                                     [--server moto replay] [--regions 17]

Starts a moto server in its own process (it lists 24 enabled Regions), seeds ``--vpcs-per-region``
VPCs in each (bench/moto_estate.py), and runs the installed ``vpcaudit scan`` console script
through a loopback proxy that waits ``--latency-ms`` before relaying every request: once for one
Region (``--region us-east-1``), once with ``--all-regions`` (or, with ``--regions N``, the first N
enabled Regions: 17 is how many an AWS account has enabled unless it opts in to more), for each
``--concurrency`` value (0: the default, fitted to the Regions scanned). It
prints the median wall time, the all-Region scan's time as a multiple of the one-Region scan's,
the CPU vpcaudit used and the CPU the moto server used meanwhile (both on the same cores), the
calls the proxy saw, and the most calls it ever saw in flight for one Region and in total —
which must stay within the account-Region bound (``CALLS_PER_ACCOUNT_REGION``) and ``--concurrency``.
vpcaudit's modules are byte-compiled first, as pip does when it installs a wheel.

``--server replay`` answers every call with moto's answer to the same request, recorded during
the warm-up scans, without asking moto again: moto builds its answers in one Python process on
the same two cores as vpcaudit (5.5 s of CPU for an all-Region scan), which AWS's servers do
not, so the replayed rows show what vpcaudit's own scheduling and CPU make of the latency. The
proxy still adds the latency, counts, and costs its own CPU; a request it never recorded is
relayed to moto, and the misses are printed. The replayed ``DescribePrefixLists`` answers carry
each list's CIDRs, as AWS's do and moto's do not, so the replayed scans make AWS's calls: none
of the ``GetManagedPrefixListEntries`` calls moto's answers need (six per Region).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import loopback
import measure
import moto_estate

from vpcaudit.aws.budget import CALLS_PER_ACCOUNT_REGION

ONE_REGION = "us-east-1"


def scan(proxy: loopback.CountingProxy, moto_pid: int, out: Path, regions: list[str], concurrency: int) -> dict:
    """One console-script run: wall, CPU, moto's CPU meanwhile, calls, peaks in flight, replay misses."""
    proxy.reset()
    argv = [str(Path(sys.executable).with_name("vpcaudit")), "scan", *regions, "--endpoint-url", proxy.url,
            "--concurrency", str(concurrency), "-f", "json", "-o",
            str(out / "result.json"), "--quiet"]
    moto_before = loopback.cpu_seconds(moto_pid)
    sample = measure.run_command(argv, env=loopback.fake_credentials())
    return {"wall": sample.wall_s, "cpu": sample.cpu_s, "moto_cpu": loopback.cpu_seconds(moto_pid) - moto_before,
            "calls": sum(proxy.calls.values()), "peak_region": max(proxy.peak_per_region.values()),
            "peak_total": proxy.peak_total, "misses": proxy.replay_misses}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vpcs-per-region", type=int, default=3)
    parser.add_argument("--latency-ms", type=float, default=100)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[0, 32],
                        help="the scans' --concurrency values (0: the default, fitted to the Regions)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--regions", type=int, default=None,
                        help="scan only the first N enabled Regions (default: every enabled Region, --all-regions)")
    parser.add_argument("--server", choices=("moto", "replay"), nargs="+", default=["moto"],
                        help="answer from moto itself, or replay moto's recorded answers (both: both tables)")
    args = parser.parse_args()
    loopback.use_fake_credentials()
    measure.byte_compile_vpcaudit()
    out = sys.stdout
    with loopback.moto_process() as (url, moto_pid), tempfile.TemporaryDirectory() as tmp:
        regions = [r["RegionName"] for r in moto_estate.client("ec2", url, ONE_REGION).describe_regions()["Regions"]
                   if r.get("OptInStatus") in (None, "opt-in-not-required", "opted-in")]
        many = ["--all-regions"] if args.regions is None else ["--region", ",".join(regions[:args.regions])]
        scanned = len(regions) if args.regions is None else min(args.regions, len(regions))
        start = time.perf_counter()
        for region in regions:
            moto_estate.seed_region(url, region, args.vpcs_per_region)
        seeded = time.perf_counter() - start
        out.write(f"Machine: {measure.machine()}.\nEstate (moto): {len(regions)} enabled Regions, "
                  f"{args.vpcs_per_region} VPCs seeded in each (plus moto's default VPC), seeded in {seeded:.0f} s. "
                  f"{args.latency_ms:g} ms added to every call; medians of {args.repeat} runs.\n\n"
                  "| server | `--concurrency` | calls per Region | Regions | wall (s) | × one Region | "
                  "vpcaudit CPU (s) | moto CPU (s) | API calls | peak in flight, one Region | peak in flight, total |\n"
                  "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|\n")
        with loopback.counting_proxy(url, args.latency_ms) as proxy:
            # Warm-up, recorded for the replays: moto builds each Region's data (endpoint
            # services…) the first time it is read, and the replays need every request once.
            proxy.record()
            for where in (["--region", ONE_REGION], many):
                scan(proxy, moto_pid, Path(tmp), where, max(args.concurrency))
            filled = proxy.fill_prefix_list_cidrs()
            misses = 0
            for server in args.server:
                proxy.replay() if server == "replay" else proxy.relay()
                for concurrency in args.concurrency:
                    rows = {}
                    for label, where in (("one", ["--region", ONE_REGION]), ("all", many)):
                        runs = [scan(proxy, moto_pid, Path(tmp), where, concurrency) for _ in range(args.repeat)]
                        rows[label] = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
                        rows[label]["peak_region"] = max(r["peak_region"] for r in runs)
                        rows[label]["peak_total"] = max(r["peak_total"] for r in runs)
                        misses += sum(r["misses"] for r in runs)
                    for label, count in (("one", 1), ("all", scanned)):
                        row = rows[label]
                        ratio = row["wall"] / rows["one"]["wall"]
                        per_region = min(CALLS_PER_ACCOUNT_REGION, concurrency or CALLS_PER_ACCOUNT_REGION)
                        setting = concurrency or "0 (fitted)"
                        out.write(f"| {server} | {setting} | {per_region} | {count} | {row['wall']:.2f} | "
                                  f"{ratio:.2f}× | {row['cpu']:.2f} | {row['moto_cpu']:.2f} | {row['calls']:.0f} | "
                                  f"{row['peak_region']} | {row['peak_total']} |\n")
                    out.flush()
            if "replay" in args.server:
                out.write(f"\nReplayed answers: {filled} prefix lists given the CIDRs moto leaves out of "
                          f"DescribePrefixLists; calls relayed to moto because they were never recorded: {misses}.\n")

if __name__ == "__main__":
    main()
