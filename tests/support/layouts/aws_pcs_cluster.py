"""An AWS Parallel Computing Service (AWS PCS) Slurm cluster: the controller's network interface
in a private subnet, a login node and compute nodes launched by PCS, us-east-1.

Sources:

- the AWS PCS User Guide (current pages, read 2026-12-06): "AWS PCS VPC and subnet requirements
  and considerations"
  (https://docs.aws.amazon.com/pcs/latest/userguide/working-with_networking_vpc-requirements.html):
  the VPC "must have a DNS hostname and DNS resolution support. Otherwise, nodes can't register";
  it "might require VPC endpoints using AWS PrivateLink to be able to contact the AWS PCS API";
  PCS "creates an Elastic Network Interface (ENI) in the subnet you specified", which "enables
  communication between the scheduler controller and the customer VPC", the subnet needing "at
  least 1 IP address for use by AWS PCS"; "AWS PCS clusters"
  (https://docs.aws.amazon.com/pcs/latest/userguide/working-with_clusters.html): slurmctld, the
  components provisioning EC2 instances and those sending logs and metrics to CloudWatch "run in
  an account managed by AWS"; PCS "provisions elastic network interfaces in your Amazon VPC
  subnet to provide connectivity from the scheduler software to Amazon EC2 instances";
  "Security groups in AWS PCS"
  (https://docs.aws.amazon.com/pcs/latest/userguide/working-with_networking_sg.html): PCS
  "creates a cross-account elastic network interface (ENI)" in the cluster's subnet; its group
  must allow "bidirectional communication" between that ENI and the instances; the permissive
  example is one self-referencing group (inbound all from itself, outbound all to 0.0.0.0/0 and
  all to itself) attached to the cluster and to the node groups' instances; the restrictive
  example lists, among others, TCP 6817 (inbound connections to slurmctld from the instances)
  and TCP 6818 (slurmd on the instances); "Access AWS PCS using an interface endpoint"
  (https://docs.aws.amazon.com/pcs/latest/userguide/vpc-interface-endpoints.html): service
  ``com.amazonaws.<region>.pcs``; "If your VPC doesn't have direct internet access, you must
  configure a VPC endpoint to enable your compute node group instances to call the AWS PCS
  RegisterComputeNodeGroupInstance API action". The guide names no other endpoint.
- the HPC Recipes for AWS (https://github.com/aws-samples/aws-hpc-recipes):
  ``recipes/pcs/getting_started/assets/cluster.yaml`` at 009a29a8462aaeb83e82d90ab8405d1a735302c7
  (the cluster on ``DefaultPrivateSubnet``, the login node group on ``DefaultPublicSubnet``, the
  compute node group on ``DefaultPrivateSubnet``; networking from ``hpc_large_scale`` with
  ``ProvisionSubnetsC: "False"``), ``recipes/pcs/getting_started/assets/pcs-cluster-sg.yaml`` at
  0607be95925af9c0eb149de6420a5c90ffaceb68 (``ClusterSecurityGroup``: all inbound from itself,
  all outbound to itself and to 0.0.0.0/0; ``InboundSshSecurityGroup``: TCP 22 from
  ``ClientIpCidr``) and ``recipes/net/hpc_large_scale/assets/main.yaml`` at
  0a6a2b39292e5631bba6e5ba6ac1d3ace3a6eb30 (VPC 10.3.0.0/16, DNS on; public subnets 10.3.0.0/20
  and 10.3.16.0/20 with ``MapPublicIpOnLaunch``, one public table to the internet gateway; private
  subnets 10.3.128.0/20 and 10.3.144.0/20, one NAT gateway and one private table per AZ; S3 and
  DynamoDB gateway endpoints with a full-access policy on the public and both private tables;
  ``VpcSecurityGroup``: all traffic in from and out to 10.3.0.0/16);
- botocore's ``NetworkInterfaceType`` enumeration (1.44.18), which has no PCS value.

The controller's interface as DescribeNetworkInterfaces reports it: AWS documents only that it is
a cross-account interface in the cluster's subnet carrying the cluster's groups. Assumed:
``InterfaceType`` ``interface`` (no PCS value in botocore's enumeration), requester-managed (PCS
creates it on the account's behalf, as the EC2 User Guide's "Requester-managed network
interfaces" defines them), ``RequesterId`` an AWS-owned account (``REQUESTER_ID``, not
documented), an empty description (none documented), no tags, attached to no instance of this
account (the controller runs in PCS's account), no public address.

Built (``build()``): the recipe's networking in us-east-1a and b (AZ IDs use1-az1, az2 assumed),
the default NACL; ``cluster-pcs`` (the recipe's ``ClusterSecurityGroup``), ``inbound-ssh-pcs``
(TCP 22 from 198.51.100.0/24: ``ClientIpCidr`` assumed, the template's 127.0.0.1/32 default
being a placeholder) and ``pcs-vpc-security-group``; the controller's interface in the first
private subnet; one login node in the first public subnet (groups: VPC, cluster, SSH; a public
address from ``MapPublicIpOnLaunch``); one compute node in the first private subnet (groups: VPC,
cluster). Left out: the recipe's EFS and FSx for Lustre file systems and their groups.

Other forms: ``slurm_ports="restrictive"`` — the cluster group as the guide's restrictive example
has it, reduced to the two ports read here: TCP 6817 and 6818 in from itself, all traffic out
(assumed); ``slurm_ports="no-6817"`` (near miss) — only TCP 6818: the controller can reach
slurmd, but the nodes cannot reach slurmctld, so no node registers and no job runs.
``private=True`` — the private form: no internet gateway, no NAT gateway, no public subnets; the
login node in the first private subnet; the ``pcs`` interface endpoint in both private subnets,
private DNS on, full access, behind ``pcs-endpoint`` (TCP 443 from 10.3.0.0/16); the gateway
endpoints kept on the private tables. ``pcs_endpoint=False`` (near miss, with ``private=True``):
no ``pcs`` endpoint, so instances cannot call RegisterComputeNodeGroupInstance.
``cluster_egress="self"`` (with ``private=True, slurm_ports="restrictive"``): the restrictive group
letting traffic out to itself only (an owner's hardening, assumed); the nodes still reach the
``pcs`` endpoint through ``pcs-vpc-security-group`` (all traffic to 10.3.0.0/16), the
controller's interface carries the cluster group alone.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2")  # this account's us-east-1a, b (assumed)
STACK = "pcs"  # the stack name (assumed)
VPC_CIDR = "10.3.0.0/16"
PUBLIC_CIDRS = ("10.3.0.0/20", "10.3.16.0/20")
PRIVATE_CIDRS = ("10.3.128.0/20", "10.3.144.0/20")
CLIENT_CIDR = "198.51.100.0/24"  # ClientIpCidr (assumed)
SLURMCTLD = 6817
SLURMD = 6818
REQUESTER_ID = "012345678901"  # the PCS-owned account that creates the controller's interface (assumed)
ALL = ("-1", None, None)


def build(*, private: bool = False, slurm_ports: str = "permissive", pcs_endpoint: bool = True,
          cluster_egress: str = "default") -> tuple[Snapshot, dict[str, str]]:
    """``private``: the private form (module docstring). ``slurm_ports``: "permissive" (the
    recipe's cluster group), "restrictive" (TCP 6817 and 6818 from itself) or "no-6817" (TCP 6818
    only). ``pcs_endpoint``: the ``pcs`` interface endpoint of the private form.
    ``cluster_egress`` (non-permissive groups): "default" (all traffic out) or "self" (all
    traffic to the group itself only)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name=f"{STACK}:Large-Scale-HPC", dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc}
    tables = []
    if not private:
        ids["igw"] = b.igw(vpc)
        ids["public_rt"] = b.route_table(vpc, routes={"0.0.0.0/0": ids["igw"]}, name=f"{STACK}:PublicRoute")
        tables.append(ids["public_rt"])
    for az, (pub_cidr, priv_cidr) in enumerate(zip(PUBLIC_CIDRS, PRIVATE_CIDRS, strict=True), start=1):
        letter = "AB"[az - 1]
        routes = {}
        if not private:
            pub = ids[f"public{az}"] = b.subnet(vpc, pub_cidr, az=az, name=f"{STACK}:PublicSubnet{letter}")
            b.subnets[pub] = replace(b.subnets[pub], map_public_ip_on_launch=True)
            b.associate(ids["public_rt"], pub)
            ids[f"nat{az}"] = b.nat(pub)
            routes = {"0.0.0.0/0": ids[f"nat{az}"]}
        priv = ids[f"private{az}"] = b.subnet(vpc, priv_cidr, az=az, name=f"{STACK}:PrivateSubnet{letter}")
        ids[f"private_rt{az}"] = b.route_table(vpc, subnets=[priv], routes=routes, name=f"{STACK}:PrivateRoute{letter}")
        tables.append(ids[f"private_rt{az}"])
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=tables)
    ids["dynamodb"] = b.gateway_endpoint(vpc, "dynamodb", route_tables=tables)

    ids["vpc_sg"] = b.security_group(vpc, name=f"{STACK}-vpc-security-group", ingress=[(*ALL, VPC_CIDR)],
                                     egress=[(*ALL, VPC_CIDR)])
    if slurm_ports == "permissive":
        cluster_sg = b.security_group(vpc, name=f"cluster-{STACK}", ingress=[(*ALL, "self")],
                                      egress=[(*ALL, "self"), (*ALL, "0.0.0.0/0")])
    else:
        ports = (SLURMCTLD, SLURMD) if slurm_ports == "restrictive" else (SLURMD,)
        egress = [(*ALL, "0.0.0.0/0")] if cluster_egress == "default" else [(*ALL, "self")]
        cluster_sg = b.security_group(vpc, name=f"cluster-{STACK}",
                                      ingress=[("tcp", port, port, "self") for port in ports], egress=egress)
    ids["cluster_sg"] = cluster_sg
    ids["ssh_sg"] = b.security_group(vpc, name=f"inbound-ssh-{STACK}", ingress=[("tcp", 22, 22, CLIENT_CIDR)])

    if private and pcs_endpoint:
        private_subnets = [ids["private1"], ids["private2"]]
        ids["endpoint_sg"] = b.security_group(vpc, name="pcs-endpoint", ingress=[("tcp", 443, 443, VPC_CIDR)])
        ids["pcs"] = b.interface_endpoint(vpc, "pcs", subnets=private_subnets, groups=[ids["endpoint_sg"]])

    # The controller's cross-account interface (fields assumed: see the module docstring).
    ids["controller"] = b.workload(ids["private1"], groups=[cluster_sg], requester_managed=True,
                                   requester_id=REQUESTER_ID)

    login_subnet = ids["private1"] if private else ids["public1"]
    login = ids["login"] = b.workload(login_subnet, groups=[ids["vpc_sg"], cluster_sg, ids["ssh_sg"]])
    b.enis[login] = replace(b.enis[login], instance_id=b.new_id("i"),
                            public_ip_addresses=() if private else ("3.90.12.34",))
    compute = ids["compute"] = b.workload(ids["private1"], groups=[ids["vpc_sg"], cluster_sg])
    b.enis[compute] = replace(b.enis[compute], instance_id=b.new_id("i"))
    return b.snapshot(), ids
