"""Server mode (GOVQA_CHROMA_URL): the chunk store and the whole answer service over a Chroma server.

The server is GOVQA_TEST_CHROMA_URL when set, else a `chroma run` this module
starts on a free loopback port and stops at the end (tests/chroma_server.py).
Every test uses its own collection, dropped afterwards.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import chromadb
import numpy as np
import pytest

from index.chunking import chunk_letter
from index.cleaning import clean_text
from index.errors import StoreError
from index.settings import Settings
from index.store import ChunkStore, open_client
from index.structure import parse_letter
from index.types import Chunk
from tests.chroma_server import chroma_server_url, collection_name
from tests.govqa_server import free_port

pytestmark = pytest.mark.slow  # starts a Chroma server

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "zhongshan-gxj-2022-53.txt"
BAIYUN = ROOT / "tests" / "data" / "letters" / "baiyun-zjj-2021-8.txt"
GDKJT = ROOT / "tests" / "data" / "letters" / "gdkjt-2023-112.txt"
CIO_QUESTION = "一共收到多少家企业的首席信息官备案申请？"


def chunks_of(path: Path) -> list[Chunk]:
    """The letter's chunks as the indexer makes them (doc id from the content hash)."""
    content_hash = hashlib.sha256(path.read_bytes()).hexdigest()
    letter = parse_letter(clean_text(path.read_text(encoding="utf-8")), source_path=str(path),
                          content_hash=content_hash, doc_id=content_hash[:16])
    return chunk_letter(letter, max_chars=320)


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with chroma_server_url(tmp_path_factory.mktemp("chroma-server")) as url:
        yield url


@pytest.fixture(scope="module")
def letters(embedder) -> dict[str, tuple[list[Chunk], np.ndarray]]:
    """Chunks and passage embeddings of three letters, by file stem, computed once."""
    found = {}
    for path in (SAMPLE, BAIYUN, GDKJT):
        chunks = chunks_of(path)
        found[path.stem] = (chunks, embedder.embed_passages([chunk.embed_text for chunk in chunks]))
    return found


@pytest.fixture()
def server_settings(server_url: str, tmp_path: Path, model_dir: Path) -> Iterator[Settings]:
    """Settings for the server with a collection of this test's own; the collection is dropped afterwards."""
    settings = Settings(data_dir=tmp_path / "data", models_dir=model_dir.parent, chroma_url=server_url,
                        collection=collection_name("store"))
    yield settings
    client = open_client(settings)
    if settings.collection in {collection.name for collection in client.list_collections()}:
        client.delete_collection(settings.collection)


@pytest.fixture()
def store(server_settings: Settings, letters) -> ChunkStore:
    """A server-backed store holding the three letters."""
    store = ChunkStore.open(server_settings)
    for chunks, embeddings in letters.values():
        store.add(chunks, embeddings)
    return store


def doc_id(letters, path: Path) -> str:
    return letters[path.stem][0][0].doc_id


def test_open_client_with_a_chroma_url_is_an_http_client(server_settings: Settings) -> None:
    client = open_client(server_settings)
    assert isinstance(client, chromadb.api.client.Client) and not server_settings.chroma_dir.exists()
    assert client.heartbeat() > 0


def test_added_chunks_round_trip_through_the_server(store: ChunkStore, letters) -> None:
    assert store.count() == sum(len(chunks) for chunks, _ in letters.values())
    sample_chunks = letters[SAMPLE.stem][0]
    assert store.chunks(doc_id(letters, SAMPLE)) == sample_chunks
    assert store.doc_ids() == {doc_id(letters, path) for path in (SAMPLE, BAIYUN, GDKJT)}


def test_adding_the_same_chunks_again_keeps_one_copy(store: ChunkStore, letters) -> None:
    before = store.count()
    store.add(*letters[BAIYUN.stem])
    assert store.count() == before


def test_search_on_the_server_finds_the_passage_asked_about(store: ChunkStore, embedder) -> None:
    hits = store.search(embedder.embed_query(CIO_QUESTION), k=3)
    assert any("45家企业" in hit.chunk.text for hit in hits)
    assert hits == sorted(hits, key=lambda hit: -hit.similarity)


def test_search_on_the_server_with_document_filter_returns_only_those_documents(store: ChunkStore, letters,
                                                                               embedder) -> None:
    query = embedder.embed_query("中山市5G基站建设进展如何？")
    baiyun, gdkjt = doc_id(letters, BAIYUN), doc_id(letters, GDKJT)
    only_baiyun = store.search(query, k=50, doc_ids=[baiyun])
    assert {hit.chunk.doc_id for hit in only_baiyun} == {baiyun}
    assert len(only_baiyun) == len(letters[BAIYUN.stem][0])
    assert {hit.chunk.doc_id for hit in store.search(query, k=50, doc_ids=[baiyun, gdkjt])} == {baiyun, gdkjt}


def test_delete_document_on_the_server_removes_only_its_chunks(store: ChunkStore, letters) -> None:
    store.delete_document(doc_id(letters, BAIYUN))
    assert store.doc_ids() == {doc_id(letters, SAMPLE), doc_id(letters, GDKJT)}
    assert store.chunks(doc_id(letters, BAIYUN)) == []
    assert store.count() == len(letters[SAMPLE.stem][0]) + len(letters[GDKJT.stem][0])


def test_unreachable_chroma_url_is_a_store_error_naming_it(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(StoreError, match="127.0.0.1"):
        ChunkStore.open(Settings(data_dir=tmp_path, chroma_url=url))


def test_service_over_the_server_indexes_answers_and_removes(server_settings: Settings, embedder, reader) -> None:
    from retrieval.factory import build_service

    service = build_service(server_settings, embedder=embedder, reader=reader)
    outcome = service.add_document(SAMPLE)
    answer = service.ask(CIO_QUESTION)
    service.remove_document(outcome.doc_id)

    assert outcome.status == "indexed"
    assert answer.answered and "45" in answer.text, answer
    assert answer.citations[0].doc_id == outcome.doc_id and "45" in answer.citations[0].quote
    assert ChunkStore.open(server_settings).count() == 0
    assert not server_settings.chroma_dir.exists(), "server mode wrote an embedded store too"
