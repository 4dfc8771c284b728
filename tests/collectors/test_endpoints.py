"""An endpoint that is not AWS is one clear line naming it: exit 2 on the CLI, a VpcauditError in Lambda.

Exit 1 means "failing findings" to a pipeline, so a wrong ``--endpoint-url`` (no scheme), an
endpoint that answers an HTML page (a proxy's login page, a web server on the wrong port) or
one that refuses connections must never end in a traceback (Python's exit 1).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from http.server import ThreadingHTTPServer

import pytest
from botocore.parsers import ResponseParserError
from loopback_server import QuietHandler, serving, url_of
from typer.testing import CliRunner

from vpcaudit.aws.errors import classify
from vpcaudit.cli import app
from vpcaudit.errors import VpcauditError
from vpcaudit.lambda_handler import handler
from vpcaudit.options import collect_options

runner = CliRunner()
# A web page that is not XML at all (an unclosed <br>), and one that happens to be well-formed XML.
PAGES = {"html": b"<!DOCTYPE html><html><body><h1>Welcome to nginx!</h1><br></body></html>",
         "xhtml": b"<html><body><h1>Welcome to nginx!</h1></body></html>"}


class _HtmlPage(QuietHandler):
    page = PAGES["html"]

    def do_POST(self) -> None:
        self.read_body()
        self.answer(200, self.page, {"Content-Type": "text/html"})

    do_GET = do_POST


@pytest.fixture(params=sorted(PAGES))
def html_endpoint(aws_env: None, request: pytest.FixtureRequest) -> Iterator[str]:
    """A web server that answers every request with a web page, not an AWS response."""
    handler_class = type("Page", (_HtmlPage,), {"page": PAGES[request.param]})
    with serving(ThreadingHTTPServer(("127.0.0.1", 0), handler_class)) as server:
        yield url_of(server)


def collect(*args: str) -> tuple[int, str]:
    done = runner.invoke(app, ["collect", "--region", "us-east-1", "-o", "-", *args], catch_exceptions=False)
    return done.exit_code, done.stderr


def test_an_endpoint_without_a_scheme_is_refused_before_any_call(aws_env: None) -> None:
    code, err = collect("--endpoint-url", "127.0.0.1:5124")
    assert code == 2
    assert err.strip() == ("error: --endpoint-url: not an http(s) URL: '127.0.0.1:5124' "
                           "(expected e.g. http://127.0.0.1:5000)")


@pytest.mark.parametrize("url", ["ftp://127.0.0.1:21", "http://", "http://host name", "https://a\x1b]0;x\x07"])
def test_other_malformed_endpoints_are_refused(url: str) -> None:
    with pytest.raises(VpcauditError, match=r"^endpoint_url: not an http\(s\) URL"):
        collect_options({"endpoint_url": url})


def test_an_endpoint_answering_html_is_one_line_naming_it(html_endpoint: str) -> None:
    code, err = collect("--endpoint-url", html_endpoint)
    assert code == 2
    assert err.strip() == (f"error: cannot identify the account: {html_endpoint} answered sts:GetCallerIdentity "
                           "with something that is not an AWS response (is it an AWS endpoint?)")


def test_a_refused_connection_is_one_line_naming_the_endpoint(aws_env: None) -> None:
    code, err = collect("--endpoint-url", "http://127.0.0.1:9")
    assert code == 2
    assert err.strip().startswith("error: cannot identify the account: sts:GetCallerIdentity failed: "
                                  "Could not connect to the endpoint URL: \"http://127.0.0.1:9/\"")


def test_lambda_raises_a_vpcaudit_error_for_an_html_endpoint(html_endpoint: str,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", html_endpoint)  # botocore's own setting: Lambda has no other
    expected = f"{html_endpoint} answered sts:GetCallerIdentity with something"
    with pytest.raises(VpcauditError, match=re.escape(expected)):
        handler({"regions": ["us-east-1"]}, None)


def test_lambda_raises_a_vpcaudit_error_for_an_endpoint_without_a_scheme(aws_env: None,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "127.0.0.1:9")
    with pytest.raises(VpcauditError, match=r"^invalid AWS endpoint '127\.0\.0\.1:9'"):
        handler({"regions": ["us-east-1"]}, None)


def test_a_part_answered_with_html_is_recorded_in_one_readable_line() -> None:
    """Collection goes on past one part that answers garbage: the gap says so, without the page."""
    gap = classify(ResponseParserError("Unable to parse response (syntax error: line 1, column 0), invalid XML "
                                       "received. Further retries may succeed:\n<html>…</html>"), "ec2:DescribeVpcs")
    assert gap.error_code == "ResponseParserError"
    assert gap.message == "ec2:DescribeVpcs failed: the answer is not an AWS response (invalid XML received)"
