"""Search quality with the real model: held-out nDCG, and knowing when nothing matches."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from search.engine import embedder_for, open_searcher
from search.evaluate import DevQuery, evaluate, load_dev_set
from search.hybrid import HybridSearcher
from search.query_adapter import FoldedDense
from web.cli.search import LAST_PART, REPORTED_PARTS

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
    # every part counts in the development and rights "gain" guards (type_ndcg reads them
    # all), so adding held-out 8-12 here widened those two guards too, not only their own
    # tests. The pool is tuning and held-out 2-29 (13 since round 14, 14-29 since round 19's
    # MX); held-out and held-out 30-41 are reported only
    names = ("tune", "heldout", *(f"heldout{n}" for n in range(2, LAST_PART + 1)))
    return {part: load_dev_set(DATA / f"search_{part}.jsonl") for part in names}


def offtopic_heldout(name: str = "search_offtopic_heldout.txt") -> list[str]:
    """Everyday questions written for this test and committed before the gate saw them."""
    lines = (DATA / name).read_text("utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


# The parts reported only (web.cli.search.REPORTED_PARTS); every other part is in the pool the
# judged-query memory is built from, where each query is its own nearest neighbour (round 15;
# held-out 14-29 joined it in round 19, MX)
REPORTED = tuple(part.replace("-", "").replace(" ", "") for part in REPORTED_PARTS)


@pytest.fixture(scope="module")
def forgetful(searcher: HybridSearcher) -> HybridSearcher:
    """The searcher without the judged-query memory's votes: the pool's guards read the rest of
    the ranking through it, since with the memory a pool query finds its own judgement. Its
    vouchers still answer at the gate (a gate matter, search.memory_vouch); a refused pool
    query is refused by the plain gate, so its own judged copy vouches for nothing. The errand
    check (round 24) reads the memory too, so there a pool query's own judged copy does speak:
    four pool questions (n02, n04, r01, ac11) pass it only so; for that check the pool's guards
    are in sample (eval_round24_errands.txt)."""
    return HybridSearcher(searcher.index, searcher.embedder, memory_weight=0.0)


@pytest.fixture(scope="module")
def results(searcher: HybridSearcher, forgetful: HybridSearcher,
            parts) -> dict[str, dict[str, dict]]:
    """evaluate() per part and mode: the reported parts as served, the pool's without the memory."""
    out: dict[str, dict[str, dict]] = {}
    for part, queries in parts.items():
        engine = searcher if part in REPORTED else forgetful
        out[part] = {mode: evaluate(lambda q, k, m=mode, e=engine: [h.passage["id"] for h in
                                                                    e.search(q, k, m)],
                                    queries, 10) for mode in ("bm25", "dense", "hybrid")}
    return out


@pytest.fixture(scope="module")
def scores(results) -> dict[str, dict[str, float]]:
    """nDCG@10 per part and mode."""
    out = {part: {mode: r["ndcg"] for mode, r in modes.items()} for part, modes in results.items()}
    print(f"\nnDCG@10: {out}")
    return out


def test_hybrid_beats_both_sides_on_every_type_of_the_reported_queries(results) -> None:
    # issue 9's must-show, read over every reported query as one (`bokslut eval`'s last
    # column; never tuned on, in no judged file): per type and overall, hybrid at or above the
    # better single mode, overall by 0.05 or more. Round 18: 1,063 queries, 0.850 vs dense
    # 0.762; since round 19's MX held-out and 30-35 (435 queries), since round 20 30-38 too (596),
    # since round 21 30-41 (767)
    rows = {mode: [row for part in REPORTED for row in results[part][mode]["rows"]]
            for mode in ("bm25", "dense", "hybrid")}

    def mean(mode: str, kind: str | None = None) -> float:
        chosen = [r["ndcg"] for r in rows[mode] if kind is None or r["type"] == kind]
        return sum(chosen) / len(chosen)

    assert len(rows["hybrid"]) >= 400
    assert mean("hybrid") >= max(mean("bm25"), mean("dense")) + 0.05
    for kind in {r["type"] for r in rows["hybrid"]}:
        assert mean("hybrid", kind) >= max(mean("bm25", kind), mean("dense", kind)), kind


def test_the_memory_gains_on_the_blind_sets(searcher, forgetful, parts) -> None:
    # round 15: set 16 was its one gate (0.787 -> 0.835); sets 14 and 15 were read after it
    # (0.801 -> 0.848, 0.781 -> 0.812). Since round 19's MX those three are in the memory, so the
    # test reads round 19's blind sets, in no judged file
    for part in ("heldout30", "heldout31", "heldout32", "heldout33", "heldout34", "heldout35"):
        served, without = (evaluate(lambda q, k, e=e: [h.passage["id"] for h in e.search(q, k)],
                                    parts[part], 10)["ndcg"] for e in (searcher, forgetful))
        assert served >= without + 0.02, part


def test_hybrid_beats_both_sides_on_queries_it_was_not_tuned_on(scores) -> None:
    held = scores["heldout"]
    assert held["hybrid"] > max(held["bm25"], held["dense"])


def test_hybrid_beats_both_sides_on_the_second_held_out_set(scores) -> None:
    held = scores["heldout2"]  # written blind in round 3; a pool part since round 13
    assert held["hybrid"] >= max(held["bm25"], held["dense"]) + 0.05


def test_hybrid_beats_both_sides_on_the_third_held_out_set(scores) -> None:
    held = scores["heldout3"]  # written blind in round 4; a pool part since round 13
    assert held["hybrid"] > max(held["bm25"], held["dense"])


def test_hybrid_beats_both_sides_on_the_fourth_held_out_set(scores) -> None:
    held = scores["heldout4"]  # written blind in round 5; a pool part since round 13
    assert held["hybrid"] > max(held["bm25"], held["dense"])


def type_ndcg(engine: HybridSearcher, parts, kind: str) -> float:
    """nDCG@10 of one engine over every part's queries of one type."""
    asks = [q for part in parts.values() for q in part if q.type == kind]
    return evaluate(lambda q, k: [h.passage["id"] for h in engine.search(q, k)], asks, 10)["ndcg"]


def test_development_questions_gain_from_the_report_s_sections(forgetful, parts) -> None:
    # without the memory on both sides: with it most of these queries find their own judgement
    plain = HybridSearcher(forgetful.index, forgetful.embedder, development_weight=0.0,
                           memory_weight=0.0)
    assert type_ndcg(forgetful, parts, "development") > type_ndcg(plain, parts, "development")


