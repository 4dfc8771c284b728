"""``vpcaudit scan`` side by side with Cloud Custodian over the same moto estate of one Region.

Usage:  python bench/bench_custodian.py [--vpcs 52 202] [--repeat 3] [--custodian PATH]

Cloud Custodian is not a dependency of vpcaudit; install it in a virtualenv of its own first:

    python3 -m venv bench/.custodian-venv && bench/.custodian-venv/bin/pip install c7n

Without it the Custodian rows are skipped, with a message saying so.

Starts a moto server in its own process, seeds one Region (bench/moto_estate.py) up to each
``--vpcs`` total (moto's default VPC included), and runs, alternately and ``--repeat`` times, the
installed ``vpcaudit scan`` (all built-in rules, JSON result) and ``custodian run`` with the 14
policies of bench/custodian-policies.yml (VPCs, subnets, route tables, endpoints, NAT gateways,
security groups, NACLs, flow logs, ENIs, hosted zones), both through a counting loopback proxy
without added latency. Reports the median wall time, the tool's own CPU (user + system of its
process), the API calls the proxy saw and the peak RSS. moto shares the machine's cores with the
tool: wall times say more about the machine than CPU and calls do.
vpcaudit's modules are byte-compiled first, as pip does when it installs a wheel (Custodian's
virtualenv was installed that way).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import loopback
import measure
import moto_estate

REGION = "us-east-1"
HERE = Path(__file__).resolve().parent
POLICIES = HERE / "custodian-policies.yml"
DEFAULT_CUSTODIAN = HERE / ".custodian-venv" / "bin" / "custodian"
CUSTODIAN = f"Cloud Custodian ({POLICIES.name})"


def vpcaudit_argv(proxy: loopback.CountingProxy, out: Path) -> list[str]:
    return [str(Path(sys.executable).with_name("vpcaudit")), "scan", "--region", REGION, "--endpoint-url", proxy.url,
            "-f", "json", "-o", str(out / "result.json"), "--quiet"]


def custodian_argv(custodian: Path, out: Path, run_number: int) -> list[str]:
    """Custodian with its resource cache as on a first run: shared by the policies of this run (its
    default), but fresh — a cache kept from an earlier run would answer without calling AWS."""
    return [str(custodian), "run", "--region", REGION, "-s", str(out / "custodian"),
            "--cache", str(out / f"custodian-{run_number}.cache"), str(POLICIES)]


def run(proxy: loopback.CountingProxy, argv: list[str], env: dict[str, str]) -> dict[str, float]:
    proxy.reset()
    sample = measure.run_command(argv, env=env)
    return {"wall": sample.wall_s, "cpu": sample.cpu_s, "calls": sum(proxy.calls.values()), "rss": sample.peak_mib}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vpcs", type=int, nargs="+", default=[52, 202],
                        help="VPCs in the Region, moto's default one included")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--custodian", type=Path, default=DEFAULT_CUSTODIAN)
    args = parser.parse_args()
    loopback.use_fake_credentials()
    measure.byte_compile_vpcaudit()
    custodian = args.custodian if args.custodian.exists() else shutil.which("custodian")
    out = sys.stdout
    if custodian is None:
        out.write(f"Cloud Custodian not found at {args.custodian} nor on PATH: its rows are skipped. Install it with\n"
                  f"  python3 -m venv bench/.custodian-venv && bench/.custodian-venv/bin/pip install c7n\n\n")
    out.write(f"Machine: {measure.machine()}; medians of {args.repeat} runs, run alternately.\n\n"
              "| VPCs | tool | wall (s) | own CPU (s) | API calls | peak RSS (MiB) |\n|---:|---|---:|---:|---:|---:|\n")
    seeded = 1  # moto's default VPC
    with loopback.moto_server() as url, tempfile.TemporaryDirectory() as tmp, \
            loopback.counting_proxy(url) as proxy:
        env = loopback.fake_credentials()
        custodian_env = {**env, "AWS_ENDPOINT_URL": proxy.url}
        for total in sorted(args.vpcs):
            start = time.perf_counter()
            if total > seeded:
                moto_estate.seed_region(url, REGION, total - seeded, first=seeded)
                seeded = total
            sys.stderr.write(f"seeded {total} VPCs in {time.perf_counter() - start:.0f} s\n")
            tools = ["vpcaudit"] + ([] if custodian is None else [CUSTODIAN])
            run(proxy, vpcaudit_argv(proxy, Path(tmp)), env)  # warm-up: moto builds its per-Region data on first use
            samples: dict[str, list[dict[str, float]]] = {name: [] for name in tools}
            for n in range(args.repeat):
                samples["vpcaudit"].append(run(proxy, vpcaudit_argv(proxy, Path(tmp)), env))
                if custodian is not None:
                    argv = custodian_argv(Path(custodian), Path(tmp), total * 100 + n)
                    samples[CUSTODIAN].append(run(proxy, argv, custodian_env))
            for name, runs in samples.items():
                med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
                out.write(f"| {total} | {name} | {med['wall']:.2f} | {med['cpu']:.2f} | {med['calls']:.0f} | "
                          f"{med['rss']:.0f} |\n")
            out.flush()


if __name__ == "__main__":
    main()
