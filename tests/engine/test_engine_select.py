"""Selection before collection: ids and prefixes, ignore, min severity, opt-in parts, needs."""

from __future__ import annotations

from typing import Any

import pytest
from engine_snapshots import RULEPACK

from vpcaudit.engine.loader import load_registry
from vpcaudit.engine.rule import Rule, Severity
from vpcaudit.engine.select import needed_parts, select_rules, split_selectors
from vpcaudit.errors import UsageError
from vpcaudit.snapshot.model import Part


@pytest.fixture(scope="module")
def pack() -> tuple[Rule, ...]:
    return load_registry([RULEPACK], entry_points=False).rules


@pytest.mark.parametrize(("select", "ignore", "expected"), [
    (None, None, ["TST001", "TST002", "TST003", "TST004", "TST005"]),
    (["TST"], None, ["TST001", "TST002", "TST003", "TST004", "TST005"]),
    (["TST00"], ["TST004"], ["TST001", "TST002", "TST003", "TST005"]),
    (["tst001,TST003"], None, ["TST001", "TST003"]),
    (["TST001", "TST002"], ["TST002"], ["TST001"]),
])
def test_select_then_ignore_by_id_or_prefix(pack: tuple[Rule, ...], select: list[str] | None,
                                            ignore: list[str] | None, expected: list[str]) -> None:
    assert list(select_rules(pack, select=select, ignore=ignore).ids) == expected


def test_min_severity_keeps_rules_whose_default_is_at_least_it(pack: tuple[Rule, ...]) -> None:
    assert list(select_rules(pack, min_severity=Severity.MEDIUM).ids) == ["TST001", "TST003"]


def test_unknown_selectors_are_all_named(pack: tuple[Rule, ...]) -> None:
    with pytest.raises(UsageError, match=r"select: unknown rule id or prefix: DNS, TST9"):
        select_rules(pack, select=["DNS,TST001", "TST9"])
    with pytest.raises(UsageError, match=r"ignore: unknown rule id or prefix: S-G"):
        select_rules(pack, ignore=["S-G"])


@pytest.mark.parametrize(("options", "message"), [
    ({"ignore": ["TST"]}, "ignore: no rule selected: it leaves none of the 5 loaded rules"),
    ({"select": ["TST001"], "ignore": ["TST001"]}, "ignore: no rule selected: it leaves none of the 1 rule(s) "
                                                   "selected"),
    ({"min_severity": Severity.CRITICAL}, "min_severity: no rule selected: no rule reports critical or worse "
                                          "(the most severe reports high)"),
    ({"select": ["TST002"], "min_severity": Severity.MEDIUM}, "min_severity: no rule selected: no rule reports "
                                                              "medium or worse (the most severe reports low)"),
    ({"select": ["TST005"], "opt_in": frozenset()}, "with: no rule selected: TST005 needs opt-in data that is not "
                                                    "collected (metrics)"),
])
def test_a_selection_that_leaves_no_rule_is_an_error(pack: tuple[Rule, ...], options: dict[str, Any],
                                                     message: str) -> None:
    """Running nothing would exit 0: a typo in a pipeline's --ignore must not turn the audit into a pass."""
    with pytest.raises(UsageError) as raised:
        select_rules(pack, **options)
    assert str(raised.value) == message


def test_rules_needing_opt_in_parts_not_collected_are_set_aside(pack: tuple[Rule, ...]) -> None:
    without = select_rules(pack, opt_in=frozenset())
    assert "TST005" not in without.ids
    assert [r.id for r in without.opt_in_skipped] == ["TST005"]
    with_metrics = select_rules(pack, opt_in={Part.METRICS})
    assert "TST005" in with_metrics.ids and not with_metrics.opt_in_skipped


def test_needed_parts_is_the_union_of_the_selected_rules_needs(pack: tuple[Rule, ...]) -> None:
    assert needed_parts(select_rules(pack, select=["TST001"]).rules) == {Part.VPCS}
    assert needed_parts(select_rules(pack, select=["TST001", "TST003"]).rules) == {Part.VPCS, Part.FLOW_LOGS}


def test_split_selectors_accepts_repeats_and_commas_and_deduplicates() -> None:
    assert split_selectors(["dns, SG001", "DNS", ""]) == ("DNS", "SG001")


def test_routing_rules_also_collect_block_public_access_without_requiring_it() -> None:
    from vpcaudit.engine.loader import load_registry

    gwe001 = next(r for r in load_registry().rules if r.id == "GWE001")
    assert Part.ROUTE_TABLES in gwe001.needs and Part.BLOCK_PUBLIC_ACCESS not in gwe001.needs
    assert Part.BLOCK_PUBLIC_ACCESS in needed_parts([gwe001])


