"""`bokslut rights`: clear errors for bad input, and the ranked answer on the real data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from web.cli.main import main
from web.pipeline.rights_rank import CHOSEN

CLASS_ORDER = ["direkt", "bidrar", "härledd", "via målområdet"]
ACTION_KEYS = ["goal", "order", "iri", "heading", "class", "score", "evidence", "rank", "year"]


def run(*args: str) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of one CLI call."""
    result = CliRunner().invoke(main, ["rights", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(("args", "message"), [
    (("XYZ", "31"), "okänt rättighetsinstrument 'XYZ'"),
    (("CRC", "trettioett"), "positivt heltal"),
    (("CRC", "0"), "positivt heltal"),
])
def test_bad_input_is_a_clear_error_without_traceback(args, message) -> None:
    code, out, err = run(*args)
    assert code == 1 and out == ""
    assert err.startswith("fel: ") and message in err and "Traceback" not in err


def test_no_data_says_to_ingest_first(tmp_path: Path) -> None:
    code, _, err = run("CRC", "31", "--data", str(tmp_path))
    assert code == 1 and err.startswith("fel: ") and "bokslut ingest" in err


@pytest.fixture(scope="module")
def answer(built_data: Path) -> dict:
    """`bokslut rights CRC 31 --json` on the built data."""
    code, out, err = run("crc", "31", "--json", "--data", str(built_data))
    assert code == 0, err
    return json.loads(out)


@pytest.mark.slow
def test_json_shape_is_article_and_actions_in_rank_order(answer) -> None:
    assert list(answer) == ["article", "actions"]
    article = answer["article"]
    assert (article["instrument"], article["number"], article["year"]) == ("CRC", 31, 2025)
    assert article["iri"].endswith("/rattighet/crc/31") and article["procedural"] is False
    assert "lek" in article["definition"]
    actions = answer["actions"]
    assert [a["rank"] for a in actions] == list(range(1, len(actions) + 1))
    for a in actions:
        assert list(a) == ACTION_KEYS
        assert list(a["evidence"]) == ["passage", "sentence", "page"]
        assert a["iri"].endswith(f"/atgard/{a['goal']}-{a['order']}")
        assert a["class"] in CLASS_ORDER and isinstance(a["score"], float)
        assert a["evidence"]["sentence"] and "/passage/" in a["evidence"]["passage"]
    via = [a["class"] == "via målområdet" for a in actions]
    assert via == sorted(via)  # the ones the text does not support come last
    keys = [a["score"] + CHOSEN.stated_bonus * (a["class"] in ("direkt", "bidrar"))
            for a in actions if a["class"] != "via målområdet"]
    assert keys == sorted(keys, reverse=True)  # supported: by relevance (+ the report's word)
    last = [a["score"] for a in actions if a["class"] == "via målområdet"]
    assert last == sorted(last, reverse=True)


@pytest.mark.slow
def test_every_stated_action_is_in_the_answer(answer) -> None:
    stated = {a["iri"].rsplit("/", 1)[1] for a in answer["actions"]
              if a["class"] != "härledd"}
    assert {k[0] for k in stated} == set("ABCLM")  # målområde 1 and 5 state CRC 31


@pytest.mark.slow
def test_the_text_output_groups_classes_with_evidence(answer, built_data: Path) -> None:
    code, out, _ = run("CRC", "31", "--data", str(built_data))
    assert code == 0
    assert out.startswith("CRC 31: ")
    first = answer["actions"][0]
    assert f"  1. Mål {first['goal']}, insats {first['order']}: {first['heading']}" in out
    assert f"”{first['evidence']['sentence']}”" in out
    assert "cosinus" not in out


@pytest.mark.slow
def test_unknown_article_and_year_are_clear_errors(built_data: Path) -> None:
    code, _, err = run("CRC", "99", "--data", str(built_data))
    assert code == 1 and err == "fel: CRC har ingen artikel 99\n"
    code, _, err = run("CRC", "31", "--year", "1999", "--data", str(built_data))
    assert code == 1 and "inget bokslut för 1999" in err


@pytest.mark.slow
def test_a_procedural_article_says_it_grants_no_right(built_data: Path) -> None:
    code, out, _ = run("CRPD", "40", "--json", "--data", str(built_data))
    assert code == 0
    answer = json.loads(out)
    assert answer["article"]["procedural"] is True and answer["actions"] == []
    code, out, _ = run("CRPD", "40", "--data", str(built_data))
    assert "ger ingen rättighet åt en person" in out
