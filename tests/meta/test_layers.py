"""The house keeps its layers: faces → api → collectors / engine / render → network → snapshot.

Every ``import`` of a vpcaudit module, at the top of a file or inside a function, must go to a
layer its package may use (the table below is the architecture section of the README, as code).
A face (the CLI, the Lambda handler) reaches the library only through ``vpcaudit.api`` and the
option bundles; nothing below the api knows a face; the snapshot knows nothing above it.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# package (first name under vpcaudit, or "rules" for the built-in pack) → the packages it may import.
# "version" is vpcaudit/__init__.py (the version string).
MAY_IMPORT: dict[str, frozenset[str]] = {
    # faces
    "cli": frozenset({"cli", "api", "options", "errors", "config", "demo", "version"}),
    "lambda_handler": frozenset({"api", "options", "errors"}),
    "demo": frozenset({"demo", "api", "errors"}),  # an example account for the demo face, scanned through the api
    # the front door
    "api": frozenset({"options", "output", "errors", "collectors", "engine", "render", "network", "snapshot",
                      "pricing", "writers", "change", "aws", "fleet", "lambda_package", "textfile", "files"}),
    # the organization run's steps, below the api: the same collection, merges and writers
    "fleet": frozenset({"aws", "collectors", "engine", "errors", "snapshot", "writers", "version"}),
    # the Lambda function package, built from the installed distributions and the declared operations
    "lambda_package": frozenset({"aws", "collectors", "errors", "files", "snapshot", "writers", "version"}),
    "options": frozenset({"aws", "engine", "errors", "snapshot", "writers"}),
    "config": frozenset({"options", "errors", "tomlfile"}),
    "output": frozenset({"errors", "files"}),
    # the machinery
    "collectors": frozenset({"collectors", "aws", "snapshot", "errors", "forks", "version"}),
    "aws": frozenset({"aws", "snapshot", "errors", "version"}),
    # (files: a document's chunks may be ranges of the files its pieces were spooled to)
    "render": frozenset({"render", "engine", "facts", "network", "snapshot", "templates", "pricing", "change",
                         "files"}),
    # the one part that writes to AWS: its own clients; account identity and roles as collections do
    "writers": frozenset({"writers", "aws", "collectors", "render", "engine", "errors", "version"}),
    "engine": frozenset({"engine", "facts", "network", "snapshot", "pricing", "errors", "version",
                          "change", "tomlfile", "textfile", "forks", "files"}),
    "rules": frozenset({"rules", "engine", "network", "snapshot", "pricing"}),
    "facts": frozenset({"facts", "network", "snapshot", "pricing"}),
    "network": frozenset({"network", "snapshot"}),
    # a planned change: a snapshot edited, nothing above
    "change": frozenset({"change", "snapshot", "errors", "textfile"}),
    "snapshot": frozenset({"snapshot", "files", "errors", "textfile"}),
    # leaves
    "pricing": frozenset({"errors", "price_table", "tomlfile"}),
    "price_table": frozenset(),
    "errors": frozenset(),
    "files": frozenset(),
    "tomlfile": frozenset({"textfile"}),  # reading the TOML files a user hands vpcaudit
    "textfile": frozenset(),  # reading any text file a user hands vpcaudit, refusing what is not text
    "forks": frozenset(),  # whether this process may fork (the audit's and the collection's workers)
}


def _package(module: str) -> str:
    parts = module.split(".")
    if parts[0] != "vpcaudit":
        raise ValueError(module)
    return "version" if len(parts) == 1 else parts[1]


def _sources() -> list[tuple[str, Path]]:
    out = [("rules", path) for path in sorted((ROOT / "rules").rglob("*.py"))]
    for path in sorted((ROOT / "vpcaudit").rglob("*.py")):
        relative = path.relative_to(ROOT / "vpcaudit")
        if relative.name == "__init__.py" and relative.parent == Path("."):
            continue  # the version string
        out.append((relative.parts[0].removesuffix(".py"), path))
    return out


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "vpcaudit":  # from vpcaudit import api, render, __version__
                found += [(node.lineno, "vpcaudit" if a.name == "__version__" else f"vpcaudit.{a.name}")
                          for a in node.names]
            elif node.module.startswith("vpcaudit."):
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("vpcaudit")]
    return found


def test_every_package_is_placed_in_a_layer() -> None:
    assert {package for package, _ in _sources()} <= set(MAY_IMPORT)


def test_imports_follow_the_layers() -> None:
    wrong = []
    for package, path in _sources():
        allowed = MAY_IMPORT[package] | {package}
        for line, module in _imports(path):
            if _package(module) not in allowed:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert wrong == [], "an import runs against the layers:\n" + "\n".join(wrong)


def test_the_lambda_handler_carries_neither_the_cli_nor_typer() -> None:
    """The Lambda package must not need the CLI: importing the handler loads no vpcaudit.cli
    module and no typer (whose dependency tree is ~22 MB)."""
    script = ("import sys, vpcaudit.lambda_handler\n"
              "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in ('typer', 'click', 'rich') "
              "or m.startswith('vpcaudit.cli'))))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
