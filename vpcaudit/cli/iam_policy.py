"""`vpcaudit iam-policy`: print the minimal IAM policy of each principal an audit involves.

The member (collection) policy is built from the operations the collectors declare (the same
declarations a test checks against the calls a full collection really makes), so granting it is
always enough and never more; ``--format cloudformation|terraform`` wraps it in the member-account
role. ``--discovery`` prints what the principal that lists the organization and assumes the roles
needs, ``--delivery`` what the writers need to put reports in S3 (and publish to SNS), ``--publish``
what ``vpcaudit publish securityhub`` needs.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from vpcaudit import api
from vpcaudit.cli.app import app
from vpcaudit.cli.console import fail
from vpcaudit.cli.help import examples
from vpcaudit.errors import UsageError, VpcauditError
from vpcaudit.options import SETTINGS, collect_options, delivery_options

IAM_EXAMPLES = examples(
    ("vpcaudit iam-policy > vpcaudit-policy.json", "Everything `vpcaudit collect` reads by default."),
    ("vpcaudit iam-policy --with s3-policies,metrics",
     "Also s3:ListAllMyBuckets, s3:GetBucketPolicy and cloudwatch:GetMetricData."),
    ("vpcaudit iam-policy --format cloudformation > member-role.json",
     "The member-account role carrying that policy, trusting one role with an external id (StackSet-ready)."),
    ("vpcaudit iam-policy --discovery --role-name vpcaudit-member",
     "What the auditing principal needs for --org: list the organization, assume the member roles."),
    ("vpcaudit iam-policy --delivery s3://audit-bucket/vpcaudit/ --sns-topic arn:aws:sns:eu-west-1:111111111111:audit",
     "What -o s3://… and --sns-topic need: s3:PutObject below the prefix, sns:Publish to the topic."),
    ("vpcaudit iam-policy --publish", "What `vpcaudit publish securityhub` needs instead: two Security Hub calls."),
)


@app.command("iam-policy", epilog=IAM_EXAMPLES)
def iam_policy_cmd(
    with_: Annotated[list[str] | None, typer.Option(
        "--with", metavar="EXTRAS", help=SETTINGS["with"].help, show_default=False)] = None,
    format: Annotated[str, typer.Option(
        "--format", "-f", metavar="FMT", help="json (the policy), cloudformation or terraform (the member-account "
                                              "role with the policy).")] = "json",
    discovery: Annotated[bool, typer.Option(
        "--discovery", help="Print the policy of the principal that lists the organization and assumes the "
                            "member roles (--org, --ou) instead.")] = False,
    role_name: Annotated[str | None, typer.Option(
        "--role-name", metavar="NAME", help="With --discovery: the member role's name (default: any).",
        show_default=False)] = None,
    delivery: Annotated[str | None, typer.Option(
        "--delivery", metavar="S3_URL", help="Print the writers' policy for -o S3_URL (s3://bucket/prefix/) "
                                             "instead.", show_default=False)] = None,
    s3_kms_key: Annotated[str | None, typer.Option(
        "--s3-kms-key", metavar="KEY", help="With --delivery: the KMS key the objects are encrypted with.",
        show_default=False)] = None,
    sns_topic: Annotated[str | None, typer.Option(
        "--sns-topic", metavar="ARN", help="With --delivery: the topic the summary is published to.",
        show_default=False)] = None,
    publish: Annotated[bool, typer.Option(
        "--publish", help="Print the policy of `vpcaudit publish securityhub` (the writer) instead.")] = False,
) -> None:
    """Print the minimal IAM policy (JSON) for `vpcaudit collect` / `scan`, or the member role that carries it."""
    try:
        if sum((discovery, bool(delivery), publish)) > 1:
            raise UsageError("print one principal's policy at a time", "delivery")
        if (discovery or delivery or publish) and (with_ or format != "json"):
            raise UsageError("--with and --format describe the member role; --discovery, --delivery and --publish "
                             "print a policy of another principal", "format")
        if publish:
            typer.echo(json.dumps(api.publish_iam_policy(), indent=2, allow_nan=False))
        elif discovery:
            typer.echo(json.dumps(api.discovery_policy(role_name), indent=2, allow_nan=False))
        elif delivery:
            options = delivery_options({"s3_kms_key": s3_kms_key, "sns_topic": sns_topic})
            policy = api.delivery_policy(api.s3_location(delivery, "delivery"), options)
            typer.echo(json.dumps(policy, indent=2, allow_nan=False))
        else:
            typer.echo(api.member_role(collect_options({"with": with_}).opt_in, format.lower()), nl=False)
    except VpcauditError as exc:
        fail(exc)
