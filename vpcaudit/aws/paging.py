"""Read every page of a listing with the biggest page the API allows.

Why: the budget is "Σ pages of each region-wide call", so each page should be as large as AWS
permits. The limit comes from the botocore service model where it is declared, else from the
API reference (a few EC2 operations document "more than 1,000 returns only 1,000" without a
model constraint), else the service default. Operations botocore has no paginator for but that
take a ``NextToken`` are paged by hand, so no listing is ever silently truncated.
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


def page_size(client: Any, operation: str) -> int | None:
    """Largest ``MaxResults`` for ``operation``, or None to use the service default."""
    shape = client.meta.service_model.operation_model(operation).input_shape
    member = shape.members.get("MaxResults") if shape is not None else None
    if member is None or member.type_name != "integer":
        return None
    return member.metadata.get("max") or DOCUMENTED_MAX_RESULTS.get(operation)


def pages(client: Any, operation: str, **params: Any) -> Iterator[dict[str, Any]]:
    """Yield each response page of ``operation`` (API name, e.g. ``DescribeVpcs``)."""
    method = xform_name(operation)
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


def items(client: Any, operation: str, key: str, **params: Any) -> list[dict[str, Any]]:
    """All items under ``key`` across every page."""
    return [item for page in pages(client, operation, **params) for item in page.get(key, [])]
