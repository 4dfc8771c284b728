"""Find and load rule packs: the built-in pack, third-party packs and ``--rules-dir`` folders.

Modelled on flake8's plugin finder: entry points of the group ``vpcaudit.rules`` are
*discovered* first (names and versions only, nothing imported), then loaded in sorted order,
so the same installation always yields the same registry. Every failure — a pack that does not
import, a rule id of the wrong shape, the same id twice — is a :class:`RuleLoadError` whose
message names the pack, because "some plugin is broken" is useless to the person who has to
uninstall it.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from types import ModuleType

from vpcaudit import __version__
from vpcaudit.engine.rule import Rule
from vpcaudit.errors import UsageError

ENTRY_POINT_GROUP = "vpcaudit.rules"
BUILTIN_PACK = "vpcaudit"
RULE_ID = re.compile(r"^[A-Z]{2,5}\d{3}$")


class RuleLoadError(UsageError):
    """A rule pack cannot be used; the message names the pack and what is wrong."""


@dataclass(frozen=True, slots=True)
class PackSource:
    """A discovered, not yet imported pack: where its rules would come from."""

    name: str
    version: str
    target: str  # a module name (entry point) or a folder path (--rules-dir)
    is_dir: bool = False


@dataclass(frozen=True, slots=True)
class RulePack:
    name: str
    version: str
    rules: tuple[Rule, ...]


@dataclass(frozen=True, slots=True)
class Registry:
    """Every loaded rule, by id, and the pack each came from."""

    packs: tuple[RulePack, ...]

    @property
    def rules(self) -> tuple[Rule, ...]:
        """All rules, sorted by id."""
        return tuple(sorted((r for p in self.packs for r in p.rules), key=lambda r: r.id))

    def pack_of(self, rule_id: str) -> str:
        return next(p.name for p in self.packs if any(r.id == rule_id for r in p.rules))

    def get(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id.upper()), None)

    @property
    def versions(self) -> dict[str, str]:
        return {p.name: p.version for p in self.packs}


def discover_entry_points() -> list[PackSource]:
    """Installed packs, sorted by name, without importing any of them."""
    sources: dict[str, PackSource] = {}
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = getattr(ep, "dist", None)
        version = __version__ if ep.name == BUILTIN_PACK else (dist.version if dist is not None else "unknown")
        if ep.name in sources and sources[ep.name].target != ep.value:
            raise RuleLoadError(f"rule pack {ep.name!r} is registered twice ({sources[ep.name].target} and "
                                f"{ep.value}): uninstall one of the distributions providing it")
        sources[ep.name] = PackSource(ep.name, version, ep.value)
    return [sources[name] for name in sorted(sources)]


def dir_source(folder: str | Path) -> PackSource:
    """A ``--rules-dir`` folder as a pack named after the folder."""
    path = Path(folder)
    if not path.is_dir():
        raise RuleLoadError(f"{path}: not a folder", "rules_dirs")
    resolved = path.resolve()
    return PackSource(resolved.name, "local", str(resolved), is_dir=True)


def load_pack(source: PackSource) -> RulePack:
    """Import one pack and collect its rules; any exception becomes a RuleLoadError naming it."""
    try:
        modules = list(_dir_modules(source) if source.is_dir else _package_modules(source.target))
    except RuleLoadError:
        raise
    except Exception as exc:  # a broken pack may raise anything at import time
        raise RuleLoadError(f"rule pack {source.name!r} ({source.target}) failed to load: "
                            f"{type(exc).__name__}: {exc}") from None
    rules = _collect(source, modules)
    if source.is_dir and not rules:  # a typo'd folder must not quietly add nothing
        found = "no rule in its *.py files" if modules else "no *.py file"
        raise RuleLoadError(f"rule pack {source.name!r} ({source.target}): {found} (a rule is a module-level "
                            "value made with @rule)", "rules_dirs")
    return RulePack(source.name, source.version, rules)


def load_registry(rules_dirs: Iterable[str | Path] = (), *, entry_points: bool = True) -> Registry:
    """Load every installed pack (sorted by name), then each ``--rules-dir`` folder in order."""
    sources = discover_entry_points() if entry_points else []
    sources += [dir_source(d) for d in rules_dirs]
    packs: list[RulePack] = []
    owner: dict[str, str] = {}
    for source in sources:
        if any(p.name == source.name for p in packs):
            raise RuleLoadError(f"two rule packs are named {source.name!r}: rename the folder", "rules_dirs")
        pack = load_pack(source)
        for rule in pack.rules:
            if rule.id in owner:
                raise RuleLoadError(f"rule id {rule.id} is defined by both pack {owner[rule.id]!r} and "
                                    f"pack {pack.name!r}: rule ids must be unique")
            owner[rule.id] = pack.name
        packs.append(pack)
    return Registry(tuple(packs))


def _package_modules(name: str) -> Iterator[ModuleType]:
    """The package and, recursively, every module below it (a plain module is its own pack)."""
    root = importlib.import_module(name)
    yield root
    path = getattr(root, "__path__", None)
    if path is None:
        return
    for info in sorted(pkgutil.walk_packages(path, prefix=f"{root.__name__}.", onerror=_raise),
                       key=lambda i: i.name):
        yield importlib.import_module(info.name)


def _raise(name: str) -> None:
    """pkgutil swallows sub-package import errors unless told otherwise: a broken pack must fail.

    Called inside pkgutil's ``except ImportError`` block, so a bare ``raise`` re-raises the
    original error with its message.
    """
    raise


def _dir_modules(source: PackSource) -> Iterator[ModuleType]:
    """Each ``*.py`` file of the folder (not ``_*.py`` helpers), imported under a private name."""
    folder = Path(source.target)
    safe = re.sub(r"\W", "_", source.name)
    for file in sorted(folder.glob("*.py")):
        if file.name.startswith("_"):
            continue
        module_name = f"vpcaudit_rules_dir_{safe}.{file.stem}"
        spec = importlib.util.spec_from_file_location(module_name, file)
        if spec is None or spec.loader is None:
            raise RuleLoadError(f"rule pack {source.name!r}: cannot import {file}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module  # dataclasses and pickling look modules up by name
        try:
            spec.loader.exec_module(module)
        except Exception as exc:
            del sys.modules[module_name]
            raise RuleLoadError(f"rule pack {source.name!r} ({file}) failed to load: "
                                f"{type(exc).__name__}: {exc}") from None
        yield module


def _collect(source: PackSource, modules: Iterable[ModuleType]) -> tuple[Rule, ...]:
    """Module-level ``Rule`` values; the same object re-exported elsewhere counts once."""
    found: dict[str, Rule] = {}
    for module in modules:
        for value in vars(module).values():
            if not isinstance(value, Rule):
                continue
            if not RULE_ID.match(value.id):
                raise RuleLoadError(f"rule pack {source.name!r}: rule id {value.id!r} in {module.__name__} "
                                    "does not look like ABC123 (2-5 capital letters, 3 digits)")
            seen = found.get(value.id)
            if seen is not None and seen is not value:
                raise RuleLoadError(f"rule pack {source.name!r}: rule id {value.id} is defined twice "
                                    f"({seen.module} and {value.module})")
            found[value.id] = value
    return tuple(sorted(found.values(), key=lambda r: r.id))
