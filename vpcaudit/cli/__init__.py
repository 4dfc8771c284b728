"""Command-line interface: thin wrappers over vpcaudit.api; each command in its own module."""

from __future__ import annotations

from vpcaudit.cli import audit as _audit  # noqa: F401  (registers `vpcaudit audit` and `scan`)
from vpcaudit.cli import collect as _collect  # noqa: F401  (registers `vpcaudit collect`)
from vpcaudit.cli import demo as _demo  # noqa: F401  (registers `vpcaudit demo`)
from vpcaudit.cli import diff as _diff  # noqa: F401  (registers `vpcaudit diff`)
from vpcaudit.cli import fix as _fix  # noqa: F401  (registers `vpcaudit fix`)
from vpcaudit.cli import iam_policy as _iam_policy  # noqa: F401  (registers `vpcaudit iam-policy`)
from vpcaudit.cli import merge as _merge  # noqa: F401  (registers `vpcaudit merge …`)
from vpcaudit.cli import package as _package  # noqa: F401  (registers `vpcaudit package …`)
from vpcaudit.cli import path as _path  # noqa: F401  (registers `vpcaudit path`)
from vpcaudit.cli import plan as _plan  # noqa: F401  (registers `vpcaudit plan`)
from vpcaudit.cli import publish as _publish  # noqa: F401  (registers `vpcaudit publish securityhub`)
from vpcaudit.cli import rules_cmd as _rules_cmd  # noqa: F401  (registers `vpcaudit rules …`)
from vpcaudit.cli.app import app
from vpcaudit.cli.console import end_now, guarded


def main() -> None:
    """Console-script entry point: exit codes mean what the help says, whatever happens; the
    process then ends at once (:func:`~vpcaudit.cli.console.end_now`)."""
    try:
        guarded(app)
    except SystemExit as done:
        end_now(done)


__all__ = ["app", "main"]
