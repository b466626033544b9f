"""Read letter files (.txt, .md, .pdf, .docx, .html) into ``RawText``.

Every failure is an ``InputFileError`` whose message names the file and says
what is wrong and what to do. Text is returned as found (cleaning is
``index.cleaning``'s job), except that PDF pages are joined by a blank line,
HTML keeps one block per line and DOCX tables give one line per cell.
"""
from __future__ import annotations

import codecs
import io
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from charset_normalizer import from_bytes

if TYPE_CHECKING:  # the format libraries are imported by the reader of their format: answering needs none
    from docx.table import Table
    from pypdf import PdfReader

from index.errors import InputFileError
from index.types import RawText

TEXT_SUFFIXES = (".txt", ".md")
HTML_SUFFIXES = (".html", ".htm")
SUPPORTED_SUFFIXES = (*TEXT_SUFFIXES, ".pdf", ".docx", *HTML_SUFFIXES)

PAGE_SEPARATOR = "\n\n"
"""Between the texts of two PDF pages (form feeds are removed)."""

_BAD_CHAR_LIMIT = 0.01
"""Control or unassigned characters above this share mean the bytes are not text."""
_GB_SHARE = 0.8
"""Share of non-ASCII characters that must be GB2312 for a GB18030 reading to count."""
_UTF8_SLIPS = 20
"""At least this many good non-ASCII characters per bad byte: a damaged UTF-8 file."""
_MIN_STATISTICAL_BYTES = 32
"""Below this many bytes, character statistics cannot tell encodings apart."""
_MAX_DECLARED_CHARSET_BYTES = 4096
_SAMPLE_CHARS = 200_000
"""Character statistics look at this many characters from the start."""

_GB_ALIASES = {"gb2312", "gbk", "cp936", "ms936", "gb18030", "euc-cn", "x-gbk", "gb_2312-80", "csgb2312"}
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_HTML_DROP = ("script", "style", "nav", "header", "footer", "noscript", "template", "svg", "iframe", "head")
_HTML_BLOCKS = frozenset((
    "address", "article", "aside", "blockquote", "caption", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "form", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "main", "ol",
    "p", "pre", "section", "table", "td", "th", "tr", "ul", "body", "center",
))
_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_XML_ENCODING_RE = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""", re.IGNORECASE)
_HTML_SPACE_RE = re.compile(r"[ \t\r\n\f]+")


def iter_input_files(paths: Iterable[Path]) -> list[Path]:
    """Expand ``paths`` into the files to load, sorted and without duplicates.

    A directory gives every supported file under it, recursively, skipping
    hidden files and folders and Office lock files (``~$…``). A file named
    directly is kept whatever its suffix, so ``load_file`` can say why it is
    refused. A path that does not exist raises ``InputFileError``.
    """
    found: dict[str, Path] = {}
    for path in map(Path, paths):
        if path.is_dir():
            files: Iterable[Path] = _walk_supported(path)
        elif path.exists():
            files = [path]
        else:
            raise InputFileError(path, "no such file or folder.")
        for file in files:
            found.setdefault(os.path.normpath(os.path.abspath(file)), file)
    return sorted(found.values())


def _walk_supported(folder: Path) -> Iterator[Path]:
    """Supported, non-hidden files under ``folder`` (symlinked folders are not followed)."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.startswith((".", "~$")) and Path(name).suffix.lower() in SUPPORTED_SUFFIXES:
                yield Path(root) / name


def load_file(path: Path, *, max_bytes: int | None = None) -> RawText:
    """Read one letter file into ``RawText``, choosing the reader by suffix.

    Raises ``InputFileError`` for a missing, empty, oversize, binary,
    undecodable, corrupt or unsupported file, and for a PDF without a text
    layer. ``max_bytes`` (``settings.index.max_file_bytes``) caps the file size.
    """
    return parse_file(path, read_file(path, max_bytes=max_bytes))


