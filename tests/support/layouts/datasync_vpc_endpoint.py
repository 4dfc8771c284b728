"""AWS DataSync transferring through a DataSync interface VPC endpoint with an agent (us-east-1).

Source: the AWS DataSync User Guide, "Using AWS DataSync in a virtual private cloud"
(https://docs.aws.amazon.com/datasync/latest/userguide/datasync-in-vpc.html) and "AWS DataSync
network requirements" (https://docs.aws.amazon.com/datasync/latest/userguide/datasync-network.html,
sections "Network requirements for VPC endpoints" and "Network interface requirements"), as last
published in the guide's source repository
(https://github.com/awsdocs/aws-datasync-user-guide/blob/3577e22d35a04d534feb2c620f5de1e762a0cc96/doc_source/datasync-in-vpc.md
and ``doc_source/datasync-network.md`` at the same commit, the repository's last before it was
archived), the current pages ("Network interfaces for AWS DataSync transfers",
required-network-interfaces.html) saying the same, and the API reference's ``PrivateLinkConfig``.

What the guide asks for, step by step: "Choose the VPC and subnet where you want to set up the
DataSync private IP addresses"; "create a security group to ensure access to the private IP
addresses that DataSync uses. These addresses include one VPC endpoint for control traffic and
four network interfaces to use for data transfer … In the security group attached to the
endpoints, configure inbound rules to allow the agent's private IP address to connect to these
endpoints"; "Create a VPC endpoint for the DataSync service" (``com.amazonaws.us-east-1.datasync``)
with that group, "Make sure that you clear the Enable Private DNS Name check box", and "If you have
deployed a DataSync agent on an Amazon EC2 instance, choose the Availability Zone where your agent
resides"; activation from "a computer that can reach the agent by using port 80"; "Make sure to
allow outbound traffic from the agent to the VPC endpoint by using ports 443, 1024–1064, and port
22. Port 22 is optional"; the agent is activated with the endpoint, the subnet and the group
(``PrivateLinkConfig.SecurityGroupArns``: "the security group that provides DataSync access to
your VPC endpoint"; ``SubnetArns``: "the subnet where DataSync creates the network interfaces that
handle data transfer traffic for your tasks"); "your task creates four network interfaces in the
VPC and subnet that you chose" and "allow outbound traffic from the agent to these interfaces by
using port 443". The ports table: agent → the DataSync VPC endpoint, TCP 1024–1064, "For control
traffic between the DataSync agent and the AWS service"; agent → "Your task's network
interfaces", TCP 443, "For data transfer from the DataSync VM to the AWS service"; agent → the
endpoint, TCP 22 (support channel, optional); "Your web browser" → the agent, TCP 80
(activation). The network-interface table: Amazon S3 location, 4 interfaces, created in "The
subnet you specify when activating your DataSync agent" with a private endpoint. (The 1024–1064
range is the endpoint's, the 443 the task interfaces'; the agent's group allows both to both.)

Built (us-east-1, AZ ids use1-az1/use1-az2; names assumed): VPC ``datasync`` 10.50.0.0/16, DNS
support and hostnames on; no internet gateway, no NAT ("Enabling this access is not necessary when
using DataSync with VPC endpoints"); ``agent`` subnet 10.50.1.0/24 and ``datasync-endpoint``
subnet 10.50.2.0/24, both in use1-az1 (the agent's AZ), each on a private route table with the S3
gateway endpoint (the typical companion; the agent's own traffic does not need it), and a
``workloads`` subnet 10.50.3.0/24 in use1-az2 on a third table with the S3 endpoint, holding
nothing. Groups: ``datasync-agent`` (the EC2 agent's instance: TCP 80 in from the VPC, for
activation; AWS's default all-traffic egress) and ``datasync-private`` (the endpoint's and task
interfaces' group, ``PrivateLinkConfig.SecurityGroupArns``: TCP 443 and TCP 1024–1064 from the
agent's private address /32; AWS's default egress). The endpoint: ``datasync`` interface endpoint
in the endpoint subnet, private DNS off, AWS's default policy. The S3 location: a bucket of this
account (no VPC resource).

The agent: an EC2 instance from the DataSync AMI in the agent subnet (the guide's "DataSync
agent on an Amazon EC2 instance"): its primary interface, typed ``interface``, not
requester-managed, with ``datasync-agent``.

The task's four interfaces (``task=True``: a task created; they exist while the task does, not
only while it runs — "For every task you create, AWS DataSync automatically generates and manages
network interfaces"), as DescribeNetworkInterfaces would report them. AWS documents where
(``SubnetArns``), which group (``SecurityGroupArns``), and that the EC2 console's search by the
task ID finds them ("Enter the task ID into the search filter to see the task's four network
interfaces"); ``DescribeTask`` lists their ARNs (``SourceNetworkInterfaceArns``,
``DestinationNetworkInterfaceArns``). Assumed where nothing public says: typed ``interface``,
requester-managed (created by the service, like EFS mount targets and Lambda's), no RequesterId
recorded (not documented; no rule reads it for DataSync), described
``Network interface for DataSync task <task-id>`` (the task ID in the description, which is
what the console's free-text filter matches), on no instance.

What DescribeTask reports (botocore's datasync model, ``DescribeTaskResponse``), as the snapshot
records it: the task's ``TaskArn`` (``arn:aws:datasync:us-east-1:123456789012:task/<task-id>``),
``Status`` ``AVAILABLE`` (created, not running), and its four interfaces' ARNs
(``arn:aws:ec2:us-east-1:123456789012:network-interface/<eni-id>``) under
``DestinationNetworkInterfaceArns``, ``SourceNetworkInterfaceArns`` empty — assumed: the guide's
table lists the interfaces under the Amazon S3 location (the destination; the source is the
agent's storage), and the network view reads both lists alike. ``tasks_collected=False``:
ListTasks or DescribeTask denied, the part not collected.

Near misses: ``agent_egress="https"`` (the agent's group sending TCP 443 alone, to anywhere — the
usual "HTTPS out" of a client of AWS services: the control ports 1024–1064 to the endpoint are
blocked); ``endpoint_ingress="443"`` (the endpoint's group admitting only TCP 443 from the agent,
as for any other AWS service's endpoint: the agent cannot open control connections);
``endpoint_egress="none"`` (the group's default egress rule revoked, since the endpoint and the
task interfaces only receive — security groups are stateful, so the agent's connections are
answered).
"""

