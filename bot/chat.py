"""`govqa chat`: ask questions in the terminal, one conversation per run."""
from __future__ import annotations

import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from index.errors import GovqaError
from index.settings import Settings
from retrieval.service import AnswerService
from retrieval.types import Answer

from .render import answer_as_rich, documents_as_rich, sources_as_rich

PROMPT = "问> "
LOADING_TEXT = "正在加载模型和索引… / loading the model and index…"
WELCOME_TEXT = "输入问题后回车；/help 查看命令，/quit 或 Ctrl-D 退出。"
GOODBYE_TEXT = "再见！/ Bye."
HELP_TEXT = """\
直接输入问题，可以接着追问（同一次对话会记住上下文）。
  /sources  显示上一个回答的全部出处和完整原文
  /docs     列出已索引的答复函
  /reset    开始新的对话
  /help     显示本说明
  /quit     退出（也可以按 Ctrl-D 或 Ctrl-C）"""

ReadLine = Callable[[str], str]


@dataclass
class ChatState:
    """What one chat remembers: its session and the last answer."""

    session_id: str
    last_answer: Answer | None = None


def start_chat(settings: Settings) -> None:
    """Build the answer service (showing that it is loading), then chat."""
    from retrieval.startup import answer_service

    console = Console()
    with console.status(LOADING_TEXT):
        service = answer_service(settings, read_only=True)
    run_chat(service, console=console, read_line=interactive_line_reader(settings.paths.chat_history))


def run_chat(service: AnswerService, *, console: Console, read_line: ReadLine) -> None:
    """Read questions and commands until /quit, Ctrl-D or Ctrl-C."""
    state = ChatState(session_id=f"chat:{uuid.uuid4().hex[:12]}")
    console.print(f"[dim]{escape(WELCOME_TEXT)}[/dim]")
    try:
        while _handle_line(read_line(PROMPT).strip(), service, console, state):
            pass
    except (KeyboardInterrupt, EOFError):
        console.print()
    console.print(GOODBYE_TEXT)


def interactive_line_reader(history_path: Path) -> ReadLine:
    """Line editing with history (prompt_toolkit) on a terminal; plain ``input`` through a pipe."""
    if not sys.stdin.isatty():
        return _echoing_input
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory

    history_path.parent.mkdir(parents=True, exist_ok=True)
    return PromptSession(history=FileHistory(str(history_path))).prompt


def _echoing_input(prompt: str) -> str:
    """``input`` for piped stdin, echoing the line so the output reads as a transcript."""
    line = input(prompt)
    print(line)
    return line


def _handle_line(line: str, service: AnswerService, console: Console, state: ChatState) -> bool:
    """Act on one line; False means the chat is over."""
    if not line:
        return True
    if line.startswith("/"):
        return _run_command(line.split()[0].lower(), service, console, state)
    _ask(line, service, console, state)
    return True


def _ask(question: str, service: AnswerService, console: Console, state: ChatState) -> None:
    """Ask one question and show the answer; a GovqaError is one red line."""
    try:
        with console.status("正在查找…"):
            answer = service.ask(question, session_id=state.session_id)
    except GovqaError as error:
        console.print(f"[red]{escape(str(error))}[/red]")
        return
    state.last_answer = answer
    console.print(answer_as_rich(answer))
    console.print()


def _run_command(command: str, service: AnswerService, console: Console, state: ChatState) -> bool:
    """Run a /command; False means /quit."""
    if command in ("/quit", "/exit", "/q"):
        return False
    if command == "/sources":
        _show_sources(console, state)
    elif command == "/docs":
        console.print(documents_as_rich(service.documents()))
    elif command == "/reset":
        service.reset(state.session_id)
        state.last_answer = None
        console.print("好的，之前的对话已清空。")
    elif command == "/help":
        console.print(escape(HELP_TEXT))
    else:
        console.print(f"[yellow]未知命令 {escape(command)}[/yellow]；/help 查看命令。")
    return True


def _show_sources(console: Console, state: ChatState) -> None:
    """The full quotes behind the last answer."""
    if state.last_answer is None:
        console.print("还没有回答过问题。")
    elif not state.last_answer.citations:
        console.print("上一个回答没有出处。")
    else:
        console.print(sources_as_rich(state.last_answer))
