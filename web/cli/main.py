"""The `bokslut` command line: thin commands over corpus, graph, search and web."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from corpus import ReportError
from corpus.document import read_document
from web.cli.common import fail
from web.cli.documents import metadata, metadata_options
from web.cli.graph import COMMANDS as GRAPH_COMMANDS
from web.cli.parse_summary import report_json, summary_lines
from web.cli.rights import COMMANDS as RIGHTS_COMMANDS
from web.cli.search import COMMANDS as SEARCH_COMMANDS
from web.cli.serve import COMMANDS as SERVE_COMMANDS


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Bokslutsgrafen: kunskapsgraf och semantisk sökning över bokslut för social hållbarhet."""


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the whole record tree as JSON.")
@metadata_options
def parse(path: Path, as_json: bool, municipality: str | None, year: int | None,
          title: str | None) -> None:
    """Read one report (text or PDF) and print a summary (or the records as JSON)."""
    started = time.perf_counter()
    try:
        report = read_document(path, metadata(municipality, year, title))
    except ReportError as exc:
        fail(str(exc))
        return
    elapsed = time.perf_counter() - started
    if as_json:
        click.echo(json.dumps(report_json(report), ensure_ascii=False, indent=2))
    else:
        for line in summary_lines(report, elapsed):
            click.echo(line)
    for item in report.skipped:  # what was passed over, as the strict reader would say it
        where = f"{report.path}:{item.line}" if item.line else report.path
        click.echo(f"varning: {where}: {item.expected}", err=True)
    if report.unparsed or report.skipped:
        sys.exit(2)


for command in (*GRAPH_COMMANDS, *SEARCH_COMMANDS, *SERVE_COMMANDS, *RIGHTS_COMMANDS):
    main.add_command(command)
