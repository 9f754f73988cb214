"""`graph-service`: build | validate | reason | query | serve | export | load | bench.

One module per command in this package, each a thin layer over the graph (and web) packages;
`main` gathers them. Errors are one line on stderr with exit code 2 for bad input, never a
traceback (`errors.Failure`).
"""

from graph_service.cli.main import main

__all__ = ["main"]
