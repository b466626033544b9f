"""index.indexer with a real Chroma store in tmp_path, a real registry and the real model."""
from __future__ import annotations

import hashlib
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import chromadb
import numpy as np
import pytest
from chromadb.config import Settings as ChromaSettings

from index.chunking import chunk_letter
from index.cleaning import clean_text
from index.errors import InputFileError, StoreError, UnknownDocumentError
from index.indexer import Indexer, IndexReport
from index.registry import Registry
from index.settings import Settings
from index.store import ChunkStore
from index.structure import parse_letter
from index.types import Chunk, DocumentRecord, Letter, LetterMetadata

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "zhongshan-gxj-2022-53.txt"
LETTERS = sorted((ROOT / "tests" / "data" / "letters").glob("*.txt"))
SMALL = ROOT / "tests" / "data" / "letters" / "gdkjt-2023-112.txt"      # 5 chunks
MEDIUM = ROOT / "tests" / "data" / "letters" / "qingxin-nyj-2022-15.txt"  # 11 chunks


class CountingEmbedder:
    """The real embedder, counting how often the indexer asks it for vectors."""

    def __init__(self, embedder) -> None:
        self._embedder = embedder
        self.calls = 0

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        return self._embedder.embed_passages(texts)


class CountingStore(ChunkStore):
    """A real store that counts its ``add`` calls and refuses (StoreError) calls holding the chunks of a
    document in ``refused``, or of more than one document when ``one_letter_a_call``."""

    def __init__(self, *args, refused: frozenset[str] = frozenset(), one_letter_a_call: bool = False) -> None:
        super().__init__(*args)
        self.refused, self.one_letter_a_call, self.added, self.calls = refused, one_letter_a_call, [], 0

    def add(self, chunks: Sequence[Chunk], embeddings: np.ndarray) -> None:
        self.calls += 1
        documents = {chunk.doc_id for chunk in chunks}
        if documents & self.refused or (self.one_letter_a_call and len(documents) > 1):
            raise StoreError("The store refused the chunks.")
        self.added.append(len(documents))
        super().add(chunks, embeddings)


class SimulatedCrash(Exception):
    """Stands for the process dying; not a GovqaError, so nothing catches it."""


class CrashingStore(ChunkStore):
    """Stores the first half of the chunks it is given, then dies."""

    def add(self, chunks: Sequence[Chunk], embeddings: np.ndarray) -> None:
        half = len(chunks) // 2
        super().add(chunks[:half], embeddings[:half])
        raise SimulatedCrash


@dataclass
class Workspace:
    """One data directory: settings, a Chroma client, its store and registry, an indexer over them."""

    settings: Settings
    client: chromadb.ClientAPI
    store: ChunkStore
    registry: Registry
    embedder: CountingEmbedder
    indexer: Indexer

    def indexer_with(self, store: ChunkStore) -> Indexer:
        """Another indexer over the same registry, with ``store`` (e.g. one that crashes)."""
        return Indexer(self.settings, store=store, registry=self.registry, embedder=self.embedder)

    def assert_consistent(self) -> None:
        """Registry and store agree: nothing pending, the same documents, the recorded chunk counts."""
        records = self.registry.documents()
        assert self.registry.pending() == []
        assert self.store.doc_ids() == {r.doc_id for r in records}
        for record in records:
            assert len(self.store.chunks(record.doc_id)) == record.chunk_count
        assert self.store.count() == sum(r.chunk_count for r in records)


def open_workspace(data_dir: Path, embedder) -> Workspace:
    settings = Settings(data_dir=data_dir)
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    client = chromadb.PersistentClient(path=str(settings.chroma_dir), settings=ChromaSettings(anonymized_telemetry=False))
    store = ChunkStore(client, settings.collection)
    registry = Registry(settings.registry_path)
    counting = CountingEmbedder(embedder)
    indexer = Indexer(settings, store=store, registry=registry, embedder=counting)
    return Workspace(settings, client, store, registry, counting, indexer)


