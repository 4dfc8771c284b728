"""Command-line options generated from the setting table of :mod:`vpcaudit.options`.

Why generated: ``collect``, ``scan``, ``audit`` and ``diff`` share most of their options, and the
Lambda handler and the configuration file take the same settings. Declaring each setting once
(:data:`vpcaudit.options.SETTINGS`) and building the typer options from it keeps the flags, their
help, their config-file defaults and their validation identical everywhere. :func:`takes` adds
the options of the named setting groups (and ``--config``) to a command; the command receives
one :class:`Given` with the values and where they came from, and builds its option bundles.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from vpcaudit import api
from vpcaudit.cli.console import fail, say
from vpcaudit.config import load_config
from vpcaudit.errors import VpcauditError
from vpcaudit.options import (
    SETTINGS,
    AuditOptions,
    CollectOptions,
    DeliveryOptions,
    Face,
    Kind,
    Setting,
    audit_options,
    collect_options,
    delivery_options,
)

F = TypeVar("F", bound=Callable[..., Any])
CONFIG_VALUES = "vpcaudit.config-values"  # ctx.meta key of the configuration file's values
CONFIG_HELP = "Defaults for these options can live in vpcaudit.toml or [tool.vpcaudit] in pyproject.toml."
# Pairs of settings that exclude each other: a value the config file supplies for one yields to a
# flag given for the other on the command line (flags always win over the file).
EXCLUSIVE: tuple[tuple[str, str], ...] = (("regions", "all_regions"),)
_TYPES: dict[Kind, Any] = {Kind.TEXT: str | None, Kind.TEXTS: list[str] | None, Kind.FLAG: bool,
                           Kind.SEVERITY: api.Severity | None, Kind.PATH: Path | None,
                           Kind.PATHS: list[Path] | None, Kind.COUNT: int, Kind.SEVERITY_MAP: list[str] | None,
                           Kind.PORT_MAP: list[str] | None}


# Settings whose value is a file the run reads, and what that file is called in messages.
INPUT_FILES: dict[str, str] = {"suppressions": "suppressions file", "pricing": "pricing file",
                               "accounts_file": "accounts file"}
_CONFIG_FILE = "vpcaudit.config_file"  # ctx.meta key: the configuration file that was read


@dataclass(frozen=True)
class Given:
    """Setting values of one invocation, by setting name, which were given on the command line,
    and the configuration file that supplied defaults (if any)."""

    values: Mapping[str, Any]
    explicit: frozenset[str]
    config_file: Path | None = None

    def input_files(self) -> dict[str, Path]:
        """The files this invocation reads besides its arguments, by what they are: an output
        must never replace one of them."""
        files = {label: Path(self.values[name]) for name, label in INPUT_FILES.items() if self.values.get(name)}
        if self.config_file is not None:
            files["configuration file"] = self.config_file
        return files

    def collect(self) -> CollectOptions:
        """The collection bundle, or one line and exit 2."""
        return _or_fail(lambda: collect_options(self.values))

    def audit(self) -> AuditOptions:
        """The audit bundle, or one line and exit 2."""
        return _or_fail(lambda: audit_options(self.values))

    def delivery(self) -> DeliveryOptions:
        """The delivery bundle (S3 encryption, SNS topic), or one line and exit 2."""
        return _or_fail(lambda: delivery_options(self.values))


def _or_fail(build: Callable[[], Any]) -> Any:
    try:
        return build()
    except VpcauditError as exc:
        fail(exc)


def option(setting: Setting, help_text: str | None = None) -> inspect.Parameter:
    """The typer parameter of one setting (one offered on the command line)."""
    if setting.flag is None:
        raise ValueError(f"{setting.name} has no command-line flag")
    flag = setting.flag
    if setting.kind is Kind.FLAG and Face.CONFIG in setting.faces:
        flag = f"{flag}/--no-{flag.removeprefix('--')}"  # so a flag can override the file either way
    names = [flag] + ([setting.short] if setting.short else [])
    extra: dict[str, Any] = {}
    if setting.kind is Kind.SEVERITY:
        extra["case_sensitive"] = False
    if setting.bounds is not None:
        extra["min"], extra["max"] = setting.bounds
    default = setting.default if setting.kind in (Kind.FLAG, Kind.COUNT, Kind.SEVERITY, Kind.TEXT) else None
    declared = typer.Option(*names, metavar=setting.metavar, help=help_text or setting.help,
                            rich_help_panel=setting.panel, show_default=default not in (None, False), **extra)
    return inspect.Parameter(setting.param, inspect.Parameter.KEYWORD_ONLY, default=default,
                             annotation=Annotated[_TYPES[setting.kind], declared])


def _apply_config(ctx: typer.Context, param: typer.CallbackParam, value: Path | None) -> Path | None:
    """Eager ``--config`` callback: the file's settings become the command's option defaults."""
    if ctx.resilient_parsing:
        return value
    try:
        config = load_config(value)
    except VpcauditError as exc:
        fail(exc)
    names = {p.name for p in ctx.command.params}
    defaults = {SETTINGS[name].param: v.value if isinstance(v, Enum) else v
                for name, v in config.values.items() if SETTINGS[name].param in names}
    ctx.default_map = {**(ctx.default_map or {}), **defaults}
    ctx.meta[CONFIG_VALUES] = config.values  # settings the command line does not offer come from here
    ctx.meta[_CONFIG_FILE] = config.path
    return value


CONFIG_OPTION = inspect.Parameter(
    "config", inspect.Parameter.KEYWORD_ONLY, default=None,
    annotation=Annotated[Path | None, typer.Option(
        "--config", metavar="FILE",
        help="Configuration file (default: ./vpcaudit.toml, else [tool.vpcaudit] in ./pyproject.toml).",
        is_eager=True, callback=_apply_config, rich_help_panel="Configuration", show_default=False)])


def takes(*groups: Iterable[Setting], helps: Mapping[str, str] | None = None) -> Callable[[F], F]:
    """Give a command the options of ``groups`` (command-line settings only) and ``--config``.

    The command declares a ``ctx: typer.Context`` and a ``given: Given`` parameter; ``given`` is
    filled from the setting options, which are removed from what the command itself receives, and
    from the configuration file for the groups' settings that have no flag (the trusted boundary).
    ``helps`` overrides a setting's help where a command means it differently (diff's --strict).
    """
    settings = [s for group in groups for s in group if Face.CLI in s.faces]
    file_only = [s for group in groups for s in group if Face.CONFIG in s.faces and Face.CLI not in s.faces]
    overrides = dict(helps or {})

    def decorate(command: F) -> F:
        signature = inspect.signature(command, eval_str=True)  # the command module's own names
        own = [p for p in signature.parameters.values() if p.name != "given"]
        added = [option(s, overrides.get(s.name)) for s in settings] + [CONFIG_OPTION]

        @functools.wraps(command)
        def run(*args: Any, **kwargs: Any) -> Any:
            ctx: typer.Context = kwargs["ctx"]
            kwargs.pop("config", None)
            values = {s.name: kwargs.pop(s.param) for s in settings}
            config = ctx.meta.get(CONFIG_VALUES, {})
            values.update({s.name: config[s.name] for s in file_only if s.name in config})
            explicit = frozenset(s.name for s in settings if _from_command_line(ctx, s.param))
            for first, second in EXCLUSIVE:
                for mine, other in ((first, second), (second, first)):
                    if other in explicit and mine not in explicit and mine in values:
                        values[mine] = SETTINGS[mine].default
            given = Given(values, explicit, ctx.meta.get(_CONFIG_FILE))
            _announce_config_rule_packs(given)
            return command(*args, given=given, **kwargs)

        parameters = [*own, *added]
        run.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
        run.__annotations__ = {p.name: p.annotation for p in parameters}
        del run.__wrapped__  # typer must read this signature, not the command's
        return run  # type: ignore[return-value]

    return decorate


def _announce_config_rule_packs(given: Given) -> None:
    """Say which folders of Python the configuration file makes this run import, before it does:
    they run with the user's credentials, and the file may come with a repository someone else wrote."""
    if "rules_dirs" in given.explicit or given.config_file is None:
        return
    for folder in given.values.get("rules_dirs") or ():
        say(f"loading rule pack {Path(folder).resolve().name} from {folder} (rules-dir in {given.config_file})")


def _from_command_line(ctx: typer.Context, param: str) -> bool:
    source = ctx.get_parameter_source(param)
    return source is not None and source.name in ("COMMANDLINE", "ENVIRONMENT")
