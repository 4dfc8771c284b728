"""Clients in private subnets querying Amazon Athena through an ``athena`` interface endpoint, with a
``glue`` endpoint and an S3 gateway endpoint for the query results (Athena User Guide, "Connect to
Amazon Athena using an interface VPC endpoint"): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

import json
from functools import cache

from aws_layout import audit, audit_result, region_view, severities
from layouts import athena_glue_private
from layouts.athena_glue_private import ATHENA_PRINCIPAL, HTTPS, RESULT_STREAM, RESULTS_BUCKET

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
NO_S3_ENDPOINT = {"s3_endpoint": False}
NO_CALLEDVIA_EXEMPTION = {"calledvia_exemption": False}
STREAM_ONLY = {"athena_ingress": (RESULT_STREAM,)}
HTTPS_ONLY = {"athena_ingress": (HTTPS,)}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return athena_glue_private.build(**options)  # type: ignore[arg-type]


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: nothing in the layout creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _full_access_policies(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the three endpoints keep AWS's default full-access policy. The Athena
    guide offers an endpoint policy (eight ``athena:`` actions on one workgroup) and does not require
    one. Narrowing the S3 endpoint's policy to the results bucket does not touch Athena's own reads
    and writes, which do not pass through the VPC."""
    keys = ("athena", "glue", "s3") if "s3" in ids else ("athena", "glue")
    return {("POL001", ids[key], "fail") for key in keys}


def _baseline(ids: dict[str, str]) -> Triples:
    return _flow_logs(ids) | _full_access_policies(ids)


def _deny_applies(policy: str, context: dict[str, list[str]]) -> bool:
    """Whether the bucket policy's one Deny statement matches a request with ``context`` (multi-valued
    keys as lists; a missing key makes ``StringNotEquals`` and ``ForAllValues:StringNotEquals`` true,
    as IAM's condition operators do)."""
    (statement,) = json.loads(policy)["Statement"]
    assert statement["Effect"] == "Deny"
    holds = []
    for operator, tests in statement["Condition"].items():
        for key, value in tests.items():
            present = context.get(key, [])
            assert operator in ("StringNotEquals", "ForAllValues:StringNotEquals")
            holds.append(all(v != value for v in present))
    return all(holds)


