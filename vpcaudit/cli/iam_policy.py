"""`vpcaudit iam-policy`: print the minimal read-only IAM policy a collection needs.

Built from the operations the collectors declare (the same declarations a test checks against
the calls a full collection really makes), so granting it is always enough and never more.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from vpcaudit import api
from vpcaudit.cli.app import app
from vpcaudit.cli.console import fail
from vpcaudit.cli.help import examples
from vpcaudit.errors import VpcauditError
from vpcaudit.options import SETTINGS, collect_options

IAM_EXAMPLES = examples(
    ("vpcaudit iam-policy > vpcaudit-policy.json", "Everything `vpcaudit collect` reads by default."),
    ("vpcaudit iam-policy --with s3-policies,metrics",
     "Also s3:ListAllMyBuckets, s3:GetBucketPolicy and cloudwatch:GetMetricData."),
    ("vpcaudit iam-policy --publish", "What `vpcaudit publish securityhub` needs instead: two Security Hub calls."),
)


@app.command("iam-policy", epilog=IAM_EXAMPLES)
def iam_policy_cmd(
    with_: Annotated[list[str] | None, typer.Option(
        "--with", metavar="EXTRAS", help=SETTINGS["with"].help, show_default=False)] = None,
    publish: Annotated[bool, typer.Option(
        "--publish", help="Print the policy of `vpcaudit publish securityhub` (the writer) instead.")] = False,
) -> None:
    """Print the minimal read-only IAM policy (JSON) for `vpcaudit collect` / `scan`."""
    if publish:
        if with_:
            fail("--publish and --with exclude each other: the writer reads nothing but Security Hub")
        typer.echo(json.dumps(api.publish_iam_policy(), indent=2))
        return
    try:
        extras = collect_options({"with": with_}).opt_in
    except VpcauditError as exc:
        fail(exc)
    typer.echo(json.dumps(api.iam_policy(extras), indent=2))
