"""Fixtures for whole-account scenarios: the demo estate built in-process under moto.

The estate takes a few seconds to build, so each test module builds it once (module scope)
and its tests only read it.
"""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from aws_env import fake_aws_env
from demo_estate import REGION, MotoEstate
from moto import mock_aws

from vpcaudit.demo.estate import build_estate


@pytest.fixture(scope="module")
def moto_estate() -> Iterator[MotoEstate]:
    with pytest.MonkeyPatch.context() as mp:
        fake_aws_env(mp)
        with mock_aws():
            session = boto3.Session(region_name=REGION)
            yield MotoEstate(session, session.client("ec2"), build_estate(session, REGION))


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_aws_env(monkeypatch)
