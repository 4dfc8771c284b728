"""The AWS Quick Start VPC with additional private subnets: every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from aws_layout import audit
from layouts import cfn_quickstart_vpc


def _advice(ids: dict[str, str]) -> set[tuple[str, str, str]]:
    """Right, as advice: the template creates no DynamoDB gateway endpoint, so DynamoDB traffic
    from the four private subnets pays NAT processing where a gateway endpoint is free; the S3
    endpoint's policy, written out in the template, is the full-access statement."""
    return {("GWE003", ids["vpc"], "fail"), ("POL001", ids["s3"], "fail")}


def test_findings_and_verdicts_with_default_parameters() -> None:
    snapshot, ids = cfn_quickstart_vpc.build()
    # Right: CreateVPCFlowLogsToCloudWatch defaults to false. Silent, rightly: each private
    # subnet (A and B) uses its own AZ's NAT gateway, which sits in a public subnet; every private
    # route table carries the S3 endpoint's prefix-list route (no GWE001, no GWE002); the B
    # subnets' dedicated NACLs allow everything, as the default NACL does.
    assert audit(snapshot) == _advice(ids) | {("MON001", ids["vpc"], "fail")}


def test_reject_only_flow_log_covers_the_vpc() -> None:
    """CreateVPCFlowLogsToCloudWatch = true with the template's default traffic type REJECT:
    MON001 is silent, rightly — the catalogue asks for an active flow log of any traffic type,
    as Security Hub EC2.6 (trafficType REJECT) and the CIS flow-log item (Rejects) do."""
    snapshot, ids = cfn_quickstart_vpc.build(flow_logs=True)
    assert audit(snapshot) == _advice(ids)