def test_a_right_named_only_by_everyday_words_does_not_open_the_gate(searcher) -> None:
    # "bästa … barn" holds every word of "barnets bästa" (CRC 3) but says nothing of rights
    assert searcher.search_page("bästa vinterjackan för barn", 10).off_topic
    assert searcher.search_page("barnets bästa", 10).hits


def test_rights_questions_gain_from_the_graph(forgetful: HybridSearcher, parts) -> None:
    # without the memory on both sides, as above
    plain = HybridSearcher(forgetful.index, forgetful.embedder, rights_weight=0.0,
                           memory_weight=0.0)
    assert type_ndcg(forgetful, parts, "rights") > type_ndcg(plain, parts, "rights")


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
    # measured: 8 of 17 in round 2, 13 of 17 in round 3 (still through: "Allsvenskan
    # tabell 2025", "aktier eller fonder för nybörjare", two more)
    assert len(refused) >= 12, refused


def test_held_out_everyday_questions_get_no_hits(searcher: HybridSearcher) -> None:
    texts = offtopic_heldout()
    with_hits = [q for q in texts if searcher.search_page(q, 10).total > 0]
    # measured 2026-12-01 (first run on these strings): 19 of 24 get none; the five that
    # still got hits share words with the report ("bästa … för barn", "skattedeklarationen");
    # round 5: "bästa vinterjackan för barn" no longer skips the gate as a named right; round
    # 24's errand check refuses "skattedeklarationen" (3)
    assert len(texts) >= 20 and len(with_hits) <= 3, with_hits


def test_round_four_everyday_questions_get_no_hits(searcher: HybridSearcher) -> None:
    texts = offtopic_heldout("search_offtopic_heldout3.txt")
    with_hits = [q for q in texts if searcher.search_page(q, 10).total > 0]
    # measured 2026-12-01 (first run on these strings): 13 of 15 get none; through are
    # "hur länge ska man vila efter en förkylning" and "symtom på järnbrist hos vuxna"
    assert len(texts) >= 15 and len(with_hits) <= 2, with_hits


def test_round_five_municipal_service_questions(searcher: HybridSearcher) -> None:
    texts = offtopic_heldout("search_offtopic_heldout4.txt")
    with_hits = [q for q in texts if searcher.search_page(q, 10).total > 0]
    # measured 2026-12-02 (first run, after the round-5 choices): 11 of 15 still got hits:
    # waste, permits, parking, water and roads are the municipality's business, so the
    # classifier (in-domain side: the report's headings) read them as in domain. Round 6: the
    # gate's service direction (search/service_bank.txt, errands of its own) refuses 7 more;
    # still through: residents' parking, snow clearing, the municipal tax, guest-harbour berths.
    # The same 4 measured (first run) after the 8 errands held-out 5 shares were removed
    assert len(texts) >= 15 and len(with_hits) <= 4, with_hits


def test_an_errand_the_search_cannot_answer_gets_no_hits(searcher: HybridSearcher) -> None:
    # round 24 (GT24: search.domain_gate.ERRAND_SERVICE_SCORE, ERRAND_TOP_SCORE): errands of dev
    # off-topic files (held-out 5, 6, 9) that the gate let through with 32-44 hits
    for text in ("boka hämtning av grovsopor", "dela min fastighet i två tomter via lantmäteriet",
                 "beställa gamla handlingar ur kommunarkivet för släktforskning"):
        page = searcher.search_page(text, 10)
        assert page.off_topic and page.total == 0, text
        assert searcher.search_page(text, 10, "dense").off_topic, text  # one verdict per query
    # the reported questions nearest the rule keep their grade-3 answer (service logits -5.46
    # and -6.27, under the floor; fused top scores 1.27 and 1.33, over it)
    near = {"hur kan man som invånare säga till när en gatlykta är trasig eller det är hål i "
            "gångvägen": "L581",
            "Vad gör kommunen för att förhindra att folk hoppar från broar?": "L678"}
    for text, answer in near.items():
        # still read as errands (else this guards nothing), and still answered
        assert searcher.index.gate.reads_as_errand(searcher.embedder.embed_queries([text])), text
        found = [h.passage["id"].rsplit("/", 1)[-1] for h in searcher.search(text, 10)]
        assert answer in found, (text, found)


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


@pytest.mark.parametrize("part", ["heldout", "heldout2", "heldout3", "heldout4", "heldout5",
                                  "heldout7", "heldout9"])
def test_held_out_queries_keep_their_relevant_hits(searcher, parts, part: str) -> None:
    # round 3 lost one short English query ("gambling among teenage boys"); English queries
    # now meet their own floor (search.domain_gate.MIN_DOMAIN_SCORE_ENGLISH). Round 4 lost
    # "RSMH" (held-out 3): its one passage is long, so BM25 scored the exact match 1.78,
    # under the old absolute floor; the gate now asks for a rare word instead. Held-out 5's
    # first run (round 6) lost two: "survey of invasive plant species in nature reserves"
    # ("of" against "in": read as Swedish) and "cykelstråksbelysning" (a compound of known
    # pieces counted as half a match); round 7 fixed both on the pool, held-out 5 being part.
    # Held-out 7 (blind, round 8) lost none in its one run of the final code: a guard set at
    # the measured value, not evidence (the blind figures are in benchmarks/results/eval.txt).
    # Round 10: the thesaurus let the open search find "neighbourhood watch"'s L790 through
    # "grannsamverkan" while the gate still refused the query (0 hits before the thesaurus
    # too); the gate now counts a word held through a rare report term as held as written.
    # Held-out 9 (blind, round 10) lost none on round 10's final code (measured, not chosen)
    assert _relevant_lost(searcher, parts[part]) == {}


def test_a_passage_s_best_sentence_lifts_the_dense_side(searcher, parts) -> None:
    # search.sentence_signal: the action sentences ingest keeps for the rights ranking. Read
    # without the passages' phrasings (round 32): with them hybrid gains nothing more from the
    # sentences on this pool (0.9574 with, 0.9576 without), the phrasings lifting the same rows
    assert searcher.sentences is not None and len(searcher.sentences) >= 100
    searcher = HybridSearcher(dataclasses.replace(searcher.index, phrasings=None),
                              searcher.embedder)
    plain = HybridSearcher(searcher.index, searcher.embedder)
    plain.sentences = None
    if plain.folded is not None:  # round 10: hybrid's dense side reads the adapter's folded
        # copy, with its own sentences (without this, hybrid compared with itself: equal)
        plain.folded = FoldedDense(plain.folded.adapter, plain.folded.dense, None)
    pool = [q for part in ("tune", "heldout2", "heldout3", "heldout4", "heldout5")
            for q in parts[part]]

    def ndcg(engine: HybridSearcher, mode: str) -> float:
        return evaluate(lambda q, k: [h.passage["id"] for h in engine.search(q, k, mode)],
                        pool, 10)["ndcg"]

    assert ndcg(searcher, "dense") > ndcg(plain, "dense")
    assert ndcg(searcher, "hybrid") > ndcg(plain, "hybrid")


