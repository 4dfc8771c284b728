"""Fixtures for collector tests: fake credentials, an in-process moto account and a moto HTTP server.

Every test gets a boto3 Session passed in (no module-global patching), and nothing can reach a
real account: credentials are fake, profiles and config files are hidden, IMDS is off.
"""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from aws_env import fake_aws_env
from moto import mock_aws
from moto_server import moto_control, running_moto

REGION = "us-east-1"


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_aws_env(monkeypatch)


@pytest.fixture
def session(aws_env: None) -> Iterator[boto3.session.Session]:
    """A session on an in-process moto account (fresh for each test)."""
    with mock_aws():
        yield boto3.session.Session(region_name=REGION)


@pytest.fixture(scope="module")
def module_session() -> Iterator[boto3.session.Session]:
    """An in-process moto account shared by one test module (for estates that take seconds to build)."""
    with pytest.MonkeyPatch.context() as mp:
        fake_aws_env(mp)
        with mock_aws():
            yield boto3.session.Session(region_name=REGION)


@pytest.fixture
def moto_url(aws_env: None) -> Iterator[str]:
    """A moto server on loopback for one test; a test may turn IAM enforcement on, so it is turned off
    again before the server's state is reset."""
    with running_moto() as url:
        try:
            yield url
        finally:
            moto_control(url, "reset-auth", b"inf")
