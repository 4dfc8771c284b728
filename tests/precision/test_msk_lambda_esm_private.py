"""An Amazon MSK provisioned cluster in private subnets consumed by a Lambda event source mapping
with no NAT gateway, its pollers reaching Lambda and STS through interface endpoints
(aws-samples/serverless-patterns ``msk-lambda-iam-python-sam`` with the Lambda Developer Guide's
PrivateLink path): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

import pytest
from aws_layout import audit, audit_result, region_view, severities
from layouts import msk_lambda_esm_private
from layouts.msk_lambda_esm_private import BROKER_PORTS, ESM_SERVICES, KAFKA_IAM

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
AS_PUBLISHED = {"route": "nat"}
GUIDE_POLICIES = {"policies": "guide"}
NO_SELF_REFERENCE = {"cluster_self": False}
ENDPOINTS_IN_CLUSTER_GROUP = {"endpoint_group": "cluster"}
ENDPOINTS_ADMIT_FUNCTION = {"endpoint_source": "function-group"}
PRIVATE = ("private1", "private2", "private3")


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return msk_lambda_esm_private.build(**options)  # type: ignore[arg-type]


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: neither the template nor the guide creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _endpoint_policies(ids: dict[str, str], keys: tuple[str, ...] = ESM_SERVICES) -> Triples:
    """Right (advice), medium: the endpoints keep AWS's default full-access policy, which the
    guide calls open and advises narrowing (its examples: ``sts:AssumeRole`` and
    ``lambda:InvokeFunction`` for ``lambda.amazonaws.com`` on ``Resource "*"``)."""
    return {("POL001", ids[key], "fail") for key in keys}


def _nat_as_published(ids: dict[str, str]) -> Triples:
    """The template's one NAT gateway. Right, medium: NAT002 on the private subnets of us-east-1b
    and c, NAT003 once — the guide's NAT steps ask for "one NAT gateway per AZ" for a cluster in
    several AZs; the pollers of b and c lose Lambda and STS with us-east-1a. Right (advice),
    medium and low: GWE002/GWE003, S3 and DynamoDB traffic from the private subnets would pay NAT
    processing; the pollers there call neither, so it is advice."""
    return {("NAT002", ids["private2"], "fail"), ("NAT002", ids["private3"], "fail"),
            ("NAT003", ids["vpc"], "fail"), ("GWE002", ids["vpc"], "fail"), ("GWE003", ids["vpc"], "fail")}


def _endpoints_refuse_everyone(ids: dict[str, str]) -> Triples:
    """Right, high: no source of the endpoints' group holds a caller of Lambda or STS."""
    return {("SG003", ids[key], "fail") for key in ESM_SERVICES}


