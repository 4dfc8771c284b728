"""The typer application object, shared by the command modules.

Why a separate module: each command lives in its own small module (collect, audit, path,
rules, demo, …) and registers itself on this one app; ``vpcaudit.cli`` imports them all.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="vpcaudit",
    help=(
        "Audit the network plumbing of AWS accounts: VPC endpoints, routes, NAT gateways, "
        "security groups, NACLs and DNS.\n\n"
        "Typical flow: `vpcaudit collect -o snap.json` (read-only AWS calls), then "
        "`vpcaudit audit snap.json` (offline), or both at once with `vpcaudit scan`. "
        "Try `vpcaudit demo` to see a full report without an AWS account."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        from vpcaudit import __version__

        typer.echo(f"vpcaudit {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Keeps `vpcaudit` a command group whatever commands are installed, and offers --version."""
