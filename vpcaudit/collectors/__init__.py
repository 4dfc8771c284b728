"""Collectors: one module per AWS API family, each declaring the parts it produces and the
operations it calls; ``run.collect_snapshot`` schedules them into one snapshot."""
