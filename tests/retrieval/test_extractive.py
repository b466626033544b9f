"""retrieval.extractive's checks on the chunks the reader is given."""
from __future__ import annotations

import pytest

from index.metadata import extract_metadata
from index.types import HEADER_SECTION, Chunk, DocumentRecord
from retrieval.crosslingual import EnglishToChinese
from retrieval.extractive import ExtractiveAnswerer, _fits, _span_shown, _within_heading
from retrieval.lexicon import Segmenter
from retrieval.question import QuestionAnalyser
from retrieval.types import Answer, Citation, Hit

EARLIER = Answer("城东污水处理厂扩建项目总投资多少？", "城东污水处理厂扩建项目总投资3.2亿元", True,
                 (Citation("甲函", "一、项目情况", "总投资3.2亿元", doc_id="letter-a"),))
FOLLOW_UP = "眼下手续办到什么程度了？"
PROGRESS = Chunk("c1", "letter-a", "甲函", ("一、项目情况",),
                 "城东污水处理厂扩建项目环评报告已通过审批，正在办理施工许可。", 0, 30)


@pytest.fixture(scope="module")
def answerer(tmp_path_factory: pytest.TempPathFactory) -> ExtractiveAnswerer:
    dictionary = EnglishToChinese()
    analyser = QuestionAnalyser(Segmenter(tmp_path_factory.mktemp("jieba") / "jieba.cache"), lambda: dictionary,
                                known=lambda word: True)
    return ExtractiveAnswerer(analyser, reader=None, document=lambda doc_id: None, chunks_of=lambda doc_id: [])


def checks_pass(answerer: ExtractiveAnswerer, text: str, history: list[Answer], chunk: Chunk) -> bool:
    prepared = answerer.prepare(text, history)
    return answerer._checks_pass(prepared.question, chunk, lambda chunk: True, prepared)


def test_a_question_in_a_conversation_may_be_read_over_its_letter_without_its_words(answerer) -> None:
    # None of 眼下/手续/办到/程度 is in the chunk that answers it; the conversation says what it is about.
    assert checks_pass(answerer, FOLLOW_UP, [EARLIER], PROGRESS)


def test_alone_or_over_another_letter_a_question_must_find_one_of_its_words(answerer) -> None:
    assert not checks_pass(answerer, FOLLOW_UP, [], PROGRESS)
    other_letter = Chunk("c2", "letter-b", "乙函", ("一、项目情况",), PROGRESS.text, 0, 30)
    assert not checks_pass(answerer, FOLLOW_UP, [EARLIER], other_letter)


# A web page's header table: the date is labelled and written the ISO way, stored as 2021年5月25日.
PAGE_HEADER = ["关于修缮城南体育馆的建议", "发布机构: | 城南区文体局 | 成文日期: | 2021-05-25 | |"]


def over_letters(records: dict[str, DocumentRecord],
                 heads: dict[str, list[Chunk]]) -> tuple[QuestionAnalyser, ExtractiveAnswerer]:
    """An analyser and an answerer (no reader) over these letters' records and chunks."""
    dictionary = EnglishToChinese()
    analyser = QuestionAnalyser(Segmenter(None), lambda: dictionary, known=lambda word: True)
    return analyser, ExtractiveAnswerer(analyser, reader=None, document=records.get, chunks_of=heads.get,
                                        documents=lambda: list(records.values()))


def test_a_date_read_from_a_labelled_iso_date_is_cited_where_it_stands() -> None:
    header = Chunk("h1", "letter-p", "体育馆函", (HEADER_SECTION,), "\n".join(PAGE_HEADER), 0, 60)
    record = DocumentRecord("letter-p", "p.html", "hash", "体育馆函",
                            metadata=extract_metadata(PAGE_HEADER, ["城南体育馆将于明年修缮。"], []))
    assert record.metadata.date == "2021年5月25日"
    analyser, answerer = over_letters({"letter-p": record}, {"letter-p": [header]})
    found = answerer._from_metadata(analyser.analyse("体育馆那封答复是哪天发布的？"), [Hit(header, 1.0)], "letter-p")
    assert found is not None
    answer, fields = found
    assert "2021年5月25日" in answer.text and fields == {"date"}
    assert [c.quote for c in answer.citations] == [" ".join(PAGE_HEADER[1:])]


