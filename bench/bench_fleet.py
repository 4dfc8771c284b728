"""Benchmark an organization audit: the state machine's three Lambda steps, and `vpcaudit scan --org`.

Usage:  python bench/bench_fleet.py [--accounts 50] [--regions us-east-1 eu-west-1 ap-southeast-2]
                                    [--vpcs 1] [--parallel 4]

Starts a moto server in its own process on loopback and builds an organization there: the
management account, ``--accounts`` members spread over a nested OU tree, each with ``--vpcs`` VPCs
per Region (one subnet, three interface endpoints: the COST001 pattern). Then:

1. the three handlers of deploy/vpcaudit-org.yaml, each invocation in a fresh Python process as
   Lambda would run it (``list_accounts``; ``audit_account`` for every account, ``--parallel`` at
   once, standing in for the Distributed Map's MaxConcurrency; ``merge``), reading and writing the
   run in a moto S3 bucket;
2. the installed ``vpcaudit scan --org`` over the same organization and Regions, one process;
3. with ``--latency-ms N``, that scan again through a loopback proxy that answers each call with
   moto's recorded answer after N ms (``bench_regions.py --server replay``: moto's own CPU, on the
   same cores, is left out), with ``--processes 1`` and with the accounts dealt over one process
   per CPU (the default), to show what the processes change when the answers cost this machine
   nothing.

For each it prints wall time, AWS API calls (per account), parts moto failed to answer (other
than VPC Block Public Access, which moto lacks: a run under load is only comparable when this
is 0), and peak memory (the largest peak
resident set, VmHWM, of the processes involved, read by each process as it ends: rusage would
report at least the benchmark's own size, inherited at fork). Figures depend on the machine: moto
and vpcaudit share its cores, and moto answers in about a millisecond where AWS takes tens.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))

from loopback import counting_proxy, fake_credentials, moto_process
from org_estate import MANAGEMENT, add_member, create_organization, seed_member

BUCKET = "vpcaudit-bench"
MOTO_LACKS = {"block_public_access error (ResponseParserError)", "block_public_access error"}


# Appended to every measured child: its own peak RSS, on stderr, whatever way it exits.
PEAK = ("import atexit, sys\n"
        "def _peak():\n"
        "    kib = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:'))\n"
        "    sys.stderr.write(f'\\nvmhwm-kib {kib}\\n')\n"
        "atexit.register(_peak)\n")


@dataclass(frozen=True)
class Process:
    wall_s: float
    peak_mib: float
    stdout: str
    stderr: str
    code: int


def run(script: str, args: list[str], env: dict[str, str]) -> Process:
    """Run ``python -c script args`` to the end and read the peak RSS it reported."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PEAK + script, *args], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    peak = next((int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("vmhwm-kib ")), 0)
    return Process(wall, peak / 1024, done.stdout, done.stderr, done.returncode)


def step(handler: str, event: dict[str, Any], env: dict[str, str]) -> tuple[Process, dict[str, Any]]:
    """One Lambda invocation of ``vpcaudit.lambda_handler.<handler>`` in a fresh process."""
    script = ("import json, sys\n"
              f"from vpcaudit.lambda_handler import {handler}\n"
              f"answer = {handler}(json.loads(sys.argv[1]), None)\n"
              "print(json.dumps(answer))\n")
    done = run(script, [json.dumps(event)], env)
    if done.code != 0:
        raise SystemExit(f"{handler} failed:\n{done.stderr}")
    return done, json.loads(done.stdout.strip().splitlines()[-1])


