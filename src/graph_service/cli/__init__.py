"""`graph-service`: build | validate | reason | query | serve | export | bench.

One module per command in this package, each a thin layer over the graph (and web) packages.
Errors are one line on stderr with exit code 2 for bad input, never a traceback.
"""

from __future__ import annotations

import click


class Failure(click.ClickException):
    """A one-line error on stderr and exit code 2 (bad input)."""

    exit_code = 2

    def show(self, file=None) -> None:  # noqa: ANN001 - click's signature
        click.echo(f"graph-service: {self.format_message()}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="graph-service")
def main() -> None:
    """The Liberation Knowledge Graph: build, check, query and serve it."""


def load_or_fail(loader):  # noqa: ANN001, ANN202
    """Run a loader, turning unreadable or unparseable RDF into a one-line Failure."""
    from ..graph.build import BuildError
    from ..graph.sources import RdfSyntaxError, UnsupportedFormat

    try:
        return loader()
    except (RdfSyntaxError, UnsupportedFormat, BuildError) as exc:
        raise Failure(str(exc)) from None


def one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__




def _register() -> None:
    # Importing a command module adds its command to `main`.
    from . import bench, build, export, query, reason, serve, validate  # noqa: F401  (add each command module here)


_register()
