"""The analyzer's lazy tables can be built up front (serve does it) without changing answers."""

from __future__ import annotations

from search.analysis import SwedishAnalyzer

TEXTS = [
    "Barnfattigdomen minskar när familjer får stöd av socialtjänsten.",
    "Fritidsaktiviteter för barn och unga ordnas i föreningslivet.",
    "Tryggheten i Hovsjö följs upp med trygghetsvandringar varje år.",
    "Socialtjänsten erbjuder familjebehandling och föräldrastöd.",
]
QUERIES = ["barnfatigdom", "hovsjo trygghet", "familjebehandlng", "fritidsaktivitetr", "xyz"]


def test_prepare_builds_the_tables_and_keeps_every_answer() -> None:
    lazy = SwedishAnalyzer.from_texts(TEXTS)
    ready = SwedishAnalyzer.from_dict(lazy.to_dict())
    ready.prepare()
    assert ready._typos is not None and ready._folded is not None
    ready.prepare()  # idempotent
    for query in QUERIES:
        assert ready.query_groups(query) == lazy.query_groups(query)
    assert ready.query_groups("hovsjo") == [("hovsjö",)]
