"""The benchmark behind `graph-service bench`: it starts real servers, so it sits above `web`."""

from graph_service.bench.harness import QUICK, Options, run, write_results

__all__ = ["Options", "QUICK", "run", "write_results"]
