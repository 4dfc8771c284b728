"""Shared by the scenario and end-to-end tests of the demo estate: a fake-credential
environment, and the findings rules.md says the estate must produce."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from vpcaudit.demo.estate import Estate

REGION = "us-east-1"

# Variables that could send boto3 somewhere other than moto or make it read a real profile.
AWS_ENV_TO_CLEAR = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
                    "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_EC2", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_S3",
                    "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "MOTO_ACCOUNT_ID")


def fake_aws_env(mp: pytest.MonkeyPatch) -> None:
    """Fake credentials and no profile or config file: nothing a test does reaches a real account."""
    for name in AWS_ENV_TO_CLEAR:
        mp.delenv(name, raising=False)
    mp.setenv("AWS_ACCESS_KEY_ID", "testing")
    mp.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    mp.setenv("AWS_DEFAULT_REGION", REGION)
    mp.setenv("AWS_CONFIG_FILE", "/dev/null")
    mp.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")


@dataclass(frozen=True)
class MotoEstate:
    """The estate plus a session and EC2 client on the same moto backend."""

    session: boto3.Session
    ec2: Any
    estate: Estate
