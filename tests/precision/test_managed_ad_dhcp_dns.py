"""AWS Managed Microsoft AD with the DHCP options set handing out the directory's DNS servers
(the Quick Start's scenario 3 and the Directory Service guide), Systems Manager endpoints for the
domain-joined instances, and the hybrid form through a Route 53 Resolver inbound endpoint: every
finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, audit_result, severities
from layouts import managed_ad_dhcp_dns
from layouts.managed_ad_dhcp_dns import CONTROLLER_IPS, DOMAIN, ON_PREMISES_DNS, STALE_IPS

from vpcaudit.engine.rule import Finding
from vpcaudit.network.view import NetworkView
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]

@cache
def _build(dns: str = "directory", directory_vpc: str = "same", endpoints: bool = True,
           zone: str | None = None, inbound_endpoint: bool = True) -> Built:
    """Each variant once: the tests only read the snapshot."""
    return managed_ad_dhcp_dns.build(dns=dns, directory_vpc=directory_vpc, endpoints=endpoints, zone=zone,
                                     inbound_endpoint=inbound_endpoint)


def _dns005_finding(snapshot: Snapshot) -> Finding:
    (finding,) = [f for f in audit_result(snapshot).findings if f.rule_id == "DNS005"]
    return finding


def _flow_log(ids: dict[str, str], key: str = "vpc") -> Triples:
    """Right, medium: neither the Quick Start's VPC template (``CreateVPCFlowLogsToCloudWatch``
    false) nor the other sources create a flow log."""
    return {("MON001", ids[key], "fail")}


def _dynamodb_through_nat(ids: dict[str, str]) -> Triples:
    """Right (advice), low: the private subnets reach DynamoDB through the NAT gateways and pay
    their processing; the template's S3 gateway endpoint keeps GWE002 silent, and no DynamoDB
    gateway endpoint (free) exists."""
    return {("GWE003", ids["vpc"], "fail")}


def _default_policies(ids: dict[str, str], endpoints: bool = True) -> Triples:
    """Right (advice), medium: the S3 gateway endpoint carries the template's explicit Allow
    ``*``/``*``/``*`` and the ssm endpoint AWS's default full access (ssmmessages and
    ec2messages take no policy)."""
    return {("POL001", ids["s3"], "fail")} | ({("POL001", ids["ssm"], "fail")} if endpoints else set())


def _session_manager_optional(ids: dict[str, str]) -> Triples:
    """Right (advice), info: Session Manager's bundle without the optional kms and logs
    endpoints (needed only for KMS-encrypted sessions and session logs to CloudWatch Logs)."""
    return {("IFE003", ids["vpc"], "fail")}


def _baseline(ids: dict[str, str], endpoints: bool = True) -> Triples:
    """What every form of the layout gets whatever its DNS servers."""
    triples = _flow_log(ids) | _dynamodb_through_nat(ids) | _default_policies(ids, endpoints)
    return triples | (_session_manager_optional(ids) if endpoints else set())


def _dns005(ids: dict[str, str]) -> Triples:
    return {("DNS005", ids["vpc"], "fail")}


def test_the_snapshot_is_the_quick_start() -> None:
    """The builder against ``ad-main-3``/``ad-3`` and the VPC template: the VPC is associated
    with ``ad-3``'s options set (the directory's name and its controllers' addresses), the VPC
    template's own set left unassociated; one controller interface per private subnet, described
    as AWS documents, at the addresses the options set hands out; the S3 gateway endpoint on both
    private tables. The network model counts the controllers' interfaces as workloads (typed
    ``interface``): a doubt, see "Noticed and left alone"."""
    snapshot, ids = _build()
    region = snapshot.accounts[0].regions[0]
    vpc = next(v for v in region.vpcs if v.vpc_id == ids["vpc"])
    assert (vpc.cidr_blocks, vpc.enable_dns_support, vpc.enable_dns_hostnames, vpc.dhcp_options_id) \
        == (("10.0.0.0/16",), True, True, ids["dhcp"])
    sets = {d.dhcp_options_id: d for d in region.dhcp_options}
    assert (sets[ids["dhcp"]].domain_name_servers, sets[ids["dhcp"]].domain_name) == (CONTROLLER_IPS, DOMAIN)
    assert (sets[ids["template_dhcp"]].domain_name_servers, sets[ids["template_dhcp"]].domain_name) \
        == (("AmazonProvidedDNS",), "ec2.internal")
    assert sorted(s.cidr_block for s in region.subnets) == ["10.0.0.0/19", "10.0.128.0/20", "10.0.144.0/20",
                                                          "10.0.32.0/19"]
    view = NetworkView.build(snapshot.accounts[0], region)
    controllers = [view.interfaces[ids["controller1"]], view.interfaces[ids["controller2"]]]
    assert [(e.subnet_id, e.private_ip_addresses, e.interface_type, e.requester_managed, e.description)
            for e in controllers] == [
        (ids[f"private{n}A"], (CONTROLLER_IPS[n - 1],), "interface", True,
         "AWS created network interface for directory d-9067a1b2c3") for n in (1, 2)]
    assert all(view.is_workload(e) for e in controllers)
    s3 = next(e for e in region.vpc_endpoints if e.vpc_endpoint_id == ids["s3"])
    assert s3.route_table_ids == tuple(sorted((ids["private1A_rt"], ids["private2A_rt"])))


def test_findings_other_than_dns005() -> None:
    """The canonical layout, DNS005 aside (see the next test): MON001, GWE003 (low), POL001 on
    the S3 and ssm endpoints, IFE003 (info). Silent, rightly: GWE001/GWE002 (the S3 route is on
    both private tables), NAT001-NAT003 (a NAT gateway per AZ, in public subnets), IFE001/IFE002
    (endpoints in both AZs, where the instances and controllers are), SG001-SG006 (the endpoint
    group admits 443 from the VPC's one block; everyone's egress is open), DNS001/DNS002 (both
    attributes on), DNS003 (private DNS on), ACL001 (default NACL)."""
    snapshot, ids = _build()
    assert audit(snapshot) - _dns005(ids) == _baseline(ids)
    levels = severities(snapshot)
    assert (levels[("GWE003", ids["vpc"], "")], levels[("IFE003", ids["vpc"], "session-manager:optional")]) \
        == ("low", "info")


def test_dns005_recognises_the_directorys_own_controllers() -> None:
    """Rule wrong, fixed. DNS005 fired (medium) on the layout AWS recommends: "AWS recommends that you
    create a DHCP options set for your AWS Directory Service directory … Domain name servers: The
    IP addresses of your AWS-provided directory's DNS servers" (Directory Service guide, "Create a
    DHCP options set"), and "The default DNS Server of the AWS Managed Microsoft AD Active
    Directory is the VPC DNS server at Classless Inter-Domain Routing (CIDR)+2" ("What gets
    created"): the controllers forward what they do not hold — ``ssm.us-east-1.amazonaws.com``
    among it — to this VPC's resolver, which answers with the endpoints' addresses. The snapshot
    can tell: both servers are the private addresses of interfaces in this VPC described "AWS
    created network interface for directory d-…", the description AWS documents for them."""
    snapshot, ids = _build()
    assert audit(snapshot) == _baseline(ids)


