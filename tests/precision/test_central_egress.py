"""Centralized egress through a transit gateway (AWS whitepaper): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from aws_layout import audit
from layouts import central_egress


def test_findings_and_verdicts() -> None:
    snapshot, ids = central_egress.build()
    # Right: the spokes' S3 and DynamoDB traffic pays transit gateway and central NAT processing;
    # gateway endpoints are free but must sit in each spoke. Not the egress VPC: its attachment
    # subnets only forward the spokes' traffic, which no gateway endpoint there could serve.
    assert audit(snapshot) == {("GWE002", ids["spoke1"], "fail"), ("GWE002", ids["spoke2"], "fail"),
                               ("GWE003", ids["spoke1"], "fail"), ("GWE003", ids["spoke2"], "fail")}
