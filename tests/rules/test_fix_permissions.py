"""The security-group permissions fixes write: runs of consecutive ports as one rule each, and
refused ports let in from the sources a group already admits its clients from."""

from __future__ import annotations

from vpcaudit.rules._fixes import authorize_sources, format_tcp, tcp_permission
from vpcaudit.snapshot import resources as r


def _rule(rule_id: str, *, cidr: str | None = None, group: str | None = None,
          prefix_list: str | None = None) -> r.SecurityGroupRule:
    return r.SecurityGroupRule(rule_id, "sg-endpoint", False, "tcp", 443, 443, cidr, None, prefix_list, group, None)


GROUP = r.SecurityGroup("sg-endpoint", "endpoint", "vpc-1", "111122223333", "", (), ())


def test_consecutive_ports_are_one_permission_and_lone_ports_their_own() -> None:
    permissions = tcp_permission([1031, 1026, 1027, 1028, 443, 1027], cidrs=["10.0.0.0/16"])
    assert [(p["FromPort"], p["ToPort"]) for p in permissions] == [(443, 443), (1026, 1028), (1031, 1031)]
    assert all(p["IpRanges"] == [{"CidrIp": "10.0.0.0/16"}] for p in permissions)
    assert format_tcp([443, *range(1400, 1500)]) == "TCP 443/1400-1499"


def test_refused_ports_come_in_from_the_sources_already_admitted() -> None:
    """An appliance's or users' range and a clients' group admitted on 443 get the refused ports
    from the same sources; a rule naming only a prefix list gives nothing to copy (None: the
    caller falls back to the VPC's blocks)."""
    step = authorize_sources(GROUP, range(1400, 1500), [_rule("r1", cidr="172.16.0.0/16"), _rule("r2", group="sg-app")],
                             "the clients it admits on other ports")
    assert step is not None and step.ready and step.action == "ec2:AuthorizeSecurityGroupIngress"
    assert step.parameters["IpPermissions"] == [
        {"IpProtocol": "tcp", "FromPort": 1400, "ToPort": 1499, "IpRanges": [{"CidrIp": "172.16.0.0/16"}]},
        {"IpProtocol": "tcp", "FromPort": 1400, "ToPort": 1499, "UserIdGroupPairs": [{"GroupId": "sg-app"}]}]
    assert "TCP 1400-1499 from 172.16.0.0/16, sg-app" in step.description
    assert authorize_sources(GROUP, [1400], [_rule("r3", prefix_list="pl-1")], "why") is None
