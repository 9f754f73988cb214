"""End to end in a real browser: Debian's Chromium, headless, driven by Playwright, against the real
server (`graph-service serve`, gunicorn and all) on loopback. What a historian does: search, follow
suggestions, browse, run an example query, make a mistake in a query, validate a paste.

One browser for the module; each test saves a screenshot of what it saw to build/screenshots/
(look at them). `make system-test` installs Chromium where it is missing; the tests skip, with
one line, only where it cannot be found.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from graph_service.config import DEFAULT_BASE as BASE
from graph_service.web import BackgroundServer

playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")

SCREENSHOTS = Path(__file__).resolve().parents[1] / "build" / "screenshots"
#: Debian's Chromium; Playwright's own browser downloads are not used (no network beyond the registries).
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (make system-test installs Debian's chromium)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server: BackgroundServer, request: pytest.FixtureRequest) -> Iterator[object]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    shot(page, request.node.name)
    context.close()
    assert errors == [], f"scripts failed on the page: {errors}"


def shot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


def test_browse_search_and_suggestions_find_the_cities_konev_and_zoska(page):
    page.goto("/id/city/")  # a browse page lists the cities, by name
    names = page.locator("ol.browse li a").all_inner_texts()
    for city in ("Amsterdam", "Berlin", "Brussels", "Paris", "Prague", "Rome", "Warsaw"):
        assert city in names
    assert names == sorted(names, key=str.casefold)

    box = page.locator("header #site-search")  # suggestions as one types, accents aside
    box.press_sequentially("zosk", delay=40)
    options = page.locator("#site-search-suggestions [role=option]")
    options.first.wait_for()
    assert "Zośka" in options.first.inner_text()
    assert box.get_attribute("aria-expanded") == "true"
    shot(page, "search-suggestions")
    box.press("ArrowDown")  # the keyboard opens one
    assert box.get_attribute("aria-activedescendant") == "site-search-option-0"
    box.press("Enter")
    page.wait_for_url(re.compile(r"/doc/unit/zoska-battalion"))
    assert "Zośka" in page.locator("h1").inner_text()

    box = page.locator("header #site-search")
    box.press_sequentially("kone", delay=40)
    page.get_by_role("option", name="Marshal Konev person", exact=True).wait_for()
    box.press("Escape")
    assert page.locator("#site-search-suggestions").is_hidden()
    box.fill("Konev")  # Enter without a suggestion chosen: the search page
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=Konev"))
    assert page.get_by_role("link", name="Marshal Konev", exact=True).is_visible()
    page.fill("header #site-search", "zoska")
    page.press("header #site-search", "Enter")
    page.wait_for_url(re.compile(r"/search\?q=zoska"))
    assert page.get_by_role("link", name="“Zośka” Battalion", exact=True).is_visible()
    assert page.locator("section.search-kind h2").first.inner_text().startswith("unit")  # best first

    # A slip of the keyboard: the list offers the word the search page offers ("No name matches"
    # was all it said), and choosing it searches for that.
    box = page.locator("header #site-search")
    box.fill("")
    box.press_sequentially("Warsw", delay=40)
    meant = page.get_by_role("option", name="Did you mean “warsaw”?")
    meant.wait_for()
    box.press("ArrowDown")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=warsaw"))
    assert page.get_by_role("link", name="Warsaw", exact=True).first.is_visible()


def test_the_query_page_explains_a_mistake_runs_an_example_and_links_here(page, live_server):
    text = "SELECT * WHERE { ?s ?p }"
    page.goto("/sparql")
    editor = page.locator(".tabPanel.active .CodeMirror")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type(text)
    page.keyboard.press("Control+Enter")
    error = page.locator(".tabPanel.active .yasr .query-error")
    error.wait_for()
    assert ("line 1, column 24: a triple pattern needs a subject, a predicate and an object"
            in error.inner_text())
    caret = error.locator("pre.caret").inner_text().splitlines()
    assert caret[0].endswith(text) and caret[1].index("^") == caret[0].index(text) + 23
    assert text in editor.inner_text().replace("\u200b", "")  # the text is kept
    assert page.locator(".syntax-error-spot").inner_text() == "}"
    shot(page, "query-page-syntax-error")

    page.locator("a.example").first.click()  # an example opens in a tab of its own and runs
    rows = page.locator(".tabPanel.active .yasr table.dataTable tbody tr")
    rows.first.wait_for()
    assert rows.count() > 3
    assert "Paris" in page.locator(".tabPanel.active .yasr").inner_text()
    # Values whole and as text: cut to a column's width ("Liberation…") and as "Rome"@en, the
    # first answer a historian saw was unreadable; nor is a word broken across lines.
    classes = page.locator(".tabPanel.active .yasr table.dataTable").first.get_attribute("class") or ""
    assert "ellipseTable" not in classes.split()  # innerText reads a value cut by CSS whole
    cell = page.locator(".tabPanel.active .yasr table.dataTable td", has_text="Liberation of Rome").first
    assert cell.inner_text().strip() == "Liberation of Rome"
    assert cell.bounding_box()["height"] < 2 * page.locator(
        ".tabPanel.active .yasr table.dataTable td", has_text="month").first.bounding_box()["height"]
    # The editor's lines wrap before the run and share buttons, not under them.
    buttons = page.locator(".tabPanel.active .yasqe_buttons").bounding_box()
    first = page.locator(".tabPanel.active .CodeMirror-line").first
    line, padding = first.bounding_box(), first.evaluate("e => parseFloat(getComputedStyle(e).paddingRight)")
    assert buttons and line and line["x"] + line["width"] - padding <= buttons["x"]
    # A wide answer scrolls sideways inside the results, not off the page.
    wide = page.locator(".tabPanel.active .yasr_results").evaluate(
        "el => { el.scrollLeft = 200; return [el.scrollWidth > el.clientWidth, el.scrollLeft > 0,"
        " document.documentElement.scrollWidth <= window.innerWidth]; }")
    assert wide == [True, True, True]
    shot(page, "query-page-example")

    link = page.locator(".tabPanel.active .yasr a.iri", has_text="city").first
    link.click()
    page.wait_for_load_state()
    here = urlsplit(page.url)
    assert (here.hostname, here.port) == ("127.0.0.1", urlsplit(live_server.url).port)
    assert here.path.startswith("/doc/city/")
    assert page.locator("h1").inner_text() != ""


@pytest.mark.slow  # the same through HTTP: tests/test_workbench.py
def test_without_javascript_the_form_keeps_a_malformed_query(browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/sparql")
        page.fill("#query-text", "SELECT * WHERE {\n  ?s ?p\n}")
        page.click("#plain-query button[type=submit]")
        page.locator("#query-error").wait_for()
        assert "line 3, column 1" in page.locator("#query-error").inner_text()
        assert "^" in page.locator("#query-error pre.caret").inner_text()
        assert page.input_value("#query-text") == "SELECT * WHERE {\n  ?s ?p\n}"
        shot(page, "test_without_javascript_the_form_keeps_a_malformed_query")
    finally:
        context.close()


def test_a_quotes_link_to_the_article_lights_that_quote_in_view(page):
    """The quote page's link to "the passage marked in the article's text" led to an empty anchor:
    every quote of the article is marked alike, and the one reached was not told apart."""
    page.goto("/doc/quote/ams-22-died.html")
    page.locator('a[href$="#quote-ams-22-died"]').first.click()
    page.wait_for_url("**#quote-ams-22-died")
    reached = page.locator('#quote-ams-22-died + a.quoted')
    other = page.locator('#quote-ams-marines + a.quoted')
    style = "e => getComputedStyle(e).backgroundColor + ' ' + getComputedStyle(e).outlineStyle"
    assert reached.evaluate(style) != other.evaluate(style)
    box = reached.bounding_box()
    assert box and 20 < box["y"] < 900 - box["height"], box  # in view, the line before it too


def test_a_quote_cut_by_a_shorter_one_inside_it_is_lit_whole_when_reached(page):
    """A caption holding a shorter quote (paris-04's "following the city's liberation ...") is two
    passages of the text: reached by its link, only the first was lit."""
    lit = "e => getComputedStyle(e).outlineStyle"
    caption = page.locator('p.source-text a.quoted[data-quotes~="quote-caption-paris-04"]')
    page.goto("/doc/source/article.html#quote-caption-paris-04")
    assert caption.count() == 2
    assert [caption.nth(i).evaluate(lit) for i in range(2)] == ["solid", "solid"]
    page.goto("/doc/source/article.html#quote-paris-liberation-august-25")  # the shorter one alone
    assert [caption.nth(i).evaluate(lit) for i in range(2)] == ["none", "solid"]
    page.goto("/doc/source/article.html#quote-caption-paris-05")  # another: none of them
    assert [caption.nth(i).evaluate(lit) for i in range(2)] == ["none", "none"]


@contextmanager
def phone(browser, live_server: BackgroundServer, width: int, height: int = 800) -> Iterator[object]:
    """A page `width` px wide, closed after."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": height})
    try:
        yield context.new_page()
    finally:
        context.close()


