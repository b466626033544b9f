"""index.registry: the SQLite table of indexed documents."""
from __future__ import annotations

from pathlib import Path

import pytest

from index.errors import StoreError
from index.registry import Registry
from index.types import DocumentRecord, LetterMetadata

METADATA = LetterMetadata(agency="中山市工业和信息化局", doc_number="中工信函〔2022〕53号",
                          date="2022年6月14日", date_iso="2022-06-14")


def record(doc_id: str, *, source: str = "/letters/a.txt", content_hash: str | None = None) -> DocumentRecord:
    return DocumentRecord(doc_id=doc_id, source_path=source, content_hash=content_hash or f"hash-{doc_id}",
                          display_name=f"letter {doc_id}", metadata=METADATA, chunk_count=7)


@pytest.fixture
def registry(tmp_path: Path) -> Registry:
    registry = Registry(tmp_path / "registry.sqlite3")
    yield registry
    registry.close()


def test_begun_document_is_pending_and_invisible(registry: Registry) -> None:
    registry.begin(record("aaa"))
    assert registry.pending() == ["aaa"]
    assert registry.get("aaa") is None
    assert registry.documents() == []
    assert registry.by_hash("hash-aaa") is None
    assert registry.by_source("/letters/a.txt") == []


def test_chunk_ids_are_those_of_complete_documents(registry: Registry) -> None:
    registry.begin(record("aaa"))
    registry.begin(record("bbb", source="/letters/b.txt"))
    registry.complete("bbb")
    assert registry.chunk_ids() == [f"bbb:{i}" for i in range(7)]  # chunk_id_for: numbered from 0
    assert registry.count() == 1


def test_completed_document_is_visible_with_its_metadata(registry: Registry) -> None:
    registry.begin(record("aaa"))
    registry.complete("aaa")
    found = registry.get("aaa")
    assert registry.pending() == []
    assert found is not None and found.metadata == METADATA
    assert (found.chunk_count, found.display_name, found.source_path) == (7, "letter aaa", "/letters/a.txt")
    assert found.indexed_at
    assert registry.documents() == [found]


def test_by_hash_and_by_source_find_complete_documents(registry: Registry) -> None:
    for doc_id, source in [("aaa", "/letters/a.txt"), ("bbb", "/letters/b.txt"), ("ccc", "/letters/a.txt")]:
        registry.begin(record(doc_id, source=source))
        registry.complete(doc_id)
    registry.begin(record("ddd", source="/letters/a.txt"))
    assert registry.by_hash("hash-bbb").doc_id == "bbb"
    assert registry.by_hash("hash-none") is None
    assert sorted(r.doc_id for r in registry.by_source("/letters/a.txt")) == ["aaa", "ccc"]


def test_get_accepts_a_unique_prefix(registry: Registry) -> None:
    for doc_id in ("abc123", "abd456"):
        registry.begin(record(doc_id))
        registry.complete(doc_id)
    assert registry.get("abc").doc_id == "abc123"
    assert registry.get("abd4").doc_id == "abd456"


def test_get_with_ambiguous_prefix_returns_none(registry: Registry) -> None:
    for doc_id in ("abc123", "abd456"):
        registry.begin(record(doc_id))
        registry.complete(doc_id)
    assert registry.get("ab") is None
    assert registry.get("") is None
    assert registry.get("zzz") is None


def test_get_prefix_ignores_pending_documents(registry: Registry) -> None:
    registry.begin(record("abc123"))
    registry.complete("abc123")
    registry.begin(record("abd456"))
    assert registry.get("ab").doc_id == "abc123"


def test_prefix_with_sql_wildcards_is_not_a_pattern(registry: Registry) -> None:
    for doc_id in ("abc123", "abd456"):
        registry.begin(record(doc_id))
        registry.complete(doc_id)
    assert registry.get("a_c") is None
    assert registry.get("%456") is None


def test_remove_forgets_a_document(registry: Registry) -> None:
    registry.begin(record("aaa"))
    registry.complete("aaa")
    registry.remove("aaa")
    assert registry.get("aaa") is None and registry.documents() == []


def test_begin_again_replaces_the_row(registry: Registry) -> None:
    registry.begin(record("aaa"))
    registry.complete("aaa")
    registry.begin(record("aaa", source="/letters/moved.txt"))
    assert registry.pending() == ["aaa"]
    assert registry.get("aaa") is None


def test_registry_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "registry.sqlite3"
    first = Registry(path)
    first.begin(record("aaa"))
    first.complete("aaa")
    first.begin(record("bbb"))
    first.close()
    reopened = Registry(path)
    try:
        assert [r.doc_id for r in reopened.documents()] == ["aaa"]
        assert reopened.get("aaa").metadata == METADATA
        assert reopened.pending() == ["bbb"]
    finally:
        reopened.close()


def test_documents_are_listed_oldest_first(registry: Registry) -> None:
    for doc_id in ("ccc", "aaa", "bbb"):
        registry.begin(record(doc_id))
        registry.complete(doc_id)
    assert [r.doc_id for r in registry.documents()] == ["ccc", "aaa", "bbb"]


def test_registry_under_a_file_raises_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(StoreError, match="a-file"):
        Registry(blocker / "data" / "registry.sqlite3")
