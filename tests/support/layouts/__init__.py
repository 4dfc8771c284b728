"""Published VPC layouts rebuilt as snapshots; ``docs/precision.md`` names each source."""