def test_on_a_phone_a_table_of_facts_reads_as_a_list(browser, live_server):
    """At 375 px the Liberation of Warsaw's facts scrolled within their table, each nested
    participation a column a few words wide cut at the screen's edge."""
    with phone(browser, live_server, 375) as page:
        page.goto("/doc/event/liberation-of-warsaw.html")
        tables = page.locator("#facts table.facts")
        assert tables.count() > 3
        for i in range(tables.count()):
            table = tables.nth(i)
            wide = table.evaluate(
                "t => [t.scrollWidth <= t.clientWidth + 1, t.getBoundingClientRect().right]")
            assert wide[0] and wide[1] <= 375, (i, wide)
        nested = tables.nth(1).bounding_box()
        assert nested and nested["width"] > 250, nested
        # A screen reader still meets a table: its rows and their headers.
        assert page.get_by_role("rowheader", name="has participation").count() == 1


def test_on_a_phone_the_summary_of_an_event_shows_its_values(browser, live_server):
    """At 390 px, a long heading in the summary box ("In “Arrival of the Free French army in Paris”")
    took the width, and the values of every row were drawn off the screen."""
    with phone(browser, live_server, 390) as page:
        page.goto("/doc/event/liberation-of-paris.html")
        values = page.locator("#in-brief dl.highlights dd")
        assert values.count() > 4
        for i in range(values.count()):
            box = values.nth(i).bounding_box()
            assert box and box["width"] > 100 and box["x"] + box["width"] <= 390, (i, box)
        # The header's search box too: it ran off the screen beside the title and the links.
        box = page.locator("#site-search").bounding_box()
        assert box and box["width"] > 100 and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        shot(page, "test_on_a_phone_the_summary_of_an_event_shows_its_values")


