"""An AWS CloudHSM cluster with one HSM in each of two private subnets, a client instance in the
same VPC carrying the cluster's security group, and an AWS KMS custom key store (AWS CloudHSM key
store) connected to the cluster, us-east-1.

Sources:

- the AWS CloudHSM User Guide's getting-started pages, as archived in awsdocs/aws-cloudhsm-user-guide
  (``doc_source/``, the repository's last commits, 2023; the current pages, read 2026-12-06, say
  the same): "Create a Virtual Private Cloud (VPC)" (``create-vpc.md`` at 0871fad: the VPC
  wizard's "VPC with a Single Public Subnet"); "Create a Private Subnet" (``create-subnets.md`` at
  d403641: "a subnet with no internet gateway attached" for each Availability Zone where you want
  an HSM, 10.0.1.0/28, 10.0.2.0/28 …); "Launch an Amazon EC2 Client Instance"
  (``launch-client-instance.md`` at 0089760: the public subnet, auto-assigned public IP, the
  default security group, SSH from a source that is not 0.0.0.0/0); "Review cluster security group"
  (``configure-sg.md`` at ab7c16d: CloudHSM creates ``cloudhsm-cluster-<clusterID>-sg`` whose
  preconfigured TCP rule "allows inbound and outbound communication within the cluster security
  group over ports 2223-2225", not to be deleted or modified); "Configure the Client Amazon EC2
  instance security groups" (``configure-sg-client-instance.md`` at e9cbb77: SSH from "My IP" on
  the default group, and "You must attach the cluster security group to the EC2 instance"; where
  an instance already has five groups, the alternative is to admit TCP 2223-2225 between the
  default group and the cluster's group, each adding all traffic out to 0.0.0.0/0);
- the guide's "Cluster architecture" (https://docs.aws.amazon.com/cloudhsm/latest/userguide/manage-clusters.html,
  current page, read 2026-12-06): "When you create an HSM, AWS CloudHSM puts an elastic network
  interface (ENI) in the specified subnet in your AWS account"; the HSM itself "resides in a
  separate VPC in an AWS account that is owned by AWS CloudHSM"; the HSM and its interface are
  in the same AZ; clients "reside in the same VPC as the HSM ENIs" typically, and talk to each
  HSM through its ENI;
- the guide's "AWS CloudHSM and VPC endpoints" (``cloudhsm-vpc-endpoint.md`` at f93f30e):
  ``com.amazonaws.<region>.cloudhsmv2``, private DNS for ``cloudhsmv2.<region>.amazonaws.com``,
  endpoint policies supported;
- the AWS KMS Developer Guide (current pages, read 2026-12-06), "Connect an AWS CloudHSM key
  store" (https://docs.aws.amazon.com/kms/latest/developerguide/connect-keystore.html): KMS
  creates a group ``kms-<custom key store ID>`` in the cluster's VPC with "a single rule that
  allows inbound traffic from the cluster security group", and an ENI "in each Availability Zone
  of the private subnet for the cluster", in that group and the cluster's, described
  ``KMS managed ENI for cluster <cluster-ID>``; and the KMS API's
  ``CloudHsmClusterInvalidConfigurationException``
  (https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateCustomKeyStore.html): private
  subnets in at least two AZs, the cluster group's inbound and outbound TCP 2223-2225 rules with
  the group itself as source and destination, and two active HSMs "each in a different
  Availability Zone" for CreateCustomKeyStore and CreateKey;
- the HSM interfaces' description ``CloudHsm ENI <id>`` (classic CloudHSM's were ``CloudHSM
  Managed Interface``), as cloud-custodian's ``get_eni_resource_type`` classifies interfaces
  (cloud-custodian/cloud-custodian ``c7n/utils.py`` at df271a2, ``hsmv2``);
- botocore 1.44.18's ec2 ``NetworkInterfaceType`` enumeration, which has no CloudHSM or KMS value.

What DescribeNetworkInterfaces shows of the service-managed interfaces beyond those descriptions
AWS does not document. Assumed: the HSMs' and KMS's interfaces are typed ``interface``,
requester-managed (created by CloudHSM and by KMS, not by the account's principals; RequesterId
not recorded here), attached to no instance of the account, ``in-use``, untagged, with no public
address; the id closing an HSM interface's description is its HSM's id. The HSM interfaces carry
the cluster's group alone; KMS's carry ``kms-<cks-id>`` and the cluster's group, as the KMS guide
says. The single rule of ``kms-<cks-id>`` is taken as all traffic from the cluster's group, and
the group keeps AWS's default egress (assumed: the guide names neither). The cluster group's
rules are exactly TCP 2223-2225 in from and out to itself (the KMS exception's wording, and the
user guide's five-group note, which has you add all-traffic egress to it).

Built (``build()``): VPC 10.0.0.0/16 ``CloudHSM``, DNS support and hostnames on (the wizard's);
``CloudHSM public subnet`` 10.0.0.0/24 in us-east-1a (AZ IDs use1-az1, use1-az2 assumed) on the
wizard's table to the internet gateway; ``CloudHSM private subnet`` 1 and 2, 10.0.1.0/28 and
10.0.2.0/28 in a and b, on the main table (local route only); the default NACL. Groups: the VPC's
``default`` (AWS's self rule and egress) plus SSH from 203.0.113.25/32 (the guide's "My IP");
``cloudhsm-cluster-igklspoyj5v-sg`` as above; ``kms-cks-1234567890abcdef0`` as above. The cluster
``cluster-igklspoyj5v``: one HSM interface per private subnet. The key store, connected: one KMS
interface per private subnet. The client instance in the public subnet with a public address, in
``default`` and the cluster's group. No flow log, no endpoint.

Near misses: ``client_in_cluster_group=False`` — the cluster's group never attached to the client
and no rule admitting it: the client cannot open 2223-2225 to any HSM. ``hsm_azs=(1,)`` — the
cluster's second HSM never created: one HSM, in us-east-1a (the key store then cannot create keys,
and the cluster goes with that AZ). ``api_endpoint=True`` (put to use) — the guide's ``cloudhsmv2``
interface endpoint in both private subnets, private DNS on, AWS's default policy, behind
``cloudhsmv2-endpoint`` admitting TCP 443 from the default group, the client's: the management API
(``DescribeClusters``, which client tooling calls to find the HSMs) without the internet;
with ``endpoint_azs=(1,)``, the endpoint in us-east-1a's private subnet only.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2")  # this account's us-east-1a, b (assumed)
CLUSTER = "cluster-igklspoyj5v"  # CloudHSM's pattern cluster-[2-7a-zA-Z]{11,16}
HSM_IDS = ("hsm-ted36yp5b2x", "hsm-kmpgd3s4umx")  # assumed, same pattern
KEY_STORE = "cks-1234567890abcdef0"
CLUSTER_GROUP = f"cloudhsm-cluster-{CLUSTER}-sg"
KMS_GROUP = f"kms-{KEY_STORE}"
KMS_DESCRIPTION = f"KMS managed ENI for cluster {CLUSTER}"
HSM_PORTS = (2223, 2225)
SSH_SOURCE = "203.0.113.25/32"  # the guide's "My IP" (documentation range)
CLIENT_PUBLIC_IP = "54.210.167.99"  # assumed
ALL_OUT = ("-1", None, None, "0.0.0.0/0")


def hsm_description(hsm_id: str) -> str:
    return f"CloudHsm ENI {hsm_id}"


def build(*, client_in_cluster_group: bool = True, hsm_azs: tuple[int, ...] = (1, 2),
          api_endpoint: bool = False, endpoint_azs: tuple[int, ...] = (1, 2)
          ) -> tuple[Snapshot, dict[str, str]]:
    """The layout; ``client_in_cluster_group``: whether the client carries the cluster's group;
    ``hsm_azs``: the AZs holding an HSM; ``api_endpoint``: the ``cloudhsmv2`` endpoint, in the
    private subnets of ``endpoint_azs`` (module docstring)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc("10.0.0.0/16", name="CloudHSM", dns_support=True, dns_hostnames=True)
    ids = {"vpc": vpc, "main_rt": b.main_route_table(vpc), "default_sg": b.default_group(vpc)}
    ids["public"] = b.subnet(vpc, "10.0.0.0/24", az=1, name="CloudHSM public subnet")
    private = [b.subnet(vpc, f"10.0.{k}.0/28", az=k, name="CloudHSM private subnet") for k in (1, 2)]
    ids["private1"], ids["private2"] = private
    ids["igw"] = b.igw(vpc)
    ids["public_rt"] = b.route_table(vpc, subnets=[ids["public"]], routes={"0.0.0.0/0": ids["igw"]})

    low, high = HSM_PORTS
    b.authorize(ids["default_sg"], ingress=[("tcp", 22, 22, SSH_SOURCE)])
    cluster_sg = ids["cluster_sg"] = b.security_group(vpc, name=CLUSTER_GROUP, egress=[])
    b.authorize(cluster_sg, ingress=[("tcp", low, high, "self")], egress=[("tcp", low, high, "self")])
    kms_sg = ids["kms_sg"] = b.security_group(vpc, name=KMS_GROUP, ingress=[("-1", None, None, cluster_sg)])

    for k in hsm_azs:
        ids[f"hsm{k}"] = b.workload(private[k - 1], groups=[cluster_sg], requester_managed=True,
                                    description=hsm_description(HSM_IDS[k - 1]))
    for k, subnet in enumerate(private, start=1):
        ids[f"kms{k}"] = b.workload(subnet, groups=[kms_sg, cluster_sg], requester_managed=True,
                                    description=KMS_DESCRIPTION)

    client_groups = [ids["default_sg"], cluster_sg] if client_in_cluster_group else [ids["default_sg"]]
    client = ids["client"] = b.workload(ids["public"], groups=client_groups)
    b.enis[client] = replace(b.enis[client], instance_id=b.new_id("i"), public_ip_addresses=(CLIENT_PUBLIC_IP,))

    if api_endpoint:
        ids["endpoint_sg"] = b.security_group(vpc, name="cloudhsmv2-endpoint",
                                              ingress=[("tcp", 443, 443, ids["default_sg"])])
        ids["cloudhsmv2"] = b.interface_endpoint(vpc, "cloudhsmv2", subnets=[private[k - 1] for k in endpoint_azs],
                                                 groups=[ids["endpoint_sg"]])
    return b.snapshot(), ids
