"""vpcaudit: audit the network plumbing of live AWS accounts."""

__version__ = "0.1.0"
