"""load_file and iter_input_files: every format, every encoding, every refusal."""
from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from pypdf import PdfWriter

from index.cleaning import clean_text
from index.errors import InputFileError
from index.loaders import SUPPORTED_SUFFIXES, iter_input_files, load_file

FORMATS = Path(__file__).resolve().parents[1] / "data" / "formats"
REFERENCE = FORMATS / "letter.txt"
FIXTURES = ["letter.txt", "letter-gbk.txt", "letter-utf16.txt", "letter.md", "letter.docx", "letter.html", "letter.pdf"]

# Sentences of the fixture letter; none crosses the PDF's page break.
SENTENCES = [
    "江交函〔2023〕118号",
    "陈志远代表：",
    "感谢您对我市公共交通发展的关心和支持。",
    "一、关于优化公交线网的建议",
    "今年计划更新纯电动公交车120辆，市财政安排购车补贴资金2400万元，确保年内城区公交全面实现电动化。",
    "（联系人：黄晓琳，电话：0750-3501234）",
]
PAGE_BROKEN = "下一步，我们将根据第二批客流监测结果继续调整剩余线路，力争年底前完成全部优化任务。"


def _squeeze(text: str) -> str:
    return re.sub(r"\s", "", text)


@pytest.fixture(scope="module")
def reference_clean() -> str:
    return clean_text(load_file(REFERENCE).text)


# --- the fixtures, format by format --------------------------------------------


@pytest.mark.parametrize("name", FIXTURES)
def test_every_loader_yields_the_letters_sentences(name: str) -> None:
    raw = load_file(FORMATS / name)
    assert raw.path == str(FORMATS / name)
    for sentence in SENTENCES:
        assert sentence in _squeeze(raw.text)


@pytest.mark.parametrize(
    ("name", "encoding", "fmt"),
    [
        ("letter.txt", "utf-8", "txt"),
        ("letter-gbk.txt", "gb18030", "txt"),
        ("letter-utf16.txt", "utf-16", "txt"),
        ("letter.md", "utf-8", "md"),
        ("letter.html", "gb18030", "html"),
        ("letter.docx", None, "docx"),
        ("letter.pdf", None, "pdf"),
    ],
)
def test_encoding_and_format_are_reported(name: str, encoding: str | None, fmt: str) -> None:
    raw = load_file(FORMATS / name)
    assert (raw.encoding, raw.format) == (encoding, fmt)


@pytest.mark.parametrize("name", FIXTURES)
def test_every_format_and_encoding_cleans_to_the_same_paragraphs(name: str, reference_clean: str) -> None:
    assert clean_text(load_file(FORMATS / name).text) == reference_clean


def test_reference_paragraphs_are_the_letters_paragraphs(reference_clean: str) -> None:
    lines = reference_clean.split("\n")
    assert len(lines) == 19
    assert lines[3] == "江门市交通运输局关于市十六届人大二次会议第20230045号建议答复的函"
    assert PAGE_BROKEN in lines[9]


def test_pdf_keeps_pages_apart_and_cleaning_repairs_the_page_break() -> None:
    raw = load_file(FORMATS / "letter.pdf").text
    assert "- 1 -" in raw and "\f" not in raw
    assert PAGE_BROKEN not in raw  # cut by wrapped lines and the page break
    cleaned = clean_text(raw)
    assert PAGE_BROKEN in cleaned and "- 1 -" not in cleaned and "- 2 -" not in cleaned


def test_markdown_marks_are_removed() -> None:
    raw = load_file(FORMATS / "letter.md").text
    assert "#" not in raw
    assert "\n一、关于优化公交线网的建议\n" in raw


def test_html_drops_navigation_header_footer_scripts_styles_and_comments() -> None:
    raw = load_file(FORMATS / "letter.html").text
    for noise in ("门户网站", "首页", "版权所有", "首页访问统计", "text-indent", "页面统计代码", "_江门市交通运输局"):
        assert noise not in raw
    assert raw.splitlines()[0] == "（B类）"


# --- encodings made on the spot -----------------------------------------------------

TEXT = "江门市交通运输局\n\n您提出的建议收悉，现答复如下：\n\n一、关于优化公交线网的建议。Smart Bus 2023\n"


