"""The nouns that cross module boundaries on the indexing side."""
from __future__ import annotations

from dataclasses import dataclass, field

SECTION_SEPARATOR = " › "
HEADER_SECTION = "文头"
SIGNOFF_SECTION = "落款"


@dataclass(frozen=True)
class RawText:
    """A file's text as loaded, before cleaning."""

    path: str
    text: str
    encoding: str | None = None
    format: str = "txt"


@dataclass(frozen=True)
class LetterMetadata:
    """Facts from a letter's header and sign-off. Every field may be missing."""

    agency: str | None = None           # 发文机关, e.g. 中山市工业和信息化局
    doc_number: str | None = None       # 文号, e.g. 中工信函〔2022〕53号
    title: str | None = None            # e.g. 中山市工业和信息化局关于…答复的函
    addressee: str | None = None        # e.g. 彭诗敏委员
    proposal_number: str | None = None  # 提案/建议编号, e.g. 131082
    date: str | None = None             # as written, e.g. 2022年6月14日
    date_iso: str | None = None         # e.g. 2022-06-14
    contact: str | None = None          # 联系人
    phone: str | None = None            # 电话
    disclosure: str | None = None       # 公开方式
    cc: str | None = None               # 抄送
    category: str | None = None         # e.g. A类
    signer: str | None = None           # 签发人 / 承办负责人: who signed for the agency
    session: str | None = None          # the meeting the proposal was made at, e.g. 市十七届人大五次会议
    co_handlers: str | None = None      # 会办单位: the bodies whose views the reply joins, e.g. 市科技局、商务局


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of cleaned text with its place in the section tree.

    ``start``/``end`` are character offsets into ``Letter.text``.
    ``section_path`` runs from the top heading down, e.g.
    ("四、关于引人才——加大专项资金支持建议", "（三）推广首席信息官制度").
    Header paragraphs have (HEADER_SECTION,), sign-off ones (SIGNOFF_SECTION,).
    """

    text: str
    section_path: tuple[str, ...]
    start: int
    end: int

    @property
    def section(self) -> str:
        return SECTION_SEPARATOR.join(self.section_path)


@dataclass(frozen=True)
class Letter:
    """A parsed letter: cleaned text, metadata and paragraphs."""

    doc_id: str
    source_path: str
    content_hash: str
    display_name: str
    text: str
    metadata: LetterMetadata
    paragraphs: tuple[Paragraph, ...]


def chunk_id_for(doc_id: str, ordinal: int) -> str:
    """A chunk's id: its document's id and its place in it (so the store's ids alone name its documents)."""
    return f"{doc_id}:{ordinal}"


def doc_id_of(chunk_id: str) -> str:
    """The document a chunk id (``chunk_id_for``) belongs to."""
    return chunk_id.rsplit(":", 1)[0]


@dataclass(frozen=True)
class Chunk:
    """A retrievable piece of one letter: whole sentences of one section."""

    chunk_id: str
    doc_id: str
    display_name: str
    section_path: tuple[str, ...]
    text: str
    start: int
    end: int
    ordinal: int = 0

    @property
    def section(self) -> str:
        return SECTION_SEPARATOR.join(self.section_path)

    @property
    def embed_text(self) -> str:
        """What the model sees: the section path gives the text its context."""
        return f"{self.section}\n{self.text}" if self.section_path else self.text


@dataclass(frozen=True)
class DocumentRecord:
    """A registry row: one indexed document."""

    doc_id: str
    source_path: str
    content_hash: str
    display_name: str
    metadata: LetterMetadata = field(default_factory=LetterMetadata)
    chunk_count: int = 0
    indexed_at: str = ""
