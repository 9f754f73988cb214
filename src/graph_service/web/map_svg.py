"""The map of Europe as SVG, drawn here from Natural Earth's country boundaries (TopoJSON, from the
npm package `world-atlas`) and the capitals' coordinates (the coordinates graph): no tiles, no
script, nothing fetched.

The projection is the spherical Lambert azimuthal equal-area centred on 52°N 10°E, the one the
EU's statistical maps use for Europe (EPSG:3035's, on a sphere); the view is the window of
longitudes -11° to 31° and latitudes 35° to 61°, and the countries are clipped to it.

Each capital is `<a class="map-marker reception-…" href="…">` with the capital's name as its text
and a `<title>` naming the forces, the date and the reception (its colour in words).
"""

from __future__ import annotations

import math
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from graph_service.graph import DISPUTED_MARK, READING_MARK, Liberation
from graph_service.web.svg import colour, el, link, root
from graph_service.web.topojson import Feature, Point, Ring, clip

WIDTH = 760
#: The part of the world shown (longitude, latitude bounds).
WINDOW = (-11.0, 35.0, 31.0, 61.0)
CENTRE = (10.0, 52.0)
#: Points closer than this (pixels) to the previous one are dropped: the boundaries stay smooth
#: at the drawing's size and the file small.
TOLERANCE = 0.6

CSS = """
#map text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
#map .sea { fill: #dce9f2; }
#map .country { fill: #f4f1e8; stroke: #a9a294; stroke-width: 0.6; stroke-linejoin: round; }
#map .marker-dot { stroke: #fff; stroke-width: 2; }
#map .name { font-size: 13px; font-weight: 600; fill: #1d1d1d; paint-order: stroke; stroke: #fff;
  stroke-width: 3px; stroke-linejoin: round; }
#map .when { font-size: 11px; fill: #333; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
#map a.map-marker:hover .name, #map a.map-marker:focus .name { text-decoration: underline; }
#map .source { font-size: 10px; fill: #555; }
#map .frame { fill: none; stroke: #999; }
"""


@dataclass(frozen=True)
class Projection:
    """Lambert azimuthal equal-area, then scaled and shifted into the drawing's pixels."""

    scale: float
    left: float
    top: float

    def __call__(self, lon: float, lat: float) -> Point:
        x, y = laea(lon, lat)
        return ((x - self.left) * self.scale, (self.top - y) * self.scale)


def laea(lon: float, lat: float) -> Point:
    lam, phi = math.radians(lon - CENTRE[0]), math.radians(lat)
    phi0 = math.radians(CENTRE[1])
    k = math.sqrt(2 / (1 + math.sin(phi0) * math.sin(phi) + math.cos(phi0) * math.cos(phi) * math.cos(lam)))
    return (k * math.cos(phi) * math.sin(lam),
            k * (math.cos(phi0) * math.sin(phi) - math.sin(phi0) * math.cos(phi) * math.cos(lam)))


def _window_edge(steps: int = 24) -> list[Point]:
    w, s, e, n = WINDOW
    edge = []
    for i in range(steps + 1):
        t = i / steps
        edge += [(w + t * (e - w), s), (w + t * (e - w), n), (w, s + t * (n - s)), (e, s + t * (n - s))]
    return edge


def projection() -> tuple[Projection, float]:
    """The projection that fits the window into WIDTH pixels, and the drawing's height."""
    xs, ys = zip(*(laea(lon, lat) for lon, lat in _window_edge()), strict=True)
    # The window's middle part: its curved edges are cut so the drawing is a rectangle full of map.
    left, right = min(xs) + (max(xs) - min(xs)) * 0.06, max(xs) - (max(xs) - min(xs)) * 0.06
    bottom, top = min(ys) + (max(ys) - min(ys)) * 0.05, max(ys) - (max(ys) - min(ys)) * 0.04
    scale = WIDTH / (right - left)
    return Projection(scale, left, top), (top - bottom) * scale


def boundaries(countries: Iterable[Feature]) -> list[str]:
    """The countries' outlines in the drawing's pixels, as SVG path data, one path per country."""
    project, height = projection()
    w, s, e, n = WINDOW
    margin = 4.0
    paths = []
    for country in countries:
        parts = []
        for polygon in country.polygons:
            for ring in polygon:
                # Clip in degrees first (so nothing far away is projected), then to the drawing.
                near = clip(ring, w - 8, s - 8, e + 8, n + 8)
                if len(near) < 3:
                    continue
                drawn = clip([project(lon, lat) for lon, lat in near], -margin, -margin,
                             WIDTH + margin, height + margin)
                data = _path(drawn)
                if data:
                    parts.append(data)
        if parts:
            paths.append("".join(parts))
    return paths


