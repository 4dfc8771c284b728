"""Amazon SageMaker training and processing jobs and a real-time endpoint in private subnets
without internet access (us-east-1).

The network is the data science environment VPC of
https://github.com/aws-samples/amazon-sagemaker-secure-mlops, ``cfn_templates/env-vpc.yaml`` at
commit c299dd7495bcd7ffb1929abd7a761446a39c2be2 (2022-09-02), in the "internet-free mode" the
README offers ("You can also run this VPC in internet-free mode without any inbound or outbound
internet access": ``CreateNATGateways=NO``, hence no internet gateway, public subnet or NAT
gateway), the other parameters at their defaults: ``NumberOfAZs`` 2, VPC 10.0.0.0/16 with DNS
support and hostnames, private subnets 10.0.0.0/19 and 10.0.32.0/19 each on a route table of its
own with no route beyond the VPC, a DHCP options set of its own (``AmazonProvidedDNS``,
``ec2.internal``), no flow log (``CreateVPCFlowLogsToCloudWatch`` NO), no PyPI mirror endpoint
(``PyPIMirrorEndpointServiceName`` empty). ``EnvName`` has no default: ``ds-team``, as the
sample's ``documentation/base-vpc-deployment.md`` sets it; ``EnvType`` ``dev``. The buckets are
named as ``env-main.yaml`` names them, ``<EnvName>-<EnvType>-<region>-<account>-data`` and
``-models``.

Security groups as declared: ``sg-sagemaker-…`` ("Security Group for SageMaker Studio and all
SageMaker workloads", egress to anywhere) with ``SageMakerSecurityGroupSelfIngress``, all
traffic from itself "to enable communication between instances within the same SG" — the
developer guide's "Configure the VPC Security Group" ("In distributed training, you must allow
communication between the different containers in the same training job … a rule for your
security group that allows inbound connections between members of the same security group");
``sg-vpce-…`` on every interface endpoint: TCP 443 from the SageMaker group, all traffic from
the VPC's block, TCP 443 and 2049 from each private subnet, egress to anywhere;
``sg-shared-services-vpce-…`` (TCP 80 from the SageMaker group), on nothing without the mirror.
Interface endpoints, every ``Create…VPCEndpoint`` at its default YES, in both private subnets,
private DNS on: ssm, monitoring, logs, sagemaker.api, sagemaker.runtime,
``aws.sagemaker.<region>.notebook``, sts, git-codecommit, codecommit, codepipeline, codebuild,
ecr.api, ecr.dkr, servicecatalog and kms; kms alone declares a policy (the full-access
statement), the others get AWS's default. The S3 gateway endpoint on both private route tables
with the template's policy: sixteen object and bucket actions on ``*<model bucket>*``,
``*<data bucket>*``, ``*sagemaker*`` (three spellings), ``*aws-glue*`` and ``sm-mlops-cp-*``;
``s3:DeleteBucket`` on ``sm-mlops-cp-*``; ``s3:GetObject`` on any object tagged
``SageMaker=true`` or ``servicecatalog:provisioning=true``.

The workloads are the sample's seed code: ``mlops-seed-code/model-build-train/pipelines/abalone/
pipeline.py`` runs a processing job and a training job with the environment's subnets and
group (``encrypt_inter_container_traffic=True``, network isolation off), and
``model-deploy/cfn-sm-endpoint-template.yaml`` a model with ``VpcConfig`` behind a real-time
endpoint of two instances (``prod-config-template.json``). The training job is given two
instances (assumed; the seed trains on one): the distributed case the self-referencing rule is
for. Placement: "SageMaker creates elastic network interfaces that are associated with your
security groups in one of the subnets" (developer guide, ``infrastructure-give-access.md``) —
the training job's two in the first subnet, the processing job's in the second — and the
endpoint's one per AZ ("SageMaker automatically attempts to distribute your instances across
Availability Zones", ``deployment-best-practices.md``). The developer guide pages are read at
https://github.com/awsdocs/amazon-sagemaker-developer-guide/tree/a869fa5c9bd1074a85bd23748d0463e322ad8939/doc_source
(the last commit before the repository was emptied) and in their current form.

Each instance's network interface, as DescribeNetworkInterfaces would report it. AWS documents
how it is made, not how it is reported: "If you specify a private VPC for your training job, add
the following permissions" — ``ec2:CreateNetworkInterface`` and
``ec2:CreateNetworkInterfacePermission`` among them, the same for processing jobs and models
(``sagemaker-roles.md``): the execution role creates the interface in this account and lets
SageMaker attach it to an instance of its own. A public module working around endpoint
interfaces left behind (massdriver-cloud/aws-sagemaker-inference-endpoint, ``src/main.tf`` at
0fe659b, for hashicorp/terraform-provider-aws#34397) finds them by the model's group and sets
their attachment's ``DeleteOnTermination``, which a requester-managed interface would not allow.
Assumed, as for the CodeBuild builds' interfaces: typed ``interface``, not requester-managed, no
RequesterId, an empty description (no public dump shows a job's; Studio's and notebook
instances' interfaces carry descriptions of their own, which vpcaudit does not read), the
SageMaker group. The network model counts them as workloads.

Left out of the sample's environment: the Studio domain (``env-sagemaker-studio.yaml``; see
``sagemaker_studio_vpc_only``) and the projects' CodeBuild projects with ``VpcConfig``
(``project-model-deploy.yaml``).

Variants (``build``'s keywords): ``workloads=False``, the network before any job; ``ecr=False``,
the template with ``CreateECRAPIVPCEndpoint`` and ``CreateECRVPCEndpoint`` NO. Near misses:
``self_ingress=False`` (the SageMaker group without its self-referencing rule);
``self_egress_only=True`` (its egress to itself alone, the EFA sentence "ensure that both inbound
and outbound connections allow all traffic from the same security group" read as a
replacement); ``data_only=True`` (the S3 endpoint policy naming the data bucket alone);
``endpoint_azs=1`` (the interface endpoints in the first subnet alone, jobs in both AZs).
"""