def test_the_meeting_a_proposal_was_made_at_is_answered_from_the_letters_title() -> None:
    title = "城南区文体局关于区九届人大三次会议第17号建议的答复"
    header = Chunk("h1", "letter-s", "体育馆函", (HEADER_SECTION,), title, 0, len(title))
    record = DocumentRecord("letter-s", "s.txt", "hash", "体育馆函",
                            metadata=extract_metadata([title], ["城南体育馆将于明年修缮。"], []))
    analyser, answerer = over_letters({"letter-s": record}, {"letter-s": [header]})
    for question in ("修体育馆的建议是在哪次会议上提出的？", "At which session was the stadium suggestion raised?"):
        found = answerer._from_metadata(analyser.analyse(question), [Hit(header, 1.0)], "letter-s")
        assert found is not None, question
        answer, fields = found
        assert "区九届人大三次会议" in answer.text and fields == {"session"}


def test_the_bodies_consulted_are_answered_from_the_letters_opening() -> None:
    opening = "您提出的《关于修缮体育馆的建议》收悉，经综合区财政局、区教育局意见，现答复如下："
    chunk = Chunk("b1", "letter-c", "体育馆函", (), opening, 0, len(opening))
    record = DocumentRecord("letter-c", "c.txt", "hash", "体育馆函", metadata=extract_metadata([], [opening], []))
    dictionary = EnglishToChinese()
    analyser = QuestionAnalyser(Segmenter(None), lambda: dictionary, known=lambda word: True)
    answerer = ExtractiveAnswerer(analyser, reader=None, document=lambda doc_id: record,
                                  chunks_of=lambda doc_id: [chunk])
    for question in ("修体育馆那件建议征求了哪些部门的意见？", "Which departments were consulted on the stadium suggestion?"):
        found = answerer._from_metadata(analyser.analyse(question), [Hit(chunk, 1.0)], "letter-c")
        assert found is not None, question
        answer, fields = found
        assert "区财政局、区教育局" in answer.text and fields == {"co_handlers"}
        assert [c.quote for c in answer.citations] == [opening]


@pytest.mark.parametrize(("span", "within"), [
    ("修缮体育馆。", True),
    ("修缮体育馆\n（二）修缮体育馆。", True),                    # the path line's end and the text's heading
    ("二、关于文体设施 › （二）修缮体育馆\n（二）修缮体育馆。", True),
    ("（二）修缮体育馆。今年投入资金200万元", False),          # the heading and what the text says after it
    ("今年投入资金200万元", False),
])
def test_a_span_that_is_only_its_chunks_headings(span: str, within: bool) -> None:
    assert _within_heading(span, ("二、关于文体设施", "（二）修缮体育馆")) is within


def test_an_open_question_is_not_answered_with_its_chunks_heading() -> None:
    analyser, _ = over_letters({}, {})
    passage = "二、关于文体设施 › （二）修缮体育馆\n（二）修缮体育馆。今年投入资金200万元。"
    question = analyser.analyse("为什么要修缮体育馆？")
    heading = passage.index("修缮体育馆。")
    headings = ("二、关于文体设施", "（二）修缮体育馆")
    assert not _fits(question, passage, heading, heading + len("修缮体育馆。"), headings)
    assert _fits(analyser.analyse("哪一节讲修缮体育馆？"), passage, heading, heading + len("修缮体育馆。"), headings)


