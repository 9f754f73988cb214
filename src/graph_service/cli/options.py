"""Command-line options for settings, written from their one definition in `config`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import Field, fields
from pathlib import Path
from typing import Any

import click

from graph_service.config import Bounds, SettingError, Settings, check_base_iri, help_text


class _BaseIri(click.ParamType):
    name = "IRI"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            return check_base_iri(str(value))
        except SettingError as exc:
            self.fail(str(exc), param, ctx)


class _InBounds(click.ParamType):
    """A number within a setting's bounds, refused in the words its environment variable is, and
    shown in --help as the README's table shows it ("0.1 to 86,400", not "0.1<=x<=86400")."""

    bounds: Bounds
    number: click.ParamType

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = self.number.convert(value, param, ctx)
        problem = self.bounds.problem(number)
        if problem:
            self.fail(f"{value!r}: {problem}", param, ctx)
        return number

    def _describe_range(self) -> str:
        return self.bounds.shown()


class _IntBounded(_InBounds, click.IntRange):
    number = click.INT

    def __init__(self, bounds: Bounds) -> None:
        super().__init__(None if bounds.low is None else int(bounds.low),
                         None if bounds.high is None else int(bounds.high))
        self.bounds = bounds


class _FloatBounded(_InBounds, click.FloatRange):
    number = click.FLOAT

    def __init__(self, bounds: Bounds) -> None:
        super().__init__(bounds.low, bounds.high, min_open=bounds.low_open)
        self.bounds = bounds


def _option_type(f: Field) -> Any:
    """click's type for a setting, from its bounds (`config.Bounds`)."""
    if f.name == "base_iri":
        return _BaseIri()
    bounds: Bounds | None = f.metadata["bounds"]
    if bounds is None:
        return None
    if bounds.choices:
        return click.Choice(bounds.choices)
    return bounded(bounds, whole=isinstance(f.default, int))


def bounded(bounds: Bounds, *, whole: bool = False) -> click.ParamType:
    """click's type for a number within `bounds`, refused as a setting's environment variable is."""
    return _IntBounded(bounds) if whole else _FloatBounded(bounds)


def output_option(help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`--output/-o FILE`, where `-` is standard output (as `-` is standard input elsewhere);
    the command gets None for standard output."""
    def to_stdout(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
        return None if value is not None and str(value) == "-" else value

    return click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
                        callback=to_stdout, help=help + " (-: standard output, the default).")


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
                command = click.option(flag, name, type=_option_type(f), default=None,
                                       help=help_text(name))(command)
        return command

    return decorate
