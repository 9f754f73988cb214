"""The `graph-service` command group: one command per module of this package."""

from __future__ import annotations

import click

from graph_service.cli import bench, build, export, load, query, reason, serve, validate
from graph_service.config import settings_table


def _settings_help() -> str:
    # Click rewraps paragraphs; \b keeps each setting on its own line.
    lines = ["Settings (environment variables; some also options of a command):", "", "\b"]
    for row in settings_table().splitlines()[2:]:
        cells = [c.strip().strip("`") for c in row.strip("|").split("|")]
        lines.append(f"{cells[1]:<36} {cells[3]}")
    return "\n".join(lines)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
             epilog=_settings_help())
@click.version_option(package_name="graph-service")
def main() -> None:
    """The Liberation Knowledge Graph: build, check, query and serve it."""


for _module in (build, validate, reason, query, serve, export, load, bench):
    main.add_command(getattr(_module, _module.__name__.rsplit(".", 1)[-1]))
