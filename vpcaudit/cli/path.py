"""`vpcaudit path`: explain, step by step, where one subnet's traffic to one destination goes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vpcaudit import api
from vpcaudit.cli.app import app
from vpcaudit.cli.console import fail, say
from vpcaudit.cli.help import GroupedCommand, examples, exit_codes_help
from vpcaudit.errors import VpcauditError

EXAMPLES = "\n\n".join((
    examples(
        ("vpcaudit path snap.json --subnet subnet-0abc --to s3",
         "Which route carries S3 traffic from this subnet, and why it won (gateway endpoint,\n"
         "NAT gateway, split across routes, or nowhere)."),
        ("vpcaudit path snap.json --subnet subnet-0abc",
         "Every destination: s3, dynamodb, each service with an interface endpoint, internet."),
    ),
    exit_codes_help(((0, "explained"), (2, "bad snapshot, unknown subnet or unknown destination"))),
))


@app.command(cls=GroupedCommand, epilog=EXAMPLES)
def path(
    snapshot: Annotated[Path, typer.Argument(metavar="SNAPSHOT", help="Snapshot file written by `vpcaudit collect`.")],
    subnet: Annotated[str, typer.Option("--subnet", metavar="SUBNET_ID", help="The subnet whose traffic to follow.")],
    to: Annotated[str | None, typer.Option(
        "--to", metavar="DESTINATION", help="Destination: s3, dynamodb, internet, or a service key such as ssm or "
                                            "ecr.api. Default: every destination.")] = None,
) -> None:
    """Explain the path traffic takes from a subnet: matched route, why it won, where it ends."""
    try:
        answer = api.path(api.load_snapshot(snapshot), subnet, to)
    except VpcauditError as exc:
        fail(exc)
    for traffic in answer.paths:
        _print_path(traffic)


def _print_path(traffic: api.TrafficPath) -> None:
    marks = [m for m, on in (("cross-AZ", traffic.cross_az), ("via NAT", traffic.via_nat)) if on]
    target = f" {traffic.target_id}" if traffic.target_id else ""
    say(f"{traffic.subnet_id} → {traffic.destination}: {traffic.kind}{target}"
        + (f"  [{', '.join(marks)}]" if marks else ""), err=False)
    for number, step in enumerate(traffic.steps, 1):
        say(f"  {number}. {step.description}", err=False)
    if traffic.detail:
        say(f"  note: {traffic.detail}", err=False)
    say("", err=False)
