"""Rule-pack loading: discovery without import, sorted loading, and named failures."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from engine_snapshots import RULEPACK

from vpcaudit import __version__
from vpcaudit.engine.loader import (
    BUILTIN_PACK,
    PackSource,
    RuleLoadError,
    load_pack,
    load_registry,
)

RULE_TEMPLATE = '''
from vpcaudit.engine.rule import Severity, rule
from vpcaudit.snapshot.model import Part


@rule(id="{id}", name="{name}", severity=Severity.LOW, needs=[Part.VPCS], references=["https://example.com"])
def {func}(ctx):
    """Test rule.

    ## Why it matters
    Test.

    ## How to fix
    Test.
    """
    yield from ()
'''


def write_rule(folder: Path, filename: str, rule_id: str, func: str = "check") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / filename).write_text(RULE_TEMPLATE.format(id=rule_id, name=func.replace("_", "-"), func=func))


def test_builtin_pack_is_discovered_through_its_entry_point_without_importing_it() -> None:
    code = ("import sys; from vpcaudit.engine.loader import discover_entry_points; s = discover_entry_points(); "
            "print([(x.name, x.target, x.version) for x in s]); print('vpcaudit.rules' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    sources = ast.literal_eval(out[0])
    assert (BUILTIN_PACK, "vpcaudit.rules", __version__) in sources
    assert [s[0] for s in sources] == sorted(s[0] for s in sources)
    assert out[1] == "False"


def test_rules_dir_is_a_pack_named_after_its_folder() -> None:
    registry = load_registry([RULEPACK], entry_points=False)
    assert [p.name for p in registry.packs] == ["rulepack"]
    assert [r.id for r in registry.rules] == ["TST001", "TST002", "TST003", "TST004", "TST005"]
    assert registry.pack_of("TST003") == "rulepack"
    assert registry.get("tst001") is not None


def test_helper_files_starting_with_underscore_are_not_loaded(tmp_path: Path) -> None:
    write_rule(tmp_path / "pack", "abc001_ok.py", "ABC001")
    (tmp_path / "pack" / "_helpers.py").write_text("raise RuntimeError('helpers are imported by rules only')\n")
    assert [r.id for r in load_registry([tmp_path / "pack"], entry_points=False).rules] == ["ABC001"]


@pytest.mark.parametrize("bad_id", ["abc001", "A001", "ABCDEF001", "ABC01", "ABC0001", "AB-001"])
def test_malformed_rule_id_fails_naming_pack_and_id(tmp_path: Path, bad_id: str) -> None:
    write_rule(tmp_path / "mypack", "one.py", bad_id)
    with pytest.raises(RuleLoadError, match=rf"rule pack 'mypack': rule id '{bad_id}'"):
        load_registry([tmp_path / "mypack"], entry_points=False)


def test_duplicate_id_within_a_pack_fails_naming_both_modules(tmp_path: Path) -> None:
    write_rule(tmp_path / "dup", "a.py", "DUP001", "first")
    write_rule(tmp_path / "dup", "b.py", "DUP001", "second")
    with pytest.raises(RuleLoadError, match=r"rule pack 'dup': rule id DUP001 is defined twice \(.*\.a and .*\.b\)"):
        load_registry([tmp_path / "dup"], entry_points=False)


def test_duplicate_id_across_packs_fails_naming_both_packs(tmp_path: Path) -> None:
    write_rule(tmp_path / "one", "a.py", "DUP001")
    write_rule(tmp_path / "two", "b.py", "DUP001")
    with pytest.raises(RuleLoadError, match="rule id DUP001 is defined by both pack 'one' and pack 'two'"):
        load_registry([tmp_path / "one", tmp_path / "two"], entry_points=False)


def test_a_rule_file_that_raises_fails_naming_the_pack_and_file(tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "bad.py").write_text("import no_such_module_anywhere\n")
    with pytest.raises(RuleLoadError, match=r"rule pack 'broken' \(.*bad\.py\) failed to load: "
                                            r"ModuleNotFoundError: No module named 'no_such_module_anywhere'"):
        load_registry([folder], entry_points=False)


def test_a_package_pack_with_a_broken_submodule_fails_naming_the_pack(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "acme_rules_broken"
    (package / "family").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "family" / "__init__.py").write_text("")
    write_rule(package / "family", "acm001_fine.py", "ACM001")
    (package / "family" / "acm002_bad.py").write_text("raise ValueError('half-written rule')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(RuleLoadError, match=r"rule pack 'acme' \(acme_rules_broken\) failed to load: "
                                            r"ValueError: half-written rule"):
        load_pack(PackSource("acme", "1.0", "acme_rules_broken"))


def test_a_package_pack_is_walked_recursively_and_reexports_count_once(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "acme_rules_ok"
    (package / "net").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "net" / "__init__.py").write_text("from acme_rules_ok.net.acm001_a import check as ACM001\n")
    write_rule(package / "net", "acm001_a.py", "ACM001")
    write_rule(package, "acm002_b.py", "ACM002")
    monkeypatch.syspath_prepend(str(tmp_path))
    pack = load_pack(PackSource("acme", "1.0", "acme_rules_ok"))
    assert [r.id for r in pack.rules] == ["ACM001", "ACM002"]


def test_missing_rules_dir_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RuleLoadError, match=r"^rules_dirs: .*nowhere: not a folder"):
        load_registry([tmp_path / "nowhere"], entry_points=False)


def test_two_rules_dirs_with_the_same_name_are_rejected(tmp_path: Path) -> None:
    write_rule(tmp_path / "a" / "pack", "x.py", "XXX001")
    write_rule(tmp_path / "b" / "pack", "y.py", "YYY001")
    with pytest.raises(RuleLoadError, match="two rule packs are named 'pack'"):
        load_registry([tmp_path / "a" / "pack", tmp_path / "b" / "pack"], entry_points=False)

