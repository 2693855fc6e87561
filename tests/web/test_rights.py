"""The rights explorer on the real built data: instruments, articles, stated and inferred links."""

from __future__ import annotations

import re

import pytest

from graph.namespaces import sparql_prologue
from graph.trusted_query import trusted_select

ACTION = "/id/rapport/sodertalje-2025/atgard/"


def page(client, url: str) -> str:
    """The HTML of a page that must answer 200."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def split_at_inferred(html: str) -> tuple[str, str]:
    """(stated part, inferred part) of an article page."""
    stated, inferred = html.split('id="harledda"', 1)
    return stated, inferred


def action_links(html: str) -> set[str]:
    """Action ids ('C-3') linked from a piece of HTML."""
    return set(re.findall(re.escape(ACTION) + r"([A-O]-\d+)\"", html))


def test_index_lists_every_article_of_the_four_instruments(client) -> None:
    html = page(client, "/rattigheter")
    for slug, count in {"crc": 54, "udhr": 30, "crpd": 50, "jam": 6}.items():
        numbers = set(re.findall(rf'href="/rattigheter/{slug}/(\d+)"', html))
        assert numbers == {str(n) for n in range(1, count + 1)}, slug
    assert '<html lang="sv">' in html and "<main" in html


def test_index_counts_links_and_flags_articles_nothing_links_to(client) -> None:
    html = page(client, "/rattigheter")
    row = re.search(r'href="/rattigheter/crc/40">.*?</tr>', html, re.S).group(0)
    assert "inga kopplingar i boksluten" in row
    row = re.search(r'href="/rattigheter/crc/31">.*?</tr>', html, re.S).group(0)
    assert "inga kopplingar" not in row
    areas, actions, inferred = re.findall(r'<td class="num">(\d+)</td>', row)
    stated_part, inferred_part = split_at_inferred(page(client, "/rattigheter/crc/31"))
    assert areas == "2"  # målområde 1 and 5
    assert int(actions) == len(action_links(stated_part)) >= 10
    assert int(inferred) == len(action_links(inferred_part))


def test_instrument_page_and_unknown_instruments(client) -> None:
    html = page(client, "/rattigheter/jam")
    assert "Jämställdhetspolitiken" in html and "delmål" in html.lower()
    assert len(re.findall(r'href="/rattigheter/jam/\d+"', html)) == 6
    for url in ("/rattigheter/abc", "/rattigheter/CRCX/31", "/rattigheter/abc/1",
                "/rattigheter/crc/99", "/rattigheter/crc/0", "/rattigheter/jam/7"):
        assert client.get(url).status_code == 404, url
    response = client.get("/rattigheter/%3Cimg%20src=x%20onerror=alert(1)%3E")
    body = response.get_data(as_text=True)
    assert response.status_code == 404 and "Sidan hittades inte" in body
    assert "<img src=x" not in body and "&lt;img src=x onerror=alert(1)&gt;" in body


def test_crc_31_lists_the_stated_malomraden_mal_and_actions(client) -> None:
    stated, _ = split_at_inferred(page(client, "/rattigheter/crc/31"))
    assert "/id/strategi/sodertalje-2025-2030/malomrade/1" in stated
    assert "/id/strategi/sodertalje-2025-2030/malomrade/5" in stated
    for letter in "ABCLM":
        assert f"/id/strategi/sodertalje-2025-2030/mal/{letter}\"" in stated, letter
    found = action_links(stated)
    assert {"C-1", "C-2", "C-3"} <= found
    assert {a[0] for a in found} == set("ABCLM")


def test_crc_31_shows_the_reports_wordings_indicators_and_initiatives(client) -> None:
    stated, _ = split_at_inferred(page(client, "/rattigheter/crc/31"))
    assert "Barn har rätt till lek, vila och fritid" in stated
    assert "Barns rätt till lek, vila och fritid" in stated
    assert "Flickors deltagande i Ung fritid" in stated  # an indicator of mål C
    assert "Signs of Safety" in stated  # an initiative mentioned under mål B


def test_inferred_actions_are_listed_apart_with_score_and_method(client, app) -> None:
    """Every inferred link in the graph appears in the separate section, and only there."""
    with app.app_context():
        from web.services import services
        rows = trusted_select(services().store(), sparql_prologue() + """
            SELECT ?article ?action WHERE { ?n a bk:InferredSupport ; bk:article ?article ;
                                              bk:action ?action }""")
    assert rows
    by_article: dict[str, set[str]] = {}
    for r in rows:
        article = str(r["article"]).split("/rattighet/")[1]
        by_article.setdefault(article, set()).add(str(r["action"]).rsplit("/", 1)[1])
    for article, actions in by_article.items():
        stated, inferred = split_at_inferred(page(client, f"/rattigheter/{article}"))
        assert action_links(inferred) == actions, article
        assert not action_links(stated) & actions, article
        assert "cosinus" in inferred and "inte angivna i bokslutet" in inferred


def test_crpd_30_is_not_cited_but_has_inferred_fritid_actions(client) -> None:
    stated, inferred = split_at_inferred(page(client, "/rattigheter/crpd/30"))
    assert "Inga kopplingar i boksluten" in stated and not action_links(stated)
    assert "C-3" in action_links(inferred)
    scores = [s.replace(",", ".") for s in re.findall(r'<td class="num">(0,\d+)</td>', inferred)]
    assert scores and all(float(s) >= 0.845 for s in scores)


def test_an_uncited_article_says_nothing_links_to_it(client) -> None:
    stated, inferred = split_at_inferred(page(client, "/rattigheter/crc/40"))
    assert "Inga kopplingar i boksluten" in stated
    assert not action_links(stated) and not action_links(inferred)


@pytest.mark.parametrize("url", ["/rattigheter", "/rattigheter/crc", "/rattigheter/crc/31"])
def test_rights_pages_have_one_h1_and_link_back(client, url: str) -> None:
    html = page(client, url)
    assert html.count("<h1") == 1
    assert 'href="/rattigheter"' in html  # the menu or the breadcrumbs


def test_start_page_links_the_crc_31_question(client) -> None:
    html = page(client, "/")
    assert 'href="/rattigheter/crc/31"' in html


def test_without_data_the_rights_pages_say_so(tmp_path) -> None:
    from web.app import create_app

    empty = create_app({"data": tmp_path, "testing": True}).test_client()
    for url in ("/rattigheter", "/rattigheter/crc", "/rattigheter/crc/31"):
        response = empty.get(url)
        assert response.status_code == 503 and "kör bokslut ingest" in response.get_data(
            as_text=True)
