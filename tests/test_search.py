"""Finding things by name without SPARQL: /search, case and accents aside, grouped by kind."""

from __future__ import annotations

import re

import pytest


def results(client, q: str) -> list[dict]:
    resp = client.get("/search", query_string={"q": q}, headers={"Accept": "application/json"})
    assert resp.status_code == 200
    return resp.get_json()["results"]


@pytest.mark.parametrize("q, kind, label", [
    ("Konev", "person", "Marshal Konev"),
    ("konev", "person", "Marshal Konev"),
    ("zoska", "unit", "“Zośka” Battalion"),
    ("ZOŚKA", "unit", "“Zośka” Battalion"),
    ("de gaulle", "person", "Charles de Gaulle"),
])
def test_a_name_is_found_whatever_its_case_and_accents(project_client, q, kind, label):
    found = results(project_client, q)
    assert found[0]["kind"] == kind and found[0]["label"] == label
    assert found[0]["href"].startswith("/id/")


@pytest.mark.parametrize("q, label", [
    # typed with a keyboard's ' and " and -, where the labels are typeset
    ("Patton's", "General Patton’s army"),
    ("St Peter's Square", "St Peter’s Square"),
    ("Zoska Battalion", "“Zośka” Battalion"),
    ('"Zoska" Battalion', "“Zośka” Battalion"),
    ("'Zoska'", "“Zośka” Battalion"),
    ("St. Peter's Square", "St Peter’s Square"),
    ("Champs Elysees", "Champs-Élysées"),
    # and without the apostrophe, as typed in haste
    ("St Peters Square", "St Peter’s Square"),
    ("Pattons army", "General Patton’s army"),
])
def test_a_name_is_found_whatever_its_typography(project_client, q, label):
    assert results(project_client, q)[0]["label"] == label


def test_a_possessive_finds_what_is_owned_then_the_owner(project_client):
    # "Patton's" found only the army, not General Patton, whom "patton" finds.
    found = [m["label"] for m in results(project_client, "Patton’s")]
    assert found == ["General Patton’s army", "General Patton"]
    assert "Charles de Gaulle" in {m["label"] for m in results(project_client, "de Gaulle's")}


def test_a_search_of_only_quotation_marks_finds_nothing(project_client):
    assert results(project_client, '"“”') == []
    assert results(project_client, "'") == []


def test_names_that_start_with_the_query_come_first(project_client):
    found = results(project_client, "rome")
    assert found[0]["label"] == "Rome" and found[0]["kind"] == "city"
    assert {"Liberation of Rome", "Entry of Allied troops into Rome"} <= {m["label"] for m in found}


def test_nodes_that_only_qualify_others_are_not_listed(project_client):
    assert {m["kind"] for m in results(project_client, "paris")} <= {
        "city", "event", "photo", "person", "place", "unit", "group", "country", "equipment",
        "organization", "agent", "source"}


def test_the_page_groups_matches_by_kind_and_every_page_has_the_box(project_client):
    page = project_client.get("/search?q=warsaw", headers={"Accept": "text/html"}).get_data(as_text=True)
    kinds = re.findall(r'<h2><a href="/id/([a-z]+)/">', page)
    assert "city" in kinds and "event" in kinds and len(kinds) == len(set(kinds))
    assert kinds[0] == "city"  # the kind of the best match first: Warsaw itself
    assert 'value="warsaw"' in page
    home = project_client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'action="/search"' in home


def test_an_empty_or_overlong_search(project_client):
    assert results(project_client, "") == []
    assert results(project_client, "no such name anywhere") == []
    assert project_client.get("/search", query_string={"q": "x" * 201}).status_code == 400
    resp = project_client.get("/search?q=%3Cscript%3E", headers={"Accept": "text/html"})
    page = resp.get_data(as_text=True)
    assert "<script>" not in page.split("</header>", 1)[1]


@pytest.mark.parametrize("q, suggested, label", [
    ("Parris", "paris", "Paris"),
    ("Koniev", "konev", "Marshal Konev"),
    ("Warszawa", "warsaw", "Warsaw"),
    ("brusels", "brussels", "Brussels"),
    ("Saint Peter", "st peters", "St Peter’s Basilica"),
    ("degaulle", "gaulle", "Charles de Gaulle"),
])
def test_a_search_that_finds_nothing_suggests_a_near_spelling_that_does(project_client, q, suggested, label):
    # "Parris", "Koniev" and "Warszawa" answered "0 matches" and nothing more.
    def answer(words: str) -> dict:
        return project_client.get("/search", query_string={"q": words, "format": "json"}).get_json()
    assert answer(q)["results"] == [] and answer(q)["suggestion"] == suggested
    assert label in [r["label"] for r in results(project_client, suggested)]
    page = project_client.get("/search", query_string={"q": q}, headers={"Accept": "text/html"})
    link = f'<a href="/search?q={suggested.replace(" ", "+")}">“{suggested}”</a>'
    assert f"Did you mean {link}?" in page.get_data(as_text=True)
    # Found, or near nothing: no suggestion.
    assert "suggestion" not in answer("paris") and "suggestion" not in answer("qqqq")


def test_an_error_answers_in_the_form_format_asks_for(project_client):
    resp = project_client.get("/search", query_string={"q": "a" * 400, "format": "json"})
    assert resp.status_code == 400 and resp.mimetype == "application/json"
    assert "longer than" in resp.get_json()["message"]


def test_a_format_not_offered_or_a_parameter_given_twice_is_refused(project_client):
    assert project_client.get("/search?q=zoska&format=xml").status_code == 406
    assert project_client.get("/search?q=zoska&format=json").is_json
    assert project_client.get("/search?q=zoska&format=JSON").is_json  # as the other routes read it
    # Accept as every other route reads it: what it cannot meet is 406, a JSON dialect gets JSON.
    for accept in ("image/png", "text/turtle"):
        refused = project_client.get("/search?q=zoska", headers={"Accept": accept})
        assert refused.status_code == 406
        assert "text/html or application/json" in refused.get_data(as_text=True)
    dialect = {"Accept": "application/sparql-results+json"}
    assert project_client.get("/search?q=zoska", headers=dialect).is_json
    for accept in ("*/*", "application/xhtml+xml"):
        assert project_client.get("/search?q=zoska", headers={"Accept": accept}).mimetype == "text/html"
    twice = project_client.get("/search?q=zoska&q=paris", headers={"Accept": "application/json"})
    assert twice.status_code == 400 and "q= is given 2 times" in twice.get_json()["message"]


def test_a_search_whose_escapes_are_not_utf8_is_refused_not_run_on_other_text(project_client):
    # werkzeug would keep "%FF" as three characters and search for them.
    resp = project_client.get("/search?q=Pa%FFris", headers={"Accept": "application/json"})
    assert resp.status_code == 400
    assert "q= is not UTF-8 once its %-escapes are decoded (byte 0xFF)" in resp.get_json()["message"]
    # Another parameter's bytes are not the search's to judge; UTF-8 escapes are read as such.
    found = project_client.get("/search?q=Zo%C5%9Bka&utm=%FF", headers={"Accept": "application/json"})
    assert found.status_code == 200 and found.get_json()["query"] == "Zośka"
    assert found.get_json()["results"]


def test_a_resource_is_shown_by_its_label_where_its_label_matches_as_well(project_client):
    # Ranking names the query is more of first let a shorter caption stand in for a label that
    # matched as well ("1944": paris-01 shown by its caption).
    found = {m["iri"].rsplit("/", 1)[1]: m for m in results(project_client, "1944")}
    assert found["paris-01"]["matched"] is None and found["brussels-02"]["matched"] is None
