"""Remediation formatters: a finding's fix steps as AWS CLI commands or Terraform."""
