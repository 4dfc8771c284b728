"""An Amazon Managed Grafana workspace with an outbound VPC connection, querying an Amazon Managed
Service for Prometheus workspace through an ``aps-workspaces`` interface endpoint, CloudWatch
through ``monitoring`` and ``logs`` endpoints, and a self-managed Prometheus server in the VPC
(us-east-1).

Sources:

- the Amazon Managed Grafana User Guide, "Connect to data sources or notification channels in
  Amazon VPC from Amazon Managed Grafana"
  (https://docs.aws.amazon.com/grafana/latest/userguide/AMG-configure-vpc.html; read in AWS's
  published Markdown of the page, as stored in November 2025): "After you configure the VPC data
  source connection, all traffic flows via your VPC"; "Amazon Managed Grafana creates a connection
  (1) per subnet (using an elastic network interface, or ENI)", "associated with a set of security
  groups (3) that control the traffic between the VPC and your Amazon Managed Grafana workspace.
  All traffic is routed through the configured VPC, including alert destination and data source
  connectivity. To connect to data sources and alert destinations in other VPCs or the public
  Internet (4), create a gateway (5)"; prerequisites "at least two Availability Zones configured,
  with one private subnet configured for each", "A minimum of 15 available IP addresses must be in
  each subnet", and "we recommend that you have your VPC configured to connect to those data
  sources before connecting Amazon Managed Grafana to the VPC. This includes services such as
  CloudWatch that are connected through AWS PrivateLink. Otherwise, connectivity to those data
  sources is lost"; the console's steps: "select the Availability Zones you want to use. You must
  choose at least two", "Select at least one private subnet in each Availability Zone. The subnets
  must support IPv4", "Select at least one Security group … up to 5". (The sentence "the Grafana
  workspace will not have internet access unless there is a NAT gateway" is not in the page as
  stored; the diagram's gateway (5) says the same.)
- the same guide's "Using service-linked roles for Amazon Managed Grafana"
  (https://docs.aws.amazon.com/grafana/latest/userguide/using-service-linked-roles.html): the
  ``AmazonManagedGrafana`` role creates "ENIs … within customer accounts";
  AmazonGrafanaServiceLinkedRolePolicy allows ``ec2:CreateNetworkInterface`` only with
  ``aws:TagKeys`` ``AmazonGrafanaManaged``, ``ec2:CreateTags`` on network interfaces only at
  ``CreateNetworkInterface`` with ``aws:RequestTag/AmazonGrafanaManaged`` present, and
  ``ec2:DeleteNetworkInterface`` only on interfaces carrying that tag — the one documented field
  that names Grafana's interfaces;
- the Amazon Managed Service for Prometheus User Guide, "Set up Amazon Managed Grafana for use
  with Amazon Managed Service for Prometheus"
  (https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-amg.html): "Amazon Managed Service
  for Prometheus provides a service endpoint for Amazon Managed Grafana to connect to when querying
  metrics and alerts"; a workspace configured for a private VPC may not reach it, so "you must
  first connect Amazon Managed Service for Prometheus to the same VPC by creating a VPC endpoint"
  (read in AWS's Chinese edition of the page, the English excerpt stopping before it); the
  ``com.amazonaws.<region>.aps-workspaces`` service name is for the Prometheus-compatible APIs
  (AMP-and-interface-VPC.html);
- the API Reference's ``VpcConfiguration`` (API_VpcConfiguration.html) and CloudFormation's
  ``AWS::Grafana::Workspace VpcConfiguration``: ``SecurityGroupIds`` 1-5, ``SubnetIds`` 2-6, "must
  be part of the same VPC";
- Terraform's ``aws_grafana_workspace`` acceptance test
  (https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/grafana/workspace_test.go,
  ``testAccWorkspaceConfig_vpc``, the version reading ``data.aws_region.current.region``, provider
  v6): ``vpc_configuration { subnet_ids = aws_subnet.test[*].id, security_group_ids =
  [aws_security_group.test.id] }``, the group created with no rules of its own (AWS's default
  egress).

Built as those describe it (names and CIDRs assumed): VPC 10.30.0.0/16, DNS support and hostnames
on (interface endpoints' private DNS needs both); no internet gateway and no NAT gateway (every
data source is in the VPC or behind an endpoint); private subnets 10.30.10.0/24, 10.30.11.0/24 and
10.30.12.0/24 in ``<region>a``, ``b`` and ``c`` on one table with the local route alone; the
interface endpoints ``aps-workspaces``, ``monitoring`` and ``logs`` in subnets ``a`` and ``b``,
private DNS on, behind ``vpce`` (TCP 443 from ``grafana-workspace`` and from ``prometheus``). Groups:
``grafana-workspace`` (the connection's; no inbound rule — nothing connects to the workspace
through it — and outbound TCP 443 to ``vpce`` and TCP 9090 to ``prometheus``, AWS's default
egress revoked); ``prometheus`` (the self-managed server's: TCP 9090 from ``grafana-workspace``;
AWS's default egress). No flow log, the default NACL.

Network interfaces as DescribeNetworkInterfaces reports them:

- the Prometheus server's, in subnet ``a``: ``interface``, not requester-managed;
- Grafana's, one per subnet of the connection (``a`` and ``b``). Assumed, AWS documenting none of
  it: typed ``interface`` (botocore's ec2 ``NetworkInterfaceType`` lists no value for Grafana,
  unlike ``quicksight``), not requester-managed (the account's service-linked role creates them),
  no RequesterId, an empty description; tagged ``AmazonGrafanaManaged`` (the policy requires the
  key; its value, ``true`` here, is not documented); ``grafana-workspace``.

Near misses: the ``aps-workspaces`` endpoint not admitting Grafana's group, in two forms:
``endpoint_sources="default-group"`` (created without ``SecurityGroupIds``, so in the VPC's
default group, which admits its members only: "If this parameter is not specified, we use the
default security group for the VPC", CreateVpcEndpoint) and ``endpoint_sources="prometheus"``
(``vpce`` admitting TCP 443 from ``prometheus`` alone, the rule for Grafana's group forgotten);
``grafana_azs="ac"`` (the connection's subnets in ``a`` and ``c``, where no endpoint has an
interface); ``grafana_egress="prometheus"`` (``grafana-workspace`` sending TCP 9090 to
``prometheus`` only, no 443 to the endpoints); ``cloudwatch_endpoints=False`` (the CloudWatch data
source kept, its ``monitoring`` and ``logs`` endpoints never created, and no NAT gateway).
"""

