"""An EC2 instance in a subnet with no route out of the VPC, managed and reached with Systems Manager
Session Manager through the ``ssm``, ``ssmmessages`` and ``ec2messages`` interface endpoints only, in
the AWS China (Beijing) Region (cn-north-1).

Sources:

- AWS China blog, "从客户 Amazon VPC 访问外部亚马逊云科技托管服务" (part two of "在亚马逊云科技上围绕
  Amazon VPC 打造内外兼修的合适架构",
  https://aws.amazon.com/cn/blogs/china/build-the-right-architecture-around-amazon-vpc-on-aws-part-two/;
  current page, read 2026-12-07). It lists ``aws ec2 describe-vpc-endpoint-services`` for
  cn-north-1 and cn-northwest-1 and explains the three naming forms of the China Regions: a few
  SageMaker services ``aws.sagemaker.<region>.<svc>``, a minority ``com.amazonaws.<region>.<svc>``
  (its examples: SNS and SSM), most ``cn.com.amazonaws.<region>.<svc>`` (its example: SQS), while
  every service's domain is ``<name>.<region>.amazonaws.com.cn``. The lab: the instance
  ``TEST-EC2`` (Amazon Linux, SSM Agent preinstalled; instance profile ``ec2-instance-profile-TEST``,
  role ``SSMECRole`` with ``AmazonSSMManagedEC2InstanceDefaultPolicy``) in ``TEST Public Subnet
  (AZ1)``, whose route table ``TEST Public Routes`` has its internet route deleted, leaving the
  local route only; then the interface endpoints ``endpoint-SSM`` (``com.amazonaws.<region>.ssm``),
  ``endpoint-SSMMessage`` (``…ssmmessages``) and ``endpoint-EC2Message`` (``…ec2messages``) in the
  instance's subnet behind ``endpoint-sg``; the instance's group ``ec2-ssm-sg`` lets TCP 443 out to
  ``endpoint-sg`` and ``endpoint-sg`` admits TCP 443 from ``ec2-ssm-sg``. The VPC needs
  ``enableDnsSupport`` and ``enableDnsHostnames`` and the endpoints private DNS, so the services'
  default names resolve to the endpoints' interfaces. It notes the lab puts the endpoints in one
  AZ for convenience and that production would use subnets of several AZs.
- aws/aws-cdk@000a9eb6dd93c8025d184934c66dee83868c8f28,
  ``packages/aws-cdk-lib/aws-ec2/lib/vpc-endpoint.ts``, ``getDefaultEndpointPrefix``: the services
  named ``cn.com.amazonaws.`` in cn-north-1 (kept, per its comment, from
  ``aws ec2 describe-vpc-endpoint-services``). ``ssm``, ``ssmmessages``, ``ec2messages``, ``kms``,
  ``logs``, ``sns``, ``secretsmanager`` and ``dynamodb`` are not in it (``com.amazonaws.``); ``ec2``,
  ``sts``, ``monitoring``, ``ecr.api``, ``ecr.dkr``, ``sqs``, ``s3`` (interface) are.
- docs.amazonaws.cn: "Create an interface endpoint for Amazon Batch"
  (https://docs.amazonaws.cn/en_us/batch/latest/userguide/vpc-endpoint-create.html; current page,
  read 2026-12-07): "In the aws-cn partition, the format is different: cn.com.amazonaws.region.batch"
  — AWS China's own word that the prefix differs for some services; "Beijing Region Endpoints"
  (https://docs.amazonaws.cn/en_us/aws/latest/userguide/endpoints-Beijing.html; current page, read
  2026-12-07): the endpoint domain of both China Regions is ``amazonaws.com.cn``; "Amazon Virtual
  Private Cloud" in Getting Started with Amazon Web Services in China
  (https://docs.amazonaws.cn/en_us/aws/latest/userguide/vpc.html; current page, read 2026-12-07):
  the China differences of VPC list none about AWS services' interface endpoints; "Reference:
  ec2messages, ssmmessages, and other API operations"
  (https://docs.amazonaws.cn/en_us/systems-manager/latest/userguide/systems-manager-setting-up-messageAPIs.html;
  current page, read 2026-12-07): what the agent calls on ``ssmmessages`` and ``ec2messages``.
  No docs.amazonaws.cn page read shows a ``cn.com.amazonaws.`` name for the three Systems Manager
  services: the blog's listing, the CDK table and public cn-north-1 templates agree on
  ``com.amazonaws.cn-north-1.ssm`` / ``.ssmmessages`` / ``.ec2messages``.

Names, as built. ``com.amazonaws.cn-north-1.``: ``ssm``, ``ssmmessages``, ``ec2messages`` (the
layout's endpoints), and the other ``com.amazonaws.`` entries of the blog's list — among them the S3
and DynamoDB gateway services ``com.amazonaws.cn-north-1.s3`` / ``.dynamodb`` and their AWS-managed
prefix lists of the same names. ``cn.com.amazonaws.cn-north-1.``: every other entry of the list,
including the S3 *interface* service ``cn.com.amazonaws.cn-north-1.s3``. ``aws.sagemaker.cn-north-1.``:
``notebook`` and ``studio``. Private DNS names end in ``amazonaws.com.cn``
(``ssm.cn-north-1.amazonaws.com.cn`` …); base endpoint names and the endpoints' DNS entries in
``vpce.amazonaws.com.cn``. The partition is ``aws-cn``: the role is
``arn:aws-cn:iam::<account>:role/SSMECRole`` and the managed policy
``arn:aws-cn:iam::aws:policy/AmazonSSMManagedEC2InstanceDefaultPolicy`` (neither is in the snapshot,
which records no IAM).

Built: VPC ``TEST`` 10.192.0.0/16 (DNS support and hostnames on, the Region's default DHCP options);
the internet gateway still attached (the blog deletes the route, not the gateway); ``TEST Public
Subnet (AZ1)`` 10.192.10.0/24 in cn-north-1a (cnn1-az1) on ``TEST Public Routes`` with the local route
only; ``TEST-EC2``'s primary interface in ``ec2-ssm-sg`` (no ingress; TCP 443 out to ``endpoint-sg``
only); ``endpoint-sg`` (TCP 443 from ``ec2-ssm-sg``; AWS's default egress); the three interface
endpoints in that subnet, private DNS on, ``endpoint-sg``; ``ssm`` with the console's default
full-access policy, ``ssmmessages`` and ``ec2messages`` with none (they do not support endpoint
policies). No flow log, no NAT gateway, no gateway endpoint.

Assumptions:

- The CIDRs, the AZ mapping (cn-north-1a → cnn1-az1, cn-north-1b → cnn1-az2) and every id. The blog
  names 10.192.10.0/24 for the subnet; the VPC block is assumed /16 around it.
- The instance carries ``ec2-ssm-sg`` only, whose egress is the blog's one rule (AWS's default
  all-traffic egress removed). The blog allows either adding the rule to the instance's group or
  associating the new group; with a second group keeping the default egress, the rule is moot.
- The catalogue is the blog's cn-north-1 list, as DescribeVpcEndpointServices gave it then; AWS adds
  services over time. Each entry offered in both AZs, owner ``amazon``, IPv4. Private DNS names are
  ``<svc>.cn-north-1.amazonaws.com.cn`` but for ECR (``api.ecr.…``, ``*.dkr.ecr.…``), the S3
  interface service (``s3.…`` and ``*.s3.…``), the gateway-only ``com.amazonaws.`` S3 and DynamoDB
  (none) and the SageMaker ``aws.sagemaker.`` pair (none): assumed, not looked up per service. The
  S3/DynamoDB prefix lists' addresses are placeholders, not AWS China's ranges.
- The network interfaces, as DescribeNetworkInterfaces reports them: the instance's typed
  ``interface``, not requester-managed, no RequesterId, an empty description, attached to its
  instance; each endpoint's typed ``vpc_endpoint`` (the EC2 API Reference's NetworkInterface
  InterfaceType; botocore 1.44.18's ``NetworkInterfaceType`` enum lists only ``interface`` and
  ``natGateway``, which EC2 does not keep to), requester-managed, described ``VPC Endpoint Interface
  vpce-…``, in ``endpoint-sg``, on no instance, untagged, RequesterId not recorded.
- The hosted zone id of the endpoints' ``vpce.amazonaws.com.cn`` names (``VPCE_ZONE``) is a
  placeholder.

Near misses:

- ``prefix="cn.com.amazonaws"``: the three endpoints requested as ``cn.com.amazonaws.cn-north-1.ssm``
  (…``ssmmessages``, …``ec2messages``), the form the blog says most China services take. The names
  are not in the Region's catalogue, so CreateVpcEndpoint refuses them (assumed: the EC2 API error
  ``InvalidServiceName``, "The name of the VPC endpoint service is not valid") and a CloudFormation
  stack rolls back: the snapshot holds no endpoint, and the instance has no path to Systems Manager.
- ``services=("ssm", "ssmmessages")``: ``ec2messages`` forgotten.
- ``endpoint_source="default"``: ``endpoint-sg`` admitting TCP 443 from the VPC's default group,
  which the instance does not carry, instead of ``ec2-ssm-sg``.
- ``private_dns=False``: the endpoints created with private DNS off.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder, endpoint_regional_name
from builders import NO_POLICY_SERVICES

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "cn-north-1"
AZ_IDS = ("cnn1-az1", "cnn1-az2")
VPC_CIDR = "10.192.0.0/16"
SUBNET_CIDR = "10.192.10.0/24"
HTTPS = 443
SSM_SERVICES = ("ssm", "ssmmessages", "ec2messages")
SUFFIX = "amazonaws.com.cn"
VPCE_ZONE = "Z0CNVPCEPLACEHOLDER"  # placeholder (module docstring)
# The blog's DescribeVpcEndpointServices list for cn-north-1, by naming form.
SAGEMAKER = ("notebook", "studio")
CN_COM = ("application-autoscaling", "appmesh-envoy-management", "athena", "autoscaling", "awsconnector", "backup",
          "batch", "cassandra", "cloudcontrolapi", "cloudformation", "codedeploy-commands-secure", "databrew", "dms",
          "ebs", "ec2", "ecr.api", "ecr.dkr", "elasticache", "elasticbeanstalk", "elasticfilesystem",
          "elasticfilesystem-fips", "emr-containers", "execute-api", "fsx", "imagebuilder", "iot.data",
          "iotsitewise.api", "iotsitewise.data", "kinesis-streams", "lambda", "license-manager", "monitoring", "rds",
          "redshift", "redshift-data", "s3", "sagemaker.api", "sagemaker.featurestore-runtime", "sagemaker.runtime",
          "securityhub", "servicecatalog", "sms", "sqs", "states", "sts", "sync-states", "synthetics",
          "transcribe.cn", "transcribestreaming", "transfer", "xray")
COM = ("codebuild", "codecommit", "dynamodb", "ec2messages", "ecs", "ecs-agent", "ecs-telemetry",
       "elasticbeanstalk-health", "elasticloadbalancing", "elasticmapreduce", "git-codecommit", "glue",
       "kinesis-firehose", "kms", "logs", "s3", "secretsmanager", "sns", "ssm", "ssmmessages", "storagegateway")
GATEWAY_ONLY = ("s3", "dynamodb")  # the com.amazonaws. S3 and DynamoDB entries: gateway services
DNS_NAMES = {"ecr.api": (f"api.ecr.{REGION}.{SUFFIX}",), "ecr.dkr": (f"*.dkr.ecr.{REGION}.{SUFFIX}",),
             "s3": (f"s3.{REGION}.{SUFFIX}", f"*.s3.{REGION}.{SUFFIX}")}


def china_catalogue(b: AwsRegionBuilder) -> None:
    """Replace the builder's commercial catalogue with cn-north-1's, named as the blog's listing."""
    b.services.clear()
    azs = tuple(a for a, _ in b.azs)
    az_ids = tuple(i for _, i in b.azs)

    def add(name: str, key: str, types: tuple[str, ...], dns: tuple[str, ...]) -> None:
        b.services[name] = r.EndpointService(
            name, None, "amazon", types, None, azs, az_ids, dns, (f"{key}.{REGION}.vpce.{SUFFIX}",),
            key not in NO_POLICY_SERVICES, ("ipv4",))

    for key in SAGEMAKER:
        add(f"aws.sagemaker.{REGION}.{key}", key, ("Interface",), ())
    for key in CN_COM:
        add(f"cn.com.amazonaws.{REGION}.{key}", key, ("Interface",),
            DNS_NAMES.get(key, (f"{key}.{REGION}.{SUFFIX}",)))
    for key in COM:
        gateway = key in GATEWAY_ONLY
        add(f"com.amazonaws.{REGION}.{key}", key, ("Gateway",) if gateway else ("Interface",),
            () if gateway else (f"{key}.{REGION}.{SUFFIX}",))