def test_layout_as_the_guides_describe_it() -> None:
    """Both interface endpoints in both subnets with private DNS on; the clients admitted to
    ``athena`` on 443 and 444 and to ``glue`` on 443; the S3 route on the private table; Athena puts
    no interface in the VPC, so the only workloads are the two client instances."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    for key in ("athena", "glue"):
        assert endpoints[ids[key]].private_dns_enabled
        assert set(endpoints[ids[key]].subnet_ids) == {ids["private1"], ids["private2"]}
    groups = {g.group_id: g for g in region.security_groups}
    assert sorted((x.from_port, x.referenced_group_id) for x in groups[ids["athena_sg"]].rules if not x.is_egress) \
        == [(HTTPS, ids["client_sg"]), (RESULT_STREAM, ids["client_sg"])]
    tables = {t.route_table_id: t for t in region.route_tables}
    assert any(route.target_id == ids["s3"] for route in tables[ids["private_rt"]].routes)
    view = region_view(snapshot)
    assert {e.network_interface_id for e in view.workload_enis(ids["vpc"])} == {ids["client1"], ids["client2"]}


def test_the_bucket_policy_admits_the_endpoint_and_athena() -> None:
    """The results bucket's policy: a client's request through the S3 endpoint passes, one from
    elsewhere is denied, and Athena's own request (no ``aws:SourceVpce`` of this VPC: the S3 page,
    "You also cannot restrict or allow access … based on the aws:SourceVpc or aws:SourceVpce condition
    keys"; ``aws:CalledVia`` [athena.amazonaws.com]) passes. Without the exemption Athena's request
    is denied: it can neither write nor read the result files."""
    snapshot, ids = _built()
    (bucket,) = snapshot.accounts[0].bucket_policies
    assert bucket.bucket == RESULTS_BUCKET
    policy = bucket.policy or ""
    athena = {"aws:CalledVia": [ATHENA_PRINCIPAL]}
    assert not _deny_applies(policy, {"aws:SourceVpce": [ids["s3"]]})
    assert _deny_applies(policy, {})
    assert not _deny_applies(policy, athena)
    strict, strict_ids = _built(**NO_CALLEDVIA_EXEMPTION)
    strict_policy = strict.accounts[0].bucket_policies[0].policy or ""
    assert _deny_applies(strict_policy, athena)
    assert not _deny_applies(strict_policy, {"aws:SourceVpce": [strict_ids["s3"]]})


def test_findings_and_verdicts() -> None:
    """The canonical form: MON001 and POL001 ×3. Silent, rightly: SG001,
    SG004, SG006 (both endpoint groups admit the clients' group only), SG003 (443 admitted on both),
    SG005 (the clients send anywhere), IFE001/IFE002 (both endpoints in both AZs the clients use),
    IFE003 (no bundle for Athena), DNS001-DNS005 (attributes on, AmazonProvidedDNS), GWE001 (the S3
    route on the one table), GWE002/GWE003 and the NAT rules (no NAT gateway), POL004 (the bucket
    policy tests ``aws:SourceVpce`` only), ACL001 (default NACL), RT001."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)


def test_the_result_stream_is_a_port_of_the_endpoint() -> None:
    """TCP 444 on ``athena-endpoint``'s group is the port "Athena uses to stream query results"
    (``GetQueryResultsStream``, the JDBC/ODBC fetcher the ``auto`` fetcher falls back to), and the
    JDBC 2.x and 3.x pages ask for it: no SG002. (SG002 read it as a port the endpoint does not use,
    and its ready fix revoked it: rule wrong, fixed — Athena's ports are 443 and 444, and every
    client still needs 443.)"""
    snapshot, ids = _built()
    (group,) = [g for g in snapshot.accounts[0].regions[0].security_groups if g.group_id == ids["athena_sg"]]
    assert any(not x.is_egress and x.from_port == RESULT_STREAM == x.to_port for x in group.rules)
    assert not [f for f in audit_result(snapshot).findings if f.rule_id == "SG002"]
    assert set(severities(snapshot).values()) == {"medium"}


def test_near_miss_no_s3_gateway_endpoint() -> None:
    """No S3 gateway endpoint: the drivers' default fetcher downloads result files "directly from
    Amazon S3", and the private subnets have no route to S3; queries still run (Athena writes the
    results from its side) and the streaming fetcher on 444 still works, so results arrive only if
    the fetcher falls back. A gap, pinned: the audit is the canonical one less the S3 endpoint's
    POL001. GWE002 counts only subnets leaving through NAT or a transit gateway, and IFE003 has no
    Athena bundle; nothing in the snapshot says the clients read S3 (no workgroup or result location
    is collected)."""
    snapshot, ids = _built(**NO_S3_ENDPOINT)
    assert "s3" not in ids
    assert audit(snapshot) == _baseline(ids)
    assert not snapshot.accounts[0].bucket_policies


def test_near_miss_bucket_policy_without_the_calledvia_exemption() -> None:
    """The results bucket denies every request not through the S3 endpoint, Athena's included:
    Athena's writes of the result files carry no ``aws:SourceVpce`` and every query fails on its
    output location. A gap, pinned: the audit is the canonical one. POL004 judges ``aws:SourceIp``
    conditions only (a deny on a VPC key is its exemption, not its hazard), and the snapshot does not
    say the bucket is an Athena result location, so no rule could tell this deny from a correct
    data perimeter on a bucket no AWS service writes to."""
    snapshot, ids = _built(**NO_CALLEDVIA_EXEMPTION)
    assert audit(snapshot) == _baseline(ids)
    policy = json.loads(snapshot.accounts[0].bucket_policies[0].policy or "")
    assert "aws:CalledVia" not in json.dumps(policy)


def test_near_miss_athena_endpoint_without_443() -> None:
    """``athena-endpoint`` admits the clients on 444 only: no API call (StartQueryExecution, …)
    reaches the endpoint. SG003 on the athena endpoint, high: **Right**. Its ready fix admits 443 from
    the clients' group, which the endpoint's group admits on 444 already. The 444 rule the group
    keeps is one the drivers need: no SG002."""
    snapshot, ids = _built(**STREAM_ONLY)
    sg003 = {("SG003", ids["athena"], "fail")}
    assert audit(snapshot) == _baseline(ids) | sg003
    assert severities(snapshot)[("SG003", ids["athena"], "")] == "high"
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "SG003"]
    (step,) = finding.fix
    assert step.ready and step.parameters["IpPermissions"] == [
        {"IpProtocol": "tcp", "FromPort": HTTPS, "ToPort": HTTPS, "UserIdGroupPairs": [{"GroupId": ids["client_sg"]}]}]


def test_near_miss_athena_endpoint_without_444() -> None:
    """``athena-endpoint`` admits the clients on 443 only, as for any AWS API: the JDBC 2.x driver
    fails with "[Simba][AthenaJDBC](100123) … Exception during column initialization", the 3.x
    driver whenever its ``auto`` fetcher falls back to the stream. A gap, pinned, and advice at most:
    SG002 is silent (nothing extra) and so is SG003 (443 serves the SDK clients); which client is a
    JDBC/ODBC driver the snapshot cannot tell."""
    snapshot, ids = _built(**HTTPS_ONLY)
    assert audit(snapshot) == _baseline(ids)