@pytest.mark.parametrize(("question", "passage", "span", "fits"), [
    ("这件建议是在哪次会议上提的？", "正在阅读: 对区九届人大三次会议第17号建议的答复", "正在阅读", False),
    ("这件建议是在哪次会议上提的？", "您在区九届人大三次会议上提出的建议收悉", "区九届人大三次会议", True),
    ("全市有多少家A级景区？", "推动一批景区升格为国家4A级景区", "国家4A", False),
    ("全市有多少家A级景区？", "全市共有12家A级景区", "12家", True),
    ("全市5G用户有多少万户？", "5G用户占比为28.0%", "5G用户占比为28.0%", False),
    ("今年新建了多少座公厕？", "我局推动城东等8个街道开展环境整治，带动社会投资超2.5亿元，累计争取省级补助资金3120.4万元",
     "我局推动城东等8个街道开展环境整治，带动社会投资超2.5亿元，累计争取省级补助资金3120.4万元", False),
    ("今年新建了多少座公厕？", "今年新建公厕36座", "36座", True),
    ("改造项目一共投入了多少资金？", "累计为企业智能改造方案4500余套", "4500余套", False),
    ("低产园总面积有多少亩？", "一、关于统计低产园总面积\n我厅安排400万元", "一、关于统计低产园总面积", False),
    ("这件建议的会办单位有哪些？", "会办单位已按时反馈", "会办单位已按时反馈", False),
    ("这件建议的会办单位有哪些？", "由区教育局、区财政局共同办理", "区教育局、区财政局", True),
    ("Which ministry replied about drinking water?", "《长江保护法》正式施行", "《长江保护法》正式施行", False),
    ("Which ministry replied about drinking water?", "由生态环境部会同水利部办理", "生态环境部", True),
    ("这封答复的联系电话是多少？", "联系人：王明，请来电咨询", "王明", False),
    ("这封答复的联系电话是多少？", "电话：0763-5812376", "0763-5812376", True),
    ("全市有多少个水源地？", "共有3955个水源地", "3955个", True),       # no header fact asked: no field form
    ("停车那封答复的文号是什么？", "您提出的《关于加强停车场建设的建议》收悉", "《关于加强停车场建设的建议》", False),
    ("停车那封答复的文号是什么？", "同住建函〔2020〕12号", "同住建函〔2020〕12号", True),
    ("What is the number of the parking suggestion?", "关于加强停车场建设的建议收悉", "停车场建设", False),
    ("What is the number of the parking suggestion?", "第23号建议收悉", "第23号", True),
    ("How much did the county spend on its car parks?", "建成后将增加停车位135个", "135个", False),
    ("How much did the county spend on its car parks?", "停车场建设共投资860万元", "860万元", True),
    ("停车场建设花了多少钱？", "建成后将增加停车位135个", "135个", False),
    ("这件提案属于哪一类？", "您在市政协九届四次会议提出的《关于旧城改造的提案》收悉", "《关于旧城改造的提案》", False),
    ("这件提案属于哪一类？", "临建字〔2020〕2号 B类", "B类", True),
    ("高速公路在全省排第几？", "公路总里程达到1.2万公里，全省排名第9，其中高速公路为320公里，全省排名第3", "第9", False),
    ("高速公路在全省排第几？", "公路总里程达到1.2万公里，全省排名第9，其中高速公路为320公里，全省排名第3", "第3", True),
])
def test_a_span_answering_a_header_fact_from_the_text_looks_like_it(answerer, question, passage, span, fits) -> None:
    start = passage.index(span)
    assert _fits(answerer._analyser.analyse(question), passage, start, start + len(span)) is fits


TOPIC_PASSAGE = "“关于城南农贸市场原址扩建的问题”。经核实，市场周边已无可用土地，原址扩建难以实施。"


@pytest.mark.parametrize(("question", "span", "fits"), [
    ("城南农贸市场为什么不能原址扩建？", "“关于城南农贸市场原址扩建的问题”。", False),   # the topic restated
    ("城南农贸市场为什么不能原址扩建？", "市场周边已无可用土地", True),
    ("Why can't the market be expanded where it stands?", "城南农贸市场原址扩建", False),
    ("城南农贸市场扩建的事答复里怎么说的？", "原址扩建难以实施", True),
    ("答复里提到的是城南还是城北的农贸市场？", "城南农贸市场", True),            # no open question: a name may answer
])
def test_an_open_question_is_not_answered_with_the_phrase_naming_the_letters_topic(answerer, question, span, fits) -> None:
    start = TOPIC_PASSAGE.index(span)
    assert _fits(answerer._analyser.analyse(question), TOPIC_PASSAGE, start, start + len(span)) is fits


def test_a_number_two_letters_share_names_the_one_of_the_kind_asked() -> None:
    titles = {"a": "城南区住建局对区九届人大三次会议第34号建议的答复",
              "b": "城南区文旅局对区政协八届二次会议第34号提案的答复"}
    records = {doc_id: DocumentRecord(doc_id, f"{doc_id}.txt", "hash", title,
                                      metadata=extract_metadata([title], ["您的来信收悉。"], []))
               for doc_id, title in titles.items()}
    heads = {doc_id: [Chunk(f"{doc_id}0", doc_id, title, (HEADER_SECTION,), title, 0, len(title))]
             for doc_id, title in titles.items()}
    assert {r.metadata.proposal_number for r in records.values()} == {"34"}
    _, answerer = over_letters(records, heads)
    assert answerer._named_letters("第34号提案的联系人是谁？") == ("b",)
    assert answerer._named_letters("建议第34号是哪天答复的？") == ("a",)
    assert answerer._named_letters("Who is the contact for suggestion No. 34?") == ("a",)
    assert answerer._named_letters("When was proposal number 34 answered?") == ("b",)
    assert set(answerer._named_letters("第34号的联系人是谁？")) == {"a", "b"}      # no kind named: both
    assert answerer._named_letters("Who is the contact for suggestion No. 340?") == ()


