"""index.patterns: one vocabulary of letter lines, read the same way by cleaning, metadata, structure and values."""
from __future__ import annotations

import pytest

from index import cleaning, metadata, patterns, structure
from index.numerals import chinese_number
from retrieval import values


def test_the_modules_share_one_definition_of_each_pattern() -> None:
    assert metadata.DATE is patterns.DATE and metadata.DATE_LINE is patterns.DATE_LINE
    assert metadata.DOC_NUMBER is patterns.DOC_NUMBER
    assert metadata.AGENCY_LINE is patterns.AGENCY_LINE and metadata.LABEL_LINE is patterns.LABEL_LINE
    assert structure.is_label_line is patterns.is_label_line
    assert metadata.is_salutation is structure.is_salutation is patterns.is_salutation
    assert structure.CLOSING is patterns.CLOSING


def test_every_chinese_numeral_character_has_a_value() -> None:
    assert all(chinese_number(ch) is not None for ch in patterns.CN_DIGITS)
    assert all(chinese_number("一" + ch) is not None for ch in patterns.CN_NUMERALS if ch not in patterns.CN_DIGITS)


@pytest.mark.parametrize(("line", "kind"), [
    ("一、关于强基础", "cn"), ("（三）推广首席信息官制度", "cn_paren"), ("(一)开展评估", "cn_paren"), ("1.加强组织领导", "arabic"),
    ("（1）加强", "arabic_paren"), ("1）加强", "arabic_half_paren"), ("①优化线路", "circled"), ("第二章 总则", "chapter"),
    ("第一条 为规范管理", "article"), ("第一部分 总体要求", "volume"), ("⒈优化", "dotted")])
def test_a_heading_is_one_for_cleaning_and_for_structure(line: str, kind: str) -> None:
    assert structure.parse_heading(line).kind == kind
    assert cleaning._is_heading(line)


@pytest.mark.parametrize("line", ["一、二期工程已完工", "1.3亿元资金", "2021年年底，基站总数达到3.9万个"])
def test_numbers_that_open_a_sentence_are_not_headings(line: str) -> None:
    assert structure.parse_heading(line) is None
    assert not cleaning._is_heading(line)


@pytest.mark.parametrize("line", ["2022年6月14日", "二〇二二年六月十四日", "（2022年6月14日）", "联系人：李金吉", "电话：88308273",
                                  "中山市工业和信息化局", "(A类)"])
def test_a_signoff_line_for_metadata_stands_alone_for_cleaning(line: str) -> None:
    assert metadata.is_signoff_line(line)
    assert cleaning._is_header_or_signoff(line)


@pytest.mark.parametrize(("text", "iso"), [("2022年6月14日", "2022-06-14"), ("二〇二二年六月十四日", "2022-06-14"),
                                           ("二○二二年十二月三十一日", "2022-12-31")])
def test_a_date_reads_the_same_for_metadata_and_values(text: str, iso: str) -> None:
    assert metadata.date_to_iso(text) == iso
    [found] = values.DATE.finditer(f"于{text}印发")
    assert found.group(0) == text


@pytest.mark.parametrize("line", ["专此答复，诚挚感谢您对数字化转型工作的关心支持。", "特此函复。", "此复。"])
def test_a_closing_opens_the_signoff(line: str) -> None:
    assert patterns.CLOSING.match(line)


def test_a_closing_alone_on_its_line_stands_alone() -> None:
    assert patterns.CLOSING_LINE.fullmatch("特此函复") and cleaning._is_header_or_signoff("特此函复")
    assert not patterns.CLOSING.match("此复杂问题需要研究")