def test_round_six_off_topic_strings(searcher: HybridSearcher) -> None:
    texts = offtopic_heldout("search_offtopic_heldout5.txt")
    with_hits = [q for q in texts if searcher.search_page(q, 10).total > 0]
    # first run (2026-12-02, after the round-6 choices): 3 of 20 got hits, 9 without the
    # service direction; but 8 errands of search/service_bank.txt, written at the same time
    # by another hand, shared their errand with lines here ("när kommer sotaren och vad
    # kostar sotningen" was in both). The bound is the measured first-run value after that
    # overlap was removed from the bank (floor re-chosen on the pool: unchanged): 4 of 20,
    # the polling station, bulky-waste pickup and two everyday ones; round 24's errand check
    # refuses the bulky-waste pickup (3)
    assert len(texts) >= 20 and len(with_hits) <= 3, with_hits


def test_hybrid_beats_both_sides_on_the_fifth_held_out_set(scores) -> None:
    held = scores["heldout5"]  # written blind in round 6, first run after the choices
    assert held["hybrid"] > max(held["bm25"], held["dense"])


def test_an_exact_acronym_of_the_report_passes_the_gate(searcher) -> None:
    # the classifier does not know "RSMH" (logit -6.6): the lexical side must let it through
    page = searcher.search_page("RSMH", 10)
    assert not page.off_topic and page.hits
    assert "RSMH" in page.hits[0].passage["text"]


def test_hybrid_beats_both_sides_on_the_sixth_held_out_set(scores) -> None:
    held = scores["heldout6"]  # written blind in round 7, first run after the choices
    assert held["hybrid"] > max(held["bm25"], held["dense"])


def test_the_sixth_held_out_set_loses_at_most_what_its_first_run_lost(searcher, parts) -> None:
    # first run (2026-12-02 10:45, after round 7's choices): three queries have a relevant
    # passage in the open top 10 that the real search drops. "Handlingsplan för
    # suicidprevention" and "nattfastan pa aldreboenden" (round 6's code lost them too) and
    # "BKA", whose L120 sits at rank 7 of the open search with 0.076, under the hit floor.
    # Round 8 (held-out 6 in the pool): the floor 0.10 keeps L638 (0.110); the other two stay
    lost = _relevant_lost(searcher, parts["heldout6"])
    assert len(lost) <= 2, lost


def test_round_seven_off_topic_strings(searcher: HybridSearcher) -> None:
    texts = offtopic_heldout("search_offtopic_heldout6.txt")
    with_hits = [q for q in texts if searcher.search_page(q, 10).total > 0]
    # first run (2026-12-02 10:45, round 7's code; round 6's the same): 3 of 20 got hits, a
    # heavy-transport permit, splitting a plot through the land survey, and an idiom; round 24's
    # errand check refuses the plot (2)
    assert len(texts) >= 20 and len(with_hits) <= 2, with_hits


def test_hybrid_beats_both_sides_on_the_seventh_held_out_set(scores) -> None:
    held = scores["heldout7"]  # written blind in round 8, run once on the final code
    assert held["hybrid"] > max(held["bm25"], held["dense"])


def test_round_eight_off_topic_strings(searcher: HybridSearcher) -> None:
    texts = offtopic_heldout("search_offtopic_heldout7.txt")
    with_hits = [q for q in texts if searcher.search_page(q, 10).total > 0]
    # first run of the final code (2026-12-02, round 8, after the heading signal was removed):
    # 4 of 20 got hits, all municipal errands (a private-road grant, public records, a new wood
    # stove, becoming a lay judge). The bound is that measured count: a guard against getting
    # worse, not evidence that the gate works (nothing was chosen with these strings); round 24's
    # errand check refuses the wood stove (3)
    assert len(texts) >= 20 and len(with_hits) <= 3, with_hits


def test_hybrid_beats_both_sides_on_the_eighth_held_out_set(scores) -> None:
    held = scores["heldout8"]  # written blind in round 9, first run on round 8's (unchanged) design
    # measured then: hybrid 0.711, dense 0.676, bm25 0.482
    assert held["hybrid"] > max(held["bm25"], held["dense"])


def test_round_nine_off_topic_strings(searcher: HybridSearcher) -> None:
    texts = offtopic_heldout("search_offtopic_heldout8.txt")
    with_hits = [q for q in texts if searcher.search_page(q, 10).total > 0]
    # first run (2026-12-02 15:50, round 8's design): 2 of 20 got hits, both municipal errands
    # (old paint tins and solvents, an abandoned scrap car). A guard measured once, not a choice
    assert len(texts) >= 20 and len(with_hits) <= 2, with_hits


def test_the_eighth_held_out_set_keeps_its_relevant_hits_but_two(searcher, parts) -> None:
    lost = _relevant_lost(searcher, parts["heldout8"])
    # first run: "Företagslots och NKI-råd" loses L353 and the typo "riskabla alkhoolvanor" L718
    # (round 10's code: L705 instead of L718, the same two queries)
    assert len(lost) <= 2, lost


