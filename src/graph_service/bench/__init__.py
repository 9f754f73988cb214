"""The benchmark behind `graph-service bench`: it starts real servers, so it sits above `web`."""

from graph_service.bench.compare import Plan
from graph_service.bench.harness import QUICK, Options, parse_names, parse_sizes, run, write_results
from graph_service.bench.peers import PEERS

__all__ = ["PEERS", "QUICK", "Options", "Plan", "parse_names", "parse_sizes", "run", "write_results"]
