"""The HTML report in a real browser: opened from disk with the network cut off.

Headless Chromium (Debian's ``chromium`` package) through Playwright. Every request that is
not ``file:``, ``data:`` or ``about:`` is aborted and recorded, so the test proves the report
fetches nothing remotely rather than trusting the CSP alone. Without Chromium the tests skip —
unless ``TEST_REQUIRE_BROWSER=1`` (set by ``.ci/run``), where a missing browser fails.
A screenshot is saved to ``test-artifacts/report.png`` for the reviewer.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from render_sample import sample_result

from vpcaudit import render

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("TEST_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
LOCAL_SCHEMES = ("file:", "data:", "about:")
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"


def _unavailable(reason: str) -> None:
    if os.environ.get("TEST_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser test required (TEST_REQUIRE_BROWSER=1) but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


class Page:
    """A page whose remote requests are aborted and recorded, and whose console errors are kept."""

    def __init__(self, browser: Any, javascript: bool = True) -> None:
        self.context = browser.new_context(java_script_enabled=javascript, viewport={"width": 1280, "height": 900})
        self.remote: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("request", self._request)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _route(self, route: Any) -> None:
        if route.request.url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            self._record(route.request.url)
            route.abort()

    def _request(self, request: Any) -> None:
        """Also seen here: requests a route might not intercept (service workers, prefetch)."""
        if not request.url.startswith(LOCAL_SCHEMES):
            self._record(request.url)

    def _record(self, url: str) -> None:
        if url not in self.remote:
            self.remote.append(url)

    def open(self, path: Path) -> Any:
        self.page.goto(path.as_uri())
        self.page.wait_for_load_state("load")
        return self.page


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("browser") / "report.html"
    path.write_text(render.render(sample_result(), "html"), encoding="utf-8")
    return path


def _visible_severities(page: Any) -> list[str]:
    rows = page.locator("#findings-table tbody tr")
    return [rows.nth(i).get_attribute("data-severity") for i in range(rows.count()) if rows.nth(i).is_visible()]


def test_report_filters_offline_without_errors(browser: Any, report: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tab = Page(browser)
    page = tab.open(report)
    assert page.locator("#findings-table").is_visible()
    assert page.locator("#filters").is_visible()  # revealed by the script
    everything = _visible_severities(page)
    assert sorted(everything) == sorted(f.severity.value for f in sample_result().failures)

    page.select_option("#filter-severity", "medium")
    assert _visible_severities(page) == ["medium", "medium"]
    assert page.locator("article.finding[data-severity=high]").first.is_hidden()
    assert page.locator("#filter-status").inner_text() == f"2 of {len(everything)} findings shown"

    page.select_option("#filter-severity", "")
    assert _visible_severities(page) == everything
    assert page.locator("article.finding[data-severity=high]").first.is_visible()

    page.locator("#findings-table th[data-sort=severity]").click()  # ascending: least severe first
    assert _visible_severities(page)[0] == "medium"

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    with capsys.disabled():  # shown in every run, not only on failure: CI notes cite this path
        print(f"\nscreenshot: {shot}")
    assert tab.remote == []
    assert tab.errors == []
    tab.context.close()


def test_report_is_complete_without_javascript(browser: Any, report: Path) -> None:
    tab = Page(browser, javascript=False)
    page = tab.open(report)
    assert page.locator("#findings-table").is_visible()
    assert page.locator("#filters").is_hidden()
    assert page.locator("article.finding").count() == len(sample_result().failures)
    assert page.locator("figure.topology svg").first.is_visible()
    assert tab.remote == []
    tab.context.close()


def test_remote_loads_would_be_caught(browser: Any, tmp_path: Path) -> None:
    """The guard itself works: a page that does load remotely is recorded (and never reaches the network)."""
    leaky = tmp_path / "leaky.html"
    leaky.write_text('<!DOCTYPE html><html><body><img src="http://203.0.113.9/pixel.png"></body></html>')
    tab = Page(browser)
    tab.open(leaky)
    assert tab.remote == ["http://203.0.113.9/pixel.png"]
    tab.context.close()


LONG_NAMES = {"one word": "prod-" + "x" * 180, "many words": " ".join(["shared services network"] * 12)}


@pytest.fixture(scope="module", params=sorted(LONG_NAMES))
def long_name_report(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """The sample report with every VPC named by a very long Name tag (AWS allows 256 characters)."""
    result = sample_result()
    name = LONG_NAMES[request.param]
    renamed = replace(result, vpcs=tuple(replace(v, name=name) for v in result.vpcs),
                      findings=tuple(replace(f, resource=replace(f.resource, name=name)) for f in result.findings))
    path = tmp_path_factory.mktemp("long-names") / f"report-{request.param.replace(' ', '-')}.html"
    path.write_text(render.render(renamed, "html"), encoding="utf-8")
    return path


def test_a_long_vpc_name_keeps_the_filters_on_the_page_and_the_columns_readable(browser: Any,
                                                                                long_name_report: Path) -> None:
    tab = Page(browser)
    page = tab.open(long_name_report)
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing pushed off the page
    form = page.locator("#filters").bounding_box()
    assert form is not None and form["x"] + form["width"] <= width
    for control in ("#filter-vpc", "#filter-reset", "#filter-status"):
        box = page.locator(control).bounding_box()
        assert box is not None and box["x"] + box["width"] <= width, control
    # In the VPC summary, account ids and Region names stay on one line (not squeezed to a column of letters).
    summary = page.locator("table", has=page.locator("th", has_text="Account")).first
    for column in (2, 3):
        cell = summary.locator(f"tbody tr td:nth-child({column})").first
        lines = page.evaluate("c => { const r = document.createRange(); r.selectNodeContents(c); "
                              "return new Set([...r.getClientRects()].map(q => Math.round(q.top))).size; }",
                              cell.element_handle())
        assert lines == 1, f"column {column} wraps onto {lines} lines"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{long_name_report.stem}.png"), full_page=False)
    assert tab.errors == [] and tab.remote == []
    tab.context.close()
