"""Short share links: the query deflated against a fixed dictionary of SPARQL words, in the URL.

Nothing is stored on the server: the link carries the query. The dictionary makes typical
queries (our prefixes, classes, keywords) a few dozen characters long. It may never change
for version "1", or old links would decode differently; a new dictionary needs a new version.
"""

from __future__ import annotations

import base64
import binascii
import zlib

from graph import PREFIXES

VERSION = "1"
MAX_TOKEN = 12_000
MAX_QUERY = 32 * 1024
# The most likely text goes last: deflate finds matches nearest the end most cheaply.
_WORDS = (
    "GROUP_CONCAT SEPARATOR STRSTARTS CONTAINS REGEX LCASE UCASE COALESCE BOUND DATATYPE "
    "LANGMATCHES STR( LANG( FILTER NOT EXISTS MINUS UNION VALUES BIND( AS ?count "
    "COUNT(DISTINCT HAVING GROUP BY ORDER BY DESC( ASC( LIMIT 100 OFFSET OPTIONAL { "
    "SELECT DISTINCT ?s ?p ?o WHERE {\n  ?s ?p ?o .\n}\nASK CONSTRUCT DESCRIBE GRAPH ?g "
    'FILTER(lang(?label) = "sv") rdfs:label skos:prefLabel skos:notation dcterms:title '
    "qb:Observation sdmx-measure:obsValue sdmx-dimension:refArea sdmx-dimension:sex "
    "bk:Report bk:Municipality bk:GoalArea bk:Goal bk:Indicator bk:Action bk:Passage "
    "bk:RightsArticle bk:SDG bk:year bk:unit bk:letter bk:number bk:goalArea bk:goal "
    "bk:indicator bk:text bk:page bk:contributesToRight bk:sdg a bk:"
)
DICTIONARY = (_WORDS + "\n" + "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
              + "SELECT ?").encode()


def pack(query: str) -> str:
    """The query as a URL-safe token."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15, zdict=DICTIONARY)
    raw = packer.compress(query.encode()) + packer.flush()
    return VERSION + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def unpack(token: str) -> str | None:
    """The query a token carries, or None for a token this server did not make."""
    if not token.startswith(VERSION) or len(token) > MAX_TOKEN:
        return None
    body = token[len(VERSION):]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        unpacker = zlib.decompressobj(-15, zdict=DICTIONARY)
        data = unpacker.decompress(raw, MAX_QUERY + 1)  # bounded: no decompression bomb
        if len(data) > MAX_QUERY or not unpacker.eof:
            return None
        return data.decode()
    except (binascii.Error, ValueError, zlib.error, UnicodeDecodeError):
        return None
