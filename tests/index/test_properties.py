"""Hostile input for structure parsing and chunking: random letters never crash them and lose no text.

The letters are assembled from header lines, headings of every marker style,
paragraphs of random CJK text with 。！？； and their ASCII cousins, digits,
Latin words and stray whitespace (tabs, ideographic spaces, CRLF, blank lines).
They go in raw (parse_letter must cope with anything) and through clean_text
(what the indexer does).
"""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.chunking import chunk_letter, split_sentences
from index.cleaning import clean_text
from index.structure import parse_letter
from index.types import HEADER_SECTION, SIGNOFF_SECTION, Letter

EXAMPLES = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)  # the CJK Unified Ideographs block
CN_MONTHS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
STOPS = "。！？；!?;"
CLOSERS = "”’」』）)】"
STRAY_SPACE = st.sampled_from(["", "", " ", "  ", "\t", "\u3000", "\xa0", " \u3000 "])

words = st.text(alphabet=HAN, min_size=1, max_size=12)
digits = st.integers(min_value=0, max_value=99999).map(str)
decimal = st.tuples(st.integers(0, 999), st.integers(0, 99)).map(lambda p: f"{p[0]}.{p[1]}")
latin = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"), min_size=1, max_size=8)
clause_piece = st.one_of(words, words, words, digits, decimal, latin, latin.map(lambda w: f" {w} "),
                         st.sampled_from(["，", "、", "：", "“", "”", "（", "）", "《", "》", "5G", "%", "亿元", "个"]))
sentence = st.tuples(st.lists(clause_piece, min_size=1, max_size=8).map("".join),
                     st.sampled_from([*STOPS, "。", "。", "", "……", "。”", "！）"])).map("".join)
paragraph = st.lists(sentence, min_size=1, max_size=6).map("".join)


@st.composite
def heading(draw) -> str:
    """A heading of any marker style, alone on its line or run into its paragraph."""
    cn = draw(st.sampled_from(["一", "二", "三", "十", "十一", "二十"]))
    number = draw(st.integers(min_value=1, max_value=20))
    marker = draw(st.sampled_from([
        f"{cn}、", f"（{cn}）", f"({cn})", f"（ {cn} ）", f"{number}.", f"{number}．", f"{number}、", f"{number} .",
        f"（{number}）", f"({number})", chr(0x2474 + number - 1), f"{number})", f"{number}）",
        chr(0x2460 + number - 1), f"第{cn}章", f"第{cn}节", f"第{cn}条", f"第{number}条",
    ]))
    title = draw(words)
    tail = draw(st.sampled_from(["", "：", ":", "。"]))
    run_in = draw(st.one_of(st.just(""), paragraph))
    return f"{marker}{title}{tail}{run_in}"


@st.composite
def header_line(draw) -> str:
    """A line of a letter's header block."""
    year = draw(st.integers(min_value=1990, max_value=2030))
    number = draw(st.integers(min_value=1, max_value=999))
    org = draw(words) + draw(st.sampled_from(["局", "委员会", "办公室", "厅", "政府"]))
    return draw(st.sampled_from([
        "（A类）", "B类", "类别：C", f"{org}", f"{org[:2]}函〔{year}〕{number}号", f"{org[:2]}复[{year}]{number}号",
        f"签发人：{org[:3]}", f"{org}关于{draw(words)}第{year}{number:04d}号建议答复的函",
        f"{draw(words)[:3]}委员：", f"尊敬的{draw(words)[:3]}代表:", f"主送：{org}", "",
    ]))


@st.composite
def signoff_line(draw) -> str:
    """A line of a letter's sign-off."""
    year = draw(st.integers(min_value=1990, max_value=2030))
    month = draw(st.integers(min_value=1, max_value=12))
    day = draw(st.integers(min_value=1, max_value=31))
    return draw(st.sampled_from([
        "专此答复。", "特此函复。", "此复", "以上答复，如有不同意见，请与我局联系。", "衷心感谢您对我们工作的关心和支持！",
        f"{year}年{month}月{day}日", f"二〇二{CN_MONTHS[day % 10]}年{CN_MONTHS[month - 1]}月{CN_MONTHS[day % 10]}日",
        draw(words) + "局", f"联系人：{draw(words)[:3]}", f"联系电话：0760-{draw(st.integers(1000000, 9999999))}",
        "公开方式：主动公开", f"抄送：{draw(words)}，{draw(words)}。",
    ]))


