"""The wheel holds exactly one top-level package, with the rule pack and templates inside it.

``rules/`` installs as ``vpcaudit.rules`` and ``reports/templates/`` as ``vpcaudit.templates``
through an explicit ``packages`` list; a sub-package missing from that list is silently left
out of the wheel (setuptools only warns), and a mapping mistake would install a top-level
``rules`` package that shadows anybody else's. Both are checked on a real wheel, built offline.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("pyproject.toml", "README.md", "vpcaudit", "rules", "reports")


def declared_packages() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return set(data["tool"]["setuptools"]["packages"])


def package_dirs(folder: Path, dotted: str) -> set[str]:
    """Dotted names of ``folder`` and every sub-folder holding an ``__init__.py``."""
    return {".".join([dotted, *init.parent.relative_to(folder).parts])
            for init in folder.rglob("__init__.py") if "__pycache__" not in init.parts}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    """Build from a copy of the sources so the work tree gets no build/ or egg-info litter."""
    src = tmp_path_factory.mktemp("src")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(source, src / name)
    out = tmp_path_factory.mktemp("wheel")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
         "-w", str(out), str(src)], capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, f"wheel build failed (needs setuptools>=70.1, see the test extra):\n{build.stderr}"
    (path,) = out.glob("vpcaudit-*.whl")
    return zipfile.ZipFile(path)


def test_only_vpcaudit_is_a_top_level_package(wheel: zipfile.ZipFile) -> None:
    tops = {name.split("/")[0] for name in wheel.namelist() if not name.split("/")[0].endswith(".dist-info")}
    assert tops == {"vpcaudit"}


def test_rule_modules_and_templates_are_inside_vpcaudit(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    expected_rules = {f"vpcaudit/rules/{p.relative_to(ROOT / 'rules').as_posix()}"
                      for p in (ROOT / "rules").rglob("*.py") if "__pycache__" not in p.parts}
    assert expected_rules and expected_rules <= names, sorted(expected_rules - names)
    expected_templates = {f"vpcaudit/templates/{p.name}" for p in (ROOT / "reports" / "templates").glob("*.j2")}
    assert expected_templates <= names, sorted(expected_templates - names)
    assert any(n.startswith("vpcaudit/templates/") and n.endswith(".j2") for n in names), \
        "no Jinja2 template (*.j2) in the wheel"


def test_entry_points_register_the_builtin_pack_and_the_console_script(wheel: zipfile.ZipFile) -> None:
    (entry_points,) = [n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt")]
    text = wheel.read(entry_points).decode()
    assert "[vpcaudit.rules]\nvpcaudit = vpcaudit.rules" in text
    assert "vpcaudit = vpcaudit.cli:main" in text


def test_every_package_folder_is_in_the_explicit_packages_list() -> None:
    on_disk = (package_dirs(ROOT / "vpcaudit", "vpcaudit") | package_dirs(ROOT / "rules", "vpcaudit.rules")
               | package_dirs(ROOT / "reports" / "templates", "vpcaudit.templates"))
    missing = sorted(on_disk - declared_packages())
    assert not missing, f"add to [tool.setuptools] packages in pyproject.toml: {missing}"
