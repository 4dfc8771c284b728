"""A stand-in ``aws`` executable that records every call, for running generated shell plans in tests.

Why a stand-in rather than AWS: the plan's shell logic (dry runs, account sections, ids passed
from one call to the next, stopping on the first failure, quoting) is what these tests check;
the end-to-end test runs the same plans against a moto server with the real AWS CLI.

It answers like the CLI: ``sts get-caller-identity`` gives ``FAKE_AWS_ACCOUNT``; a call with
``--dry-run`` fails with ``DryRunOperation`` (exit 254), as AWS does when it would succeed; a call
with ``--query … --output text`` prints a new id (``new-N`` for the Nth call, account checks not
counted); an operation named in ``FAKE_AWS_FAIL`` fails.
Every call is one JSON line (its argv) in ``FAKE_AWS_LOG``.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

SCRIPT = '''#!{python}
import json, os, sys
args = sys.argv[1:]
with open(os.environ["FAKE_AWS_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps(args) + "\\n")
if args[:2] == ["sts", "get-caller-identity"]:
    print(os.environ.get("FAKE_AWS_ACCOUNT", "123456789012"))
    sys.exit(0)
if len(args) > 1 and args[1] == os.environ.get("FAKE_AWS_FAIL"):
    print("An error occurred (InvalidParameterValue) when calling the operation: refused", file=sys.stderr)
    sys.exit(254)
if "--dry-run" in args:
    print("An error occurred (DryRunOperation) when calling the operation: Request would have succeeded, "
          "but DryRun flag is set.", file=sys.stderr)
    sys.exit(254)
if "--query" in args:
    with open(os.environ["FAKE_AWS_LOG"], encoding="utf-8") as log:
        print(f"new-{{sum(1 for line in log if 'get-caller-identity' not in line)}}")
    sys.exit(0)
print("{{}}")
'''


def install(folder: Path) -> Path:
    """Write the stand-in as ``folder/aws`` and return ``folder`` (put it first on PATH)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "aws"
    target.write_text(SCRIPT.format(python=sys.executable), encoding="utf-8")
    target.chmod(target.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return folder


def environment(folder: Path, log: Path, **extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "FAKE_AWS_", "DRY_RUN"))}
    return {**keep, "PATH": f"{folder}{os.pathsep}{os.environ.get('PATH', '')}", "FAKE_AWS_LOG": str(log), **extra}


def calls(log: Path) -> list[list[str]]:
    """Recorded calls, without the account checks."""
    if not log.exists():
        return []
    rows = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    return [r for r in rows if r[:2] != ["sts", "get-caller-identity"]]
