"""A Redshift-managed VPC endpoint giving a client VPC private access to an RA3 cluster in another VPC (us-east-1).

Sources: the Amazon Redshift Management Guide's "Redshift-managed VPC endpoints"
(https://docs.aws.amazon.com/redshift/latest/mgmt/managing-cluster-cross-vpc.html, current page,
read 2026-12-06), as last published in the guide's source repository
(https://github.com/awsdocs/amazon-redshift-management-guide/blob/097850042d79b732753d5363af0b4a28836254ba/doc_source/managing-cluster-cross-vpc.md,
"Working with Redshift-managed VPC endpoints in Amazon Redshift"); the Amazon Redshift API
Reference's CreateEndpointAccess and DescribeEndpointAccess
(https://docs.aws.amazon.com/redshift/latest/APIReference/API_CreateEndpointAccess.html, current
page, read 2026-12-06) and the Redshift Serverless API Reference's CreateEndpointAccess
(https://docs.aws.amazon.com/redshift-serverless/latest/APIReference/API_CreateEndpointAccess.html,
current page, read 2026-12-06); botocore's redshift model (``EndpointAccess``, ``VpcEndpoint``,
``NetworkInterface``). What they say, paraphrased:

- a Redshift-managed endpoint, "powered by AWS PrivateLink", is a private connection between the
  cluster's VPC and a VPC running client tools, in the same account or (after
  ``AuthorizeEndpointAccess``) another; one of the guide's scenarios is "a VPC that is also in AWS
  account A" — the one built;
- the cluster must be RA3 with cluster relocation on, its port in 5431-5455 or 8191-8215
  ("The default is 5439"); the client VPC must have a cluster subnet group;
- "Amazon Redshift chooses a subnet that has IP addresses available for the network interface
  associated with the endpoint" (CreateEndpointAccess ``SubnetGroupName``: "The subnet group from
  which Amazon Redshift chooses the subnet to deploy the endpoint"; Serverless ``subnetIds``: "from
  which Amazon Redshift Serverless chooses one");
- the endpoint's groups "define the ports, protocols, and sources for inbound traffic": "you allow
  access to the selected port via the security group or the CIDR range where your workloads run";
- only the groups can be changed (``ModifyEndpointAccess``); "You can't use the Amazon VPC console
  to manage Redshift-managed VPC endpoints"; the endpoint is reachable only in its VPC and VPCs
  peered with it;
- DescribeEndpointAccess returns ``Port`` ("The port number on which the cluster accepts incoming
  connections"), ``Address`` (its DNS address), ``VpcSecurityGroups`` and ``VpcEndpoint``
  (``VpcEndpointId``, ``VpcId``, ``NetworkInterfaces[]``): the EC2 endpoint it stands on. The
  snapshot collects none of it, nor the cluster's ``Endpoint.Port``.

Built, in one account (123456789012):

- the cluster VPC ``warehouse`` 10.1.0.0/16, DNS support and hostnames on, Redshift subnets
  10.1.1.0/24 and 10.1.2.0/24 in use1-az1/az2 on one table with the local route only; the group
  ``warehouse-cluster`` admitting TCP 5439 from 10.1.0.0/16 (which source Redshift's proxy needs
  at the cluster is not documented: assumed the cluster VPC's block), AWS's default egress;
  cluster ``analytics``: ra3.xlplus, two nodes, relocation on, enhanced VPC routing off, port
  5439. Its interfaces as in the Redshift enhanced VPC routing layout: one per node (LEADER,
  COMPUTE-0, COMPUTE-1) in the first Redshift subnet, InterfaceType ``interface``, RequesterManaged
  true, RequesterId ``amazon-redshift``, Description ``RedshiftNetworkInterface``, the cluster's
  group, no instance (AWS documents none of these: what public inventories match on); and the
  relocation endpoint, as that layout builds it: an Interface endpoint of this account, in the
  cluster's subnet with the cluster's group, one ENI;
- the client VPC ``clients`` 10.2.0.0/16, DNS support and hostnames on, private subnets
  10.2.1.0/24 (use1-az1) and 10.2.2.0/24 (use1-az2) on one table with the local route only (no
  peering, no internet path), its cluster subnet group ``clients-endpoint`` of both subnets (not
  an EC2 resource: not in the snapshot); ``sql-clients`` (no ingress, AWS's default egress) on one
  client instance per private subnet (InterfaceType ``interface``, ``Primary network interface``,
  on an instance); ``redshift-endpoint`` admitting TCP 5439 from ``sql-clients``, AWS's default
  egress;
- the Redshift-managed endpoint ``analytics-clients``, created with ``CreateEndpointAccess``
  (``SubnetGroupName`` ``clients-endpoint``, ``VpcSecurityGroupIds`` ``redshift-endpoint``).

What DescribeVpcEndpoints and DescribeNetworkInterfaces report for it (botocore's ec2
``VpcEndpoint`` and ``NetworkInterface``), all assumed where AWS's pages say nothing: an endpoint
of this account (the service-linked role ``AWSServiceRoleForRedshift`` holds
``ec2:CreateVpcEndpoint``, and the guide asks the creator for ``ec2:CreateVpcEndpoint`` too, so
EC2 records it in the account that asked, as MWAA's), VpcEndpointType ``Interface``, State
``available``, ServiceName ``com.amazonaws.vpce.us-east-1.vpce-svc-…`` of an endpoint service
Redshift owns (distinct from the relocation endpoint's, and not in this account's
DescribeVpcEndpointServices, as Network Firewall's and MWAA's), PrivateDnsEnabled false (the
name clients use is Redshift's ``Address``, ``analytics-clients-endpoint-<id>.<id>.us-east-1.
redshift.amazonaws.com``, which the snapshot does not hold), no PolicyDocument, DnsEntries the
endpoint's regional ``vpce.amazonaws.com`` name; its one ENI (``endpoint_azs=(1,)``, the guide's
"chooses a subnet"; which one is assumed, the first) typed ``vpc_endpoint`` per botocore's
``NetworkInterfaceType`` enum, RequesterManaged true, no RequesterId, Description ``VPC Endpoint
Interface <vpce-id>``, no tags, carrying ``redshift-endpoint``, as every interface endpoint's ENI.

Variants: ``endpoint_azs=(1, 2)`` (an ENI in each subnet of the group: not what the pages say,
for the reading where Redshift spreads it); ``endpoint_ports=(443,)`` (the near miss: the
endpoint group admits TCP 443 only, the HTTPS habit of AWS-service endpoints);
``client_egress="443"`` (the near miss: ``sql-clients`` lets out TCP 443 only, to 0.0.0.0/0);
``client_azs=(1,)`` (clients in use1-az1 only).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2")
CLUSTER_VPC_CIDR = "10.1.0.0/16"
CLIENT_VPC_CIDR = "10.2.0.0/16"
CLUSTER = "analytics"
NODES = ("LEADER", "COMPUTE-0", "COMPUTE-1")  # ra3.xlplus, two nodes: DescribeClusters' ClusterNodes
ENDPOINT_NAME = "analytics-clients"
REDSHIFT_PORT = 5439  # the cluster's port, the default ("The default is 5439")
REDSHIFT_REQUESTER_ID = "amazon-redshift"
REDSHIFT_DESCRIPTION = "RedshiftNetworkInterface"
ENDPOINT_DNS_ZONE = "Z7HUB22UULQXV"  # the hosted zone id DescribeVpcEndpoints gives vpce.amazonaws.com names


def build(*, endpoint_azs: Iterable[int] = (1,), endpoint_ports: Iterable[int] = (REDSHIFT_PORT,),
          client_egress: str = "all", client_azs: Iterable[int] = (1, 2)) -> tuple[Snapshot, dict[str, str]]:
    """``endpoint_azs``: the AZs (1, 2) of the Redshift-managed endpoint's ENIs. ``endpoint_ports``:
    the TCP ports ``redshift-endpoint`` admits from ``sql-clients``. ``client_egress``: "all"
    (AWS's default egress) or "443" (TCP 443 to 0.0.0.0/0 only). ``client_azs``: the AZs of the
    client instances."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    ids: dict[str, str] = {}
    ids |= _cluster_vpc(b)
    ids |= _client_vpc(b, tuple(endpoint_azs), tuple(endpoint_ports), client_egress, tuple(client_azs))
    return b.snapshot(), ids


def _cluster_vpc(b: AwsRegionBuilder) -> dict[str, str]:
    """The cluster's VPC, group, nodes' interfaces, DescribeClusters record and relocation endpoint."""
    vpc = b.vpc(CLUSTER_VPC_CIDR, name="warehouse", dns_support=True, dns_hostnames=True)
    ids = {"cluster_vpc": vpc}
    subnets = [b.subnet(vpc, f"10.1.{k}.0/24", az=k, name=f"warehouse-redshift-{k}") for k in (1, 2)]
    ids["redshift1"], ids["redshift2"] = subnets
    ids["cluster_rt"] = b.route_table(vpc, subnets=subnets, name="warehouse-redshift")
    group = ids["cluster_sg"] = b.security_group(
        vpc, name="warehouse-cluster", ingress=[("tcp", REDSHIFT_PORT, REDSHIFT_PORT, CLUSTER_VPC_CIDR)])
    for m, _role in enumerate(NODES, start=1):
        ids[f"node{m}"] = b.workload(subnets[0], groups=[group], requester_managed=True,
                                     requester_id=REDSHIFT_REQUESTER_ID, description=REDSHIFT_DESCRIPTION)
    nodes = [ids[f"node{m}"] for m in range(1, len(NODES) + 1)]
    b.redshift_cluster(CLUSTER, vpc, enhanced_vpc_routing=False, groups=[group], nodes=nodes)
    ids["relocation"] = _redshift_endpoint(b, vpc, "relocation", [subnets[0]], [group])
    return ids


def _client_vpc(b: AwsRegionBuilder, endpoint_azs: tuple[int, ...], endpoint_ports: tuple[int, ...],
                client_egress: str, client_azs: tuple[int, ...]) -> dict[str, str]:
    """The client VPC, its SQL client instances and the Redshift-managed endpoint."""
    vpc = b.vpc(CLIENT_VPC_CIDR, name="clients", dns_support=True, dns_hostnames=True)
    ids = {"client_vpc": vpc}
    for k in (1, 2):
        ids[f"private{k}"] = b.subnet(vpc, f"10.2.{k}.0/24", az=k, name=f"clients-private-{k}")
    ids["client_rt"] = b.route_table(vpc, subnets=[ids["private1"], ids["private2"]], name="clients-private")
    egress = [("tcp", 443, 443, "0.0.0.0/0")] if client_egress == "443" else [("-1", None, None, "0.0.0.0/0")]
    clients = ids["clients_sg"] = b.security_group(vpc, name="sql-clients", egress=egress)
    for k in client_azs:
        eni = ids[f"client{k}"] = b.workload(ids[f"private{k}"], groups=[clients],
                                             description="Primary network interface")
        b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))
    group = ids["endpoint_sg"] = b.security_group(
        vpc, name="redshift-endpoint", ingress=[("tcp", port, port, clients) for port in endpoint_ports])
    endpoint = ids["endpoint"] = _redshift_endpoint(b, vpc, ENDPOINT_NAME, [ids[f"private{k}"] for k in endpoint_azs],
                                                    [group])
    ids["service"] = b.endpoints[endpoint].service_name
    return ids


def _redshift_endpoint(b: AwsRegionBuilder, vpc: str, key: str, subnets: list[str], groups: list[str]) -> str:
    """An Interface endpoint of an endpoint service Redshift owns: private DNS off, no policy, its
    regional ``vpce.amazonaws.com`` name only."""
    service_id = b.new_id("vpce-svc")
    endpoint = b.interface_endpoint(vpc, key, subnets=subnets, groups=groups, private_dns=False, policy=None,
                                    service_name=f"com.amazonaws.vpce.{REGION}.{service_id}")
    suffix = b.new_id("x").split("-")[1][1:9]
    b.endpoints[endpoint] = replace(b.endpoints[endpoint], dns_entries=(
        r.DnsEntry(f"{endpoint}-{suffix}.{service_id}.{REGION}.vpce.amazonaws.com", ENDPOINT_DNS_ZONE),))
    return endpoint
