"""Markdown reports make no link out of AWS text, checked with GitHub's own parser (cmark-gfm).

GFM's autolink extension turns bare ``http(s)://…`` URLs, ``www.`` names and e-mail addresses
into links with no Markdown syntax at all, so escaping ``[x](…)`` is not enough: a Name tag
holding ``https://evil.example/login`` became a clickable link in every row that shows it.
Reports break those patterns with an invisible WORD JOINER (U+2060), so the text reads the same
(and the rule references, real links by design, stay links).
"""

from __future__ import annotations

import re
from dataclasses import replace

import cmarkgfm
import pytest
from builders import RegionBuilder, standard_vpc
from render_sample import sample_result

from vpcaudit import api, render
from vpcaudit.engine.diff import AuditDiff
from vpcaudit.engine.result import AuditResult

TAG = "see https://evil.example/login or WWW.evil.example, mail x.y@evil.example, xmpp:bot@evil.example"
LINK = re.compile(r'<a href="([^"]+)"')


def hostile(result: AuditResult) -> AuditResult:
    def named(f):  # type: ignore[no-untyped-def]
        return replace(f, message=f"{f.message} {TAG}", resource=replace(f.resource, name=TAG))

    return replace(result, findings=tuple(named(f) for f in result.findings),
                   vpcs=tuple(replace(v, name=TAG) for v in result.vpcs))


def links(markdown: str) -> set[str]:
    return set(LINK.findall(cmarkgfm.github_flavored_markdown_to_html(markdown)))


def test_no_link_to_anything_an_account_wrote() -> None:
    text = render.render(hostile(sample_result()), "md")
    found = links(text)
    assert found, "the rule references should still be links"
    assert not [url for url in found if "evil" in url], found
    assert TAG in text.replace("\u2060", "").replace("\\", "")  # still readable: only invisible joiners added


def test_rule_references_stay_links() -> None:
    result = sample_result()
    expected = {ref for info in result.rules for ref in info.references if ref.startswith("https://")}
    assert expected and expected <= links(render.render(result, "md"))


def test_the_diff_makes_no_link_either(diff_sample: AuditDiff) -> None:
    text = render.render(diff_sample, "md")
    assert not [url for url in links(text) if "evil" in url]


@pytest.fixture
def diff_sample() -> AuditDiff:
    b = RegionBuilder()
    standard_vpc(b, name=TAG)
    after = RegionBuilder()
    standard_vpc(after, name=TAG, nat_per_az=False)
    return api.diff(b.snapshot(), after.snapshot())
