"""`vpcaudit path`: explain, step by step, where one subnet's traffic to one destination goes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vpcaudit.cli.app import app
from vpcaudit.network.paths import destinations, path_for
from vpcaudit.network.view import NetworkView
from vpcaudit.snapshot.jsonfile import SnapshotError, load

EXAMPLES = """
Examples:

  vpcaudit path snap.json --subnet subnet-0abc --to s3
      Which route carries S3 traffic from this subnet, and why it won (gateway endpoint,
      NAT gateway, split across routes, or nowhere).

  vpcaudit path snap.json --subnet subnet-0abc
      Every destination: s3, dynamodb, each service with an interface endpoint, internet.
"""


@app.command(epilog=EXAMPLES)
def path(
    snapshot: Annotated[Path, typer.Argument(help="Snapshot file written by `vpcaudit collect`.")],
    subnet: Annotated[str, typer.Option("--subnet", help="The subnet whose traffic to follow.")],
    to: Annotated[str | None, typer.Option(
        "--to", help="Destination: s3, dynamodb, internet, or a service key such as ssm or ecr.api. "
                     "Default: every destination.")] = None,
) -> None:
    """Explain the path traffic takes from a subnet: matched route, why it won, where it ends.

    Exit codes: 0 explained; 2 bad snapshot, unknown subnet or unknown destination.
    """
    try:
        snap = load(snapshot)
    except SnapshotError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    for account in snap.accounts:
        for region in account.regions:
            view = NetworkView.build(account, region)
            found = view.subnets.get(subnet)
            if found is None:
                continue
            known = destinations(view, found.vpc_id)
            wanted = known if to is None else (to,)
            unknown = [d for d in wanted if d not in known]
            if unknown:
                typer.echo(f"error: no destination {unknown[0]!r} for {subnet}; known: {', '.join(known)}", err=True)
                raise typer.Exit(2)
            for destination in wanted:
                _print_path(view, found.subnet_id, destination)
            return
    typer.echo(f"error: subnet {subnet} is not in {snapshot}", err=True)
    raise typer.Exit(2)


def _print_path(view: NetworkView, subnet_id: str, destination: str) -> None:
    traffic = path_for(view, view.subnets[subnet_id], destination)
    marks = [m for m, on in (("cross-AZ", traffic.cross_az), ("via NAT", traffic.via_nat)) if on]
    target = f" {traffic.target_id}" if traffic.target_id else ""
    typer.echo(f"{subnet_id} → {destination}: {traffic.kind}{target}" + (f"  [{', '.join(marks)}]" if marks else ""))
    for number, step in enumerate(traffic.steps, 1):
        typer.echo(f"  {number}. {step.description}")
    if traffic.detail:
        typer.echo(f"  note: {traffic.detail}")
    typer.echo("")
