"""The `graph-service` command group: one command per module of this package."""

from __future__ import annotations

import click

from graph_service.cli import bench, build, export, load, query, reason, serve, validate
from graph_service.config import SettingError, settings_table


def _settings_help() -> str:
    # Click rewraps paragraphs; \b keeps each setting on its own line.
    lines = ["Settings (environment variables; some also options of a command):", "", "\b"]
    for row in settings_table().splitlines()[2:]:
        cells = [c.strip().strip("`") for c in row.strip("|").split("|")]
        lines.append(f"{cells[1]:<36} {cells[3]}")
    return "\n".join(lines)


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except SettingError as exc:  # a GRAPH_SERVICE_* variable that cannot be used
            click.echo(f"error: {exc}", err=True)
            ctx.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
             epilog=_settings_help())
@click.version_option(package_name="graph-service")
def main() -> None:
    """The Liberation Knowledge Graph: build, check, query and serve it."""


for _module in (build, validate, reason, query, serve, export, load, bench):
    main.add_command(getattr(_module, _module.__name__.rsplit(".", 1)[-1]))
