"""The shipped texts' vectors (gate bank, ontology article queries, the adapter's judged queries):
built once per model beside its export, reused by every ingest, rebuilt when a text or the model
changes, never trusted half-written or damaged; the result identical with or without them."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import faiss
import numpy as np
import pytest

from graph.export import export
from search.domain_gate import bank_texts
from search.embedder import FakeEmbedder
from search.onnx_export import FORMAT, MANIFEST, export_dir, file_safe
from search.query_adapter import FILE as ADAPTER
from search.query_adapter import QueryAdapter, judged_texts
from search.shipped_vectors import (
    export_of,
    load_shipped,
    save_shipped,
    shipped_path,
    updated,
)
from search.text_vectors import TextVectors
from tests.conftest import REPORT_PATH
from tests.test_ingest_vectors import Counting
from web.pipeline.ingest import bundled_reports, index_dir, ingest, store_dir
from web.pipeline.ingest_vectors import shipped_texts

BASE = "https://w3id.org/bokslut/id/"
FAKE = FakeEmbedder().fingerprint


def run(data: Path, embedder=None) -> list[str]:
    """Ingest the bundled report into `data`; the progress lines it said."""
    said: list[str] = []
    ingest([REPORT_PATH], data, BASE, embedder or FakeEmbedder(), progress=said.append)
    return said


def assert_same_result(ours: Path, theirs: Path) -> None:
    """What must not depend on the cache: passage vectors, the gate and the query adapter bit
    for bit, and every graph's triples (blank node labels aside)."""
    a, b = (faiss.read_index(str(index_dir(d) / "vectors.faiss")) for d in (ours, theirs))
    np.testing.assert_array_equal(a.reconstruct_n(0, a.ntotal), b.reconstruct_n(0, b.ntotal))
    for name in ("gate.npz", ADAPTER):
        with np.load(index_dir(ours) / name) as x, np.load(index_dir(theirs) / name) as y:
            assert sorted(x) == sorted(y) and x.files
            for key in x.files:
                np.testing.assert_array_equal(x[key], y[key])
    assert quads(ours) == quads(theirs)


def quads(data: Path) -> list[str]:
    """The store's quads, sorted, blank node labels blanked."""
    lines = export(store_dir(data), "nq").decode().splitlines()
    return sorted(re.sub(r"_:\S+", "_:", line) for line in lines)


def saved_texts(data: Path, fingerprint: str = FAKE) -> set[str]:
    """The texts whose vectors the data directory keeps for the model."""
    return set(load_shipped(data, fingerprint, pytest.fail).get("query", {}))


@pytest.fixture(scope="module")
def strict(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One ingest into an empty data directory: everything embedded, the cache written."""
    data = tmp_path_factory.mktemp("strict")
    run(data)
    return data


def with_cache_of(source: Path, target: Path) -> Path:
    """An empty data directory holding only `source`'s saved vectors."""
    folder = shipped_path(target, FAKE).parent
    folder.mkdir(parents=True)
    shutil.copy(shipped_path(source, FAKE), folder)
    return target


def test_the_first_ingest_saves_exactly_the_shipped_texts(strict: Path) -> None:
    """The bank, the article queries without report wordings and the adapter's judged
    queries: nothing of the report."""
    texts = saved_texts(strict)
    assert set(bank_texts()) <= texts and len(texts) > len(bank_texts()) + 100
    assert len(judged_texts()) > 600 and set(judged_texts()) <= texts
    kept = TextVectors.load(index_dir(strict))
    report_queries = set(kept.known("query", FAKE)) - texts  # they name the report's wordings
    assert report_queries and not texts & set(kept.known("passage", FAKE))


def test_a_later_ingest_embeds_no_shipped_text_and_gives_the_same_result(
        strict: Path, tmp_path: Path) -> None:
    """Same vectors, gate, adapter and graphs as the strict ingest; none of the saved texts
    (the adapter's judged queries among them) embedded."""
    data = with_cache_of(strict, tmp_path / "data")
    counting = Counting()
    run(data, counting)
    assert counting.queries and not set(counting.queries) & saved_texts(strict)
    assert not set(counting.queries) & set(judged_texts())
    assert QueryAdapter.load(index_dir(data)).source  # fitted on the judged queries too
    assert_same_result(data, strict)


def test_a_changed_text_is_embedded_and_the_old_one_dropped(strict: Path,
                                                            tmp_path: Path) -> None:
    """Keyed by text: a bank line the software no longer has leaves the file, a text the
    file lacks is embedded again and added."""
    data = tmp_path / "data"
    kinds = load_shipped(strict, FAKE, pytest.fail)
    dropped = bank_texts()[0]
    stale = {**{t: v for t, v in kinds["query"].items() if t != dropped},
             "en rad som inte längre finns": kinds["query"][dropped]}
    save_shipped(data, FAKE, {}, {"query": stale}, pytest.fail)
    counting = Counting()
    run(data, counting)
    assert dropped in counting.queries and len(set(counting.queries) & saved_texts(strict)) == 1
    assert saved_texts(data) == saved_texts(strict)


def test_another_model_neither_uses_nor_replaces_the_file(strict: Path,
                                                          tmp_path: Path) -> None:
    """The file is the model's: another fingerprint has its own, and one naming another
    model inside is not used."""
    data = with_cache_of(strict, tmp_path / "data")
    other = "other-model:64:x"
    assert shipped_path(data, other) != shipped_path(data, FAKE)
    assert load_shipped(data, other, pytest.fail) == {}
    shutil.copy(shipped_path(data, FAKE), shipped_path(data, other))
    assert load_shipped(data, other, pytest.fail) == {}


@pytest.mark.parametrize("damage", [b"", b"not a zip at all", "truncated"])
def test_a_damaged_file_is_said_and_rebuilt(strict: Path, tmp_path: Path, damage) -> None:
    """Empty, garbage or cut short: a Swedish note, the texts embedded, the file whole again."""
    data = with_cache_of(strict, tmp_path / "data")
    path = shipped_path(data, FAKE)
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2] if damage == "truncated" else damage)
    said = run(data)
    assert any(line.startswith("obs: sparade vektorer för programmets egna texter")
               for line in said)
    assert saved_texts(data) == saved_texts(strict)


