"""The answer API's guards: bad questions and unknown documents get clear errors."""
from __future__ import annotations

import pytest

from index.errors import QuestionError, UnknownDocumentError


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
