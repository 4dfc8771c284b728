"""A Lambda function in isolated subnets sending to an SSE-KMS Amazon SQS queue and reading a
Secrets Manager secret through the ``sqs`` and ``secretsmanager`` interface endpoints, no ``kms``
endpoint (AWS Solutions Constructs ``aws-lambda-sqs`` with ``deployVpc`` and a customer managed
key, with ``aws-lambda-secretsmanager`` on the same function and VPC): every finding and its
verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result, region_view, severities
from layouts import lambda_sqs_kms_private
from layouts.lambda_sqs_kms_private import FUNCTION, ISOLATED_CIDRS, ROLE_ID, VPC_CIDR

from vpcaudit.engine.rule import Status
from vpcaudit.network.dns import authority
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
DEFAULT_GROUP_SOURCE = {"endpoint_source": "default"}
FUNCTION_GROUP_SOURCE = {"endpoint_source": "function"}
NO_FUNCTION_EGRESS = {"function_egress": False}
KMS_ENDPOINT = {"kms_endpoint": True}
KMS_ENDPOINT_WITH_METRICS = {"kms_endpoint": True, "metrics": True}
KMS_HOSTNAME = "kms.us-east-1.amazonaws.com"
ENDPOINTS = ("sqs", "secretsmanager")


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return lambda_sqs_kms_private.build(**options)  # type: ignore[arg-type]


def _full_access(ids: dict[str, str], keys: tuple[str, ...] = ENDPOINTS) -> Triples:
    """Right (advice), medium: ``AddAwsServiceEndpoint`` passes no policy document, so both
    endpoints keep AWS's default full-access policy. The SQS guide's endpoint-policy example
    narrows one to ``sqs:SendMessage`` on a queue ARN, and the Secrets Manager guide offers one
    restricted to a secret; the function needs exactly those two calls."""
    return {("POL001", ids[key], "fail") for key in keys}


def _unreachable_endpoints(ids: dict[str, str]) -> Triples:
    """Right, high: each endpoint's group admits TCP 443 only from the VPC's default group, which
    the construct's VPC strips of its rules and no interface carries. The function's Hyperplane
    ENIs are refused on both, and with private DNS on the SDK's public names resolve to these
    endpoints, so ``SendMessage`` and ``GetSecretValue`` time out."""
    return {("SG003", ids[key], "fail") for key in ENDPOINTS}


def _function_egress_blocked(ids: dict[str, str]) -> Triples:
    """Right, medium: the function's group holds only CDK's match-nothing rule (ICMP 252-86 to
    255.255.255.255/32), so its interfaces send no TCP 443 to either endpoint."""
    return {("SG005", ids["function_sg"], "fail")}


def _idle_kms_endpoint(ids: dict[str, str]) -> Triples:
    """Right (advice), low: the ``kms`` endpoint processed no byte in 14 days. SQS makes the
    SSE-KMS calls itself, on the function's behalf, and the function calls KMS for nothing else,
    so the endpoint costs two AZs' hourly charge for nothing."""
    return {("IFE006", ids["kms"], "fail")}