def render(liberations: list[Liberation], outlines: list[str], href: Callable[[str], str | None], *,
           sources: list[str]) -> ET.Element:
    project, map_height = projection()
    sources = [line for text in sources for line in textwrap.wrap(text, 118)]
    footer = 16 * len(sources) + 8
    height = map_height + footer
    svg = root(WIDTH, round(height, 1), "The capitals of Europe liberated or taken in 1944-1945",
               "A map of Europe with the eight capitals of the article, each marked with who "
               "liberated (or took) it and when, coloured by the reception it met.",
               id_="map", css=CSS)
    el(svg, "rect", x=0, y=0, width=WIDTH, height=map_height, class_="sea")
    land = el(svg, "g", class_="countries")
    for data in outlines:
        el(land, "path", d=data, class_="country")
    el(svg, "rect", x=0, y=0, width=WIDTH, height=map_height, class_="frame")

    shown = sorted((lib for lib in liberations if lib.position), key=lambda lib: lib.capital_label)
    at = {lib.capital: project(lib.position[1], lib.position[0]) for lib in shown if lib.position}
    # No label may cover a marker, whichever is drawn first: "Luxembourg City‡" ran into Prague's.
    placed: list[tuple[float, float, float, float]] = [
        (x - _MARKER, y - _MARKER, x + _MARKER, y + _MARKER) for x, y in at.values()]
    markers = el(svg, "g", class_="markers")
    for lib in shown:
        x, y = at[lib.capital]
        slugs = [r.slug for r in lib.receptions] or ["unknown"]
        classes = ["map-marker"] + [f"reception-{s}" for s in slugs]
        a = link(markers, href(lib.capital), class_=" ".join(classes), data_capital=lib.capital_label)
        # The colour's meaning in words too (WCAG 1.4.1): the map has no legend of its own.
        received = ", ".join(r.said for r in lib.receptions) or "not stated"
        el(a, "title", f"{lib.capital_label}: {lib.event_label}, {lib.date_text}. "
                       f"Forces: {lib.forces_text}. Reception: {received}.")
        # Two receptions (Rome's, by the Italians and by the Romans), or two kinds of one: the ring
        # is the second.
        ring = colour(slugs[-1]) if len(slugs) > 1 else None
        el(a, "circle", cx=x, cy=y, r=7, fill=colour(slugs[0]), class_="marker-dot",
           style=f"stroke: {ring}; stroke-width: 3px" if ring else None)
        when = _short_date(lib)
        # The forces are in the title only: a disputed one (Luxembourg City's) marks the name.
        name = lib.capital_label + DISPUTED_MARK * any(f.disputed for f in lib.forces)
        # Widths estimated from Chromium's drawing of the map's sans-serif (13 px at 600 for the
        # name, 11 px for the date); tests/test_browser.py measures the drawn labels.
        width = max(len(name) * 9.0, len(when) * 6.6)
        tx, ty, anchor = _place_label(x, y, width, placed, map_height)
        el(a, "text", name, x=tx, y=ty, class_="name", text_anchor=anchor)
        el(a, "text", when, x=tx, y=ty + 13, class_="when", text_anchor=anchor)
    for i, line in enumerate(sources):
        el(svg, "text", line, x=4, y=map_height + 16 * (i + 1), class_="source")
    return svg


def _place_label(x: float, y: float, width: float, placed: list[tuple[float, float, float, float]],
                 height: float) -> tuple[float, float, str]:
    """Where a two-line label goes: right of the marker, else left (level with it, then half a
    line lower or higher), below or above, wherever it overlaps no marker and no label placed
    before (greedy; eight capitals need no more)."""
    candidates = [(x + 11, y - 1, "start"), (x - 11, y - 1, "end"),
                  (x + 11, y + 9, "start"), (x - 11, y + 9, "end"),
                  (x + 11, y - 9, "start"), (x - 11, y - 9, "end"),
                  (x, y + 22, "middle"), (x, y - 26, "middle")]
    for tx, ty, anchor in candidates:
        left = tx if anchor == "start" else tx - width if anchor == "end" else tx - width / 2
        box = (left, ty - 12, left + width, ty + 16)
        inside = box[0] >= 0 and box[2] <= WIDTH and box[1] >= 0 and box[3] <= height
        if inside and not any(_overlap(box, other) for other in placed):
            placed.append(box)
            return tx, ty, anchor
    tx, ty, anchor = candidates[0]  # crowded everywhere: right of it, and later labels avoid it
    placed.append((tx, ty - 12, tx + width, ty + 16))
    return tx, ty, anchor


#: Half the side of the square a marker (a dot of radius 7, with its ring) keeps clear of labels.
_MARKER = 9


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _short_date(lib: Liberation) -> str:
    if not lib.dates:
        return "undated"
    parts = []
    for claim in lib.dates:
        if claim.precision == "day":
            parts.append(f"{claim.start.day} {claim.start:%b %Y}")
        elif claim.precision == "month":
            parts.append(f"{claim.start:%B %Y}")
        else:
            parts.append(claim.shown or claim.text)
        parts[-1] += READING_MARK * claim.reading + DISPUTED_MARK * claim.disputed
    return " or ".join(parts)


def _path(ring: Ring) -> str:
    kept: list[Point] = []
    for p in ring:
        if not kept or abs(p[0] - kept[-1][0]) + abs(p[1] - kept[-1][1]) >= TOLERANCE:
            kept.append(p)
    if len(kept) < 3:
        return ""
    return "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in kept) + "Z"