def test_the_interfaces_as_describe_network_interfaces_reports_them() -> None:
    """The builder against the template and the guide: the brokers' interfaces (MSK's form, no
    workloads), the pollers' (``lambda``, not requester-managed, the cluster's subnets and
    group), the client instance's in the public subnet; the cluster's group admitting the
    template's seven ports from the clients and 9092-9098 from itself; the endpoints' group TCP 443
    from the cluster's group. The network model takes the pollers and the instance for callers of
    ``lambda`` and ``sts``, and the brokers for none."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    cluster = view.security_groups[ids["cluster_sg"]]
    assert sorted((x.from_port, x.to_port, x.referenced_group_id) for x in cluster.rules if not x.is_egress) \
        == sorted([(p, p, ids["client_sg"]) for p in (2181, 8081, 8083, 9092, 9094, 9096, KAFKA_IAM)]
                  + [(*BROKER_PORTS, ids["cluster_sg"])])
    endpoints = view.security_groups[ids["endpoint_sg"]]
    assert [(x.from_port, x.referenced_group_id) for x in endpoints.rules if not x.is_egress] \
        == [(443, ids["cluster_sg"])]
    brokers = [view.interfaces[ids[f"broker{k}"]] for k in (1, 2, 3)]
    pollers = [view.interfaces[ids[f"esm_eni{k}"]] for k in (1, 2, 3)]
    assert {(e.interface_type, e.requester_managed, e.group_ids, e.instance_id) for e in brokers} \
        == {("interface", False, (ids["cluster_sg"],), None)}
    assert {(e.interface_type, e.requester_managed, e.group_ids) for e in pollers} \
        == {("lambda", False, (ids["cluster_sg"],))}
    assert [e.subnet_id for e in pollers] == [ids[key] for key in PRIVATE]
    assert all(e.description.startswith("AWS Lambda VPC ENI-MSK-") for e in pollers)
    assert not any(view.is_workload(e) for e in brokers)
    clients = {e.network_interface_id for e in view.client_enis(ids["vpc"], "sts")}
    assert clients == {ids["client"], ids["esm_eni1"], ids["esm_eni2"], ids["esm_eni3"]}
    assert not snapshot.accounts[0].regions[0].nat_gateways


def test_findings_and_verdicts() -> None:
    """The canonical form, with the mapping: MON001, POL001 on ``lambda`` and ``sts``. Silent,
    rightly: SG003 (the cluster's group holds the pollers), SG001/SG002/SG004 (443 from one group),
    SG005 (default egress), IFE001/IFE002 (the endpoints in the pollers' three AZs), IFE003 (no
    bundle for a mapping), DNS rules (attributes on), the NAT and GWE rules (no NAT gateway to pay
    for or route to), ACL001, RT001. The client instance in ``PublicSubnet`` — the VPC's one other
    caller, whose role carries ``AWSLambda_FullAccess`` — resolves Lambda and STS to the endpoints
    (private DNS) and is refused on 443: a gap, pinned; SG006 leaves a rule naming a group of the
    VPC alone, as a choice."""
    snapshot, ids = _built()
    assert audit(snapshot) == _flow_logs(ids) | _endpoint_policies(ids)
    assert {severities(snapshot)[("POL001", ids[key], "")] for key in ESM_SERVICES} == {"medium"}


def test_before_the_mapping_the_endpoints_refuse_the_one_caller() -> None:
    """Before ``sam deploy``: the cluster's group holds only the brokers, no workload, and the
    client instance is the VPC's one caller of Lambda and STS. SG003, high, on both — right: the
    instance is refused, and the message names the group with no caller yet, which the pollers
    will join."""
    snapshot, ids = _built(esm=False)
    assert audit(snapshot) == _flow_logs(ids) | _endpoint_policies(ids) | _endpoints_refuse_everyone(ids)
    messages = {f.message for f in audit_result(snapshot).findings if f.rule_id == "SG003"}
    assert all(f"reachable only from members of {ids['cluster_sg']}, which no workload ENI carries" in m
               for m in messages)


def test_the_template_as_published_through_one_nat_gateway() -> None:
    """The template's own path: ``ConfluentKafkaNATGateway`` in ``PublicSubnet``, no endpoint.
    MON001, NAT002 ×2, NAT003, GWE002, GWE003 (low). Silent, rightly: NAT001/NAT005 (public and
    routed), every endpoint rule (no endpoint)."""
    snapshot, ids = _built(**AS_PUBLISHED)
    assert audit(snapshot) == _flow_logs(ids) | _nat_as_published(ids)
    levels = severities(snapshot)
    assert (levels[("NAT002", ids["private2"], "")], levels[("GWE003", ids["vpc"], "")]) == ("medium", "low")


def test_the_guide_endpoint_policies_are_accepted() -> None:
    """The guide's example policies in place of AWS's: POL001 silent, rightly (one action, one
    service principal), and POL002 too — ``Resource "*"`` is what the guide asks for on these two."""
    snapshot, ids = _built(**GUIDE_POLICIES)
    assert audit(snapshot) == _flow_logs(ids)


@pytest.mark.parametrize("endpoints", [(), ("sts",), ("lambda",)], ids=["neither", "no lambda", "no sts"])
def test_near_miss_an_endpoint_left_out_goes_unreported(endpoints: tuple[str, ...]) -> None:
    """No NAT gateway and no ``lambda`` or no ``sts`` endpoint (or neither): on-demand pollers
    cannot assume the execution role or cannot invoke, and the mapping never delivers. A gap,
    pinned: the snapshot holds no event source mapping, the pollers look like any function's
    interfaces, and IFE003 has no bundle for them; the findings are the canonical ones less the
    missing endpoints' POL001."""
    snapshot, ids = _built(endpoints=endpoints)
    assert audit(snapshot) == _flow_logs(ids) | _endpoint_policies(ids, endpoints)
    assert not any(key in ids for key in ESM_SERVICES if key not in endpoints)


def test_near_miss_cluster_group_not_admitting_itself_goes_unreported() -> None:
    """``MSKSelfIngressAllowRule`` dropped: the cluster's group admits the broker ports from the
    client group only, so the pollers it holds are refused on 9098 (the guide: the broker port,
    or a self-referencing rule). A gap, pinned: no rule judges a cluster's ingress, and nothing in
    the snapshot says the pollers talk to the brokers."""
    snapshot, ids = _built(**NO_SELF_REFERENCE)
    assert audit(snapshot) == _flow_logs(ids) | _endpoint_policies(ids)
    cluster = region_view(snapshot).security_groups[ids["cluster_sg"]]
    assert {x.referenced_group_id for x in cluster.rules if not x.is_egress} == {ids["client_sg"]}


@pytest.mark.parametrize("function_in_vpc", [True, False], ids=["function in the VPC", "function outside"])
def test_near_miss_endpoints_admitting_the_function_group(function_in_vpc: bool) -> None:
    """The endpoints' group admits TCP 443 from ``msk-consumer-function`` instead of the cluster's
    group: the pollers are refused on both. With the function in the VPC (in that group) a gap,
    pinned: its interfaces are admitted callers, so SG003 is silent as the catalogue defines it.
    With the function outside (the template's: no ``VpcConfig``), SG003, high, on both — right."""
    snapshot, ids = _built(**ENDPOINTS_ADMIT_FUNCTION, function_in_vpc=function_in_vpc)
    expected = _flow_logs(ids) | _endpoint_policies(ids)
    assert audit(snapshot) == (expected if function_in_vpc else expected | _endpoints_refuse_everyone(ids))


def test_near_miss_endpoints_in_the_cluster_group() -> None:
    """The guide's console steps taken literally — the endpoints given "the security groups
    associated with your MSK cluster" — on the template's group, which admits nothing on 443.
    SG003, high, on both endpoints — right: no inbound rule allows 443, so the pollers cannot
    assume the role or invoke. SG002, low, on the cluster's group — right (advice): the broker
    ports now apply to the endpoints too; low because the pollers share the group."""
    snapshot, ids = _built(**ENDPOINTS_IN_CLUSTER_GROUP)
    assert audit(snapshot) == (_flow_logs(ids) | _endpoint_policies(ids) | _endpoints_refuse_everyone(ids)
                               | {("SG002", ids["cluster_sg"], "fail")})
    levels = severities(snapshot)
    assert (levels[("SG002", ids["cluster_sg"], "")], levels[("SG003", ids["lambda"], "")]) == ("low", "high")
    messages = {f.message for f in audit_result(snapshot).findings if f.rule_id == "SG003"}
    assert all("no inbound rule allows TCP 443" in m for m in messages)
