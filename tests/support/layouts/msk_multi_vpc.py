"""An Amazon MSK provisioned cluster in private subnets with IAM-authenticated clients in its VPC,
and a second VPC reaching it through an MSK managed VPC connection (multi-VPC private
connectivity, AWS PrivateLink), us-east-1.

Sources:

- terraform-aws-modules/terraform-aws-msk-kafka-cluster v3.3.0, ``examples/complete``
  (https://github.com/terraform-aws-modules/terraform-aws-msk-kafka-cluster/tree/57ee6255453dc44037a10cfc894c093107c4da8a/examples/complete,
  commit 57ee625, 2026-04-22, the repository's head), with the module's ``main.tf`` at the same
  commit, its ``vpc`` and ``vpc_connection`` from terraform-aws-modules/terraform-aws-vpc
  ``~> 6.0`` (v6.6.0, 82d1929e669efef4e2ad00611b8a68e7a56e049c) and its groups from
  terraform-aws-modules/terraform-aws-security-group ``~> 5.0`` (v5.3.1,
  3cf4e1a48a4649179e8ea27308daf0b551cb0bfa; ``rules.tf``: ``kafka-broker-tcp`` 9092,
  ``kafka-broker-tls-tcp`` 9094, ``kafka-broker-sasl-scram-tcp`` 9096,
  ``kafka-broker-sasl-iam-tcp`` 9098). The one widely used public template that builds a
  cluster with ``vpc_connectivity`` and an ``aws_msk_vpc_connection`` in a second VPC (no
  aws-samples template for multi-VPC connectivity was found);
- the Amazon MSK Developer Guide (current pages; its source repository was archived in June 2023,
  before the feature): "Amazon MSK multi-VPC private connectivity in a single Region" (Kafka 2.7.1
  or later; IAM, TLS and SASL/SCRAM only; not across Regions), its tutorial "Get started using
  multi-VPC private connectivity" (IAM; step 1 "Amazon MSK creates the network infrastructure
  needed for private connectivity … a new set of bootstrap broker endpoints for each auth type";
  step 3 "Choose at least two Availability Zones and their associated subnets … The zone IDs you
  specify for the client subnets must match the zone IDs of the cluster subnets", "Select a
  security group for this VPC connection. You can use the default security group", and the
  client's identity policy ``kafka:CreateVpcConnection``, ``ec2:CreateTags``,
  ``ec2:CreateVPCEndpoint``, ``ec2:DescribeVpcAttribute``), "Reject …" ("A rejected connection
  still incurs cost until its deleted by the connection owner") and "Delete a managed VPC
  connection" ("the connection can't be deleted from the cluster admin account. Once a VPC
  connection is deleted, it no longer incurs cost"; the API is ``DeleteVpcConnection``), "Port
  information" (9092 plaintext, 9094 TLS, 9096 SASL/SCRAM, 9098 IAM from within AWS; it lists no
  port for multi-VPC connectivity), the API reference's ``BrokerNodeGroupInfo.ClientSubnets``
  ("AWS creates elastic network interfaces inside these subnets. Client applications use elastic
  network interfaces to produce and consume data. Client subnets can't occupy the Availability
  Zone with ID use1-az3"), "Service-linked role permissions for Amazon MSK" (``AWSServiceRoleForKafka``:
  "*NetworkInterface – create and manage network interfaces in the customer account that make
  cluster brokers accessible to clients in the customer VPC"; "*VpcEndpoints – manage VPC
  endpoints in the customer account that make cluster brokers accessible to clients in the
  customer VPC using AWS PrivateLink", its ``KafkaServiceRolePolicy`` allowing
  ``ec2:ModifyVpcEndpoint`` and ``ec2:DeleteVpcEndpoints`` only on endpoints tagged
  ``AWSMSKManaged: true`` with a ``ClusterArn`` tag) and the AWS managed policy
  ``AmazonMSKFullAccess`` v7 (2023-10-18), which allows ``ec2:CreateVpcEndpoint`` only with those
  two request tags.

Built (``build()``), in us-east-1 (the example's own Region); its first three AZs us-east-1a, b and
c are assumed to be this account's use1-az1, use1-az2 and use1-az4 (MSK refuses use1-az3):

- ``module "vpc"``: ``ex-complete``, 10.0.0.0/16, DNS support and hostnames on, public subnets
  10.0.0-2.0/24 on one table to the internet gateway, private 10.0.3-5.0/24 and database
  10.0.6-8.0/24 on one private table to the single NAT gateway in the first public subnet
  (``single_nat_gateway``; ``create_database_subnet_route_table`` false), the module's main
  table, rule-less default group and default NACL. ``module "vpc_connection"``:
  ``ex-complete-vpc-connection``, the same on 10.1.0.0/16;
- ``module "security_group"`` (the brokers' group, ``ex-complete-…``, "Security group for
  ex-complete"): TCP 9092, 9094 and 9096 from the three private subnets' CIDRs
  (``ingress_cidr_blocks``), no egress rule (the module adds none unless ``egress_rules`` is
  given, and Terraform revokes AWS's default one);
- the cluster ``ex-complete``: Kafka 3.9.x, three ``kafka.m5.large`` brokers, one per private
  subnet, public access off. Its interfaces, as DescribeNetworkInterfaces reports them (the form
  a public export of an account's interfaces shows, eu-west-2): typed ``interface``, described
  ``DO NOT DELETE - Amazon MSK network interface for cluster <cluster ARN>.``, the brokers'
  group, attached to no instance of the account (the broker runs in MSK's). Assumed: not
  requester-managed, no RequesterId (``broker_requester_managed=True`` reads them managed);
- ``module "vpc_connection_security_group"`` (``ex-complete-vpc-connection-…``, "Security group
  for ex-complete VPC Connection"): TCP 9092 and 9094 from the connection VPC's private subnets'
  CIDRs and TCP 14001-14003 from 10.1.0.0/16 ("multi-VPC network load balancer is listening on
  the 14001-14100 port ranges", the example's comment; one port per broker), no egress rule;
- ``vpc_connections.connection_one``: the connection VPC's private subnets and that group. As
  DescribeVpcEndpoints reports it (assumed, AWS documents none of it): one Interface endpoint
  of this account (the client's identity policy creates it, so not requester-managed) to an
  endpoint service MSK owns (``com.amazonaws.vpce.us-east-1.vpce-svc-…``, absent from this
  account's DescribeVpcEndpointServices unless ``service_listed``), tagged ``AWSMSKManaged:
  true`` and ``ClusterArn`` (the tags both policies name), private DNS on (the identity
  policy's ``ec2:DescribeVpcAttribute``: the bootstrap names must resolve to the endpoint in
  every client VPC), no policy document, one interface per client subnet; with
  ``service_listed`` the service's details: owner MSK's account (assumed), the cluster's three
  AZs, no private DNS name published, no endpoint policy support.

The example creates no client and no cluster policy principal other than its own account. Added,
after the guide's tutorial: IAM access control in place of the example's SCRAM (``auth="iam"``,
the canonical form: ``client_authentication = { sasl = { iam = true } }``, the same under
``vpc_connectivity``, ``authentication = "SASL_IAM"`` on the connection, and the brokers' group's
``ingress_rules = ["kafka-broker-sasl-iam-tcp"]``: TCP 9098 from the private subnets);
``auth="scram"`` is the example as published. Clients (assumed): a ``producer`` instance in the
cluster VPC's first private subnet and a ``consumer`` instance in its second, each with a group of
its own (no ingress, all traffic out), and a ``remote-consumer`` instance in the connection VPC's
third private subnet (``remote_az``) with such a group.

Do the brokers' interfaces call AWS services? The API reference says what they are for:
"Client applications use elastic network interfaces to produce and consume data", and the
service-linked role page: they "make cluster brokers accessible to clients". What the
cluster calls is called on MSK's side: IAM access control is checked by the brokers themselves
(no VPC endpoint is asked for), SCRAM secrets are read by ``kafka.amazonaws.com`` (the secret's
resource policy in the example), broker logs go through CloudWatch Logs log delivery
(``logs:CreateLogDelivery``), encryption at rest through KMS grants (``kms:CreateGrant``), tiered
storage is MSK's own storage. The network model nevertheless counts them as workloads (no
description rule for MSK).

Put to use (``kafka_endpoint=True``): an interface endpoint for the Amazon MSK API
(``com.amazonaws.us-east-1.kafka``, "Use Amazon MSK APIs with Interface VPC Endpoints": "your
Apache Kafka clients can dynamically fetch the connection strings") in the cluster VPC's private
subnets, terraform-aws-vpc's ``vpc-endpoints`` submodule style: private DNS, AWS's default policy,
a group admitting TCP 443 from 10.0.0.0/16, no egress rule.

Near misses: ``connection_group="default"`` (the tutorial's "You can use the default security
group", in a VPC whose default group the module strips of every rule); ``connection_rules="iam"``
(the connection's group copied from the cluster's: TCP 9098 from the private subnets, nothing on
14001-14100); ``connection_azs=(1, 2)`` (the connection in two AZs, "at least two", while the
remote consumer runs in the third); ``broker_sources=("producer",)`` (the brokers' group rewritten
to admit TCP 9098 from the producer's group only). ``idle=True`` adds a 14-day
``AWS/PrivateLinkEndpoints`` ``BytesProcessed`` of 0 for the connection's endpoint (a remote
consumer stopped for two weeks), and traffic through both NAT gateways. ``kafka_azs=(1, 2)``
puts the MSK API endpoint where the producer and consumer run, not in us-east-1c.
``connection_state="rejected"`` reads the connection's endpoint as rejected, after the cluster
owner rejects the connection (RejectClientVpcConnection: "A rejected connection still incurs cost
until its deleted by the connection owner"); that the endpoint's state follows the connection's
REJECTED is assumed, AWS does not document it.

Left out: the schema registries, topics, secrets, KMS key, log bucket and cluster policy (no
network resource of the VPCs), the NAT gateways' Elastic IPs, security group rule descriptions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from aws_layout import AwsRegionBuilder

from layouts.tf_vpc_ipv6_only import DEFAULT_ENTRIES
from layouts.tf_vpc_module import module_defaults
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2", "use1-az4")  # this account's us-east-1a, b, c (assumed; MSK refuses use1-az3)
NAME = "ex-complete"
CONNECTION_NAME = f"{NAME}-vpc-connection"
VPC_CIDR, CONNECTION_CIDR = "10.0.0.0/16", "10.1.0.0/16"
TAGS = {"Example": NAME, "GithubRepo": "terraform-aws-msk-kafka-cluster", "GithubOrg": "terraform-aws-modules"}
CLUSTER_ARN = f"arn:aws:kafka:{REGION}:{ACCOUNT}:cluster/{NAME}/6f1c2a9e-3b7d-4e52-9a08-c4d1e7f2b365-2"  # assumed uuid
BROKER_DESCRIPTION = f"DO NOT DELETE - Amazon MSK network interface for cluster {CLUSTER_ARN}."
MSK_SERVICE_OWNER = "286744613962"  # the account behind MSK's endpoint services (assumed)
MANAGED_TAGS = {"AWSMSKManaged": "true", "ClusterArn": CLUSTER_ARN}  # the tags MSK's policies require
# terraform-aws-security-group rules.tf
KAFKA_PLAINTEXT, KAFKA_TLS, KAFKA_SCRAM, KAFKA_IAM = 9092, 9094, 9096, 9098
MULTI_VPC_PORTS = (14001, 14003)  # the example's rule: one port per broker from 14001
TF_SUFFIX = "20260422093015123400000001"  # name_prefix suffixes Terraform generates (assumed)
ALL_OUT = ("-1", None, None, "0.0.0.0/0")
NAT_BYTES = 48.0 * 1024**3  # what each NAT gateway moved over the metrics window (assumed: in use)

Rule = tuple[str, int | None, int | None, str]


def build(*, auth: str = "iam", connection_group: str = "module", connection_rules: str = "example",
          connection_azs: tuple[int, ...] = (1, 2, 3), remote_az: int = 3,
          broker_sources: tuple[str, ...] = ("private-subnets",), kafka_endpoint: bool = False,
          kafka_azs: tuple[int, ...] = (1, 2, 3), service_listed: bool = False, broker_requester_managed: bool = False,
          idle: bool = False, connection_state: str = "available") -> tuple[Snapshot, dict[str, str]]:
    """The example with the guide's IAM access control (``auth="scram"``: as published).
    ``connection_group``: "module" or "default"; ``connection_rules``: "example" or "iam";
    ``connection_azs``: the connection's client subnets by AZ; ``remote_az``: the remote
    consumer's AZ; ``broker_sources``: whom the brokers' group admits on the auth port
    ("private-subnets", the example's CIDRs, or "producer" / "consumer", the clients' groups);
    ``kafka_endpoint`` (in the private subnets of ``kafka_azs``), ``service_listed``,
    ``broker_requester_managed``, ``idle``, ``connection_state``: module docstring."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    ids = _vpc(b, NAME, VPC_CIDR)
    ids |= {f"connection_{key}": value for key, value in _vpc(b, CONNECTION_NAME, CONNECTION_CIDR).items()}
    vpc, private = ids["vpc"], [ids[f"private{k}"] for k in (1, 2, 3)]

    for role, k in (("producer", 1), ("consumer", 2)):
        ids[f"{role}_sg"] = _client_group(b, vpc, role)
        ids[role] = _instance(b, ids[f"private{k}"], ids[f"{role}_sg"])
    ports = (KAFKA_IAM,) if auth == "iam" else (KAFKA_PLAINTEXT, KAFKA_TLS, KAFKA_SCRAM)
    sources = {"private-subnets": [b.subnets[s].cidr_block or "" for s in private],
               "producer": [ids["producer_sg"]], "consumer": [ids["consumer_sg"]]}
    broker_sg = ids["broker_sg"] = _module_group(
        b, vpc, f"{NAME}-{TF_SUFFIX}", f"Security group for {NAME}", NAME,
        [("tcp", port, port, source) for port in ports for key in broker_sources for source in sources[key]])
    for k, subnet in enumerate(private, start=1):
        ids[f"broker{k}"] = b.workload(subnet, groups=[broker_sg], requester_managed=broker_requester_managed,
                                       description=BROKER_DESCRIPTION)

    connection_vpc = ids["connection_vpc"]
    connection_private = [ids[f"connection_private{k}"] for k in (1, 2, 3)]
    ids["remote_sg"] = _client_group(b, connection_vpc, "remote-consumer")
    ids["remote"] = _instance(b, ids[f"connection_private{remote_az}"], ids["remote_sg"])
    if connection_group == "default":
        group = ids["connection_default_sg"]
    else:
        cidrs = [b.subnets[s].cidr_block or "" for s in connection_private]
        rules: list[Rule]
        if connection_rules == "example":
            rules = [("tcp", port, port, cidr) for port in (KAFKA_PLAINTEXT, KAFKA_TLS) for cidr in cidrs]
            rules.append(("tcp", *MULTI_VPC_PORTS, CONNECTION_CIDR))
        else:
            rules = [("tcp", KAFKA_IAM, KAFKA_IAM, cidr) for cidr in cidrs]
        group = ids["connection_sg"] = _module_group(
            b, connection_vpc, f"{CONNECTION_NAME}-{TF_SUFFIX[:-1]}2", f"Security group for {NAME} VPC Connection",
            CONNECTION_NAME, rules)
    ids["connection"] = _managed_connection(b, connection_vpc, [ids[f"connection_private{k}"] for k in connection_azs],
                                            group, service_listed, connection_state)
    if idle:
        b.metric(ids["connection"], "AWS/PrivateLinkEndpoints", "BytesProcessed", 0.0)
        for nat in (ids["nat"], ids["connection_nat"]):
            for metric in ("BytesOutToDestination", "BytesInFromSource"):
                b.metric(nat, "AWS/NATGateway", metric, NAT_BYTES)
    if kafka_endpoint:
        ids["kafka_sg"] = _module_group(b, vpc, f"{NAME}-vpc-endpoints-{TF_SUFFIX[:-1]}3",
                                        "VPC endpoint security group", f"{NAME}-vpc-endpoints",
                                        [("tcp", 443, 443, VPC_CIDR)])
        ids["kafka"] = b.interface_endpoint(vpc, "kafka", subnets=[private[k - 1] for k in kafka_azs],
                                            groups=[ids["kafka_sg"]])
        b.tag(ids["kafka"], {"Name": f"{NAME}-kafka", **TAGS})
    return b.snapshot(), ids