@pytest.mark.parametrize(
    ("encode", "encoding"),
    [
        (lambda t: t.encode("utf-8"), "utf-8"),
        (lambda t: t.encode("utf-8-sig"), "utf-8-sig"),
        (lambda t: t.encode("gbk"), "gb18030"),
        (lambda t: t.encode("gb18030"), "gb18030"),
        (lambda t: t.encode("utf-16"), "utf-16"),
        (lambda t: t.encode("utf-16-le"), "utf-16-le"),
        (lambda t: t.encode("utf-16-be"), "utf-16-be"),
        (lambda t: t.encode("utf-32"), "utf-32"),
    ],
)
def test_text_encodings_are_detected(tmp_path: Path, encode: Callable[[str], bytes], encoding: str) -> None:
    path = tmp_path / "letter.txt"
    path.write_bytes(encode(TEXT))
    raw = load_file(path)
    assert (raw.text, raw.encoding) == (TEXT, encoding)


def test_gb18030_only_characters_and_short_gbk_files_decode(tmp_path: Path) -> None:
    for text in ("中", "你好", "喆", "王䶮先生的名字里有生僻字𠀀和旸，已经登记。"):
        path = tmp_path / "short.txt"
        path.write_bytes(text.encode("gb18030"))
        assert load_file(path).text == text


def test_utf16_without_bom_or_ascii_decodes(tmp_path: Path) -> None:
    path = tmp_path / "letter.txt"
    path.write_bytes("江门市交通运输局关于建议答复的函".encode("utf-16-le"))
    assert load_file(path).text == "江门市交通运输局关于建议答复的函"


