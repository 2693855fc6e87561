"""The 4-bit (MatMulNBits) encoder against the fp32 export, and int8 for reference, in one run.

Run: .venv/bin/python benchmarks/bench_nbits.py --data DIR [--out FILE]

DIR is an ingested data directory (fp32 export and live index). Its export is linked into a
scratch folder (--work, default /tmp/bench-nbits) where the variants are made, so nothing is
written into DIR. Prints, all measured in this run and interleaved (each round turns the order):
query p50 per 20-token question (one question per call, benchmarks/questions_20_tokens.txt) on
spinning and non-spinning two-thread sessions and a one-thread one; passages/s over every indexed
passage on ingest's bulk path; cosine min/mean to fp32 over every judged query (all
tests/data/search_*.jsonl) and every passage; load time and RSS in fresh processes. No thresholds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from search.embedder import resolve_model
from search.index_store import SearchIndex
from search.onnx_encoder import OnnxEmbedder, _session, _tokenizer, mean_pool
from search.onnx_export import ONNX_FILE
from search.onnx_loading import existing_export
from search.onnx_nbits import NBITS_RECIPES, NbitsRecipe, ensure_nbits
from search.onnx_quantize import RECIPES, ensure_quantised
from web.pipeline.layout import index_dir

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = Path(__file__).with_name("questions_20_tokens.txt")
ACC0 = NbitsRecipe("nbits-acc0", accuracy_level=0)  # only measured: ORT's default level


def variants(export: Path, work: Path) -> dict[str, Path]:
    """Name -> export folder: fp32 (linked), the 4-bit recipes and int8-pc-rr, made in `work`."""
    fp32 = work / "fp32"
    fp32.mkdir(parents=True, exist_ok=True)
    for name in ("manifest.json", ONNX_FILE):
        if not (fp32 / name).exists():
            (fp32 / name).symlink_to(export.resolve() / name)
    folders = {"fp32": fp32}
    for recipe in (ACC0, *NBITS_RECIPES.values()):
        folders[recipe.name] = ensure_nbits(fp32, recipe)
    folders["int8-pc-rr"] = ensure_quantised(fp32, RECIPES["int8-pc-rr"])
    return folders


def query_p50(model_dir: Path, folders: dict[str, Path], questions: list[str],
              passes: int) -> dict[str, float]:
    """Milliseconds per question for each (variant, session kind), all interleaved."""
    kinds = {"spin2": (2, True), "nospin2": (2, False), "nospin1": (1, False)}
    embedders = {}
    for name, folder in folders.items():
        for kind, (threads, spinning) in kinds.items():
            embedder = OnnxEmbedder(model_dir, folder)
            # spin_us 0: the nospin kinds do not spin at all, as when round 8 measured them
            embedder._sessions["serve"] = _session(folder / ONNX_FILE, threads, spinning, 0)
            embedder.embed_queries(questions[:3])  # warm: arenas grown
            embedders[f"{name} {kind}"] = embedder
    times: dict[str, list[float]] = {key: [] for key in embedders}
    keys = list(embedders)
    for turn in range(passes):
        for question in questions:
            for key in keys if turn % 2 == 0 else keys[::-1]:
                started = time.perf_counter()
                embedders[key].embed_queries([question])
                times[key].append((time.perf_counter() - started) * 1000)
    return {key: statistics.median(values) for key, values in times.items()}


def judged_queries() -> list[str]:
    """Every judged query text of tests/data/search_*.jsonl."""
    texts = []
    for path in sorted((ROOT / "tests" / "data").glob("search_*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                texts.append(json.loads(line)["query"])
    return texts


def bulk_run(model_dir: Path, folders: dict[str, Path], passages: list[str],
             queries: list[str], chunks: int) -> tuple[dict, dict, dict]:
    """Passages/s on ingest's bulk path (chunks interleaved), and every passage's and
    judged query's vector per variant."""
    embedders = {name: OnnxEmbedder(model_dir, folder, bulk=True)
                 for name, folder in folders.items()}
    seconds = dict.fromkeys(folders, 0.0)
    parts: dict[str, list[np.ndarray]] = {name: [] for name in folders}
    names = list(folders)
    for i in range(chunks):
        chunk = passages[i::chunks]
        for name in names if i % 2 == 0 else names[::-1]:
            started = time.perf_counter()
            parts[name].append(embedders[name].embed_passages(chunk))
            seconds[name] += time.perf_counter() - started
    order = np.argsort(np.concatenate([np.arange(len(passages))[i::chunks]
                                       for i in range(chunks)]))
    vectors = {name: np.vstack(parts[name])[order] for name in names}
    rate = {name: len(passages) / seconds[name] for name in names}
    query_vectors = {name: np.vstack([e.embed_queries([q]) for q in queries])
                     for name, e in embedders.items()}
    return rate, vectors, query_vectors