def test_a_write_that_fails_half_way_leaves_the_old_file(strict: Path, tmp_path: Path,
                                                         monkeypatch) -> None:
    """Written beside and renamed in: a crash mid-write leaves the old file and no leftover."""
    data = with_cache_of(strict, tmp_path / "data")
    path = shipped_path(data, FAKE)
    before = path.read_bytes()

    def crash(out, **_):
        out.write(b"PK half")
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", crash)
    said: list[str] = []
    assert not save_shipped(data, FAKE, {}, {"query": {"x": np.ones(4, np.float32)}},
                            said.append)
    assert path.read_bytes() == before and [p.name for p in path.parent.iterdir()] == [path.name]
    assert said and "kunde inte sparas" in said[0]


def test_updated_keeps_wanted_texts_only() -> None:
    """Saved vectors win over fresh ones (they are the same), unwanted texts are dropped."""
    one, two = np.ones(2, np.float32), np.full(2, 2.0, np.float32)
    out = updated({"query": {"a": one, "old": one}}, {"query": {"a": two, "b": two, "c": two}},
                  {"query": ["a", "b", "z"]})
    assert list(out["query"]) == ["a", "b"] and out["query"]["a"] is one


def test_the_adapters_judged_queries_are_shipped_texts() -> None:
    """The adapter's queries are the software's: named with the banks and the ontology's
    article queries, so a later ingest reuses their vectors."""
    assert set(judged_texts()) <= set(shipped_texts([])) and len(judged_texts()) > 600


@pytest.mark.slow  # one real-model ingest beside the session's
def test_the_real_model_gives_the_same_index_and_graphs_from_saved_vectors(
        built_data: Path, tmp_path: Path) -> None:
    """built_data's ingest embedded everything (its data directory was empty) and saved the
    shipped texts' vectors; an ingest that reuses them gives bit-identical vectors, the same
    gate and the same graphs."""
    from search.engine import embedder_for
    from web.settings import resolve

    settings = resolve({"data": built_data})
    data = tmp_path / "data"
    data.mkdir()
    (data / "models").symlink_to(built_data / "models")
    real = embedder_for(settings["embed_model"], str(built_data), bulk=True)
    assert load_shipped(built_data, real.fingerprint, pytest.fail, export_of(real)).get("query")
    ingest(bundled_reports(), data, settings["base_iri"],
           embedder_for(settings["embed_model"], str(built_data), bulk=True),
           progress=lambda _: None)
    assert_same_result(data, built_data)


def test_a_new_export_of_the_same_model_never_reuses_the_old_vectors(tmp_path: Path) -> None:
    """Keyed by the export's manifest too: another FORMAT (an encoder-code change that keeps
    the model's fingerprint) misses the cache, embeds the shipped texts again and saves them
    under its own key; the unchanged export hits. Each ingest starts from a data directory
    holding only the saved shipped vectors (no index whose kept vectors could answer)."""
    export = tmp_path / "export"
    export.mkdir()
    (export / MANIFEST).write_text(json.dumps({"format": FORMAT, "source": FAKE}), "utf-8")

    def ingest_with_cache_of(source: Path | None, data: Path) -> Counting:
        if source is not None:
            shutil.copytree(shipped_path(source, FAKE).parent, shipped_path(data, FAKE).parent)
        counting = Counting()
        counting.export = export  # what an OnnxEmbedder names its export folder
        run(data, counting)
        return counting

    first = ingest_with_cache_of(None, tmp_path / "first")
    old = shipped_path(tmp_path / "first", FAKE, export)
    assert set(bank_texts()) <= set(first.queries)
    assert old.is_file() and old != shipped_path(tmp_path / "first", FAKE)
    again = ingest_with_cache_of(tmp_path / "first", tmp_path / "again")
    assert not set(again.queries) & set(bank_texts())
    (export / MANIFEST).write_text(json.dumps({"format": FORMAT + "-next", "source": FAKE}),
                                   "utf-8")
    assert load_shipped(tmp_path / "first", FAKE, pytest.fail, export) == {}
    rebuilt = ingest_with_cache_of(tmp_path / "first", tmp_path / "rebuilt")
    assert set(bank_texts()) <= set(rebuilt.queries)
    new = shipped_path(tmp_path / "rebuilt", FAKE, export)
    assert new.name != old.name and (new.parent / old.name).is_file()
    assert set(bank_texts()) <= set(load_shipped(tmp_path / "rebuilt", FAKE, pytest.fail,
                                                 export)["query"])


def test_export_folders_and_vector_files_share_one_file_name_rule(tmp_path: Path) -> None:
    """One clean-up of a fingerprint into a file name for both."""
    odd = "hf:org/model name:384:ä"
    assert export_dir(tmp_path, odd).name == file_safe(odd) == "hf_org_model_name_384_ä"
    assert shipped_path(tmp_path, odd).name == file_safe(odd) + ".npz"
