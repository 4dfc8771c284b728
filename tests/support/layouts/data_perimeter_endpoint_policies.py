"""AWS's data perimeter VPC endpoint policies on the gateway and interface endpoints of a private VPC (us-east-1).

The source is aws-samples/data-perimeter-policy-examples, commit
8e0d3c5179a45dca414d4ea1f3a7b544aba02009 (2026-03-18, "Added aws-cli bucket to S3 vpce policy"),
folder ``vpc_endpoint_policies/``
(https://github.com/aws-samples/data-perimeter-policy-examples/tree/8e0d3c5179a45dca414d4ea1f3a7b544aba02009/vpc_endpoint_policies):
``s3_endpoint_policy.json``, ``ssm_endpoint_policy.json``, ``ecr.api_endpoint_policy.json`` and
``default_endpoint_policy.json``, with the folder's README ("When crafting a VPC endpoint policy for
a service that is not covered in this repository, you can start with the default_endpoint_policy.json";
for services with an example, "we strongly recommend starting with those policies") and
``service_owned_resources.md`` for what the placeholders stand for. Each policy is the file's
statements in order, Sids and all, with the placeholders filled in:

* ``<my-org-id>``: ``o-a1b2c3d4e5`` (assumed: the organization this account belongs to);
* ``<region>``: ``us-east-1``; ``<RegionWithoutDashes>``: ``useast1``;
* ``<glue-account-id>`` (``AllowRequestsByOrgsIdentitiesToAWSResources`` of the S3 policy, the
  AWS Glue Studio transforms buckets of service_owned_resources.md):
  ``510798373988``, the account in ``aws-glue-studio-transforms-510798373988-prod-us-east-1``, the
  bucket AWS Glue Studio's generated jobs name in us-east-1 (public job definitions);
* ``<ecr-account-id>`` (the ECR policy's service-owned repositories): ``602401143452``, the
  registry of Amazon EKS add-on images in us-east-1 (EKS User Guide, "View Amazon container image
  registries for Amazon EKS add-ons");
* ``<CodeArtifact-Region-Account>``: ``193858265520``, CodeArtifact's us-east-1 asset bucket
  account (CodeArtifact User Guide, "Minimum Amazon S3 bucket permissions");
* ``<string>`` of Cloud9's ``static-<region>-prod-static-<string>`` bucket: AWS documents no
  value; assumed written as ``*``;
* the two third-party statements: accounts ``111122223333`` and ``444455556666``, resource
  ``arn:aws:s3:::partner-exchange-111122223333/*``, actions ``s3:GetObject`` and ``s3:PutObject``
  (assumed: the README's example, a partner's bucket used through presigned URLs).

Which endpoint carries which file: the S3 gateway endpoint ``s3_endpoint_policy.json``; ``ssm``
``ssm_endpoint_policy.json``; ``ecr.api`` and ``ecr.dkr`` ``ecr.api_endpoint_policy.json`` (the
ECR guidance points ``BatchGetImage`` and ``GetDownloadUrlForLayer`` at that file; assumed for
both ECR endpoints); the DynamoDB gateway endpoint, ``sts``, ``kms`` and ``logs`` the default
file. ``ssmmessages`` and ``ec2messages`` support no endpoint policy and keep none.

The VPC, built simply (the point is the policies; assumed throughout): 10.0.0.0/16 named
``perimeter``, DNS support and hostnames on, no internet or NAT gateway; private subnets
10.0.1.0/24 (use1-az1) and 10.0.2.0/24 (use1-az2) on one table ``perimeter-private`` (local
route, and the S3 and DynamoDB prefix-list routes the gateway endpoints add); the interface
endpoints in both subnets, private DNS on, behind ``perimeter-endpoints`` admitting TCP 443 from
the VPC; one instance per subnet in ``perimeter-instances`` (no ingress, AWS's default egress),
managed by Systems Manager and pulling images from ECR; a flow log on the VPC. The snapshot holds
no Organizations data: which organization the account is in is the audit's trusted boundary
(``trusted_org_ids``), or nothing.

The network interfaces, as DescribeNetworkInterfaces reports them: an interface endpoint's,
InterfaceType ``vpc_endpoint`` (botocore's ``NetworkInterfaceType``), requester-managed, described
``VPC Endpoint Interface <vpce-id>``, no tags, attached to no instance; an instance's primary
interface, typed ``interface``, not requester-managed, an empty description, attached to its
instance.

Near misses: ``org_id`` a foreign organization's id in every ``aws:PrincipalOrgID`` /
``aws:ResourceOrgID`` condition (a policy copied from another organization's deployment);
``aws_owned_reads=False`` (the S3 policy without ``AllowRequestsToAWSOwnedResources``, the
AWS-owned-bucket exceptions); ``unconditioned_s3=True`` (the S3 policy's first statement,
``AllowRequestsByOrgsIdentitiesToOrgsResources``, with its ``Condition`` removed: ``Principal *``,
``Action *``, ``Resource *`` beside the other statements).
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
NAME = "perimeter"
VPC_CIDR = "10.0.0.0/16"
PRIVATE_CIDRS = ("10.0.1.0/24", "10.0.2.0/24")
ORG_ID = "o-a1b2c3d4e5"  # assumed: this account's organization
FOREIGN_ORG_ID = "o-f0re1gn0rg"  # the near miss: someone else's organization
SOURCE_COMMIT = "8e0d3c5179a45dca414d4ea1f3a7b544aba02009"
FILLED = {
    "<region>": REGION, "<RegionWithoutDashes>": REGION.replace("-", ""),
    "<glue-account-id>": "510798373988", "<ecr-account-id>": "602401143452",
    "<CodeArtifact-Region-Account>": "193858265520", "<string>": "*",
}
PARTNER_ACCOUNTS = ["111122223333", "444455556666"]
PARTNER_OBJECTS = "arn:aws:s3:::partner-exchange-111122223333/*"
PARTNER_ACTIONS = ["s3:GetObject", "s3:PutObject"]
AWS_OWNED_SID = "AllowRequestsToAWSOwnedResources"
ORGS_TO_ORGS_SID = "AllowRequestsByOrgsIdentitiesToOrgsResources"
SERVICE_PRINCIPALS_SID = "AllowRequestsByAWSServicePrincipals"
# The interface endpoints and the file each carries (None: the service supports no endpoint policy).
INTERFACE_POLICIES = {"sts": "default", "ssm": "ssm", "kms": "default", "ecr.api": "ecr", "ecr.dkr": "ecr",
                      "logs": "default", "ssmmessages": None, "ec2messages": None}


def _orgs_to_orgs() -> dict[str, Any]:
    return {"Sid": ORGS_TO_ORGS_SID, "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": "<my-org-id>", "aws:ResourceOrgID": "<my-org-id>"}}}


def _service_principals() -> dict[str, Any]:
    return {"Sid": SERVICE_PRINCIPALS_SID, "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
            "Condition": {"Bool": {"aws:PrincipalIsAWSService": "true"}}}


def _orgs_to_any() -> dict[str, Any]:
    return {"Sid": "AllowRequestsByOrgsIdentitiesToAnyResources", "Effect": "Allow", "Principal": "*",
            "Action": "*", "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": "<my-org-id>",
                                           "aws:PrincipalTag/dp:exclude:resource": "true"}}}


# s3_endpoint_policy.json's AllowRequestsToAWSOwnedResources, in the file's order.
AWS_OWNED_RESOURCES = (
    "packages.<region>.amazonaws.com/*", "repo.<region>.amazonaws.com/*", "amazonlinux.<region>.amazonaws.com/*",
    "amazonlinux-2-repos-<region>/*", "al2023-repos-<region>-de612dc2/*", "al2023-<region>/*",
    "repo.<region>.emr.amazonaws.com/*", "prod.<region>.appinfo.src/*", "aws-ssm-<region>/*",
    "aws-windows-downloads-<region>/*", "amazon-ssm-<region>/*", "amazon-ssm-packages-<region>/*",
    "<region>-birdwatcher-prod/*", "aws-ssm-distributor-file-<region>/*", "aws-ssm-document-attachments-<region>/*",
    "patch-baseline-snapshot-<region>/*", "aws-patchmanager-macos-<region>/*", "amazoncloudwatch-agent-<region>/*",
    "amazoncloudwatch-agent/*", "aws-codedeploy-<region>/*", "ec2imagebuilder-toe-<region>-prod/*",
    "ec2imagebuilder-managed-resources-<region>-prod/components/*", "prod-<region>-starport-layer-bucket/*",
    "aws-mgn-clients-<region>/*", "aws-mgn-clients-hashes-<region>/*", "aws-mgn-internal-<region>/*",
    "aws-mgn-internal-hashes-<region>/*", "aws-application-migration-service-<region>/*",
    "aws-application-migration-service-hashes-<region>/*", "aws-drs-clients-<region>/*",
    "aws-drs-clients-hashes-<region>/*", "aws-drs-internal-<region>/*", "aws-drs-internal-hashes-<region>/*",
    "aws-elastic-disaster-recovery-<region>/*", "aws-elastic-disaster-recovery-hashes-<region>/*",
    "cloudformation-waitcondition-<region>/*", "cloudformation-custom-resource-response-<RegionWithoutDashes>/*",
    "aws-ec2-enclave-certificate-<region>-prod/*", "assets-<CodeArtifact-Region-Account>-<region>/*",
    "elasticbeanstalk-samples-<region>/*", "elasticbeanstalk-platform-assets-<region>/*",
    "elasticbeanstalk-env-resources-<region>/*", "elasticbeanstalk-<region>/*", "jumpstart-cache-prod-<region>/*",
    "jumpstart-cache-prod-<region>", "static-<region>-prod-static-<string>/content/dependencies/*",
    "aws-neptune-notebook", "aws-neptune-notebook/*", "aws-neptune-notebook-<region>",
    "aws-neptune-notebook-<region>/*", "athena-examples-<region>/*", "athena-examples-<region>",
    "cloudformation-examples/*", "awssupportdatasvcs.com/*", "redshift-downloads/*", "session-manager-downloads/*",
    "ssm-document-categories/*", "aws-sap-data-provider/*", "aws-sap-dataprovider-<region>/*",
    "awssap-backint-agent/*", "aws-cli/*",
)


def s3_statements(*, aws_owned_reads: bool = True, unconditioned: bool = False) -> list[dict[str, Any]]:
    """s3_endpoint_policy.json's statements, placeholders still in."""
    first = _orgs_to_orgs()
    if unconditioned:
        del first["Condition"]
    statements = [
        first, _service_principals(),
        {"Sid": "AllowRequestsByOrgsIdentitiesToAWSResources", "Effect": "Allow", "Principal": "*",
         "Action": "s3:GetObject", "Resource": "*",
         "Condition": {"StringEquals": {"aws:ResourceAccount": "<glue-account-id>",
                                        "aws:PrincipalOrgID": "<my-org-id>"}}},
        {"Sid": AWS_OWNED_SID, "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject", "s3:ListBucket"],
         "Resource": [f"arn:aws:s3:::{x}" for x in AWS_OWNED_RESOURCES]},
        {"Sid": "AllowRequestsByThirdPartyIdentitiesToThirdPartyResources", "Effect": "Allow", "Principal": "*",
         "Action": PARTNER_ACTIONS, "Resource": PARTNER_OBJECTS,
         "Condition": {"StringEquals": {"aws:PrincipalAccount": PARTNER_ACCOUNTS,
                                        "aws:ResourceAccount": PARTNER_ACCOUNTS}}},
        {"Sid": "AllowRequestsByOrgsIdentitiesToThirdPartyResources", "Effect": "Allow", "Principal": "*",
         "Action": PARTNER_ACTIONS, "Resource": PARTNER_OBJECTS,
         "Condition": {"StringEquals": {"aws:PrincipalOrgID": "<my-org-id>", "aws:ResourceAccount": PARTNER_ACCOUNTS}}},
        _orgs_to_any(),
    ]
    return [s for s in statements if aws_owned_reads or s["Sid"] != AWS_OWNED_SID]


