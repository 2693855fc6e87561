"""`bokslut rights CRC 31`: the insatser that support one rights article, ranked, with evidence."""

from __future__ import annotations

import json
from pathlib import Path

import click

from graph import StoreError, open_reader
from web.cli.common import data_option, fail, settings
from web.pipeline.layout import store_location
from web.rights.answer import CLASS_ORDER, article_answer, explanation

INSTRUMENTS = ("CRC", "UDHR", "CRPD", "JAM")


def parse_article(instrument: str, number: str) -> tuple[str, int]:
    """('crc', 31) from user input, or a clear error."""
    notation = instrument.strip().upper()
    if notation not in INSTRUMENTS:
        fail(f"okänt rättighetsinstrument {instrument!r}; välj ett av {', '.join(INSTRUMENTS)}")
    if not number.strip().isdigit() or int(number) < 1:
        fail(f"artikelnumret ska vara ett positivt heltal, inte {number!r}")
    return notation.lower(), int(number)


def text_lines(answer: dict) -> list[str]:
    """The answer for a terminal: heading, description, then the actions grouped by class."""
    a = answer["article"]
    lines = [f"{a['instrument']} {a['number']}: {a['title']} ({a['year']})"]
    if a["definition"]:
        lines.append(a["definition"])
    if a["procedural"]:
        return [*lines, "", "Artikeln ger ingen rättighet åt en person (den handlar om "
                "konventionens maskineri eller tolkning); inget kopplas till den."]
    if not answer["actions"]:
        return [*lines, "", "Ingen insats är kopplad till artikeln, varken i bokslutet eller "
                "genom texten."]
    for cls in CLASS_ORDER:
        group = [x for x in answer["actions"] if x["class"] == cls]
        if group:
            lines += ["", f"{cls} ({len(group)}): {explanation(cls, a['title'])}"]
        for x in group:
            page = f" (s. {x['evidence']['page']})" if x["evidence"]["page"] else ""
            lines += [f"{x['rank']:3}. Mål {x['goal']}, insats {x['order']}: {x['heading']}",
                      f"     ”{x['evidence']['sentence']}”{page}"]
    return lines


@click.command("rights")
@click.argument("instrument")
@click.argument("number")
@click.option("--year", type=int, default=None, help="Report year (default: the latest).")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@data_option
def rights_cmd(instrument: str, number: str, year: int | None, as_json: bool,
               data: Path | None) -> None:
    """Ranked insatser supporting one rights article, e.g. `bokslut rights CRC 31`."""
    slug, n = parse_article(instrument, number)
    cfg = settings(data=data)
    try:
        store = open_reader(store_location(cfg))
        answer = article_answer(store, cfg["base_iri"], slug, n, year)
    except StoreError as exc:
        fail(f"{exc} (kör bokslut ingest först)")
    if answer is None:
        fail(f"{slug.upper()} har ingen artikel {n}")
    if year is not None and year not in answer["article"]["years"]:
        known = ", ".join(map(str, answer["article"]["years"])) or "inga"
        fail(f"inget bokslut för {year} (år i datan: {known})")
    if as_json:
        click.echo(json.dumps(answer, ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(text_lines(answer)))


COMMANDS = (rights_cmd,)
