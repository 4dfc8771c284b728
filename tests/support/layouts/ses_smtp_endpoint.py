"""Applications in private subnets sending mail through Amazon SES's SMTP interface, reached through
an interface VPC endpoint of ``com.amazonaws.us-east-1.email-smtp`` (us-east-1).

Sources:

- the Amazon SES Developer Guide, "Setting up VPC endpoints with Amazon SES"
  (https://docs.aws.amazon.com/ses/latest/dg/send-email-set-up-vpc-endpoints.html), as the guide's
  archived source holds it, awsdocs/amazon-ses-developer-guide
  ``doc-source/send-email-set-up-vpc-endpoints.md`` at f164907 (2022-10-28, the last change before
  the repository was emptied on 2023-06-15, e425dab): the endpoint is of the ``email-smtp`` service
  of the account's Region ("restricted to the AWS Region currently being used for your account");
  its group admits, as **Custom TCP**, "the port number that you want to use to send email … any of
  the following port numbers: 25, 465, 587, 2465, or 2587", with optional further rules for "any or
  all" of them, from the sending instance's private IP; **Limitations**: "Amazon SES does not
  support VPC endpoints in the following Availability Zones: use1-az2, use1-az3, use1-az5,
  usw1-az2, usw2-az4, apne2-az4, cac1-az3, and cac1-az4" (first stated at 1b656ce, 2022-03-02).
  EC2 throttles port 25, so the guide suggests 587 or 2587. The same AZ list appears with the
  ``email-smtp`` entry of a 2025 AWS page (https://docs.aws.amazon.com/res/latest/ug/prerequisites.html,
  its private-VPC endpoint list), so it is taken as still current;
- the guide's "Connecting to an Amazon SES SMTP endpoint" (smtp-connect.html, current page, read
  2026-12-06; the same text at f164907 ``doc-source/smtp-connect.md``): STARTTLS on 25, 587 or
  2587, TLS Wrapper on 465 or 2465 — five ports, none of them 443;
- the SES API is a separate service: the SMTP endpoint does not answer the SDKs' ``SendEmail``
  (aws/aws-sdk#181, closed 2022: "use SMTP to send email with a VPC Endpoint"); since December 2025
  an interface endpoint of ``com.amazonaws.<region>.email`` (HTTPS) serves the API
  (aws/aws-cdk#36318, citing the "amazon-ses-vpc-api-endpoints" announcement and
  ``describe-vpc-endpoint-services`` listing ``com.amazonaws.us-east-1.email``). Not built: these
  applications send over SMTP only;
- the endpoint-specific DNS name form ``vpce-<id>-<suffix>.email-smtp.us-east-1.vpce.amazonaws.com``
  shown in SAP BTP's PrivateLink documentation for SES; private DNS answering
  ``email-smtp.<region>.amazonaws.com``, the name applications configure (aws/aws-sdk#181 calls it
  "the private DNS name of the endpoint").

Built (``build()``): VPC ``ses-smtp-apps`` 10.0.0.0/16, DNS support and hostnames on; private subnets
10.0.1-3.0/24 in us-east-1a, b, c (this account's use1-az1, use1-az4, use1-az6: assumed, none of them
in the guide's unsupported list) on one table ``ses-private`` (local route only): no internet
gateway, NAT gateway or other endpoint — the guide's customers may not reach the internet, and the
applications' software is on their image (assumed). Group ``ses-apps``: no ingress, AWS's default
egress. Group ``ses-smtp-endpoint``: TCP 25, 465, 587, 2465 and 2587 from ``ses-apps`` — the guide's
five ports, its source the applications' group instead of one instance's address (assumed: several
instances) — AWS's default egress. The ``email-smtp`` endpoint in the three subnets, private DNS on,
no policy. One application instance per subnet. No flow log; the default NACL.

Assumed, as DescribeVpcEndpointServices would list ``com.amazonaws.us-east-1.email-smtp`` (AWS does
not document it): owner ``amazon``, type Interface, the AZs of the VPC but those the guide names
unsupported, PrivateDnsName ``email-smtp.us-east-1.amazonaws.com``, BaseEndpointDnsNames
``email-smtp.us-east-1.vpce.amazonaws.com``, VpcEndpointPolicySupported false (the guide names no
endpoint policy; assumed). As DescribeVpcEndpoints would report the endpoint: no PolicyDocument,
DnsEntries the Regional name then one per AZ (the 8-character suffix assumed), HostedZoneId
``Z7HUB22UULQXV`` (us-east-1's VPC endpoint zone).

The endpoint's network interfaces, as DescribeNetworkInterfaces reports them: InterfaceType
``vpc_endpoint`` (botocore's ``NetworkInterfaceType``), requester-managed, Description
``VPC Endpoint Interface <vpce-id>``, the endpoint's group, attached to no instance, no tags. The
instances' primary interfaces: typed ``interface``, not requester-managed, an empty description,
attached to their instance.

Near misses: ``endpoint_ports=(443,)`` — the endpoint's group admits HTTPS only, copied from the
VPC's other endpoint groups: every SMTP connection is refused. ``endpoint_ports=(587,)`` — only the
port the applications use (the guide's minimum). ``app_egress_ports=(443,)`` — the applications'
group hardened to let out HTTPS only: no SMTP port leaves. ``app_egress_ports=(25,)`` with
``endpoint_ports=(587,)`` — each side opens an SMTP port, not the same one. ``unsupported_az=True``
— us-east-1b is use1-az2, where SES offers no endpoint: the endpoint has subnets in a and c only,
the instance in b sends across AZs.
"""

