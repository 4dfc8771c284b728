"""An EC2 instance without a route out of its VPC, reached with Session Manager through the
``ssm``/``ssmmessages``/``ec2messages`` interface endpoints in the AWS China (Beijing) Region (AWS
China blog, "从客户 Amazon VPC 访问外部亚马逊云科技托管服务"): every finding and its verdict
(docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result, region_view
from layouts import china_ssm_session_manager
from layouts.china_ssm_session_manager import REGION, SSM_SERVICES

from vpcaudit.engine.rule import Status
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
CN_COM_PREFIX = {"prefix": "cn.com.amazonaws"}
NO_EC2MESSAGES = {"services": ("ssm", "ssmmessages")}
DEFAULT_GROUP_SOURCE = {"endpoint_source": "default"}
PRIVATE_DNS_OFF = {"private_dns": False}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return china_ssm_session_manager.build(**options)  # type: ignore[arg-type]


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: nothing in the lab creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _ssm_policy(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: ``endpoint-SSM`` keeps the console's default full-access policy; the
    blog mentions endpoint policies as a way to narrow access and sets none. ``ssmmessages`` and
    ``ec2messages`` take no policy, so nothing is said of them."""
    return {("POL001", ids["ssm"], "fail")}


def _optional_session_endpoints(ids: dict[str, str]) -> Triples:
    """Right (advice), info: Session Manager's optional ``kms`` and ``logs`` endpoints (session
    encryption, session logs) are absent; the lab uses neither feature."""
    return {("IFE003", ids["vpc"], "fail")}


def _canonical(ids: dict[str, str]) -> Triples:
    return _flow_logs(ids) | _ssm_policy(ids) | _optional_session_endpoints(ids)


def _ife003(snapshot: Snapshot):  # type: ignore[no-untyped-def]
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "IFE003" and f.status is Status.FAIL]
    return finding


def test_china_names_in_the_catalogue_and_on_the_endpoints() -> None:
    """The catalogue holds cn-north-1's names as DescribeVpcEndpointServices lists them: the three
    Systems Manager services under ``com.amazonaws.``, S3 twice (the ``cn.com.amazonaws.`` interface
    service, the ``com.amazonaws.`` gateway service), ``ec2`` under ``cn.com.amazonaws.`` only; the
    endpoints use the ``com.amazonaws.`` names and the engine resolves their default hostnames in
    ``amazonaws.com.cn`` and their partition ``aws-cn``."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    catalogue = {s.service_name: s for s in region.endpoint_services}
    assert {f"com.amazonaws.{REGION}.{k}" for k in SSM_SERVICES} <= set(catalogue)
    assert not {f"cn.com.amazonaws.{REGION}.{k}" for k in SSM_SERVICES} & set(catalogue)
    assert catalogue[f"cn.com.amazonaws.{REGION}.s3"].service_types == ("Interface",)
    assert catalogue[f"com.amazonaws.{REGION}.s3"].service_types == ("Gateway",)
    assert f"cn.com.amazonaws.{REGION}.ec2" in catalogue and f"com.amazonaws.{REGION}.ec2" not in catalogue
    assert all(n.endswith(".amazonaws.com.cn") for s in catalogue.values() for n in s.private_dns_names)
    view = region_view(snapshot)
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    for key in SSM_SERVICES:
        endpoint = endpoints[ids[key]]
        assert endpoint.service_name == f"com.amazonaws.{REGION}.{key}"
        info = view.service(endpoint)
        assert (info.key, info.is_aws_service, info.hostnames) == (key, True, (f"{key}.{REGION}.amazonaws.com.cn",))
        assert all(d.dns_name.endswith(".vpce.amazonaws.com.cn") for d in endpoint.dns_entries)
    # The lab's instance is the endpoints' only client; the endpoints' interfaces are not workloads.
    assert [e.network_interface_id for e in view.workload_enis(ids["vpc"])] == [ids["instance_eni"]]
    assert {f.resource.partition for f in audit_result(snapshot).findings} == {"aws-cn"}


def test_findings_and_verdicts() -> None:
    """The canonical form: MON001, POL001 on ``ssm``, IFE003 (optional members). Silent, rightly:
    SG001-SG006 (``endpoint-sg`` admits 443 from ``ec2-ssm-sg``, which lets 443 out to it); DNS rules
    (VPC DNS on, private DNS on); IFE001/IFE002 (the endpoints are in the AZ of their only client);
    GWE002/GWE003 and NAT rules (no NAT gateway: nothing pays NAT processing); RT001; ACL001."""
    snapshot, ids = _built()
    assert audit(snapshot) == _canonical(ids)


def test_the_bundle_fix_creates_the_china_names() -> None:
    """IFE003's fix creates ``kms`` and ``logs`` under the names cn-north-1 offers
    (``com.amazonaws.cn-north-1.kms`` / ``.logs``), in the endpoints' subnet and group."""
    snapshot, ids = _built()
    finding = _ife003(snapshot)
    assert finding.evidence["missing"] == ["kms", "logs"]
    steps = [s for s in finding.fix if s.action == "ec2:CreateVpcEndpoint"]
    assert {s.parameters["ServiceName"] for s in steps} == {f"com.amazonaws.{REGION}.kms",
                                                            f"com.amazonaws.{REGION}.logs"}
    assert {(tuple(s.parameters["SubnetIds"]), tuple(s.parameters["SecurityGroupIds"])) for s in steps} == {
        ((ids["subnet"],), (ids["endpoint_sg"],))}