# Blind sets, each run once by the lead when written and reported until they joined the pool;
# floors sit a little under the measured figures: guards against getting worse, nothing was chosen
# with them. Since round 13 held-out 9-12 are pool parts the query adapter is fitted on, so their
# figures are in-sample (0.793 / 0.764 / 0.825 / 0.732) and these floors guard them only loosely;
# the adapter's honest figure is leave-one-part-out (eval_round13_adapter.txt and round 14's).
# held-out 9 (round 10's final code): hybrid 0.773, dense 0.707, bm25 0.632. held-out 10, first run
# on round 10's code (a962ded): hybrid 0.714, dense 0.707, bm25 0.535; 0.730 (dense 0.723) with
# round 11's rare-phrase gate, prompted by this set's t48, so not blind for it. held-out 11, first
# run on round 11's code (148f20e): hybrid 0.803, dense 0.772, bm25 0.574. held-out 12, first run
# on round 12's gate (da89e1f): hybrid 0.688, dense 0.648, bm25 0.536. held-out 13, first run on
# round 12's final code (e5b1a89): hybrid 0.789, dense 0.761, bm25 0.607; 0.820 with round 13's
# adapter fitted on the pool's queries (its one gate, round13_gates.txt). Since round 14 held-out
# 13 is a pool part too (its 60 queries are in the adapter's pairs), so its figure is in-sample for
# the adapter from then on and its floor guards it only loosely. held-out 14 (reported until round
# 19, a pool part since MX), first run on round 13's code (7245035): hybrid 0.797, dense 0.777,
# bm25 0.522; 0.801 with round 14's adapter (gate A of round14_gates.txt); 0.848 with round 15's
# judged-query memory. Held-out 9-13 are pool parts, scored without the memory. held-out 15
# (reported until round 19, a pool part since MX), first run on round 14's code (066b7f8): hybrid
# 0.781, dense 0.727, bm25 0.520 (round15_gates.txt; its one gate, A, was not kept); 0.812 with the
# judged-query memory. held-out 16 (reported until round 19, in the pool since), first run on round
# 14's code and the digits change (32e8777): hybrid 0.787, dense 0.731, bm25 0.579; 0.835 with the
# memory
# (gate M). held-out 17, one first run on the shipped code with the memory (round15_gates.txt):
# hybrid 0.843, dense 0.723, bm25 0.533. held-out 18 (round 16's gates' set), first run on round
# 15's code: hybrid 0.818, dense 0.752, bm25 0.567 (no ranking change of round 16 reached it);
# held-out 19, one run on round 16's final code: hybrid 0.821, dense 0.757, bm25 0.565; held-out
# 20, written after it and run once on the same code: hybrid 0.914, dense 0.861, bm25 0.635.
# Round 17 (round17_gates.txt): held-out 21, the gates' set, first run on round 16's code: hybrid
# 0.863, dense 0.749, bm25 0.586 (no change of the round moved a query of it); held-out 22 and 23,
# written by helpers who read no earlier set while writing, each run once on the final code with
# J (0.840, 0.845), then on the code without it: hybrid 0.841 and 0.846, dense 0.766 and 0.757;
# with the initiative rescue (prompted by set 22) 0.858 and 0.846; held-out 24, written the same
# way, gate IN's set, first run 0.871 (dense 0.755, bm25 0.538), unchanged by IN.
# Round 18 (round18_gates.txt), all four written the same way, less the queries word for word an
# earlier set's: held-out 25 (gate IN4) 0.886, dense 0.791; 26 (gate T3) 0.802, dense 0.702; 27
# (gate N2i) 0.727, dense 0.620 (the hardest: everyday-worded paraphrases); 28, run once on the
# final code, 0.906, dense 0.824; 29 (gate N2j; 24 of its 56 queries are rights questions) 0.873,
# dense 0.747. Round 19 (round19_gates.txt), written the same way, first runs on main with round
# 19's keyboard walks: held-out 30 (gate TK, not adopted) 0.826, dense 0.729; 31 (gate KW) 0.835,
# dense 0.714; 33 (gate ER, adopted and taken out again) 0.829, dense 0.744; 32, run on the final
# code, 0.839, dense 0.752; 34 and 35 MX's, 0.880 and 0.891 served. Since MX held-out 14-29 are
# pool parts, in the memory: read here without it (as every pool part, the forgetful fixture), their
# floors 0.02 under those figures (0.719-0.915, round19_gates.txt); held-out 30-35's floors under
# their figures with MX (eval.txt). Round 20 (round20_gates.txt), written the same way: held-out 36
# (gate MM) 0.927 on its parent, 0.936 with MM; 37 (gate MR) 0.859 on main, 0.878 with MR, 0.894
# with MM too; 38, run once on the final code, 0.944 (dense 0.744). MM's new adapter moved the pool
# parts' no-memory figures (0.747-0.920): every floor above still sits under them. Round 21
# (round21_gates.txt), written the same way: held-out 39 (gate EN, adopted and taken out again)
# 0.908 on main and with EN (no query moved), dense 0.788; 40 0.908 on main (dense 0.771);
# 41 first run with EN 0.882, on the final code (round 20's search) 0.890, dense 0.721. Round 22
# (round22_gates.txt): 42 (30 indicator questions) 0.880 on main (dense 0.766), 43 0.916 (dense
# 0.784), 44 0.917 (dense 0.697). Round 23 (round23_gates.txt): 45 (30 indicator questions)
# 0.910 on main (dense 0.811), 46 0.937 (dense 0.796). Round 24 (eval_round24_indicator_weight.txt):
# 47 (30 indicator questions) 0.877 on main (dense 0.814), 48 (20) 0.887 (dense 0.770);
# eval_round24_indicator_dense.txt: 49 (30) 0.898 (dense 0.724), 50 (20) 0.894 (dense 0.757), each
# less one query word for word an earlier set's; eval_round24_errands.txt: 51 (gate GT) 0.922 on
# main and with GT (dense 0.790), 52 0.948 (dense 0.755). Round 25, first runs on main: 53 (30
# indicator questions) 0.944 (dense 0.851), 54 0.947 (dense 0.845), 55 0.908 (dense 0.774), 56
# 0.908 (dense 0.758); 55-56 the gate of OT25, which changed no query's figure and was not kept
# (eval_round25_known_offtopic.txt). Round 26, the gate of EW26 (kept) and OT26 (not kept): 57
# 0.918 on main, 0.920 with EW (dense 0.799), 58 0.845 / 0.852 (dense 0.640), 59 0.930 / 0.927
# (dense 0.779), 60 0.880 / 0.882 (dense 0.722); then 61 0.935 (dense 0.776) and 62 0.933 (dense
# 0.780), first runs with EW. Round 27, the gate of OT27 (kept): 63 0.958 (dense 0.792), 64 0.937
# (0.796), 65 0.913 (0.776), 66 0.923 (0.806); then 67 0.903 (0.760), 68 0.944 (0.767). Round 28,
# the search gate of the rights change QV3 (search kept as it was): 69 0.908 (dense 0.699), 70
# 0.936 (0.753), 71 0.950 (0.835), 72 0.916 (0.831). Round 29's, run once on that unchanged search
# under rule R29 (round29_gates.txt): 73 0.915 (dense 0.780), 74 0.917 (0.767), 75 (30 indicator
# questions) 0.899 (0.822), 76 (30) 0.911 (0.809); 77-80, KB29's gate and R29b's sets (KB29
# changes no answered question's ranking): 77 0.919 (0.789), 78 0.876 (0.756), 79 0.914 (0.798), 80
# 0.915 (0.774). Round 30's (round30_gates.txt), written in two other ways, on the final code
# (NJ30, which moves only verdicts): 81 0.895, 82 0.933 (search box), 83 0.830, 84 0.802
# (outsider; on round 29's search under R30 81-82 pooled 0.877, 83-84 0.809); NJ30's gate 85
# 0.915, 86 0.849 (search box), 87 0.813, 88 0.736 (outsider: lay-worded indicator questions);
# NJ30b's gate (not kept), on the final code: 89 0.808, 90 0.857 (search box), 91 0.875, 92 0.842.
# Round 31's (round31_gates.txt; search unchanged, CW31 not kept): 93 0.861, 94 0.870, 97 0.856,
# 98 0.854 (search box), 95 0.790, 96 0.842, 99 0.803, 100 0.786 (outsider). 94's floor is 0.84,
# not 0.85: its figure is 0.870 to three places and its floor must not rest on the fourth.
# LA31 (kept in round 31: indicator rows read through everyday names) moved them to 93 0.848,
# 94 0.887, 95 0.809, 96 0.863, 97 0.851, 98 0.858, 99 0.819, 100 0.813 (floors left as they
# were: each still under its figure); its gate 101 0.838, 102 0.843. Round 32's (round32_gates.txt),
# with PA32v (narrative passages read through everyday phrasings by hybrid's ranking, kept): 103
# 0.901, 104 0.850, 107 0.845, 108 0.874 (search box), 105 0.869, 106 0.866 (outsider); on the
# search before it 0.896, 0.834, 0.828, 0.863, 0.861, 0.852. Round 32's 109-112, run once on PA32v:
# 109 0.887, 110 0.851 (search box), 111 0.797, 112 0.833 (outsider). PJ32b (kept: a refused query
# nearer a passage's phrasing than any known string passes) answered more of them (110 0.900, 112
# 0.848, 107 0.877, 108 0.891; floors left under their figures); its gate 113 0.850, 114 0.857
# (search box), 115 0.846, 116 0.822 (outsider). Round 33's (round33_gates.txt), with ST33v (kept:
# hybrid's fusion hears a ranking memory that holds the tuning style parts' judged questions too;
# every earlier figure rose or held, floors left under them): 117 0.891, 118 0.895, 119 0.882,
# 120 0.913 (outsider; ST33s's gate, on main's search 0.871, 0.830, 0.812, 0.872); ST33v's gate 121
# 0.882, 122 0.903 (outsider), 123 0.923, 124 0.877 (search box; on main's 0.835, 0.861, 0.910,
# 0.846).
# Each floor is its figure - 0.02, rounded down.
@pytest.mark.parametrize(("part", "floor"), [("heldout9", 0.76), ("heldout10", 0.72),
                                             ("heldout11", 0.78), ("heldout12", 0.66),
                                             ("heldout13", 0.80), ("heldout14", 0.81),
                                             ("heldout15", 0.77), ("heldout16", 0.78),
                                             ("heldout17", 0.78), ("heldout18", 0.79),
                                             ("heldout19", 0.78), ("heldout20", 0.89),
                                             ("heldout21", 0.78), ("heldout22", 0.82),
                                             ("heldout23", 0.80), ("heldout24", 0.81),
                                             ("heldout25", 0.81), ("heldout26", 0.74),
                                             ("heldout27", 0.69), ("heldout28", 0.84),
                                             ("heldout29", 0.84), ("heldout30", 0.85),
                                             ("heldout31", 0.85), ("heldout32", 0.85),
                                             ("heldout33", 0.85), ("heldout34", 0.86),
                                             ("heldout35", 0.87), ("heldout36", 0.91),
                                             ("heldout37", 0.87), ("heldout38", 0.92),
                                             ("heldout39", 0.88), ("heldout40", 0.88),
                                             ("heldout41", 0.86), ("heldout42", 0.86),
                                             ("heldout43", 0.89), ("heldout44", 0.89),
                                             ("heldout45", 0.89), ("heldout46", 0.91),
                                             ("heldout47", 0.85), ("heldout48", 0.86),
                                             ("heldout49", 0.87), ("heldout50", 0.87),
                                             ("heldout51", 0.89), ("heldout52", 0.92),
                                             ("heldout53", 0.92), ("heldout54", 0.92),
                                             ("heldout55", 0.88), ("heldout56", 0.88),
                                             ("heldout57", 0.90), ("heldout58", 0.83),
                                             ("heldout59", 0.90), ("heldout60", 0.86),
                                             ("heldout61", 0.91), ("heldout62", 0.91),
                                             ("heldout63", 0.93), ("heldout64", 0.91),
                                             ("heldout65", 0.89), ("heldout66", 0.90),
                                             ("heldout67", 0.88), ("heldout68", 0.92),
                                             ("heldout69", 0.88), ("heldout70", 0.91),
                                             ("heldout71", 0.93), ("heldout72", 0.89),
                                             ("heldout73", 0.89), ("heldout74", 0.89),
                                             ("heldout75", 0.87), ("heldout76", 0.89),
                                             ("heldout77", 0.89), ("heldout78", 0.85),
                                             ("heldout79", 0.89), ("heldout80", 0.89),
                                             ("heldout81", 0.87), ("heldout82", 0.91),
                                             ("heldout83", 0.81), ("heldout84", 0.78),
                                             ("heldout85", 0.89), ("heldout86", 0.82),
                                             ("heldout87", 0.79), ("heldout88", 0.71),
                                             ("heldout89", 0.78), ("heldout90", 0.83),
                                             ("heldout91", 0.85), ("heldout92", 0.82),
                                             ("heldout93", 0.84), ("heldout94", 0.84),
                                             ("heldout95", 0.77), ("heldout96", 0.82),
                                             ("heldout97", 0.83), ("heldout98", 0.83),
                                             ("heldout99", 0.78), ("heldout100", 0.76),
                                             ("heldout101", 0.81), ("heldout102", 0.82),
                                             ("heldout103", 0.88), ("heldout104", 0.83),
                                             ("heldout105", 0.84), ("heldout106", 0.84),
                                             ("heldout107", 0.82), ("heldout108", 0.85),
                                             ("heldout109", 0.86), ("heldout110", 0.83),
                                             ("heldout111", 0.77), ("heldout112", 0.81),
                                             ("heldout113", 0.83), ("heldout114", 0.83),
                                             ("heldout115", 0.82), ("heldout116", 0.80),
                                             ("heldout117", 0.87), ("heldout118", 0.87),
                                             ("heldout119", 0.86), ("heldout120", 0.89),
                                             ("heldout121", 0.86), ("heldout122", 0.88),
                                             ("heldout123", 0.90), ("heldout124", 0.85)])