PROBE_TEXT = "Vad gör kommunen för barn i ekonomiskt utsatta familjer?"


def saved_optimised(folder: Path) -> Path:
    """The export as ONNX Runtime saves it after its load-time optimisation (made once)."""
    import onnxruntime as ort

    target = folder.parent / f"{folder.name}-optimised.onnx"
    if not target.is_file():
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.optimized_model_filepath = str(target)
        ort.InferenceSession(str(folder / ONNX_FILE), options, providers=["CPUExecutionProvider"])
    return target


def load_probe(model_dir: str, path: str, saved: bool) -> None:
    """In a fresh process: seconds to open a serving session on `path` (a saved optimised
    graph opens without optimising again), RSS after one query (MB), and that query's vector."""
    import onnxruntime as ort

    started = time.perf_counter()
    if saved:
        options = ort.SessionOptions()
        options.intra_op_num_threads, options.inter_op_num_threads = 2, 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
        session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    else:
        session = _session(Path(path), 2)
    opened = time.perf_counter() - started
    ids = _tokenizer(Path(model_dir), 512).encode("query: " + PROBE_TEXT).ids
    ids_array = np.array([ids], dtype=np.int64)
    mask = np.ones_like(ids_array)
    (hidden,) = session.run(None, {"input_ids": ids_array, "attention_mask": mask})
    rss = next(int(line.split()[1]) for line in Path("/proc/self/status").read_text().splitlines()
               if line.startswith("VmRSS:")) / 1024
    print(json.dumps({"load_s": opened, "rss_mb": rss,
                      "vector": mean_pool(hidden, mask)[0].tolist()}))


def load_costs(model_dir: Path, folders: dict[str, Path], rounds: int) -> dict[str, tuple]:
    """Median load seconds and RSS per variant (and per saved optimised graph, with the
    largest difference of its query vector from the variant's own) in fresh processes."""
    probes = {name: (folder / ONNX_FILE, False) for name, folder in folders.items()}
    probes.update({f"{name} saved-opt": (saved_optimised(folders[name]), True)
                   for name in ("fp32", "nbits-acc1")})
    seen: dict[str, list[dict]] = {name: [] for name in probes}
    names = list(probes)
    for turn in range(rounds):
        for name in names if turn % 2 == 0 else names[::-1]:
            path, saved = probes[name]
            out = subprocess.run([sys.executable, __file__, "--probe", str(model_dir), str(path),
                                  "saved" if saved else "plain"], capture_output=True,
                                 text=True, check=True, cwd=ROOT)
            seen[name].append(json.loads(out.stdout.strip().splitlines()[-1]))
    costs = {}
    for name, runs in seen.items():
        own = np.array(seen[name.removesuffix(" saved-opt")][0]["vector"])
        costs[name] = (statistics.median(r["load_s"] for r in runs),
                       statistics.median(r["rss_mb"] for r in runs),
                       float(np.abs(np.array(runs[0]["vector"]) - own).max()))
    return costs


