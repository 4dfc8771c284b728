"""The escaping helpers and the rule-text Markdown subset, case by case."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from vpcaudit.render import mdsubset
from vpcaudit.render.text import md_escape, md_html_text, md_link, money, terminal_safe, xml_safe


@pytest.mark.parametrize(("raw", "escaped"), [
    ("a|b", r"a\|b"),
    ("`code`", r"\`code\`"),
    ("<b>&", "&lt;b&gt;&amp;"),
    ("*x* _y_ [l](u) #h ~s~ $5", r"\*x\* \_y\_ \[l\](u) \#h \~s\~ \$5"),
    ("back\\slash", "back\\\\slash"),
    ("one\ntwo\r\nthree", "one<br>two<br>three"),
    ("rtl\u202eevil\u2066x\u200f", "rtlevilx"),
    ("tab\tbell\x07", "tab bell "),
])
def test_md_escape(raw: str, escaped: str) -> None:
    assert md_escape(raw) == escaped


def test_md_html_text_reads_the_same_as_html_or_markdown() -> None:
    assert md_html_text("<i>|[a](b)*\n") == "&lt;i&gt;&#124;&#91;a&#93;(b)&#42; "


def test_md_link_only_for_plain_http_urls() -> None:
    assert md_link("https://docs.aws.amazon.com/x.html") == "<https://docs.aws.amazon.com/x.html>"
    assert md_link("javascript:alert(1)") == "javascript:alert(1)"
    assert md_link("https://x.example/a>b") == "https:/\u2060/x.example/a&gt;b"  # text, and no autolink either


def test_other_helpers() -> None:
    assert xml_safe("a\x00b\x1bc\ud800\u202e") == "a\ufffdb\ufffdc\ufffd"
    assert terminal_safe("a\nb\x1b[31mc\u202ed") == "a b[31mcd"
    assert (money(None), money(1234.5), money(0.0)) == ("—", "$1,234.50", "$0.00")


RULE_TEXT = """Route each AZ to its own NAT gateway:

```bash
aws ec2 replace-route --route-table-id <rtb> \\
  --nat-gateway-id <nat>
```

- Check with `vpcaudit path`
  before and after.
- <b>Then</b> delete the old route.

1. first
2. second"""


def test_rule_text_to_html_escapes_before_marking_up() -> None:
    html = mdsubset.to_html(RULE_TEXT)
    assert isinstance(html, Markup)
    assert html == (
        "<p>Route each AZ to its own NAT gateway:</p>\n"
        '<pre><code class="language-bash">aws ec2 replace-route --route-table-id &lt;rtb&gt; \\\n'
        "  --nat-gateway-id &lt;nat&gt;</code></pre>\n"
        "<ul><li>Check with <code>vpcaudit path</code> before and after.</li>"
        "<li>&lt;b&gt;Then&lt;/b&gt; delete the old route.</li></ul>\n"
        "<ol><li>first</li><li>second</li></ol>")


def test_rule_text_to_markdown_keeps_structure_and_code_verbatim() -> None:
    md = mdsubset.to_markdown(RULE_TEXT)
    assert md == (
        "Route each AZ to its own NAT gateway:\n\n"
        "```bash\naws ec2 replace-route --route-table-id <rtb> \\\n  --nat-gateway-id <nat>\n```\n\n"
        "- Check with `vpcaudit path` before and after.\n- &lt;b&gt;Then&lt;/b&gt; delete the old route.\n\n"
        "1. first\n2. second")


def test_code_cannot_close_its_fence_or_span() -> None:
    md = mdsubset.to_markdown("```\nx\n````\ny\n```")
    assert md.startswith("```\nx\n```")  # an unindented longer fence closes it, as in CommonMark
    assert mdsubset.to_markdown("````\n```\nstill code\n````") == "````\n```\nstill code\n````"
    assert mdsubset.code_span("a``b") == "```a``b```"
    assert mdsubset.code_span("`x") == "`` `x ``"


def test_unclosed_fence_runs_to_the_end() -> None:
    assert mdsubset.parse("```\nopen") == (mdsubset.CodeBlock("", "open"),)
