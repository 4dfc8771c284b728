"""The one Jinja2 environment of the HTML and Markdown reports, with escaping on by construction.

Why escaping lives here and not in templates: a template author who forgets a filter must not
open a hole. HTML templates (``*.html.j2``) are autoescaped — the trap is that
``select_autoescape()``'s defaults do not cover ``.html.j2``, hence the explicit extensions.
Markdown templates (``*.md.j2``) get the same guarantee from ``finalize``: every ``{{ value }}``
goes through the Markdown escape unless it is already ``MdText`` (output of the ``md_*`` and
``rule_md`` helpers). In both, bidi and terminal controls are removed from every value (HTML
forbids them too, and a report printed to a terminal must not drive it). ``StrictUndefined`` turns a
misspelt field into an error instead of an empty cell.
"""

from __future__ import annotations

from functools import cache

import jinja2
from jinja2.runtime import Context
from markupsafe import Markup

from vpcaudit.render import mdsubset
from vpcaudit.render.text import inert_text, md_escape, md_html_text, md_link, money

MARKDOWN_SUFFIX = ".md.j2"


@jinja2.pass_context
def _finalize(context: Context, value: object) -> object:
    if context.name and context.name.endswith(MARKDOWN_SUFFIX):
        return md_escape(value)  # MdText passes through unchanged
    if isinstance(value, Markup):  # filters such as join return Markup; removing characters adds no markup
        return Markup(inert_text(value))
    if isinstance(value, str):
        return inert_text(value)
    return value


@cache
def environment() -> jinja2.Environment:
    """Built once per process; templates load from the installed ``vpcaudit.templates`` package."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("vpcaudit.templates", "."),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_finalize,
    )
    env.filters.update(
        money=money,
        rule_html=mdsubset.to_html,  # rule texts: escaped, then a small Markdown subset as HTML
        rule_md=mdsubset.to_markdown,  # the same subset re-emitted as safe Markdown
        md_html=md_html_text,  # raw-HTML spots of a Markdown file, such as <summary>
        md_link=md_link,
        md_code=mdsubset.code_block,  # copy-ready commands in a Markdown file, fenced beyond any content
    )
    return env