from __future__ import annotations

import json
from dataclasses import replace

from aws_layout import AwsRegionBuilder

from layouts.sagemaker_studio_vpc_only import SAGEMAKER_SERVICES
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
ENV = "ds-team-dev"  # <EnvName>-<EnvType>: the sample's documented EnvName, EnvType's default
VPC_CIDR = "10.0.0.0/16"
PRIVATE_CIDRS = ("10.0.0.0/19", "10.0.32.0/19")
DATA_BUCKET = f"{ENV}-{REGION}-{ACCOUNT}-data"
MODEL_BUCKET = f"{ENV}-{REGION}-{ACCOUNT}-models"
# The template's interface endpoints, in its order; kms alone declares a policy.
INTERFACE_ENDPOINTS = ("ssm", "monitoring", "logs", "sagemaker.api", "sagemaker.runtime", "notebook", "sts",
                       "git-codecommit", "codecommit", "codepipeline", "codebuild", "ecr.api", "ecr.dkr",
                       "servicecatalog", "kms")
ECR = frozenset({"ecr.api", "ecr.dkr"})
KMS_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]})
S3_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket", "s3:CreateBucket",
              "s3:GetBucketAcl", "s3:PutObjectAcl", "s3:GetBucketCors", "s3:ListBucketMultipartUploads",
              "s3:PutBucketCors", "s3:GetObjectVersion", "s3:AbortMultipartUpload", "s3:GetBucketLocation",
              "s3:GetBucketTagging", "s3:ListMultipartUploadParts", "s3:PutBucketOwnershipControls"]


def template_s3_policy() -> str:
    """``VPCEndpointS3``'s policy as the template writes it, bucket names substituted."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": S3_ACTIONS, "Resource": [
            f"arn:aws:s3:::*{MODEL_BUCKET}*", f"arn:aws:s3:::*{DATA_BUCKET}*", "arn:aws:s3:::*sagemaker*",
            "arn:aws:s3:::*SageMaker*", "arn:aws:s3:::*Sagemaker*", "arn:aws:s3:::*aws-glue*",
            "arn:aws:s3:::sm-mlops-cp-*"]},
        {"Effect": "Allow", "Principal": "*", "Action": ["s3:DeleteBucket"], "Resource": "arn:aws:s3:::sm-mlops-cp-*"},
        {"Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject"], "Resource": "*",
         "Condition": {"StringEqualsIgnoreCase": {"s3:ExistingObjectTag/SageMaker": "true"}}},
        {"Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject"], "Resource": "*",
         "Condition": {"StringEquals": {"s3:ExistingObjectTag/servicecatalog:provisioning": "true"}}}]})


def data_only_policy() -> str:
    """The near miss's S3 endpoint policy: three object and list actions on the data bucket alone."""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
        "Resource": [f"arn:aws:s3:::{DATA_BUCKET}", f"arn:aws:s3:::{DATA_BUCKET}/*"]}]})


