"""`graph-service load --into URL`: push the built graph into a triple store over the SPARQL 1.1
Graph Store HTTP Protocol, then check the store's copy (triple counts, content hash).

Credentials come from the environment (GRAPH_SERVICE_STORE_USER, GRAPH_SERVICE_STORE_PASSWORD),
never from the command line, where other users of the machine could read them.
"""

from __future__ import annotations

from pathlib import Path

import click

from graph_service.cli.errors import Failure, Rejected, load_or_fail, one_line
from graph_service.cli.options import setting_options
from graph_service.config import Settings
from graph_service.graph import (
    BadStoreAddress,
    LoadError,
    NotLoadable,
    StoreRefused,
    StoreUnavailable,
    ensure_snapshot,
    load_into,
    read_quads,
)


@click.command()
@click.option("--into", "into", required=True, metavar="URL",
              help="The store's Graph Store endpoint (Virtuoso: http://HOST:8890/sparql-graph-crud-auth).")
@click.option("--update", "update", metavar="URL",
              help="Its SPARQL Update endpoint (Virtuoso: http://HOST:8890/sparql-auth): the graphs are "
                   "then written under staging names and switched at once, so readers never see half "
                   "a load. Without it each graph is replaced in place, one after the other.")
@click.option("--file", "file", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="N-Quads or TriG to load instead of the project's build.")
@setting_options("base_iri")
def load(into: str, update: str | None, file: Path | None, base_iri: str | None) -> None:
    """Load the built graph (every named graph) into a triple store, and verify it there."""
    settings = Settings.from_env(base_iri=base_iri)
    source = file or load_or_fail(lambda: ensure_snapshot(settings))
    quads = load_or_fail(lambda: read_quads(source))
    try:
        report = load_into(quads, into, update_url=update, user=settings.store_user,
                           password=settings.store_password,
                           progress=lambda line: click.echo(line, err=True))
    except LoadError as exc:
        raise Rejected(one_line(exc)) from None
    except StoreUnavailable as exc:
        raise Failure(f"{one_line(exc)}: is it running, and is --into its Graph Store address?") from None
    except (StoreRefused, BadStoreAddress, NotLoadable) as exc:
        raise Failure(one_line(exc)) from None
    click.echo(report.summary())