def _vpc(b: AwsRegionBuilder, name: str, cidr: str) -> dict[str, str]:
    """terraform-aws-vpc v6.6.0 as the example calls it: public, private and database subnets in
    three AZs, one NAT gateway, one public and one private table (the database subnets on the
    private one), the module's default group, NACL and main table."""
    vpc = b.vpc(cidr, name=name, dns_support=True, dns_hostnames=True)
    b.tag(vpc, TAGS)
    main_rt, default_sg, default_acl = module_defaults(b, vpc, DEFAULT_ENTRIES)
    ids = {"vpc": vpc, "main_rt": main_rt, "default_sg": default_sg, "default_acl": default_acl}
    for resource in (main_rt, default_sg, default_acl):
        b.tag(resource, {"Name": f"{name}-default", **TAGS})
    base = cidr.rsplit(".", 2)[0]
    for tier, offset in (("public", 0), ("private", 3), ("database", 6)):
        for k in (1, 2, 3):
            az = f"{REGION}{'abc'[k - 1]}"
            ids[f"{tier}{k}"] = b.subnet(vpc, f"{base}.{offset + k - 1}.0/24", az=k, name=f"{name}-{tier}-{az}")
            b.tag(ids[f"{tier}{k}"], TAGS)
    ids["igw"] = b.igw(vpc)
    ids["nat"] = b.nat(ids["public1"])
    ids["public_rt"] = b.route_table(vpc, subnets=[ids[f"public{k}"] for k in (1, 2, 3)],
                                     routes={"0.0.0.0/0": ids["igw"]}, name=f"{name}-public")
    ids["private_rt"] = b.route_table(vpc, subnets=[ids[f"{tier}{k}"] for tier in ("private", "database")
                                                    for k in (1, 2, 3)],
                                      routes={"0.0.0.0/0": ids["nat"]}, name=f"{name}-private")
    for key in ("igw", "nat"):
        b.tag(ids[key], {"Name": name, **TAGS})
    for key in ("public_rt", "private_rt"):
        b.tag(ids[key], TAGS)
    return ids