def test_rules_reading_network_interfaces_also_collect_redshift_clusters_without_requiring_them() -> None:
    """A Redshift node's interface calls AWS services through the VPC only with enhanced VPC routing;
    without the clusters it stays a client, so no rule needs them (Redshift is not in every Region)."""
    from vpcaudit.engine.loader import load_registry

    sg005 = next(r for r in load_registry().rules if r.id == "SG005")
    assert Part.NETWORK_INTERFACES in sg005.needs and Part.REDSHIFT_CLUSTERS not in sg005.needs
    assert Part.REDSHIFT_CLUSTERS in needed_parts([sg005])
    assert not any(Part.REDSHIFT_CLUSTERS in r.needs for r in load_registry().rules)


def test_rules_reading_network_interfaces_also_collect_memorydb_clusters_without_requiring_them() -> None:
    """A MemoryDB node's interface calls no AWS service from the VPC; without the clusters it stays
    a client of every service, so no rule needs them (MemoryDB is not in every Region)."""
    from vpcaudit.engine.loader import load_registry

    sg003 = next(r for r in load_registry().rules if r.id == "SG003")
    assert Part.NETWORK_INTERFACES in sg003.needs and Part.MEMORYDB_CLUSTERS not in sg003.needs
    assert Part.MEMORYDB_CLUSTERS in needed_parts([sg003])


def test_rules_reading_network_interfaces_also_collect_mq_brokers_without_requiring_them() -> None:
    """An ActiveMQ broker's interface is no workload; without the brokers it stays one, so no rule
    needs them (Amazon MQ is not in every Region, and its calls may be denied)."""
    from vpcaudit.engine.loader import load_registry

    sg005 = next(r for r in load_registry().rules if r.id == "SG005")
    assert Part.NETWORK_INTERFACES in sg005.needs and Part.MQ_BROKERS not in sg005.needs
    assert Part.MQ_BROKERS in needed_parts([sg005])
    assert not any(Part.MQ_BROKERS in r.needs for r in load_registry().rules)
    assert not any(Part.MEMORYDB_CLUSTERS in r.needs for r in load_registry().rules)
def test_rules_reading_network_interfaces_also_collect_db_instances_without_requiring_them() -> None:
    """A DB instance's engine tells which services its interface calls; without the instances it
    stays a client of what every engine calls, so no rule needs them."""
    from vpcaudit.engine.loader import load_registry

    sg005 = next(r for r in load_registry().rules if r.id == "SG005")
    assert Part.NETWORK_INTERFACES in sg005.needs and Part.DB_INSTANCES not in sg005.needs
    assert Part.DB_INSTANCES in needed_parts([sg005])
    assert not any(Part.DB_INSTANCES in r.needs for r in load_registry().rules)


def test_rules_reading_network_interfaces_also_collect_firehose_streams_without_requiring_them() -> None:
    """The interfaces a Firehose stream delivers through call no AWS service; without the streams
    they stay clients, so no rule needs them (a denied Firehose must leave every rule judged)."""
    from vpcaudit.engine.loader import load_registry

    sg005 = next(r for r in load_registry().rules if r.id == "SG005")
    assert Part.NETWORK_INTERFACES in sg005.needs and Part.FIREHOSE_STREAMS not in sg005.needs
    assert Part.FIREHOSE_STREAMS in needed_parts([sg005])
    assert not any(Part.FIREHOSE_STREAMS in r.needs for r in load_registry().rules)


def test_rules_reading_subnets_also_collect_the_regions_zones_without_requiring_them() -> None:
    """A zone's type and network border group tell a Local Zone's NAT gateway address from an AZ's;
    without them a zone is read by its name, so no rule needs them (a denied
    DescribeAvailabilityZones must leave every rule judged)."""
    from vpcaudit.engine.loader import load_registry

    nat003 = next(r for r in load_registry().rules if r.id == "NAT003")
    assert Part.SUBNETS in nat003.needs and Part.AVAILABILITY_ZONES not in nat003.needs
    assert Part.AVAILABILITY_ZONES in needed_parts([nat003])
    assert not any(Part.AVAILABILITY_ZONES in r.needs for r in load_registry().rules)


def test_rules_reading_endpoints_also_collect_network_interfaces_without_requiring_them() -> None:
    """SG001 tells an endpoint open to the internet through its interfaces' public addresses;
    without the interfaces it says what it cannot know, so it does not need them."""
    from vpcaudit.engine.loader import load_registry

    sg001 = next(r for r in load_registry().rules if r.id == "SG001")
    assert Part.VPC_ENDPOINTS in sg001.needs and Part.NETWORK_INTERFACES not in sg001.needs
    assert Part.NETWORK_INTERFACES in needed_parts([sg001])


def test_rules_reading_network_interfaces_also_collect_datasync_tasks_without_requiring_them() -> None:
    """DataSync's task interfaces call no AWS service through the VPC; without the tasks they stay
    clients, so no rule needs them (DataSync is not in every Region)."""
    from vpcaudit.engine.loader import load_registry

    sg005 = next(r for r in load_registry().rules if r.id == "SG005")
    assert Part.NETWORK_INTERFACES in sg005.needs and Part.DATASYNC_TASKS not in sg005.needs
    assert Part.DATASYNC_TASKS in needed_parts([sg005])
    assert not any(Part.DATASYNC_TASKS in r.needs for r in load_registry().rules)