def test_other_encodings_fall_back_to_detection(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Réponse du café: déjà traité, merci beaucoup pour votre lettre.".encode("cp1252"))
    assert "café" in load_file(path).text


def test_html_charset_comes_from_meta_or_from_the_bytes(tmp_path: Path) -> None:
    body = "<html><head><meta http-equiv='Content-Type' content='text/html; charset=GB2312'></head>"
    page = body + "<body><p>您提出的建议<br>收悉。</p><div>一、<b>关于</b>线网</div></body></html>"
    declared = tmp_path / "gbk.htm"
    declared.write_bytes(page.encode("gbk"))
    mislabelled = tmp_path / "utf8.html"  # says GB2312, is UTF-8: the bytes win
    mislabelled.write_bytes(page.encode("utf-8"))
    for path in (declared, mislabelled):
        assert load_file(path).text == "您提出的建议\n收悉。\n一、关于线网"


def test_html_preformatted_text_keeps_its_lines(tmp_path: Path) -> None:
    path = tmp_path / "pre.html"
    path.write_text("<body><pre>第一行\n第二行</pre><p>段落   文字\n续</p></body>", encoding="utf-8")
    assert load_file(path).text == "第一行\n第二行\n段落 文字 续"


# --- DOCX tables -------------------------------------------------------------------------


def test_docx_tables_give_one_line_per_cell_without_merged_repeats(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("附表：公交线路调整情况")
    table = document.add_table(rows=3, cols=3)
    for row, cells in enumerate([["线路", "调整方式", "日期"], ["1路", "延长", "3月"], ["2路", "撤并", "4月"]]):
        for col, text in enumerate(cells):
            table.cell(row, col).text = text
    table.cell(0, 1).merge(table.cell(0, 2)).text = "调整方式和日期"
    document.add_paragraph("以上为调整情况。")
    path = tmp_path / "table.docx"
    document.save(path)
    assert load_file(path).text.split("\n") == [
        "附表：公交线路调整情况", "线路", "调整方式和日期", "1路", "延长", "3月", "2路", "撤并", "4月", "以上为调整情况。",
    ]


# --- refusals -----------------------------------------------------------------------------


def _blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _locked_pdf() -> bytes:
    writer = PdfWriter(clone_from=FORMATS / "letter.pdf")
    writer.encrypt("secret", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _empty_docx() -> bytes:
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    return buffer.getvalue()


BAD_INPUTS: list[tuple[str, Callable[[], bytes], str]] = [
    ("empty.txt", lambda: b"", "empty"),
    ("blank.txt", lambda: " \n\t\r\n\u3000\n".encode("utf-8"), "no text"),
    ("blank.md", lambda: b"\n\n\n", "no text"),
    ("image.txt", lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
    ("controls.txt", lambda: bytes(range(1, 32)) * 20, "binary"),
    ("damaged.txt", lambda: "中文文本".encode("utf-8") * 30 + b"\xff\xfe" + "结尾".encode("utf-8"), "invalid byte"),
    ("garbage.txt", lambda: bytes(range(0x80, 0x100)) * 3, "could not be decoded"),
    ("program.exe", lambda: b"MZ\x90\x00", "not supported"),
    ("notes.xyz", lambda: "正文".encode("utf-8"), "not supported"),
    ("README", lambda: "正文".encode("utf-8"), "not supported"),
    ("corrupt.pdf", lambda: b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> garbage", "corrupt"),
    ("truncated.pdf", lambda: (FORMATS / "letter.pdf").read_bytes()[:3000], "PDF"),
    ("renamed.pdf", lambda: "这不是PDF".encode("utf-8"), "not a PDF"),
    ("scanned.pdf", _blank_pdf, "OCR"),
    ("locked.pdf", _locked_pdf, "password"),
    ("corrupt.docx", lambda: b"PK\x03\x04" + b"\x00" * 100, ".docx"),
    ("old.docx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, ".docx"),
    ("empty.docx", _empty_docx, "no text"),
    ("empty.html", lambda: "<body><script>var a;</script><nav>首页</nav></body>".encode("utf-8"), "no text"),
]


@pytest.mark.parametrize(("name", "make", "problem"), BAD_INPUTS, ids=[name for name, _, _ in BAD_INPUTS])
def test_bad_input_raises_an_error_naming_the_file(
    tmp_path: Path, name: str, make: Callable[[], bytes], problem: str
) -> None:
    path = tmp_path / name
    path.write_bytes(make())
    with pytest.raises(InputFileError) as caught:
        load_file(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and caught.value.path == str(path)
    assert problem in message


def test_unsupported_suffix_lists_the_supported_ones(tmp_path: Path) -> None:
    path = tmp_path / "letter.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(InputFileError, match="letter.doc") as caught:
        load_file(path)
    for suffix in SUPPORTED_SUFFIXES:
        assert suffix in str(caught.value)


def test_oversize_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes("正文。".encode("utf-8") * 1000)
    with pytest.raises(InputFileError, match=r"big\.txt.*over the 1,000 bytes limit"):
        load_file(path, max_bytes=1000)
    assert load_file(path, max_bytes=path.stat().st_size).text


def test_missing_file_and_folder_are_refused(tmp_path: Path) -> None:
    (tmp_path / "folder.txt").mkdir()
    for name, problem in (("missing.txt", "cannot be read"), ("folder.txt", "not a regular file")):
        with pytest.raises(InputFileError, match=problem) as caught:
            load_file(tmp_path / name)
        assert str(tmp_path / name) in str(caught.value)


def test_upper_case_suffixes_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "LETTER.TXT"
    path.write_bytes(TEXT.encode("gbk"))
    assert load_file(path).text == TEXT


# --- iter_input_files ----------------------------------------------------------------------


def test_folders_expand_to_supported_visible_files_sorted(tmp_path: Path) -> None:
    for name in ["b.txt", "a.PDF", "sub/c.docx", "sub/deep/d.html", "e.md", "f.htm", ".hidden.txt",
                 ".git/g.txt", "sub/~$lock.docx", "notes.xyz", "image.png"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    found = iter_input_files([tmp_path])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a.PDF", "b.txt", "e.md", "f.htm", "sub/c.docx", "sub/deep/d.html",
    ]


def test_files_named_directly_are_kept_once_and_missing_paths_refused(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"x")
    (tmp_path / ".hidden.txt").write_bytes(b"x")
    (tmp_path / "odd.xyz").write_bytes(b"x")
    found = iter_input_files([tmp_path / "odd.xyz", tmp_path, tmp_path / "a.txt", tmp_path / ".hidden.txt"])
    assert sorted(p.name for p in found) == [".hidden.txt", "a.txt", "odd.xyz"]
    with pytest.raises(InputFileError, match="nowhere"):
        iter_input_files([tmp_path / "nowhere"])


def test_no_paths_give_no_files() -> None:
    assert iter_input_files([]) == []
