"""index.chunking: chunks follow the section tree, keep whole sentences and cover the whole letter."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.chunking import chunk_letter, pack_sentences, split_sentences
from index.cleaning import clean_text
from index.structure import parse_letter
from index.types import HEADER_SECTION, SECTION_SEPARATOR, SIGNOFF_SECTION, Chunk, Letter

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "zhongshan-gxj-2022-53.txt"
LETTER_FILES = [SAMPLE, *sorted((ROOT / "tests" / "data" / "letters").glob("*.txt"))]

SENTENCE_STOPS = "。！？；!?;"
CLOSERS = "”’」』）)】"
# Written independently of index.chunking: a sentence is text up to a run of stops plus closing marks.
SENTENCE = re.compile(rf"[^{SENTENCE_STOPS}]+(?:[{SENTENCE_STOPS}]+[{CLOSERS}]*|$)|[{SENTENCE_STOPS}]+[{CLOSERS}]*")


def load(path: Path) -> Letter:
    """A letter file cleaned and parsed as the indexer does it."""
    text = clean_text(path.read_text(encoding="utf-8"))
    return parse_letter(text, source_path=str(path), content_hash="hash-" + path.stem, doc_id=path.stem)


def parse(text: str) -> Letter:
    return parse_letter(text, source_path="letters/x.txt", content_hash="h", doc_id="x")


def sentences(letter: Letter) -> list[tuple[int, int]]:
    """(start, end) of every sentence of every paragraph, in letter offsets."""
    spans = []
    for paragraph in letter.paragraphs:
        for match in SENTENCE.finditer(paragraph.text):
            if match.group().strip():
                spans.append((paragraph.start + match.start(), paragraph.start + match.end()))
    return spans


def is_one_sentence(chunk: Chunk) -> bool:
    """No sentence stop and no paragraph break before the chunk's own ending."""
    body = chunk.text.rstrip(CLOSERS).rstrip(SENTENCE_STOPS)
    return "\n" not in body and not any(stop in body for stop in SENTENCE_STOPS)


def ends_sentence(text: str, offset: int) -> bool:
    """``text[:offset]`` ends with a sentence stop, maybe followed by closing marks."""
    return text[:offset].rstrip(CLOSERS).endswith(tuple(SENTENCE_STOPS))


@pytest.fixture(scope="module", params=LETTER_FILES, ids=lambda path: path.stem)
def letter(request: pytest.FixtureRequest) -> Letter:
    return load(request.param)


@pytest.fixture(params=[(320, 0), (120, 0), (40, 0), (120, 2)], ids=lambda p: f"max{p[0]}-overlap{p[1]}")
def chunked(request: pytest.FixtureRequest, letter: Letter) -> tuple[Letter, list[Chunk], int]:
    max_chars, overlap = request.param
    return letter, chunk_letter(letter, max_chars=max_chars, overlap_sentences=overlap), max_chars


def test_sample_letter_chunks_follow_its_sections() -> None:
    chunks = chunk_letter(load(SAMPLE), max_chars=320)
    paths = {chunk.section_path for chunk in chunks}
    assert (HEADER_SECTION,) == chunks[0].section_path
    assert (SIGNOFF_SECTION,) == chunks[-1].section_path
    assert ("四、关于引人才——加大专项资金支持建议", "（三）推广首席信息官制度") in paths
    cio = [c for c in chunks if c.section_path[-1:] == ("（三）推广首席信息官制度",)]
    assert len(cio) == 1 and "目前共收到45家企业的备案申请。" in cio[0].text


def test_sample_sentence_broken_by_page_break_stays_in_one_chunk() -> None:
    chunks = chunk_letter(load(SAMPLE), max_chars=320)
    assert any("截止至2021年年底，中山市移动通信基站总数达到3.9万个" in chunk.text for chunk in chunks)


def test_no_chunk_spans_two_section_paths(chunked) -> None:
    letter, chunks, _ = chunked
    for chunk in chunks:
        inside = [p for p in letter.paragraphs if p.start < chunk.end and p.end > chunk.start]
        assert inside, chunk
        assert {p.section_path for p in inside} == {chunk.section_path}, chunk.text


def test_chunks_never_cut_a_sentence(chunked) -> None:
    letter, chunks, _ = chunked
    paragraph_starts = {p.start for p in letter.paragraphs}
    paragraph_ends = {p.end for p in letter.paragraphs}
    for chunk in chunks:
        assert chunk.end in paragraph_ends or ends_sentence(letter.text, chunk.end), chunk.text
        assert chunk.start in paragraph_starts or ends_sentence(letter.text, chunk.start), chunk.text


def test_chunk_carries_document_section_and_offsets(chunked) -> None:
    letter, chunks, _ = chunked
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    assert len({c.chunk_id for c in chunks}) == len(chunks)
    for chunk in chunks:
        assert (chunk.doc_id, chunk.display_name) == (letter.doc_id, letter.display_name)
        assert chunk.chunk_id.startswith(letter.doc_id)
        assert chunk.text and letter.text[chunk.start:chunk.end].strip() == chunk.text
        assert chunk.section == SECTION_SEPARATOR.join(chunk.section_path)