# threads, spinning; a nospin kind gets spin_us 0 (no spinning at all, as round 8 measured
# it, not the serving session's brief spin); spin2 served until round 8
SESSION_KINDS = {"spin2": (2, True), "nospin2": (2, False), "spin1": (1, True),
                 "nospin1": (1, False)}


def session_worker(model_dir: str, folder: str, kind: str) -> None:
    """In a fresh process: one serving session; for each question index read from stdin,
    embed that question and answer its milliseconds and the vector's checksum."""
    import hashlib

    threads, spinning = SESSION_KINDS[kind]
    embedder = OnnxEmbedder(Path(model_dir), Path(folder))
    embedder._sessions["serve"] = _session(Path(folder) / ONNX_FILE, threads, spinning, 0)
    questions = [q.strip() for q in QUESTIONS.read_text("utf-8").splitlines()
                 if q.strip() and not q.startswith("#")]
    embedder.embed_queries(questions[:3])
    print("ready", flush=True)
    for line in sys.stdin:
        started = time.perf_counter()
        vector = embedder.embed_queries([questions[int(line)]])
        ms = (time.perf_counter() - started) * 1000
        print(f"{ms} {hashlib.sha256(vector.tobytes()).hexdigest()[:12]}", flush=True)


def session_options(model_dir: Path, entries: dict[str, tuple[Path, str]],
                    passes: int) -> list[str]:
    """Query p50 of each (export folder, session kind), each alone in its own process, called
    in turn (order turned every round, a 0.2 s pause after each call so no idle pool is still
    spinning), against the first entry, with the vectors compared bit for bit."""
    workers = {label: subprocess.Popen([sys.executable, __file__, "--worker", str(model_dir),
                                        str(folder), kind], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, text=True, cwd=ROOT)
               for label, (folder, kind) in entries.items()}
    for worker in workers.values():
        assert worker.stdout.readline().strip() == "ready"
    count = len([q for q in QUESTIONS.read_text("utf-8").splitlines()
                 if q.strip() and not q.startswith("#")])
    times: dict[str, list[float]] = {label: [] for label in workers}
    sums: dict[str, list[str]] = {label: [] for label in workers}
    labels = list(workers)
    for turn in range(passes * count):
        for label in labels if turn % 2 == 0 else labels[::-1]:
            workers[label].stdin.write(f"{turn % count}\n")
            workers[label].stdin.flush()
            ms, checksum = workers[label].stdout.readline().split()
            times[label].append(float(ms))
            sums[label].append(checksum)
            time.sleep(0.2)
    for worker in workers.values():
        worker.stdin.close()
        worker.wait()
    first = labels[0]
    base = statistics.median(times[first])
    return [f"{label:<20} query p50 {statistics.median(times[label]):6.2f} ms "
            f"({statistics.median(times[label]) / base:.2f}x {first}), vectors "
            f"{'bit-identical to' if sums[label] == sums[first] else 'not identical to'} {first}"
            for label in labels]