def read_file(path: Path, *, max_bytes: int | None = None) -> bytes:
    """A letter file's bytes, read once: refused first if its suffix is unsupported, or if it is
    missing, not a regular file, empty or over ``max_bytes``."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputFileError(path, _unsupported_message(suffix))
    return _read_bytes(path, max_bytes)


def parse_file(path: Path, data: bytes) -> RawText:
    """The text of ``data``, the bytes ``read_file`` read from ``path`` (whose suffix picks the reader)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputFileError(path, _unsupported_message(suffix))
    if suffix == ".pdf":
        raw = RawText(str(path), _pdf_text(path, data), None, "pdf")
    elif suffix == ".docx":
        raw = RawText(str(path), _docx_text(path, data), None, "docx")
    elif suffix in HTML_SUFFIXES:
        text, encoding = _html_text(path, data)
        raw = RawText(str(path), text, encoding, "html")
    else:
        text, encoding = _decode_text(path, data)
        raw = RawText(str(path), _strip_markdown(text) if suffix == ".md" else text, encoding, suffix[1:])
    if not raw.text.strip():
        raise InputFileError(path, "contains no text (only whitespace or empty elements).")
    return raw


def _unsupported_message(suffix: str) -> str:
    kind = f"'{suffix}' files are" if suffix else "Files without a suffix are"
    return (
        f"{kind} not supported. Supported: {', '.join(SUPPORTED_SUFFIXES)}. "
        "Save other documents (.doc, .wps, .rtf, images) as .docx, .pdf or .txt first."
    )


def _read_bytes(path: Path, max_bytes: int | None) -> bytes:
    """The file's bytes, after checking it exists, is a file, is not empty or too big."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise InputFileError(path, "is not a regular file.")
        if size == 0:
            raise InputFileError(path, "is empty (0 bytes).")
        if max_bytes is not None and size > max_bytes:
            raise InputFileError(
                path,
                f"is {_mib(size)}, over the {_mib(max_bytes)} limit "
                "(raise GOVQA_INDEX__MAX_FILE_BYTES to allow it).",
            )
        return path.read_bytes()
    except OSError as error:
        raise InputFileError(path, f"cannot be read: {error.strerror or error}.") from error


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MiB" if size >= 1024 * 1024 else f"{size:,} bytes"


# --- plain text -------------------------------------------------------------


def _decode_text(path: Path, data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode text bytes, returning (text, encoding name).

    Order: a byte-order mark; UTF-16 recognised by its NUL bytes (other bytes
    with NULs are binary); strict UTF-8; a charset the file declares (HTML);
    GB18030 (covers GBK/GB2312) if the result reads as Chinese; BOM-less
    UTF-16 that reads as Chinese; charset-normalizer. Raises
    ``InputFileError`` for binary, damaged or undecodable bytes.
    """
    result = _by_bom(data)
    if not result and b"\0" in data:
        result = _by_nul_pattern(data)
        if not result:
            raise InputFileError(path, "looks like a binary file, not text (it contains NUL bytes).")
    result = result or _by_utf8(data)
    if not result:
        _refuse_damaged_utf8(path, data)
        result = _by_declared(data, declared) or _by_gb18030(data) or _by_bomless_utf16(data) or _by_detection(data)
    if not result:
        raise InputFileError(
            path,
            "could not be decoded as text (tried UTF-8, UTF-16, GB18030 and detection). "
            "Re-save it as UTF-8 text.",
        )
    return _checked(path, *result)


def _checked(path: Path, text: str, encoding: str) -> tuple[str, str]:
    """Refuse decoded text that is mostly control or unassigned characters."""
    if text and _bad_share(text) > _BAD_CHAR_LIMIT:
        raise InputFileError(path, "looks like a binary file, not text (control characters throughout).")
    return text, encoding


def _bad_share(text: str) -> float:
    """Share of control, unassigned, private-use and surrogate characters (in a sample)."""
    sample = text[:_SAMPLE_CHARS]
    bad = sum(
        1 for ch in sample
        if ch not in "\t\n\r\f" and unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs")
    )
    return bad / len(sample)


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _by_bom(data: bytes) -> tuple[str, str] | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _strict(data, encoding)
            return (text, encoding) if text is not None else None
    return None


def _by_declared(data: bytes, declared: str | None) -> tuple[str, str] | None:
    encoding = _canonical_encoding(declared)
    if not encoding:
        return None
    text = _strict(data, encoding)
    return (text, encoding) if text is not None else None


