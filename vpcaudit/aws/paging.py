"""Read every page of a listing with the biggest page the API allows.

Why: the budget is "Σ pages of each region-wide call", so each page should be as large as AWS
permits. The limit comes from the botocore service model where it is declared, else from the
API reference (a few EC2 operations document "more than 1,000 returns only 1,000" without a
model constraint), else the service default. Operations botocore has no paginator for but that
take a ``NextToken`` are paged by hand, and so are those that page by the last item returned
(:data:`EXCLUSIVE_START`), so no listing is ever silently truncated.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from botocore import xform_name

# Documented maxima of EC2 listings whose MaxResults carries no constraint in the model.
DOCUMENTED_MAX_RESULTS = {
    "DescribeVpcEndpoints": 1000,
    "DescribeVpcEndpointServices": 1000,
    "DescribePrefixLists": 1000,
    "DescribeFlowLogs": 1000,
}

# Listings that take no token but the name of the last item of the previous page, and say whether
# more follow: operation -> (its page size parameter, the start parameter, the flag, the list
# whose last item starts the next page). Amazon Data Firehose's ListDeliveryStreams "will start
# with the Firehose stream whose name comes alphabetically immediately after the name you specify
# in ExclusiveStartDeliveryStreamName"; its ``Limit`` defaults to 10 and goes up to 10,000.
EXCLUSIVE_START = {
    "ListDeliveryStreams": ("Limit", "ExclusiveStartDeliveryStreamName", "HasMoreDeliveryStreams",
                            "DeliveryStreamNames"),
}


def page_size(client: Any, operation: str, parameter: str = "MaxResults") -> int | None:
    """Largest ``parameter`` (the page size: ``MaxResults``, or what the listing calls it) for
    ``operation``, or None to use the service default."""
    shape = client.meta.service_model.operation_model(operation).input_shape
    member = shape.members.get(parameter) if shape is not None else None
    if member is None or member.type_name != "integer":
        return None
    return member.metadata.get("max") or DOCUMENTED_MAX_RESULTS.get(operation)


def pages(client: Any, operation: str, **params: Any) -> Iterator[dict[str, Any]]:
    """Yield each response page of ``operation`` (API name, e.g. ``DescribeVpcs``)."""
    method = xform_name(operation)
    if operation in EXCLUSIVE_START:
        yield from _pages_after(client, operation, **params)
        return
    size = page_size(client, operation)
    if client.can_paginate(method):
        config = {"PageSize": size} if size else {}
        yield from client.get_paginator(method).paginate(**params, PaginationConfig=config)
        return
    call = getattr(client, method)
    if size:
        params = {**params, "MaxResults": size}
    token: str | None = None
    while True:
        page = call(**params, **({"NextToken": token} if token else {}))
        yield page
        token = page.get("NextToken")
        if not token:
            return


def _pages_after(client: Any, operation: str, **params: Any) -> Iterator[dict[str, Any]]:
    """The pages of an :data:`EXCLUSIVE_START` listing: each starts after the last item of the one
    before, while the listing says more follow (a page saying so with no item ends it)."""
    size_parameter, start_parameter, more_flag, key = EXCLUSIVE_START[operation]
    call = getattr(client, xform_name(operation))
    size = page_size(client, operation, size_parameter)
    if size:
        params = {**params, size_parameter: size}
    start: str | None = None
    while True:
        page = call(**params, **({start_parameter: start} if start else {}))
        yield page
        listed = page.get(key) or []
        if not page.get(more_flag) or not listed:
            return
        start = listed[-1]


def items(client: Any, operation: str, key: str, **params: Any) -> list[dict[str, Any]]:
    """All items under ``key`` across every page."""
    return [item for page in pages(client, operation, **params) for item in page.get(key, [])]
