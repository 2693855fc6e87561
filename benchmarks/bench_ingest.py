"""Ingest with the model already built: a reference checkout against this one, in one run.

Run: .venv/bin/python benchmarks/bench_ingest.py --base /tmp/wt-base [--current /tmp/wt-cur]
     [--rounds 2] [--out benchmarks/results/bench_ingest.txt]
     .venv/bin/python benchmarks/bench_ingest.py --precision int8-pc-rr [--rounds 2]
     (fp32 against an int8 recipe on both sides, this checkout; appended to --out)

`--base` is a checkout of the commit to compare with (`git worktree add /tmp/wt-base <commit>`),
`--current` the one measured (default: this one); each runs on this venv with its own sources
first on the path. Each round ingests the bundled corpus into fresh data directories that
share this checkout's built model and ONNX export (data/models): the reference; the current
code strictly (no shipped-text vectors saved yet: it embeds everything, then saves them); and
the current code with the vectors the previous strict run saved (search/shipped_vectors.py).
The reference and the strict run then ingest once more into the same directory (store and
index kept: what a re-ingest costs). The order turns round every other round. The figures
are `bokslut ingest`'s wall and CPU seconds and its own stage times. After the runs, the
results are compared: passage vectors, and the store's graphs.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from search.onnx_precision import config_path
from search.shipped_vectors import shipped_dir

ROOT = Path(__file__).resolve().parents[1]
CLI = "from web.cli.main import main; main()"


def run_ingest(source: Path, data: Path, precision: str = "") -> tuple[float, float, str]:
    """Wall and CPU seconds of one `bokslut ingest` with `source`'s code, and its stage line
    (`precision`: BOKSLUT_ENCODER_PRECISION for it, empty for the directory's default)."""
    env = {**os.environ, "PYTHONPATH": str(source), "BOKSLUT_ENCODER_PRECISION": precision}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CLI, "ingest", "--data", str(data)], cwd=source,
                          env=env, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    stages = next((line for line in done.stdout.splitlines() if line.startswith("tid:")), "")
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime), stages


def fresh_data(parent: Path, name: str, vectors: Path | None = None) -> Path:
    """An empty data directory with this checkout's built model and export (linked), and a
    copy of another directory's shipped-text vectors when `vectors` names one."""
    data = parent / name
    (data / "models").mkdir(parents=True)
    for entry in (ROOT / "data" / "models").iterdir():
        # not the vectors, nor this checkout's recorded precision (each run sets its own)
        if entry.name == "onnx":
            link_exports(entry, data / "models" / "onnx")
        elif entry.name not in (shipped_dir(data).name, config_path(data).name):
            (data / "models" / entry.name).symlink_to(entry)
    if vectors is not None:
        shutil.copytree(shipped_dir(vectors), shipped_dir(data))
    return data


def link_exports(source: Path, target: Path) -> None:
    """Each export of `source` linked into a real `target` folder: an int8 copy quantised
    for this run is written beside them, inside the run's own directory (a link to the whole
    folder would put it into this checkout's data/models)."""
    target.mkdir()
    for export in source.iterdir():
        if not export.name.startswith("."):
            (target / export.name).symlink_to(export)


def vectors(data: Path) -> np.ndarray:
    """The passage vectors of a data directory's published index."""
    import faiss

    from web.pipeline.layout import index_dir

    index = faiss.read_index(str(index_dir(data) / "vectors.faiss"))
    return index.reconstruct_n(0, index.ntotal)


def graphs(data: Path) -> dict[str, list]:
    """Named graph -> its triples (N-Quads lines, sorted, blank node labels blanked)."""
    from graph import open_reader
    from web.pipeline.layout import store_location
    from web.settings import resolve

    dump = open_reader(store_location(resolve({"data": data}))).export("nq")
    out: dict[str, list] = {}
    for line in (dump.decode() if isinstance(dump, bytes) else dump).splitlines():
        if line.strip():
            body, graph = re.sub(r"_:\S+", "_:", line).rstrip(" .").rsplit(" ", 1)
            out.setdefault(graph, []).append(body)
    return {g: sorted(lines) for g, lines in out.items()}


def compare(base: Path, ours: Path) -> str:
    """What differs between the two results (vectors exactly, graphs by their triples)."""
    a, b = vectors(base), vectors(ours)
    same_vectors = a.shape == b.shape and np.array_equal(a, b)
    ga, gb = graphs(base), graphs(ours)
    differing = sorted(g for g in ga.keys() | gb.keys() if ga.get(g) != gb.get(g))
    return (f"passage vectors {a.shape[0]}: {'identical' if same_vectors else 'DIFFER'}"
            f" (max |diff| {np.abs(a - b).max() if a.shape == b.shape else 'n/a'}); "
            f"graphs {len(ga)}: {'identical' if not differing else 'differ: ' + str(differing)}")


LABELS = {"reference": "reference", "strict": "current, strict (shipped texts embedded)",
          "cached": "current, shipped-text vectors saved"}