def cosines(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Min and mean row cosine of two sets of unit vectors."""
    values = np.sum(a * b, axis=1)
    return float(values.min()), float(values.mean())


def report(args: argparse.Namespace) -> list[str]:
    """Every measurement, as the lines of the results file."""
    model_dir = resolve_model("multilingual-e5-small", args.data)
    index = SearchIndex.load(index_dir(args.data))
    export = existing_export(model_dir, args.data)
    if export is None:
        raise SystemExit(f"fel: {args.data} has no fp32 ONNX export (run bokslut ingest)")
    folders = variants(export, args.work)
    questions = [q.strip() for q in QUESTIONS.read_text("utf-8").splitlines()
                 if q.strip() and not q.startswith("#")]
    passages, queries = [p["text"] for p in index.passages], judged_queries()
    lines = [f"# benchmarks/bench_nbits.py --data {args.data}, "
             f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
             f"load average at start {' '.join(f'{x:.2f}' for x in os.getloadavg())}"]
    rate, vectors, qvec = bulk_run(model_dir, folders, passages, queries, args.chunks)
    p50 = query_p50(model_dir, folders, questions, args.passes)
    loads = load_costs(model_dir, folders, args.rounds)
    lines.append(f"# load average at end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    lines.append(f"# {len(questions)} questions x {args.passes} passes, {len(queries)} judged "
                 f"queries, {len(passages)} passages in {args.chunks} interleaved chunks, "
                 f"{args.rounds} fresh processes per variant for load/RSS")
    lines.append("variant      query p50 ms (x fp32):  spin2          nospin2        nospin1"
                 "         passages/s (x fp32)  query cos min/mean  passage cos min/mean  "
                 "load s  RSS MB")
    for name in folders:
        q_min, q_mean = cosines(qvec[name], qvec["fp32"])
        p_min, p_mean = cosines(vectors[name], vectors["fp32"])
        times = "".join(f"  {p50[f'{name} {k}']:>6.2f} "
                        f"({p50[f'{name} {k}'] / p50[f'fp32 {k}']:.2f})"
                        for k in ("spin2", "nospin2", "nospin1"))
        lines.append(
            f"{name:<12} {' ' * 20}{times}   {rate[name]:>7.1f} ({rate[name] / rate['fp32']:.2f})"
            f"        {q_min:.5f}/{q_mean:.6f}  {p_min:.5f}/{p_mean:.6f}     "
            f"{loads[name][0]:>5.2f}  {loads[name][1]:>6.0f}")
    for name in ("fp32", "nbits-acc1"):
        load_s, rss, diff = loads[f"{name} saved-opt"]
        lines.append(f"{name} saved optimised graph (opened without optimising): load "
                     f"{load_s:.2f} s ({load_s / loads[name][0]:.2f}x), RSS {rss:.0f} MB, "
                     f"query vector max |diff| to its own graph {diff:.1e}")
    return lines


def sessions_report(args: argparse.Namespace) -> list[str]:
    """The --sessions table: fp32's spinning two-thread session against other exact settings,
    or every variant on the two-thread non-spinning session (serving's since round 8)."""
    model_dir = resolve_model("multilingual-e5-small", args.data)
    export = existing_export(model_dir, args.data)
    if export is None:
        raise SystemExit(f"fel: {args.data} has no fp32 ONNX export (run bokslut ingest)")
    stamp = (f"# bench_nbits.py --sessions {args.sessions} --data {args.data}, "
             f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, one process per "
             f"setting, {args.passes} passes of 20 questions, load average "
             f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    entries = {kind: (export, kind) for kind in SESSION_KINDS}
    if args.sessions == "nbits":  # the 4-bit copies on today's serving session, fp32 first
        folders = variants(export, args.work)
        entries = {f"{name} nospin2": (folders[name], "nospin2") for name in folders}
    lines = session_options(model_dir, entries, args.passes)
    return [stamp, *lines, f"# load average at end {' '.join(f'{x:.2f}' for x in os.getloadavg())}"]


def main() -> int:
    """Measure and print (and optionally append to --out)."""
    if len(sys.argv) == 5 and sys.argv[1] == "--probe":
        load_probe(sys.argv[2], sys.argv[3], sys.argv[4] == "saved")
        return 0
    if len(sys.argv) == 5 and sys.argv[1] == "--worker":
        session_worker(*sys.argv[2:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench-nbits"))
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--chunks", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sessions", choices=("fp32", "nbits"),
                        help="only query p50, one process per session: fp32's thread/spinning "
                             "settings, or every variant on the serving session's settings")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    text = "\n".join(sessions_report(args) if args.sessions else report(args))
    print(text)
    if args.out:
        with args.out.open("a", encoding="utf-8") as out:
            out.write(text + "\n\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
