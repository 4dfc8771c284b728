"""terraform-aws-vpc's complete example: every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from aws_layout import audit, severities
from layouts import tf_vpc_complete


def test_findings_and_verdicts() -> None:
    snapshot, ids = tf_vpc_complete.build()
    cross_az = ["private2", "private3", "database2", "database3", "elasticache2", "elasticache3", "redshift2",
                "redshift3"]
    assert audit(snapshot) == {
        # Right about the layout: the example's endpoint policies are Deny statements alone.
        ("POL005", ids["dynamodb"], "fail"), ("POL005", ids["ecr_api"], "fail"), ("POL005", ids["ecr_dkr"], "fail"),
        # Right: the RDS endpoint is the RDS API (HTTPS), not the database port 5432.
        ("SG002", ids["rds_sg"], "fail"),
        # Right: DHCP servers without AmazonProvidedDNS beside private DNS; no flow log.
        ("DNS005", ids["vpc"], "fail"), ("MON001", ids["vpc"], "fail"),
        # Right, and the example's stated trade-off: one NAT gateway for three AZs.
        *(("NAT002", ids[s], "fail") for s in cross_az), ("NAT003", ids["vpc"], "fail"),
        # Right: ECR layers come from S3, which has no gateway endpoint (medium: no workload yet);
        # S3 through an interface endpoint, default full-access policies, no logs endpoint (info).
        ("IFE003", ids["vpc"], "fail"), ("GWE002", ids["vpc"], "fail"), ("GWE004", ids["s3"], "fail"),
        ("POL001", ids["s3"], "fail"), ("POL001", ids["ecs"], "fail"), ("POL001", ids["rds"], "fail"),
        # Honest gap: the S3 interface endpoint is created without subnets, so it has no AZ to judge.
        ("IFE001", ids["s3"], "not_evaluated"),
    }
    levels = severities(snapshot)
    assert levels[("IFE003", ids["vpc"], "ecr:required")] == "medium"
    assert {levels[("POL005", ids[e], "")] for e in ("dynamodb", "ecr_api", "ecr_dkr")} == {"high"}
