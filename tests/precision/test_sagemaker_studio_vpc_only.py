"""SageMaker Studio in VPC-only mode (aws-samples amazon-sagemaker-studio-vpc-blog), before and
after CreateDomain: every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

import pytest
from aws_layout import audit
from layouts import sagemaker_studio_vpc_only

INTERFACE = ("sagemaker.api", "sagemaker.runtime", "notebook", "sts", "ssm", "monitoring", "logs")


def _advice(ids: dict[str, str]) -> set[tuple[str, str, str]]:
    """Right, as advice: every interface endpoint keeps the full-access policy (six spell out the
    default statement, ssm declares none and gets it), and no flow log. The S3 gateway endpoint's
    policy names three actions on the project's buckets: no POL001, no POL002."""
    return {*(("POL001", ids[key], "fail") for key in INTERFACE), ("MON001", ids["vpc"], "fail")}


def test_template_as_published() -> None:
    """Nothing else before the domain exists. No IFE001/IFE002: the VPC has one subnet, in one AZ.
    No GWE001: the S3 gateway endpoint is on the subnet's route table. No IFE003: no bundle
    vpcaudit knows is started (see "Noticed and left alone" for SageMaker's)."""
    snapshot, ids = sagemaker_studio_vpc_only.build(domain=False)
    assert audit(snapshot) == _advice(ids)


@pytest.mark.parametrize("apps", [0, 2], ids=["domain, no app yet", "JupyterServer and KernelGateway"])
def test_domain_created(apps: int) -> None:
    """No SG005 on SageMaker's inbound NFS group: it has no egress rule by design, and it sits on
    the EFS mount target alone, which is no client (rule wrong, fixed: mount targets were counted
    as workloads). No SG005 on the apps either: the template's group sends anywhere, beside the
    outbound NFS group's NFS-only egress. No SG003: the endpoint group admits HTTPS from the
    template's group, which the apps carry."""
    snapshot, ids = sagemaker_studio_vpc_only.build(apps=apps)
    assert audit(snapshot) == _advice(ids)
