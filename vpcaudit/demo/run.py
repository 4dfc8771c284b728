"""Run the demo: build the estate in an in-process moto account and scan it like a real one.

The scan goes through :func:`vpcaudit.api.scan`, the same path as ``vpcaudit scan``, so the
demo shows what the tool really does rather than a canned report. Nothing leaves the process:
moto answers every AWS call, and the environment is made safe for the duration of the run
(fake credentials, no profile, no config file, no endpoint override) and restored after, so a
user's real credentials are never read and a configured endpoint can never redirect a call.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass

import boto3

from vpcaudit import api
from vpcaudit.demo.estate import Estate, build_estate
from vpcaudit.errors import VpcauditError

DEMO_REGION = "us-east-1"
# The full scan: the opt-in parts too (``--with metrics,s3-policies``), so every rule runs and
# the report shows idle resources and data charges from the estate's seeded traffic.
DEMO_EXTRAS = frozenset({api.Part.METRICS, api.Part.BUCKET_POLICIES})
INSTALL_HINT = 'vpcaudit demo needs moto, which is not installed: pip install "vpcaudit[demo]"'

# Anything that could make boto3 read real credentials or send a call somewhere moto does not
# intercept. AWS_ENDPOINT_URL_<SERVICE> variables are matched by prefix.
_CLEARED = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ROLE_ARN",
            "AWS_ROLE_SESSION_NAME", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN", "MOTO_ACCOUNT_ID")
_CLEARED_PREFIXES = ("AWS_ENDPOINT_URL",)


class DemoError(VpcauditError):
    """The demo cannot run; the message is one line for the user."""


@dataclass(frozen=True)
class DemoRun:
    estate: Estate
    outcome: api.ScanOutcome


@contextmanager
def offline_aws_environment(region: str) -> Iterator[None]:
    """Fake credentials and nothing else AWS-related in ``os.environ``; restored on exit."""
    names = {n for n in os.environ if n in _CLEARED or n.startswith(_CLEARED_PREFIXES)}
    names |= {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION", "AWS_REGION",
              "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"}
    saved = {n: os.environ.get(n) for n in names}
    for name in names:
        os.environ.pop(name, None)
    os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": region, "AWS_REGION": region,
                       "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull})
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def require_moto() -> Callable[[], AbstractContextManager[object]]:
    """moto's ``mock_aws``, or :class:`DemoError` with the install hint: moto is the optional
    ``demo`` extra, so production installs (cron, Lambda) do not carry it."""
    try:
        from moto import mock_aws
    except ImportError:
        raise DemoError(INSTALL_HINT) from None
    return mock_aws


def run_demo(region: str = DEMO_REGION, options: api.AuditOptions | None = None) -> DemoRun:
    """Build the estate in moto and scan it. Raises :class:`DemoError` without moto."""
    mock_aws = require_moto()
    with offline_aws_environment(region), mock_aws():
        session = boto3.Session(region_name=region)
        estate = build_estate(session, region)
        outcome = api.scan(api.CollectOptions(regions=(region,), opt_in=DEMO_EXTRAS), options, session=session)
    return DemoRun(estate, outcome)
