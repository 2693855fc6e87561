"""The fast URL-parameter decoder gives exactly what werkzeug's `request.args` gives."""

from __future__ import annotations

from urllib.parse import quote, quote_plus, urlencode

from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.wrappers import Request

from web.sparql.query_string import parse_query_string

EXAMPLE = "PREFIX bk: <https://w3id.org/bokslut/def#>\nSELECT ?å WHERE { ?å bk:x \"a+b%\\\\\" }"
# the characters that matter to a decoder, with ordinary and non-ASCII text around them
RAW = st.lists(st.sampled_from(
    ["%", "%2", "%41", "%C3%A5", "%c3", "%zz", "+", "&", "=", "\\", "\\x41", "å", "a", " ", ";"]),
    max_size=30).map("".join)


def werkzeug_args(raw: bytes) -> list[tuple[str, str]]:
    """`request.args` for a raw query string."""
    request = Request({"QUERY_STRING": raw.decode("latin-1"), "REQUEST_METHOD": "GET",
                       "wsgi.url_scheme": "http", "SERVER_NAME": "x", "SERVER_PORT": "80"})
    return list(request.args.items(multi=True))


def test_a_sparql_query_round_trips() -> None:
    for encoded in (urlencode({"query": EXAMPLE, "format": "json"}),
                    "query=" + quote(EXAMPLE, safe="")):
        parsed = parse_query_string(encoded.encode())
        assert parsed is not None and parsed["query"] == EXAMPLE
        assert list(parsed.items(multi=True)) == werkzeug_args(encoded.encode())


def test_blank_and_repeated_parameters_are_kept() -> None:
    parsed = parse_query_string(b"query=a&&query=&default-graph-uri&=x")
    assert parsed is not None
    assert parsed.getlist("query") == ["a", ""] and parsed["default-graph-uri"] == ""
    assert parsed[""] == "x"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_encoded_text_decodes_back(text: str) -> None:
    encoded = ("query=" + quote_plus(text, safe="")).encode()
    parsed = parse_query_string(encoded)
    assert parsed is not None and parsed["query"] == text


@settings(max_examples=500, deadline=None)
@given(RAW)
def test_any_raw_string_matches_werkzeug_or_is_left_to_it(raw: str) -> None:
    data = raw.encode("utf-8")
    parsed = parse_query_string(data)
    if parsed is None:  # malformed: the caller falls back to request.args itself
        assert b"%" in data
    else:
        assert list(parsed.items(multi=True)) == werkzeug_args(data)
