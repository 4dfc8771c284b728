"""SG002 endpoint-sg-extra-ports."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from vpcaudit.engine.remedy import FixStep, Phase, new_id, step
from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.network.secgroups import (
    describe_ports,
    endpoint_label,
    endpoints_by_group,
    format_ports,
    ingress,
    is_world,
    opens_beyond,
    peer_label,
    remote_routes,
    rule_cidr,
    workload_groups,
)
from vpcaudit.rules._fixes import authorize_clients, endpoint_context, revoke_ingress, tcp_permission
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext
    from vpcaudit.snapshot.resources import SecurityGroup, SecurityGroupRule, VpcEndpoint


@rule(id="SG002", name="endpoint-sg-extra-ports", severity=Severity.MEDIUM,
      # Network interfaces (and NAT gateways, to tell their ENIs from workloads) decide medium vs low.
      needs=(Part.VPC_ENDPOINTS, Part.SECURITY_GROUPS, Part.NETWORK_INTERFACES, Part.NAT_GATEWAYS),
      references=(
          "https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html",
          "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
      ),
      seeds=("000", "001", "002"))
def endpoint_sg_extra_ports(ctx: RuleContext) -> Iterator[Finding]:
    """A security group attached to interface endpoints allows inbound traffic on ports the
    endpoints' services do not use: all traffic, wide TCP ranges, TCP 80, any UDP. One finding
    per security group, listing its endpoints; **low** when the group is also attached to
    workload ENIs (a shared group: the extra ports are probably the workloads'). Service ports
    are TCP 443 for AWS services except a few documented ones (SES SMTP, CodeCommit SSH, IoT
    MQTT); for PrivateLink services the port is unknown and such a group is not evaluated.

    ## Why it matters
    An interface endpoint listens only on its service ports; anything else the group allows is
    dead weight that hides what the group is for and widens what it lets in. A group shared with
    workloads (often the VPC's default group) ties the endpoint's exposure to every rule the
    workloads need, so a change made for an application silently changes who can reach the
    endpoint.

    ## How to fix
    Give the endpoints a dedicated group that allows only the service port from the clients,
    then attach it and remove the old rules or the shared group:

    ```
    aws ec2 create-security-group --vpc-id <vpc-id> --group-name <name>-endpoints \\
        --description "Interface endpoints: TCP 443 from clients"
    aws ec2 authorize-security-group-ingress --group-id <new-endpoint-sg-id> \\
        --ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,UserIdGroupPairs=[{GroupId=<client-sg-id>}]'
    aws ec2 modify-vpc-endpoint --vpc-endpoint-id <vpce-id> \\
        --add-security-group-ids <new-endpoint-sg-id> --remove-security-group-ids <old-sg-id>
    ```
    """
    view = ctx.view
    shared_groups = workload_groups(view)
    for group_id, endpoints in endpoints_by_group(view).items():
        vpc_id = endpoints[0].vpc_id
        group = view.security_groups.get(group_id)
        labels = ", ".join(endpoint_label(view, e) for e in endpoints)
        ref = ctx.ref("security-group", group_id, vpc_id,
                      (group.group_name or view.name_of(group.tags)) if group else None)
        if group is None:
            yield ctx.not_evaluated(ref, f"{group_id} is attached to {labels} but was not collected")
            continue
        ports = frozenset(p for e in endpoints for p in view.service(e).ports)
        extra = [x for x in ingress(group) if opens_beyond(x, ports)]
        if not extra:
            continue
        unknown = [e for e in endpoints if not view.service(e).ports]
        if unknown:
            yield ctx.not_evaluated(ref, f"{group_id} allows {', '.join(_text(x) for x in extra)}, but the port of "
                                         f"{', '.join(endpoint_label(view, e) for e in unknown)} is unknown "
                                         "(PrivateLink service), so extra ports cannot be told apart")
            continue
        workloads = sorted(eni.network_interface_id for eni in view.interfaces.values()
                           if group_id in eni.group_ids and view.is_workload(eni))
        shared = group_id in shared_groups
        message = (f"Security group {group_id}, attached to interface endpoint(s) {labels}, allows inbound "
                   f"{', '.join(_text(x) for x in extra)}; the endpoint service(s) use only {format_ports(ports)}.")
        if shared:
            shown = ", ".join(workloads[:5]) + (" …" if len(workloads) > 5 else "")
            message += (f" The group is also attached to workload ENIs ({shown}): a shared group widens the "
                        "endpoints' exposure to whatever the workloads need — give the endpoints their own group.")
        yield ctx.finding(ref, message, severity=Severity.LOW if shared else Severity.MEDIUM,
                          evidence=evidence_dict(endpoints=[e.vpc_endpoint_id for e in endpoints],
                                                 service_ports=sorted(ports), extra_rules=[_text(x) for x in extra],
                                                 workload_enis=workloads[:10], workload_eni_count=len(workloads)),
                          fix=_own_group(ctx, group, endpoints, ports) if shared else _narrow(ctx, group, extra, ports))


def _narrow(ctx: RuleContext, group: SecurityGroup, extra: list[SecurityGroupRule],
            ports: frozenset[int]) -> list[FixStep]:
    """Keep each source on the service ports only (the world becomes the VPC's clients), then
    revoke the wide rules."""
    steps: list[FixStep] = []
    if any(is_world(rule_cidr(x)) for x in extra):
        steps += [s for s in (authorize_clients(ctx.view, group, ports),) if s is not None]
    kept = [x for x in extra if not is_world(rule_cidr(x))]
    for sg_rule in kept:
        source = ({"cidrs": [rule_cidr(sg_rule) or ""]} if rule_cidr(sg_rule) else
                  {"group_id": sg_rule.referenced_group_id} if sg_rule.referenced_group_id else None)
        if source is None:
            continue  # a prefix-list source: the narrowed rule is for a person to write
        steps.append(step("ec2:AuthorizeSecurityGroupIngress",
                          {"GroupId": group.group_id, "IpPermissions": tcp_permission(ports, **source)},
                          group.group_id, Phase.CREATE,
                          f"Allow only {format_ports(ports)} from {peer_label(sg_rule)} into {group.group_id}"))
    return [*steps, revoke_ingress(group.group_id, extra, "opens ports the endpoints do not use")]


def _own_group(ctx: RuleContext, group: SecurityGroup, endpoints: tuple[VpcEndpoint, ...],
               ports: frozenset[int]) -> list[FixStep]:
    """A dedicated group for the endpoints (service ports from the VPC), swapped in for the shared one."""
    view = ctx.view
    label = f"endpoint-sg-{group.group_id}"
    cidrs = list(view.vpc_cidrs(group.vpc_id))
    decision = ("networks routed to the VPC may use the endpoints through the shared group: allow their CIDRs in the "
                "new group first") if remote_routes(view, group.vpc_id) else None
    steps = [
        step("ec2:CreateSecurityGroup", {"VpcId": group.vpc_id, "GroupName": f"{group.group_id}-endpoints",
                                         "Description": f"Interface endpoints: {format_ports(ports)} from the VPC"},
             group.vpc_id, Phase.CREATE, f"Create a security group for the endpoints now sharing {group.group_id}",
             decision=decision, creates=label, output="GroupId"),
        step("ec2:AuthorizeSecurityGroupIngress",
             {"GroupId": new_id(label), "IpPermissions": tcp_permission(ports, cidrs=cidrs)}, group.vpc_id,
             Phase.CREATE, f"Allow {format_ports(ports)} from {', '.join(cidrs)} into the new group",
             decision=decision),
    ]
    steps += [step("ec2:ModifyVpcEndpoint", {"VpcEndpointId": e.vpc_endpoint_id, "AddSecurityGroupIds": [new_id(label)],
                                             "RemoveSecurityGroupIds": [group.group_id]},
                   e.vpc_endpoint_id, Phase.MODIFY,
                   f"Give {e.vpc_endpoint_id} the new group instead of {group.group_id}", decision=decision,
                   context=endpoint_context(e))
              for e in endpoints]
    return steps


def _text(sg_rule: SecurityGroupRule) -> str:
    return f"{describe_ports(sg_rule)} from {peer_label(sg_rule)}"
