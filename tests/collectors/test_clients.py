"""The client factory: each service's models are read once, however many threads ask at once."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest
from botocore.loaders import Loader

from vpcaudit.aws.clients import ClientFactory
from vpcaudit.collectors.catalog import collector_operations

REGIONS = ("us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-central-1",
           "ap-southeast-2")


def test_a_paginator_model_is_read_once_for_every_region_asking_at_once(aws_env: None,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Every Region's collection asks for its first page at the same moment; botocore's loader,
    asked by all of them before any answer is cached, listed every service's data directory once
    per thread (42 listings, about a second of CPU, in a 24-Region scan)."""
    factory = ClientFactory(boto3.session.Session(region_name=REGIONS[0]), operations=collector_operations())
    listings: Counter[str] = Counter()
    real = Loader.list_available_services

    def counted(self: Loader, type_name: str) -> list[str]:
        listings[type_name] += 1
        return real(self, type_name)

    monkeypatch.setattr(Loader, "list_available_services", counted)
    together = threading.Barrier(len(REGIONS))

    def first_page(region: str) -> bool:
        client = factory.client("ec2", region)
        together.wait()
        return bool(client.can_paginate("describe_vpcs"))

    with ThreadPoolExecutor(len(REGIONS)) as pool:
        assert all(pool.map(first_page, REGIONS))
    assert listings["paginators-1"] == 1