def test_near_miss_stale_servers_from_the_self_managed_scenario() -> None:
    """Right, medium: the options set still hands out scenario 1's self-managed controllers
    (10.0.0.10, 10.0.32.10), which no interface of the VPC holds any more: nothing answers, the
    endpoints' private names (and the domain) resolve for nobody."""
    snapshot, ids = _build(dns="stale")
    assert audit(snapshot) == _baseline(ids) | _dns005(ids)
    assert _dns005_finding(snapshot).evidence["domain_name_servers"] == list(STALE_IPS)


def test_near_miss_stale_servers_fix_hands_out_the_directorys_controllers() -> None:
    """Rule wrong in its fix, fixed. DNS005 proposed ``AmazonProvidedDNS, 10.0.0.10, 10.0.32.10``:
    the domain-joined instances would then ask the VPC resolver for ``example.com`` first, and
    "the AmazonProvidedDNS is not aware of your directory's FQDN" (AWS Networking blog,
    "Integrating your Directory Service's DNS resolution with Amazon Route 53 Resolvers"). The
    VPC holds the directory's controllers; the guide's set is their addresses, and those resolve
    the endpoints' names too (previous test). It now hands out the VPC's controllers."""
    snapshot, _ = _build(dns="stale")
    (create,) = [s for s in _dns005_finding(snapshot).fix if s.action == "ec2:CreateDhcpOptions"]
    servers = next(c["Values"] for c in create.parameters["DhcpConfigurations"] if c["Key"] == "domain-name-servers")
    assert servers == list(CONTROLLER_IPS)