def test_at_320_px_no_page_scrolls_sideways(browser, live_server):
    """WCAG 1.4.10: the gallery's cards, the ontology's and VoID's two-column lists, a photograph's
    facts, the shapes' tables and the validation form made these pages 400 to 1,000 px wide."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 700})
    page = context.new_page()
    try:
        wide = {}
        for path in ("/", "/doc/photo/paris-01.html", "/doc/event/liberation-of-paris.html", "/ontology",
                     "/void", "/shapes", "/validate", "/id/city/", "/doc/city/warsaw.html"):
            page.goto(path)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 320:
                wide[path] = width
        assert wide == {}
        # What scrolls within itself takes keyboard focus (axe: scrollable-region-focusable): the
        # facts table and the shapes' tables could be scrolled only with a pointer.
        unreachable = {}
        for path in ("/doc/event/liberation-of-paris.html", "/shapes"):  # each has some
            page.goto(path)
            found = page.evaluate("""[...document.querySelectorAll('main *')].filter(el =>
                el.scrollWidth > el.clientWidth + 1
                && ['auto', 'scroll'].includes(getComputedStyle(el).overflowX) && el.tabIndex < 0
                && !el.querySelector('a, button, input, select, textarea, [tabindex]')
                ).map(el => el.tagName + '.' + el.className)""")
            scrollers = page.evaluate("document.querySelectorAll('[data-scroller]').length")
            if found or not scrollers:
                unreachable[path] = (found, scrollers)
        assert unreachable == {}
        # The drawings keep their text legible (WCAG 1.4.4): they scroll within their figures
        # rather than shrink to the screen (the timeline's dates were 4 px high).
        page.goto("/")
        for drawing in ("#timeline", "#map"):
            box = page.locator(drawing).bounding_box()
            assert box and box["width"] >= 450, (drawing, box)
    finally:
        context.close()


def test_the_query_editor_lets_the_keyboard_in_and_out_and_names_itself(page):
    """WCAG 2.1.2: the editor took focus as the page opened and kept it (Tab indented); its text
    field had no name. Its text field is its lines themselves (contenteditable), which a screen
    reader reads, inside the region that scrolls them (axe: scrollable-region-focusable)."""
    page.goto("/sparql")
    field = ".tabPanel.active .CodeMirror-scroll [contenteditable=true]"
    editor = page.locator(field)
    editor.wait_for(state="attached")
    assert editor.get_attribute("aria-label") == "SPARQL query"
    assert editor.get_attribute("role") == "textbox" and editor.get_attribute("aria-multiline") == "true"
    assert "PREFIX lib:" in editor.inner_text()
    in_editor = f"document.activeElement === document.querySelector('{field}')"
    assert not page.evaluate(in_editor)
    text = "document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.getValue()"
    before = page.evaluate(text)
    editor.focus()
    page.keyboard.press("Tab")  # to the editor's next control (its Share button)
    assert not page.evaluate(in_editor) and page.evaluate("document.activeElement.tagName") == "BUTTON"
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(in_editor)
    assert page.evaluate(text) == before  # no tab typed in


def test_the_query_pages_list_of_tabs_holds_only_tabs_and_its_plus_adds_one_at_the_end(page):
    """axe (aria-required-children): YASGUI's "+" button sat inside its role=tablist."""
    page.goto("/sparql")
    page.locator(".tabPanel.active .CodeMirror").wait_for()
    in_list = ("[...document.querySelectorAll('[role=tablist] > *')].map(el => el.getAttribute('role') + ':'"
               " + [...el.querySelectorAll('a, button, input, [tabindex]')].map(c => c.getAttribute('role')"
               " || c.tagName.toLowerCase()).filter(r => r !== 'input' && r !== 'div').join(','))")
    assert page.evaluate(in_list) == ["presentation:tab"]
    page.get_by_role("button", name="Add a new tab").click()
    page.get_by_role("button", name="Add a new tab").click()
    tabs = page.get_by_role("tablist").get_by_role("tab")
    assert tabs.count() == 3 and page.evaluate(in_list) == ["presentation:tab"] * 3
    assert tabs.nth(2).get_attribute("aria-selected") == "true"  # the newest, at the end
    page.keyboard.press("Control+Enter")  # and it runs as the first did
    page.locator(".tabPanel.active .yasr table.dataTable tbody tr").first.wait_for()