def test_hybrid_beats_both_sides_on_the_blind_sets(scores, part: str, floor: float) -> None:
    held = scores[part]
    assert held["hybrid"] >= floor
    assert held["hybrid"] >= max(held["bm25"], held["dense"])


# First runs: set 9 (round 10's final code) 2 of 20 got hits, an errand (old records from the
# municipal archive) and an everyday one (sanding a parquet floor); set 10 (round 10's code) 2
# of 20, both errands at a municipal venue (a market stall, a party room in the community hall);
# set 11 (round 11's code) 2 of 20, both errands (a grant for a car charger, a drone permit);
# set 12 (round 12's gate) 4 of 20: three errands (a parking permit, driving on the pedestrian
# street, a food truck) and "0000 #### !!!", refused since as a text with no word; set 13 (round
# 12's code) 9 of 40: three errands (a residents' parking permit, the water tariff, fortnightly
# bin collection), "population of Tokyo", "ölkjhgf dsa", "?? 12" and three strings of function
# words, refused since round 13 (no term for the lexical analyzer); round 14's corroborated near
# miss (search.domain_gate, gate D of round14_gates.txt) lets one more through, "vilket apotek har
# öppet på söndag" (seen by G14's suite run after its rule had adopted the change: 6 -> 7), and
# round 14's rule for digits and signs (search.domain_gate.no_letter_word, prompted by these two
# sets' "?? 12" and "!!! 42", so neither set is blind for it) refuses one string of each:
# set 13 7 -> 6, set 14 8 -> 7; set 15 (round 14's code) 3 of 40: two errands (booking the recycling
# centre, paper bags for food waste) and an everyday one (a remedy for a sore throat); set 16 (round
# 14's code and the digits change) 6 of 40: four errands (a parking disc, a sorting course, snow
# clearing of cycle paths, a property boundary) and two everyday ones (board games, a pharmacy);
# set 17 (the shipped code) 9 of 40: four errands, three everyday questions, the mash string
# "pqowieury" and the particles "ju nog väl", refused since round 16 (8 of 40); set 18 (round 15's
# code) 7 of 40: five errands or questions and "ty ändå dock", "hos åt ur", refused since round
# 16's closed-class words (5 of 40); set 19 5 of 40 on round 15's code, 4 since round 16's
# particles ("ju då nu"); set 20 (round 16's final code) 5 of 40: three errands or questions and
# two strings of words the lists lack ("ty ju sålunda", "bland emellertid samt"), refused since
# round 17's closed-class table; set 21 (round 16's code) 3 of 40: two errands and "... och 15"
# (its number is a term); set 22 (round 17's final code) 3 of 40: two everyday questions and
# "gfdsa ölkj hh"; set 23 (the same code) 7 of 40: five errands or everyday questions, a
# general-knowledge one and "ja nej kanske" ("ja" and "nej" are left out of the table on purpose);
# set 24 (round 17's code before IN, and with it) 5 of 40: four errands and "+ + 45 = ="; round
# 18's sets: 25 6 of 40 (errands and two general-knowledge questions), 26 9 of 40 (errands, everyday
# and general-knowledge questions), 27 6 of 40 (five errands or hobbies and "- , . 45"), 28 (the
# final code) 8 of 40 (errands, general knowledge, and "eller fast ju": "fast" is left out of the
# closed-class table on purpose), 29 (gate N2j) 4 of 40. Round 19's keyboard walks
# (search.keyboard_walk) refuse set 13's "ölkjhgf dsa" (6 -> 5, a dev file, seen before the
# change) and one of set 22 (3 -> 2, "gfdsa ölkj hh", seen after adoption: round19_gates.txt);
# round 19's sets, first runs on main with the keyboard walks (round19_gates.txt): 30 8 of 32,
# 31 5 of 33, 32 8 of 32, 33 5 of 34, 34 8 of 32, 35 5 of 30 (errands, everyday and
# general-knowledge questions, a number with signs, "fast ju nog"); MX moves none. Round 20's
# sets (round20_gates.txt): 36 6 of 32 and 38 6 of 32 (errands, everyday and general-knowledge
# questions), 37 5 of 36 (two parking errands, a remedy, "Buenos Aires", "ju ty ändå fast dock");
# neither MR nor MM moves one. Round 21's (round21_gates.txt): 39 8 of 35 and 40 8 of 29 (errands
# and general-knowledge questions; first runs on main, EN moves none), 41 4 of 30 (three errands
# and a holiday cottage; the same with and without EN). Round 24's, first runs on main: 47 5 of
# 40 (three errands, two general-knowledge questions), 48 6 of 40 (four errands, a question of
# population, and "fast ändå liksom typ": "fast" again, left out of the table on purpose); 49 7 of
# 40 (five errands, a pharmacy, time zones), 50 9 of 40 (four errands, three everyday questions,
# two general-knowledge ones). Round 24's errand check (GT24, eval_round24_errands.txt) refused
# errands in 26 of these files (in 9, 11, 12, 14, 16, 17, 20, 23, 24, 26, 28, 32, 35-40, 42, 44-50
# one to three each): the bounds are its counts. Sets 51-52 (its gate, first runs on main and with
# it): 51 6 -> 4 of 40 (a disabled-parking card and a stone wall refused), 52 6 -> 6. Round
# 25's, first runs on main: 53 12 of 40 and 54 10 of 40 (errands, general-knowledge and everyday
# questions: "Machu Picchu och inkarikets historia" passes the gate at logit -4.52), 55 9 of 40,
# 56 13 of 39. The check they prompted (OT25: a query nearer a known off-topic string than any
# judged question) took them to 7, 8, 4 and 6 but was not kept (its latency clause,
# eval_round25_known_offtopic.txt). Round 26's (the gate of EW26 and OT26), first runs on main and
# with EW alike: 57 5 of 40, 58 7, 59 3, 60 8 (OT26, not kept for its latency clause, took them to
# 1, 2, 2 and 4: eval_round26_known_offtopic.txt); 61 9 of 40 and 62 7 of 40 (first runs with EW).
# Round 27 kept that check, asked only where the gate is unsure (OT27,
# eval_round27_known_offtopic.txt): every bound below is its count (the pool's files 9-29 are among
# its known strings, so theirs are in sample; without it these files let 1-13 strings through).
# Its gate sets 63-66: 8 -> 5, 8 -> 3, 5 -> 3, 7 -> 1; 67 1 and 68 6 of 40 (first runs with it).
# Round 28's 69-72 (search unchanged): 8 of 40, 3, 2 and 5 of 39 (one dropped as an earlier set's)
# Round 29's 73-76 (search unchanged; sign-only strings word for word an earlier set's dropped):
# 3 of 38, 4 of 39, 3 of 40 and 3 of 39 (errands sharing the report's words, everyday and
# general-knowledge questions, one string of archaic function words: round29_gates.txt). Round 29
# then kept KB29, the check reading a written bank of 900 known strings too
# (eval_round29_known_bank.txt): the bounds of 30-80 are its counts (reported files 144 -> 110
# strings with hits; 73-76 now 2, 3, 2, 2), its gate sets 77-80 4 -> 2, 5 -> 4, 3 -> 1, 2 -> 1.
# Round 30 kept NJ30 (a query the gate refuses passes when it sits nearer a judged question than
# any known string; the tuning style parts' off-topic strings joined the known ones): every bound
# is its count on the final code (round30_gates.txt; reported files 126 -> 117 strings with hits:
# 63 and 72 one more each, a resident parking permit and a tradesman's parking sticker; nine files
# one fewer). Round 30's 81-84 (R30, search unchanged) 3, 1, 2, 2; 85-88 (NJ30's gate) 3 -> 2,
# 2 -> 2, 0 -> 0, 1 -> 1; with the final code 81-88 are 3, 0, 2, 2, 2, 2, 0, 1. 89-92 (NJ30b's
# gate, not kept) on the final code: 1, 3, 2, 5 (errands: school bus, fritids fees, a tax rate).
# Round 31's 93-100 (search unchanged): 1, 2, 0, 3, 2, 3, 2, 1 (errands: a Christmas-tree stall
# permit, bulky waste, plots for sale, a housing-adaptation form, e-invoices, a swimming-bath fee,
# an officiant; and five general-knowledge strings). Round 31 kept LA31 (indicator rows read
# through everyday names on hybrid's dense side; round31_gates.txt): reported files 147 -> 146,
# 58 and 72 one fewer, 79 one more ("besiktning av vedkaminen innan första eldningen", an errand
# whose best passage now scores above the errand check's floor); the pool's files unchanged.
# Its gate 101-102: 2 and 3 (a shared bin, a conservatory's permit; three everyday strings).
# Round 32's 103-108 (PA32v moves no verdict: the same with and without it): 0, 1, 2, 0, 1, 3 (a
# naming ceremony, a school taxi, salting streets, industrial plots; three everyday strings).
# 109-112, run once on PA32v: 2, 3, 2, 3 (a property map, a dog park, a disabled parking permit, a
# school bus, residents' parking, snow ploughing; four everyday or general-knowledge strings).
# Round 32 then kept PJ32b (a refused query nearer a passage's phrasing than any known string
# passes; round32_gates.txt): 51, 52, 71, 76 and 101 one more each (a bike on the Öresund train,
# insoles, mammoths on Wrangel Island, a puppy park, a bike computer), against 28 questions newly
# answered. Its gate 113-116: 7, 3, 2, 1, the same without it (113: a civil wedding, the tax rate,
# council minutes, a physiotherapist, a half marathon, Mendel's peas, and "varom": one function word
# alone stays a term by design, search.closed_class; round32_gates.txt). Round 33's, the same on
# main's search and with ST33v (its verdicts are main's): 117 9 (residents' parking, a school
# change form, preschool fees, a puppy park, parking at a store, sewing, languages in Asunción, the
# EU's founding, and "alltmedan jämväl", two rare function words), 118 2, 119 2, 120 3, 121 3, 122
# 4, 123 3, 124 4.
@pytest.mark.parametrize(("name", "most"), [("search_offtopic_heldout9.txt", 0),
                                            ("search_offtopic_heldout10.txt", 0),
                                            ("search_offtopic_heldout11.txt", 0),
                                            ("search_offtopic_heldout12.txt", 0),
                                            ("search_offtopic_heldout13.txt", 0),
                                            ("search_offtopic_heldout14.txt", 0),
                                            ("search_offtopic_heldout15.txt", 0),
                                            ("search_offtopic_heldout16.txt", 0),
                                            ("search_offtopic_heldout17.txt", 0),
                                            ("search_offtopic_heldout18.txt", 1),
                                            ("search_offtopic_heldout19.txt", 0),
                                            ("search_offtopic_heldout20.txt", 0),
                                            ("search_offtopic_heldout21.txt", 1),
                                            ("search_offtopic_heldout22.txt", 0),
                                            ("search_offtopic_heldout23.txt", 0),
                                            ("search_offtopic_heldout24.txt", 1),
                                            ("search_offtopic_heldout25.txt", 1),
                                            ("search_offtopic_heldout26.txt", 1),
                                            ("search_offtopic_heldout27.txt", 1),
                                            ("search_offtopic_heldout28.txt", 2),
                                            ("search_offtopic_heldout29.txt", 1),
                                            ("search_offtopic_heldout30.txt", 4),
                                            ("search_offtopic_heldout31.txt", 0),
                                            ("search_offtopic_heldout32.txt", 1),
                                            ("search_offtopic_heldout33.txt", 1),
                                            ("search_offtopic_heldout34.txt", 3),
                                            ("search_offtopic_heldout35.txt", 1),
                                            ("search_offtopic_heldout36.txt", 0),
                                            ("search_offtopic_heldout37.txt", 1),
                                            ("search_offtopic_heldout38.txt", 3),
                                            ("search_offtopic_heldout39.txt", 0),
                                            ("search_offtopic_heldout40.txt", 1),
                                            ("search_offtopic_heldout41.txt", 2),
                                            ("search_offtopic_heldout42.txt", 1),
                                            ("search_offtopic_heldout43.txt", 1),
                                            ("search_offtopic_heldout44.txt", 0),
                                            ("search_offtopic_heldout45.txt", 0),
                                            ("search_offtopic_heldout46.txt", 6),
                                            ("search_offtopic_heldout47.txt", 1),
                                            ("search_offtopic_heldout48.txt", 1),
                                            ("search_offtopic_heldout49.txt", 2),
                                            ("search_offtopic_heldout50.txt", 1),
                                            ("search_offtopic_heldout51.txt", 3),
                                            ("search_offtopic_heldout52.txt", 4),
                                            ("search_offtopic_heldout53.txt", 2),
                                            ("search_offtopic_heldout54.txt", 7),
                                            ("search_offtopic_heldout55.txt", 4),
                                            ("search_offtopic_heldout56.txt", 5),
                                            ("search_offtopic_heldout57.txt", 2),
                                            ("search_offtopic_heldout58.txt", 0),
                                            ("search_offtopic_heldout59.txt", 1),
                                            ("search_offtopic_heldout60.txt", 3),
                                            ("search_offtopic_heldout61.txt", 2),
                                            ("search_offtopic_heldout62.txt", 2),
                                            ("search_offtopic_heldout63.txt", 4),
                                            ("search_offtopic_heldout64.txt", 2),
                                            ("search_offtopic_heldout65.txt", 3),
                                            ("search_offtopic_heldout66.txt", 1),
                                            ("search_offtopic_heldout67.txt", 0),
                                            ("search_offtopic_heldout68.txt", 4),
                                            ("search_offtopic_heldout69.txt", 6),
                                            ("search_offtopic_heldout70.txt", 3),
                                            ("search_offtopic_heldout71.txt", 3),
                                            ("search_offtopic_heldout72.txt", 3),
                                            ("search_offtopic_heldout73.txt", 2),
                                            ("search_offtopic_heldout74.txt", 3),
                                            ("search_offtopic_heldout75.txt", 2),
                                            ("search_offtopic_heldout76.txt", 2),
                                            ("search_offtopic_heldout77.txt", 2),
                                            ("search_offtopic_heldout78.txt", 4),
                                            ("search_offtopic_heldout79.txt", 2),
                                            ("search_offtopic_heldout80.txt", 1),
                                            ("search_offtopic_heldout81.txt", 3),
                                            ("search_offtopic_heldout82.txt", 0),
                                            ("search_offtopic_heldout83.txt", 2),
                                            ("search_offtopic_heldout84.txt", 2),
                                            ("search_offtopic_heldout85.txt", 2),
                                            ("search_offtopic_heldout86.txt", 2),
                                            ("search_offtopic_heldout87.txt", 0),
                                            ("search_offtopic_heldout88.txt", 1),
                                            ("search_offtopic_heldout89.txt", 1),
                                            ("search_offtopic_heldout90.txt", 3),
                                            ("search_offtopic_heldout91.txt", 2),
                                            ("search_offtopic_heldout92.txt", 5),
                                            ("search_offtopic_heldout93.txt", 1),
                                            ("search_offtopic_heldout94.txt", 2),
                                            ("search_offtopic_heldout95.txt", 0),
                                            ("search_offtopic_heldout96.txt", 3),
                                            ("search_offtopic_heldout97.txt", 2),
                                            ("search_offtopic_heldout98.txt", 3),
                                            ("search_offtopic_heldout99.txt", 2),
                                            ("search_offtopic_heldout100.txt", 1),
                                            ("search_offtopic_heldout101.txt", 3),
                                            ("search_offtopic_heldout102.txt", 3),
                                            ("search_offtopic_heldout103.txt", 0),
                                            ("search_offtopic_heldout104.txt", 1),
                                            ("search_offtopic_heldout105.txt", 2),
                                            ("search_offtopic_heldout106.txt", 0),
                                            ("search_offtopic_heldout107.txt", 1),
                                            ("search_offtopic_heldout108.txt", 3),
                                            ("search_offtopic_heldout109.txt", 2),
                                            ("search_offtopic_heldout110.txt", 3),
                                            ("search_offtopic_heldout111.txt", 2),
                                            ("search_offtopic_heldout112.txt", 3),
                                            ("search_offtopic_heldout113.txt", 7),
                                            ("search_offtopic_heldout114.txt", 3),
                                            ("search_offtopic_heldout115.txt", 2),
                                            ("search_offtopic_heldout116.txt", 1),
                                            ("search_offtopic_heldout117.txt", 9),
                                            ("search_offtopic_heldout118.txt", 2),
                                            ("search_offtopic_heldout119.txt", 2),
                                            ("search_offtopic_heldout120.txt", 3),
                                            ("search_offtopic_heldout121.txt", 3),
                                            ("search_offtopic_heldout122.txt", 4),
                                            ("search_offtopic_heldout123.txt", 3),
                                            ("search_offtopic_heldout124.txt", 4)])
