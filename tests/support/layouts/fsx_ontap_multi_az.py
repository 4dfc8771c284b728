"""An Amazon FSx for NetApp ONTAP Multi-AZ file system in two private subnets (preferred and
standby), its endpoint IP address range outside the VPC's CIDR routed by FSx to the preferred file
server's network interface, NFS and SMB clients in both subnets (us-east-1).

Sources:

- the Amazon FSx API's ``CreateFileSystemOntapConfiguration`` as botocore's ``fsx`` model
  (2018-03-01) documents it, and the same text in the API reference
  (https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateFileSystemOntapConfiguration.html,
  current page, read 2026-12-06): ``PreferredSubnetId`` "specifies the subnet in which you want the
  preferred file server to be located" (required for ``MULTI_AZ_1``); ``EndpointIpAddressRange``,
  "(Multi-AZ only) … the IPv4 address range in which the endpoints to access your file system will
  be created. By default in the Amazon FSx API, Amazon FSx selects an unused IP address range for
  you from the 198.19.* range" (the console instead takes the last 64 addresses of the VPC's
  primary block); ``RouteTableIds``, "the route tables in which Amazon FSx creates the rules for
  routing traffic to the correct file server. You should specify all … route tables associated
  with the subnets in which your clients are located. By default, Amazon FSx selects your VPC's
  default route table", which FSx manages "using tag-based authentication", tagged
  ``AmazonFSx: ManagedByAmazonFSx``;
- the FSx for ONTAP User Guide, "Accessing data"
  (https://docs.aws.amazon.com/fsx/latest/ONTAPGuide/supported-fsx-clients.html, current page,
  read 2026-12-06): each SVM's ``Nfs``, ``Smb`` and ``Management`` endpoints; no access from the
  public internet ("Amazon FSx automatically detaches any Elastic IP address … attached to a file
  system's elastic network interface"); and "Availability, durability, and deployment options"
  (https://docs.aws.amazon.com/fsx/latest/ONTAPGuide/high-availability-AZ.html, same date): a
  Multi-AZ file system's active and standby file servers in two AZs, failing over automatically;
- the AWS Storage Blog, "Route traffic to an Amazon FSx for NetApp ONTAP Multi-AZ file system
  using Network Load Balancer"
  (https://aws.amazon.com/blogs/storage/route-traffic-to-an-amazon-fsx-for-ontap-multi-az-file-system-using-network-load-balancer/):
  the floating addresses "aren't associated with any specific subnet. Instead, they automatically
  route to the active file server's Elastic Network Interface (ENI)";
- the Terraform AWS provider's ``aws_fsx_ontap_file_system`` example (``deployment_type =
  "MULTI_AZ_1"``, two ``subnet_ids``, ``preferred_subnet_id`` the first;
  hashicorp/terraform-provider-aws ``website/docs/r/fsx_ontap_file_system.html.markdown``), whose
  ``endpoint_ip_address_range`` and ``route_table_ids`` arguments are the API's;
- the file system's ports: NFS TCP 111, 635 and 2049, SMB TCP 445 ("Your file system's security
  groups must also allow inbound traffic on the same ports", DataSync ``CreateLocationFsxOntap``,
  https://docs.aws.amazon.com/datasync/latest/userguide/API_CreateLocationFsxOntap.html, current
  page, read 2026-12-06);
- botocore's ec2 model (2016-11-15): ``Route`` (``DestinationCidrBlock``, ``NetworkInterfaceId``,
  ``InstanceId``, ``State`` ``active | blackhole | filtered``, ``Origin``),
  ``NetworkInterfaceType`` (``interface``), ``RequesterManaged``, ``SourceDestCheck``.

Built (``build()``): VPC 10.0.0.0/16, DNS support and hostnames on; ``private1`` 10.0.1.0/24 in
us-east-1a and ``private2`` 10.0.2.0/24 in us-east-1b (AZ IDs use1-az1 and use1-az2, assumed),
each on a route table of its own with the local route alone (no internet gateway, NAT or
endpoint: clients and file system talk inside the VPC); the default NACL. Groups: ``ontap-fs``
admits TCP 111, 635, 2049 and 445 from ``ontap-clients``, all traffic out; ``ontap-clients`` no
ingress, all traffic out. The file system ``fs-0f1e2d3c4b5a69788`` (``MULTI_AZ_1``, assumed id):
``SubnetIds`` the two private subnets, ``PreferredSubnetId`` ``private1``,
``EndpointIpAddressRange`` ``198.19.255.0/24`` (assumed, from the API's default 198.19.* range),
``RouteTableIds`` both private tables, which carry the tag ``AmazonFSx: ManagedByAmazonFSx``.
An NFS/SMB client instance in each private subnet, in ``ontap-clients``, mounting the SVM's
floating endpoint addresses.

What DescribeRouteTables shows of FSx's routes (assumed; AWS documents that FSx "creates the
rules for routing traffic to the correct file server" in the listed tables, not how they read):
in each listed table one route, ``DestinationCidrBlock`` the endpoint range, ``NetworkInterfaceId``
the active file server's interface and no ``InstanceId`` (the file servers are no instance of the
account), ``State`` ``active``, ``Origin`` ``CreateRoute`` (made by an API call, FSx's). On
failover FSx points the route at the standby file server's interface (the blog's "automatically
route to the active file server's" interface; the mechanism assumed).

What DescribeNetworkInterfaces shows of the two file servers' interfaces, one in each subnet
(DescribeFileSystems' ``NetworkInterfaceIds``), as ``fsx_file_system_vpc`` models FSx's
interfaces: ``InterfaceType`` ``interface``, in ``ontap-fs``, attached to no instance, tagged
``AmazonFSx.FileSystemId: <fs-id>`` (the only tag FSx's service-linked role puts on the interfaces
it creates, and the key it manages them by: documented). Assumed: requester-managed,
``RequesterId`` ``amazon-fsx``, Description ``ENI for Amazon FSx file system <fs-id>``, and
``SourceDestCheck`` false — each interface receives packets addressed to the floating range, not
to its own private address, which EC2 delivers only with the check off; AWS documents neither.
No rule reads any of these but the tag and NAT006 the check (for 0.0.0.0/0 routes only).

Near misses: ``route_table_azs=(1,)`` — ``RouteTableIds`` names the first private table only (a
client subnet's table forgotten): the client in ``private2`` has no route to the floating
addresses and cannot mount. ``failed_over=True`` — the route names the standby server's
interface (in ``private2``) after a failover. ``deleted=True`` — the file system deleted, its
interfaces gone, the routes left ``blackhole`` (what DescribeRouteTables reports for a route
whose target interface no longer exists): assumed to happen when the tables lost their
``AmazonFSx`` tag, by which FSx manages them, so that FSx could not delete its routes; the tables
are built untagged.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2")  # this account's us-east-1a and b (assumed)
VPC_CIDR = "10.0.0.0/16"
FILE_SYSTEM = "fs-0f1e2d3c4b5a69788"  # assumed
ENDPOINT_RANGE = "198.19.255.0/24"  # EndpointIpAddressRange, from the API's default 198.19.* (assumed)
FSX_TAG = "AmazonFSx.FileSystemId"
FSX_ROUTE_TABLE_TAG = {"AmazonFSx": "ManagedByAmazonFSx"}
FSX_REQUESTER_ID = "amazon-fsx"  # assumed: AWS does not document it
FSX_DESCRIPTION = f"ENI for Amazon FSx file system {FILE_SYSTEM}"  # assumed; no rule reads it
NFS_SMB_PORTS = (111, 635, 2049, 445)
ALL_OUT = ("-1", None, None, "0.0.0.0/0")


def build(*, route_table_azs: tuple[int, ...] = (1, 2), failed_over: bool = False,
          deleted: bool = False) -> tuple[Snapshot, dict[str, str]]:
    """The layout; ``route_table_azs``: the private tables (by AZ) in ``RouteTableIds``;
    ``failed_over``: the routes name the standby server's interface; ``deleted``: the file system
    deleted, its routes left as blackholes (module docstring)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name="ontap-vpc", dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc}
    for k in (1, 2):
        ids[f"private{k}"] = b.subnet(vpc, f"10.0.{k}.0/24", az=k, name=f"private{k}")
        ids[f"private_rt{k}"] = b.route_table(vpc, subnets=[ids[f"private{k}"]], name=f"private{k}")
    clients = ids["client_sg"] = b.security_group(vpc, name="ontap-clients", egress=[ALL_OUT])
    ids["fs_sg"] = b.security_group(vpc, name="ontap-fs", egress=[ALL_OUT],
                                    ingress=[("tcp", port, port, clients) for port in NFS_SMB_PORTS])
    for k, role in ((1, "preferred"), (2, "standby")):
        eni = ids[f"{role}_eni"] = b.workload(ids[f"private{k}"], groups=[ids["fs_sg"]], requester_managed=True,
                                              requester_id=FSX_REQUESTER_ID, description=FSX_DESCRIPTION)
        b.enis[eni] = replace(b.enis[eni], source_dest_check=False)
        b.tag(eni, {FSX_TAG: FILE_SYSTEM})
    active = ids["standby_eni" if failed_over else "preferred_eni"]
    for k in route_table_azs:
        table = ids[f"private_rt{k}"]
        if not deleted:
            b.tag(table, FSX_ROUTE_TABLE_TAG)
        b.route(table, ENDPOINT_RANGE, active, state="blackhole" if deleted else "active")
    if deleted:
        for role in ("preferred", "standby"):
            del b.enis[ids[f"{role}_eni"]]
    for k in (1, 2):
        client = ids[f"client{k}"] = b.workload(ids[f"private{k}"], groups=[clients])
        b.enis[client] = replace(b.enis[client], instance_id=b.new_id("i"))
    return b.snapshot(), ids
