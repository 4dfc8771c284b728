"""An AWS ParallelCluster 3 Slurm cluster in a single subnet with no internet access, reaching the
AWS services it needs through the VPC endpoints the user guide lists (us-east-1).

Sources:

- the AWS ParallelCluster User Guide (v3), "Network configurations" and its section "AWS
  ParallelCluster in a single subnet with no internet access"
  (https://docs.aws.amazon.com/parallelcluster/latest/ug/network-configuration-v3.html and
  https://docs.aws.amazon.com/parallelcluster/latest/ug/aws-parallelcluster-in-a-single-public-subnet-no-internet-v3.html),
  as last published in the guide's source repository
  (https://github.com/awsdocs/aws-parallelcluster-user-guide/blob/d1f293b618e3e58714332a1542df7b476c8195b8/doc_source/network-configuration-v3.md,
  the last commit before the repository was emptied and archived; the file last changed in
  0f7574e, 2023-02-21), the current page (read 2026-12-06) saying the same but for one row (below). What they say: the
  VPC "must have DNS Resolution = yes, DNS Hostnames = yes" and DHCP options with the Region's
  domain name (the default set, ``AmazonProvidedDNS``); the endpoints to create, for the
  commercial partitions: ``logs``, ``cloudformation`` and ``ec2`` (Interface), ``s3`` and
  ``dynamodb`` (Gateway), and ``secretsmanager`` (Interface) "only required when
  DirectoryService is enabled, otherwise it is optional"; the current page adds a conditional
  Elastic Load Balancing row (``elasticloadbalancing``, marked with its own footnote; assumed to
  concern login nodes, which sit behind a Network Load Balancer — this cluster has none); "All
  instances in the VPC must have proper security groups to communicate with the endpoints": if the
  endpoints are created without a group, "the default security group is associated with the
  endpoints", and "By adding the default security group to AdditionalSecurityGroups, you enable
  the communication between the cluster and the endpoints"; with IAM policies on the endpoints,
  the S3 endpoint must allow ``s3:PutObject`` on ``cloudformation-waitcondition-<region>/*``;
  "Because Route 53 doesn't support VPC endpoints", ``Dns: DisableManagedDns: true`` and
  ``UseEc2Hostnames: true`` (so ParallelCluster creates no private hosted zone); the scheduler
  must be Slurm; auto-assign public IPv4 off in the subnet; "Only services strictly required by
  AWS ParallelCluster are listed above".
- the ParallelCluster CLI's cluster template, aws/aws-parallelcluster at tag v3.11.1
  (c8773437caba60546716ac40a64af729275484e8), ``cli/src/pcluster/templates/cluster_stack.py``:
  ``HeadNodeSecurityGroup`` ("Enable access to the head node": TCP 22 from
  ``HeadNode/Ssh/AllowedIps``, default ``0.0.0.0/0``; no DCV here; no egress declared, so
  CloudFormation's default all-traffic egress; ``HeadNodeSecurityGroupComputeIngress0``: all
  traffic from the compute group); ``ComputeSecurityGroup`` ("Allow access to compute nodes":
  ``ComputeSecurityGroupEgress`` all traffic to itself, ``ComputeSecurityGroupNormalEgress`` all
  traffic to ``0.0.0.0/0``, ``ComputeSecurityGroupIngress`` all traffic from itself,
  ``ComputeSecurityGroupHeadNodeIngress0`` all traffic from the head node's group);
  ``HeadNodeENI`` (``AWS::EC2::NetworkInterface``, Description "AWS ParallelCluster head node
  interface", ``SourceDestCheck`` false, the head node's groups plus its
  ``AdditionalSecurityGroups``), attached by the head node's launch template at device index 0.
  ``queues_stack.py``: each compute resource's launch template gives its primary interface
  ``InterfaceType`` ``efa`` when ``Efa/Enabled`` is true, the queue's groups plus its
  ``AdditionalSecurityGroups``, and the queue's first subnet.
- the same repository's integration test of this layout (``tests/integration-tests/
  conftest_networking.py`` and ``network_template_builder.py`` at v3.11.1): one subnet without a
  default route, its endpoints created with no security group (so the VPC's default group), private
  DNS on, the gateway endpoints on the subnets' route tables.
- botocore's ec2 service model (1.44.18): ``NetworkInterfaceType`` includes ``interface`` and
  ``efa``; ``Attachment``, ``Description``, ``Groups``, ``RequesterManaged`` as
  DescribeNetworkInterfaces reports them.

The network interfaces, as DescribeNetworkInterfaces reports them. The head node's: created by
CloudFormation in the account, so typed ``interface``, not requester-managed, no RequesterId,
described "AWS ParallelCluster head node interface", attached to the head node instance. The
compute nodes' primary interfaces, created with the instances from the launch template
(``CreateFleet``/``RunInstances`` by the head node's clustermgtd): typed ``efa`` on the EFA compute
resource, ``interface`` on the other, not requester-managed, an empty description (the launch
template sets none; assumed), attached to their instances. Tags on interfaces are not modelled
(the templates tag instances and volumes; assumed none recorded). The endpoints' interfaces as the
shared builder makes them (``vpc_endpoint``, requester-managed, "VPC Endpoint Interface <id>").

Built (``build()``): VPC 10.0.0.0/16 ``pcluster-no-internet``, DNS support and hostnames on, the
Region's default DHCP options; one subnet 10.0.0.0/24 in us-east-1a (AZ ID use1-az1 assumed),
auto-assign public IPv4 off, on its own route table (local route only, plus the gateway
endpoints' prefix-list routes); no internet gateway, no NAT gateway; the default NACL. Endpoints:
``logs``, ``cloudformation``, ``ec2`` interface endpoints in the subnet, private DNS on, AWS's
default full-access policy, created without a group (so the VPC's default group: all traffic from
itself, all traffic out); ``s3`` and ``dynamodb`` gateway endpoints on the subnet's table, default
policy. No ``secretsmanager`` (no DirectoryService) and no ``elasticloadbalancing`` (no login
nodes). The cluster as the guide's example configures it: the head node and one Slurm queue in
the subnet, the managed groups above, the default group as ``AdditionalSecurityGroups`` of both;
``Dns`` with ``DisableManagedDns`` and ``UseEc2Hostnames`` true (so no hosted zone). Compute
resources running: ``efa`` (c5n.18xlarge, ``Efa/Enabled`` true, one EFA interface) and ``std``
(c5.xlarge, one ``interface``).

Near misses: ``dropped="logs"`` (any of the guide's endpoints left out: its table is followed
except for that row); ``dns_hostnames=False`` (the VPC's ``enableDnsHostnames`` off);
``additional_default_group=False`` (the endpoints still on the default group, but the cluster
not given it as ``AdditionalSecurityGroups``: the default group then has no workload member).
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
NAME = "pcluster-no-internet"
VPC_CIDR = "10.0.0.0/16"
SUBNET_CIDR = "10.0.0.0/24"
INTERFACE_SERVICES = ("logs", "cloudformation", "ec2")
GATEWAY_SERVICES = ("s3", "dynamodb")
HEAD_NODE_DESCRIPTION = "AWS ParallelCluster head node interface"
EFA = "efa"
SSH = 22
ALL_OUT = ("-1", None, None, "0.0.0.0/0")


def build(*, dropped: str | None = None, dns_hostnames: bool = True,
          additional_default_group: bool = True) -> tuple[Snapshot, dict[str, str]]:
    """``dropped``: one of the guide's endpoints (``INTERFACE_SERVICES`` or ``GATEWAY_SERVICES``)
    left out; ``dns_hostnames``: the VPC's ``enableDnsHostnames``; ``additional_default_group``:
    whether the head node and the queue get the VPC's default group as ``AdditionalSecurityGroups``
    (module docstring)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1",))
    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=dns_hostnames)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc), "default_sg": b.default_group(vpc)}
    subnet = ids["subnet"] = b.subnet(vpc, SUBNET_CIDR, az=1, name=f"{NAME}-private")
    rt = ids["rt"] = b.route_table(vpc, subnets=[subnet], name=f"{NAME}-private")

    # The endpoints, created without a group: the VPC's default group (the guide's example).
    for key in INTERFACE_SERVICES:
        if key != dropped:
            ids[key] = b.interface_endpoint(vpc, key, subnets=[subnet], groups=[ids["default_sg"]])
    for key in GATEWAY_SERVICES:
        if key != dropped:
            ids[key] = b.gateway_endpoint(vpc, key, route_tables=[rt])

    # ParallelCluster's managed groups (cluster_stack.py at v3.11.1). They reference each other:
    # created with their own rules, then authorised.
    head_sg = ids["head_sg"] = b.security_group(vpc, name="HeadNodeSecurityGroup",
                                                ingress=[("tcp", SSH, SSH, "0.0.0.0/0")])
    compute_sg = ids["compute_sg"] = b.security_group(vpc, name="ComputeSecurityGroup", egress=[])
    b.authorize(compute_sg, egress=[("-1", None, None, compute_sg), ALL_OUT],
                ingress=[("-1", None, None, compute_sg), ("-1", None, None, head_sg)])
    b.authorize(head_sg, ingress=[("-1", None, None, compute_sg)])

    extra = [ids["default_sg"]] if additional_default_group else []
    head = ids["head_eni"] = b.workload(subnet, groups=[head_sg, *extra], description=HEAD_NODE_DESCRIPTION)
    b.enis[head] = replace(b.enis[head], instance_id=b.new_id("i"))
    for key, interface_type in (("efa", EFA), ("std", "interface")):
        eni = ids[f"{key}_eni"] = b.workload(subnet, groups=[compute_sg, *extra], interface_type=interface_type)
        b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))
    return b.snapshot(), ids
