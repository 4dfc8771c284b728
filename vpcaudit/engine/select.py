"""Rule selection, done *before* collecting: which rules run, and so which parts to collect.

Selecting first is what lets ``vpcaudit scan --select DNS`` make only the DNS rules' API
calls, and what guarantees a rule the user disabled never runs (cfn-lint #4406). A selector
that matches no rule is an error rather than a silent no-op: a typo in a CI pipeline's
``--ignore`` would otherwise quietly turn a check off — or on. So is a selection that leaves no
rule to run (everything ignored, nothing that severe, only rules needing opt-in data nobody
collects): running nothing exits 0, and a gate that passes because it checked nothing is worse
than one that fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from vpcaudit.engine.rule import Rule, Severity
from vpcaudit.errors import UsageError
from vpcaudit.snapshot.model import Part

_SELECTOR = re.compile(r"^[A-Z]{1,5}\d{0,3}$")


@dataclass(frozen=True, slots=True)
class Selection:
    """The rules that will run, and the rules left out only because an opt-in part is missing."""

    rules: tuple[Rule, ...]
    opt_in_skipped: tuple[Rule, ...] = ()

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.rules)


def split_selectors(values: Iterable[str] | None) -> tuple[str, ...]:
    """``["DNS,SG001", "nat"]`` → ``("DNS", "SG001", "NAT")``: repeatable and comma-separated."""
    out: list[str] = []
    for value in values or ():
        out.extend(part.strip().upper() for part in value.split(",") if part.strip())
    return tuple(dict.fromkeys(out))


def _matches(selector: str, rule_id: str) -> bool:
    return rule_id.startswith(selector)


def check_selectors(selectors: Iterable[str], rules: Iterable[Rule], setting: str) -> None:
    """Fail naming every selector that is malformed or matches no loaded rule."""
    ids = [r.id for r in rules]
    unknown = [s for s in selectors if not _SELECTOR.match(s) or not any(_matches(s, i) for i in ids)]
    if unknown:
        raise UsageError(f"unknown rule id or prefix: {', '.join(unknown)} (see `vpcaudit rules list`)", setting)


def select_rules(rules: Iterable[Rule], *, select: Iterable[str] | None = None,
                 ignore: Iterable[str] | None = None, min_severity: Severity | None = None,
                 opt_in: Iterable[Part] | None = None,
                 severity_overrides: Mapping[str, Severity] | None = None) -> Selection:
    """Apply ``select`` (default: all), then ``ignore``, then ``min_severity``.

    ``min_severity`` compares a rule's default severity (its worst case for rules whose
    severity depends on context), or the severity ``severity_overrides`` gives the rule: a rule
    the team raised to high must run under a high ``min_severity``. ``opt_in``: the opt-in parts
    that will be (or were) collected; a rule needing another opt-in part is set aside in ``opt_in_skipped``, so that
    ``--strict`` does not fail on data nobody asked to collect. ``None`` keeps every rule.
    """
    pool = tuple(sorted(rules, key=lambda r: r.id))
    chosen = split_selectors(select)
    dropped = split_selectors(ignore)
    check_selectors(chosen, pool, "select")
    check_selectors(dropped, pool, "ignore")
    selected = [r for r in pool if not chosen or any(_matches(s, r.id) for s in chosen)]
    picked = [r for r in selected if not any(_matches(s, r.id) for s in dropped)]
    if not picked:
        scope = f"the {len(selected)} rule(s) selected" if chosen else f"the {len(pool)} loaded rules"
        raise UsageError(f"no rule selected: it leaves none of {scope}", "ignore")
    if min_severity is not None:
        overrides = severity_overrides or {}
        severe = [r for r in picked if overrides.get(r.id, r.severity).at_least(min_severity)]
        if not severe:
            worst = max((overrides.get(r.id, r.severity) for r in picked), key=lambda s: s.rank)
            raise UsageError(f"no rule selected: no rule reports {min_severity.value} or worse (the most severe "
                             f"reports {worst.value})", "min_severity")
        picked = severe
    if opt_in is None:
        return Selection(tuple(picked))
    available = set(opt_in)
    runnable = tuple(r for r in picked if all(p in available for p in r.needs if p.opt_in))
    skipped = tuple(r for r in picked if r not in runnable)
    if not runnable:
        missing = sorted({p.value for r in skipped for p in r.needs if p.opt_in and p not in available})
        raise UsageError(f"no rule selected: {', '.join(r.id for r in skipped)} "
                         f"{'needs' if len(skipped) == 1 else 'need'} opt-in data that is not collected "
                         f"({', '.join(missing)})", "with")
    return Selection(runnable, skipped)


# Parts that sharpen the network view, though no rule may *require* them. VPC Block Public Access,
# wherever routing is read: it is missing from some partitions' APIs (and from moto), and a rule
# needing it would be "not evaluated" there. Redshift clusters, wherever network interfaces are
# read: they tell a node's interface that calls no AWS service through the VPC (enhanced VPC
# routing off); without them the interface counts as a client, and nothing goes unjudged. Redshift
# is not offered in every Region. MemoryDB clusters likewise: they tell a node's interface, which
# calls no AWS service from the VPC, from a workload; MemoryDB is in fewer Regions still. DB
# instances, likewise: their engine tells which services a DB instance's interface calls (DocumentDB
# none); without them it counts as a client of what every engine calls. DataSync tasks: they name
# the interfaces DataSync created for a task, which call no AWS service through the VPC; without
# them those interfaces count as clients, as before (DataSync is not in every Region either). Amazon
# MQ brokers: they tell an ActiveMQ broker's interface, which is no workload; without them it counts
# as one, as before. Firehose streams: their destinations' VPC configurations tell the interfaces a
# stream delivers through, which call no AWS service; without them those interfaces count as clients,
# as before. The Region's zones, wherever subnets are read: their type and network border group
# tell a Local Zone or Wavelength Zone subnet from an Availability Zone's, where a fix allocates a
# NAT gateway's address; without them a zone is read by its name, and nothing goes unjudged. Network
# interfaces, wherever endpoints are read: their public
# addresses tell an internet-facing endpoint (SG001's exposure); without them nothing goes unjudged,
# the message says what it cannot know. Collected alongside, used when present.
ENRICHMENTS: dict[Part, tuple[Part, ...]] = {Part.SUBNETS: (Part.AVAILABILITY_ZONES,),
                                             Part.ROUTE_TABLES: (Part.BLOCK_PUBLIC_ACCESS,),
                                             Part.NETWORK_INTERFACES: (Part.REDSHIFT_CLUSTERS,
                                                                       Part.MEMORYDB_CLUSTERS,
                                                                       Part.DB_INSTANCES,
                                                                       Part.DATASYNC_TASKS,
                                                                       Part.MQ_BROKERS,
                                                                       Part.FIREHOSE_STREAMS),
                                             Part.VPC_ENDPOINTS: (Part.NETWORK_INTERFACES,)}


def needed_parts(rules: Iterable[Rule]) -> frozenset[Part]:
    """The union of the rules' ``needs`` plus their enrichments: what ``scan`` collects."""
    needs = {p for r in rules for p in r.needs}
    return frozenset(needs | {extra for p in needs for extra in ENRICHMENTS.get(p, ())})
