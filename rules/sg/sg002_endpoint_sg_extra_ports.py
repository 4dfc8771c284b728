"""SG002 endpoint-sg-extra-ports."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from vpcaudit.engine.remedy import FixStep, Phase, new_id, placeholder, step
from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.network.secgroups import (
    cidr_family,
    configured_ports_note,
    describe_ports,
    endpoint_families,
    endpoint_label,
    endpoints_by_group,
    format_ports,
    ingress,
    is_world,
    opens_beyond,
    opens_non_tcp,
    peer_label,
    remote_routes,
    rule_cidr,
    tcp_range,
    workload_groups,
)
from vpcaudit.rules._fixes import authorize_clients, endpoint_context, revoke_ingress, tcp_permission
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext
    from vpcaudit.network.view import NetworkView
    from vpcaudit.snapshot.resources import SecurityGroup, SecurityGroupRule, VpcEndpoint


@rule(id="SG002", name="endpoint-sg-extra-ports", severity=Severity.MEDIUM,
      # Network interfaces (and NAT gateways, to tell their ENIs from workloads) decide medium vs low.
      needs=(Part.VPC_ENDPOINTS, Part.SECURITY_GROUPS, Part.NETWORK_INTERFACES, Part.NAT_GATEWAYS),
      references=(
          "https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html",
          "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
          "https://github.com/awsdocs/amazon-vpc-user-guide/blob/62c2f63d5262a5cd28ff477ed73200caa2675184/"
          "doc_source/vpce-interface.md#interface-endpoint-properties-and-limitations",
      ),
      seeds=("000", "001", "002"))
def endpoint_sg_extra_ports(ctx: RuleContext) -> Iterator[Finding]:
    """A security group attached to interface endpoints allows inbound traffic on ports the
    endpoints' services do not use: all traffic, wide TCP ranges, TCP 80, any UDP. One finding
    per security group, listing its endpoints; **low** when the group is also attached to
    workload ENIs (a shared group: the extra ports are probably the workloads'). Service ports
    are TCP 443 for AWS services except a few documented ones (SES SMTP, CodeCommit SSH, IoT
    MQTT); a PrivateLink service publishes no port, and only TCP ports beyond the known ones that
    such an endpoint could use are left unjudged (not evaluated when nothing else is extra) —
    unless the user configured the service's ports (`service-ports`, from its provider): they are
    then its known ports, and the finding says they were configured.

    Endpoints of PrivateLink services (another account's, AWS Marketplace, or an AWS service's
    own `com.amazonaws.vpce.<region>.vpce-svc-…` endpoints such as MWAA's database and web
    server) do not stop the group from being judged: an interface endpoint supports TCP traffic
    only (AWS's interface endpoint properties and limitations), so UDP and the non-TCP part of
    an all-traffic rule are extra whatever port those services use, and so is a rule from an
    address family none of them has an address in. TCP ports beyond the known services' may be
    a PrivateLink service's: the finding names those rules and endpoints as not judged, and a
    group whose only extra rules are such TCP rules is not evaluated, naming them. The catalogue
    asks for a known service port; it does not say that the rest of a group stays unjudged for
    want of one, and AWS's TCP-only limitation makes the non-TCP part certain. ICMP is not
    counted, with or without PrivateLink endpoints: it opens no port.

    The fix for a group of the endpoints alone narrows it in place: each source keeps the service
    ports (the world becomes the VPC's clients; a rule the group already holds is not asked for
    again), then the wide rules are revoked. A group shared with workloads, or whose extra rule
    admits the group itself (all traffic from its own members: the VPC default group, or a network
    stack's endpoint group that the workloads are meant to join, as the MWAA guide's template and
    eksctl's shared node group are), is not narrowed: its members talk to one another through that
    rule, whether they are there yet or not, so narrowing it to TCP 443 would break them the moment
    they join (MWAA requires "all traffic in the self-referencing rule", or TCP 5432 besides 443, on
    its environment's group). The endpoints get a group of their own instead, admitting the service
    ports from the VPC's CIDRs — every client in the VPC, the group's future members included — and
    the old group is left as it is for whatever uses it. A PrivateLink service's port is for a
    person to fill in (that step waits for the decision), and so is revoking or moving anything its
    endpoint may still need.

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

    Do not narrow a group the workloads share, or one admitting all traffic from itself: its
    members need that rule among themselves. For an endpoint of a PrivateLink service, ask its
    provider for the port before moving it; an endpoint a service created for itself (MWAA's)
    may be meant to keep that service's group.
    """
    view = ctx.view
    shared_groups = workload_groups(view)
    for group_id, endpoints in endpoints_by_group(view).items():
        vpc_id = endpoints[0].vpc_id
        group = view.security_groups.get(group_id)
        if group is None:
            yield ctx.not_evaluated(ctx.ref("security-group", group_id, vpc_id),
                                    f"{group_id} is attached to {_labels(view, endpoints)} but was not collected")
            continue
        ports = frozenset(p for e in endpoints for p in view.service(e).ports)
        unknown = tuple(e for e in endpoints if not view.service(e).ports)
        extra: list[SecurityGroupRule] = []  # certainly extra, in all or in part
        undecided: list[SecurityGroupRule] = []  # TCP beyond the known ports a PrivateLink endpoint could use
        for sg_rule in ingress(group):
            if not opens_beyond(sg_rule, ports):
                continue
            if not any(_could_serve(sg_rule, e) for e in unknown):
                extra.append(sg_rule)
                continue
            undecided.append(sg_rule)
            if opens_non_tcp(sg_rule):
                extra.append(sg_rule)
        if not extra and not undecided:
            continue  # most groups: nothing to say, so no resource or labels to write
        ref = ctx.ref("security-group", group_id, vpc_id, group.group_name or view.name_of(group.tags))
        unknown_labels = _labels(view, unknown)
        beyond = f" beyond {format_ports(ports)}" if ports else ""
        if not extra:
            if undecided:
                yield ctx.not_evaluated(
                    ref, f"{group_id} allows {', '.join(_tcp_text(x) for x in undecided)}{beyond}, which may be the "
                         f"port of {unknown_labels}: {'its' if len(unknown) == 1 else 'their'} PrivateLink "
                         f"service{'' if len(unknown) == 1 else 's'} publish{'es' if len(unknown) == 1 else ''} "
                         "none. The group opens nothing else extra.")
            continue
        labels = _labels(view, endpoints)
        workloads = sorted(eni.network_interface_id for eni in view.interfaces.values()
                           if group_id in eni.group_ids and view.is_workload(eni))
        shared = group_id in shared_groups
        self_reference = any(x.referenced_group_id == group_id for x in extra)
        message = f"Security group {group_id}, attached to interface endpoint(s) {labels}, allows inbound " \
                  f"{', '.join(_text(x) for x in extra)}; "
        configured = configured_ports_note(view, endpoints)
        if not unknown:
            message += f"the endpoint service(s) use only {format_ports(ports)}{configured}."
        else:
            message += ((f"the known service(s) use only {format_ports(ports)}{configured}, and " if ports else "")
                        + f"an interface endpoint supports TCP traffic only, so only TCP can serve {unknown_labels}, "
                        + ("whose PrivateLink service publishes no port." if len(unknown) == 1 else
                           "whose PrivateLink services publish no port."))
            if undecided:
                message += (f" Not judged: whether {', '.join(_tcp_text(x) for x in undecided)}"
                            f"{f' ({beyond.strip()})' if beyond else ''} holds "
                            f"{'that port' if len(unknown) == 1 else 'those ports'}.")
        if shared:
            shown = ", ".join(workloads[:5]) + (" …" if len(workloads) > 5 else "")
            message += (f" The group is also attached to workload ENIs ({shown}): a shared group widens the "
                        "endpoints' exposure to whatever the workloads need — give the endpoints their own group.")
        elif self_reference:
            message += (f" Its rule from {group_id} itself admits the group's own members, who need it among "
                        f"themselves once they join: the endpoints get a group of their own, and {group_id} is left as "
                        "it is for whatever joins it.")
        evidence = evidence_dict(endpoints=[e.vpc_endpoint_id for e in endpoints],
                                 service_ports=sorted(ports), extra_rules=[_text(x) for x in extra],
                                 workload_enis=workloads[:10], workload_eni_count=len(workloads))
        if unknown:
            evidence |= evidence_dict(unknown_port_endpoints=[e.vpc_endpoint_id for e in unknown],
                                      undecided_rules=[_tcp_text(x) for x in undecided])
        fix = (_own_group(ctx, group, endpoints, ports, unknown) if shared or self_reference
               else _narrow(ctx, group, extra, undecided, ports, unknown))
        yield ctx.finding(ref, message, severity=Severity.LOW if shared else Severity.MEDIUM, evidence=evidence,
                          fix=fix)


def _labels(view: NetworkView, endpoints: tuple[VpcEndpoint, ...]) -> str:
    return ", ".join(endpoint_label(view, e) for e in endpoints)


def _could_serve(sg_rule: SecurityGroupRule, endpoint: VpcEndpoint) -> bool:
    """Could the rule carry traffic to a PrivateLink endpoint on its (unknown) port? Only TCP,
    and only from an address family the endpoint has addresses in."""
    if tcp_range(sg_rule) is None:
        return False
    cidr = rule_cidr(sg_rule)
    return cidr is None or cidr_family(cidr) in endpoint_families(endpoint)


def _unknown_services(view: NetworkView, unknown: tuple[VpcEndpoint, ...]) -> list[str]:
    return sorted({view.service(e).name for e in unknown})


def _port_of(service: str, **source: Any) -> list[dict[str, object]]:
    """IpPermissions for the (unpublished) TCP port of a PrivateLink service, for a person to fill in."""
    port = placeholder(f"the port of {service}")
    permission: dict[str, object] = {"IpProtocol": "tcp", "FromPort": port, "ToPort": port}
    cidrs = list(source.get("cidrs") or [])
    if v4 := [{"CidrIp": c} for c in cidrs if ":" not in c]:
        permission["IpRanges"] = v4
    if v6 := [{"CidrIpv6": c} for c in cidrs if ":" in c]:
        permission["Ipv6Ranges"] = v6
    if source.get("group_id"):
        permission["UserIdGroupPairs"] = [{"GroupId": source["group_id"]}]
    return [permission]


def _unknown_port_decision(service: str) -> str:
    return f"{service} is a PrivateLink service and publishes no port: ask its provider for it"


def _narrow(ctx: RuleContext, group: SecurityGroup, extra: list[SecurityGroupRule],
            undecided: list[SecurityGroupRule], ports: frozenset[int],
            unknown: tuple[VpcEndpoint, ...]) -> list[FixStep]:
    """Keep each source on the service ports only (the world becomes the VPC's clients), then
    revoke the wide rules. A rule a PrivateLink endpoint may still need (its TCP part) also keeps
    that service's port from its source, once a person has filled it in, and is revoked only then."""
    view = ctx.view
    services = _unknown_services(view, unknown)
    steps: list[FixStep] = []
    # (source, label, keeps the PrivateLink ports): one entry per source, whatever its rules.
    sources: list[tuple[dict[str, object], str, bool]] = []
    world = any(is_world(rule_cidr(x)) for x in extra)
    if world:  # the world becomes the VPC's clients, on the service ports as authorize_clients says
        steps += [s for s in (authorize_clients(view, group, ports),) if s is not None]
    for sg_rule in extra:
        if is_world(rule_cidr(sg_rule)):
            cidrs = list(view.vpc_cidrs(group.vpc_id))
            source: dict[str, object] = {"cidrs": cidrs}
            label = f"{', '.join(cidrs)} (the VPC's clients)"
        elif rule_cidr(sg_rule):
            source, label = {"cidrs": [rule_cidr(sg_rule) or ""]}, peer_label(sg_rule)
        elif sg_rule.referenced_group_id:
            source, label = {"group_id": sg_rule.referenced_group_id}, peer_label(sg_rule)
        else:
            continue  # a prefix-list source: the narrowed rule is for a person to write
        keeps_unknown = sg_rule in undecided
        for index, (known, known_label, known_unknown) in enumerate(sources):
            if known == source:
                sources[index] = (known, known_label, known_unknown or keeps_unknown)
                break
        else:
            sources.append((source, label, keeps_unknown))
    clients = {"cidrs": list(view.vpc_cidrs(group.vpc_id))} if world else None
    for source, label, keeps_unknown in sources:
        missing = [p for p in sorted(ports) if not _already_allows(group, p, source)]
        if missing and source != clients:
            steps.append(step("ec2:AuthorizeSecurityGroupIngress",
                              {"GroupId": group.group_id, "IpPermissions": tcp_permission(missing, **source)},
                              group.group_id, Phase.CREATE,
                              f"Allow only {format_ports(missing)} from {label} into {group.group_id}"))
        if keeps_unknown:
            steps += [step("ec2:AuthorizeSecurityGroupIngress",
                           {"GroupId": group.group_id, "IpPermissions": _port_of(service, **source)},
                           group.group_id, Phase.CREATE,
                           f"Allow the port of {service} from {label} into {group.group_id}",
                           decision=_unknown_port_decision(service))
                      for service in services]
    needed = [x for x in extra if x in undecided]
    if done := [x for x in extra if x not in undecided]:
        steps.append(revoke_ingress(group.group_id, done, "opens ports the endpoints do not use"))
    if needed:
        steps.append(revoke_ingress(
            group.group_id, needed, "opens ports the endpoints do not use",
            decision=f"{', '.join(x.rule_id for x in needed)} may carry the port of {', '.join(services)} "
                     "(PrivateLink, not published): revoke only once that port is allowed above"))
    return steps


def _already_allows(group: SecurityGroup, port: int, source: dict[str, Any]) -> bool:
    """Does the group hold the exact rule (TCP ``port`` from every CIDR of ``source``, or from its
    group)? Authorizing an existing rule fails (InvalidPermission.Duplicate)."""
    have = [x for x in ingress(group) if tcp_range(x) == (port, port)]
    if source.get("group_id"):
        return any(x.referenced_group_id == source["group_id"] for x in have)
    cidrs = list(source.get("cidrs") or [])
    return all(any(rule_cidr(x) == cidr for x in have) for cidr in cidrs)


def _own_group(ctx: RuleContext, group: SecurityGroup, endpoints: tuple[VpcEndpoint, ...],
               ports: frozenset[int], unknown: tuple[VpcEndpoint, ...]) -> list[FixStep]:
    """A dedicated group for the endpoints (service ports from the VPC), swapped in for the shared
    one, which is left as it is. Endpoints of PrivateLink services move only once a person has put
    their service's port into the new group."""
    view = ctx.view
    label = f"endpoint-sg-{group.group_id}"
    cidrs = list(view.vpc_cidrs(group.vpc_id))
    services = _unknown_services(view, unknown)
    decision = ("networks routed to the VPC may use the endpoints through the shared group: allow their CIDRs in the "
                "new group first") if remote_routes(view, group.vpc_id) else None
    waits = None if ports else "the endpoints' PrivateLink services publish no port: ask their providers for them first"
    what = " and ".join(x for x in (format_ports(ports) if ports else "",
                                    "PrivateLink service ports" if unknown else "") if x)
    steps = [
        step("ec2:CreateSecurityGroup", {"VpcId": group.vpc_id, "GroupName": f"{group.group_id}-endpoints",
                                         "Description": f"Interface endpoints: {what} from the VPC"},
             group.vpc_id, Phase.CREATE, f"Create a security group for the endpoints now sharing {group.group_id}",
             decision=_both(decision, waits), creates=label, output="GroupId"),
    ]
    if ports:
        steps.append(step("ec2:AuthorizeSecurityGroupIngress",
                          {"GroupId": new_id(label), "IpPermissions": tcp_permission(ports, cidrs=cidrs)}, group.vpc_id,
                          Phase.CREATE, f"Allow {format_ports(ports)} from {', '.join(cidrs)} into the new group",
                          decision=decision))
    steps += [step("ec2:AuthorizeSecurityGroupIngress",
                   {"GroupId": new_id(label), "IpPermissions": _port_of(service, cidrs=cidrs)}, group.vpc_id,
                   Phase.CREATE, f"Allow the port of {service} from {', '.join(cidrs)} into the new group",
                   decision=_both(decision, _unknown_port_decision(service)))
              for service in services]
    for e in endpoints:
        service = view.service(e).name
        moves_later = (f"{e.vpc_endpoint_id} serves {service}, which publishes no port: move it only once "
                       f"that port is allowed into the new group, or leave it on {group.group_id} if the service that "
                       "created it manages its groups") if e in unknown else None
        steps.append(step("ec2:ModifyVpcEndpoint", {"VpcEndpointId": e.vpc_endpoint_id,
                                                    "AddSecurityGroupIds": [new_id(label)],
                                                    "RemoveSecurityGroupIds": [group.group_id]},
                          e.vpc_endpoint_id, Phase.MODIFY,
                          f"Give {e.vpc_endpoint_id} the new group instead of {group.group_id}",
                          decision=_both(decision, moves_later), context=endpoint_context(e)))
    return steps


def _both(*decisions: str | None) -> str | None:
    return "; ".join(d for d in decisions if d) or None


def _text(sg_rule: SecurityGroupRule) -> str:
    return f"{describe_ports(sg_rule)} from {peer_label(sg_rule)}"


def _tcp_text(sg_rule: SecurityGroupRule) -> str:
    """The rule's TCP part, as the console says it ("TCP 0-65535 from sg-…" for all traffic)."""
    low, high = tcp_range(sg_rule) or (0, 0)
    return f"TCP {low} from {peer_label(sg_rule)}" if low == high else f"TCP {low}-{high} from {peer_label(sg_rule)}"
