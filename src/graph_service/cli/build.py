"""`graph-service build`: load -> validate -> reason -> snapshot, reused while the sources are unchanged.

Exit status: 0 with a snapshot (built or reused), 1 when the sources fail validation or are
inconsistent, 2 when a source cannot be read or parsed. On failure the previous snapshot stays.
"""

from __future__ import annotations

import click

from graph_service.cli.errors import Failure, Rejected
from graph_service.cli.options import setting_options
from graph_service.config import Settings
from graph_service.graph import BuildError, RdfSyntaxError, UnsupportedFormat, build_snapshot, snapshot_path


@click.command()
@click.option("--force", is_flag=True, help="Rebuild even when the sources are unchanged.")
@setting_options("base_iri")
def build(force: bool, base_iri: str | None) -> None:
    """Load, validate and reason over the sources and write the snapshot (build/snapshot.nq).

    Prints the triples per named graph and the time each step took. Steps are shown on a
    terminal as they run (not when stderr is redirected, nor with CI=true).
    """
    settings = Settings.from_env(base_iri=base_iri)
    try:
        result = build_snapshot(settings, force=force)
    except (RdfSyntaxError, UnsupportedFormat) as exc:
        raise Failure(str(exc)) from None
    except OSError as exc:  # the snapshot directory cannot be written
        raise Failure(f"{exc.filename or settings.snapshot_dir}: {exc.strerror or exc}") from None
    except BuildError as exc:
        if exc.details:
            click.echo(exc.details, err=True)
        kept = "the previous snapshot is unchanged" if snapshot_path(settings).exists() else "no snapshot"
        raise Rejected(f"build failed: {exc}; {kept}") from None
    click.echo(result.summary())
