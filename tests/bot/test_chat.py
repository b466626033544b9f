"""`govqa chat`: the terminal chat loop, driven line by line and through a pipe."""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest
from rich.console import Console

from bot.chat import GOODBYE_TEXT, interactive_line_reader, run_chat
from index.settings import Settings

QUESTION = "首席信息官备案申请有多少家？"
FOLLOW_UP = "培训请了哪些企业的高管？"
SOURCE_SENTENCE = "目前共收到45家企业的备案申请"


def scripted(lines: Iterable[str | BaseException]):
    """A read_line that returns the given lines (or raises the given exceptions) and records its prompts."""
    pending = list(lines)
    prompts: list[str] = []

    def read_line(prompt: str) -> str:
        prompts.append(prompt)
        line = pending.pop(0)
        if isinstance(line, BaseException):
            raise line
        return line

    read_line.prompts = prompts
    return read_line


def chat(service, lines: Iterable[str | BaseException]) -> str:
    """Run a chat over ``lines`` and return everything it printed."""
    console = Console(record=True, width=160, color_system=None)
    run_chat(service, console=console, read_line=scripted(lines))
    return console.export_text()


def test_chat_question_sources_follow_up_docs_reset_quit(answer_service):
    output = chat(answer_service, [QUESTION, "/sources", FOLLOW_UP, "/docs", "/reset", "/quit", "never read"])
    assert "45" in output and "推广首席信息官制度" in output
    assert output.count(SOURCE_SENTENCE) >= 2  # in the answer's citation and again in /sources
    assert "中荣" in output
    assert "中工信函〔2022〕53号" in output and "2022年6月14日" in output
    assert "对话已清空" in output
    assert output.rstrip().endswith(GOODBYE_TEXT)


def test_chat_sources_shows_full_quotes_of_last_answer(answer_service):
    output = chat(answer_service, [QUESTION, "/sources", "/quit"])
    after_sources = output.split("最接近的内容：" if "最接近的内容：" in output else "来源：")[-1]
    assert SOURCE_SENTENCE in after_sources


class RecordingService:
    """The real service, with the session ids of every ask and reset written down."""

    def __init__(self, service) -> None:
        self._service = service
        self.calls: list[tuple[str, str | None]] = []

    def ask(self, question: str, *, session_id: str | None = None, document: str | None = None):
        self.calls.append(("ask", session_id))
        return self._service.ask(question, session_id=session_id, document=document)

    def reset(self, session_id: str) -> None:
        self.calls.append(("reset", session_id))
        self._service.reset(session_id)

    def documents(self):
        return self._service.documents()


def test_chat_keeps_one_session_and_reset_forgets_it(answer_service):
    first, second = RecordingService(answer_service), RecordingService(answer_service)
    chat(first, [QUESTION, FOLLOW_UP, "/reset", QUESTION, "/quit"])
    chat(second, [QUESTION, "/quit"])
    assert [name for name, _ in first.calls] == ["ask", "ask", "reset", "ask"]
    assert len({session for _, session in first.calls}) == 1
    assert first.calls[0][1] and first.calls[0][1] != second.calls[0][1]


def test_chat_govqa_error_is_one_red_line_and_the_chat_goes_on(answer_service):
    console = Console(file=io.StringIO(), record=True, width=160, color_system="standard", force_terminal=True)
    run_chat(answer_service, console=console, read_line=scripted(["问" * 600, QUESTION, "/quit"]))
    text = console.export_text(clear=False)
    error_lines = [line for line in text.splitlines() if "600" in line]
    assert len(error_lines) == 1 and "500" in error_lines[0]
    styled_error = next(line for line in console.export_text(styles=True).splitlines() if "600" in line)
    assert "\x1b[31m" in styled_error
    assert "45" in text.split(error_lines[0])[1]


@pytest.mark.parametrize("leave", [EOFError(), KeyboardInterrupt()], ids=["ctrl-d", "ctrl-c"])
def test_chat_ctrl_d_and_ctrl_c_leave_with_goodbye(answer_service, leave):
    assert chat(answer_service, [leave]).rstrip().endswith(GOODBYE_TEXT)


def test_chat_help_and_unknown_command(answer_service):
    output = chat(answer_service, ["/help", "/nonsense", "", "/quit"])
    assert "/sources" in output and "未知命令 /nonsense" in output


def test_chat_sources_before_any_question(answer_service):
    assert "还没有回答过问题" in chat(answer_service, ["/sources", "/quit"])


def test_line_reader_through_a_pipe_reads_plain_lines_and_echoes_them(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("第一行\n"))
    read_line = interactive_line_reader(tmp_path / "history")
    assert read_line("问> ") == "第一行"
    assert capsys.readouterr().out == "问> 第一行\n"
    with pytest.raises(EOFError):
        read_line("问> ")
    assert not (tmp_path / "history").exists()


def govqa_script() -> str:
    script = Path(sys.executable).with_name("govqa")
    return str(script) if script.exists() else shutil.which("govqa") or "govqa"


@pytest.mark.slow
def test_govqa_chat_console_script_through_a_pipe(indexed_settings: Settings, answer_service):
    # The session's prepared default model, as `govqa model prepare` leaves it, over the indexed sample letter.
    env = {key: value for key, value in os.environ.items() if not key.startswith("GOVQA_")}
    env.update(GOVQA_DATA_DIR=str(indexed_settings.data_dir), GOVQA_MODELS_DIR=str(Path(indexed_settings.embedding_model).parent),
               NO_COLOR="1", COLUMNS="160")
    result = subprocess.run([govqa_script(), "chat"], input=f"{QUESTION}\n/sources\n", env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "45" in result.stdout and SOURCE_SENTENCE in result.stdout
    assert result.stdout.rstrip().endswith(GOODBYE_TEXT)  # the pipe's end is Ctrl-D
