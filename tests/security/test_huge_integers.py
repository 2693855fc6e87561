"""#9: k, year and goal_area with thousands of digits are a 400 with a clear message (int()
of more than 4,300 digits raised ValueError: a 500)."""

from __future__ import annotations

from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from tests.security.support import small_data
from web.app import create_app
from web.search.views import SearchForm

HUGE = "9" * 5000
LABELS = {"k": "antal träffar", "year": "år", "goal_area": "målområde"}


@pytest.mark.parametrize("name", sorted(LABELS))
def test_the_form_refuses_huge_numbers(name: str) -> None:
    form = SearchForm.parse(MultiDict({"q": "lek", name: HUGE}))
    assert len(form.errors) == 1
    assert form.errors[0].startswith(f"Ogiltigt värde för {LABELS[name]}: ange ett heltal ")


@pytest.mark.parametrize("name", sorted(LABELS))
def test_leading_zeros_are_still_a_number(name: str) -> None:
    value = {"k": "0" * 5000 + "7", "year": "0" * 5000 + "2025", "goal_area": "0" * 5000 + "3"}
    assert SearchForm.parse(MultiDict({"q": "lek", name: value[name]})).errors == []


@pytest.mark.parametrize("name", sorted(LABELS))
def test_huge_numbers_are_a_400(tmp_path_factory: pytest.TempPathFactory, name: str) -> None:
    """The JSON API answers before any search is run (the page shares SearchForm.parse)."""
    data: Path = small_data(tmp_path_factory.mktemp("ints"))
    client = create_app({"data": data, "testing": True}).test_client()
    response = client.get("/api/search", query_string={"q": "lek", name: HUGE})
    assert response.status_code == 400
    text = response.get_json()["error"] if response.is_json else response.get_data(as_text=True)
    assert f"Ogiltigt värde för {LABELS[name]}" in text
