"""An AMP managed collector on EKS Blueprints' private cluster: every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
from aws_layout import audit
from layouts import amp_managed_scraper as layout

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
# The pattern's endpoints whose services support endpoint policies (ssmmessages and ec2messages do not).
POLICY_ENDPOINTS = ("s3", "autoscaling", "ecr.api", "ecr.dkr", "ec2", "elasticloadbalancing", "sts", "kms", "logs",
                    "ssm")
# The interface endpoints offered in usw2-az4 (ec2 and sts are not, as in eksctl's test data for us-west-2).
OFFERED_IN_AZ4 = tuple(s for s in layout.eks.INTERFACE_SERVICES if s not in ("ec2", "sts"))
# "uses remote_write to push the data to your Amazon Managed Service for Prometheus workspace using a
# VPC endpoint. The scraped data never travels on the public internet" (AMP User Guide, AMP-collector);
# "These network interfaces are used to connect to your source within the VPC for scraping metrics"
# (AMP API Reference, CreateScraper): the collector's interfaces reach the scrape targets and call no
# ECR, SSM, STS, EC2, KMS, Logs or S3 endpoint of the VPC.


@cache
def _build(**kwargs: Any) -> tuple[Snapshot, dict[str, str]]:
    return layout.build(**kwargs)


def _advice(ids: dict[str, str]) -> Triples:
    """Right, as advice, as for the blueprint alone: POL001 (medium) on the S3 gateway endpoint and each
    interface endpoint whose service supports endpoint policies (no ``policy``, AWS's default full access);
    MON001, ``enable_flow_log`` defaulting to false."""
    return {("POL001", ids[key], "fail") for key in POLICY_ENDPOINTS} | {("MON001", ids["vpc"], "fail")}


def test_the_snapshot_is_what_the_guide_describes() -> None:
    """One interface per subnet given (the cluster's three), in the group given, typed ``interface``, on no
    instance, tagged ``AMPAgentlessScraper`` as the service-linked role's policy requires."""
    snapshot, ids = _build()
    enis = {e.network_interface_id: e for e in snapshot.accounts[0].regions[0].network_interfaces}
    scraper = [enis[ids[f"scraper{n}"]] for n in (1, 2, 3)]
    assert [e.subnet_id for e in scraper] == [ids[f"private{k}"] for k in (1, 2, 3)]
    for eni in scraper:
        assert (eni.interface_type, eni.instance_id, eni.requester_managed, eni.group_ids) == (
            "interface", None, False, (ids["node_sg"],))
        assert {t.key: t.value for t in eni.tags} == {layout.SCRAPER_TAG: ""}


@pytest.mark.parametrize("kwargs", [{"scraper": False}, {}, {"requester_managed": True}],
                         ids=["cluster alone", "scraper in the node group", "scraper requester-managed"])
def test_findings_and_verdicts_as_built(kwargs: dict[str, Any]) -> None:
    """The collector in the module's node group and the cluster's subnets adds nothing. Silent, rightly:
    its interfaces sit in subnets where every endpoint has an interface (IFE002), the S3 route is on
    every private table (GWE001), the node group's egress is open (SG005), 443 from the VPC's block
    admits it (SG003/SG006), the default NACL allows all (ACL001). The blueprint's own silences hold
    (see ``test_eks_blueprints_private``)."""
    snapshot, ids = _build(**kwargs)
    assert audit(snapshot) == _advice(ids)


def test_near_miss_no_security_group_given() -> None:
    """``security_group_ids`` left out, as the Terraform registry example does: the interfaces land in the
    VPC's default group, which the VPC module strips of every rule. Rule wrong, fixed: SG005 (medium)
    fired on the default group ("lets its workload ENIs ... send no TCP 443 to interface endpoint(s)"
    ecr.api, ec2, ssm, sts ..., naming the three collector interfaces) and would have authorized 443
    out of it; the collector calls none of those services from the VPC (it remote-writes to AMP
    "using a VPC endpoint" AWS runs; "the scraped data never travels on the public internet"). Its
    interfaces, tagged ``AMPAgentlessScraper`` (the only tag key its role may create them with),
    are now a managed kind calling only ``aps-workspaces``. The advice alone. The real fault, a
    collector that can reach no node or API server, is a gap: reachability from a managed service's
    interfaces to its targets is not modelled."""
    snapshot, ids = _build(security_groups="default")
    assert audit(snapshot) == _advice(ids)


def test_dedicated_group_with_egress_to_the_targets_only() -> None:
    """A group of the collector's own, egress TCP 443 to the cluster group and TCP 1025-65535 to the node
    group, both admitting it: least privilege that works, as the guide asks ("Security group allowing
    the collector to reach your target exporter ports", CloudWatch managed collectors; the AMP page's
    interfaces "connect to your source within the VPC"). Rule wrong, fixed: SG005 (medium) called its
    three interfaces clients cut off from the eleven endpoints. The advice alone."""
    snapshot, ids = _build(security_groups="dedicated")
    assert audit(snapshot) == _advice(ids)


def test_near_miss_scraper_subnet_in_an_az_without_endpoints() -> None:
    """The collector's third interface in a subnet of its own in us-west-2d, whose local-only table has no
    S3 route and where no endpoint has an interface. Rule wrong, fixed: IFE002 (medium) on the nine
    endpoints offered in usw2-az4 ("where VPC ... runs clients") and IFE003 (high) "client subnets ...
    are isolated" for the ECR bundle — the only interface there is the collector's, which pulls no
    image and calls no API. GWE001 (medium) on the subnet for S3 stays, right by the catalogue: it
    judges every private subnet's table whatever runs there (as on the FSx layout)."""
    snapshot, ids = _build(scraper_subnet_az4=True)
    assert audit(snapshot) == _advice(ids) | {("GWE001", ids["scraper_az4"], "fail")}