def test_the_bundle_fix_prices_the_endpoint_in_the_regions_currency() -> None:
    """Rule was wrong, fixed. China Regions are billed in CNY (vpcaudit/price_table.py prices them
    so); the step's text quoted a fixed us-east-1 "$7.30/month per AZ". It now quotes the Region's
    figure from the cost model."""
    snapshot, _ = _built()
    descriptions = [s.description for s in _ife003(snapshot).fix if s.action == "ec2:CreateVpcEndpoint"]
    assert descriptions and all("$" not in d and "(about CN¥51.83/month per AZ)" in d for d in descriptions)


def test_near_miss_commercial_style_prefix_leaves_no_endpoint() -> None:
    """The endpoints requested as ``cn.com.amazonaws.cn-north-1.ssm`` etc.: no such service in
    cn-north-1, so none exists and the instance, with no route out, cannot reach Systems Manager.
    A gap, pinned: only MON001. Nothing in the snapshot says the instance is meant to be managed
    (no instance profile, no managed-instance record), and IFE003 starts only from a member of the
    bundle, of which none exists."""
    snapshot, ids = _built(**CN_COM_PREFIX)
    assert audit(snapshot) == _flow_logs(ids)
    assert not snapshot.accounts[0].regions[0].vpc_endpoints
    assert not {k for k in SSM_SERVICES if k in ids}


def test_near_miss_ec2messages_forgotten() -> None:
    """No ``ec2messages``: the audit is the canonical one, IFE003 (info) now also naming
    ``ec2messages`` as optional, "required only for SSM Agent older than 3.3.40.0". Right
    (advice): AWS's message-API reference has agents from 3.3.40.0 use ``ssmmessages`` where they
    can; an older preinstalled agent would not pick up Run Command. The snapshot holds no agent
    version, so info is as far as the rule can go."""
    snapshot, ids = _built(**NO_EC2MESSAGES)
    assert audit(snapshot) == _canonical(ids)
    finding = _ife003(snapshot)
    assert (finding.evidence["missing"], finding.severity.value) == (["ec2messages", "kms", "logs"], "info")


def test_near_miss_endpoint_group_admits_a_group_the_instance_lacks() -> None:
    """``endpoint-sg`` admitting 443 from the VPC's default group, which the instance does not carry.
    Right, high: SG003 on each of the three endpoints — no client can reach them, so the agent never
    registers and Session Manager cannot connect."""
    snapshot, ids = _built(**DEFAULT_GROUP_SOURCE)
    assert audit(snapshot) == _canonical(ids) | {("SG003", ids[k], "fail") for k in SSM_SERVICES}


def test_near_miss_private_dns_off() -> None:
    """Private DNS off on the three endpoints. Right, medium: DNS003 on each — the agent calls
    ``ssm.cn-north-1.amazonaws.com.cn`` etc., which then resolve to public addresses the subnet has
    no route to."""
    snapshot, ids = _built(**PRIVATE_DNS_OFF)
    assert audit(snapshot) == _canonical(ids) | {("DNS003", ids[k], "fail") for k in SSM_SERVICES}