def build(*, prefix: str = "com.amazonaws", services: tuple[str, ...] = SSM_SERVICES,
          endpoint_source: str = "instances", private_dns: bool = True) -> tuple[Snapshot, dict[str, str]]:
    """``prefix``: the prefix the endpoints are requested with; ``services``: the endpoints built;
    ``endpoint_source``: "instances" (``ec2-ssm-sg``) or "default" (the VPC's default group);
    ``private_dns``: the endpoints' private DNS option."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    china_catalogue(b)
    vpc = b.vpc(VPC_CIDR, name="TEST", dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc), "default_sg": b.default_group(vpc)}
    ids["igw"] = b.igw(vpc)
    subnet = ids["subnet"] = b.subnet(vpc, SUBNET_CIDR, az=1, name="TEST Public Subnet (AZ1)")
    ids["route_table"] = b.route_table(vpc, subnets=[subnet], name="TEST Public Routes")

    # The two groups reference each other: created empty, then authorised.
    instance_sg = ids["instance_sg"] = b.security_group(vpc, name="ec2-ssm-sg", egress=[])
    endpoint_sg = ids["endpoint_sg"] = b.security_group(vpc, name="endpoint-sg")
    b.authorize(instance_sg, egress=[("tcp", HTTPS, HTTPS, endpoint_sg)])
    source = instance_sg if endpoint_source == "instances" else ids["default_sg"]
    b.authorize(endpoint_sg, ingress=[("tcp", HTTPS, HTTPS, source)])

    for key in services:
        name = f"{prefix}.{REGION}.{key}"
        if name not in b.services:
            continue  # CreateVpcEndpoint refuses a name the Region does not offer (module docstring)
        kwargs = {"policy": None} if key in NO_POLICY_SERVICES else {}
        endpoint = ids[key] = b.interface_endpoint(vpc, key, subnets=[subnet], groups=[endpoint_sg],
                                                   private_dns=private_dns, service_name=name, **kwargs)
        regional = endpoint_regional_name(endpoint, key, REGION).replace(".amazonaws.com", f".{SUFFIX}")
        zonal = regional.replace(".", f"-{b.azs[0][0]}.", 1)
        b.endpoints[endpoint] = replace(b.endpoints[endpoint], dns_entries=(
            r.DnsEntry(regional, VPCE_ZONE), r.DnsEntry(zonal, VPCE_ZONE)))

    eni = ids["instance_eni"] = b.workload(subnet, groups=[instance_sg])
    b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))
    ids["instance"] = b.enis[eni].instance_id or ""
    return b.snapshot(), ids
