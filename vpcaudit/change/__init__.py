"""Planned changes: a snapshot as it would be after a Terraform plan or a CloudFormation stack.

Beside the snapshot and network layers, knowing nothing of rules or rendering: each IaC dialect
is a pure function ``(Snapshot, parsed change) → PlannedChange`` — :mod:`terraform` for
``terraform show -json`` plans, :mod:`cloudformation` for templates — that edits a copy of the
snapshot through :mod:`apply` (the operations, with what AWS does alongside them), names new
resources with :mod:`placeholders`, and reports in :mod:`model` what it applied, what it could not
model or place, and which values are known only after apply.
"""
