"""#8.7: VoID links come from one public base URL, never from each request's Host header
(300 Host values cost 84 s of CPU and one cache entry each)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.security.support import small_data
from web.app import create_app


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with the small store."""
    return small_data(tmp_path_factory.mktemp("void"))


def void_for(app, host: str):
    """The VoID description as a client naming `host` gets it."""
    return app.test_client().get("/.well-known/void", headers={"Host": host})


def test_the_configured_base_wins_over_any_host(data: Path) -> None:
    app = create_app({"data": data, "testing": True,
                      "public_base_url": "https://bokslut.example.se/"})
    first = void_for(app, "evil-1.example")
    body = first.get_data(as_text=True)
    assert first.status_code == 200
    assert "https://bokslut.example.se/sparql" in body and "evil" not in body


def test_many_hosts_share_one_description(data: Path) -> None:
    """Without the setting the first request's base is kept: every later Host gets the
    same bytes and the same validator, so nothing is built or cached per Host."""
    app = create_app({"data": data, "testing": True})
    first = void_for(app, "site.example")
    tags = {void_for(app, f"h{i}.example").headers["ETag"] for i in range(40)}
    assert tags == {first.headers["ETag"]}
    later = void_for(app, "other.example").get_data(as_text=True)
    assert "http://site.example/sparql" in later and "other.example" not in later