from __future__ import annotations

from aws_layout import AwsRegionBuilder, apps_behind_one_endpoint, endpoint_regional_name

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az4", "use1-az6")  # this account's us-east-1a, b, c (assumed)
# The near miss ``unsupported_az``: us-east-1b is an AZ the guide says SES has no endpoint in.
UNSUPPORTED_AZ_IDS = ("use1-az1", "use1-az2", "use1-az4")
UNSUPPORTED = frozenset({"use1-az2", "use1-az3", "use1-az5"})  # the guide's us-east-1 entries
SERVICE_KEY = "email-smtp"
SMTP_PORTS = (25, 465, 587, 2465, 2587)  # STARTTLS on 25, 587, 2587; TLS Wrapper on 465, 2465
SUBMISSION = 587
HTTPS = 443


def regional_name(endpoint_id: str) -> str:
    """The endpoint's Regional DNS name (the 8-character suffix assumed, derived from the id)."""
    return endpoint_regional_name(endpoint_id, SERVICE_KEY, REGION)


def build(*, endpoint_ports: tuple[int, ...] = SMTP_PORTS, app_egress_ports: tuple[int, ...] | None = None,
          unsupported_az: bool = False) -> tuple[Snapshot, dict[str, str]]:
    """``endpoint_ports``: what the endpoint's group admits from the applications' group;
    ``app_egress_ports``: the TCP ports the applications' group lets out to 0.0.0.0/0 (None: AWS's
    default all-traffic rule); ``unsupported_az``: us-east-1b is use1-az2 (module docstring)."""
    az_ids = UNSUPPORTED_AZ_IDS if unsupported_az else AZ_IDS
    b = AwsRegionBuilder(ACCOUNT, REGION, az_ids)
    offered = [k for k, az_id in enumerate(az_ids, start=1) if az_id not in UNSUPPORTED]
    ids = apps_behind_one_endpoint(
        b, prefix="ses", vpc_name="ses-smtp-apps", app_group="ses-apps", endpoint_group="ses-smtp-endpoint",
        key=SERVICE_KEY, endpoint_ports=endpoint_ports, app_egress_ports=app_egress_ports, endpoint_azs=offered,
        service={"azs": offered, "policy_supported": False}, policy=None)
    return b.snapshot(), ids
