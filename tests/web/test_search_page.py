"""The /sok page, its JSON twin /api/search and the passage-in-context view, on the real data."""

from __future__ import annotations

import html as htmllib
import re

import pytest

from web.search.api import RESULT_FIELDS, make_filters, results_json

RIGHTS_QUESTION = "Vilka insatser stödjer barns rätt till lek och fritid?"
XSS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]


def hits_of(html: str) -> list[str]:
    """The HTML of each hit on a result page."""
    return re.findall(r'<li class="hit"[^>]*>(.*?)</li>\s*(?=<li class="hit"|</ol>)', html, re.S)


def passages_on(html: str) -> int:
    """How many passages the page's hits hold (passages of one section share one hit)."""
    return sum(int(n) for n in re.findall(r'<li class="hit" data-passages="(\d+)"', html))


def api(client, **params) -> dict:
    """A successful /api/search answer."""
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()


@pytest.mark.slow  # the real model's ranking
def test_a_rights_question_finds_mal_c_actions(client) -> None:
    results = api(client, q=RIGHTS_QUESTION)["results"]
    assert any(r["goal"] == "C" and r["kind"] == "narrative" for r in results[:5])
    html = client.get("/sok", query_string={"q": RIGHTS_QUESTION}).get_data(as_text=True)
    hits = hits_of(html)
    assert passages_on(html) == 10
    assert any("/id/strategi/sodertalje-2025-2030/mal/C" in h for h in hits[:5])


@pytest.mark.slow  # the real model's ranking
def test_hits_show_their_mal_rights_sdgs_and_links(client) -> None:
    params = {"q": "arenor för fritid", "goal": "C", "kind": "narrative"}
    html = client.get("/sok", query_string=params).get_data(as_text=True)
    first = hits_of(html)[0]
    assert "Mål C." in first and "Målområde 1:" in first
    assert 'href="/rattigheter/crc/31"' in first  # målområde 1 states CRC 31
    assert "kurerad koppling" in first and 'href="/id/sdg/' in first
    assert re.search(r'href="/id/rapport/sodertalje-2025/passage/L\d+', first)
    assert 'href="/id/rapport/sodertalje-2025/atgard/C-' in first  # the action it belongs to
    assert re.search(r'href="/sok/kontext/rapport/sodertalje-2025/passage/L\d+', first)
    assert "<mark>" in first


@pytest.mark.parametrize(("params", "check"), [
    ({"goal": "C"}, lambda r: r["goal"] == "C"),
    ({"goal": "c"}, lambda r: r["goal"] == "C"),
    ({"kind": "indicator"}, lambda r: r["kind"] == "indicator"),
    ({"year": "2025"}, lambda r: r["year"] == 2025),
    ({"goal_area": "2"}, lambda r: r["goal_area"] == 2),
])
def test_each_filter_restricts_the_hits(client, params, check) -> None:
    payload = api(client, q="barn och unga", k=20, **params)
    results = payload["results"]
    assert results and all(check(r) for r in results)
    html = client.get("/sok", query_string={"q": "barn och unga", **params}).get_data(
        as_text=True)
    assert passages_on(html) == min(10, payload["total"])  # only hits above the threshold


@pytest.mark.slow  # the real model's domain gate lets 'fritid' through
def test_a_year_with_no_report_gives_a_helpful_message(client) -> None:
    assert api(client, q="fritid", year="2019")["results"] == []
    html = client.get("/sok", query_string={"q": "fritid", "year": "2019"}).get_data(
        as_text=True)
    assert not hits_of(html)
    assert "Inga träffar" in html and "Sök utan avgränsningar" in html


@pytest.mark.slow  # the real model's ranking
@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_every_search_mode_works(client, mode: str) -> None:
    results = api(client, q="våld i nära relationer", mode=mode, k=5)["results"]
    assert len(results) == 5 and any(r["goal"] in ("N", "O") for r in results)


def test_api_json_is_exactly_the_cli_shape(client, app) -> None:
    payload = api(client, q="ensamhet bland äldre", k=3, goal_area="5")
    assert list(payload) == ["query", "total", "results"]
    assert payload["query"] == "ensamhet bland äldre"
    assert all(tuple(r) == RESULT_FIELDS for r in payload["results"])
    with app.app_context():
        from web.services import services
        found = services().searcher().search_page("ensamhet bland äldre", 3, "hybrid",
                                                  make_filters(goal_area=5))
        assert payload == results_json("ensamhet bland äldre", found.hits, services().base,
                                       found.total)


