"""CSV and JSON of the answer pages (mål, indikator, search) on the real data."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

GOAL_C = "strategi/sodertalje-2025-2030/mal/C"
LOW = "indikator/sodertalje/andel-barn-i-familjer-med-lag-ekonomisk-standard"
PARTICIPATION = ("indikator/sodertalje/"
                 "deltagartillfallen-i-idrottsaktiviteter-antal-invanare-7-20-ar")


def rows_of(response) -> list[dict[str, str]]:
    """A CSV answer parsed (UTF-8 with BOM)."""
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def test_indicator_csv_has_every_value_the_page_lists(client) -> None:
    rows = rows_of(client.get(f"/export/{LOW}.csv"))
    page = client.get(f"/id/{LOW}").get_data(as_text=True)
    assert f"<caption>{len(rows)} värden</caption>" in page
    by_area = {r["omrade"]: Decimal(r["varde"]) for r in rows}
    assert by_area["Södertälje"] == Decimal("23.4") and rows[0]["enhet"] == "%"
    assert f'href="/export/{LOW}.csv"' in page and f'href="/export/{LOW}.json"' in page


def test_goal_csv_and_json_hold_what_the_page_shows(client) -> None:
    rows = rows_of(client.get(f"/export/{GOAL_C}.csv"))
    doc = json.loads(client.get(f"/export/{GOAL_C}.json").get_data())
    assert {r["indikator"] for r in rows} == {i["label"] for i in doc["indikatorer"]}
    assert doc["mal"]["letter"] == "C" and len(doc["insatser"]) == 3
    assert len(doc["observationer"]) == len(rows)
    assert all(isinstance(o["varde"], int | float) for o in doc["observationer"])


def test_indicator_json_carries_the_quality_note(client) -> None:
    doc = json.loads(client.get(f"/export/{PARTICIPATION}.json").get_data())
    assert doc["datakvalitet"] and "antal" in doc["datakvalitet"][0]
    page = client.get(f"/id/{PARTICIPATION}").get_data(as_text=True)
    assert 'class="quality-note"' in page and "Anmärkning om datakvaliteten" in page


def test_search_csv_follows_the_page(client) -> None:
    rows = rows_of(client.get("/sok.csv", query_string={"q": "lek och fritid", "k": 5}))
    assert [r["rang"] for r in rows] == ["1", "2", "3", "4", "5"]
    assert all(r["textavsnitt_iri"].startswith("https://w3id.org/bokslut/id/") for r in rows)
    doc = json.loads(client.get("/sok.json", query_string={"q": "lek", "k": 3}).get_data())
    assert doc["q"] == "lek" and len(doc["traffar"]) == 3


def test_bad_requests_are_clear(client) -> None:
    assert client.get("/sok.csv").status_code == 400
    assert client.get("/sok.csv", query_string={"q": "x", "k": "0"}).status_code == 400
    assert client.get(f"/export/{GOAL_C}.xml").status_code == 404
    assert client.get("/export/finns/inte.csv").status_code == 404
    assert client.get("/export/rapport/sodertalje-2025.csv").status_code == 404  # no answer page


def test_downloads_and_api_agree_with_the_searcher_on_words_of_no_meaning(client) -> None:
    """Function words alone are no question to the searcher, so the downloads refuse them as
    they refuse signs alone, and the API answers both with no hits and the note."""
    for query in ("och i att", "!!!"):
        response = client.get("/sok.csv", query_string={"q": query})
        assert response.status_code == 400, query
        assert "ange minst ett sakord" in response.get_data(as_text=True)
        doc = client.get("/api/search", query_string={"q": query}).get_json()
        assert doc["results"] == [] and doc["note"], query
    assert client.get("/sok.csv", query_string={"q": "och lek"}).status_code == 200


def test_a_formula_in_text_is_not_run_by_spreadsheets() -> None:
    from web.answers.tables import to_csv

    text = to_csv([{"a": "=HYPERLINK(1)", "b": Decimal("-1.5")}], ["a", "b"])
    assert "'=HYPERLINK(1)" in text and ",-1.5" in text
