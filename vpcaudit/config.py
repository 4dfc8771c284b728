"""Project configuration: ``vpcaudit.toml`` or ``[tool.vpcaudit]`` in ``pyproject.toml``.

A team keeps its audit policy (which rules, the failing severity, the suppressions file) in
the repository beside its infrastructure code, so CI and laptops run the same audit without
repeating flags. The file only supplies *defaults*: the CLI feeds it into click's
``default_map`` (black's ``read_pyproject_toml`` pattern), so a flag on the command line
always wins. Example ``vpcaudit.toml``::

    select = ["DNS", "GWE", "IFE"]
    ignore = ["IFE006"]
    min-severity = "low"
    fail-on = "medium"
    suppressions = "vpcaudit-suppressions.toml"   # relative to this file
    pricing = "pricing.toml"
    regions = ["eu-west-1", "eu-central-1"]
    rules-dir = ["our-rules"]

    [severity]                                     # the team's own severity for some rules
    SG002 = "high"

    [service-ports]                                # a PrivateLink service's port, from its provider
    "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0" = [8443]
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vpcaudit.errors import UsageError
from vpcaudit.options import SETTINGS, Face, Kind, Setting, parse_value
from vpcaudit.tomlfile import UnreadableToml, read_toml

CONFIG_FILE = "vpcaudit.toml"
PYPROJECT = "pyproject.toml"


class ConfigError(UsageError):
    """A configuration file that cannot be used; the message names the file and the key."""


# The settings a configuration file may hold, by key; file paths in them are relative to the file.
CONFIG_KEYS: dict[str, Setting] = {s.key: s for s in SETTINGS.values() if Face.CONFIG in s.faces}


@dataclass(frozen=True, slots=True)
class Config:
    """Setting values by canonical name (see :mod:`vpcaudit.options`), and the file they came from."""

    path: Path | None
    values: dict[str, Any]


def find_config(folder: Path) -> Path | None:
    """``vpcaudit.toml`` in ``folder``, else its ``pyproject.toml`` if that has ``[tool.vpcaudit]``."""
    own = folder / CONFIG_FILE
    if own.is_file():
        return own
    pyproject = folder / PYPROJECT
    if pyproject.is_file():
        try:
            data = read_toml(pyproject)
        except (OSError, UnreadableToml):
            return None  # somebody else's broken pyproject is not our configuration
        if isinstance(data.get("tool"), dict) and "vpcaudit" in data["tool"]:
            return pyproject
    return None


def read_config(path: Path) -> Config:
    """Read and validate one configuration file; relative paths are made relative to it."""
    try:
        data = read_toml(path)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file") from None
    except UnreadableToml as exc:
        raise ConfigError(f"{path}: {exc}") from None
    table: Any = data
    prefix = ""
    if path.name == PYPROJECT:
        table = data.get("tool", {}).get("vpcaudit", {})
        prefix = "tool.vpcaudit."
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.vpcaudit] must be a table")
    values: dict[str, Any] = {}
    for key, raw in table.items():
        setting = CONFIG_KEYS.get(key) or CONFIG_KEYS.get(key.replace("_", "-"))
        if setting is None:
            raise ConfigError(f"{path}: unknown key '{prefix}{key}' (known: {', '.join(CONFIG_KEYS)})")
        try:
            value = parse_value(setting, raw)
        except UsageError as exc:
            raise ConfigError(f"{path}: {prefix}{key}: {exc.message}") from None
        if setting.kind is Kind.PATH and value is not None:
            value = str(path.parent / value)
        elif setting.kind is Kind.PATHS:
            value = [str(path.parent / v) for v in value]
        values[setting.name] = value
    if values.get("rules_dirs") and not values.get("trust_rules_dir"):
        where = "its [tool.vpcaudit] table" if prefix else "this file"
        raise ConfigError(f"{path}: rules-dir runs the Python files of {', '.join(values['rules_dirs'])} with your "
                          f"AWS credentials: add trust-rules-dir = true to {where} to allow it, or pass --rules-dir "
                          "on the command line")
    return Config(path, values)


def load_config(explicit: str | Path | None, folder: Path | None = None) -> Config:
    """``--config FILE`` if given, else whatever :func:`find_config` finds in ``folder`` (cwd)."""
    if explicit is not None:
        return read_config(Path(explicit))
    found = find_config(folder or Path.cwd())
    return read_config(found) if found else Config(None, {})