def build(url: str, accounts: int, regions: list[str], vpcs: int) -> list[str]:
    base = boto3.session.Session(region_name="us-east-1")
    org = create_organization(base, url)
    parents = [org.root, org.workloads, org.prod]
    members = [add_member(base, org, f"member-{i:03d}", parents[i % 3], url) for i in range(accounts)]
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda a: seed_member(base, a, regions, vpcs, endpoint_url=url), members))
    base.client("s3", endpoint_url=url).create_bucket(Bucket=BUCKET)
    return members


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    import moto

    return (f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, moto {moto.__version__} server in "
            "its own process on loopback")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=50)
    parser.add_argument("--regions", nargs="+", default=["us-east-1", "eu-west-1", "ap-southeast-2"])
    parser.add_argument("--vpcs", type=int, default=1, help="VPCs per account and Region")
    parser.add_argument("--parallel", type=int, default=4, help="audit_account invocations at once")
    parser.add_argument("--latency-ms", type=float, default=None,
                        help="also scan --org against moto's replayed answers, with this latency per call")
    parser.add_argument("--concurrency", type=int, default=32, help="--concurrency of the replayed scans")
    parser.add_argument("--skip-steps", action="store_true", help="leave out the Lambda steps (and their rows)")
    args = parser.parse_args()
    env = {k: v for k, v in fake_credentials().items() if not k.startswith("VPCAUDIT_")}
    env["NO_PROXY"] = "127.0.0.1"
    with moto_process() as (url, _):
        os.environ.update({k: v for k, v in env.items() if k.startswith("AWS_")})
        seeded = time.perf_counter()
        members = build(url, args.accounts, args.regions, args.vpcs)
        sys.stdout.write(f"Machine: {machine()}.\nOrganization: {len(members)} members (+ the management account, "
                         f"excluded) × {len(args.regions)} Regions × {args.vpcs} VPC(s); seeded in "
                         f"{time.perf_counter() - seeded:.0f} s.\n\n")
        fleet_env = {**env, "AWS_ENDPOINT_URL": url, "VPCAUDIT_OUTPUT": f"s3://{BUCKET}/",
                     "VPCAUDIT_ORG": "true", "VPCAUDIT_ROLE_NAME": "vpcaudit-member",
                     "VPCAUDIT_EXCLUDE_ACCOUNTS": MANAGEMENT, "VPCAUDIT_REGIONS": ",".join(args.regions),
                     "VPCAUDIT_FORMATS": "html,md"}
        rows = [] if args.skip_steps else steps(fleet_env, args.parallel)
        rows.append(scan_org(env, url, args.regions, len(members)))
        if args.latency_ms is not None:
            rows += scan_org_replayed(env, url, args.regions, len(members), args.latency_ms, args.concurrency)
        sys.stdout.write("| run | wall (s) | API calls per account | peak memory (MiB) | notes |\n"
                         "|---|---:|---:|---:|---|\n")
        for row in rows:
            sys.stdout.write("| " + " | ".join(row) + " |\n")


def steps(env: dict[str, str], parallel: int) -> list[list[str]]:
    run_id = f"bench-{int(time.time())}"
    listed_proc, listed = step("list_accounts", {"run_id": run_id}, env)
    s3 = boto3.session.Session(region_name="us-east-1").client("s3", endpoint_url=env["AWS_ENDPOINT_URL"])
    items = json.loads(s3.get_object(**listed["items"])["Body"].read())
    started = time.perf_counter()
    with ThreadPoolExecutor(parallel) as pool:
        audited = list(pool.map(lambda item: step("audit_account", {"run_id": run_id, "account": item}, env), items))
    audit_wall = time.perf_counter() - started
    from_results_proc, from_results = step("merge", {"run_id": run_id, "merge_from": "results"}, env)
    merged_proc, merged = step("merge", {"run_id": run_id}, env)  # last, so the organization's objects are its own
    sizes = objects(s3, listed["items"]["Bucket"], f"runs/{run_id}/")
    calls = [summary["api_calls"] for _, summary in audited]
    gaps = sum(1 for _, summary in audited for group in summary.get("not_evaluated", ())
               if not set(group["detail"].removeprefix("not collected: ").split("; ")) <= MOTO_LACKS)
    durations = sorted(proc.wall_s for proc, _ in audited)
    total = listed_proc.wall_s + audit_wall + merged_proc.wall_s
    return [
        ["list_accounts (1 invocation)", f"{listed_proc.wall_s:.1f}", "—", f"{listed_proc.peak_mib:.0f}",
         f"{listed['accounts']} accounts listed"],
        [f"audit_account ({len(items)} invocations, {parallel} at once)", f"{audit_wall:.1f}",
         f"{min(calls)}–{max(calls)} (mean {sum(calls) / len(calls):.1f})",
         f"{max(p.peak_mib for p, _ in audited):.0f}",
         f"per invocation {durations[0]:.1f}–{durations[-1]:.1f} s (median {durations[len(durations) // 2]:.1f}), "
         f"process start and imports included; {gaps} gap(s) beyond moto's missing APIs"],
        ["merge (1 invocation)", f"{merged_proc.wall_s:.1f}", "—", f"{merged_proc.peak_mib:.0f}",
         f"{len(merged['accounts'])} accounts audited as one, {merged['failing']} failing findings"],
        ["merge from results (1 invocation, instead)", f"{from_results_proc.wall_s:.1f}", "—",
         f"{from_results_proc.peak_mib:.0f}",
         f"{len(from_results['accounts'])} accounts' own results, {from_results['failing']} failing findings"],
        ["three steps, end to end", f"{total:.1f}", "", "", ""],
        ["S3 objects of the run", "", "", "", sizes],
    ]


