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
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vpcaudit.engine.rule import Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

CONFIG_FILE = "vpcaudit.toml"
PYPROJECT = "pyproject.toml"


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message names the file and the key."""


def _str_list(where: str, value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ConfigError(f"{where} must be a string or a list of strings, got {value!r}")


def _severity(where: str, value: Any) -> str:
    choices = [s.value for s in Severity]
    if not isinstance(value, str) or value.lower() not in choices:
        raise ConfigError(f"{where} must be one of {', '.join(choices)}, got {value!r}")
    return value.lower()


def _path(where: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{where} must be a file path string, got {value!r}")
    return value


# config key → (CLI parameter name, validator, holds paths relative to the config file)
_KEYS: dict[str, tuple[str, Callable[[str, Any], Any], bool]] = {
    "select": ("select", _str_list, False),
    "ignore": ("ignore", _str_list, False),
    "min-severity": ("min_severity", _severity, False),
    "fail-on": ("fail_on", _severity, False),
    "suppressions": ("suppressions", _path, True),
    "pricing": ("pricing", _path, True),
    "regions": ("region", _str_list, False),
    "rules-dir": ("rules_dir", _str_list, True),
}


@dataclass(frozen=True, slots=True)
class Config:
    """Defaults by CLI parameter name, and the file they came from (None: no file)."""

    path: Path | None
    defaults: dict[str, Any]


def find_config(folder: Path) -> Path | None:
    """``vpcaudit.toml`` in ``folder``, else its ``pyproject.toml`` if that has ``[tool.vpcaudit]``."""
    own = folder / CONFIG_FILE
    if own.is_file():
        return own
    pyproject = folder / PYPROJECT
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return None  # somebody else's broken pyproject is not our configuration
        if isinstance(data.get("tool"), dict) and "vpcaudit" in data["tool"]:
            return pyproject
    return None


def read_config(path: Path) -> Config:
    """Read and validate one configuration file; relative paths are made relative to it."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: not a readable TOML file: {exc}") from None
    table: Any = data
    prefix = ""
    if path.name == PYPROJECT:
        table = data.get("tool", {}).get("vpcaudit", {})
        prefix = "tool.vpcaudit."
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.vpcaudit] must be a table")
    defaults: dict[str, Any] = {}
    for key, value in table.items():
        spec = _KEYS.get(key) or _KEYS.get(key.replace("_", "-"))
        if spec is None:
            raise ConfigError(f"{path}: unknown key '{prefix}{key}' (known: {', '.join(_KEYS)})")
        name, check, relative = spec
        checked = check(f"{path}: {prefix}{key}", value)
        if relative:
            checked = ([str(path.parent / p) for p in checked] if isinstance(checked, list)
                       else str(path.parent / checked))
        defaults[name] = checked
    return Config(path, defaults)


def load_config(explicit: str | Path | None, folder: Path | None = None) -> Config:
    """``--config FILE`` if given, else whatever :func:`find_config` finds in ``folder`` (cwd)."""
    if explicit is not None:
        return read_config(Path(explicit))
    found = find_config(folder or Path.cwd())
    return read_config(found) if found else Config(None, {})
