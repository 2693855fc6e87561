"""CLI commands over the graph: ingest, sparql, load, unload, export, validate."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import click

from corpus import ReportError
from graph import (
    PREFIXES,
    PROJECT_GRAPHS,
    Limits,
    PoolConfig,
    QueryError,
    StoreError,
    StoreLocation,
    drop_graph,
    findings,
    load_graph,
    open_reader,
    quality_notes,
    set_default_pool,
    violations,
)
from search.embedder import ModelSettingError
from web.cli.common import data_option, fail, settings
from web.cli.documents import metadata, metadata_options
from web.pipeline.ingest import bundled_reports, remove_report
from web.pipeline.layout import store_location
from web.pipeline.recorded_ingest import ingest_embedder, ingest_recorded


def location(cfg: dict) -> StoreLocation:
    """Where the graph lives, from the settings (a bad BOKSLUT_STORE is a user error)."""
    try:
        return store_location(cfg)
    except ValueError as exc:
        fail(str(exc))


@click.command("ingest")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@data_option
@metadata_options
def ingest_cmd(paths: tuple[Path, ...], data: Path | None, municipality: str | None,
               year: int | None, title: str | None) -> None:
    """Read reports, text or PDF (default: all in corpus/reports/), into store and index."""
    cfg = settings(data=data)
    targets = list(paths) or bundled_reports()
    store = location(cfg)
    try:
        result = ingest_recorded(cfg, targets, lambda m: click.echo(m, err=True), store,
                                 metadata(municipality, year, title))
    except (ReportError, StoreError, ModelSettingError) as exc:
        fail(f"{exc} (inget ändrades)")
    except OSError as exc:  # e.g. a full disk: the published pair and its record stay as they were
        fail(f"inläsningen avbröts: {exc.strerror or exc} (inget ändrades)")
    for key, file_name, triples in result.reports:
        click.echo(f"{key}  {file_name}  {triples} tripler")
    click.echo(f"sökindex: {result.passages} textavsnitt ({result.index_status})")
    click.echo("tid: " + ", ".join(f"{k} {v:.1f} s" for k, v in result.seconds.items()))


@click.command("remove")
@click.argument("report")
@data_option
def remove_cmd(report: str, data: Path | None) -> None:
    """Remove one report (e.g. rapport/sodertalje-2025) from the store and the index."""
    cfg = settings(data=data)
    key = report if report.startswith("rapport/") else f"rapport/{report}"
    try:
        embedder = ingest_embedder(cfg)
        removed = remove_report(cfg["data"], key, cfg["base_iri"], embedder, location(cfg))
    except (ReportError, StoreError, ModelSettingError) as exc:
        fail(f"{exc} (inget ändrades)")
    click.echo(f"{key}: borttagen ({removed} textavsnitt ur sökindexet)")


def read_query(query: str) -> str:
    """The query text: an argument, '-' for standard input, or @FILE."""
    if query == "-":
        return sys.stdin.read()
    if query.startswith("@"):
        return Path(query[1:]).read_text(encoding="utf-8")
    return query


@click.command("sparql")
@click.argument("query")
@click.option("--format", "fmt", default="table", show_default=True,
              help="json|xml|csv|tsv|table for SELECT/ASK; ttl|nt|jsonld|rdfxml for graphs.")
@click.option("--timeout", type=float, default=None, help="Seconds (BOKSLUT_SPARQL_TIMEOUT).")
@data_option
def sparql_cmd(query: str, fmt: str, timeout: float | None, data: Path | None) -> None:
    """Run a read-only SPARQL query (text, '-' for stdin, or @file.rq)."""
    cfg = settings(data=data, sparql_timeout=timeout)
    graph_fmt = fmt if fmt in ("ttl", "nt", "jsonld", "rdfxml") else "ttl"
    select_fmt = fmt if fmt not in ("ttl", "nt", "jsonld", "rdfxml") else "json"
    try:
        set_default_pool(replace(PoolConfig.from_settings(cfg), workers=1))
        result = open_reader(location(cfg)).run(
            read_query(query), select_format=select_fmt, graph_format=graph_fmt,
            prefixes=PREFIXES, limits=Limits.from_settings(cfg))
    except (QueryError, StoreError, OSError) as exc:
        fail(str(exc))
    sys.stdout.write(result.body.decode("utf-8"))
    if not result.body.endswith(b"\n"):
        sys.stdout.write("\n")
    if result.truncation_note:
        click.echo(f"obs: {result.truncation_note}", err=True)


def project_graph_iris(base: str) -> set[str]:
    """Graph IRIs that belong to the project (ontology, references, reports)."""
    return {base + g for g in PROJECT_GRAPHS}


def refuse_own_graph(graph: str, base: str) -> None:
    """Auxiliary files may not overwrite the project's own named graphs."""
    if graph in project_graph_iris(base) or graph.startswith(base + "graf/"):
        fail(f"{graph} är en av projektets egna grafer; välj en annan IRI för extra data")
    if ":" not in graph or " " in graph:
        fail(f"--graph {graph!r}: förväntade en absolut IRI, t.ex. https://example.org/graf/1")