@pytest.mark.parametrize("params", [
    {}, {"q": ""}, {"q": "   "}, {"q": "a" * 10240}, {"q": "lek", "k": "0"},
    {"q": "lek", "k": "abc"}, {"q": "lek", "k": "101"}, {"q": "lek", "mode": "fuzzy"},
    {"q": "lek", "kind": "table"}, {"q": "lek", "year": "tjugo"}, {"q": "lek", "goal": "CC"},
    {"q": "lek", "goal_area": "-1"},
])
def test_api_errors_are_400_json(client, params) -> None:
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 400
    assert response.mimetype == "application/json" and response.get_json()["error"]


@pytest.mark.parametrize(("q", "message", "status"), [
    ("", "Skriv ett eller flera ord", 200),
    ("?!… ---", "inga ord att söka på", 200),
    ("a" * 10240, "för lång", 400),  # a request over the limit is refused, with the form shown
])
def test_bad_input_on_the_page_gives_a_clear_message(client, q: str, message: str,
                                                     status: int) -> None:
    response = client.get("/sok", query_string={"q": q})
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert message in html and not hits_of(html)


def test_control_characters_are_ignored(client) -> None:
    response = client.get("/sok", query_string={"q": "fritid\x00\x07\x1b[31m"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    box = re.search(r'<input id="sokfraga"[^>]*>', html, re.S).group(0)
    assert hits_of(html) and 'value="fritid [31m"' in box
    only_control = client.get("/api/search", query_string={"q": "\x00\x01\t"})
    assert only_control.status_code == 400 and only_control.get_json()["error"]


def test_bad_filters_on_the_page_are_explained(client) -> None:
    html = client.get("/sok", query_string={"q": "lek", "year": "x", "goal": "ÖÖ"}).get_data(
        as_text=True)
    assert "Ogiltigt värde för år" in html and "Ogiltigt mål" in html and not hits_of(html)


@pytest.mark.parametrize("payload", XSS)
def test_user_input_is_escaped_on_the_page(client, payload: str) -> None:
    for params in ({"q": payload}, {"q": payload + " fritid"}, {"q": "lek", "year": payload}):
        html = client.get("/sok", query_string=params).get_data(as_text=True)
        assert payload not in html
        assert "<script>alert" not in html and "<img src=x" not in html
    html = client.get("/sok", query_string={"q": payload + " fritid"}).get_data(as_text=True)
    assert htmllib.escape(payload, quote=True) in html


@pytest.mark.parametrize("payload", XSS)
def test_user_input_is_data_in_the_api(client, payload: str) -> None:
    response = client.get("/api/search", query_string={"q": payload + " fritid"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.get_json()["query"] == payload + " fritid"
    assert all("<script" not in r["snippet"] and "<img" not in r["snippet"]
               for r in response.get_json()["results"])


def test_the_form_is_labelled_and_keeps_the_chosen_filters(client) -> None:
    html = client.get("/sok", query_string={"q": "lek", "goal": "C", "mode": "bm25"}).get_data(
        as_text=True)
    assert '<label for="sokfraga">' in html and 'id="sokfraga"' in html
    for name in ("year", "goal_area", "goal", "kind", "mode", "k"):
        assert re.search(rf'<label>[^<]+\s*<select name="{name}">', html), name
    assert '<option value="C" selected>' in html and '<option value="bm25" selected>' in html


def test_passage_in_context_shows_the_neighbouring_passages(client) -> None:
    results = api(client, q="idrottsåret arenor för fritid", goal="C", kind="narrative")["results"]
    target = results[0]["passage"].removeprefix("https://w3id.org/bokslut/id/")
    html = client.get(f"/sok/kontext/{target}").get_data(as_text=True)
    assert 'class="current"' in html and results[0]["heading"] in html
    neighbours = re.findall(r'href="/sok/kontext/(rapport/[^"]+)"', html)
    assert neighbours and target not in neighbours
    assert client.get("/sok/kontext/rapport/sodertalje-2025/passage/L999999").status_code == 404


def test_the_searcher_is_built_once(client, app) -> None:
    api(client, q="fritid")
    with app.app_context():
        from web.services import services
        first = services().searcher()
    api(client, q="trygghet")
    with app.app_context():
        assert services().searcher() is first


@pytest.mark.slow  # loads the real model before it finds no index
def test_without_data_the_search_says_so(tmp_path) -> None:
    """An empty data directory: 503 with a Swedish explanation (no path, no traceback)."""
    from web.app import create_app

    empty = create_app({"data": tmp_path, "testing": True}).test_client()
    for url in ("/sok", "/sok?q=lek", "/sok/kontext/rapport/x"):
        response = empty.get(url)
        assert response.status_code == 503 and "kör bokslut ingest" in response.get_data(
            as_text=True)
    response = empty.get("/api/search?q=lek")
    assert response.status_code == 503 and str(tmp_path) not in response.get_json()["error"]
