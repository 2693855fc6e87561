"""Round 23: the prompt the action sentences are embedded with, for the rights ranking (issue 10).

Run: PYTHONPATH=. .venv/bin/python benchmarks/rights_round23.py --data DIR [--baseline-only]
    [--variant P|K]
Protocol and results: benchmarks/results/rights_eval_round23_prompt.txt (P) and
rights_eval_round23_context.txt (K); rules fixed in benchmarks/results/round23_gates.txt before
the runs. Judges, nested LOAO, clauses (a)-(e) and the
per-fold re-choice of the class thresholds are round 22's (rights_round22.run_variant).
  P (prompt): deployed, the article's two queries carry the model's query prompt and the sentences
    its passage prompt. QQ embeds the sentences with the query prompt too (e5's advice for
    symmetric similarity); QM takes the mean of the two prompts' cosines.
  K (context): KC embeds each sentence as "<mål title>. <section heading>. <sentence>" (passage
    prompt), as search's passages carry their place; KM takes the mean of the bare and the placed
    sentence's cosines.
"""

from __future__ import annotations

import sys

import numpy as np

# run as a script, so benchmarks/ is on the path
import rights_eval as R
import rights_round21 as X
import rights_round22 as Y
import rights_variants as V

from web.pipeline.rights_score import Features, PairScore, article_queries, pair_scores

MIX = V.MIX


def sentence_cosines(inputs: R.Inputs, embed: str) -> np.ndarray:
    """Mean cosine of each sentence (embedded by the embedder's `embed` method) to each article's
    two queries: features()' dense signal with another prompt on the sentences."""
    feats, embedder = inputs.features, inputs.embedder
    queries = article_queries(feats.articles, embedder)
    texts = list(dict.fromkeys(s.text for s in feats.sentences))
    row = {t: i for i, t in enumerate(texts)}
    vectors = getattr(embedder, embed)(texts)[[row[s.text] for s in feats.sentences]]
    return (queries @ vectors.T).mean(axis=0)


def placed_cosines(inputs: R.Inputs) -> np.ndarray:
    """features()' dense signal with each sentence embedded behind its mål title and heading."""
    feats, embedder = inputs.features, inputs.embedder
    titles = {g.letter: g.title for area in R.read_report(R.bundled_reports()[0]).goal_areas
              for g in area.goals}
    place = {inputs.base + p["id"]: ". ".join(x for x in (titles.get(p.get("goal") or ""),
                                                          p.get("heading") or "") if x)
             for p in inputs.passages}
    texts = [f"{place[s.passage]}. {s.text}" if place.get(s.passage) else s.text
             for s in feats.sentences]
    unique = list(dict.fromkeys(texts))
    row = {t: i for i, t in enumerate(unique)}
    vectors = embedder.embed_passages(unique)[[row[t] for t in texts]]
    return (article_queries(feats.articles, embedder) @ vectors.T).mean(axis=0)


def prompt_pairs(feats: Features, dense: np.ndarray) -> list[PairScore]:
    """The deployed pairs with another dense signal."""
    return pair_scores(Features(feats.articles, feats.sentences, dense, feats.lexical), *MIX)


def main() -> None:
    """Parse the arguments; print the baseline, then one variant's grid, nested LOAO and verdict."""
    parser = X.staged_parser(__doc__)
    parser.add_argument("--variant", choices=("P", "K"), default="P",
                        help="which variant's grid, nested LOAO and verdict to run")
    started = Y.staged_start(parser)
    if started is None:
        return
    args, inputs, second, cases, base = started
    out, feats = sys.stdout, inputs.features
    passage = sentence_cosines(inputs, "embed_passages")
    out.write(f"check: passage-prompt cosines vs features(): max |diff| "
              f"{float(np.abs(passage - feats.dense).max()):.2e}\n")
    if args.variant == "K":
        placed = placed_cosines(inputs)
        out.write(f"placed vs bare cosines: correlation "
                  f"{float(np.corrcoef(placed.ravel(), passage.ravel())[0, 1]):.4f}\n")
        grid = [("KC", prompt_pairs(feats, placed)),
                ("KM", prompt_pairs(feats, (placed + passage) / 2))]
    else:
        query = sentence_cosines(inputs, "embed_queries")
        out.write(f"query- vs passage-prompt cosines: mean {float(query.mean()):.4f} vs "
                  f"{float(passage.mean()):.4f}, correlation "
                  f"{float(np.corrcoef(query.ravel(), passage.ravel())[0, 1]):.4f}\n")
        grid = [("QQ", prompt_pairs(feats, query)),
                ("QM", prompt_pairs(feats, (query + passage) / 2))]
    passes, gain = Y.run_variant(out, args.variant, grid, inputs, cases, base, second)
    out.write(f"\nOUTCOME ({args.variant}): {args.variant} "
              f"{'goes to the gate' if passes else 'fails'} ((a)+(b) gain {gain:+.4f})\n")


if __name__ == "__main__":
    main()