def objects(s3: Any, bucket: str, prefix: str) -> str:
    """How much a run stores: per-account objects (median size) and the organization's."""
    listed = [o for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
              for o in page.get("Contents", [])]
    per_account: dict[str, list[int]] = {}
    for item in listed:
        name = item["Key"].removeprefix(prefix)
        if name.startswith("accounts/"):
            per_account.setdefault(name.rsplit("/", 1)[-1], []).append(item["Size"])
    org = {o["Key"].rsplit("/", 1)[-1]: o["Size"] for o in listed if "/organization/" in o["Key"]}
    median = {name: sorted(sizes)[len(sizes) // 2] for name, sizes in per_account.items()}
    return (f"{len(listed)} objects, {sum(o['Size'] for o in listed) / 1e6:.1f} MB; per account (median) "
            + ", ".join(f"{n} {v / 1e3:.0f} KB" for n, v in sorted(median.items()))
            + "; organization " + ", ".join(f"{n} {v / 1e3:.0f} KB" for n, v in sorted(org.items())))


def run_scan_org(url: str, regions: list[str], env: dict[str, str], *extra: str) -> Process:
    """``vpcaudit scan --org`` (the console script's own entry point, in a process that reports
    its peak) of ``regions``, every call to ``url``."""
    with tempfile.TemporaryDirectory() as folder:
        argv = ["scan", "--org", "--role-name", "vpcaudit-member", "--exclude-account", MANAGEMENT,
                "--endpoint-url", url, "--stats", "-f", "json", "-o", f"{folder}/result.json",
                "--fail-on", "critical", *extra]
        for region in regions:
            argv += ["--region", region]
        done = run("import sys\nfrom vpcaudit.cli import main\nsys.argv = ['vpcaudit', *sys.argv[1:]]\nmain()\n",
                   argv, env)
    if done.code != 0:
        raise SystemExit(f"vpcaudit scan --org failed:\n{done.stderr}")
    return done


def scan_org(env: dict[str, str], url: str, regions: list[str], members: int) -> list[str]:
    done = run_scan_org(url, regions, env)
    total = next(int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("total"))
    org_calls = sum(int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("organizations:"))
    gaps = [line for line in done.stderr.splitlines()
            if line.startswith("not collected:") and " block_public_access: " not in line]
    return ["vpcaudit scan --org", f"{done.wall_s:.1f}", f"{(total - org_calls) / members:.1f}",
            f"{done.peak_mib:.0f}", f"{total} calls in all, {org_calls} of them Organizations listings; "
            f"{len(gaps)} gap(s) beyond moto's missing APIs"]


def scan_org_replayed(env: dict[str, str], url: str, regions: list[str], members: int,
                      latency_ms: float, concurrency: int) -> list[list[str]]:
    """``scan --org`` against moto's recorded answers, ``latency_ms`` each, in one process and
    over one per CPU; medians of three runs each, alternated."""
    with counting_proxy(url) as proxy:
        proxy.record()
        run_scan_org(proxy.url, regions, env)
        filled = proxy.fill_prefix_list_cidrs()
        proxy.replay()
        proxy.delay_s = latency_ms / 1000
        walls: dict[str, list[float]] = {"1": [], "0": []}
        missed = 0
        peaks: dict[str, float] = {}
        calls: dict[str, int] = {}
        for _ in range(3):
            for processes in walls:
                proxy.reset()
                done = run_scan_org(proxy.url, regions, env, "--processes", processes,
                                    "--concurrency", str(concurrency))
                walls[processes].append(done.wall_s)
                peaks[processes] = max(peaks.get(processes, 0), done.peak_mib)
                calls[processes] = sum(proxy.calls.values())
                missed += proxy.replay_misses
    rows = []
    for processes, label in (("1", "one process"), ("0", "one per CPU")):
        wall = sorted(walls[processes])[1]
        rows.append([f"vpcaudit scan --org, replayed, {latency_ms:g} ms per call, --concurrency {concurrency}, "
                     f"--processes {processes} ({label})",
                     f"{wall:.1f}", f"{calls[processes] / members:.1f}", f"{peaks[processes]:.0f}",
                     f"runs {', '.join(f'{w:.1f}' for w in walls[processes])} s; {filled} prefix lists given the "
                     f"CIDRs AWS returns; {missed} call(s) not recorded"])
    return rows


if __name__ == "__main__":
    main()
