"""The Markdown report: the HTML report's content for GitHub, GitLab and wiki pages.

Tables, ``<details>`` per finding and a Mermaid diagram per VPC. Escaping is not left to the
template: the shared environment's ``finalize`` Markdown-escapes every interpolated value.
"""

from __future__ import annotations

from vpcaudit.engine.result import AuditResult
from vpcaudit.render.base import Formatter
from vpcaudit.render.env import environment
from vpcaudit.render.report.context import build_report_context
from vpcaudit.render.report.mermaid import diagram


def render_markdown(result: AuditResult) -> str:
    return environment().get_template("report.md.j2").render(r=build_report_context(result), mermaid=diagram)


FORMATTER: Formatter[AuditResult] = Formatter("md", "report.md", render_markdown)
