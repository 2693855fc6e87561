"""The app's services follow a re-ingest at another encoder precision without a restart."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from search.embedder import FakeEmbedder
from search.hybrid import HybridSearcher
from search.onnx_precision import FP32, record_precision
from web.pipeline.layout import index_dir
from web.services import Services
from web.settings import resolve


def republish(data: Path) -> None:
    """What a re-ingest does to the live index as the services see it: a newer manifest."""
    manifest = index_dir(data) / "manifest.json"
    later = manifest.stat().st_mtime + 10
    os.utime(manifest, (later, later))


@pytest.fixture
def loads(fake_data_copy: Path, monkeypatch) -> list[str | None]:
    """Every recipe the services build a query encoder at (the fake one each time)."""
    built: list[str | None] = []

    def load(model_dir, data_dir, recipe=None, **kwargs):
        built.append(recipe)
        return FakeEmbedder()

    monkeypatch.setattr("web.services.load_embedder", load)
    monkeypatch.setattr("web.services.resolve_model", lambda setting, data: Path(setting))
    return built


def test_a_new_recorded_precision_rebuilds_the_query_encoder(fake_data_copy: Path,
                                                             loads: list) -> None:
    record_precision(fake_data_copy, FP32)
    services = Services(resolve({"data": fake_data_copy}))
    services.searcher()
    republish(fake_data_copy)  # same precision: the encoder is kept
    services.searcher()
    assert loads == [None]  # built once, at the recorded fp32
    record_precision(fake_data_copy, "int8-pc-rr")
    republish(fake_data_copy)
    services.searcher().search("uppvärmning", 1)
    assert loads == [None, "int8-pc-rr"]
    record_precision(fake_data_copy, FP32)
    republish(fake_data_copy)
    services.searcher()
    assert loads == [None, "int8-pc-rr", None]


def test_an_injected_encoder_is_kept(fake_data_copy: Path, loads: list) -> None:
    fake = FakeEmbedder()
    services = Services(resolve({"data": fake_data_copy}), fake)
    services.searcher()
    record_precision(fake_data_copy, "int8-pc-rr")
    republish(fake_data_copy)
    services.searcher()
    assert services.embedder is fake and loads == []


def test_a_swapped_searcher_is_prepared_beside_the_requests(fake_data_copy: Path,
                                                           monkeypatch) -> None:
    """The first searcher is prepared by serve's warm-up; one loaded after a re-ingest
    builds its tables in a thread of its own, not in the request that found it."""
    ran: list[str] = []
    done = threading.Event()

    def prepare(self) -> None:
        ran.append(threading.current_thread().name)
        done.set()

    monkeypatch.setattr(HybridSearcher, "prepare", prepare)
    services = Services(resolve({"data": fake_data_copy}), FakeEmbedder())
    first = services.searcher()
    assert ran == []
    republish(fake_data_copy)
    second = services.searcher()
    assert done.wait(30) and second is not first
    assert ran == ["prepare-searcher"]
