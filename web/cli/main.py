"""The `bokslut` command line: thin commands over corpus, graph, search and web."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from corpus import ReportError, read_report
from web.cli.common import fail
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
def parse(path: Path, as_json: bool) -> None:
    """Read one report and print a summary (or the records as JSON)."""
    started = time.perf_counter()
    try:
        report = read_report(path)
    except ReportError as exc:
        fail(str(exc))
        return
    elapsed = time.perf_counter() - started
    if as_json:
        click.echo(json.dumps(report_json(report), ensure_ascii=False, indent=2))
    else:
        for line in summary_lines(report, elapsed):
            click.echo(line)
    if report.unparsed:
        sys.exit(2)


for command in (*GRAPH_COMMANDS, *SEARCH_COMMANDS, *SERVE_COMMANDS, *RIGHTS_COMMANDS):
    main.add_command(command)
