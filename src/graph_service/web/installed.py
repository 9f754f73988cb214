"""The pages' parts that `make` installs from npm and `pip install` does not: the query editor
(YASGUI) and the map's boundaries (world-atlas). Pages do without a missing one and say nothing
of how to install it (they are public); `serve` says that at start, to whoever runs it."""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"
YASGUI = STATIC / "yasgui"
WORLD_ATLAS = STATIC / "world-atlas"
COUNTRIES = WORLD_ATLAS / "countries-50m.json"


def has_editor() -> bool:
    return (YASGUI / "yasgui.min.js").is_file() and (YASGUI / "yasgui.min.css").is_file()


def has_boundaries() -> bool:
    return COUNTRIES.is_file()


def missing() -> list[str]:
    """What is not installed, and what the pages do without it, one line each."""
    said = []
    if not has_editor():
        said.append("the query editor (YASGUI) is not installed: /sparql offers a plain form "
                    "(make yasgui installs it)")
    if not has_boundaries():
        said.append("the map's boundaries (world-atlas) are not installed: the map shows the capitals "
                    "only (make world-atlas installs them)")
    return said