def test_the_letters_naming_a_place_are_remembered_until_the_letters_change(tmp_path) -> None:
    from retrieval.question import TermGroup

    def letter(doc_id: str, text: str) -> tuple[DocumentRecord, list[Chunk]]:
        return (DocumentRecord(doc_id, f"{doc_id}.txt", "hash", doc_id),
                [Chunk(f"{doc_id}:0", doc_id, doc_id, (), text, 0, len(text), 0)])

    letters = {"a": letter("a", "南昌市新建区教育局：今年新建学校3所。"), "b": letter("b", "今年新建学校5所。")}
    chunks = {doc_id: found for doc_id, (_, found) in letters.items()}
    current = [record for record, _ in letters.values()]

    def documents() -> list[DocumentRecord]:
        return current

    answerer = ExtractiveAnswerer(QuestionAnalyser(Segmenter(None), EnglishToChinese, known=lambda word: True),
                                  reader=None, document={r.doc_id: r for r in current}.get,
                                  chunks_of=chunks.get, documents=documents)
    xinjian = TermGroup("新建", ("新建",))
    assert answerer._letters_naming(xinjian) == {"a"}  # b only has 新建, "newly built"
    texts_read = dict(answerer._letter_texts)
    answerer._letter_texts.clear()  # what a scan reads again
    assert answerer._letters_naming(xinjian) == {"a"} and answerer._letter_texts == {}  # remembered: no letter read
    record, found = letter("c", "新建区住房和城乡建设局")
    chunks["c"] = found
    current = [*current, record]  # the index changed: a new list of letters
    answerer._document = {r.doc_id: r for r in current}.get
    assert answerer._letters_naming(xinjian) == {"a", "c"}
    assert texts_read  # the first call read the letters


def test_an_answers_span_is_the_part_of_it_that_is_shown() -> None:
    # The reader's span ran over two items and only the first was shown: a follow-up asking the second
    # ("二级站呢？") may take it.
    shown = "其中达到国家一级站标准的42个"
    assert _span_shown("42个、二级站67个", shown) == "42个"
    assert _span_shown("42个", shown) == "42个"
    assert _span_shown("18个重点村、61个", "完成18个重点村、61个示范村的道路工程") == "18个重点村、61个"
    assert _span_shown("别处的话", shown) == "别处的话"  # nothing of it shown (an answer cut to the limit): kept whole


def test_an_answer_resent_as_text_came_from_the_one_letter_holding_its_longest_piece() -> None:
    texts = {"letter-a": "城东污水处理厂扩建项目总投资3.2亿元，目前已开工。",
             "letter-b": "城西公园改造总投资3.2亿元，目前已开工。",
             "letter-c": "城西公园改造总投资3.2亿元，年底完工。"}
    records = {doc_id: DocumentRecord(doc_id, f"{doc_id}.txt", "hash", doc_id) for doc_id in texts}
    chunks = {doc_id: [Chunk(f"{doc_id}-1", doc_id, doc_id, ("一、项目情况",), text, 0, len(text))]
              for doc_id, text in texts.items()}
    analyser = QuestionAnalyser(Segmenter(None), EnglishToChinese, known=lambda word: True)
    answerer = ExtractiveAnswerer(analyser, reader=None, document=records.get, chunks_of=chunks.get,
                                  documents=lambda: list(records.values()))

    def letter_of(text: str) -> str | None:
        return answerer._answered_from(Answer("问", text, True))

    assert letter_of("城东污水处理厂扩建项目总投资3.2亿元") == "letter-a"
    assert letter_of("城西公园改造总投资3.2亿元") is None   # two letters hold it: it names neither
    assert letter_of("目前已开工") is None                   # so do its pieces (目前已开工) in letters a and b
    assert letter_of("年底") is None                         # shorter than MIN_ANSWER_PIECE_CHARS
    assert letter_of("年底完工") == "letter-c"