@pytest.mark.slow  # pySHACL's seconds; the table and its links through HTTP: tests/test_workbench.py
def test_validate_shows_a_table_for_a_failing_paste(page):
    page.goto("/validate")
    page.fill("#data", f"@prefix lib: <{BASE}ontology#> .\n<{BASE}id/city/paris> a lib:City .\n")
    page.click("form.validate button[type=submit]")
    table = page.locator("table.report").first
    table.wait_for()
    headers = page.locator("table.report th").all_inner_texts()
    assert headers[:4] == ["Severity", "Focus node", "Path", "Constraint"]
    assert "Violation" in table.inner_text()
    focus = table.locator("a.focus-node").first
    assert focus.get_attribute("href").startswith("/id/city/paris")
    # On a phone each result is a list of its columns, named: Message and Value were off the screen.
    page.set_viewport_size({"width": 375, "height": 800})
    message = page.locator('table.report td[data-label="Message"]').first
    box = message.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375, box
    assert message.evaluate("e => getComputedStyle(e, '::before').content").startswith('"Message: "')
    assert page.get_by_role("columnheader", name="Message").count() >= 1


@pytest.mark.slow  # the same through HTTP: tests/test_workbench.py
def test_validate_names_the_line_of_a_parse_error_and_keeps_the_input(page):
    broken = (f"@prefix lib: <{BASE}ontology#> .\n"
              "<https://example.org/x> a lib:City ;\n  lib:oops .\n")
    page.goto("/validate")
    page.fill("#data", broken)
    page.click("form.validate button[type=submit]")
    page.locator("#validate-error").wait_for()
    assert re.search(r"line 3", page.locator("#validate-error").inner_text())
    assert page.input_value("#data") == broken


