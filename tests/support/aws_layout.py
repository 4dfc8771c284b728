"""Published VPC layouts as AWS would report them, and every built-in rule run over them.

``AwsRegionBuilder`` is the rule tests' ``RegionBuilder`` with what a real account adds and the
rule tests leave out: 17-hex resource ids (``vpc-0c5e1f…``), AZ names mapped to this account's
AZ IDs, the Region's default DHCP options set (``AmazonProvidedDNS``), the network interfaces
AWS creates for NAT gateways and transit gateway attachments, tags on every resource. Each layout
builder in ``layouts/`` reproduces one public source with it, and ``audit`` reduces the audit of
all built-in rules to the comparable set the precision tests pin.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import fields, replace
from functools import cache

from builders import RegionBuilder

from vpcaudit.engine.loader import load_registry
from vpcaudit.engine.result import AuditResult, Outcome
from vpcaudit.engine.rule import Rule, Status
from vpcaudit.engine.runner import RunSettings, run
from vpcaudit.network.view import NetworkView
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

Triple = tuple[str, str, str]
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
# AWS services every account of a Region lists (DescribeVpcEndpointServices is Region-wide, not
# limited to the services the account has endpoints for), with their PrivateDnsNames where they
# differ from <key>.<region>.amazonaws.com.
CATALOGUE = ("ssm", "ssmmessages", "ec2messages", "kms", "logs", "sts", "ec2", "ecr.api", "ecr.dkr", "ecs",
             "ecs-agent", "ecs-telemetry", "secretsmanager", "monitoring", "sqs", "rds", "elasticloadbalancing",
             "autoscaling")
DNS_NAMES = {"ecr.api": "api.ecr.{region}.amazonaws.com", "ecr.dkr": "*.dkr.ecr.{region}.amazonaws.com"}
# The endpoint service behind an AWS Network Firewall's endpoints (owned by Network Firewall).
FIREWALL_SERVICE = "com.amazonaws.vpce.{region}.vpce-svc-0f3c1b2a4d5e6f789"


class AwsRegionBuilder(RegionBuilder):
    """A Region of one account with AWS's id formats, AZ IDs and per-VPC defaults."""

    def __init__(self, account_id: str, region: str, az_ids: Iterable[str]) -> None:
        self._seed = f"{account_id}/{region}"
        az_ids = tuple(az_ids)
        super().__init__(account_id, region, az_count=len(az_ids))
        self.azs = [(f"{region}{'abcdef'[i]}", az_id) for i, az_id in enumerate(az_ids)]
        # The Region's default DHCP options set: every VPC gets it unless a custom set is associated.
        domain = "ec2.internal" if region == "us-east-1" else f"{region}.compute.internal"
        self.default_dhcp = self.new_id("dopt")
        self.dhcp[self.default_dhcp] = r.DhcpOptions(self.default_dhcp, ("AmazonProvidedDNS",), domain, ())
        for key in CATALOGUE:
            self.service(key, dns_names=[DNS_NAMES.get(key, "{key}.{region}.amazonaws.com").format(
                key=key, region=region)])

    def new_id(self, prefix: str) -> str:
        digest = hashlib.sha256(f"{self._seed}/{prefix}/{next(self._ids)}".encode()).hexdigest()
        return f"{prefix}-{digest[:8] if prefix == 'pl' else '0' + digest[:16]}"

    def vpc(self, cidr: str = "10.0.0.0/16", **kwargs: object) -> str:  # type: ignore[override]
        vpc_id = super().vpc(cidr, **kwargs)  # type: ignore[arg-type]
        if self.vpcs[vpc_id].dhcp_options_id is None:
            self.vpcs[vpc_id] = replace(self.vpcs[vpc_id], dhcp_options_id=self.default_dhcp)
        return vpc_id

    def subnet(self, vpc_id: str, cidr: str, **kwargs: object) -> str:  # type: ignore[override]
        """A subnet, listed among the default NACL's associations as DescribeNetworkAcls lists it
        (every subnet is associated with exactly one NACL; ``nacl()`` moves it to a custom one)."""
        subnet_id = super().subnet(vpc_id, cidr, **kwargs)  # type: ignore[arg-type]
        for acl_id, acl in self.nacls.items():
            if acl.vpc_id == vpc_id and acl.is_default:
                self.nacls[acl_id] = replace(acl, subnet_ids=tuple(sorted((*acl.subnet_ids, subnet_id))))
        return subnet_id

    def dhcp_options(self, vpc_id: str, servers: Iterable[str], domain_name: str | None = None) -> str:
        """Associate a custom DHCP options set with the VPC."""
        dhcp_id = self.new_id("dopt")
        self.dhcp[dhcp_id] = r.DhcpOptions(dhcp_id, tuple(servers), domain_name, ())
        self.vpcs[vpc_id] = replace(self.vpcs[vpc_id], dhcp_options_id=dhcp_id)
        return dhcp_id

    def nat(self, subnet_id: str, **kwargs: object) -> str:  # type: ignore[override]
        """A NAT gateway and the requester-managed ENI AWS creates for it in its subnet, which
        carries a public NAT gateway's Elastic IP."""
        nat_id = super().nat(subnet_id, **kwargs)  # type: ignore[arg-type]
        nat = self.nats[nat_id]
        eni_id = nat.addresses[0].network_interface_id or self.new_id("eni")
        elastic_ip = nat.addresses[0].public_ip if nat.connectivity_type == "public" else None
        self.enis[eni_id] = replace(self._eni(eni_id, subnet_id, (), "natGateway", True,
                                              f"Interface for NAT Gateway {nat_id}"),
                                    public_ip_addresses=(elastic_ip,) if elastic_ip else ())
        private_ip = self.enis[eni_id].private_ip_addresses[0]
        self.nats[nat_id] = replace(nat, addresses=(replace(nat.addresses[0], private_ip=private_ip),))
        return nat_id

    def firewall_endpoint(self, vpc_id: str, subnet_id: str) -> str:
        """An AWS Network Firewall endpoint as DescribeVpcEndpoints reports it: a Gateway Load
        Balancer endpoint of a service Network Firewall owns (not in the account's catalogue), with
        no policy, no private DNS and no DNS entries, and one ``gateway_load_balancer_endpoint``
        interface."""
        endpoint = self.interface_endpoint(vpc_id, "network-firewall", subnets=[subnet_id], private_dns=False,
                                           policy=None, endpoint_type="GatewayLoadBalancer",
                                           service_name=FIREWALL_SERVICE.format(region=self.region))
        self.endpoints[endpoint] = replace(self.endpoints[endpoint], dns_entries=())
        for eni in self.endpoints[endpoint].network_interface_ids:
            self.enis[eni] = replace(self.enis[eni], interface_type="gateway_load_balancer_endpoint",
                                     description=f"ELB gwy/firewall/{endpoint}")
        return endpoint

    def resolver_endpoint(self, vpc_id: str, subnets: Iterable[str], groups: Iterable[str], *,
                          direction: str = "INBOUND") -> tuple[str, list[str]]:
        """A Route 53 Resolver endpoint and the ENIs it places, one per IP address request, as
        DescribeNetworkInterfaces reports them: requester-managed, InterfaceType ``interface``,
        carrying the endpoint's security groups, described ``Route 53 Resolver: <endpoint>:<ip id>``
        (the snapshot has no Resolver endpoint records; the network model recognises these ENIs by
        that description and keeps them out of the workloads)."""
        prefix = "rslvr-in" if direction == "INBOUND" else "rslvr-out"
        endpoint_id = self.new_id(prefix)
        enis = [self.workload(subnet_id, groups=list(groups), requester_managed=True,
                              description=f"Route 53 Resolver: {endpoint_id}:{self.new_id('rni')}")
                for subnet_id in subnets]
        return endpoint_id, enis

    def edge_route_table(self, vpc_id: str, gateway_id: str, routes: Mapping[str, str], name: str) -> str:
        """A route table associated with a gateway (ingress routing), not with subnets."""
        table = self.route_table(vpc_id, routes=routes, name=name)
        self.route_tables[table] = replace(self.route_tables[table], associations=(
            r.RouteTableAssociation(self.new_id("rtbassoc"), False, None, gateway_id, "associated"),))
        return table

    def hosted_zone(self, name: str, vpcs: Iterable[str], records: Iterable[r.RecordSet] = ()) -> str:
        zone_id = super().hosted_zone(name, vpcs, records)
        real = "Z0" + hashlib.sha256(f"{self._seed}/{zone_id}".encode()).hexdigest()[:19].upper()
        self.zones[-1] = replace(self.zones[-1], hosted_zone_id=real)
        return real

    def tag(self, resource_id: str, tags: Mapping[str, str]) -> None:
        """Add tags to any record this builder holds (VPC, subnet, route table, endpoint, group …)."""
        for table in (self.vpcs, self.subnets, self.route_tables, self.nats, self.endpoints, self.groups,
                      self.nacls, self.enis, self.igws):
            record = table.get(resource_id)
            if record is not None and "tags" in {f.name for f in fields(record)}:
                merged = {t.key: t.value for t in record.tags} | dict(tags)
                table[resource_id] = replace(record, tags=tuple(r.Tag(k, v) for k, v in merged.items()))
                return
        raise KeyError(resource_id)