@st.composite
def raw_letter(draw) -> str:
    """A whole letter: header, body with headings and paragraphs, sign-off, joined with stray whitespace."""
    lines = [
        *draw(st.lists(header_line(), max_size=6)),
        *draw(st.lists(st.one_of(heading(), paragraph, paragraph), max_size=14)),
        *draw(st.lists(signoff_line(), max_size=6)),
    ]
    padded = [draw(STRAY_SPACE) + line + draw(STRAY_SPACE) for line in lines]
    separators = draw(st.lists(st.sampled_from(["\n", "\n", "\n\n", "\r\n", "\n \n", "\n\u3000\n"]),
                               min_size=len(padded), max_size=len(padded)))
    return "".join(line + separator for line, separator in zip(padded, separators))


chunk_sizes = st.tuples(st.integers(min_value=40, max_value=400), st.integers(min_value=0, max_value=3))


def parse(text: str) -> Letter:
    return parse_letter(text, source_path="letters/random.txt", content_hash="h" * 64, doc_id="random")


def assert_paragraph_offsets_exact(letter: Letter) -> None:
    """Every paragraph is its own slice of the text, trimmed, in order, and no visible character is outside one."""
    previous_end = 0
    for paragraph in letter.paragraphs:
        assert letter.text[paragraph.start:paragraph.end] == paragraph.text
        assert paragraph.text and paragraph.text == paragraph.text.strip()
        assert paragraph.start >= previous_end
        assert "\n" not in paragraph.text
        previous_end = paragraph.end
    covered = set()
    for paragraph in letter.paragraphs:
        covered.update(range(paragraph.start, paragraph.end))
    lost = [i for i, ch in enumerate(letter.text) if not ch.isspace() and i not in covered]
    assert not lost, f"characters outside every paragraph: {[letter.text[i] for i in lost]}"


def assert_chunks_cover_every_sentence(letter: Letter, max_chars: int, overlap: int) -> None:
    """Chunks are exact slices in reading order, and every sentence of every paragraph lies whole in one."""
    chunks = chunk_letter(letter, max_chars=max_chars, overlap_sentences=overlap)
    assert [chunk.ordinal for chunk in chunks] == list(range(len(chunks)))
    assert len({chunk.chunk_id for chunk in chunks}) == len(chunks)
    for chunk in chunks:
        assert chunk.text and letter.text[chunk.start:chunk.end].strip() == chunk.text
        assert chunk.doc_id == letter.doc_id
    for paragraph in letter.paragraphs:
        for start, end in split_sentences(paragraph.text):
            start, end = paragraph.start + start, paragraph.start + end
            holders = [c for c in chunks if c.start <= start and end <= c.end and c.section_path == paragraph.section_path]
            assert holders, f"sentence lost: {letter.text[start:end]!r} of section {paragraph.section_path}"


def assert_sections_well_formed(letter: Letter) -> None:
    """Header, body and sign-off come in that order; body paths are non-empty headings."""
    kinds = [0 if p.section_path == (HEADER_SECTION,) else 2 if p.section_path == (SIGNOFF_SECTION,) else 1
             for p in letter.paragraphs]
    assert kinds == sorted(kinds)
    for paragraph in letter.paragraphs:
        assert all(part.strip() for part in paragraph.section_path)
    assert letter.display_name.strip()


@EXAMPLES
@given(text=raw_letter())
def test_raw_random_letter_parses_with_exact_paragraph_offsets(text: str) -> None:
    letter = parse(text)
    assert letter.text == text
    assert_paragraph_offsets_exact(letter)
    assert_sections_well_formed(letter)


@EXAMPLES
@given(text=raw_letter())
def test_cleaned_random_letter_parses_with_exact_paragraph_offsets(text: str) -> None:
    letter = parse(clean_text(text))
    assert_paragraph_offsets_exact(letter)
    assert_sections_well_formed(letter)


@EXAMPLES
@given(text=raw_letter(), sizes=chunk_sizes)
def test_raw_random_letter_chunks_cover_every_sentence(text: str, sizes: tuple[int, int]) -> None:
    assert_chunks_cover_every_sentence(parse(text), *sizes)


@EXAMPLES
@given(text=raw_letter(), sizes=chunk_sizes)
def test_cleaned_random_letter_chunks_cover_every_sentence(text: str, sizes: tuple[int, int]) -> None:
    assert_chunks_cover_every_sentence(parse(clean_text(text)), *sizes)


@EXAMPLES
@given(text=st.text(max_size=400), sizes=chunk_sizes)
def test_arbitrary_unicode_never_crashes_parsing_or_chunking(text: str, sizes: tuple[int, int]) -> None:
    for source in (text, clean_text(text)):
        letter = parse(source)
        assert_paragraph_offsets_exact(letter)
        assert_chunks_cover_every_sentence(letter, *sizes)
