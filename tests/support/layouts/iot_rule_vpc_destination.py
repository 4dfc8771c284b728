"""An AWS IoT Core rule whose Apache Kafka action delivers to an Amazon MSK provisioned cluster in
private subnets through an IoT Core VPC destination, with a consumer instance beside the brokers,
us-east-1.

Sources:

- the AWS IoT Core Developer Guide (current pages, read 2026-12-06), "Virtual private cloud (VPC)
  destinations" (https://docs.aws.amazon.com/iot/latest/developerguide/vpc-rule-action.html) and
  its Kafka form "Apache Kafka Virtual Private Cloud (VPC) destinations"
  (https://docs.aws.amazon.com/iot/latest/developerguide/kafka-vpc-destination.html): "A VPC
  destination contains a list of subnets inside the VPC. The rules engine creates an elastic
  network interface in each subnet that you specify in this list"; ``securityGroups`` (optional)
  are the groups put on those interfaces; for a self-managed cluster reached
  over the internet, a NAT gateway or an Elastic IP on those interfaces, whose "security groups
  … must be configured to block incoming traffic"; a destination that "doesn't receive any
  traffic for 30 days in a row" is disabled, as is one whose VPC, subnets, groups or role change;
- the guide's "Apache Kafka" rule action
  (https://docs.aws.amazon.com/iot/latest/developerguide/apache-kafka-rule-action.html): the
  role "creates and manages elastic network interfaces to your Amazon Virtual Private Cloud to
  reach your Kafka brokers" (``ec2:CreateNetworkInterface``, ``ec2:DeleteNetworkInterface`` …);
  MSK Serverless "is not supported", its IAM authentication being one the action does not
  support — so the target here is a provisioned cluster with SASL/SCRAM (the action's
  ``SASL_SSL`` with ``SCRAM-SHA-512``, port 9096 in the MSK guide's "Port information");
- the API's ``VpcDestinationConfiguration``
  (https://docs.aws.amazon.com/iot/latest/apireference/API_VpcDestinationConfiguration.html:
  ``subnetIds``, ``vpcId``, ``roleArn`` required, ``securityGroups`` optional), CloudFormation's
  ``AWS::IoT::TopicRuleDestination`` ``VpcProperties``
  (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-iot-topicruledestination-vpcdestinationproperties.html;
  ``RoleArn``, ``SecurityGroups``, ``SubnetIds``, ``VpcId``, each "Update requires: Replacement")
  and the Terraform AWS provider's ``aws_iot_topic_rule_destination`` example
  (``vpc_configuration { role_arn, security_groups = [aws_security_group.example.id],
  subnet_ids = aws_subnet.example[*].id, vpc_id }``, website/docs/r/iot_topic_rule_destination.html.markdown);
- botocore's ``NetworkInterfaceType`` enumeration (``iot_rules_managed``) and the EC2 API's
  ``interface-type`` filter of DescribeNetworkInterfaces, which lists it;
- the brokers' interfaces as ``msk_multi_vpc`` models them (typed ``interface``, described
  ``DO NOT DELETE - Amazon MSK network interface for cluster <ARN>.``, on no instance of the
  account).

What DescribeNetworkInterfaces shows of the rule engine's interfaces beyond their type AWS does not
document. Assumed: one per destination subnet, ``InterfaceType`` ``iot_rules_managed``, in the
destination's groups, not requester-managed (the customer's role creates them with
``ec2:CreateNetworkInterface``; ``RequesterId`` the role's assumed-role id, not recorded here), no
description, attached to no instance of the account, ``in-use``, no public address (the cluster
is private, so no Elastic IP), no tags.

Built (``build()``): VPC 10.0.0.0/16, DNS support and hostnames on; ``public`` 10.0.0.0/24 in
us-east-1a (AZ IDs use1-az1, az2, az4 assumed; MSK refuses use1-az3) on a table to the internet
gateway, with the one NAT gateway the consumer's package and AWS API traffic leaves by (the
companion; assumed); ``private1``-``3`` 10.0.1-3.0/24 in a, b, c on one table to it; the default
NACL. Groups (assumed, after the guide): ``iot-rule-destination`` — no ingress ("block incoming
traffic"), AWS's default egress; ``kafka-consumer`` — no ingress, all traffic out;
``msk-brokers`` — TCP 9096 from each of those two groups, AWS's default egress. The cluster
``iot-telemetry``: three brokers, one per private subnet. The destination: the three private
subnets and the ``iot-rule-destination`` group. The consumer instance runs in ``private2``.

Near misses: ``brokers_admit_iot=False`` — the brokers' group admits the consumer only, the rule
engine's group forgotten: every delivery times out (the rule's error action fires), nothing
network-side changes. ``destination_azs=(1,)`` — the destination given only the first private
subnet: the rule engine has one interface, in us-east-1a, and deliveries stop with that AZ.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2", "use1-az4")  # this account's us-east-1a, b, c (assumed)
CLUSTER = "iot-telemetry"
CLUSTER_ARN = f"arn:aws:kafka:{REGION}:{ACCOUNT}:cluster/{CLUSTER}/0b6e2f4c-8d1a-4c37-9e55-2a7f9c31d4e8-3"  # assumed
BROKER_DESCRIPTION = f"DO NOT DELETE - Amazon MSK network interface for cluster {CLUSTER_ARN}."
IOT_RULES_MANAGED = "iot_rules_managed"
KAFKA_SCRAM = 9096
ALL_OUT = ("-1", None, None, "0.0.0.0/0")


def build(*, brokers_admit_iot: bool = True, destination_azs: tuple[int, ...] = (1, 2, 3)
          ) -> tuple[Snapshot, dict[str, str]]:
    """The layout; ``brokers_admit_iot``: whether the brokers' group admits the rule engine's
    group on 9096; ``destination_azs``: the destination's private subnets by AZ (module docstring)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc("10.0.0.0/16", name="iot-kafka", dns_support=True, dns_hostnames=True)
    ids = {"vpc": vpc, "public": b.subnet(vpc, "10.0.0.0/24", az=1, name="public")}
    private = [b.subnet(vpc, f"10.0.{k}.0/24", az=k, name=f"private{k}") for k in (1, 2, 3)]
    ids |= {f"private{k}": subnet for k, subnet in enumerate(private, start=1)}
    ids["igw"] = b.igw(vpc)
    ids["nat"] = b.nat(ids["public"])
    ids["public_rt"] = b.route_table(vpc, subnets=[ids["public"]], routes={"0.0.0.0/0": ids["igw"]})
    ids["private_rt"] = b.route_table(vpc, subnets=private, routes={"0.0.0.0/0": ids["nat"]})

    iot_sg = ids["iot_sg"] = b.security_group(vpc, name="iot-rule-destination")
    consumer_sg = ids["consumer_sg"] = b.security_group(vpc, name="kafka-consumer", egress=[ALL_OUT])
    sources = [iot_sg, consumer_sg] if brokers_admit_iot else [consumer_sg]
    broker_sg = ids["broker_sg"] = b.security_group(
        vpc, name="msk-brokers", ingress=[("tcp", KAFKA_SCRAM, KAFKA_SCRAM, source) for source in sources])

    for k, subnet in enumerate(private, start=1):
        ids[f"broker{k}"] = b.workload(subnet, groups=[broker_sg], description=BROKER_DESCRIPTION)
    for k in destination_azs:
        ids[f"iot{k}"] = b.workload(ids[f"private{k}"], groups=[iot_sg], interface_type=IOT_RULES_MANAGED)
    consumer = ids["consumer"] = b.workload(ids["private2"], groups=[consumer_sg])
    b.enis[consumer] = replace(b.enis[consumer], instance_id=b.new_id("i"))
    return b.snapshot(), ids