ALL_OUT = ("-1", None, None, "0.0.0.0/0")
VPCE_ZONE = "Z7HUB22UULQXV"  # the hosted zone of us-east-1's VPC endpoint DNS names


def endpoint_regional_name(endpoint_id: str, key: str, region: str) -> str:
    """An endpoint's Regional DNS name (the 8-character suffix assumed, derived from the id)."""
    suffix = hashlib.sha256(endpoint_id.encode()).hexdigest()[:8]
    return f"{endpoint_id}-{suffix}.{key}.{region}.vpce.amazonaws.com"


def apps_behind_one_endpoint(b: AwsRegionBuilder, *, prefix: str, vpc_name: str, app_group: str,
                             endpoint_group: str, key: str,
                             endpoint_ports: Iterable[int], app_egress_ports: Iterable[int] | None,
                             endpoint_azs: Iterable[int], service: Mapping[str, object],
                             **endpoint: object) -> dict[str, str]:
    """The shape of a service judged on its ports: applications, one instance per private subnet of
    three AZs (``<prefix>-private-<k>``, one route table, no way out), in group ``app_group`` letting
    out ``app_egress_ports`` to anywhere (None: AWS's default all-traffic rule); the service's
    interface endpoint (``service``: its catalogue entry, see ``RegionBuilder.service``) with
    private DNS in the subnets of ``endpoint_azs``, its group ``endpoint_group`` admitting
    ``endpoint_ports`` from the applications' group, and its Regional and zonal DNS names."""
    vpc = b.vpc("10.0.0.0/16", name=vpc_name, dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc)}
    private = [b.subnet(vpc, f"10.0.{k}.0/24", az=k, name=f"{prefix}-private-{k}") for k in (1, 2, 3)]
    ids |= {f"private{k}": subnet for k, subnet in enumerate(private, start=1)}
    ids["private_rt"] = b.route_table(vpc, subnets=private, name=f"{prefix}-private")
    egress = [ALL_OUT] if app_egress_ports is None else [("tcp", p, p, "0.0.0.0/0") for p in app_egress_ports]
    app_sg = ids["app_sg"] = b.security_group(vpc, name=app_group, egress=egress)
    ids["endpoint_sg"] = b.security_group(vpc, name=endpoint_group, ingress=[
        ("tcp", port, port, app_sg) for port in endpoint_ports])
    b.service(key, dns_names=[f"{key}.{b.region}.amazonaws.com"], **service)  # type: ignore[arg-type]
    azs = list(endpoint_azs)
    endpoint_id = ids["endpoint"] = b.interface_endpoint(
        vpc, key, subnets=[private[k - 1] for k in azs], groups=[ids["endpoint_sg"]], private_dns=True,
        **endpoint)  # type: ignore[arg-type]
    regional = endpoint_regional_name(endpoint_id, key, b.region)
    zonal = [regional.replace(".", f"-{b.azs[k - 1][0]}.", 1) for k in azs]
    b.endpoints[endpoint_id] = replace(b.endpoints[endpoint_id], dns_entries=tuple(
        r.DnsEntry(dns, VPCE_ZONE) for dns in (regional, *zonal)))
    for k, subnet in enumerate(private, start=1):
        eni = ids[f"app{k}"] = b.workload(subnet, groups=[app_sg])
        b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))
    return ids


