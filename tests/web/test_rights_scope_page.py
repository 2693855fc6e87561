"""The rights page and its JSON twin show the article's scope note (fast tier: no model)."""

from __future__ import annotations

from pathlib import Path

from markupsafe import escape
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

BASE = "https://w3id.org/bokslut/id/"
RIGHTS = Path(__file__).resolve().parents[2] / "ontology" / "rights.ttl"


def scope_note(relative: str) -> str | None:
    """The article's Swedish scope note in rights.ttl."""
    graph = Graph().parse(RIGHTS, format="turtle", publicID=BASE)
    notes = [str(n) for n in graph.objects(URIRef(BASE + relative), SKOS.scopeNote)]
    return notes[0] if notes else None


def test_an_article_page_and_its_json_give_the_scope_note(client) -> None:
    note = scope_note("rattighet/crc/29")
    assert note and "läsfrämjande" in note
    answer = client.get("/api/rattigheter/crc/29").get_json()
    assert answer["article"]["scope"] == note
    html = client.get("/rattigheter/crc/29").get_data(as_text=True)
    assert '<p class="scope"><strong>Kommunalt arbete som typiskt hör till artikeln:' in html
    assert str(escape(note)) in html


def test_a_procedural_article_has_no_scope_note(client) -> None:
    assert scope_note("rattighet/crc/43") is None
    assert client.get("/api/rattigheter/crc/43").get_json()["article"]["scope"] is None
    assert 'class="scope"' not in client.get("/rattigheter/crc/43").get_data(as_text=True)
