"""The moto server the end-to-end tests build their estate on and point the console script at."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto_server import running_moto


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    """One server per test module: a module's tests share the estate it builds, modules share nothing."""
    with running_moto() as url:
        yield url
