"""Reading TopoJSON (https://github.com/topojson/topojson-specification): the country boundaries of
Natural Earth as the npm package `world-atlas` ships them, turned into rings of (longitude,
latitude) for the map, and clipping rings to a rectangle.

A topology keeps each shared border once, as an arc; a polygon lists its rings as arc indices,
where `~i` (that is `-i - 1`) walks arc `i` backwards. A quantized topology stores each arc's
positions as integer deltas from the previous one, scaled and translated by its `transform`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

Point = tuple[float, float]
Ring = list[Point]


@dataclass(frozen=True)
class Feature:
    name: str
    #: Polygons, each a list of rings (the first the outer one, the others holes).
    polygons: list[list[Ring]]


def read_features(path: Path, object_name: str = "countries") -> list[Feature]:
    """The features of one object of a TopoJSON file. Raises OSError or ValueError."""
    topology = json.loads(Path(path).read_text(encoding="utf-8"))
    return features(topology, object_name)


def features(topology: dict, object_name: str) -> list[Feature]:
    if topology.get("type") != "Topology" or object_name not in topology.get("objects", {}):
        raise ValueError(f"not a TopoJSON topology with an object {object_name!r}")
    arcs = _decoded_arcs(topology)
    found = []
    for geometry in _geometries(topology["objects"][object_name]):
        kind = geometry.get("type")
        if kind == "Polygon":
            polygons = [[_ring(arcs, ring) for ring in geometry["arcs"]]]
        elif kind == "MultiPolygon":
            polygons = [[_ring(arcs, ring) for ring in polygon] for polygon in geometry["arcs"]]
        else:  # points and lines draw no country
            continue
        name = str((geometry.get("properties") or {}).get("name", geometry.get("id", "")))
        found.append(Feature(name, polygons))
    return found


def _geometries(obj: dict) -> Iterator[dict]:
    if obj.get("type") == "GeometryCollection":
        for geometry in obj.get("geometries", []):
            yield from _geometries(geometry)
    else:
        yield obj


def _decoded_arcs(topology: dict) -> list[Ring]:
    transform = topology.get("transform")
    if not transform:
        return [[(float(x), float(y)) for x, y, *_ in arc] for arc in topology["arcs"]]
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        decoded.append(points)
    return decoded


def _ring(arcs: list[Ring], indices: list[int]) -> Ring:
    ring: Ring = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        # Consecutive arcs share their joining point: keep it once.
        ring.extend(arc[1:] if ring else arc)
    return ring


def clip(ring: Ring, left: float, bottom: float, right: float, top: float) -> Ring:
    """The part of a ring inside a rectangle (Sutherland-Hodgman: exact for a convex window; a
    ring that leaves and comes back runs along the window's edge in between, outside any view
    that the window encloses with a margin)."""
    edges: list[Callable[[Point], bool]] = [
        lambda p: p[0] >= left, lambda p: p[0] <= right, lambda p: p[1] >= bottom, lambda p: p[1] <= top]
    cuts: list[Callable[[Point, Point], Point]] = [
        lambda a, b: _at_x(a, b, left), lambda a, b: _at_x(a, b, right),
        lambda a, b: _at_y(a, b, bottom), lambda a, b: _at_y(a, b, top)]
    out = ring
    for inside, cut in zip(edges, cuts, strict=True):
        if not out:
            break
        points, out = out, []
        previous = points[-1]
        for point in points:
            if inside(point):
                if not inside(previous):
                    out.append(cut(previous, point))
                out.append(point)
            elif inside(previous):
                out.append(cut(previous, point))
            previous = point
    return out


def _at_x(a: Point, b: Point, x: float) -> Point:
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _at_y(a: Point, b: Point, y: float) -> Point:
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)
