"""Search quality with the real model: held-out nDCG, and knowing when nothing matches."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from search.engine import embedder_for, open_searcher
from search.evaluate import DevQuery, evaluate, load_dev_set
from search.hybrid import HybridSearcher

pytestmark = pytest.mark.slow

DATA = Path(__file__).resolve().parent / "data"
# Written for this test, never used to calibrate the gate (that is search/offtopic_bank.txt).
NONSENSE = [
    "mnbvcx lkjhgf", "ghjk ghjk ghjk", "plorf wibble zonk", "tttt rrrr eeee wwww",
    "qazwsx edcrfv", "vbnm vbnm", "kräxl flömp", "ooo iii uuu", "jjjjjjjj", "wxq pzt klm",
    "fjdksla fjdksla", "zork grue", "ploppa snurrgnä", "asdf jklö", "hhh ggg fff ddd",
    "qwe rty uio", "blipp blopp", "xyxyxy zqzq", "trrrk vvvv", "mmm nnn bbb vvv",
]
OUT_OF_DOMAIN = [
    "vad kostar en ny elcykel", "hur tränar man inför ett maraton", "bästa sushi i Stockholm",
    "Allsvenskan tabell 2025", "how do I reset my router password", "recipe for lasagna",
    "kärnfysik och fusionsenergi", "när blommar körsbärsträden i Japan", "Beatles bästa album",
    "köpa begagnad båt", "vilket operativsystem är bäst för gaming",
    "sommarstugor att hyra på Gotland", "pyramiderna i Giza byggdes", "fotbolls-VM final 2022",
    "the history of the Roman empire", "hur gör man surdegsbröd",
    "aktier eller fonder för nybörjare",
]


@pytest.fixture(scope="module")
def searcher(built_data: Path) -> HybridSearcher:
    from web.pipeline.layout import index_home
    from web.settings import resolve

    settings = resolve({"data": built_data})
    return open_searcher(index_home(built_data),
                         embedder_for(settings["embed_model"], str(built_data)))


@pytest.fixture(scope="module")
def parts() -> dict[str, list[DevQuery]]:
    return {part: load_dev_set(DATA / f"search_{part}.jsonl") for part in ("tune", "heldout")}


@pytest.fixture(scope="module")
def scores(searcher: HybridSearcher, parts) -> dict[str, dict[str, float]]:
    """nDCG@10 per part and mode."""
    out: dict[str, dict[str, float]] = {}
    for part, queries in parts.items():
        out[part] = {mode: evaluate(lambda q, k, m=mode: [h.passage["id"] for h in
                                                          searcher.search(q, k, m)],
                                    queries, 10)["ndcg"] for mode in ("bm25", "dense", "hybrid")}
    print(f"\nnDCG@10: {out}")
    return out


def test_hybrid_beats_both_sides_on_queries_it_was_not_tuned_on(scores) -> None:
    held = scores["heldout"]
    assert held["hybrid"] > max(held["bm25"], held["dense"])


def test_hybrid_beats_both_sides_on_the_tuning_part(scores) -> None:
    tune = scores["tune"]
    assert tune["hybrid"] >= max(tune["bm25"], tune["dense"]) + 0.05


@pytest.mark.parametrize("mode", ["hybrid", "dense"])
def test_nonsense_gets_no_hits(searcher: HybridSearcher, mode: str) -> None:
    for text in NONSENSE:
        result = searcher.search_page(text, 10, mode)
        assert result.hits == [] and result.total == 0 and result.off_topic, text


def test_most_everyday_out_of_domain_questions_get_no_hits(searcher: HybridSearcher) -> None:
    refused = [q for q in OUT_OF_DOMAIN if searcher.search_page(q, 10).off_topic]
    # measured 2026-12-01: 8 of 17 (the gate is weakest on Swedish everyday questions that
    # share words with the report, e.g. "bästa", "tabell", "aktier")
    assert len(refused) >= len(OUT_OF_DOMAIN) // 3, refused


def _relevant_lost(searcher: HybridSearcher, queries: list[DevQuery]) -> dict[str, list[str]]:
    """Relevant passages an unthresholded search finds in its top 10 that the real one drops."""
    open_index = dataclasses.replace(searcher.index, gate=None)
    unthresholded = HybridSearcher(open_index, searcher.embedder, hit_floor=0.0)
    lost: dict[str, list[str]] = {}
    for q in queries:
        before = {h.passage["id"] for h in unthresholded.search(q.query, 10)} & set(q.relevant)
        after = {h.passage["id"] for h in searcher.search(q.query, 10)}
        if before - after:
            lost[q.query] = sorted(before - after)
    return lost


def test_no_tuning_query_loses_a_relevant_hit_to_the_threshold(searcher, parts) -> None:
    assert _relevant_lost(searcher, parts["tune"]) == {}


def test_held_out_queries_keep_their_relevant_hits_except_short_english(searcher,
                                                                        parts) -> None:
    lost = _relevant_lost(searcher, parts["heldout"])
    kinds = {q.query: q.type for q in parts["heldout"]}
    # measured: one short English query loses its hits to the gate ("violence against
    # women"); every Swedish query keeps its relevant hits
    assert all(kinds[text] == "english" for text in lost), lost
    assert len(lost) <= 2, lost