def _canonical_encoding(name: str | None) -> str | None:
    """Python's codec name for ``name``; GBK and GB2312 widen to GB18030."""
    if not name:
        return None
    if name.strip().lower() in _GB_ALIASES:
        return "gb18030"
    try:
        return codecs.lookup(name.strip()).name
    except LookupError:
        return None


def _by_utf8(data: bytes) -> tuple[str, str] | None:
    text = _strict(data, "utf-8")
    return (text, "utf-8") if text is not None else None


def _by_nul_pattern(data: bytes) -> tuple[str, str] | None:
    """BOM-less UTF-16: NUL bytes sit on one side of each byte pair (ASCII characters)."""
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if len(data) % 2 or max(even, odd) < 4 * min(even, odd) + 1:
        return None
    encoding = "utf-16-le" if odd > even else "utf-16-be"
    text = _strict(data, encoding)
    if text is None or _bad_share(text) > _BAD_CHAR_LIMIT:
        return None
    return text, encoding


def _refuse_damaged_utf8(path: Path, data: bytes) -> None:
    """A UTF-8 file with a few bad bytes is damaged, not in another encoding: say so."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        text = data.decode("utf-8", errors="replace")
        slips = text.count("\ufffd")
        good = _non_ascii_count(text) - slips
        if good >= _UTF8_SLIPS * slips:
            raise InputFileError(
                path,
                f"is UTF-8 text with {slips} invalid byte(s), the first at byte {error.start}. "
                "Fix or re-save the file as UTF-8.",
            ) from error


def _non_ascii_count(text: str) -> int:
    return len(text) - len(text.encode("ascii", "ignore"))


def _reads_as_chinese(text: str) -> bool:
    """Most non-ASCII characters are GB2312 characters (common Chinese and punctuation)."""
    wide = [ch for ch in text[:_SAMPLE_CHARS] if ord(ch) > 127]
    if not wide:
        return False
    common = sum(1 for ch in wide if _is_gb2312(ch))
    return common >= _GB_SHARE * len(wide)


def _is_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _by_gb18030(data: bytes) -> tuple[str, str] | None:
    """GB18030 if it reads as Chinese; a few bytes are too few to judge, so GB wins then."""
    text = _strict(data, "gb18030")
    if text is None or not (len(data) < _MIN_STATISTICAL_BYTES or _reads_as_chinese(text)):
        return None
    return text, "gb18030"


def _by_bomless_utf16(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without BOM or ASCII (so no NUL bytes): accept only if it reads as Chinese."""
    if len(data) % 2 or len(data) < _MIN_STATISTICAL_BYTES:
        return None
    for encoding in ("utf-16-le", "utf-16-be"):
        text = _strict(data, encoding)
        if text is not None and _reads_as_chinese(text):
            return text, encoding
    return None


def _by_detection(data: bytes) -> tuple[str, str] | None:
    best = from_bytes(data).best()
    if best is None:
        return None
    return str(best), best.encoding


_MD_HEADING_RE = re.compile(r"^ {0,3}#{1,6}[ \t]+|^ {0,3}> ?", re.MULTILINE)
_MD_EMPHASIS_RE = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")


def _strip_markdown(text: str) -> str:
    """Drop Markdown heading marks, quote marks and bold markers; keep the words."""
    return _MD_EMPHASIS_RE.sub(r"\2", _MD_HEADING_RE.sub("", text))


# --- PDF ----------------------------------------------------------------------


def _pdf_text(path: Path, data: bytes) -> str:
    """Text of every page, pages joined by ``PAGE_SEPARATOR``."""
    reader = _open_pdf(path, data)
    try:
        pages = [(page.extract_text() or "").replace("\f", "\n") for page in reader.pages]
    except Exception as error:  # pypdf raises many types on damaged content streams
        raise InputFileError(path, f"is a damaged PDF; its text could not be read ({error}).") from error
    if not any(page.strip() for page in pages):
        raise InputFileError(
            path,
            f"has {len(pages)} page(s) but no extractable text: it looks like a scanned image. "
            "Run OCR on it first (e.g. `ocrmypdf in.pdf out.pdf`) and load the result.",
        )
    return PAGE_SEPARATOR.join(page.strip("\n") for page in pages)


