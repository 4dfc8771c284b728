"""`vpcaudit iam-policy`: print the minimal read-only IAM policy a collection needs.

Built from the operations the collectors declare (the same declarations a test checks against
the calls a full collection really makes), so granting it is always enough and never more.
"""

from __future__ import annotations

import json

import typer

from vpcaudit.cli.app import app
from vpcaudit.cli.help import examples
from vpcaudit.cli.options import OptionError, WithOpt, fail, parse_with
from vpcaudit.collectors.catalog import default_parts, iam_policy

IAM_EXAMPLES = examples(
    ("vpcaudit iam-policy > vpcaudit-policy.json", "Everything `vpcaudit collect` reads by default."),
    ("vpcaudit iam-policy --with s3-policies,metrics",
     "Also s3:ListAllMyBuckets, s3:GetBucketPolicy and cloudwatch:GetMetricData."),
)


@app.command("iam-policy", epilog=IAM_EXAMPLES)
def iam_policy_cmd(with_: WithOpt = None) -> None:
    """Print the minimal read-only IAM policy (JSON) for `vpcaudit collect` / `scan`."""
    try:
        opt_in = parse_with(with_)
    except OptionError as exc:
        fail(exc)
    typer.echo(json.dumps(iam_policy(default_parts() | opt_in), indent=2))
