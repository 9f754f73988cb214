"""The timeline and the map of the liberations, drawn on the server as SVG: standalone documents
for people who want them in a paper, and the same drawings inline on the home page.

    GET /timeline.svg   the eight liberations at their dates, coloured by their reception
    GET /map.svg        Europe, with the eight capitals: who liberated each, and when

Both are computed from the served store with SPARQL (`graph.liberations`); the map's boundaries
are Natural Earth's, from the npm package `world-atlas` that `make world-atlas` copies into the
static files (without it the map has its markers and says the boundaries are missing).
"""

from __future__ import annotations

import functools
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, Response
from rdflib.namespace import DCTERMS

from graph_service.graph import DISPUTED_MARK, READING_MARK, Format, Liberation, liberations
from graph_service.web import map_svg, svg, timeline_svg
from graph_service.web.documents import cached, cached_for_root, quads, respond
from graph_service.web.endpoint import engine
from graph_service.web.installed import COUNTRIES, WORLD_ATLAS
from graph_service.web.state import service
from graph_service.web.topojson import read_features
from graph_service.web.urls import current

bp = Blueprint("atlas", __name__)

#: A drawing, not RDF: answered as itself, never negotiated (so not in the formats registry).
_SVG_FORMAT = Format("svg", "image/svg+xml", "svg", "page", "SVG")


@bp.get("/timeline.svg")
def timeline() -> Response:
    drawing = cached_for_root("timeline.svg", current().root,
                              lambda: svg.standalone(timeline_drawing(_identity)))
    return _svg_response(drawing)


@bp.get("/map.svg")
def map_() -> Response:
    return _svg_response(cached_for_root("map.svg", current().root,
                                         lambda: svg.standalone(map_drawing(_identity))))


def _identity(iri: str) -> str | None:
    """A standalone drawing's link: the IRI itself, which names the resource wherever the file is
    kept (a path of this server's, as on its pages, led nowhere once the file was downloaded);
    None where the pages link nothing either (a `javascript:` IRI in the data)."""
    return iri if current().href(iri) is not None else None


def timeline_inline() -> str:
    """The timeline for the home page."""
    return cached_for_root("timeline inline", current().root, lambda: svg.inline(timeline_drawing()))


def map_inline() -> str:
    """The map for the home page."""
    return cached_for_root("map inline", current().root, lambda: svg.inline(map_drawing()))


def has_liberations() -> bool:
    """Whether the served store has liberations of capitals to draw (a user's files may not)."""
    return bool(_liberations())


def liberations_in_order() -> list[Liberation]:
    """The liberations as the timeline shows them: by their dates, the undated after."""
    every = _liberations()
    return [lib for lib in every if lib.dates] + [lib for lib in every if not lib.dates]


def readings_note() -> str:
    """What the marks beside a date, a reception or a force say (empty where none is marked)."""
    return _readings_said().strip()


def timeline_drawing(href: Callable[[str], str | None] | None = None) -> ET.Element:
    """The timeline, linking each liberation by `href` (by default, as this server's pages do)."""
    return timeline_svg.render(_liberations(), href or current().href,
                               source="Dates and receptions: the article, as this graph holds them."
                                      + _readings_said())


def _readings_said() -> str:
    said = ""
    if any(lib.readings for lib in _liberations()):
        said += (f" {READING_MARK} the project's reading of the article (a date or the bounds drawn for it, a"
                 " reception, a force): the event's page says why.")
    if any(lib.disputes for lib in _liberations()):
        said += (f" {DISPUTED_MARK} other accounts dispute the article's date or force: the event's page says"
                 " what they say.")
    return said


def map_drawing(href: Callable[[str], str | None] | None = None) -> ET.Element:
    """The map, linking each capital by `href` (by default, as this server's pages do)."""
    sources = [f"Dates, receptions and forces: the article, as this graph holds them.{_readings_said()}"]
    outlines = _outlines()
    if outlines:
        sources.append(f"Boundaries: Natural Earth (public domain), from the npm package {_atlas_package()}.")
    else:
        sources.append("No boundaries drawn: the capitals only.")
    citation = coordinates_source()
    if citation is not None:
        sources.append(f"Coordinates: {citation}")
    return map_svg.render(_liberations(), outlines, href or current().href, sources=sources)


def coordinates_source() -> str | None:
    """The citation the coordinates graph gives for itself (GeoNames, its licence), if any: read
    from the dataset as written, as pages are, so that a page needs no query (a remote store
    may be away while pages are still served)."""
    def read() -> str | None:
        graph = ox.NamedNode(str(service().names.coordinates_graph))
        for q in quads().quads_for_pattern(graph, _CITATION, None, graph):
            if isinstance(q.object, ox.Literal):
                return q.object.value
        return None

    return cached("coordinates citation", read)


_CITATION = ox.NamedNode(str(DCTERMS.bibliographicCitation))


def _liberations() -> list[Liberation]:
    return cached("liberations", lambda: liberations(engine(), service().names))


def _outlines() -> list[str]:
    try:
        changed = COUNTRIES.stat().st_mtime_ns
    except OSError:
        return []
    return _outlines_of(COUNTRIES, changed)


@functools.lru_cache(maxsize=1)
def _outlines_of(path: Path, changed: int) -> list[str]:
    # Once per process, not per app: the boundaries depend on the atlas file alone (0.75 s of CPU
    # to draw), and a process that makes several apps (a test run) drew them for each.
    try:
        return map_svg.boundaries(read_features(path))
    except (OSError, ValueError):
        return []


def _atlas_package() -> str:
    try:
        meta = json.loads((WORLD_ATLAS / "package.json").read_text(encoding="utf-8"))
        return f"{meta['name']} {meta['version']} ({meta.get('license', 'ISC')})"
    except (OSError, ValueError, KeyError):
        return "world-atlas"


def _svg_response(body: bytes) -> Response:
    return respond(body, _SVG_FORMAT)
