"""terraform-aws-vpc's fully-private-nat-gateways example: every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from aws_layout import audit, audit_result
from layouts import tf_vpc_private_nat

from vpcaudit.network.view import NetworkView


def _view(onward: bool) -> tuple[NetworkView, dict[str, str]]:
    snapshot, ids = tf_vpc_private_nat.build(onward=onward)
    [account] = snapshot.accounts
    [region] = account.regions
    return NetworkView.build(account, region), ids


def test_as_published() -> None:
    snapshot, ids = tf_vpc_private_nat.build()
    # Right: no flow log. The private NAT gateways are no public NAT gateways (NAT001-003 stay
    # silent), and with nothing routed beyond them the non-routable subnets are isolated: no
    # S3 or DynamoDB traffic pays anything, so GWE002/GWE003 have nothing to say.
    assert audit(snapshot) == {("MON001", ids["vpc"], "fail")}
    view, ids = _view(onward=False)
    assert view.internet_egress(ids["private1"]) is None


def test_with_the_route_aws_documents_for_the_pattern() -> None:
    snapshot, ids = tf_vpc_private_nat.build(onward=True)
    # Right, after following AWS: the workloads' traffic goes through their AZ's private NAT
    # gateway and on through the transit gateway its subnet routes to, so S3 and DynamoDB
    # traffic pays NAT and transit data processing. Before, the non-routable subnets counted as
    # isolated and GWE002/GWE003 named only the NAT gateways' subnets.
    assert audit(snapshot) == {("GWE002", ids["vpc"], "fail"), ("GWE003", ids["vpc"], "fail"),
                               ("MON001", ids["vpc"], "fail")}
    gwe002 = next(f for f in audit_result(snapshot).findings if f.rule_id == "GWE002")
    for i in (1, 2, 3):
        assert ids[f"private{i}"] in gwe002.message
        assert f"private NAT gateway {ids[f'nat{i}']} then transit gateway {tf_vpc_private_nat.TGW}" in gwe002.message
    view, ids = _view(onward=True)
    assert view.internet_egress(ids["private1"]) == "tgw"
    assert view.egress(ids["private1"]).private_nat == ids["nat1"]
