"""The audit computes what it computed before it was made linear — on estates no test wrote by hand.

The digests below were recorded from the implementation before the speed work (per-call
filtering and sorting in the network view, CIDRs parsed and routes resolved per call, the
snapshot-wide DNS and COST001 indexes rebuilt in every scope, one process, the standard JSON
encoder) on two generated estates: six accounts sharing Regions (COST001 pools them) and two
accounts with more VPCs per Region. Every section of the JSON result must still hash the same.
The one deliberate change, COST001 naming its Region's pool once (``groups``, ``Finding.group``)
instead of listing it in each finding's evidence, is normalised away first, and the pools are
compared on their own: the groups hold exactly the VPCs the old evidence listed.

When a rule changes on purpose, these digests change with it: check the new output, then
replace them with the ones the failure prints.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest
import synthetic

from vpcaudit import api
from vpcaudit.render.report.jsonfmt import result_document

NOW = dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc)
ESTATES = {
    "six accounts sharing two Regions": dict(accounts=6, regions=2, vpcs=3, seed=3),
    "two accounts, six VPCs per Region": dict(accounts=2, regions=2, vpcs=6, seed=11),
}
EXPECTED = {
    "six accounts sharing two Regions": {
        "findings": "3fbfae89959eb9cf", "scopes": "fc325b5bd338eda9", "vpcs": "5bdcc34c447a88bd",
        "paths": "f0be67cd2a3caaad", "costs": "f9c791b928aa4fe8", "topology": "b780c9e2bcab825e",
        "path_gaps": "4f53cda18c2baa0c", "cost001_pools": "26fc926547fdfd72"},
    "two accounts, six VPCs per Region": {
        "findings": "e6a09dc935060df8", "scopes": "d5cf655e77fc8e46", "vpcs": "aef9701d245aef6c",
        "paths": "9d77061775b9e738", "costs": "7e9b39b55c92e7cd", "topology": "53a433e24ed9787f",
        "path_gaps": "4f53cda18c2baa0c", "cost001_pools": "f61fbdc3376bd6e9"},
}


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:16]


def digests(doc: dict[str, Any]) -> dict[str, str]:
    """Per section of a JSON result, with COST001's pool taken out of its findings and compared apart."""
    pools: dict[str, set[str]] = {}
    for finding in doc["findings"]:
        if finding["rule_id"] == "COST001":
            evidence = finding["evidence"]
            for key in ("group_vpcs", "group_accounts"):
                evidence.pop(key, None)
        finding.pop("group", None)
    for group in doc["groups"]:
        pools.setdefault(group["region"], set()).update(m["resource_id"] for m in group["members"])
    out = {key: _digest(doc[key]) for key in ("findings", "scopes", "vpcs", "paths", "costs", "topology", "path_gaps")}
    out["cost001_pools"] = _digest({region: sorted(vpcs) for region, vpcs in pools.items()})
    return out


@pytest.mark.parametrize("estate", list(ESTATES))
def test_every_section_of_the_result_is_what_it_was(estate: str) -> None:
    result = api.audit(synthetic.estate(**ESTATES[estate]), now=NOW)
    assert result.findings and result.paths and any(f.rule_id == "COST001" for f in result.findings)
    actual = digests(result_document(result))
    assert actual == EXPECTED[estate], f"changed on purpose? new digests: {actual}"
