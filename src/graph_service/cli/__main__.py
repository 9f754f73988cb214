"""`python -m graph_service.cli`: the `graph-service` command, for a caller that has the
interpreter but not the script (tests, the benchmark, `BackgroundServer`)."""

from graph_service.cli import run

run()
