"""Amazon SageMaker Studio in VPC-only mode, without internet access (us-east-1).

https://github.com/aws-samples/amazon-sagemaker-studio-vpc-blog, ``templates/vpc_template.yaml``
(commit 521101e0aae3cae36ed031c29ced2b5e5662c213) with the defaults of
``templates/sm-studio-vpc-infra.template.yaml`` (ProjectName ``studiovpc``, VPC 10.2.0.0/16,
private subnet 10.2.1.0/24), the sample behind the AWS Machine Learning blog post "Securing
Amazon SageMaker Studio connectivity using a private VPC", which the SageMaker developer guide's
"Connect Studio notebooks in a VPC to external resources" page cites. Built as the template
declares it: DNS support and hostnames on, one private subnet in the Region's first AZ on a
route table without any route beyond the VPC; a Studio group admitting all traffic from itself
(the guide: "TCP traffic within the security group. This is required for connectivity between
the JupyterServer app and the KernelGateway apps") with CloudFormation's default egress to
anywhere; an endpoint group admitting HTTPS from the Studio group; interface endpoints with
private DNS for ``sagemaker.api``, ``sagemaker.runtime``, ``aws.sagemaker.<region>.notebook``,
``sts``, ``ssm``, ``monitoring`` and ``logs`` in the subnet, all but ``ssm`` with an explicit
full-access policy (``ssm`` declares none, so it gets the default); an S3 gateway endpoint on
the route table whose policy allows ``s3:GetObject``, ``s3:PutObject`` and ``s3:ListBucket`` on
the project's data and model buckets only.

What the template leaves to ``CreateDomain`` (``--app-network-access-type VpcOnly``, the
README's command) is added as SageMaker creates it, unless ``domain=False``: the domain's home
EFS file system with a mount target in the subnet, and the two groups SageMaker creates for it
— the developer guide (Studio Classic migration, "Allow traffic between the source and target
network file system (NFS) mounts"): "NFS inbound security group with only inbound traffic. NFS
outbound security group with only outbound traffic." — named
``security-group-for-inbound-nfs-<domain-id>`` (TCP 988, 1018-1023 and 2049 from the outbound
group; on the mount target) and ``security-group-for-outbound-nfs-<domain-id>`` (TCP 988,
1018-1023 and 2049 to the inbound group; on the Studio apps beside the user's groups). AWS's
pages name only NFS on 2049; the other two ranges are as a public Terraform export of a real
domain's groups shows them, and no rule looks at them. The mount
target's ENI is requester-managed, InterfaceType ``interface``, described ``EFS mount target for
<fs-id> (<fsmt-id>)``. ``apps`` Studio apps (JupyterServer, KernelGateway …) run in the subnet,
each a requester-managed ENI carrying the template's group and the outbound NFS group; AWS does
not document their description, and vpcaudit does not read it.
"""

from __future__ import annotations

import json

from aws_layout import AwsRegionBuilder
from builders import FULL_ACCESS_POLICY

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
PROJECT = "studiovpc"
DOMAIN = "d-4kq9xw2hz7ab"
FILE_SYSTEM = "fs-0a1b2c3d4e5f60718"
# The template's explicit policy on every interface endpoint but ssm: the default statement.
FULL_ACCESS = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]})
# SageMaker's PrivateDnsNames (DescribeVpcEndpointServices): not <key>.<region>.amazonaws.com.
SAGEMAKER_SERVICES = {
    "sagemaker.api": (f"com.amazonaws.{REGION}.sagemaker.api", f"api.sagemaker.{REGION}.amazonaws.com"),
    "sagemaker.runtime": (f"com.amazonaws.{REGION}.sagemaker.runtime", f"runtime.sagemaker.{REGION}.amazonaws.com"),
    "notebook": (f"aws.sagemaker.{REGION}.notebook", f"*.notebook.{REGION}.sagemaker.aws"),
}
NFS_PORTS = ((988, 988), (1018, 1023), (2049, 2049))


def _s3_policy() -> str:
    """The template's S3 gateway policy: three object/list actions on the project's two buckets."""
    buckets = [f"arn:aws:s3:::{PROJECT}-{kind}-{ACCOUNT}" for kind in ("data", "models")]
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
        "Resource": [*buckets, *(f"{b}/*" for b in buckets)]}]})


def build(*, domain: bool = True, apps: int = 2) -> tuple[Snapshot, dict[str, str]]:
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az6", "use1-az1", "use1-az2"))
    for key, (service, dns) in SAGEMAKER_SERVICES.items():
        b.service(key, name=service, dns_names=[dns])
    vpc = b.vpc("10.2.0.0/16", name=f"{PROJECT}-vpc")
    subnet = b.subnet(vpc, "10.2.1.0/24", az=1, name=f"{PROJECT}-private-subnet")
    route_table = b.route_table(vpc, subnets=[subnet])
    studio_sg = b.security_group(vpc, name=f"{PROJECT}-security-group", ingress=[("-1", None, None, "self")])
    endpoint_sg = b.security_group(vpc, name=f"{PROJECT}-endpoint-security-group",
                                   ingress=[("tcp", 443, 443, studio_sg)])
    ids = {"vpc": vpc, "subnet": subnet, "route_table": route_table, "studio_sg": studio_sg,
           "endpoint_sg": endpoint_sg}
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[route_table], policy=_s3_policy())
    for key in ("sagemaker.api", "sagemaker.runtime", "notebook", "sts", "ssm", "monitoring", "logs"):
        service = SAGEMAKER_SERVICES[key][0] if key in SAGEMAKER_SERVICES else None
        policy = FULL_ACCESS if key != "ssm" else FULL_ACCESS_POLICY  # ssm: AWS's default
        ids[key] = b.interface_endpoint(vpc, key, subnets=[subnet], groups=[endpoint_sg], policy=policy,
                                        service_name=service)
    if domain:
        outbound = ids["nfs_outbound_sg"] = b.security_group(vpc, name=f"security-group-for-outbound-nfs-{DOMAIN}",
                                                             egress=[])
        inbound = ids["nfs_inbound_sg"] = b.security_group(
            vpc, name=f"security-group-for-inbound-nfs-{DOMAIN}",
            ingress=[("tcp", low, high, outbound) for low, high in NFS_PORTS], egress=[])
        b.authorize(outbound, egress=[("tcp", low, high, inbound) for low, high in NFS_PORTS])
        ids["efs_mount_target"] = b.workload(subnet, groups=[inbound], requester_managed=True,
                                             description=f"EFS mount target for {FILE_SYSTEM} (fsmt-0f1e2d3c4b5a69788)")
        for n in range(apps):
            ids[f"app_{n}"] = b.workload(subnet, groups=[studio_sg, outbound], requester_managed=True)
    return b.snapshot(), ids

