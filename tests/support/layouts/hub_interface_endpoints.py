"""Centralized interface endpoints: a hub VPC shares them with spokes through a transit gateway.

https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/centralized-access-to-vpc-private-endpoints.html
https://aws.amazon.com/blogs/networking-and-content-delivery/centralize-access-using-vpc-interface-endpoints/

As the whitepaper builds it, in one account and Region (us-east-1): a shared-services hub VPC
(10.100.0.0/16) holds the interface endpoints for Systems Manager (ssm, ssmmessages,
ec2messages), KMS, CloudWatch Logs and STS in two AZs, with **private DNS disabled**; for each
service a Route 53 private hosted zone named as the service's hostname
(``ssm.us-east-1.amazonaws.com``) holds an alias A record at its apex to the endpoint's Regional
DNS name, and is associated with the hub and with every spoke VPC. The endpoints' security group
admits HTTPS from 10.0.0.0/8, the range the hub routes to the transit gateway. Two spoke VPCs
(10.1.0.0/16, 10.2.0.0/16) run instances in private subnets whose only routes beyond the VPC
go to the transit gateway (0.0.0.0/0, central egress elsewhere), and keep their own S3 and
DynamoDB gateway endpoints (gateway endpoints cannot be reached through a transit gateway).
Every VPC has a /28 attachment subnet per AZ for the transit gateway and a flow log.

``build_multi_account`` is the landing-zone form of the same pattern: the hub in a network
account, each spoke in a workload account of its own, the zones shared by cross-account VPC
association. Each account's collection sees what Route 53 shows it: the network account reads
the zones' records (it owns them); a workload account lists the zones associated with its VPC
(``ListHostedZonesByVPC``) but cannot read their records.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder
from builders import multi_account_snapshot

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

REGION = "us-east-1"
SERVICES = ("ssm", "ssmmessages", "ec2messages", "kms", "logs", "sts")
TGW = "tgw-0e2d3f4a5b6c7d8e9"


def _attach(b: AwsRegionBuilder, vpc: str, prefix: str) -> list[str]:
    """Two /28 attachment subnets (one per AZ) and the transit gateway attachment's ENIs in them."""
    subnets = [b.subnet(vpc, f"{prefix}.{224 + 16 * az}/28", az=az, name=f"tgw-attach-{az}") for az in (1, 2)]
    b.route_table(vpc, subnets=subnets, name="tgw-attach")
    b.tgw_attachment(vpc, TGW, subnets)
    return subnets


NETWORK_ACCOUNT = "111122223333"
WORKLOAD_ACCOUNTS = ("444455556666", "777788889999")


def _hub(b: AwsRegionBuilder) -> tuple[str, dict[str, str]]:
    """The shared-services VPC and its endpoints (private DNS off) behind one security group."""
    hub = b.vpc("10.100.0.0/16", name="shared-services")
    endpoint_subnets = [b.subnet(hub, f"10.100.{az}.0/24", az=az, name=f"endpoints-{az}") for az in (1, 2)]
    b.route_table(hub, subnets=endpoint_subnets, routes={"10.0.0.0/8": TGW}, name="endpoints")
    _attach(b, hub, "10.100.255")
    endpoint_sg = b.security_group(hub, name="central-endpoints", ingress=[("tcp", 443, 443, "10.0.0.0/8")])
    ids = {"hub": hub, "endpoint_sg": endpoint_sg}
    for service in SERVICES:
        ids[service] = b.interface_endpoint(hub, service, subnets=endpoint_subnets, groups=[endpoint_sg],
                                            private_dns=False)
    b.flow_log(hub)
    return hub, ids


def _spoke(b: AwsRegionBuilder, n: int) -> str:
    """A workload VPC: instances in private subnets, 0.0.0.0/0 to the transit gateway, own gateway endpoints."""
    spoke = b.vpc(f"10.{n}.0.0/16", name=f"app-{n}")
    app_sg = b.security_group(spoke, name="app")
    private = [b.subnet(spoke, f"10.{n}.{az}.0/24", az=az, name=f"app-{n}-private-{az}") for az in (1, 2)]
    rt = b.route_table(spoke, subnets=private, routes={"0.0.0.0/0": TGW}, name=f"app-{n}-private")
    _attach(b, spoke, f"10.{n}.255")
    for subnet in private:
        b.workload(subnet, groups=[app_sg], description="Primary network interface")
    b.gateway_endpoint(spoke, "s3", route_tables=[rt])
    b.gateway_endpoint(spoke, "dynamodb", route_tables=[rt])
    b.flow_log(spoke)
    return spoke


def _zones(b: AwsRegionBuilder, ids: dict[str, str], vpcs: list[str]) -> None:
    """Per service, a zone named as its hostname: an alias A record at the apex to the hub endpoint."""
    for service in SERVICES:
        hostname = f"{service}.{REGION}.amazonaws.com"
        regional = b.endpoints[ids[service]].dns_entries[0].dns_name
        ids[f"zone-{service}"] = b.hosted_zone(hostname, vpcs, [r.RecordSet(hostname, "A", (), regional)])


def build() -> tuple[Snapshot, dict[str, str]]:
    b = AwsRegionBuilder(NETWORK_ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    hub, ids = _hub(b)
    spokes = [_spoke(b, n) for n in (1, 2)]
    ids |= {f"spoke{n}": spoke for n, spoke in enumerate(spokes, start=1)}
    _zones(b, ids, [hub, *spokes])
    return b.snapshot(), ids


def build_multi_account() -> tuple[Snapshot, dict[str, str]]:
    network = AwsRegionBuilder(NETWORK_ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    hub, ids = _hub(network)
    _zones(network, ids, [hub])
    workloads = []
    for n, account in enumerate(WORKLOAD_ACCOUNTS, start=1):
        b = AwsRegionBuilder(account, REGION, ("use1-az1", "use1-az2"))
        spoke = ids[f"spoke{n}"] = _spoke(b, n)
        # The shared zones as the workload account lists them: associated, records unreadable.
        b.zones += [replace(zone, vpcs=(r.VpcAssociation(spoke, REGION),), record_sets=(),
                            record_sets_collected=False) for zone in network.zones]
        workloads.append(b)
    return multi_account_snapshot(network, *workloads), ids
