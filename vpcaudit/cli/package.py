"""`vpcaudit package lambda`: build the AWS Lambda function zip (vpcaudit without the CLI's dependencies)."""

from __future__ import annotations

from typing import Annotated

import typer

from vpcaudit import api
from vpcaudit.cli.app import app
from vpcaudit.cli.console import fail
from vpcaudit.cli.help import examples
from vpcaudit.errors import VpcauditError

package_app = typer.Typer(name="package", no_args_is_help=True, rich_markup_mode=None,
                          help="Build deployment packages.")
app.add_typer(package_app)

PACKAGE_EXAMPLES = examples(
    ("vpcaudit package lambda -o dist/vpcaudit-lambda.zip",
     "The function package deploy/vpcaudit-org.yaml points at (handlers vpcaudit.lambda_handler.*)."),
)


@package_app.command("lambda", epilog=PACKAGE_EXAMPLES)
def lambda_zip(
    output: Annotated[str, typer.Option("--output", "-o", metavar="FILE", help="The zip to write.")],
) -> None:
    """Write the Lambda function zip: vpcaudit, its rules and templates, its runtime dependencies
    without typer's tree, botocore's models of the services it calls only; pure Python."""
    try:
        report = api.package_lambda(output)
    except VpcauditError as exc:
        fail(exc)
    typer.echo(f"wrote {report.path}: {report.size_bytes / 1e6:.1f} MB zipped, {report.unpacked_bytes / 1e6:.1f} MB "
               f"unpacked, {report.files} files; {', '.join(report.distributions)}", err=True)