def test_near_miss_amazon_provided_dns_second() -> None:
    """``<first controller>, AmazonProvidedDNS``: no DNS005 — right for what DNS005 judges: both
    servers answer the endpoints' private names. What the set breaks is the domain: the second
    controller is gone, and while the first is unreachable the instances ask a resolver that
    does not know ``example.com``. A gap, pinned: no rule checks a directory's options set (see
    "Noticed and left alone")."""
    snapshot, ids = _build(dns="amazon-second")
    assert audit(snapshot) == _baseline(ids)


def test_near_miss_private_zone_without_endpoints() -> None:
    """No Systems Manager endpoints or instances, a private hosted zone ``apps.internal``
    associated with the VPC: DNS005 fired on the zone alone. Rule wrong, fixed, as for the endpoints:
    the controllers forward ``apps.internal`` to the VPC resolver, which answers from the zone."""
    snapshot, ids = _build(endpoints=False, zone="apps.internal")
    assert audit(snapshot) == _baseline(ids, endpoints=False)


def test_near_miss_private_zone_inside_the_directorys_domain() -> None:
    """The same with the zone ``apps.example.com``: DNS005 right, medium. The controllers hold
    ``example.com`` themselves and answer every name under it from that zone; a forwarder only
    receives "queries they can't resolve locally" (Microsoft, "DNS forwarding in Windows
    Server"), so the default forwarder never sees ``apps.example.com`` and the Route 53 zone is
    shadowed. The message now says so: the controllers answer example.com themselves."""
    snapshot, ids = _build(endpoints=False, zone="apps.example.com")
    assert audit(snapshot) == _baseline(ids, endpoints=False) | _dns005(ids)


def test_near_miss_directory_in_a_peered_shared_services_vpc() -> None:
    """The options set hands out the controllers of a directory in a peered shared-services VPC:
    DNS005 right, medium. Those controllers forward to their own VPC's resolver, and an
    endpoint's private DNS is a private hosted zone associated with the endpoint's VPC alone
    (CreateVpcEndpoint ``PrivateDnsEnabled``: "Indicates whether to associate a private hosted
    zone with the specified VPC"), so the instances get the services' public addresses and reach
    Systems Manager through the NAT gateways. The proposed fix recognises controllers of this VPC
    only. MON001 on the shared VPC too."""
    snapshot, ids = _build(directory_vpc="shared")
    assert audit(snapshot) == _baseline(ids) | _dns005(ids) | _flow_log(ids, "shared_vpc")


def test_hybrid_form_on_premises_servers_and_an_inbound_endpoint() -> None:
    """On-premises DNS servers in the options set, forwarding (on-premises, out of sight) to a
    Route 53 Resolver inbound endpoint in the private subnets: DNS005 right (advice), medium.
    "Inbound Resolver endpoints allow DNS queries to your VPC from your on-premises network or
    another VPC" (Route 53 Developer Guide), so the design works; but whether those servers
    forward ``amazonaws.com`` there is configured on premises, which no snapshot can see —
    "verify the forwarding" is all a rule can say. The endpoint's interfaces are no workloads."""
    snapshot, ids = _build(dns="on-premises")
    assert audit(snapshot) == _baseline(ids) | _dns005(ids)
    assert _dns005_finding(snapshot).evidence["domain_name_servers"] == list(ON_PREMISES_DNS)
    assert severities(snapshot)[("DNS005", ids["vpc"], "")] == "medium"


def test_hybrid_form_without_an_inbound_endpoint_reads_the_same() -> None:
    """The hybrid form with no inbound endpoint anywhere: the on-premises servers have nowhere in
    this VPC to forward to, and DNS005 says word for word what it says with one. A gap, pinned:
    the snapshot collects Resolver rules (``ListResolverRules``, ``ListResolverRuleAssociations``)
    but no Resolver endpoints (``ListResolverEndpoints``), so DNS005 cannot name the inbound
    endpoint to check — or say that there is none."""
    with_endpoint, ids = _build(dns="on-premises")
    without, ids_without = _build(dns="on-premises", inbound_endpoint=False)
    assert "resolver" in ids and "resolver" not in ids_without
    assert audit(without) == _baseline(ids_without) | _dns005(ids_without)
    found, missing = _dns005_finding(with_endpoint), _dns005_finding(without)
    assert (found.message, found.evidence) == (missing.message, missing.evidence)
    assert "rslvr-in-" not in found.message
