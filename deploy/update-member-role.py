"""Regenerate the member role everywhere it is written down, from the collectors' operations.

Usage:  python deploy/update-member-role.py

Writes deploy/member-role.json and deploy/member-role.tf (`vpcaudit iam-policy --format
cloudformation|terraform`) and the StackSet's TemplateBody in deploy/vpcaudit-org.yaml, so the
role deployed to every account grants exactly what a collection calls. tests/deploy checks that
all three are current.
"""

from __future__ import annotations

import re
from pathlib import Path

from vpcaudit import api

DEPLOY = Path(__file__).resolve().parent
BODY = re.compile(r"(      TemplateBody: \|\n)(?:        .*\n|\n)+")


def main() -> None:
    cloudformation = api.member_role(fmt="cloudformation")
    (DEPLOY / "member-role.json").write_text(cloudformation, encoding="utf-8")
    (DEPLOY / "member-role.tf").write_text(api.member_role(fmt="terraform"), encoding="utf-8")
    org = DEPLOY / "vpcaudit-org.yaml"
    block = "".join(f"        {line}\n" if line else "\n" for line in cloudformation.splitlines())
    text, count = BODY.subn(lambda m: m.group(1) + block, org.read_text(encoding="utf-8"))
    if count != 1:
        raise SystemExit(f"{org}: expected one StackSet TemplateBody block, found {count}")
    org.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