def test_blind_off_topic_strings(searcher: HybridSearcher, name: str, most: int) -> None:
    texts = offtopic_heldout(name)
    with_hits = [q for q in texts if searcher.search_page(q, 10).total > 0]
    assert len(texts) >= 20 and len(with_hits) <= most, with_hits


@pytest.mark.parametrize("text", ["0000 #### !!!", "1234", "2 + 2 = 4 ???", "### 12345 ###",
                                  "42", "!!! 42", "?? 12"])
def test_a_text_with_no_word_gets_no_hits(searcher: HybridSearcher, text: str) -> None:
    # round 12: set 12's "0000 #### !!!" passed the classifier (its embedding sits near the
    # indicators' numbers) with 38 hits; digits and signs alone are now nonsense, unless the
    # lexical side finds them ("### 99 ###": one passage holds "99", a rare match, and passes)
    page = searcher.search_page(text, 10)
    assert page.off_topic and page.total == 0


def test_a_number_the_report_holds_still_passes(searcher: HybridSearcher) -> None:
    # the nonsense rule is asked only when nothing matched lexically: "99" is one passage's
    page = searcher.search_page("### 99 ###", 10)
    assert not page.off_topic and page.hits
    # and answered by the passages holding it, not by the dense side's noise after them (round 15)
    assert page.total == 1 and all("99" in hit.passage["text"] for hit in page.hits)


def test_a_name_inside_a_longer_question_opens_the_gate(searcher: HybridSearcher) -> None:
    # round 11 (held-out 10, t48): refused while the name's words were diluted by the question's
    # (lexical match 0.5 < 2/3, the classifier at -5.08); the run "krogar mot knark" is one
    # passage's, verbatim (search.query_signals.Phrases)
    question = "Krogar mot knark – vad har kartlagts om droger på restauranger"
    assert searcher.search_page(question, 10).hits


def test_a_split_compound_of_the_report_opens_the_gate(searcher: HybridSearcher) -> None:
    # round 11 (held-out 10, t60): two common words to the lexical match, refused; round 12
    # joins them at the gate only ("idrottsgalan" is one passage's word; eval_round12_phrase.txt)
    page = searcher.search_page("idrotts galan", 10)
    assert page.hits and "idrottsgalan" in page.hits[0].passage["text"].casefold()
