"""`graph-service build`: load -> validate -> reason -> snapshot."""

from __future__ import annotations

import click

from ..config import Settings
from . import load_or_fail, main


@main.command()
def build() -> None:
    """Load, validate and reason over the sources and write the snapshot."""
    from ..graph.build import ensure_snapshot

    settings = Settings.from_env()
    path = load_or_fail(lambda: ensure_snapshot(settings))
    click.echo(f"snapshot: {path}")