from __future__ import annotations

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2", "use1-az4")
VPC_CIDR = "10.30.0.0/16"
PRIVATE_CIDRS = ("10.30.10.0/24", "10.30.11.0/24", "10.30.12.0/24")
HTTPS, PROMETHEUS_PORT = 443, 9090
GRAFANA_TAG = "AmazonGrafanaManaged"
AMP_SERVICE = "aps-workspaces"
CLOUDWATCH_SERVICES = ("monitoring", "logs")


def build(*, endpoint_sources: str = "both", grafana_azs: str = "ab", grafana_egress: str = "narrow",
          cloudwatch_endpoints: bool = True) -> tuple[Snapshot, dict[str, str]]:
    """``endpoint_sources``: "both" (``vpce`` admits Grafana's and Prometheus's groups),
    "prometheus" (Prometheus's alone) or "default-group" (``aps-workspaces`` created without
    groups, so in the VPC's default group); ``grafana_azs``: "ab" or "ac" (the AZs of the connection's two subnets);
    ``grafana_egress``: "narrow" (443 to ``vpce``, 9090 to ``prometheus``) or "prometheus" (9090
    only); ``cloudwatch_endpoints``: whether ``monitoring`` and ``logs`` exist."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name="observability", dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc}
    subnets = [b.subnet(vpc, cidr, az=az, name=f"observability-private-{az}")
               for az, cidr in enumerate(PRIVATE_CIDRS, start=1)]
    ids.update({f"private{az}": s for az, s in enumerate(subnets, start=1)})
    ids["private_rt"] = b.route_table(vpc, subnets=subnets, name="observability-private")

    grafana_sg = ids["grafana_sg"] = b.security_group(vpc, name="grafana-workspace", egress=[])
    prometheus_sg = ids["prometheus_sg"] = b.security_group(vpc, name="prometheus", ingress=[
        ("tcp", PROMETHEUS_PORT, PROMETHEUS_PORT, grafana_sg)])
    sources = [prometheus_sg] if endpoint_sources == "prometheus" else [grafana_sg, prometheus_sg]
    endpoint_sg = ids["endpoint_sg"] = b.security_group(vpc, name="vpce", ingress=[
        ("tcp", HTTPS, HTTPS, source) for source in sources])
    egress = [("tcp", PROMETHEUS_PORT, PROMETHEUS_PORT, prometheus_sg)]
    if grafana_egress == "narrow":
        egress.append(("tcp", HTTPS, HTTPS, endpoint_sg))
    b.authorize(grafana_sg, egress=egress)

    endpoint_subnets = subnets[:2]
    for key in (AMP_SERVICE, *(CLOUDWATCH_SERVICES if cloudwatch_endpoints else ())):
        groups = [b.default_group(vpc) if key == AMP_SERVICE and endpoint_sources == "default-group" else endpoint_sg]
        ids[key] = b.interface_endpoint(vpc, key, subnets=endpoint_subnets, groups=groups)

    ids["prometheus_eni"] = b.workload(subnets[0], groups=[prometheus_sg])
    connection = [subnets[0], subnets[2] if grafana_azs == "ac" else subnets[1]]
    for n, subnet in enumerate(connection, start=1):
        eni = ids[f"grafana_eni{n}"] = b.workload(subnet, groups=[grafana_sg])
        b.tag(eni, {GRAFANA_TAG: "true"})
    return b.snapshot(), ids
