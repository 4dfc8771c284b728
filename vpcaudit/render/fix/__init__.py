"""Remediation formatters: a finding's fix steps as AWS CLI or Terraform, and whole fix plans.

``FIX_FORMATS`` holds the formats of ``vpcaudit fix`` (a :class:`~vpcaudit.engine.fixplan.FixPlan`
in, a file out), looked up by name like the report and diff formats.
"""

from __future__ import annotations

from vpcaudit.engine.fixplan import FixPlan
from vpcaudit.render.base import Formatter, FormatterSet
from vpcaudit.render.fix import shell, terraform_plan

FIX_FORMATS: FormatterSet[FixPlan] = FormatterSet("fix plan", (
    Formatter("sh", "fix-plan.sh", shell.render_plan),
    Formatter("terraform", "fix-plan.tf", terraform_plan.render_plan),
))
