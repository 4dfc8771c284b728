"""An organization: N accounts × R Regions × V VPCs, from the snapshot file to the JSON result.

Usage:  python bench/bench_org.py [--accounts 500] [--regions 17] [--vpcs 3] [--workers N] [--repeat 1]
                                  [--cache DIR] [--whole | --two-pass] [--cli]

Writes the synthetic snapshot (bench/synthetic.py; every Region with its default VPC and its
whole endpoint-service catalogue, as a real collection records them) to ``--cache`` one account
at a time, unless a file of that shape is already there. Then, in a fresh process, measures
``vpcaudit audit snapshot.json -f json -o result.json`` as the command runs it: in shards (every
CPU, or ``--workers``, each process reading, auditing and writing its own accounts). ``--whole``
measures instead the way before shards, in phases: loading the whole snapshot in this process,
then the audit (rules, traffic paths, costs, topology) on forked workers with the JSON result
written as they go — or, ``--two-pass``, the audit and then the JSON result written from the
whole result. Wall time, CPU (this process and its workers) and peak memory. With ``--cli``, also
runs the installed console script end to end on the same file.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import sys
import time
from pathlib import Path

import measure
import synthetic

from vpcaudit import api
from vpcaudit.snapshot.codec import JsonWriter
from vpcaudit.snapshot.model import AccountSnapshot, RegionSnapshot, normalised

HERE = Path(__file__).resolve().parent


def write_snapshot(shape: synthetic.Shape, path: Path) -> None:
    """The snapshot ``save`` would write for ``shape``, built and written one account at a time."""
    whole = synthetic.snapshot_of(synthetic.Shape(**{**shape.__dict__, "accounts": 0}))  # top-level fields only
    writer = JsonWriter(indent=1, ensure_ascii=False)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        out.write('{\n "accounts": [')
        regions: dict[str, list[RegionSnapshot]] = {}
        first = True
        for account_id, region in synthetic.regions_of(shape):
            regions.setdefault(account_id, []).append(region)
            if len(regions[account_id]) < shape.regions:
                continue
            account = normalised(dataclasses.replace(
                whole, accounts=(AccountSnapshot(account_id, tuple(regions.pop(account_id))),)))
            out.write(("\n  " if first else ",\n  ") + writer.dumps(account.accounts[0], level=2))
            first = False
        out.write("\n ]" if not first else "]")
        rest = writer.dumps(whole)  # '{\n "accounts": [],\n "options": …}'
        out.write(rest[rest.index('"accounts": []') + len('"accounts": []'):] + "\n")
    os.replace(tmp, path)


def phases(path: Path, workers: int | None, mode: str) -> dict[str, tuple[float, ...]]:
    """(wall s, CPU s, this process's CPU s) of each phase: ``shards``, the one phase of
    `vpcaudit audit -f json -o FILE` (each process reads, audits and writes its own accounts);
    ``whole``, loading the snapshot here and then auditing it and writing the JSON result in one
    pass (each forked worker writes the result's lists for the scopes it audits); ``two-pass``,
    loading, the audit, then the JSON written from the whole result, as every other output is. On
    a machine shared with other work, wall time and how the work is shared out vary from run to
    run, CPU seconds much less."""
    out: dict[str, tuple[float, ...]] = {}

    def cpu() -> tuple[float, float]:
        own = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        mine = own.ru_utime + own.ru_stime
        return mine + kids.ru_utime + kids.ru_stime, mine

    def measured(start: float, clock: tuple[float, float]) -> tuple[float, float, float]:
        now = cpu()
        return time.perf_counter() - start, now[0] - clock[0], now[1] - clock[1]

    targets = [api.Target("json", path.with_name("result.json"))]  # as `-f json -o result.json` writes it
    start, clock = time.perf_counter(), cpu()
    if mode == "shards":
        result, _, _, _ = api.audit_file_and_write(path, api.AuditOptions(), targets, workers=workers)
        out["read, audit and JSON, in shards"] = measured(start, clock)
        out["sizes"] = (len(result.findings), targets[0].path.stat().st_size / 2**20)
        return out
    snapshot = api.load_snapshot(path)
    out["load"] = measured(start, clock)
    plan = api.prepare(api.AuditOptions(), api.requested_opt_in(snapshot))
    if workers is not None:
        plan = dataclasses.replace(plan, settings=dataclasses.replace(plan.settings, workers=workers))
    start, clock = time.perf_counter(), cpu()
    if mode == "two-pass":
        result = plan.run(snapshot)
        out["audit"] = measured(start, clock)
        start, clock = time.perf_counter(), cpu()
        api.write_reports(result, targets)
        out["json"] = measured(start, clock)
    else:
        result, _, _ = api.audit_and_write(snapshot, plan, targets)
        out["audit and JSON"] = measured(start, clock)
    out["sizes"] = (len(result.findings), targets[0].path.stat().st_size / 2**20)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=500)
    parser.add_argument("--regions", type=int, default=17)
    parser.add_argument("--vpcs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=None, help="audit processes (default: every CPU)")
    parser.add_argument("--repeat", type=int, default=1)
    ways = parser.add_mutually_exclusive_group()
    ways.add_argument("--whole", action="store_const", const="whole", dest="mode",
                      help="load the whole snapshot here, then audit on forked workers (the way before shards)")
    ways.add_argument("--two-pass", action="store_const", const="two-pass", dest="mode",
                      help="load, audit, then write the JSON from the whole result (as other outputs are)")
    parser.add_argument("--cache", type=Path, default=HERE / ".cache")
    parser.add_argument("--cli", action="store_true", help="also run `vpcaudit audit` end to end")
    args = parser.parse_args()
    shape = synthetic.Shape(accounts=args.accounts, regions=args.regions, vpcs=args.vpcs)
    args.cache.mkdir(exist_ok=True)
    path = args.cache / f"org-{shape.accounts}x{shape.regions}x{shape.vpcs}-seed{shape.seed}.json"
    if not path.exists():
        start = time.perf_counter()
        write_snapshot(shape, path)
        size = path.stat().st_size / 2**30
        sys.stderr.write(f"wrote {path} ({size:.2f} GiB) in {time.perf_counter() - start:.0f} s\n")
    vpcs = shape.accounts * shape.regions * (shape.vpcs + 1)
    out = sys.stdout
    out.write(f"Machine: {measure.machine()}.\nEstate: {shape.accounts} accounts × {shape.regions} Regions × "
              f"{shape.vpcs} VPCs + each Region's default VPC = {vpcs:,} VPCs; snapshot file "
              f"{path.stat().st_size / 2**30:.2f} GiB.\n\n"
              "| phase | wall (s) | CPU (s) | this process's CPU (s) |\n|---|---:|---:|---:|\n")
    for _ in range(args.repeat):
        sample = measure.once(lambda: phases(path, args.workers, args.mode or "shards"))
        steps = [phase for phase in sample.value if phase != "sizes"]
        for phase in steps:
            wall, cpu, own = sample.value[phase]
            out.write(f"| {phase} | {wall:.1f} | {cpu:.1f} | {own:.1f} |\n")
        findings, mib = sample.value["sizes"]
        critical = sum(sample.value[phase][2] for phase in steps)
        out.write(f"| **total** | **{sample.wall_s:.1f}** | **{sample.cpu_s:.1f}** | **{critical:.1f}** |\n\n"
                  f"Peak memory above the starting process: {sample.peak_mib:,.0f} MiB (largest process); "
                  f"{findings:,} findings; JSON result {mib:,.0f} MiB.\n\n")
        out.flush()
    if args.cli:
        argv = [str(Path(sys.executable).with_name("vpcaudit")), "audit", str(path), "-f", "json", "-o",
                str(args.cache / "result.json"), "--quiet"]
        sample = measure.run_command(argv)
        out.write(f"`vpcaudit audit {path.name} -f json -o result.json`: {sample.wall_s:.1f} s wall, "
                  f"{sample.cpu_s:.1f} s CPU, peak RSS {sample.peak_mib:,.0f} MiB.\n")


if __name__ == "__main__":
    main()
