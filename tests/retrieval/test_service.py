"""The answer API's guards: bad questions and unknown documents get clear errors; a server starts over
what a crash left."""
from __future__ import annotations

from pathlib import Path

import pytest

from index.errors import QuestionError, UnknownDocumentError
from index.settings import Settings
from index.types import Chunk

LETTERS = Path(__file__).parents[1] / "data" / "letters"


@pytest.fixture
def passages_read(reader, monkeypatch) -> list[str]:
    """Every passage the (session's) reader is given during the test."""
    read: list[str] = []
    original = reader.read
    monkeypatch.setattr(reader, "read", lambda text, passages, **options: read.extend(passages) or original(text, passages, **options))
    return read


@pytest.mark.parametrize("question", ["", "   ", "\n"])
def test_empty_question_is_refused_with_a_clear_error(library, question):
    with pytest.raises(QuestionError, match="empty"):
        library.ask(question)


def test_over_long_question_is_refused(library):
    with pytest.raises(QuestionError, match="limit"):
        library.ask("问" * 2000)


def test_unknown_document_is_an_error(library):
    with pytest.raises(UnknownDocumentError, match="govqa docs"):
        library.ask("联系人是谁？", document="no-such-doc")


def test_document_prefix_is_accepted(library, doc_ids):
    prefix = doc_ids["baiyun-zjj-2021-8"][:8]
    assert "黄嘉怡" in library.ask("联系人是谁？", document=prefix).text


def test_a_server_answers_without_a_crashs_orphan_chunks_and_removes_them_before_writing(embedder, reader, model_dir, tmp_path) -> None:
    from index.components import open_index
    from retrieval.factory import build_service
    from retrieval.knowledge import store_index_terms

    settings = Settings(data_dir=tmp_path / "data", models_dir=model_dir.parent)
    index = open_index(settings, writer="test", embedder=embedder)
    [kept] = index.indexer.index_paths([LETTERS / "qingxin-nyj-2022-15.txt"]).outcomes
    store_index_terms(settings)
    # A crash between forgetting a letter and deleting its chunks: chunks no registered letter owns.
    orphan = Chunk(chunk_id="gone:0", doc_id="gone", display_name="gone", section_path=(), ordinal=0, start=0,
                   end=22, text="清新区在农产品交易会上签约金额达到了999亿元。")
    index.store.add([orphan], embedder.embed_passages([orphan.embed_text]))

    service = build_service(settings, embedder=embedder, reader=reader, warm_up=False)
    answer = service.ask("清新区在农产品交易会上签约了多少金额？")
    assert "999" not in answer.text and all(c.doc_id == kept.doc_id for c in answer.citations)
    assert "gone" in index.store.doc_ids()  # left for the first write
    added = service.add_document(LETTERS / "baiyun-zjj-2021-8.txt")
    assert index.store.doc_ids() == {kept.doc_id, added.doc_id}


@pytest.mark.parametrize("question", ["v", "；", "2%117", "—“）?\"", "😀🎉"])
def test_a_question_that_names_nothing_is_refused_without_reading(library, question):
    # The reader, calibrated on real questions, found a span above its threshold for "v" in real letters.
    answer = library.ask(question)
    assert not answer.answered and "read" not in answer.timings_ms


def test_a_follow_up_of_digits_alone_is_read_with_its_context(library):
    first = library.ask("白云区住建局的联系人是谁？", session_id="digits")
    follow_up = library.ask("2021?", session_id="digits")
    assert first.answered
    assert "read" in follow_up.timings_ms or follow_up.answered   # not refused as naming nothing


@pytest.mark.parametrize("question", ["你好", "ok", "是什么", "这个"])
def test_a_greeting_or_a_bare_asking_word_is_refused_without_reading(library, passages_read, question):
    # None of its ideas is in any chunk, so no chunk is given to the reader, which (calibrated on real
    # questions) answered "你好" from real letters above its threshold.
    assert not library.ask(question).answered and passages_read == []



def test_a_question_in_traditional_characters_is_answered_as_in_simplified_ones(library):
    # 累計/審批/臺 are not in the (simplified) letters: the question is read as 累计/审批/台.
    simplified = library.ask("白云区累计完成加装电梯审批多少台？")
    traditional = library.ask("白雲區累計完成加裝電梯審批多少臺？")
    assert simplified.answered and (traditional.answered, traditional.text) == (True, simplified.text)
    assert traditional.question == "白雲區累計完成加裝電梯審批多少臺？"   # shown as asked


def test_a_follow_up_after_a_question_in_traditional_characters_keeps_its_context(library):
    library.ask("白雲區累計完成加裝電梯審批多少臺？", session_id="traditional")
    follow_up = library.ask("其中2021年新增審批多少臺？", session_id="traditional")
    simplified = library.ask("其中2021年新增审批多少台？", history=[library.ask("白云区累计完成加装电梯审批多少台？")])
    assert simplified.answered and (follow_up.answered, follow_up.text) == (True, simplified.text)


@pytest.mark.parametrize("question, named", [
    ("云建复〔2021〕9号的联系人是谁？", "云建复〔2021〕9号"),          # the number of an indexed 文号, another letter
    ("粤科函[2024]112号是哪天答复的？", "粤科函[2024]112号"),         # another year, typed with ASCII brackets
    ("第20210048号建议的联系人是谁？", "第20210048号建议"),
    ("提案第99号的联系电话是多少？", "提案第99号"),
])
def test_a_question_about_a_letter_not_indexed_is_refused_naming_it(library, question, named):
    answer = library.ask(question)
    assert (answer.answered, answer.citations) == (False, ()) and named in answer.text


@pytest.mark.parametrize("question", ["云建复[2021]8号的联系人是谁？", "云建复（2021）8号的联系人是谁？", "第20210047号建议的联系人是谁？"])
def test_a_letter_named_in_any_brackets_or_by_its_proposal_is_answered_from(library, question):
    answer = library.ask(question)
    assert answer.answered and "黄嘉怡" in answer.text and answer.citations[0].document.startswith("云建复〔2021〕8号")


def test_a_proposal_number_names_a_letter_only_whole() -> None:
    from retrieval.extractive import _names

    assert not _names("第20210047号建议", "10047号") and _names("第10047号建议", "10047号")


@pytest.mark.parametrize("question", ["北京市教委答复的联系人是谁？", "北京市的答复联系电话是多少？"])
def test_a_header_fact_of_a_place_no_letter_is_about_is_refused(library, question):
    # The test letters are Guangzhou's Baiyun district's, Guangdong province's and Qingyuan's Qingxin district's.
    assert not library.ask(question).answered


@pytest.mark.parametrize("thanks", ["谢谢", "好的，谢谢！", "thanks"])
def test_thanks_after_an_answer_is_not_read_as_a_follow_up(library, passages_read, thanks):
    assert library.ask("白云区累计完成加装电梯审批多少台？", session_id=f"thanks-{thanks}").answered
    passages_read.clear()
    assert not library.ask(thanks, session_id=f"thanks-{thanks}").answered and passages_read == []
