"""The AWS environment of a test: fake credentials and nothing of the caller's own AWS setup.

A developer's or CI's profile, config file, endpoint override, role or retry settings would send
boto3 (and the AWS CLI) somewhere other than moto, or change how it retries; instance metadata
would hand out real credentials. Every test that reaches "AWS" does so with these instead, in its
own process (``fake_aws_env``) or in the child it starts (``child_env``).
"""

from __future__ import annotations

import os

import pytest

REGION = "us-east-1"
FAKE_AWS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": REGION,
            "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true"}
# MOTO_ACCOUNT_ID would move the in-process moto account away from the one the tests expect.
_FOREIGN_PREFIXES = ("AWS_", "MOTO_ACCOUNT_ID")


def fake_aws_env(mp: pytest.MonkeyPatch) -> None:
    """Fake credentials in this process, every other AWS variable of the shell gone."""
    for name in [name for name in os.environ if name.startswith(_FOREIGN_PREFIXES)]:
        mp.delenv(name)
    for name, value in FAKE_AWS.items():
        mp.setenv(name, value)


def child_env() -> dict[str, str]:
    """The environment of a child process (the installed console script, the AWS CLI, a generated
    plan): fake credentials and no proxy, so the only AWS it can reach is a moto server on loopback.
    ``DRY_RUN`` goes too: the generated shell plans read it."""
    keep = {k: v for k, v in os.environ.items()
            if not k.startswith((*_FOREIGN_PREFIXES, "DRY_RUN"))
            and k.lower() not in ("http_proxy", "https_proxy", "all_proxy")}
    return {**keep, **FAKE_AWS, "NO_PROXY": "127.0.0.1"}