@click.command("load")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--graph", "graph", required=True, help="IRI of the named graph to create.")
@data_option
def load_cmd(file: Path, graph: str, data: Path | None) -> None:
    """Add an auxiliary RDF file as its own named graph."""
    cfg = settings(data=data)
    refuse_own_graph(graph, cfg["base_iri"])
    try:
        count = load_graph(location(cfg), graph, file)
    except StoreError as exc:
        fail(str(exc))
    click.echo(f"{graph}: {count} tripler")


@click.command("unload")
@click.option("--graph", "graph", required=True, help="IRI of the named graph to drop.")
@data_option
def unload_cmd(graph: str, data: Path | None) -> None:
    """Drop an auxiliary named graph."""
    cfg = settings(data=data)
    refuse_own_graph(graph, cfg["base_iri"])
    try:
        dropped = drop_graph(location(cfg), graph)
    except StoreError as exc:
        fail(str(exc))
    if not dropped:
        fail(f"ingen graf {graph} i lagret")
    click.echo(f"{graph}: borttagen")


@click.command("export")
@click.option("--format", "fmt", default="trig", show_default=True,
              help="trig|nq (named graphs kept) or ttl|nt|jsonld|rdfxml (union).")
@click.option("--report", "reports", multiple=True, help="Only this report (key or graph IRI).")
@click.option("-o", "output", type=click.Path(path_type=Path), default=None)
@data_option
def export_cmd(fmt: str, reports: tuple[str, ...], output: Path | None,
               data: Path | None) -> None:
    """Serialize the store (or some reports) to a file or standard output."""
    cfg = settings(data=data)
    base = cfg["base_iri"]
    graphs = [r if r.startswith("http") else f"{base}graf/{r}" for r in reports] or None
    try:
        body = open_reader(location(cfg)).export(fmt, graphs)
    except (StoreError, ValueError) as exc:
        fail(str(exc))
    if output:
        output.write_bytes(body)
        click.echo(f"{output}: {len(body)} byte", err=True)
    else:
        sys.stdout.buffer.write(body)


@click.command("validate")
@data_option
def validate_cmd(data: Path | None) -> None:
    """Check the store against the SHACL shapes; non-zero exit on violations."""
    cfg = settings(data=data)
    try:
        reader = open_reader(location(cfg))
        found = findings(reader.union_graph())
        notes = quality_notes(reader)
    except StoreError as exc:
        fail(str(exc))
    for f in found:
        click.echo(f"{f.severity}: {f.focus} {f.path}\n    {f.message}")
    for n in notes:  # the report's own inconsistencies: listed, never an error, never fixed
        click.echo(f"datakvalitet ({n.kind}): {n.indicator} {n.label}\n    {n.message}")
    bad = violations(found)
    click.echo(f"{len(bad)} överträdelser, {len(found) - len(bad)} varningar, "
               f"{len(notes)} datakvalitetsanmärkningar")
    if bad:
        sys.exit(1)


COMMANDS = (ingest_cmd, remove_cmd, sparql_cmd, load_cmd, unload_cmd, export_cmd, validate_cmd)
