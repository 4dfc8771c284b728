"""Analysts' SQL tools and an application in private subnets querying Amazon Athena through an
``athena`` interface endpoint, the AWS Glue Data Catalog's API through a ``glue`` interface
endpoint and the query results in Amazon S3 through an S3 gateway endpoint, no internet path
(us-east-1).

Sources (current pages, read 2026-12-06, unless a commit is named):

- the Amazon Athena User Guide, "Connect to Amazon Athena using an interface VPC endpoint"
  (https://docs.aws.amazon.com/athena/latest/ug/interface-vpc-endpoint.html; the last text in the
  guide's archived source, awsdocs/amazon-athena-user-guide ``doc_source/interface-vpc-endpoint.md``
  at ead487df08e99ab664ee084f867cf87ae57a6db3, says the same): an interface endpoint and "an AWS
  Glue VPC endpoint" in the VPC; with private DNS on, ``athena.<region>.amazonaws.com`` resolves to
  the endpoint; "Athena supports making calls to all of its API Actions inside your VPC"; the
  example endpoint policy allows eight ``athena:`` actions to any principal on one workgroup;
- the guide's JDBC and ODBC driver pages: "Athena JDBC 3.x driver" (jdbc-v3-driver.html) and
  "Athena JDBC 2.x driver" (jdbc-v2.html) — "Keep port 444, which Athena uses to stream query
  results, open to outbound traffic. When you use a PrivateLink endpoint to connect to Athena,
  ensure that the security group attached to the PrivateLink endpoint is open to inbound traffic
  on port 444"; the 3.x "Advanced connection parameters" (jdbc-v3-driver-advanced-connection-parameters.html)
  and the ODBC 2.x "Advanced options" (odbc-v2-driver-advanced-options.html): the default result
  fetcher ``auto`` "downloads query results directly from Amazon S3" and falls back to the
  ``GetQueryResultsStream`` API where it cannot (results encrypted with ``CSE_KMS``, or an S3
  policy that admits Athena's own requests only, by ``aws:CalledVia``);
- the guide's "Control access to Amazon S3 from Athena" (s3-permissions.html): the caller's
  permissions "pass through Athena to determine what Athena can access"; "requests to Amazon S3
  come from a private IPv4 address for Athena, not the source IP specified in aws:SourceIp", and
  "You also cannot restrict or allow access to Amazon S3 resources based on the aws:SourceVpc or
  aws:SourceVpce condition keys"; and "Use CalledVia context keys for Athena"
  (security-iam-athena-calledvia.html): ``aws:CalledVia`` holds ``athena.amazonaws.com`` on the
  requests Athena makes with the caller's credentials;
- the IAM User Guide's global condition keys (reference_policies_condition-keys.html):
  ``aws:SourceVpce`` "is included in the request context only if the requester uses a VPC
  endpoint to make the request"; the S3 User Guide's "Controlling access from VPC endpoints with
  bucket policies" (example-bucket-policies-vpc-endpoint.html), whose ``aws:SourceVpce`` deny
  this layout's bucket policy follows.

What the pages imply for the VPC: the clients call the Athena API (443) and its result stream
(444) through the ``athena`` endpoint and read result files from the results bucket themselves
(the drivers' S3 fetcher) through the S3 gateway endpoint. Athena's own work for a query — reading
the table's data, writing the result files, reading the Data Catalog — is done by Athena with the
caller's permissions and does not cross the VPC: its S3 requests come from Athena's addresses and
carry no ``aws:SourceVpce`` of this VPC (the S3 page above). That its Glue Data Catalog calls are
made from Athena's side too is assumed (AWS documents the permissions, not the path). The ``glue``
endpoint serves what the clients ask Glue directly (catalog browsing, DDL through the Glue API by
the analysts' tools; assumed).

Built (``build()``): VPC 10.0.0.0/16 ``athena-private``, DNS support and hostnames on, no internet
gateway, NAT gateway or flow log; private subnets 10.0.1.0/24 (us-east-1a, use1-az1) and
10.0.2.0/24 (us-east-1b, use1-az2; AZ IDs assumed) on one table ``athena-private`` (local route
only); the default NACL. One client instance per subnet in ``athena-clients`` (no ingress, AWS's
default egress), each with an instance profile (no STS endpoint needed; assumed). The ``athena`` and
``glue`` endpoints in both subnets, private DNS on, AWS's default full-access policy; ``athena``
behind ``athena-endpoint`` admitting TCP 443 and 444 from ``athena-clients`` (the JDBC pages' 444),
``glue`` behind ``glue-endpoint`` admitting TCP 443 from ``athena-clients``; the S3 gateway
endpoint on the private table, full access. The query result bucket
``athena-query-results-123456789012-us-east-1`` (name assumed) has a policy denying every S3 action
unless the request comes through this S3 endpoint (``StringNotEquals aws:SourceVpce``) or is made
by Athena on the caller's behalf (``ForAllValues:StringNotEquals aws:CalledVia
athena.amazonaws.com``: a request without the key, as direct calls are, matches the deny's
condition; one Athena made does not).

The interfaces, as DescribeNetworkInterfaces reports them: an endpoint's — InterfaceType
``vpc_endpoint`` (botocore's ``NetworkInterfaceType``), requester-managed, no RequesterId recorded,
described ``VPC Endpoint Interface <vpce-id>``, the endpoint's group, attached to no instance; an instance's —
``interface``, not requester-managed, no RequesterId, an empty description, attached to its
instance. Athena places no interface in the VPC.

Near misses: ``s3_endpoint=False`` — no S3 gateway endpoint (and so no endpoint-bound bucket
policy): the drivers' S3 fetcher has no path to the results. ``calledvia_exemption=False`` — the
bucket policy denies every request not through the S3 endpoint, Athena's own included.
``athena_ingress=(444,)`` — the ``athena`` endpoint's group admits the clients on 444 only, 443
forgotten. ``athena_ingress=(443,)`` — 443 only, the JDBC pages' 444 forgotten.
"""