def test_the_snapshot_is_the_constructs_vpc() -> None:
    """The builder against the constructs: two isolated /18s, each on a route table of its own
    with the local route only, no internet gateway or NAT, DNS support and hostnames on, a flow
    log; the default group stripped; the function's group with all egress; an endpoint group
    per service admitting TCP 443 from the VPC's block; ``sqs`` and ``secretsmanager`` in both
    subnets with private DNS on; and the function's two interfaces as DescribeNetworkInterfaces
    reports them, clients of both endpoints."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    (vpc,) = region.vpcs
    assert (vpc.cidr_blocks, vpc.enable_dns_support, vpc.enable_dns_hostnames) == ((VPC_CIDR,), True, True)
    assert not region.internet_gateways and not region.nat_gateways
    assert [(f.resource_id, f.traffic_type) for f in region.flow_logs] == [(ids["vpc"], "ALL")]
    assert sorted((s.cidr_block, s.availability_zone_id, s.map_public_ip_on_launch) for s in region.subnets) \
        == [(ISOLATED_CIDRS[0], "use1-az1", False), (ISOLATED_CIDRS[1], "use1-az2", False)]
    tables = {t.route_table_id: t for t in region.route_tables}
    for az in (1, 2):
        table = tables[ids[f"isolated_rt{az}"]]
        assert [a.subnet_id for a in table.associations] == [ids[f"isolated{az}"]]
        assert [(x.destination, x.target_kind) for x in table.routes] == [(VPC_CIDR, "local")]

    rules = {g.group_id: sorted((x.is_egress, x.ip_protocol, x.from_port, x.cidr_ipv4 or "",
                                 x.referenced_group_id or "") for x in g.rules) for g in region.security_groups}
    out = (True, "-1", None, "0.0.0.0/0", "")
    assert rules[ids["default_sg"]] == []
    assert rules[ids["function_sg"]] == [out]
    for key in ENDPOINTS:
        assert rules[ids[f"{key}_sg"]] == [(False, "tcp", 443, VPC_CIDR, ""), out]
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    assert sorted(e.service_name for e in endpoints.values()) \
        == ["com.amazonaws.us-east-1.secretsmanager", "com.amazonaws.us-east-1.sqs"]
    for key in ENDPOINTS:
        endpoint = endpoints[ids[key]]
        assert (endpoint.private_dns_enabled, endpoint.group_ids, endpoint.subnet_ids) \
            == (True, (ids[f"{key}_sg"],), tuple(sorted((ids["isolated1"], ids["isolated2"]))))

    view = region_view(snapshot)
    functions = [view.interfaces[ids[f"lambda_eni{az}"]] for az in (1, 2)]
    assert {(e.interface_type, e.requester_managed, e.requester_id, e.instance_id, e.group_ids,
             e.description.startswith(f"AWS Lambda VPC ENI-{FUNCTION}-")) for e in functions} \
        == {("lambda", False, f"{ROLE_ID}:{FUNCTION}", None, (ids["function_sg"],), True)}
    assert all(view.is_workload(e) for e in functions)
    for key in ENDPOINTS:
        assert set(view.client_enis(ids["vpc"], key)) == set(functions)


def test_findings_and_verdicts() -> None:
    """The canonical form: POL001 on both endpoints, nothing else. Silent, rightly: MON001 (the
    construct's flow log); SG001-SG006 (443 from the VPC's block, which holds every client; the
    function's group sends everything); IFE001/IFE002 (both endpoints in both of the function's
    AZs), IFE003 (no bundle involves ``sqs`` or ``secretsmanager``), IFE004-IFE006 (available, one
    endpoint per service, no metrics); DNS001-DNS005 (both attributes on, private DNS on,
    AmazonProvidedDNS); every NAT and GWE rule (no route beyond the VPC); ACL001 (default NACL);
    RT001; nothing on the stripped default group, which nothing carries."""
    snapshot, ids = _built()
    assert audit(snapshot) == _full_access(ids)
    levels = severities(snapshot)
    assert {levels[("POL001", ids[key], "")] for key in ENDPOINTS} == {"medium"}


def test_no_kms_endpoint_for_the_sse_kms_queue_is_right() -> None:
    """No ``kms`` endpoint, and no finding names KMS: **right**. The SQS guide says SendMessage
    "triggers" ``kms:GenerateDataKey`` and ``kms:Decrypt`` once a data key's reuse period ends,
    and the producer must hold both permissions; but SSE encrypts a message once SQS has received
    it, and SQS makes those KMS requests itself on the caller's behalf (a forward access session;
    ``kms:ViaService`` ``sqs.<region>.amazonaws.com``). The function opens no connection to KMS,
    so the isolated subnets need no path to it. In the VPC the KMS name still resolves to public
    addresses, which the subnets cannot reach, and that harms nothing here. Whether the queue is
    SSE-KMS is not in the snapshot anyway (no SQS resource is collected); a missing
    ``kms:GenerateDataKey`` is an IAM failure (``KMS.AccessDeniedException`` from SendMessage),
    which no network rule should report."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    catalogue = {s.service_name for s in snapshot.accounts[0].regions[0].endpoint_services}
    assert "com.amazonaws.us-east-1.kms" in catalogue
    assert not [e for e in view.endpoints.values() if e.service_name.endswith(".kms")]
    assert authority(view, ids["vpc"], KMS_HOSTNAME).kind == "public"
    assert authority(view, ids["vpc"], "sqs.us-east-1.amazonaws.com").endpoint == view.endpoints[ids["sqs"]]
    assert not [f for f in audit_result(snapshot).findings
                if f.status is Status.FAIL and "kms" in f.message.lower()]