def _module_group(b: AwsRegionBuilder, vpc: str, name: str, description: str, tag_name: str,
                  ingress: Iterable[Rule]) -> str:
    """A terraform-aws-security-group group: ``name_prefix`` name, the given ingress, no egress."""
    group = b.security_group(vpc, name=name, ingress=list(ingress), egress=[])
    b.groups[group] = replace(b.groups[group], description=description)
    b.tag(group, {"Name": tag_name, **TAGS})
    return group


def _client_group(b: AwsRegionBuilder, vpc: str, role: str) -> str:
    """A client instance's group (assumed): no ingress, all traffic out."""
    group = b.security_group(vpc, name=f"{NAME}-{role}", egress=[ALL_OUT])
    b.groups[group] = replace(b.groups[group], description=f"Kafka {role}")
    return group


def _instance(b: AwsRegionBuilder, subnet: str, group: str) -> str:
    """A client instance's primary interface."""
    eni = b.workload(subnet, groups=[group])
    b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))
    return eni


def _managed_connection(b: AwsRegionBuilder, vpc: str, subnets: list[str], group: str, listed: bool,
                        state: str) -> str:
    """The managed VPC connection's endpoint as DescribeVpcEndpoints would report it (module
    docstring) in ``state``, and with ``listed`` its service in DescribeVpcEndpointServices."""
    service_id = b.new_id("vpce-svc")
    name = f"com.amazonaws.vpce.{REGION}.{service_id}"
    endpoint = b.interface_endpoint(vpc, "msk", subnets=subnets, groups=[group], private_dns=True, policy=None,
                                    service_name=name, state=state)
    suffix = b.new_id("x").split("-")[1][1:9]
    b.endpoints[endpoint] = replace(b.endpoints[endpoint], dns_entries=(
        r.DnsEntry(f"{endpoint}-{suffix}.{service_id}.{REGION}.vpce.amazonaws.com", "Z7HUB22UULQXV"),))
    b.tag(endpoint, MANAGED_TAGS)
    if listed:
        b.services[name] = r.EndpointService(
            name, service_id, MSK_SERVICE_OWNER, ("Interface",), None, tuple(a for a, _ in b.azs),
            tuple(i for _, i in b.azs), (), (f"{service_id}.{REGION}.vpce.amazonaws.com",), False, ("ipv4",))
    return endpoint
