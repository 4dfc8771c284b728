"""The network layer: the shared network definitions (docs/network-model.md), computed once.

:class:`vpcaudit.network.view.NetworkView` answers, for one (account, region) of a snapshot,
what every rule and report needs to agree on: effective route tables, route resolution,
egress classes, workloads and client AZs, service identities, security-group and NACL
evaluation, endpoint policies, DNS coverage and traffic paths. Rules never recompute them.
"""
