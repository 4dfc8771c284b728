"""An Amazon MQ for ActiveMQ active/standby broker without public accessibility in two private
subnets, with its producer and consumer instances in the same VPC reading the broker's
credentials from Parameter Store through an ``ssm`` interface endpoint, us-east-2.

Sources:

- cloudposse/terraform-aws-mq-broker ``examples/complete`` (commit 1982b40466f2a9514fe0591a43d1c75e2230df1b,
  2025-10-01, the repository's head: https://github.com/cloudposse/terraform-aws-mq-broker/tree/1982b40466f2a9514fe0591a43d1c75e2230df1b/examples/complete)
  with ``fixtures.us-east-2.tfvars`` (``availability_zones = ["us-east-2a", "us-east-2b"]``,
  ``deployment_mode = "ACTIVE_STANDBY_MULTI_AZ"``, ``engine_type = "ActiveMQ"``, ``engine_version
  = "5.18"``, ``mq.t3.micro``, ``publicly_accessible = false``, general and audit logs on), the
  module's ``main.tf`` and ``sg.tf`` at that commit (``subnet_ids = module.subnets.private_subnet_ids``,
  ``allowed_ingress_ports = [8162, 5671]`` from ``allowed_security_group_ids``; the group from
  cloudposse/terraform-aws-security-group 2.2.0, ``allow_all_egress`` defaulting to true: its
  ``_allow_all_egress_`` rule sends all traffic to 0.0.0.0/0 and ::/0, ``normalize.tf`` read at
  0e243e150e6ec108b42a07600347f2d70d528f0a), the example's ``module "vpc"`` cloudposse/terraform-aws-vpc
  2.1.1 (cd9070d36b6b837e9b5b51fdc2bbfd75b813348c, 2023-11-10: DNS support and hostnames on, an
  internet gateway, ``default_security_group_deny_all = true``, which strips the default group of
  every rule) and its ``module "subnets"`` cloudposse/terraform-aws-dynamic-subnets 2.4.2
  (6b3bb0f22692548729f4d9f631e511380346a3d4, 2024-03-07: ``max_subnet_count = 0`` reserves a CIDR
  per AZ of the Region for each type, three in us-east-2, so six /19s of 172.16.0.0/16, the private
  ones first; one public route table to the internet gateway, one private table per private
  subnet, without a default route as ``nat_gateway_enabled = false``; one open NACL for the
  public and one for the private subnets, rule 100 allowing all IPv4 traffic in and out);
- the Amazon MQ Developer Guide (source repository awsdocs/amazon-mq-developer-guide, last content
  commit 5bd5de4ace4a98fe52de84bd367ef166f715a12e, 2023-05-19, archived 2023-06-15; the current pages
  at https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/): "Never Modify or Delete the
  Amazon MQ Elastic Network Interface" (connecting-to-amazon-mq: "Amazon MQ provisions an elastic
  network interface in the Virtual Private Cloud (VPC) under your account … The network interface
  allows your client (producer or consumer) to communicate with the Amazon MQ broker. The network
  interface is considered to be within the service scope of Amazon MQ"), "Troubleshooting:
  General" (the broker's group must admit the ports in use: ActiveMQ web console 8162, OpenWire
  61617, AMQP 5671, STOMP 61614, MQTT 8883, WSS 61619), "Block unnecessary protocols with VPC
  security groups" ("Allow only the protocol ports that you are using"), "Accessing the broker web
  console without public accessibility" (the broker's group "must allow inbound connections from"
  the client's group, "We recommend restricting this security group to port 8162"), "IAM
  Permissions Required to Create an Amazon MQ Broker" (security-api-authentication-authorization:
  "The ec2:CreateNetworkInterface action is required to allow Amazon MQ to create an elastic
  network interface (ENI) in your account on your behalf"; "The ec2:CreateNetworkInterfacePermission
  action authorizes Amazon MQ to attach the ENI to an ActiveMQ broker"; the policy's condition
  ``"ec2:AuthorizedService": "mq.amazonaws.com"``) and "Configuring Amazon MQ for ActiveMQ logs"
  (a resource-based policy lets Amazon MQ, not the broker's interface, call ``logs:CreateLogStream``
  and ``logs:PutLogEvents``).

Built (``build()``), in us-east-2, whose us-east-2a, b and c are assumed to be this account's
use2-az1, use2-az2 and use2-az3:

- ``eg-test-mq-broker``, 172.16.0.0/16; private subnets 172.16.0.0/19 (a) and 172.16.32.0/19 (b),
  public 172.16.96.0/19 (a) and 172.16.128.0/19 (b); the tables and NACLs above, the main table
  and the default NACL as AWS creates them, the default group without rules;
- the broker's group (``eg-test-mq-broker-<suffix>``, "Managed by Terraform"): TCP 8162 and 5671
  from the clients' group (``allowed_security_group_ids``), all traffic out to 0.0.0.0/0 and ::/0;
- the broker's two interfaces, one per private subnet (the active instance in us-east-2a, the
  standby in b), as DescribeNetworkInterfaces reports them. AWS documents none of the fields;
  assumed: typed ``interface``, not requester-managed (the caller's ``ec2:CreateNetworkInterface``
  creates it "on your behalf"), described with the empty string, attached to an instance of
  Amazon MQ's account (through the network interface permission granted to ``mq.amazonaws.com``),
  so no instance of this account (``InstanceId`` not recorded), in the broker's group;
- the clients (the example builds none): a ``producer`` instance in the first private subnet and
  a ``consumer`` in the second, sharing a group ``eg-test-mq-app`` with no ingress and AWS's
  default egress (all traffic to 0.0.0.0/0). The example admits the VPC's default group instead,
  which the VPC module leaves without any rule (no egress either): a client in it could reach
  nothing, so the clients get a group of their own and the broker's group admits it;
- the companions: with no NAT gateway, the clients read the broker's user and password from the
  module's Parameter Store parameters (``aws_ssm_parameter.mq_application_username`` /
  ``_password``, SecureString) through an ``ssm`` interface endpoint in the two private subnets,
  private DNS on, AWS's default policy, behind a group admitting TCP 443 from 172.16.0.0/16 with no
  egress rule (assumed, as terraform-aws-vpc's ``vpc-endpoints`` submodule builds it in the other
  layouts); and an S3 gateway endpoint on the private tables.

What DescribeBroker reports (botocore's mq model), as the snapshot records it (part
``mq_brokers``; ``ListBrokers`` gives only summaries): ``EngineType`` ACTIVEMQ, the
``DeploymentMode``, ``SubnetIds`` (the private subnets the broker's instances are in),
``SecurityGroups`` (the broker's group) and one ``BrokerInstances`` entry per instance whose
``IpAddress``, "The IP address of the Elastic Network Interface (ENI) attached to the broker", is
that instance's interface's private address. The broker id is assumed (AWS's ``b-<uuid>`` form).

Variants: ``brokers_collected=False`` (ListBrokers or DescribeBroker denied, or a snapshot from
before the brokers were collected: the part not collected); ``broker_egress=False`` (the
module's ``allow_all_egress = false``: the broker's group sends nothing, as a hardening review
makes it: the guide asks for inbound rules only);
``app_egress="broker"`` (the clients' group sending only TCP 5671 and 8162 to the broker's group);
``broker_ports=(8162,)`` (the broker's group admitting the web console alone, the access guide's
"restricting this security group to port 8162" followed literally); ``deployment="SINGLE_INSTANCE"``
(one broker instance, in us-east-2a); ``app_azs`` and ``endpoint_azs`` (the clients' and the
endpoint's private subnets by AZ number).

Left out: the broker's users, configuration and SSM key, the log groups (no network resource),
security group rule descriptions.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part, Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-2"
AZ_IDS = ("use2-az1", "use2-az2", "use2-az3")  # this account's us-east-2a, b, c (assumed)
NAME = "eg-test-mq-broker"  # module.this.id: namespace eg, stage test, name mq-broker
TAGS = {"Namespace": "eg", "Stage": "test"}  # the label module's tags besides Name
VPC_CIDR = "172.16.0.0/16"
PRIVATE_CIDRS = ("172.16.0.0/19", "172.16.32.0/19")  # cidrsubnet(172.16.0.0/16, 3, 0..1)
PUBLIC_CIDRS = ("172.16.96.0/19", "172.16.128.0/19")  # cidrsubnet(172.16.0.0/16, 3, 3..4)
CONSOLE, AMQP = 8162, 5671  # the example's allowed_ingress_ports
BROKER_ID = "b-5f2c8e1a-3d4b-4c6e-9a7f-0b1c2d3e4f5a"  # DescribeBroker's BrokerId (assumed)
TF_SUFFIX = "20251001120000000000000001"  # the suffix Terraform adds to a name_prefix (assumed)
OPEN_ENTRIES = tuple(r.NaclEntry(number, egress, "-1", action, "0.0.0.0/0", None, None, None)
                     for egress in (False, True) for number, action in ((100, "allow"), (32767, "deny")))


def build(*, deployment: str = "ACTIVE_STANDBY_MULTI_AZ", broker_ports: tuple[int, ...] = (CONSOLE, AMQP),
          broker_egress: bool = True, app_egress: str = "all", app_azs: tuple[int, ...] = (1, 2),
          endpoint_azs: tuple[int, ...] = (1, 2), brokers_collected: bool = True) -> tuple[Snapshot, dict[str, str]]:
    """The example with its clients and companions (module docstring). ``deployment``:
    "ACTIVE_STANDBY_MULTI_AZ" or "SINGLE_INSTANCE"; ``broker_ports``: what the broker's group
    admits from the clients' group; ``broker_egress``: the module's ``allow_all_egress``;
    ``app_egress``: "all" or "broker"; ``app_azs``/``endpoint_azs``: AZ numbers (1, 2) of the
    clients' and the ``ssm`` endpoint's private subnets; ``brokers_collected``: False for the
    ``mq_brokers`` part not collected (denied)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc), "default_sg": b.default_group(vpc)}
    b.groups[ids["default_sg"]] = replace(b.groups[ids["default_sg"]], rules=())  # default_security_group_deny_all
    ids["igw"] = b.igw(vpc)
    ids["public_rt"] = b.route_table(vpc, routes={"0.0.0.0/0": ids["igw"]}, name=f"{NAME}-public")
    for k in (1, 2):
        ids[f"private{k}"] = b.subnet(vpc, PRIVATE_CIDRS[k - 1], az=k, name=f"{NAME}-private-{REGION}{'ab'[k - 1]}")
        ids[f"private_rt{k}"] = b.route_table(vpc, subnets=[ids[f"private{k}"]], name=f"{NAME}-private")
        ids[f"public{k}"] = b.subnet(vpc, PUBLIC_CIDRS[k - 1], az=k, name=f"{NAME}-public-{REGION}{'ab'[k - 1]}")
        b.associate(ids["public_rt"], ids[f"public{k}"])
    ids["private_acl"] = b.nacl(vpc, subnets=[ids["private1"], ids["private2"]], entries=OPEN_ENTRIES)
    ids["public_acl"] = b.nacl(vpc, subnets=[ids["public1"], ids["public2"]], entries=OPEN_ENTRIES)
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[ids["private_rt1"], ids["private_rt2"]])

    app_sg = ids["app_sg"] = b.security_group(vpc, name="eg-test-mq-app")
    broker_out = [("-1", None, None, "0.0.0.0/0"), ("-1", None, None, "::/0")] if broker_egress else []
    broker_sg = ids["broker_sg"] = b.security_group(
        vpc, name=f"{NAME}-{TF_SUFFIX}", ingress=[("tcp", port, port, app_sg) for port in broker_ports],
        egress=broker_out)
    if app_egress == "broker":
        b.groups[app_sg] = replace(b.groups[app_sg], rules=())
        b.authorize(app_sg, egress=[("tcp", port, port, broker_sg) for port in (AMQP, CONSOLE)])
    broker_azs = (1, 2) if deployment == "ACTIVE_STANDBY_MULTI_AZ" else (1,)
    for n, k in enumerate(broker_azs, start=1):
        ids[f"broker{n}"] = b.workload(ids[f"private{k}"], groups=[broker_sg])
    b.mq_broker(BROKER_ID, name=NAME, deployment=deployment, subnets=[ids[f"private{k}"] for k in broker_azs],
                groups=[broker_sg], instances=[ids[f"broker{n}"] for n in range(1, len(broker_azs) + 1)])
    for role, k in zip(("producer", "consumer"), app_azs * 2 if len(app_azs) == 1 else app_azs, strict=True):
        ids[role] = b.workload(ids[f"private{k}"], groups=[app_sg])
        b.enis[ids[role]] = replace(b.enis[ids[role]], instance_id=b.new_id("i"))

    ids["endpoint_sg"] = b.security_group(vpc, name=f"{NAME}-vpc-endpoints", ingress=[("tcp", 443, 443, VPC_CIDR)],
                                          egress=[])
    ids["ssm"] = b.interface_endpoint(vpc, "ssm", subnets=[ids[f"private{k}"] for k in endpoint_azs],
                                      groups=[ids["endpoint_sg"]])
    for resource in (vpc, ids["igw"], ids["public_rt"], ids["private_rt1"], ids["private_rt2"], ids["private1"],
                     ids["private2"], ids["public1"], ids["public2"], ids["private_acl"], ids["public_acl"], broker_sg):
        b.tag(resource, TAGS)
    return b.snapshot(missing=() if brokers_collected else [Part.MQ_BROKERS]), ids
