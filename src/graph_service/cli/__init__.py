"""`graph-service`: build | validate | reason | query | serve | export | load | bench.

One module per command in this package, each a thin layer over the graph (and web) packages;
`main`, the command group (`group`), gathers them. Errors are one line on stderr with exit code 2
for bad input, never a traceback (`errors.Failure`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

from graph_service.cli.interrupt import interrupted

if TYPE_CHECKING:
    from graph_service.cli.group import main

__all__ = ["interrupted", "main", "run"]


def run() -> NoReturn:
    """The `graph-service` script. The command group is imported here, not with this package: its
    modules (rdflib, pyoxigraph, ...) take a good part of a second to load, and a Ctrl-C then
    printed Python's traceback of the imports (the group catches one while a command runs)."""
    try:
        from graph_service.cli.group import main

        main(prog_name="graph-service")
    except KeyboardInterrupt:
        interrupted()
    raise SystemExit(0)  # click ends the process itself; for the type checker


def __getattr__(name: str) -> Any:
    # `main` for those that use the group itself (click's test runner): loaded on first use.
    if name == "main":
        from graph_service.cli.group import main

        return main
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