def ssm_statements() -> list[dict[str, Any]]:
    """ssm_endpoint_policy.json's statements (its third writes ``Effect`` after ``Action``, as the file does)."""
    return [_orgs_to_orgs(), _service_principals(),
            {"Sid": "AllowRequestsByOrgsIdentitiesToAWSResources", "Principal": "*",
             "Action": ["ssm:Describe*", "ssm:List*", "ssm:Get*", "ssm:SendCommand", "ssm:CreateAssociation",
                        "ssm:StartSession", "ssm:StartChangeRequestExecution", "ssm:StartAutomationExecution"],
             "Effect": "Allow",
             "Resource": ["arn:aws:ssm:<region>::parameter/aws/*", "arn:aws:ssm:<region>::document/*",
                          "arn:aws:ssm:*::automation-definition/*"],
             "Condition": {"StringEquals": {"aws:PrincipalOrgID": "<my-org-id>"}}},
            _orgs_to_any()]


def ecr_statements() -> list[dict[str, Any]]:
    """ecr.api_endpoint_policy.json's statements."""
    return [_orgs_to_orgs(), _service_principals(),
            {"Sid": "AllowRequestsByOrgsIdentitiesToAWSResources", "Effect": "Allow", "Principal": "*",
             "Action": "*", "Resource": "*",
             "Condition": {"StringEquals": {"aws:ResourceAccount": "<ecr-account-id>",
                                            "aws:PrincipalOrgID": "<my-org-id>"}}},
            _orgs_to_any()]


