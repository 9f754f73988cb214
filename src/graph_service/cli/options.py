"""Command-line options for settings, written from their one definition in `config`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any

import click

from graph_service.config import SettingError, Settings, check_base_iri, help_text


class _BaseIri(click.ParamType):
    name = "IRI"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            return check_base_iri(str(value))
        except SettingError as exc:
            self.fail(str(exc), param, ctx)


_TYPES: dict[str, Any] = {
    "port": click.IntRange(0, 65535), "workers": click.IntRange(min=1),
    "engine": click.Choice(["oxigraph", "rdflib"]), "query_timeout": click.FloatRange(min=0.1),
    "validation_timeout": click.FloatRange(min=0.1), "result_limit": click.IntRange(min=1),
    "proxies": click.IntRange(min=0), "base_iri": _BaseIri(), "query_slots": click.IntRange(min=1),
    "query_queue": click.IntRange(min=0), "client_share": click.FloatRange(0, 1, min_open=True),
}


def setting_options(*names: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Options `--name` for these settings, with the settings' help, default and environment
    variable; an option left out is None, so `Settings.from_env(**options)` keeps the environment's
    or the default value."""
    known = {f.name: f for f in fields(Settings)}

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        for name in reversed(names):
            f = known[name]
            flag = "--" + name.replace("_", "-")
            if f.type in (bool, "bool"):
                decl = f"{flag}/--no-{name.replace('_', '-')}"
                command = click.option(decl, name, default=None, help=help_text(name))(command)
            else:
                command = click.option(flag, name, type=_TYPES.get(name), default=None,
                                       help=help_text(name))(command)
        return command

    return decorate