def parse(path: Path) -> Letter:
    """The letter as the indexer sees it: same source path, hash and doc id."""
    content_hash = hashlib.sha256(path.read_bytes()).hexdigest()
    return parse_letter(clean_text(path.read_text(encoding="utf-8")), source_path=str(path.resolve()),
                        content_hash=content_hash, doc_id=content_hash[:16])


def copy_letters(folder: Path, *sources: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy(source, folder / source.name)) for source in sources]


@pytest.fixture
def workspace(tmp_path: Path, embedder) -> Workspace:
    return open_workspace(tmp_path / "data", embedder)


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory, embedder) -> tuple[Workspace, IndexReport, Path]:
    """The sample and the letters of tests/data/letters, copied to a folder and indexed once."""
    folder = tmp_path_factory.mktemp("letters")
    copy_letters(folder, SAMPLE, *LETTERS)
    workspace = open_workspace(tmp_path_factory.mktemp("data"), embedder)
    return workspace, workspace.indexer.index_paths([folder]), folder


def record_of(workspace: Workspace, stem: str):
    return next(r for r in workspace.registry.documents() if Path(r.source_path).stem == stem)


# --- indexing a folder ---------------------------------------------------------


def test_index_folder_indexes_every_letter(library) -> None:
    workspace, report, folder = library
    assert [o.status for o in report.outcomes] == ["indexed"] * 4
    assert {Path(o.path).name for o in report.outcomes} == {p.name for p in [SAMPLE, *LETTERS]}
    assert all(Path(o.path).parent == folder.resolve() for o in report.outcomes)
    assert [o.chunk_count > 0 for o in report.outcomes] == [True] * 4
    workspace.assert_consistent()


def test_index_folder_records_letter_metadata(library) -> None:
    workspace, _, _ = library
    sample = record_of(workspace, SAMPLE.stem)
    assert sample.display_name == "中工信函〔2022〕53号"
    assert (sample.metadata.doc_number, sample.metadata.date) == ("中工信函〔2022〕53号", "2022年6月14日")
    assert sample.metadata.agency == "中山市工业和信息化局"
    qingxin = record_of(workspace, "qingxin-nyj-2022-15")
    assert (qingxin.metadata.doc_number, qingxin.metadata.date_iso) == ("清新农建议〔2022〕第15号", "2022-07-08")


def test_registry_chunk_counts_match_the_store(library) -> None:
    workspace, report, _ = library
    for outcome in report.outcomes:
        assert workspace.registry.get(outcome.doc_id).chunk_count == outcome.chunk_count
        assert len(workspace.store.chunks(outcome.doc_id)) == outcome.chunk_count


def test_stored_chunks_round_trip_with_section_and_offsets(library) -> None:
    workspace, _, _ = library
    sample = record_of(workspace, SAMPLE.stem)
    stored = workspace.store.chunks(sample.doc_id)
    assert [c.ordinal for c in stored] == list(range(sample.chunk_count))
    cio = [c for c in stored if c.section_path[-1:] == ("（三）推广首席信息官制度",)]
    assert len(cio) == 1 and "45家企业" in cio[0].text
    assert cio[0].display_name == "中工信函〔2022〕53号"


def test_search_with_document_filter_returns_only_that_documents_chunks(library, embedder) -> None:
    workspace, _, _ = library
    query = embedder.embed_query("中山市5G基站建设进展如何？")
    sample, baiyun, gdkjt = (record_of(workspace, stem).doc_id for stem in (SAMPLE.stem, "baiyun-zjj-2021-8", "gdkjt-2023-112"))
    assert sample in {hit.chunk.doc_id for hit in workspace.store.search(query, k=50)}
    only_baiyun = workspace.store.search(query, k=50, doc_ids=[baiyun])
    assert len(only_baiyun) == record_of(workspace, "baiyun-zjj-2021-8").chunk_count
    assert {hit.chunk.doc_id for hit in only_baiyun} == {baiyun}
    two = workspace.store.search(query, k=50, doc_ids=[baiyun, gdkjt])
    assert {hit.chunk.doc_id for hit in two} == {baiyun, gdkjt}