def default_statements() -> list[dict[str, Any]]:
    """default_endpoint_policy.json's statements."""
    return [_orgs_to_orgs(), _service_principals(), _orgs_to_any()]


def filled(statements: list[dict[str, Any]], org_id: str = ORG_ID) -> str:
    """The policy document with every placeholder replaced, as DescribeVpcEndpoints returns it (a JSON string)."""
    text = json.dumps({"Version": "2012-10-17", "Statement": statements}, separators=(",", ":"))
    for placeholder, value in {**FILLED, "<my-org-id>": org_id}.items():
        text = text.replace(placeholder, value)
    assert "<" not in text, text
    return text


def build(*, org_id: str = ORG_ID, aws_owned_reads: bool = True,
          unconditioned_s3: bool = False) -> tuple[Snapshot, dict[str, str]]:
    """``org_id``: the organization every policy names (the near miss: :data:`FOREIGN_ORG_ID`).
    ``aws_owned_reads``: the S3 policy keeps ``AllowRequestsToAWSOwnedResources``.
    ``unconditioned_s3``: the S3 policy's first statement without its ``Condition``."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc), "default_sg": b.default_group(vpc)}
    private = [b.subnet(vpc, cidr, az=az, name=f"{NAME}-private-{az}")
               for az, cidr in enumerate(PRIVATE_CIDRS, start=1)]
    ids["private1"], ids["private2"] = private
    private_rt = ids["private_rt"] = b.route_table(vpc, subnets=private, name=f"{NAME}-private")
    b.flow_log(vpc)

    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[private_rt], policy=filled(
        s3_statements(aws_owned_reads=aws_owned_reads, unconditioned=unconditioned_s3), org_id))
    ids["dynamodb"] = b.gateway_endpoint(vpc, "dynamodb", route_tables=[private_rt],
                                         policy=filled(default_statements(), org_id))

    endpoints_sg = ids["endpoints_sg"] = b.security_group(vpc, name=f"{NAME}-endpoints",
                                                          ingress=[("tcp", 443, 443, VPC_CIDR)])
    documents = {"default": default_statements(), "ssm": ssm_statements(), "ecr": ecr_statements()}
    for key, which in INTERFACE_POLICIES.items():
        ids[key] = b.interface_endpoint(vpc, key, subnets=private, groups=[endpoints_sg],
                                        policy=filled(documents[which], org_id) if which else None)

    instance_sg = ids["instance_sg"] = b.security_group(vpc, name=f"{NAME}-instances")
    for az, subnet in enumerate(private, start=1):
        eni = ids[f"instance{az}_eni"] = b.workload(subnet, groups=[instance_sg])
        b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))
    return b.snapshot(), ids