def build(*, workloads: bool = True, ecr: bool = True, self_ingress: bool = True, self_egress_only: bool = False,
          data_only: bool = False, endpoint_azs: int = 2) -> tuple[Snapshot, dict[str, str]]:
    """``workloads``: the jobs' and the endpoint's interfaces. ``ecr``: the template's
    ``CreateECRAPIVPCEndpoint`` and ``CreateECRVPCEndpoint``. ``self_ingress``:
    ``SageMakerSecurityGroupSelfIngress``. ``self_egress_only``: the SageMaker group's egress to
    itself alone instead of anywhere. ``data_only``: the S3 endpoint policy replaced by
    :func:`data_only_policy`. ``endpoint_azs``: the interface endpoints in both private subnets (2)
    or the first alone (1)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    for key, (service, dns) in SAGEMAKER_SERVICES.items():
        b.service(key, name=service, dns_names=[dns])
    vpc = b.vpc(VPC_CIDR, name=f"vpc-{ENV}")
    b.dhcp_options(vpc, ["AmazonProvidedDNS"], "ec2.internal")
    ids: dict[str, str] = {"vpc": vpc}
    tables = []
    for az, cidr in enumerate(PRIVATE_CIDRS, start=1):
        subnet = ids[f"private{az}"] = b.subnet(vpc, cidr, az=az, name=f"private-sn-{az}a-{ENV}")
        tables.append(b.route_table(vpc, subnets=[subnet], name=f"private-rtb-{az}a-{ENV}"))
        ids[f"private_rt{az}"] = tables[-1]

    egress = [("-1", None, None, "self")] if self_egress_only else [("-1", None, None, "0.0.0.0/0")]
    sagemaker_sg = ids["sagemaker_sg"] = b.security_group(vpc, name=f"sg-sagemaker-{ENV}", egress=egress)
    if self_ingress:
        b.authorize(sagemaker_sg, ingress=[("-1", None, None, "self")])
    endpoint_sg = ids["endpoint_sg"] = b.security_group(vpc, name=f"sg-vpce-{ENV}", ingress=[
        ("tcp", 443, 443, sagemaker_sg), ("-1", None, None, VPC_CIDR),
        *(rule for cidr in PRIVATE_CIDRS for rule in (("tcp", 443, 443, cidr), ("tcp", 2049, 2049, cidr)))])
    ids["shared_services_sg"] = b.security_group(vpc, name=f"sg-shared-services-vpce-{ENV}",
                                                 ingress=[("tcp", 80, 80, sagemaker_sg)])

    subnets = [ids["private1"], ids["private2"]][:endpoint_azs]
    for key in (k for k in INTERFACE_ENDPOINTS if ecr or k not in ECR):
        service = SAGEMAKER_SERVICES[key][0] if key in SAGEMAKER_SERVICES else None
        ids[key] = b.interface_endpoint(vpc, key, subnets=subnets, groups=[endpoint_sg], service_name=service)
        if key == "kms":
            b.endpoints[ids[key]] = replace(b.endpoints[ids[key]], policy_document=KMS_POLICY)
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=tables,
                                   policy=data_only_policy() if data_only else template_s3_policy())

    if workloads:
        # Assumed fields (see the module docstring): the role-created interfaces of each instance.
        for n in range(2):
            ids[f"training_{n}"] = b.workload(ids["private1"], groups=[sagemaker_sg])
        ids["processing"] = b.workload(ids["private2"], groups=[sagemaker_sg])
        for az in (1, 2):
            ids[f"endpoint_{az}"] = b.workload(ids[f"private{az}"], groups=[sagemaker_sg])
    return b.snapshot(), ids