def _open_pdf(path: Path, data: bytes) -> PdfReader:
    """A reader with its page tree loaded; encrypted files are opened with an empty password."""
    if b"%PDF" not in data[:1024]:
        raise InputFileError(path, "is not a PDF file (no %PDF header): it is corrupt or misnamed.")
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
    except Exception as error:  # pypdf signals corruption with many exception types
        raise InputFileError(path, f"is a corrupt or unreadable PDF ({error}).") from error
    if encrypted:
        _unlock_pdf(path, reader)
    try:
        len(reader.pages)
    except Exception as error:
        raise InputFileError(path, f"is a corrupt or unreadable PDF ({error}).") from error
    return reader


def _unlock_pdf(path: Path, reader: PdfReader) -> None:
    """Open a PDF encrypted without a user password (print/copy restrictions only)."""
    try:
        unlocked = reader.decrypt("")
    except Exception as error:  # e.g. AES without the optional cryptography package
        raise InputFileError(path, f"is an encrypted PDF that cannot be opened here ({error}).") from error
    if not unlocked:
        raise InputFileError(path, "is password-protected. Remove the password and load it again.")


# --- DOCX ---------------------------------------------------------------------


def _docx_text(path: Path, data: bytes) -> str:
    """Paragraphs one per line, in order; each table cell on a line of its own."""
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        return "\n".join(_docx_lines(document))
    except Exception as error:  # python-docx/zipfile/lxml raise many types on bad files
        raise InputFileError(
            path,
            "is not a readable .docx file: it is corrupt, or an old .doc/.wps file renamed. "
            "Open it and save it as .docx.",
        ) from error


def _docx_lines(container: Any) -> Iterator[str]:
    """Lines of a document or table cell: paragraph text, then table cells in order."""
    from docx.table import Table

    for block in container.iter_inner_content():
        if isinstance(block, Table):
            yield from _table_lines(block)
        else:
            yield block.text


def _table_lines(table: Table) -> Iterator[str]:
    """Each distinct cell's lines; merged cells repeat in python-docx, so skip repeats."""
    seen: dict[int, Any] = {}
    for row in table.rows:
        for cell in row.cells:
            # _tc is the cell's XML element, shared by every grid position it spans;
            # keeping it in ``seen`` keeps its id stable.
            if id(cell._tc) in seen:
                continue
            seen[id(cell._tc)] = cell._tc
            yield from _docx_lines(cell)


# --- HTML ---------------------------------------------------------------------


def _html_text(path: Path, data: bytes) -> tuple[str, str]:
    """Visible text of the page's blocks, one block per line."""
    from bs4 import BeautifulSoup

    text, encoding = _decode_text(path, data, declared=_declared_charset(data))
    try:
        soup = BeautifulSoup(text, "lxml")
    except Exception as error:  # lxml may reject pathological markup
        raise InputFileError(path, f"is HTML that could not be parsed ({error}).") from error
    for tag in soup.find_all(list(_HTML_DROP)):
        tag.decompose()
    lines = (line.strip() for line in _render_html(soup).split("\n"))
    return "\n".join(line for line in lines if line), encoding


def _declared_charset(data: bytes) -> str | None:
    head = data[:_MAX_DECLARED_CHARSET_BYTES]
    match = _CHARSET_RE.search(head) or _XML_ENCODING_RE.search(head)
    return match.group(1).decode("ascii", "ignore") if match else None


def _render_html(root: Any) -> str:
    """Text with source whitespace collapsed and a line break around each block and at <br>.

    Walks the tree with an explicit stack, so deep nesting cannot overflow.
    """
    from bs4 import CData, NavigableString

    out: list[str] = []
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, in_pre = stack.pop()
        if node is None or getattr(node, "name", None) == "br":
            out.append("\n")
        elif isinstance(node, NavigableString):
            if type(node) in (NavigableString, CData):  # not comments, doctypes, …
                out.append(str(node) if in_pre else _HTML_SPACE_RE.sub(" ", node))
        else:
            if node.name in _HTML_BLOCKS:
                out.append("\n")
                stack.append((None, in_pre))  # None: the line break after the block
            inner_pre = in_pre or node.name == "pre"
            stack.extend((child, inner_pre) for child in reversed(node.contents))
    return "".join(out)
