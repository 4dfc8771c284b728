"""The HTML report: one self-contained file a reviewer can mail, open offline and print.

CSS and the small filter/sort script are inlined from the templates package; the
Content-Security-Policy meta tag forbids every remote load and allows only that one script,
by its SHA-256 hash, so even an escaping bug elsewhere could not run injected script.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from importlib import resources

from markupsafe import Markup

from vpcaudit.engine.result import AuditResult
from vpcaudit.render.base import Formatter
from vpcaudit.render.env import environment
from vpcaudit.render.report.context import build_report_context
from vpcaudit.render.report.svg import topology_svg


@cache
def _asset(name: str) -> str:
    return resources.files("vpcaudit.templates").joinpath(name).read_text(encoding="utf-8")


def content_security_policy(script: str) -> str:
    """No remote anything: inline styles, data: images, and exactly this script."""
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
            f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'")


def render_html(result: AuditResult) -> str:
    script = _asset("report.js")
    return environment().get_template("report.html.j2").render(
        r=build_report_context(result), css=Markup(_asset("report.css")), script=Markup(script),
        csp=content_security_policy(script), topology_svg=topology_svg)


FORMATTER: Formatter[AuditResult] = Formatter("html", "report.html", render_html)
