"""Write the readable field reference of the JSON documents from their schemas.

The schemas (``result.schema.json``, ``diff.schema.json``) are the source of truth; this renders
each as Markdown tables (``result-json.md``, ``diff-json.md``) so a reader need not read JSON
Schema. ``tests/meta/test_schemas.py`` fails when a Markdown file is older than its schema.
Regenerate with ``python docs/schema_doc.py``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DOCUMENTS = {"result": "result-json.md", "diff": "diff-json.md"}
PREAMBLE = {
    "result": """# The JSON result (`vpcaudit audit -f json`, default file `result.json`)

The JSON result is the whole audit: every finding of every status, every rule × scope outcome,
the traffic paths, cost lines, topology and prices the reports are drawn from. Pipelines read
it; `vpcaudit publish` reads it back; nothing else is needed to redraw a report.""",
    "diff": """# The JSON diff (`vpcaudit diff -f json` and `vpcaudit plan -f json`, default file `diff.json`)

The JSON diff of two snapshots audited with one plan — or of a snapshot and the snapshot a
Terraform plan or CloudFormation template would make of it (`plan`) — findings new, resolved,
changed, not rechecked or without a baseline (each with its `fingerprint`), traffic paths that
got worse or better, coverage and collection changes, cost totals, what the planned change held,
and a `summary` of the counts.""",
}
RULES = """- **Source of truth**: [`{schema}`]({schema}) (JSON Schema draft 2020-12); this page is generated
  from it (`python docs/schema_doc.py`). Every document the test suite renders is validated
  against the schema.
- **Encoding**: UTF-8 JSON, keys sorted, two-space indent, non-ASCII written as `\\uXXXX`
  escapes (so bidi control characters from hostile tags cannot hide in a terminal). Equal
  inputs give byte-equal files.
- **Versioning**: `schema_version` `1.x`. Adding a field is a minor change: readers must
  ignore fields they do not know. Renaming, removing or changing the meaning of a field bumps
  the major version.
- **Absent vs empty**: optional values are `null`, never missing; lists are `[]` when empty.
- **Times** are ISO 8601 strings with a UTC offset. **Money** is per 730-hour month in the
  currency its record names (USD; CNY in the China Regions), from the cost model of its Region."""


def _type(prop: dict[str, Any]) -> str:
    if "$ref" in prop:
        return f"*{prop['$ref'].rsplit('/', 1)[-1]}*"
    if "allOf" in prop:
        return _type(prop["allOf"][0])
    if "anyOf" in prop:
        return " or ".join(_type(p) for p in prop["anyOf"])
    if "enum" in prop:
        return " \\| ".join(f"`{v}`" for v in prop["enum"])
    kind = prop.get("type", "any")
    kinds = kind if isinstance(kind, list) else [kind]
    words = []
    for k in kinds:
        if k == "array":
            words.append(f"list of {_type(prop.get('items', {}))}")
        elif k == "object" and isinstance(prop.get("additionalProperties"), dict):
            words.append(f"object string → {_type(prop['additionalProperties'])}")
        else:
            words.append(k)
    return " or ".join(words)


def _table(node: dict[str, Any]) -> list[str]:
    rows = ["| field | type | meaning |", "|---|---|---|"]
    for name, prop in node.get("properties", {}).items():
        text = (prop.get("description") or "").replace("|", "\\|").replace("\n", " ")
        rows.append(f"| `{name}` | {_type(prop)} | {text} |")
    return rows


def markdown(kind: str) -> str:
    schema = json.loads((HERE / f"{kind}.schema.json").read_text(encoding="utf-8"))
    lines = [PREAMBLE[kind], "", RULES.format(schema=f"{kind}.schema.json"), "", "## Top level", "",
             *_table(schema)]
    for name, node in schema.get("$defs", {}).items():
        lines += ["", f"## *{name}*", "", node.get("description", "")]
        if "properties" in node:
            lines += ["", *_table(node)]
        else:
            lines += ["", f"Type: {_type(node)}."]
    return "\n".join(lines) + "\n"


def main() -> None:
    for kind, name in DOCUMENTS.items():
        (HERE / name).write_text(markdown(kind), encoding="utf-8")
        print(f"wrote docs/{name}", file=sys.stderr)


if __name__ == "__main__":
    main()
