"""eksctl's fully-private EKS cluster: every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from aws_layout import audit, severities
from layouts import eksctl_private_cluster


def test_findings_and_verdicts() -> None:
    snapshot, ids = eksctl_private_cluster.build()
    assert audit(snapshot) == {
        # Right, as advice: default full-access endpoint policies (eksctl attaches none) and no flow log.
        *(("POL001", ids[e], "fail") for e in ("ec2", "ecr.api", "ecr.dkr", "sts", "s3")),
        ("MON001", ids["vpc"], "fail"),
        # Right: the endpoints share the node group's inter-node group, whose all-traffic rules
        # the endpoints (TCP 443 only) do not need. Medium: no workload carries that group.
        ("SG002", ids["shared_sg"], "fail"),
        # Right, info: no CloudWatch Logs endpoint beside ECR.
        ("IFE003", ids["vpc"], "fail"),
    }
    # ec2 and sts are not offered in the fourth AZ: its nodes cross AZs by necessity (no IFE002).
    assert severities(snapshot)[("SG002", ids["shared_sg"], "")] == "medium"
    assert severities(snapshot)[("IFE003", ids["vpc"], "ecr:optional")] == "info"
