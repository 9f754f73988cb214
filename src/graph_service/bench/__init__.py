"""The benchmark behind `graph-service bench`: it starts the real server, so it sits above `web`."""

from graph_service.bench.harness import markdown, run

__all__ = ["markdown", "run"]