@pytest.mark.slow  # a server of its own, with a small result limit
def test_the_editor_says_when_the_limit_cut_the_answer_and_completes_the_graphs_terms(browser, serve_files):
    server = serve_files(options=("--result-limit", "5"))
    context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto("/sparql")
        page.locator(".tabPanel.active .yasr table.dataTable tbody tr").first.wait_for()
        notice = page.locator(".tabPanel.active .truncated")
        assert notice.is_visible() and notice.inner_text().startswith("Only the first 5 results are shown")
        shot(page, "query-page-truncated")
        page.locator(".tabPanel.active .CodeMirror").click()
        page.keyboard.press("Control+A")
        page.keyboard.press("Delete")
        page.keyboard.type("SELECT * WHERE { ?x a lib:Capi")  # lib: is declared as it is typed
        page.keyboard.press("Control+Space")
        hint = page.locator(".CodeMirror-hints li", has_text="lib:CapitalCity")
        hint.wait_for()
        shot(page, "query-page-completion")
        page.keyboard.press("Enter")
        text = page.locator(".tabPanel.active .CodeMirror").evaluate("el => el.CodeMirror.getValue()")
        assert text == f"PREFIX lib: <{BASE}ontology#>\nSELECT * WHERE {{ ?x a lib:CapitalCity"
        page.keyboard.type(" } LIMIT 3")
        page.keyboard.press("Control+Enter")
        page.locator(".tabPanel.active .yasr", has_text="3 results").wait_for()
        assert page.locator(".tabPanel.active .truncated").is_hidden()
    finally:
        context.close()


def test_the_editor_says_where_the_sources_are_when_a_reifier_finds_nothing(page):
    query = (f"PREFIX lib: <{BASE}ontology#>\n"
             "SELECT ?q WHERE { << ?s lib:liberatedBy ?o >> lib:evidence ?q }")
    page.goto("/sparql?" + urlencode({"query": query}))
    page.locator(".tabPanel.active .yasr", has_text="0 results").wait_for()
    hint = page.locator(".tabPanel.active .reifier-hint")
    assert hint.is_visible() and "rdf:subject ?s" in hint.inner_text()
    shot(page, "query-page-reifier-hint")


def test_the_home_page_shows_the_eight_liberations_in_time_and_on_the_map(page):
    page.goto("/")
    items = page.locator("#timeline-section a.timeline-item")
    markers = page.locator("#map-section a.map-marker")
    items.first.wait_for()
    assert items.count() == 8 and markers.count() == 8
    shot(page, "home-timeline-and-map")
    # As drawn: no label covers another capital's marker or label ("Luxembourg City‡" ran into
    # Prague's marker).
    drawn = page.evaluate("""() => [...document.querySelectorAll('#map-section a.map-marker')].map(a => {
        const box = el => {
          const b = el.getBoundingClientRect();
          return [b.left, b.top, b.right, b.bottom];
        };
        return {name: a.dataset.capital, dot: box(a.querySelector('circle')),
                texts: [...a.querySelectorAll('text')].map(box)}; })""")

    def meets(a: list[float], b: list[float]) -> bool:
        return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]

    clashes = [(m["name"], other["name"]) for m in drawn for other in drawn if other is not m
               for text in m["texts"]
               if meets(text, other["dot"]) or any(meets(text, t) for t in other["texts"])]
    assert clashes == []
    # A click on Paris's name on the map (the marker's box, dot and label together, also covers
    # a country between them).
    page.locator('#map-section a.map-marker[data-capital="Paris"] text.name').click()
    page.wait_for_url(re.compile(r"/doc/city/paris"))
    assert page.locator("h1").inner_text() == "Paris"