from __future__ import annotations

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Part, Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
VPC_CIDR = "10.50.0.0/16"
AGENT_CIDR = "10.50.1.0/24"
ENDPOINT_CIDR = "10.50.2.0/24"
WORKLOADS_CIDR = "10.50.3.0/24"
TASK_ID = "task-0a1b2c3d4e5f60718"  # assumed
CONTROL_PORTS = (1024, 1064)  # agent -> the DataSync endpoint: control traffic
DATA_PORT = 443  # agent -> the task's network interfaces: data transfer
ACTIVATION_PORT = 80  # browser -> agent: activation key
TASK_ENIS = 4


def build(*, task: bool = True, agent_egress: str = "default", endpoint_ingress: str = "guide",
          endpoint_egress: str = "default", tasks_collected: bool = True) -> tuple[Snapshot, dict[str, str]]:
    """``task``: a task created (its four interfaces present, and the task as DescribeTask reports
    it). ``agent_egress``: "default" (all traffic) or "https" (TCP 443 to anywhere).
    ``endpoint_ingress``: "guide" (443 and 1024–1064 from the agent) or "443" (443 alone).
    ``endpoint_egress``: "default" (all traffic) or "none". ``tasks_collected``: False for the
    DataSync tasks not collected (denied)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    vpc = b.vpc(VPC_CIDR, name="datasync", dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc)}
    for key, cidr, az, name in (("agent_subnet", AGENT_CIDR, 1, "agent"),
                                ("endpoint_subnet", ENDPOINT_CIDR, 1, "datasync-endpoint"),
                                ("workloads_subnet", WORKLOADS_CIDR, 2, "workloads")):
        ids[key] = b.subnet(vpc, cidr, az=az, name=name)
        ids[f"{name}_rt"] = b.route_table(vpc, subnets=[ids[key]], name=f"{name}-private")
    tables = [ids["agent_rt"], ids["datasync-endpoint_rt"], ids["workloads_rt"]]
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=tables)

    everything = [("-1", None, None, "0.0.0.0/0")]
    egress = everything if agent_egress == "default" else [("tcp", DATA_PORT, DATA_PORT, "0.0.0.0/0")]
    ids["agent_sg"] = b.security_group(vpc, name="datasync-agent",
                                       ingress=[("tcp", ACTIVATION_PORT, ACTIVATION_PORT, VPC_CIDR)], egress=egress)
    ids["agent_eni"] = b.workload(ids["agent_subnet"], groups=[ids["agent_sg"]])
    agent_ip = f"{b.enis[ids['agent_eni']].private_ip_addresses[0]}/32"

    ingress = [("tcp", DATA_PORT, DATA_PORT, agent_ip)]
    if endpoint_ingress == "guide":
        ingress.append(("tcp", *CONTROL_PORTS, agent_ip))
    ids["endpoint_sg"] = b.security_group(vpc, name="datasync-private", ingress=ingress,
                                          egress=everything if endpoint_egress == "default" else [])
    ids["datasync"] = b.interface_endpoint(vpc, "datasync", subnets=[ids["endpoint_subnet"]],
                                           groups=[ids["endpoint_sg"]], private_dns=False)

    if task:
        for n in range(1, TASK_ENIS + 1):
            ids[f"task_eni{n}"] = b.workload(ids["endpoint_subnet"], groups=[ids["endpoint_sg"]],
                                             requester_managed=True,
                                             description=f"Network interface for DataSync task {TASK_ID}")
        ids["task"] = b.datasync_task(TASK_ID, destination=[ids[f"task_eni{n}"] for n in range(1, TASK_ENIS + 1)])
    return b.snapshot(missing=() if tasks_collected else [Part.DATASYNC_TASKS]), ids
