"""docs/rules.md is generated from the rules' docstrings and must match the code."""

from __future__ import annotations

from pathlib import Path

from vpcaudit.engine.docs import REGENERATE, rules_markdown
from vpcaudit.engine.loader import BUILTIN_PACK, load_registry

DOC = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def test_rule_docs_are_in_sync_with_the_code() -> None:
    pack = next(p for p in load_registry().packs if p.name == BUILTIN_PACK)
    fresh = rules_markdown(pack.rules, title=f"{BUILTIN_PACK} rules")
    committed = DOC.read_text(encoding="utf-8") if DOC.is_file() else ""
    assert committed == fresh, f"docs/rules.md is out of date: regenerate it with `{REGENERATE}` and commit it"