@cache
def built_in_rules() -> tuple[Rule, ...]:
    return tuple(load_registry().rules)


def audit_result(snapshot: Snapshot, service_ports: Mapping[str, tuple[int, ...]] | None = None) -> AuditResult:
    """Every built-in rule over ``snapshot``; ``service_ports``: the ports the user configured for
    PrivateLink services (``--service-port``)."""
    return run(snapshot, built_in_rules(), RunSettings(now=NOW, service_ports=service_ports or {}))


def replacement_policy(snapshot: Snapshot, rule_id: str, resource_id: str) -> str:
    """The endpoint policy a finding's fix puts on an existing endpoint (its ModifyVpcEndpoint step),
    which always waits for a decision: whom the endpoint should admit is the owner's to say."""
    finding = next(f for f in audit_result(snapshot).findings
                   if f.rule_id == rule_id and f.resource.resource_id == resource_id)
    (step,) = [s for s in finding.fix if s.action == "ec2:ModifyVpcEndpoint"]
    assert not step.ready
    return str(step.parameters["PolicyDocument"])


def region_view(snapshot: Snapshot) -> NetworkView:
    """The network view of the snapshot's first account and Region (a layout's only one)."""
    account = snapshot.accounts[0]
    return NetworkView.build(account, account.regions[0])


def severities(snapshot: Snapshot,
               service_ports: Mapping[str, tuple[int, ...]] | None = None) -> dict[tuple[str, str, str], str]:
    """{(rule id, resource id, discriminator): severity} of the failing findings."""
    return {(f.rule_id, f.resource.resource_id, f.discriminator): f.severity.value
            for f in audit_result(snapshot, service_ports).findings if f.status is Status.FAIL}


def audit(snapshot: Snapshot, service_ports: Mapping[str, tuple[int, ...]] | None = None) -> set[Triple]:
    """Every finding of every built-in rule that is not a pass: {(rule id, resource id, status)}."""
    result = audit_result(snapshot, service_ports)
    errors = [s for s in result.scopes if s.outcome is Outcome.ERROR]
    assert not errors, errors
    return {(f.rule_id, f.resource.resource_id, f.status.value) for f in result.findings
            if f.status is not Status.SUPPRESSED}
