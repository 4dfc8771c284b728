"""Help output with options grouped under headings (httpie's teaching help, without rich).

The app renders help with plain click (``rich_markup_mode=None``: stable, pipe-friendly
text), which prints one flat "Options" list. Commands with many options (audit, scan) use
:class:`GroupedCommand`, which prints each option under its ``rich_help_panel`` heading,
so "what to collect", "which rules", "where output goes" and "when the exit code fails"
read as separate steps.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from typer.core import TyperCommand

if TYPE_CHECKING:  # typer vendors its own click; these names only annotate
    import click


class GroupedCommand(TyperCommand):
    """Options under their panel headings; arguments named by their metavar alone (``SNAPSHOT``,
    not typer's ``{snapshot}`` in the usage line and ``snapshot <path>`` in the list)."""

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                pieces.append(_argument_name(param))
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        args: list[tuple[str, str]] = []
        groups: dict[str, list[tuple[str, str]]] = {}
        panelled = any(getattr(p, "rich_help_panel", None) for p in self.get_params(ctx))
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "argument":
                args.append((_argument_name(param), record[1]))
            else:
                other = "Other options" if panelled else "Options"
                groups.setdefault(getattr(param, "rich_help_panel", None) or other, []).append(record)
        if args:
            with formatter.section("Arguments"):
                formatter.write_dl(args)
        for title, records in groups.items():
            with formatter.section(title):
                formatter.write_dl(records)


def _argument_name(param: click.Parameter) -> str:
    name = param.metavar or (param.name or "").upper()
    return name + ("..." if param.nargs != 1 else "")


def examples(*items: tuple[str, str]) -> str:
    """An epilog of (command, explanation) pairs that click prints verbatim (``\\b`` blocks)."""
    blocks = ["\b\n  " + command + "".join(f"\n      {line}" for line in text.splitlines())
              for command, text in items]
    return "Examples:\n\n" + "\n\n".join(blocks)


AUDIT_EXIT_CODES: tuple[tuple[int, str], ...] = (
    (0, "no failing finding at or above --fail-on (default high)"),
    (1, "failing findings at or above --fail-on (suppressed ones do not count)"),
    (2, "usage, configuration or credential error: bad snapshot, suppressions, pricing or config file, unknown "
        "rule selector or no rule selected, broken rule pack, an output that cannot be written or would overwrite "
        "an input, a failed write to stdout, missing AWS credentials, an endpoint that is not AWS"),
    (3, "--strict and the audit is incomplete (a rule was not evaluated or errored somewhere); 1 wins over 3"),
)
# Every command: a bug is never exit 1 (which pipelines read as failing findings).
INTERNAL_ERROR = (4, "internal error: vpcaudit itself failed (a bug; the traceback is printed)")


def exit_codes_help(codes: tuple[tuple[int, str], ...]) -> str:
    """An "Exit codes" help paragraph; click prints a paragraph starting with \\b verbatim."""
    return "\b\nExit codes:\n" + "\n".join(
        textwrap.fill(text, 76, initial_indent=f"  {code}  ", subsequent_indent="     ")
        for code, text in (*codes, INTERNAL_ERROR))
