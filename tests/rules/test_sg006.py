"""SG006 endpoint-sg-misses-vpc-block: workloads in a VPC CIDR block the endpoint's groups leave out."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from builders import RegionBuilder
from rulecheck import findings, fix_of, triples

from vpcaudit.rules.sg.sg006_endpoint_sg_misses_vpc_block import endpoint_sg_misses_vpc_block as rule


def _secondary_block_vpc(sources: Iterable[str]) -> tuple[RegionBuilder, str, str, list[str]]:
    """A VPC with a secondary CIDR block, workloads in both blocks, an ssm endpoint in the primary
    block's subnets admitting TCP 443 from ``sources``. Returns builder, endpoint, VPC, the
    secondary block's workload ENIs."""
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16", extra_cidrs=["10.1.0.0/16"])
    app = b.security_group(vpc, name="app")
    primary = [b.subnet(vpc, f"10.0.{az}.0/24", az=az) for az in (1, 2)]
    secondary = [b.subnet(vpc, f"10.1.{az}.0/24", az=az) for az in (1, 2)]
    enis = [b.workload(s, groups=[app]) for s in (*primary, *secondary)]
    group = b.security_group(vpc, name="endpoint", ingress=[("tcp", 443, 443, c) for c in sources])
    endpoint = b.interface_endpoint(vpc, "ssm", subnets=primary, groups=[group])
    return b, endpoint, vpc, enis[2:]


def test_a_rule_for_the_primary_cidr_block_strands_clients_in_a_secondary_block() -> None:
    """The group admits "the VPC CIDR" written as its primary block (terraform-aws-vpc's
    ``vpc_cidr_block`` output is that block alone): the workloads in the secondary block time out
    on the endpoint, and with private DNS on they have no other way to the service. Medium: the
    primary block's clients get in."""
    b, endpoint, _, stranded = _secondary_block_vpc(["10.0.0.0/16"])
    [finding] = findings(rule, b.snapshot())
    assert (finding.resource.resource_id, finding.severity.value) == (endpoint, "medium")
    assert "10.1.0.0/16" in finding.message and all(eni in finding.message for eni in stranded)
    [(action, parameters, _, _)] = fix_of(rule, b.snapshot(), endpoint)
    assert action == "ec2:AuthorizeSecurityGroupIngress"
    assert parameters["IpPermissions"][0]["IpRanges"] == [{"CidrIp": "10.1.0.0/16"}]


@pytest.mark.parametrize("sources", [["10.0.0.0/16", "10.1.0.0/16"], ["10.0.0.0/15"], ["10.0.0.0/16", "10.1.1.0/24",
                                                                                    "10.1.2.0/24"]])
def test_every_block_admitted_is_no_finding(sources: list[str]) -> None:
    """Both blocks, a supernet of both, or the secondary block's client subnets: nobody is stranded."""
    b, _, _, _ = _secondary_block_vpc(sources)
    assert triples(rule, b.snapshot()) == set()


def test_a_rule_naming_subnets_is_a_choice_not_a_slip() -> None:
    """Only the primary block's first subnet admitted: a deliberate least-privilege source, which
    SG006 does not second-guess (only a rule naming a whole VPC CIDR block reads as "the VPC")."""
    b, _, _, _ = _secondary_block_vpc(["10.0.1.0/24"])
    assert triples(rule, b.snapshot()) == set()


def test_an_endpoint_admitting_no_client_is_sg003s_alone() -> None:
    """Nothing admitted at all (the group has no rule on 443): SG003 fires high, SG006 stays out."""
    from vpcaudit.rules.sg.sg003_endpoint_sg_blocks_clients import endpoint_sg_blocks_clients

    b, endpoint, _, _ = _secondary_block_vpc([])
    assert triples(rule, b.snapshot()) == set()
    assert triples(endpoint_sg_blocks_clients, b.snapshot()) == {("SG003", endpoint, "fail")}
