"""AWS's ECS reference-architecture VPC and cluster: every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from aws_layout import audit
from layouts import cfn_ecs_refarch


def test_findings_and_verdicts() -> None:
    snapshot, ids = cfn_ecs_refarch.build()
    # Right: S3 (ECR image layers) and DynamoDB traffic pays NAT processing where a gateway
    # endpoint is free; no flow log. Nothing about NAT placement: one per AZ, each AZ its own.
    assert audit(snapshot) == {("GWE002", ids["vpc"], "fail"), ("GWE003", ids["vpc"], "fail"),
                               ("MON001", ids["vpc"], "fail")}