from __future__ import annotations

import json
from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
NAME = "athena-private"
VPC_CIDR = "10.0.0.0/16"
PRIVATE_CIDRS = ("10.0.1.0/24", "10.0.2.0/24")
HTTPS = 443
RESULT_STREAM = 444  # "port 444, which Athena uses to stream query results" (the JDBC pages)
RESULTS_BUCKET = f"athena-query-results-{ACCOUNT}-{REGION}"  # assumed
ATHENA_PRINCIPAL = "athena.amazonaws.com"


def results_bucket_policy(s3_endpoint: str, *, calledvia_exemption: bool = True) -> str:
    """Deny every S3 action on the results bucket unless the request comes through ``s3_endpoint``
    or (``calledvia_exemption``) Athena makes it with the caller's credentials."""
    condition: dict[str, dict[str, str]] = {"StringNotEquals": {"aws:SourceVpce": s3_endpoint}}
    if calledvia_exemption:
        condition["ForAllValues:StringNotEquals"] = {"aws:CalledVia": ATHENA_PRINCIPAL}
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "OnlyThroughTheVpcEndpointOrAthena", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{RESULTS_BUCKET}", f"arn:aws:s3:::{RESULTS_BUCKET}/*"],
        "Condition": condition}]})


def build(*, s3_endpoint: bool = True, calledvia_exemption: bool = True,
          athena_ingress: tuple[int, ...] = (HTTPS, RESULT_STREAM)) -> tuple[Snapshot, dict[str, str]]:
    """``s3_endpoint``: the S3 gateway endpoint (and the bucket policy bound to it);
    ``calledvia_exemption``: the bucket policy's ``aws:CalledVia`` exemption for Athena;
    ``athena_ingress``: the TCP ports ``athena-endpoint`` admits from the clients (module docstring)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc}
    private = [b.subnet(vpc, cidr, az=az, name=f"{NAME}-{az}") for az, cidr in enumerate(PRIVATE_CIDRS, start=1)]
    ids["private1"], ids["private2"] = private
    ids["private_rt"] = b.route_table(vpc, subnets=private, name=NAME)

    clients = ids["client_sg"] = b.security_group(vpc, name="athena-clients")
    ids["athena_sg"] = b.security_group(vpc, name="athena-endpoint",
                                        ingress=[("tcp", port, port, clients) for port in athena_ingress])
    ids["glue_sg"] = b.security_group(vpc, name="glue-endpoint", ingress=[("tcp", HTTPS, HTTPS, clients)])
    ids["athena"] = b.interface_endpoint(vpc, "athena", subnets=private, groups=[ids["athena_sg"]])
    ids["glue"] = b.interface_endpoint(vpc, "glue", subnets=private, groups=[ids["glue_sg"]])
    if s3_endpoint:
        ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[ids["private_rt"]])
        b.bucket_policy(RESULTS_BUCKET, results_bucket_policy(ids["s3"], calledvia_exemption=calledvia_exemption))

    for az, subnet in enumerate(private, start=1):
        eni = ids[f"client{az}"] = b.workload(subnet, groups=[clients])
        b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))
    return b.snapshot(), ids