def test_search_finds_the_passage_asked_about(library, embedder) -> None:
    workspace, _, _ = library
    hits = workspace.store.search(embedder.embed_query("一共收到多少家企业的首席信息官备案申请？"), k=3)
    assert any("45家企业" in hit.chunk.text for hit in hits)
    assert hits == sorted(hits, key=lambda hit: -hit.similarity)


# --- re-indexing -----------------------------------------------------------------


def test_reindex_unchanged_file_is_noop(workspace: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "letters"
    copy_letters(folder, SMALL, MEDIUM)
    first = workspace.indexer.index_paths([folder])
    count, calls = workspace.store.count(), workspace.embedder.calls
    second = workspace.indexer.index_paths([folder])
    assert [o.status for o in second.outcomes] == ["unchanged", "unchanged"]
    assert [o.doc_id for o in second.outcomes] == [o.doc_id for o in first.outcomes]
    assert [o.chunk_count for o in second.outcomes] == [o.chunk_count for o in first.outcomes]
    assert workspace.store.count() == count
    assert workspace.embedder.calls == calls
    workspace.assert_consistent()


def test_indexing_an_unchanged_file_again_reads_its_header_facts_again(workspace: Workspace, tmp_path: Path) -> None:
    # As a newer parser finds facts an older one missed: the registry holds what the older one read.
    folder = tmp_path / "letters"
    copy_letters(folder, SMALL)
    first = workspace.indexer.index_paths([folder]).outcomes[0]
    read = workspace.registry.get(first.doc_id)
    workspace.registry.update_facts(first.doc_id, "older name", LetterMetadata())
    calls = workspace.embedder.calls
    again = workspace.indexer.index_paths([folder]).outcomes[0]
    now = workspace.registry.get(first.doc_id)
    assert again.status == "unchanged" and workspace.embedder.calls == calls
    assert (now.display_name, now.metadata) == (read.display_name, read.metadata) and read.metadata.agency
    workspace.assert_consistent()


def test_changed_file_at_same_path_replaces_its_chunks(workspace: Workspace, tmp_path: Path) -> None:
    [letter] = copy_letters(tmp_path / "letters", MEDIUM)
    old = workspace.indexer.index_file(letter)
    letter.write_text(letter.read_text(encoding="utf-8").replace("16.8万亩", "17.2万亩"), encoding="utf-8")
    new = workspace.indexer.index_file(letter)
    assert (old.status, new.status) == ("indexed", "replaced")
    assert new.doc_id != old.doc_id
    assert workspace.registry.get(old.doc_id) is None
    assert workspace.store.chunks(old.doc_id) == []
    assert [r.doc_id for r in workspace.registry.documents()] == [new.doc_id]
    assert any("17.2万亩" in c.text for c in workspace.store.chunks(new.doc_id))
    workspace.assert_consistent()


def test_same_content_at_second_path_is_duplicate(workspace: Workspace, tmp_path: Path) -> None:
    [first] = copy_letters(tmp_path / "a", SMALL)
    [second] = copy_letters(tmp_path / "b", SMALL)
    original = workspace.indexer.index_file(first)
    calls, count = workspace.embedder.calls, workspace.store.count()
    duplicate = workspace.indexer.index_file(second)
    assert duplicate.status == "duplicate"
    assert (duplicate.doc_id, duplicate.path) == (original.doc_id, str(second.resolve()))
    assert (workspace.embedder.calls, workspace.store.count()) == (calls, count)
    assert [r.source_path for r in workspace.registry.documents()] == [str(first.resolve())]
    workspace.assert_consistent()


def test_letters_of_one_run_are_embedded_together_and_each_keeps_its_own_vectors(workspace: Workspace,
                                                                                  tmp_path: Path, embedder) -> None:
    folder = tmp_path / "letters"
    copy_letters(folder, SMALL, MEDIUM, SAMPLE)
    report = workspace.indexer.index_paths([folder])
    assert [o.status for o in report.outcomes] == ["indexed"] * 3
    assert workspace.embedder.calls == 1          # 3 letters, fewer chunks than settings.index.group_chunks: one call
    for outcome in report.outcomes:
        chunks = workspace.store.chunks(outcome.doc_id)
        stored = workspace.store.embeddings([c.chunk_id for c in chunks])
        alone = embedder.embed_passages([c.embed_text for c in chunks])   # this letter's chunks only
        cosines = [float(stored[c.chunk_id] @ vector) for c, vector in zip(chunks, alone)]
        assert min(cosines) > 0.9999, (outcome.path, min(cosines))
    workspace.assert_consistent()


def test_a_group_is_embedded_and_stored_when_it_holds_enough_chunks(workspace: Workspace, tmp_path: Path) -> None:
    settings = workspace.settings.model_copy(update={"index": workspace.settings.index.model_copy(update={"group_chunks": 1})})
    store = CountingStore(workspace.client, settings.collection)
    indexer = Indexer(settings, store=store, registry=workspace.registry, embedder=workspace.embedder)
    folder = tmp_path / "letters"
    copy_letters(folder, SMALL, MEDIUM)
    seen = []
    report = indexer.index_paths([folder], on_file=seen.append)
    assert (workspace.embedder.calls, store.added) == (2, [1, 1])   # every letter fills a group
    assert seen == list(report.outcomes) and [o.status for o in seen] == ["indexed", "indexed"]
    workspace.assert_consistent()


def test_letters_of_one_group_are_stored_in_one_store_call(workspace: Workspace, tmp_path: Path) -> None:
    store = CountingStore(workspace.client, workspace.settings.collection)
    folder = tmp_path / "letters"
    copy_letters(folder, SMALL, MEDIUM, SAMPLE)
    report = workspace.indexer_with(store).index_paths([folder])
    assert [o.status for o in report.outcomes] == ["indexed"] * 3
    assert store.added == [3]
    assert workspace.registry.pending() == []
    workspace.assert_consistent()


def test_a_group_the_store_refuses_is_stored_letter_by_letter_and_a_refused_letter_fails_alone(
        workspace: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "letters"
    small, medium, sample = copy_letters(folder, SMALL, MEDIUM, SAMPLE)
    refused = parse(medium).doc_id
    store = CountingStore(workspace.client, workspace.settings.collection, refused=frozenset({refused}),
                          one_letter_a_call=True)
    report = workspace.indexer_with(store).index_paths([folder])
    by_path = {o.path: o for o in report.outcomes}
    assert by_path[str(medium.resolve())].status == "failed"
    assert [by_path[str(p.resolve())].status for p in (small, sample)] == ["indexed", "indexed"]
    assert store.added == [1, 1]
    # The refused letter is left pending, as a crash would leave it: the next run undoes it and indexes it.
    assert workspace.registry.pending() == [refused]
    again = workspace.indexer.index_paths([folder])
    assert sorted(o.status for o in again.outcomes) == ["indexed", "unchanged", "unchanged"]
    workspace.assert_consistent()


def test_a_single_letter_the_store_refuses_fails_with_the_stores_error_after_one_try(workspace: Workspace,
                                                                                     tmp_path: Path) -> None:
    [letter] = copy_letters(tmp_path / "letters", SMALL)
    store = CountingStore(workspace.client, workspace.settings.collection, refused=frozenset({parse(letter).doc_id}))
    outcome = workspace.indexer_with(store).index_file(letter)
    assert (outcome.status, outcome.error, store.calls) == ("failed", "The store refused the chunks.", 1)


def test_the_same_letter_twice_in_one_run_is_stored_once(workspace: Workspace, tmp_path: Path) -> None:
    # Both copies are parsed before either is stored: the second must still be found a duplicate.
    [first] = copy_letters(tmp_path / "letters" / "a", SMALL)
    [second] = copy_letters(tmp_path / "letters" / "b", SMALL)
    report = workspace.indexer.index_paths([tmp_path / "letters"])
    by_path = {o.path: o for o in report.outcomes}
    assert by_path[str(first.resolve())].status == "indexed"
    assert by_path[str(second.resolve())].status == "duplicate"
    assert [o.path for o in report.outcomes] == sorted(by_path)   # outcomes in the order of the files
    assert len(workspace.registry.documents()) == 1
    workspace.assert_consistent()


def test_file_changed_into_a_copy_of_another_letter_drops_its_old_version(workspace: Workspace, tmp_path: Path) -> None:
    first, second = copy_letters(tmp_path / "letters", SMALL, MEDIUM)
    kept = workspace.indexer.index_file(first)
    old = workspace.indexer.index_file(second)
    second.write_bytes(first.read_bytes())
    now = workspace.indexer.index_file(second)
    assert (now.status, now.doc_id) == ("duplicate", kept.doc_id)
    assert workspace.registry.get(old.doc_id) is None
    assert workspace.store.chunks(old.doc_id) == []
    workspace.assert_consistent()


# --- removing ----------------------------------------------------------------------


def test_remove_deletes_the_document_and_all_its_chunks(workspace: Workspace, tmp_path: Path) -> None:
    kept, removed = workspace.indexer.index_paths(copy_letters(tmp_path / "letters", SMALL, MEDIUM)).outcomes
    record = workspace.indexer.remove(removed.doc_id)
    assert record.doc_id == removed.doc_id
    assert workspace.registry.get(removed.doc_id) is None
    assert workspace.store.chunks(removed.doc_id) == []
    assert len(workspace.store.chunks(kept.doc_id)) == kept.chunk_count
    workspace.assert_consistent()


def test_remove_accepts_a_unique_id_prefix(workspace: Workspace, tmp_path: Path) -> None:
    outcome = workspace.indexer.index_file(copy_letters(tmp_path / "letters", SMALL)[0])
    assert workspace.indexer.remove(outcome.doc_id[:6]).doc_id == outcome.doc_id
    assert workspace.store.count() == 0 and workspace.registry.documents() == []


def test_remove_unknown_id_raises_unknown_document_error(workspace: Workspace) -> None:
    with pytest.raises(UnknownDocumentError, match="nosuchdoc"):
        workspace.indexer.remove("nosuchdoc")


def test_removed_document_can_be_indexed_again(workspace: Workspace, tmp_path: Path) -> None:
    [letter] = copy_letters(tmp_path / "letters", SMALL)
    first = workspace.indexer.index_file(letter)
    workspace.indexer.remove(first.doc_id)
    again = workspace.indexer.index_file(letter)
    assert (again.status, again.doc_id) == ("indexed", first.doc_id)
    workspace.assert_consistent()


# --- bad files ---------------------------------------------------------------------------


def test_bad_files_fail_with_their_names_while_good_files_are_indexed(workspace: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    copy_letters(folder, SMALL, MEDIUM)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nthis is not a pdf")
    unsupported = tmp_path / "notes.doc"
    unsupported.write_bytes("中山市工业和信息化局关于提案答复的函。".encode())
    report = workspace.indexer.index_paths([folder, unsupported])
    status = {Path(o.path).name: o.status for o in report.outcomes}
    assert status == {"gdkjt-2023-112.txt": "indexed", "qingxin-nyj-2022-15.txt": "indexed", "empty.txt": "failed",
                      "binary.txt": "failed", "corrupt.pdf": "failed", "notes.doc": "failed"}
    for failure in report.failures:
        assert Path(failure.path).name in failure.error
        assert failure.doc_id is None
    assert len(workspace.registry.documents()) == 2
    workspace.assert_consistent()


def test_index_file_of_oversize_file_fails_without_reading_it(tmp_path: Path, embedder) -> None:
    workspace = open_workspace(tmp_path / "data", embedder)
    workspace.settings.index.max_file_bytes = 100
    [letter] = copy_letters(tmp_path / "letters", SMALL)
    outcome = workspace.indexer.index_file(letter)
    assert outcome.status == "failed" and letter.name in outcome.error and "100" in outcome.error
    assert workspace.embedder.calls == 0


class FakeEmbedder:
    """Fixed-size vectors without a model: for tests about reading files, not about retrieval."""

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return np.ones((len(texts), 8), dtype=np.float32)


@pytest.mark.parametrize("max_bytes", [None, 100])
def test_each_file_is_read_once_with_one_size_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    max_bytes: int | None) -> None:
    from index.loaders import load_file

    workspace = open_workspace(tmp_path / "data", FakeEmbedder())
    if max_bytes is not None:
        workspace.settings.index.max_file_bytes = max_bytes
    [letter] = copy_letters(tmp_path / "letters", SMALL)
    reads: list[Path] = []
    read_bytes = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: reads.append(self) or read_bytes(self))
    outcome = workspace.indexer.index_file(letter)
    assert reads.count(letter) == (0 if max_bytes else 1)
    if max_bytes:  # the loader's own refusal, word for word
        with pytest.raises(InputFileError) as refused:
            load_file(letter, max_bytes=max_bytes)
        assert (outcome.status, outcome.error) == ("failed", str(refused.value))
    else:
        assert outcome.status == "indexed", outcome.error


# --- crash recovery ---------------------------------------------------------------------------


def test_crash_mid_store_is_undone_and_reindex_has_no_duplicates(workspace: Workspace, tmp_path: Path) -> None:
    [letter] = copy_letters(tmp_path / "letters", MEDIUM)
    crashing = workspace.indexer_with(CrashingStore(workspace.client, workspace.settings.collection))
    with pytest.raises(SimulatedCrash):
        crashing.index_paths([letter])
    [pending] = workspace.registry.pending()
    assert 0 < len(workspace.store.chunks(pending))
    assert workspace.registry.documents() == []

    report = workspace.indexer.index_paths([letter])
    [outcome] = report.outcomes
    assert (outcome.status, outcome.doc_id) == ("indexed", pending)
    stored = workspace.store.chunks(outcome.doc_id)
    assert len(stored) == outcome.chunk_count == len({c.chunk_id for c in stored})
    workspace.assert_consistent()


def test_crash_while_replacing_keeps_the_old_version(workspace: Workspace, tmp_path: Path) -> None:
    [letter] = copy_letters(tmp_path / "letters", MEDIUM)
    old = workspace.indexer.index_file(letter)
    letter.write_text(letter.read_text(encoding="utf-8").replace("560万元", "610万元"), encoding="utf-8")
    crashing = workspace.indexer_with(CrashingStore(workspace.client, workspace.settings.collection))
    with pytest.raises(SimulatedCrash):
        crashing.index_file(letter)
    [pending] = workspace.registry.pending()
    assert workspace.indexer.recover() == [pending]
    assert [r.doc_id for r in workspace.registry.documents()] == [old.doc_id]
    workspace.assert_consistent()
    assert workspace.indexer.index_file(letter).status == "replaced"
    workspace.assert_consistent()


def test_recover_removes_a_pending_document_and_its_chunks(workspace: Workspace, tmp_path: Path, embedder) -> None:
    kept = workspace.indexer.index_file(copy_letters(tmp_path / "letters", SMALL)[0])
    [letter_file] = copy_letters(tmp_path / "other", MEDIUM)
    # What a crash after registry.begin() and part of store.add() leaves behind.
    letter = parse(letter_file)
    chunks = chunk_letter(letter, max_chars=workspace.settings.index.chunk_max_chars)
    workspace.registry.begin(DocumentRecord(doc_id=letter.doc_id, source_path=letter.source_path,
                                            content_hash=letter.content_hash, display_name=letter.display_name,
                                            chunk_count=len(chunks)))
    workspace.store.add(chunks[:3], embedder.embed_passages([c.embed_text for c in chunks[:3]]))
    assert workspace.registry.pending() == [letter.doc_id]

    assert workspace.indexer.recover() == [letter.doc_id]
    assert workspace.store.chunks(letter.doc_id) == []
    assert [r.doc_id for r in workspace.registry.documents()] == [kept.doc_id]
    workspace.assert_consistent()
    [outcome] = workspace.indexer.index_paths([letter_file]).outcomes
    assert (outcome.status, outcome.doc_id, outcome.chunk_count) == ("indexed", letter.doc_id, len(chunks))
    workspace.assert_consistent()


def test_recover_removes_orphan_chunks_without_a_registry_row(workspace: Workspace, tmp_path: Path, embedder) -> None:
    kept = workspace.indexer.index_file(copy_letters(tmp_path / "letters", SMALL)[0])
    orphans = [Chunk(chunk_id=f"orphan:{i}", doc_id="orphan", display_name="orphan", section_path=(),
                     text=f"孤立的文本块{i}。", start=0, end=7, ordinal=i) for i in range(3)]
    workspace.store.add(orphans, embedder.embed_passages([c.embed_text for c in orphans]))
    assert "orphan" in workspace.store.doc_ids()
    assert workspace.indexer.recover() == ["orphan"]
    assert workspace.store.doc_ids() == {kept.doc_id}
    workspace.assert_consistent()


def test_orphan_chunks_can_be_left_to_remove_later(workspace: Workspace, tmp_path: Path, embedder) -> None:
    kept = workspace.indexer.index_file(copy_letters(tmp_path / "letters", SMALL)[0])
    orphan = Chunk(chunk_id="orphan:0", doc_id="orphan", display_name="orphan", section_path=(), text="孤立的文本块。",
                   start=0, end=7, ordinal=0)
    workspace.store.add([orphan], embedder.embed_passages([orphan.embed_text]))
    assert workspace.indexer.recover(orphans=False) == []  # the registry alone finds nothing to undo
    assert workspace.store.doc_ids() == {kept.doc_id, "orphan"}
    assert workspace.indexer.remove_orphans() == ["orphan"]
    assert workspace.store.doc_ids() == {kept.doc_id}


def test_recover_on_a_clean_index_does_nothing(library) -> None:
    workspace, _, _ = library
    count = workspace.store.count()
    assert workspace.indexer.recover() == []
    assert workspace.store.count() == count


def test_index_survives_reopening_the_data_dir(tmp_path: Path, embedder) -> None:
    first = open_workspace(tmp_path / "data", embedder)
    [letter] = copy_letters(tmp_path / "letters", SMALL)
    outcome = first.indexer.index_file(letter)
    first.registry.close()
    reopened = open_workspace(tmp_path / "data", embedder)
    assert reopened.indexer.index_file(letter).status == "unchanged"
    assert reopened.embedder.calls == 0
    assert len(reopened.store.chunks(outcome.doc_id)) == outcome.chunk_count


def test_chunks_stored_match_chunk_letter(workspace: Workspace, tmp_path: Path) -> None:
    [letter_file] = copy_letters(tmp_path / "letters", MEDIUM)
    outcome = workspace.indexer.index_file(letter_file)
    expected = chunk_letter(parse(letter_file), max_chars=workspace.settings.index.chunk_max_chars)
    assert workspace.store.chunks(outcome.doc_id) == expected
