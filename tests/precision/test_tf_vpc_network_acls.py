"""terraform-aws-vpc's network-acls example: every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from aws_layout import audit, audit_result, severities
from layouts import tf_vpc_network_acls


def test_findings_and_verdicts_as_published() -> None:
    snapshot, ids = tf_vpc_network_acls.build()
    # Right: no flow log. Nothing else to say: no endpoint for ACL001 to judge, no NAT gateway
    # (enable_nat_gateway = false), and the private and ElastiCache subnets have no IPv4 route
    # out (the ::/0 route to the egress-only gateway serves no subnet: none has an IPv6 CIDR),
    # so no S3/DynamoDB traffic pays NAT processing.
    assert audit(snapshot) == {("MON001", ids["vpc"], "fail")}


def test_endpoints_in_the_private_subnets_pass_every_nacl() -> None:
    """The Session Manager endpoints in the private subnets (default NACL, allow all), clients
    in all three tiers. ACL001 stays silent, rightly: the public NACL lets the web servers send
    TCP 443 out (rule 110) and admits the replies on 1024-65535 (rule 900, after rules 100-140);
    the ElastiCache NACL sends 443 out (rule 110) and admits everything in (rule 100). The ICMP
    and ::/0 entries do not apply to IPv4 TCP, and no IPv4 entry is shadowed by them."""
    snapshot, ids = tf_vpc_network_acls.build(endpoints=True)
    assert audit(snapshot) == {
        # Right (advice): no flow log; ssm keeps the default full-access policy (ssmmessages and
        # ec2messages support no endpoint policy); no kms / logs endpoints for Session Manager's
        # optional encryption and session logging (info).
        ("MON001", ids["vpc"], "fail"), ("POL001", ids["ssm"], "fail"), ("IFE003", ids["vpc"], "fail"),
    }
    assert severities(snapshot)[("IFE003", ids["vpc"], "session-manager:optional")] == "info"


def test_endpoints_in_the_public_subnets_lose_low_ephemeral_replies() -> None:
    """Near miss: the same endpoints in the public subnets. Their NACL sends replies only to
    TCP 32768-65535 (rule 900 of ``default_outbound``); replies to client ports 1024-32767 hit
    the ``*`` deny. Right, and low: Linux (32768-60999) and Windows (49152-65535) clients are
    unaffected, clients that pick from 1024-65535 (NAT, ELB, Lambda) fail now and then — AWS's
    NACL guide says to open 1024-65535 to cover the different types of clients."""
    snapshot, ids = tf_vpc_network_acls.build(endpoints=True, endpoint_tier="public")
    blocked = {("ACL001", ids["public_acl"], "fail")}
    assert audit(snapshot) == blocked | {("MON001", ids["vpc"], "fail"), ("POL001", ids["ssm"], "fail"),
                                         ("IFE003", ids["vpc"], "fail")}
    levels = severities(snapshot)
    assert {levels[("ACL001", ids["public_acl"], ids[e])] for e in ("ssm", "ssmmessages", "ec2messages")} == {"low"}
    findings = [f for f in audit_result(snapshot).findings if f.rule_id == "ACL001"]
    public = ", ".join(sorted(ids[f"public{i}"] for i in (1, 2, 3)))
    for finding in findings:
        # One line for the 15 (endpoint subnet, client subnet) pairs: one entry denies them all. The
        # clients are the public and private subnets' workloads; the ElastiCache subnets' cache nodes
        # call no AWS service (they counted as clients, 24 pairs, until that was fixed).
        assert finding.evidence["problem_count"] == 15
        assert (f"its clients: rule 32767 (*) denies outbound TCP 1024-32767 (replies) from endpoint subnets "
                f"{public} (3) to client subnets ") in finding.message
        assert "(6). Only ports below 32768" in finding.message
        assert finding.message.count("denies") == 1
        # The six client subnets merge exactly into four entries, within the NACL's quota: ready.
        assert [(s.parameters["CidrBlock"], s.parameters["RuleNumber"], s.parameters["Egress"], s.ready)
                for s in finding.fix] == [("10.0.0.0/23", 32766, True, True), ("10.0.2.0/24", 32765, True, True),
                                          ("10.0.4.0/23", 32764, True, True), ("10.0.6.0/24", 32763, True, True)]
