"""Report facts: what a report states besides findings, derived from the NetworkView.

Costs, per-VPC topology and VPC summaries are facts about the estate, not judgements; the
runner puts them into the :class:`~vpcaudit.engine.result.AuditResult` so every format shows
the same numbers and pictures as the rules saw.
"""
