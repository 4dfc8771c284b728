"""Measuring helpers shared by the benchmarks: CPU time, wall time and peak memory of one call.

Why a forked child per measurement: peak RSS (``ru_maxrss``) only ever grows in a process, so
each measurement runs in a fresh fork of the parent (which already holds the input, shared
copy-on-write) and reports how far *its* peak rose above what it started with. CPU time is the
child's user + system time, children of the child included (a parallel audit's workers): on a
shared, noisy machine it moves far less than wall time. Medians of several runs are reported.
"""

from __future__ import annotations

import compileall
import importlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing import get_context
from typing import Any


@dataclass(frozen=True)
class Sample:
    wall_s: float
    cpu_s: float  # user + system of the process and its waited-for children
    peak_mib: float  # peak RSS of the process (or of its largest child) above its starting RSS
    value: Any = None  # whatever the measured call returned, when it pickles small


def _rusage_cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _peak_kib() -> int:
    return max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))


def _current_kib() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def _child(func: Callable[[], Any], conn: Any) -> None:
    start_kib = _current_kib()
    cpu = _rusage_cpu()
    wall = time.perf_counter()
    value = func()
    wall = time.perf_counter() - wall
    cpu = _rusage_cpu() - cpu
    conn.send(Sample(wall, cpu, max(0, _peak_kib() - start_kib) / 1024, value))
    conn.close()


def once(func: Callable[[], Any]) -> Sample:
    """Run ``func`` in a forked child and measure it there."""
    context = get_context("fork")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(func, child))
    process.start()
    child.close()
    sample: Sample = parent.recv()
    process.join()
    if process.exitcode:
        raise RuntimeError(f"measured call failed (exit code {process.exitcode})")
    return sample


def median(func: Callable[[], Any], repeat: int) -> Sample:
    """The median wall, CPU and peak memory of ``repeat`` runs (each its own median)."""
    samples = [once(func) for _ in range(repeat)]
    return Sample(statistics.median(s.wall_s for s in samples), statistics.median(s.cpu_s for s in samples),
                  statistics.median(s.peak_mib for s in samples), samples[-1].value)


# Runs a command and prints its exit code, CPU seconds and peak RSS (KiB) as JSON. Why a launcher:
# Linux starts a child's peak-RSS record at its parent's size when it forks (the high-water mark is
# copied with the address space and kept across exec), so a command started by this benchmark —
# which holds the seeded estate's clients — would report at least this process's size.
# A small interpreter in between starts it from a few MiB instead.
_LAUNCHER = """
import json, os, subprocess, sys
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(child.pid, 0)
print(json.dumps([os.waitstatus_to_exitcode(status), usage.ru_utime + usage.ru_stime, usage.ru_maxrss]))
"""


def run_command(argv: Sequence[str], *, env: dict[str, str] | None = None) -> Sample:
    """Run a command to completion: wall time, its own CPU (user + sys) and its own peak RSS."""
    start = time.perf_counter()
    completed = subprocess.run([sys.executable, "-S", "-c", _LAUNCHER, *argv], env=env, capture_output=True,
                               text=True, check=False)
    wall = time.perf_counter() - start
    if completed.returncode != 0:
        raise RuntimeError(f"the launcher failed: {completed.stderr.strip()[-500:]}")
    code, cpu, peak_kib = json.loads(completed.stdout.strip().splitlines()[-1])
    if code not in (0, 1, 3):
        raise RuntimeError(f"{argv[0]} exited {code}: {completed.stderr.strip()[-500:]}")
    return Sample(wall, cpu, peak_kib / 1024, code)


def byte_compile_vpcaudit() -> None:
    """Compile vpcaudit's modules and built-in rules to bytecode, as installing a wheel with pip does.

    A console script timed from an editable install, or under PYTHONDONTWRITEBYTECODE, compiles
    every module from source on every run (about 0.25 s of CPU for vpcaudit), while a tool it is
    compared with was installed by pip, bytecode included. Compiled files go where Python looks
    for them (``__pycache__`` beside each source) and are read even when writing them is off.
    """
    for package in ("vpcaudit", "vpcaudit.rules"):
        for folder in importlib.import_module(package).__path__:
            compileall.compile_dir(folder, quiet=1)


def machine() -> str:
    """One line naming the machine the figures come from."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as info:
            model = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    with open("/proc/meminfo") as info:
        mem_gib = int(info.readline().split()[1]) / 1024**2
    return (f"{os.cpu_count()} CPU(s), {model}, {mem_gib:.0f} GiB RAM, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")
