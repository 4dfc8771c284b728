"""MON001 vpc-flow-logs-disabled."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vpcaudit.engine.controls import cis, security_hub
from vpcaudit.engine.remedy import Phase, placeholder, step
from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext
    from vpcaudit.snapshot import resources as r


@rule(id="MON001", name="vpc-flow-logs-disabled", severity=Severity.MEDIUM,
      needs=(Part.VPCS, Part.SUBNETS, Part.FLOW_LOGS, Part.NETWORK_INTERFACES),
      references=(
          "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html",
          "https://docs.aws.amazon.com/vpc/latest/userguide/working-with-flow-logs.html",
          "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-troubleshooting.html",
      ),
      seeds=("001",),
      controls=(
          security_hub("EC2.6", "VPC flow logging should be enabled in all VPCs"),
          cis("1.2.0", "2.9", "Ensure VPC flow logging is enabled in all VPCs"),
          cis("1.4.0", "3.9", "Ensure VPC flow logging is enabled in all VPCs"),
          cis("3.0.0", "3.7", "Ensure VPC flow logging is enabled in all VPCs"),
      ))
def vpc_flow_logs_disabled(ctx: RuleContext) -> Iterator[Finding]:
    """A VPC is not covered by an active flow log.

    Covered: a flow log on the VPC with `FlowLogStatus = ACTIVE` and `DeliverLogsStatus` not
    `FAILED`, or such a flow log on every one of its subnets (ENI-level flow logs do not cover
    a VPC). A default VPC without workload network interfaces is skipped. A VPC shared with this
    account through RAM is judged in its owner's scope, or not evaluated when the owner is not
    in the scan (its flow logs are the owner's).

    ## Why it matters
    Without flow logs there is no record of which traffic the VPC's security groups and NACLs
    accepted or rejected: you cannot confirm that S3 traffic now uses the gateway endpoint
    instead of the NAT gateway, find the clients still sending traffic across AZs, investigate
    an incident, or meet most audit baselines. A flow log whose delivery fails (missing bucket,
    broken IAM role) records nothing either.

    ## How to fix
    Create a VPC-level flow log, e.g. to an S3 bucket (the bucket must exist and allow log
    delivery):

    ```
    aws ec2 create-flow-logs --resource-type VPC --resource-ids <vpc-id> --traffic-type ALL \\
        --log-destination-type s3 --log-destination arn:aws:s3:::<bucket-name>
    ```

    Or to CloudWatch Logs with a delivery role:

    ```
    aws ec2 create-flow-logs --resource-type VPC --resource-ids <vpc-id> --traffic-type ALL \\
        --log-group-name <log-group> --deliver-logs-permission-arn arn:aws:iam::<account-id>:role/<flow-logs-role>
    ```

    For a failing flow log, read the reason and fix the destination or role:

    ```
    aws ec2 describe-flow-logs --filter Name=resource-id,Values=<vpc-id> \\
        --query "FlowLogs[].[FlowLogId,FlowLogStatus,DeliverLogsStatus,DeliverLogsErrorMessage]"
    ```

    ## Controls
    Security Hub EC2.6 and the CIS flow-log item fail every VPC without a VPC-level flow log.
    vpcaudit differs in two places: a VPC whose every subnet has an active flow log is covered
    (the same traffic is recorded), and a default VPC with no workload network interfaces is
    skipped (it carries no traffic to record). A flow log whose delivery fails counts as
    missing here.
    """
    view = ctx.view
    logs_by_resource: dict[str, list[r.FlowLog]] = {}
    for log in ctx.region.flow_logs:
        logs_by_resource.setdefault(log.resource_id, []).append(log)
    covered = {rid for rid, logs in logs_by_resource.items() if any(_active(log) for log in logs)}
    for vpc_id in sorted(view.vpcs):
        vpc = view.vpcs[vpc_id]
        if view.is_idle_default_vpc(vpc_id) or vpc_id in covered:
            continue
        subnets = view.subnets_of(vpc_id)
        uncovered = [s.subnet_id for s in subnets if s.subnet_id not in covered]
        if not uncovered:
            continue  # every subnet has its own active flow log (a VPC without subnets carries no traffic)
        ref = ctx.ref("vpc", vpc_id, vpc_id, view.name_of(vpc.tags))
        if vpc.owner_id and vpc.owner_id != ctx.account.account_id:
            if not ctx.snapshot.has_account(vpc.owner_id):
                yield ctx.not_evaluated(ref, f"{vpc_id} is shared from account {vpc.owner_id}, whose flow logs are "
                                             "not in this scan")
            continue
        broken = [f"{log.flow_log_id} on {rid} ({log.flow_log_status}, delivery {log.deliver_logs_status or '?'})"
                  for rid in (vpc_id, *(s.subnet_id for s in subnets)) for log in logs_by_resource.get(rid, ())
                  if not _active(log)]
        partly = len(uncovered) < len(subnets)
        what = (f"{len(uncovered)} of its {len(subnets)} subnets lack an active flow log ({', '.join(uncovered)})"
                if partly else "neither the VPC nor any of its subnets has an active flow log")
        failing = f"; not working: {', '.join(broken)}" if broken else ""
        yield ctx.finding(ref, f"{vpc_id} is not covered by flow logs: {what}{failing}",
                          evidence=evidence_dict(subnets_without_flow_log=uncovered, subnet_count=len(subnets),
                                                 inactive_flow_logs=broken or None),
                          fix=[step("ec2:CreateFlowLogs",
                                    {"ResourceType": "VPC", "ResourceIds": [vpc_id], "TrafficType": "ALL",
                                     "LogDestinationType": "s3",
                                     "LogDestination": placeholder("arn of the S3 bucket that receives flow logs")},
                                    vpc_id, Phase.CREATE, f"Create a flow log for all traffic of {vpc_id}",
                                    decision="choose the destination: an S3 bucket that allows log delivery (often a "
                                             "central logging account's), or CloudWatch Logs with a delivery role")])


def _active(log: r.FlowLog) -> bool:
    return log.flow_log_status.upper() == "ACTIVE" and (log.deliver_logs_status or "").upper() != "FAILED"