def test_embed_text_includes_the_section_path(chunked) -> None:
    _, chunks, _ = chunked
    for chunk in chunks:
        assert chunk.text in chunk.embed_text
        assert all(heading in chunk.embed_text for heading in chunk.section_path)
        if chunk.section_path:
            assert chunk.embed_text.startswith(chunk.section)
        else:
            assert chunk.embed_text == chunk.text


def test_chunks_cover_every_sentence(chunked) -> None:
    letter, chunks, _ = chunked
    for start, end in sentences(letter):
        assert any(c.start <= start and end <= c.end for c in chunks), letter.text[start:end]


def test_chunks_respect_max_chars_except_single_long_sentences(chunked) -> None:
    _, chunks, max_chars = chunked
    for chunk in chunks:
        assert chunk.end - chunk.start <= max_chars or is_one_sentence(chunk), chunk.text


def test_chunks_of_one_section_are_in_reading_order(chunked) -> None:
    _, chunks, _ = chunked
    assert [c.start for c in chunks] == sorted(c.start for c in chunks)


def test_overlap_repeats_sentences_only_within_a_section() -> None:
    chunks = chunk_letter(load(SAMPLE), max_chars=80, overlap_sentences=1)
    for before, after in zip(chunks, chunks[1:]):
        if after.start < before.end:
            assert after.section_path == before.section_path


def test_single_sentence_longer_than_max_chars_stays_whole() -> None:
    long_sentence = "我局持续推动" + "、".join(f"第{i}个重点项目建设" for i in range(40)) + "。"
    letter = parse(f"一、基本情况\n{long_sentence}短句一。短句二。")
    chunks = chunk_letter(letter, max_chars=60)
    assert long_sentence in [chunk.text for chunk in chunks]
    assert "短句一。短句二。" in [chunk.text for chunk in chunks]


def test_long_paragraph_is_split_at_sentence_ends() -> None:
    paragraph = "".join(f"第{i}句话说明一项工作进展。" for i in range(20))
    chunks = chunk_letter(parse(f"一、基本情况\n{paragraph}"), max_chars=50)
    assert len(chunks) > 1
    assert all(chunk.text.endswith("。") and len(chunk.text) <= 50 for chunk in chunks)
    assert "".join(chunk.text for chunk in chunks) == f"一、基本情况\n{paragraph}"


def test_split_sentences_spans_cover_the_text() -> None:
    text = "第一句。第二句！“第三句？”第四句；没有句号的结尾"
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == ["第一句。", "第二句！", "“第三句？”", "第四句；", "没有句号的结尾"]


# --- property: random paragraphs of Chinese text ------------------------------

HAN = st.sampled_from("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严")
SENTENCE_TEXT = st.text(alphabet=HAN | st.sampled_from("，、0123456789"), min_size=1, max_size=60).filter(
    lambda s: any("\u4e00" <= ch <= "\u9fff" for ch in s))
STOP = st.sampled_from("。！？；")
PARAGRAPH = st.lists(st.tuples(SENTENCE_TEXT, STOP), min_size=1, max_size=8)


@settings(max_examples=200, deadline=None)
@given(paragraphs=st.lists(PARAGRAPH, min_size=1, max_size=8),
       max_chars=st.integers(min_value=40, max_value=400),
       overlap=st.integers(min_value=0, max_value=3))
def test_random_letters_chunks_cover_all_sentences(paragraphs, max_chars, overlap) -> None:
    text = "\n".join("".join(words + stop for words, stop in paragraph) for paragraph in paragraphs)
    letter = parse(text)
    chunks = chunk_letter(letter, max_chars=max_chars, overlap_sentences=overlap)
    for paragraph in paragraphs:
        for words, stop in paragraph:
            assert any(words + stop in chunk.text for chunk in chunks), words + stop
    for chunk in chunks:
        assert letter.text[chunk.start:chunk.end].strip() == chunk.text
        assert chunk.end - chunk.start <= max_chars or is_one_sentence(chunk)


@given(st.lists(st.text(alphabet="甲乙丙丁12", min_size=1, max_size=30), min_size=1, max_size=12),
       st.integers(min_value=5, max_value=80))
@settings(max_examples=60, deadline=None)
def test_packed_sentences_cover_the_text_in_order_without_cutting_a_sentence(sentences, max_chars) -> None:
    text = "。".join(sentences) + "。"
    packed = pack_sentences(text, max_chars)
    assert "".join(text[s:e] for s, e in packed) == text
    sentence_ends = {e for _, e in split_sentences(text)}
    for s, e in packed:
        assert e in sentence_ends
        assert e - s <= max_chars or len(split_sentences(text[s:e])) == 1
