"""Any report, at least searchable: a document in another layout becomes plain passages.

The document below is written for this test in the layout of a typical annual
sustainability report (no table of contents in the bokslut form, no målområden), with a
running footer and page numbers, as pdftotext would write it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from corpus.document import read_document
from corpus.errors import NotABokslut, ReportError
from corpus.passages import build_passages, report_key
from corpus.unstructured import Metadata
from search.embedder import FakeEmbedder
from search.engine import sync_index
from search.hybrid import Filters, HybridSearcher
from tests.conftest import REPORT_PATH

BOKSLUT = Path(sys.executable).parent / "bokslut"
HEADER = "Nykvarns kommun\nHållbarhetsredovisning 2023\n"
FOOTER = "\nNykvarns kommun – Hållbarhetsredovisning 2023\n{page}\n"
PAGES = ("""
Sammanfattning

Kommunen har under året arbetat vidare med trygghetsvandringar i Centrum och Turinge,
tillsammans med polisen och fastighetsägarna. Belysningen på gång- och cykelvägar har
förbättrats på elva platser.
""", """
Skolans resultat

Andelen elever i årskurs 9 som är behöriga till gymnasiet ökade till 84 procent. Satsningen
på läxhjälp i biblioteket nådde 120 elever under vårterminen.
""", """
Äldreomsorg och hälsa

Hemtjänsten har infört fasta omsorgskontakter. Nöjdheten bland brukarna steg till 91 procent
och väntetiden till särskilt boende minskade.
""")


def other_layout() -> str:
    """Three pages of a made-up report, with a running header and footer on each."""
    return "\n".join(HEADER + body + FOOTER.format(page=n) for n, body in enumerate(PAGES, 1))


def write(tmp_path: Path, text: str, name: str = "hallbarhet.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_metadata_and_sections_from_the_document(tmp_path):
    report = read_document(write(tmp_path, other_layout()))
    assert not report.structured and report.goal_areas == []
    assert (report.municipality, report.year) == ("Nykvarns kommun", 2023)
    assert report.title == "Nykvarns kommun – Hållbarhetsredovisning 2023"  # the footer
    assert report_key(report) == "rapport/nykvarns-2023-hallbarhet"
    headings = [s.heading for s in report.sections]
    assert headings[:3] == ["Sammanfattning", "Skolans resultat", "Äldreomsorg och hälsa"]
    texts = [p.text for s in report.sections for p in s.paragraphs]
    assert texts[0].startswith("Kommunen har under året arbetat vidare med trygghetsvandringar")
    assert "gång- och cykelvägar" in texts[0] and texts[0].endswith("på elva platser.")
    assert not any(t == "Hållbarhetsredovisning 2023" or t.isdigit() for t in texts)


def test_flags_override_and_fill_in(tmp_path):
    text = other_layout().replace("Nykvarns kommun", "Kommunen").replace("2023", "i år")
    path = write(tmp_path, text, "utan-metadata.txt")
    with pytest.raises(NotABokslut) as info:
        read_document(path)
    assert "--municipality and --year" in info.value.message
    assert "table of contents" in info.value.message  # why the bokslut reader declined
    report = read_document(path, Metadata("Nykvarns kommun", 2022, "Hållbarhet i Nykvarn"))
    assert (report.municipality, report.year, report.title) == (
        "Nykvarns kommun", 2022, "Hållbarhet i Nykvarn")


def test_the_bokslut_is_still_read_structured():
    report = read_document(REPORT_PATH)
    assert report.structured and len(report.goals) == 15


def test_a_document_never_takes_a_boksluts_place(tmp_path, report):
    """Notes that name Södertälje kommun and 2025 get their own key, not the bokslut's."""
    notes = write(tmp_path, "Anteckningar om Södertälje kommun\n\nMöte om bokslutet 2025 med "
                  "förvaltningarna, inget beslut fattades.\n", "anteckningar.txt")
    other = read_document(notes)
    assert not other.structured and other.year == 2025
    assert report_key(other) == "rapport/sodertalje-2025-anteckningar" != report_key(report)


def test_unstructured_passages_are_searchable_and_filterable(tmp_path, report):
    other = read_document(write(tmp_path, other_layout()))
    passages = build_passages(other)
    assert passages and {p.kind for p in passages} == {"narrative"}
    assert {p.report for p in passages} == {"rapport/nykvarns-2023-hallbarhet"}
    embedder = FakeEmbedder()
    index, _ = sync_index(tmp_path / "index", [*build_passages(report), *passages], embedder)
    searcher = HybridSearcher(index, embedder)
    hits = searcher.search("läxhjälp i biblioteket", 3, "bm25")
    assert hits and hits[0].passage["report"] == "rapport/nykvarns-2023-hallbarhet"
    assert hits[0].passage["heading"] == "Skolans resultat"
    only_2023 = searcher.search("trygghetsvandringar med polisen", 10, "bm25",
                               Filters(year=2023))
    assert only_2023 and {h.passage["year"] for h in only_2023} == {2023}
    municipality = searcher.search("elever behöriga till gymnasiet", 10, "bm25",
                                   Filters(municipality="Nykvarns kommun"))
    assert municipality and all(h.passage["report"] == "rapport/nykvarns-2023-hallbarhet"
                                for h in municipality)


@pytest.mark.slow  # a `bokslut` process
def test_cli_marks_it_unstructured(tmp_path):
    path = write(tmp_path, other_layout())
    result = subprocess.run([str(BOKSLUT), "parse", str(path)], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "ostrukturerad" in result.stdout and "Nykvarns kommun, 2023" in result.stdout
    bare = write(tmp_path, "Bara några ord.\n", "kort.txt")
    result = subprocess.run([str(BOKSLUT), "parse", str(bare)], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"fel: {bare}") and "--municipality" in result.stderr


def test_a_file_that_is_not_a_pdf_inside(tmp_path):
    fake = tmp_path / "rapport.pdf"
    fake.write_bytes(b"%PDF-1.7\nnot really a pdf")
    with pytest.raises(ReportError) as info:
        read_document(fake)
    assert "PDF" in info.value.message


def test_ingested_with_flags_into_store_and_index(tmp_path):
    """`ingest` takes the flags; the report, its year and its passages land in both stores."""
    from graph.export import export
    from search.index_store import SearchIndex
    from web.pipeline.ingest import index_dir, ingest, store_dir

    doc = write(tmp_path, other_layout().replace("2023", "i år"), "utan-ar.txt")
    data = tmp_path / "data"
    notes: list[str] = []
    ingest([doc], data, "https://w3id.org/bokslut/id/", FakeEmbedder(), progress=notes.append,
           given=Metadata(year=2021))
    assert any("ostrukturerad" in n for n in notes)
    rows = SearchIndex.load(index_dir(data)).passages
    assert {(p["report"], p["year"], p["municipality"]) for p in rows} == {
        ("rapport/nykvarns-2021-utan-ar", 2021, "Nykvarns kommun")}
    graph = export(store_dir(data), "nt", ["https://w3id.org/bokslut/id/graf/rapport/nykvarns-2021-utan-ar"])
    graph = graph.decode("utf-8") if isinstance(graph, bytes) else graph
    assert '"2021"^^<http://www.w3.org/2001/XMLSchema#integer>' in graph
    assert "läxhjälp i biblioteket" in graph
