"""An Amazon Bedrock AgentCore Runtime agent in VPC network mode (AgentCore Developer Guide, VPC
configuration; awslabs/amazon-bedrock-agentcore-samples' VPC tutorial): every finding and its
verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

import pytest
from aws_layout import audit, region_view, severities
from layouts import bedrock_agentcore_runtime_vpc
from layouts.bedrock_agentcore_runtime_vpc import INTERFACE_KEYS

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
FORMS = pytest.mark.parametrize("nat", [True, False], ids=["NAT per AZ", "endpoints only"])
AGENT = pytest.mark.parametrize("agent", [True, False], ids=["runtime created", "before the runtime"])


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return bedrock_agentcore_runtime_vpc.build(**options)  # type: ignore[arg-type]


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: nothing in the layout creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _default_policies(ids: dict[str, str], keys: tuple[str, ...] = (*INTERFACE_KEYS, "s3")) -> Triples:
    """Right (advice), medium: every endpoint keeps AWS's default full-access policy. The runtime's
    calls are its execution role's, this account's principal; nothing needs another account's."""
    return {("POL001", ids[key], "fail") for key in keys}


def _dynamodb_through_nat(ids: dict[str, str]) -> Triples:
    """Right (advice), low: the private subnets reach DynamoDB only through the NAT gateways and
    pay their processing; a DynamoDB gateway endpoint is free. Whether the agent calls DynamoDB is
    not in the snapshot, hence advice. Fired with NAT gateways only."""
    return {("GWE003", ids["vpc"], "fail")}


def _baseline(ids: dict[str, str], *, nat: bool) -> Triples:
    return _flow_logs(ids) | _default_policies(ids) | (_dynamodb_through_nat(ids) if nat else set())


def test_the_runtime_interfaces_as_describe_network_interfaces_reports_them() -> None:
    """One interface per configured subnet, in the runtime's group, on no instance, typed
    ``interface``, not requester-managed, no description (assumed, module docstring): workloads,
    and rightly — the agent calls Bedrock, ECR, CloudWatch Logs and S3 from them (the guide: the
    groups on the ENIs "control which resources your runtime and tools can communicate with")."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    enis = [view.interfaces[ids[f"agent_eni{az}"]] for az in (1, 2)]
    assert [(e.subnet_id, e.availability_zone_id) for e in enis] == [(ids["private1"], "use1-az2"),
                                                                      (ids["private2"], "use1-az4")]
    assert {(e.interface_type, e.requester_managed, e.requester_id, e.description, e.group_ids, e.instance_id)
            for e in enis} == {("interface", False, None, "", (ids["runtime_sg"],), None)}
    assert sorted(e.network_interface_id for e in view.workload_enis(ids["vpc"])) \
        == sorted(ids[f"agent_eni{az}"] for az in (1, 2))


@FORMS
@AGENT
def test_findings_and_verdicts(nat: bool, agent: bool) -> None:
    """The canonical forms: MON001, POL001 × 5 (medium), and GWE003 (low) with the NAT gateways.
    Silent, rightly: SG001-SG006 (443 from the runtime's group, which both runtime interfaces
    carry; the runtime's group sends everything), IFE001/IFE002 (every endpoint in both AZs),
    IFE003 (the ECR bundle complete: ``ecr.dkr``, ``ecr.api``, the S3 gateway endpoint on both
    private tables), GWE001/GWE002 (the S3 route on both private tables), NAT001-NAT003 (one NAT
    gateway per AZ, in public subnets), DNS001-DNS003, ACL001 (default NACL), RT001."""
    snapshot, ids = _built(nat=nat, agent=agent)
    assert audit(snapshot) == _baseline(ids, nat=nat)
    levels = severities(snapshot)
    assert {level for key, level in levels.items() if key[0] == "POL001"} == {"medium"}
    if nat:
        assert levels[("GWE003", ids["vpc"], "")] == "low"


def test_near_miss_no_nat_and_no_bedrock_runtime_endpoint_goes_unreported() -> None:
    """No NAT gateway and no ``bedrock-runtime`` endpoint, the runtime created: every model call
    the agent makes (its role's ``bedrock:InvokeModel``) resolves to Bedrock's public addresses,
    and the private subnets have no route there. The agent starts (its image and logs have their
    endpoints) and fails on its first inference. A gap, pinned: no rule knows the runtime's
    interfaces call ``bedrock-runtime`` — they look like any workload's — and IFE003 has no
    Bedrock or AgentCore bundle. Only the endpoint's POL001 is gone."""
    snapshot, ids = _built(nat=False, bedrock_endpoint=False)
    assert "bedrock-runtime" not in ids
    assert not snapshot.accounts[0].regions[0].nat_gateways
    keys = ("ecr.api", "ecr.dkr", "logs", "s3")
    assert audit(snapshot) == _flow_logs(ids) | _default_policies(ids, keys)


@FORMS
def test_near_miss_endpoint_group_not_admitting_the_runtime(nat: bool) -> None:
    """The endpoints' group admitting 443 only from itself, the runtime created: SG003 on the four
    interface endpoints, high — right: private DNS sends the runtime's ECR, CloudWatch Logs and
    Bedrock calls to the endpoints, which refuse its group, so the image is not pulled and the
    agent never starts; the NAT gateways do not help (the names resolve to the endpoints). The S3
    gateway endpoint is rightly left out: no security group stands before it."""
    snapshot, ids = _built(nat=nat, endpoints_admit="self")
    sg003 = {("SG003", ids[key], "fail") for key in INTERFACE_KEYS}
    assert audit(snapshot) == _baseline(ids, nat=nat) | sg003
    assert {severities(snapshot)[("SG003", ids[key], "")] for key in INTERFACE_KEYS} == {"high"}


def test_near_miss_endpoint_group_not_admitting_the_runtime_before_it_exists() -> None:
    """The same group before the runtime is created: nothing — right by the catalogue: no
    workload's interface is refused yet."""
    snapshot, ids = _built(endpoints_admit="self", agent=False)
    assert audit(snapshot) == _baseline(ids, nat=True)


@FORMS
def test_near_miss_runtime_in_one_az_goes_unreported(nat: bool) -> None:
    """The runtime given only the use1-az2 subnet: one interface, and the agent stops with that AZ
    though the VPC spans two. A gap, pinned: the VpcConfig API accepts one subnet (1 to 16), and
    the guide's page, as read, asks for subnets in its supported AZ IDs without stating a minimum
    count, so a finding would be advice at most; IFE001/IFE002 judge endpoints, and the endpoints
    do cover the runtime's AZ."""
    snapshot, ids = _built(nat=nat, agent_azs=(1,))
    view = region_view(snapshot)
    assert [e.subnet_id for e in view.workload_enis(ids["vpc"])] == [ids["private1"]]
    assert audit(snapshot) == _baseline(ids, nat=nat)
