"""The Amazon EKS sample VPC with public and private subnets: every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from aws_layout import audit, severities
from layouts import cfn_eks_vpc_private_subnets


def _expected(ids: dict[str, str]) -> set[tuple[str, str, str]]:
    """Right, all three. GWE002: the private subnets, where the user guide puts the nodes, reach S3
    through their AZ's NAT gateway — ECR image layers among it — and pay NAT processing per GB where
    an S3 gateway endpoint is free; the template creates none. GWE003 (low): the same for DynamoDB.
    MON001: the template creates no flow log."""
    return {("GWE002", ids["vpc"], "fail"), ("GWE003", ids["vpc"], "fail"), ("MON001", ids["vpc"], "fail")}


def test_findings_and_verdicts_with_default_parameters() -> None:
    snapshot, ids = cfn_eks_vpc_private_subnets.build()
    # Silent, rightly: each private subnet sends 0.0.0.0/0 to the NAT gateway of its own AZ, which
    # sits in a public subnet (no NAT001/NAT002/NAT003); DNS support and hostnames are on and the
    # DHCP options are AWS's (no DNS001/DNS002/DNS005); no endpoint for the endpoint rules to judge.
    assert audit(snapshot) == _expected(ids)
    levels = severities(snapshot)
    assert (levels[("GWE002", ids["vpc"], "")], levels[("GWE003", ids["vpc"], "")]) == ("medium", "low")


def test_a_cluster_and_its_nodes_change_nothing() -> None:
    """Put to use as the user guide does: the control plane's cross-account ENIs and a managed
    node per private subnet with its VPC CNI ENI. Nothing new, rightly: without endpoints no rule
    has a client to judge, and the NAT and gateway-endpoint rules read routes, not workloads —
    the findings (and severities) of the empty network stand as they were."""
    snapshot, ids = cfn_eks_vpc_private_subnets.build(cluster=True)
    assert audit(snapshot) == _expected(ids)
    levels = severities(snapshot)
    assert (levels[("GWE002", ids["vpc"], "")], levels[("GWE003", ids["vpc"], "")]) == ("medium", "low")