def test_near_miss_endpoints_admit_the_default_group() -> None:
    """Both endpoints' groups narrowed by hand to TCP 443 from the VPC's default group instead of
    the function's: SG003 on each, high — **right**. The message names the default group, "which
    no workload ENI carries"; the fix admits 443 from the VPC's block, the construct's own rule."""
    snapshot, ids = _built(**DEFAULT_GROUP_SOURCE)
    assert audit(snapshot) == _full_access(ids) | _unreachable_endpoints(ids)
    levels = severities(snapshot)
    assert {levels[("SG003", ids[key], "")] for key in ENDPOINTS} == {"high"}
    findings = {f.resource.resource_id: f for f in audit_result(snapshot).findings
                if f.rule_id == "SG003" and f.status is Status.FAIL}
    for key in ENDPOINTS:
        finding = findings[ids[key]]
        assert f"reachable only from members of {ids['default_sg']}, which no workload ENI carries" \
            in finding.message
        assert [(s.action, s.parameters) for s in finding.fix] == [
            ("ec2:AuthorizeSecurityGroupIngress", {"GroupId": ids[f"{key}_sg"], "IpPermissions": [
                {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": VPC_CIDR}]}]})]


def test_the_endpoints_narrowed_to_the_function_group() -> None:
    """Both endpoints' groups admitting TCP 443 from the function's group, the least-privilege
    form of the construct's rule: the canonical findings — right, every client carries it."""
    snapshot, ids = _built(**FUNCTION_GROUP_SOURCE)
    assert audit(snapshot) == _full_access(ids)
    groups = {g.group_id: g for g in snapshot.accounts[0].regions[0].security_groups}
    assert {x.referenced_group_id for key in ENDPOINTS for x in groups[ids[f"{key}_sg"]].rules
            if not x.is_egress} == {ids["function_sg"]}


def test_near_miss_function_group_without_egress() -> None:
    """The function on a group made with ``allowAllOutbound: false`` and no egress rule: SG005,
    medium — **right**. Both endpoints are named, the evidence shows CDK's match-nothing rule,
    and the fix lets 443 out to each endpoint's group, which the endpoints' interfaces carry."""
    snapshot, ids = _built(**NO_FUNCTION_EGRESS)
    assert audit(snapshot) == _full_access(ids) | _function_egress_blocked(ids)
    assert severities(snapshot)[("SG005", ids["function_sg"], "")] == "medium"
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "SG005" and f.status is Status.FAIL]
    assert finding.evidence["endpoints"] == sorted(ids[key] for key in ENDPOINTS)
    assert finding.evidence["workload_enis"] == sorted(ids[f"lambda_eni{az}"] for az in (1, 2))
    assert finding.evidence["egress_rules"] == ["icmp to 255.255.255.255/32"]
    egress_to = {key: ("ec2:AuthorizeSecurityGroupEgress", {"GroupId": ids["function_sg"], "IpPermissions": [
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "UserIdGroupPairs": [{"GroupId": ids[f"{key}_sg"]}]}]})
        for key in ENDPOINTS}
    assert sorted(((s.action, s.parameters) for s in finding.fix), key=str) == sorted(egress_to.values(), key=str)


def test_near_miss_an_unneeded_kms_endpoint() -> None:
    """A ``kms`` endpoint added by hand. Without metrics: POL001 on it and nothing more. A gap,
    pinned: nothing in the snapshot says that no workload of the VPC calls KMS directly, so an
    endpoint nobody needs looks like any other. With the metrics a ``--with metrics`` scan
    collects: IFE006, low, on ``kms`` alone — **right** (advice), and it prices the endpoint at
    two AZs."""
    snapshot, ids = _built(**KMS_ENDPOINT)
    assert audit(snapshot) == _full_access(ids, (*ENDPOINTS, "kms"))
    snapshot, ids = _built(**KMS_ENDPOINT_WITH_METRICS)
    assert audit(snapshot) == _full_access(ids, (*ENDPOINTS, "kms")) | _idle_kms_endpoint(ids)
    assert severities(snapshot)[("IFE006", ids["kms"], "")] == "low"
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "IFE006" and f.status is Status.FAIL]
    assert finding.evidence["az_count"] == 2 and "~$14.60/month" in finding.message