def precision_ab(recipe: str, rounds: int, out: Path) -> None:
    """fp32 against one int8 recipe on this checkout, strict and with saved shipped-text
    vectors (each from its own precision's strict run), the precisions' order turning."""
    lines = [f"# --precision {recipe}: this checkout (git {commit(ROOT)}), load average before "
             f"{os.getloadavg()}; {os.cpu_count()} CPUs"]
    walls: dict[tuple[str, str], list[float]] = {}
    cpus: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        for round_ in range(rounds):
            order = ["fp32", recipe] if round_ % 2 == 0 else [recipe, "fp32"]
            for kind in ("strict", "saved"):
                for name in order:
                    vectors = Path(tmp) / f"{name}-strict-{round_}" if kind == "saved" else None
                    data = fresh_data(Path(tmp), f"{name}-{kind}-{round_}", vectors)
                    wall, cpu, stages = run_ingest(ROOT, data, name)
                    walls.setdefault((name, kind), []).append(wall)
                    cpus.setdefault((name, kind), []).append(cpu)
                    lines.append(f"{name:<16} {kind:<6} round {round_ + 1}: wall {wall:5.1f} s, "
                                 f"CPU {cpu:5.1f} s  ({stages}; load {os.getloadavg()[0]:.1f})")
                    print(lines[-1], flush=True)
    for kind in ("strict", "saved"):
        ratios = {what: ", ".join(f"{b / a:.2f}" for a, b in zip(
            runs["fp32", kind], runs[recipe, kind], strict=True))
            for what, runs in (("wall", walls), ("CPU", cpus))}
        lines.append(f"{kind}: {recipe} / fp32 per round, wall {ratios['wall']}, CPU "
                     f"{ratios['CPU']}; best wall fp32 {min(walls['fp32', kind]):.1f} s, "
                     f"{recipe} {min(walls[recipe, kind]):.1f} s (aim < 30 s)")
    lines.append(f"load average after: {os.getloadavg()}")
    text = "\n".join(lines) + "\n"
    print(text)
    with out.open("a", encoding="utf-8") as handle:
        handle.write("\n" + text)


def main() -> None:
    """Alternate reference and current ingests, print the table, the ratios and the check."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, help="checkout to compare with")
    parser.add_argument("--precision", help="instead: fp32 against this int8 recipe, this "
                        "checkout, results appended to --out")
    parser.add_argument("--current", type=Path, default=ROOT, help="checkout measured")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--note", default="", help="what the reference checkout is")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/bench_ingest.txt")
    args = parser.parse_args()
    if args.precision:
        precision_ab(args.precision, args.rounds, args.out)
        return
    if args.base is None:
        parser.error("--base or --precision is needed")
    lines = [f"load average before: {os.getloadavg()}; {os.cpu_count()} CPUs",
             f"reference: {args.base} (git {commit(args.base)}); current: {args.current} "
             f"(git {commit(args.current)})", *([args.note] if args.note else []), ""]
    walls: dict[str, list[float]] = {label: [] for label in LABELS}
    cpus: dict[str, list[float]] = {label: [] for label in LABELS}
    rerun: dict[str, list[float]] = {"reference": [], "strict": []}
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        saved: Path | None = None  # the latest strict run's data directory
        for round_ in range(args.rounds):
            order = ["reference", "strict", "cached"]
            for label in order if round_ % 2 == 0 or saved is None else order[::-1]:
                source = args.base if label == "reference" else args.current
                data = fresh_data(Path(tmp), f"{label}-{round_}",
                                  saved if label == "cached" else None)
                wall, cpu, stages = run_ingest(source, data)
                walls[label].append(wall)
                cpus[label].append(cpu)
                lines.append(f"{LABELS[label]}, round {round_ + 1}: wall {wall:5.1f} s, CPU "
                             f"{cpu:5.1f} s  ({stages}; load {os.getloadavg()[0]:.1f})")
                if label in rerun:
                    again, again_cpu, stages = run_ingest(source, data)  # the index kept
                    rerun[label].append(again)
                    lines.append(f"    again, index kept: wall {again:5.1f} s, CPU "
                                 f"{again_cpu:5.1f} s  ({stages})")
                saved = data if label == "strict" else saved
                print(*lines[-1 - (label in rerun):], sep="\n", flush=True)
        lines += ["", *(f"{LABELS[k]} / reference, {what} per round: " + ", ".join(
            f"{c / r:.2f}" for r, c in zip(runs["reference"], runs[k], strict=True))
            for what, runs in (("wall", walls), ("CPU", cpus)) for k in ("strict", "cached")),
            "best wall (target < 30 s): " + ", ".join(
                f"{LABELS[k]} {min(v):.1f} s" for k, v in walls.items()),
            "again with the index kept, strict / reference per round: " + ", ".join(
                f"{c / r:.2f}" for r, c in zip(rerun["reference"], rerun["strict"],
                                               strict=True)),
            "same result, strict: " + compare(Path(tmp) / "reference-0",
                                              Path(tmp) / "strict-0"),
            "same result, vectors saved: " + compare(Path(tmp) / "reference-0",
                                                     Path(tmp) / "cached-0"),
            f"load average after: {os.getloadavg()}"]
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.write_text(text, "utf-8")


def commit(folder: Path) -> str:
    """The short commit a checkout is at (with + when its tree has changes)."""
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=folder,
                          capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=folder,
                           capture_output=True, text=True).stdout.strip()
    return head + ("+" if dirty else "")


if __name__ == "__main__":
    main()
