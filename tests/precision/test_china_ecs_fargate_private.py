"""An Amazon ECS service on Fargate in isolated subnets of cn-northwest-1 behind the ECR, CloudWatch
Logs and Secrets Manager interface endpoints and an S3 gateway endpoint scoped to the ECR layer bucket
and the account, under the China Region's endpoint service names: every finding and its verdict
(docs/precision.md)."""

from __future__ import annotations

import json
from functools import cache

from aws_layout import audit, audit_result, severities
from layouts import china_ecs_fargate_private as layout

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
COMMERCIAL_PARTITION = {"s3_partition": "aws"}
NO_SECRETS_ENDPOINT = {"secrets_endpoint": False}
LOGS_UNDER_CHINA_PREFIX = {"logs_prefix": "cn.com.amazonaws"}
LAYERS = "arn:aws-cn:s3:::prod-cn-northwest-1-starport-layer-bucket/*"


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return layout.build(**options)  # type: ignore[arg-type]


def _advice(ids: dict[str, str], *, absent: tuple[str, ...] = ()) -> Triples:
    """Right (advice), medium. POL001 on the four interface endpoints: each keeps AWS's default full
    access (the fix scopes it to this account). The S3 gateway endpoint's two statements pass.
    MON001: no flow log."""
    return {("POL001", ids[key], "fail") for key in layout.INTERFACE_SERVICES if key not in absent} | {
        ("MON001", ids["vpc"], "fail")}


def test_the_region_lists_its_services_under_the_china_names() -> None:
    """The endpoints as DescribeVpcEndpoints lists them in cn-northwest-1: ``cn.com.amazonaws.`` for
    ecr.api and ecr.dkr, ``com.amazonaws.`` for logs, secretsmanager and the S3 gateway, every name
    in the Region's catalogue; no ECS endpoint (Fargate needs none); the tasks' interfaces described
    with ECS attachment ARNs of the ``aws-cn`` partition."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    assert region.region == "cn-northwest-1"
    catalogue = {s.service_name for s in region.endpoint_services}
    names = {e.vpc_endpoint_id: e.service_name for e in region.vpc_endpoints}
    assert {key: names[ids[key]] for key in ("s3", *layout.INTERFACE_SERVICES)} == {
        "s3": "com.amazonaws.cn-northwest-1.s3",
        "ecr.dkr": "cn.com.amazonaws.cn-northwest-1.ecr.dkr",
        "ecr.api": "cn.com.amazonaws.cn-northwest-1.ecr.api",
        "logs": "com.amazonaws.cn-northwest-1.logs",
        "secretsmanager": "com.amazonaws.cn-northwest-1.secretsmanager",
    }
    assert set(names.values()) <= catalogue
    assert {"com.amazonaws.cn-northwest-1.ecr.dkr", "cn.com.amazonaws.cn-northwest-1.logs",
            "cn.com.amazonaws.cn-northwest-1.secretsmanager"}.isdisjoint(catalogue)
    assert "com.amazonaws.cn-northwest-1.ecs" in catalogue and not any(".ecs" in n for n in names.values())
    tasks = [e for e in region.network_interfaces if e.description.startswith("arn:")]
    assert [(e.interface_type, e.requester_managed, e.group_ids, e.instance_id) for e in tasks] == [
        ("interface", True, (ids["task_sg"],), None)] * 2
    assert all(e.description.startswith("arn:aws-cn:ecs:cn-northwest-1:111122223333:attachment/") for e in tasks)


def test_findings_and_verdicts() -> None:
    """The canonical form: POL001 ×4 and MON001, advice. Silent, rightly: POL006 (the layer
    statement names ``arn:aws-cn:s3:::prod-cn-northwest-1-starport-layer-bucket/*``, the object a
    China pull reads), POL001/POL002 on the S3 endpoint (scoped), IFE003 (the ECR bundle complete
    under its China names, logs present), the ECS bundle (no ECS endpoint, no container instance),
    SG003/SG005 (443 admitted from the tasks' group; the tasks send everything), IFE001/IFE002 (both
    AZs), DNS001-DNS003, GWE001-GWE003, NAT rules (no route out), ACL001, RT001. No finding carries a
    cost figure."""
    snapshot, ids = _built()
    assert audit(snapshot) == _advice(ids)
    assert set(severities(snapshot).values()) == {"medium"}
    assert all(f.monthly_cost_usd is None for f in audit_result(snapshot).findings)


def test_before_the_service_runs_the_findings_are_the_same() -> None:
    """The network stack deployed before the service (no task yet): nothing is blocked, nothing
    changes."""
    snapshot, ids = _built(tasks=0)
    assert audit(snapshot) == _advice(ids)


def test_near_miss_layer_statement_in_the_commercial_partition() -> None:
    """The layer statement copied from a commercial template,
    ``arn:aws:s3:::prod-cn-northwest-1-starport-layer-bucket/*``. Right: POL006, high. The download
    through a cn-northwest-1 endpoint reads an ``arn:aws-cn:`` object, which the statement's ARN does
    not match, partition segment included; the other statement admits this account's principals and
    resources only, and the URL is presigned by an ECR account for ECR's bucket. Every image pull
    fails (``CannotPullContainerError``) while ``ecr.api``/``ecr.dkr`` answer. The fix adds the
    AWS-owned reads in the ``aws-cn`` partition and changes nothing else, so it is ready."""
    snapshot, ids = _built(**COMMERCIAL_PARTITION)
    assert audit(snapshot) == _advice(ids) | {("POL006", ids["s3"], "fail")}
    assert severities(snapshot)[("POL006", ids["s3"], "")] == "high"
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "POL006")
    assert finding.evidence["layer_objects"] == LAYERS
    assert finding.evidence["ecr_endpoints"] == [ids["ecr.dkr"]]
    (step,) = finding.fix
    assert step.ready
    statements = json.loads(step.parameters["PolicyDocument"])["Statement"]
    added = next(s for s in statements if s["Sid"] == "AWSOwnedBucketsRead")
    assert added["Resource"][0] == LAYERS
    assert all(arn.startswith("arn:aws-cn:s3:::") for arn in added["Resource"])


def test_near_miss_commercial_statement_left_in_the_fix() -> None:
    """Noticed and left alone, pinned: POL006's fix keeps the dead ``arn:aws:`` statement beside the
    statement it adds. Harmless (it matches nothing in China), and POL005 stays silent since the
    policy as a whole still allows this account's requests."""
    snapshot, ids = _built(**COMMERCIAL_PARTITION)
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "POL006")
    (step,) = finding.fix
    kept = next(s for s in json.loads(step.parameters["PolicyDocument"])["Statement"]
                if s["Sid"] == "Access-to-specific-bucket-only")
    assert kept["Resource"] == ["arn:aws:s3:::prod-cn-northwest-1-starport-layer-bucket/*"]
    assert ("POL005", ids["s3"], "fail") not in audit(snapshot)


def test_near_miss_secrets_manager_endpoint_missing() -> None:
    """No Secrets Manager endpoint. A gap, pinned: tasks whose definition names ``secrets`` in
    Secrets Manager cannot retrieve them at start ("to pull sensitive data from Secrets Manager, you
    must create the interface VPC endpoints for Secrets Manager", ECS guide) and stop with a
    ResourceInitializationError; the VPC has no other way out. Nothing fires beyond the advice: no
    bundle holds ``secretsmanager``, and the snapshot does not hold the task definition that would
    say the tasks use it."""
    snapshot, ids = _built(**NO_SECRETS_ENDPOINT)
    assert "secretsmanager" not in ids
    assert audit(snapshot) == _advice(ids, absent=("secretsmanager",))


def test_near_miss_logs_requested_under_the_china_prefix() -> None:
    """``cn.com.amazonaws.cn-northwest-1.logs`` requested: logs keeps ``com.amazonaws.`` in this
    Region, so CreateVpcEndpoint answers InvalidServiceName and the account holds every endpoint but
    logs. Right: IFE003 (``ecr:optional``), info, names what breaks ("needed by the awslogs log
    driver"); the severity is the rule's for an optional member, as the snapshot does not say the
    tasks use ``awslogs``. Its fix creates ``com.amazonaws.cn-northwest-1.logs``, the catalogue's
    name, and its price reads in CNY (us-east-1's $7.30 per AZ-month at 7.1 CNY/USD)."""
    snapshot, ids = _built(**LOGS_UNDER_CHINA_PREFIX)
    assert "logs" not in ids
    assert audit(snapshot) == _advice(ids, absent=("logs",)) | {("IFE003", ids["vpc"], "fail")}
    assert severities(snapshot)[("IFE003", ids["vpc"], "ecr:optional")] == "info"
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "IFE003")
    assert finding.evidence["missing"] == ["logs"]
    (step,) = finding.fix
    assert (step.parameters["ServiceName"], step.parameters["SubnetIds"], step.parameters["SecurityGroupIds"]) == (
        "com.amazonaws.cn-northwest-1.logs", sorted([ids["private1"], ids["private2"]]), [ids["endpoint_sg"]])
    assert "(about CN¥51.83/month per AZ)" in step.description
    assert "$" not in step.description
