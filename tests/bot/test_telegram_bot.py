"""`govqa telegram`: a real Bot API conversation over loopback HTTP with a fake Telegram server.

The fake implements the few Bot API methods the bot uses (getMe, deleteWebhook,
getUpdates with long polling, sendMessage, sendChatAction) the way Telegram
does: form-encoded parameters in, ``{"ok": true, "result": …}`` out. The bot is
the real Application from ``build_application``, polling it over HTTP.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from aiohttp import web
from telegram import Message

from bot import telegram_bot
from bot.telegram_bot import ERROR_TEXT, REFUSAL_TEXT, RESET_TEXT, build_application, question_for_bot
from index.settings import Settings, TelegramSettings

TOKEN = "123456:TEST-token-never-logged"
BOT_USER = {"id": 4242, "is_bot": True, "first_name": "GovQA", "username": "govqa_test_bot",
            "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}
USER = {"id": 777, "is_bot": False, "first_name": "测试用户", "language_code": "zh-hans"}
PRIVATE_CHAT = {"id": 777, "type": "private", "first_name": "测试用户"}
OTHER_PRIVATE_CHAT = {"id": 888, "type": "private", "first_name": "陌生人"}
GROUP_CHAT = {"id": -100123, "type": "supergroup", "title": "政务问答群"}
QUESTION = "一共收到多少家企业的首席信息官备案申请？"
FOLLOW_UP = "培训请了哪些企业的高管？"
WAIT_S = 60.0
STARTUP_WAIT_S = 300.0  # a new process loads the model and the index first


@dataclass
class Call:
    """One Bot API request as the fake server received it."""

    method: str
    params: dict[str, Any]

    @property
    def chat_id(self) -> int | None:
        return int(self.params["chat_id"]) if "chat_id" in self.params else None

    @property
    def reply_to(self) -> int | None:
        reply = self.params.get("reply_parameters")
        return json.loads(reply)["message_id"] if reply else None


@dataclass
class FakeBotApi:
    """A Telegram Bot API server on 127.0.0.1: queues updates for getUpdates, records every call."""

    token: str
    calls: list[Call] = field(default_factory=list)
    url: str = ""
    _updates: list[dict] = field(default_factory=list)
    _next_update_id: int = 1
    _next_message_id: int = 100
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def start(self) -> web.AppRunner:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        host, port = runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        return runner

    def send_text(self, chat: dict, text: str, *, entities: list[dict] | None = None,
                  reply_to: dict | None = None) -> int:
        """Queue a user's text message as an update; returns its message id."""
        message = {"message_id": self._new_message_id(), "date": int(time.time()), "chat": chat,
                   "from": USER, "text": text}
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        if entities:
            message["entities"] = entities
        if reply_to:
            message["reply_to_message"] = reply_to
        self._updates.append({"update_id": self._next_update_id, "message": message})
        self._next_update_id += 1
        asyncio.get_running_loop().create_task(self._notify())
        return message["message_id"]

    def sent(self, chat_id: int | None = None) -> list[Call]:
        """sendMessage calls, optionally to one chat."""
        return [call for call in self.calls if call.method == "sendMessage" and chat_id in (None, call.chat_id)]

    async def wait_for(self, predicate, timeout: float = WAIT_S) -> None:
        """Wait until ``predicate(self)`` holds."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: predicate(self)), timeout)

    async def replies_to(self, message_id: int, timeout: float = WAIT_S) -> list[Call]:
        """Wait for the bot's reply that quotes ``message_id``; return it and what followed it."""
        await self.wait_for(lambda api: any(call.reply_to == message_id for call in api.sent()), timeout)
        calls = self.sent()
        first = next(i for i, call in enumerate(calls) if call.reply_to == message_id)
        return [call for call in calls[first:] if call.chat_id == calls[first].chat_id]

    async def next_message(self, chat_id: int, after: int) -> Call:
        """Wait for the (after+1)-th sendMessage to ``chat_id``."""
        await self.wait_for(lambda api: len(api.sent(chat_id)) > after)
        return self.sent(chat_id)[after]

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params = dict(await request.post())
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        if method != "getUpdates":
            self.calls.append(Call(method, params))
            await self._notify()
        return web.json_response({"ok": True, "result": await handler(params)})

    async def _api_getMe(self, params: dict) -> dict:
        return BOT_USER

    async def _api_deleteWebhook(self, params: dict) -> bool:
        return True

    async def _api_sendChatAction(self, params: dict) -> bool:
        return True

    async def _api_sendMessage(self, params: dict) -> dict:
        chat_id = int(params["chat_id"])
        chat = next(c for c in (PRIVATE_CHAT, OTHER_PRIVATE_CHAT, GROUP_CHAT) if c["id"] == chat_id)
        return {"message_id": self._new_message_id(), "date": int(time.time()), "chat": chat,
                "from": BOT_USER, "text": params["text"]}

    async def _api_getUpdates(self, params: dict) -> list[dict]:
        offset = int(params.get("offset") or 0)
        self._updates = [update for update in self._updates if update["update_id"] >= offset]
        if not self._updates:
            with contextlib.suppress(TimeoutError):
                await self.wait_for(lambda api: bool(api._updates), timeout=float(params.get("timeout") or 0))
        return list(self._updates)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def _new_message_id(self) -> int:
        self._next_message_id += 1
        return self._next_message_id


@contextlib.asynccontextmanager
async def running_bot(service, *, allowed_chat_ids: tuple[int, ...] = ()):
    """The fake Bot API and the real bot polling it, both in this event loop."""
    api = FakeBotApi(TOKEN)
    runner = await api.start()
    settings = Settings(telegram=TelegramSettings(api_url=api.url, allowed_chat_ids=list(allowed_chat_ids)))
    application = build_application(settings, service, token=TOKEN)
    await application.initialize()
    await application.start()
    await application.updater.start_polling(poll_interval=0, timeout=1)
    try:
        yield api
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
        await runner.cleanup()


def mention(text_after: str) -> tuple[str, list[dict]]:
    handle = "@" + BOT_USER["username"]
    return f"{handle} {text_after}", [{"type": "mention", "offset": 0, "length": len(handle)}]


def test_private_conversation_start_question_follow_up_reset_docs(answer_service):
    async def scenario() -> tuple[FakeBotApi, dict[str, list[Call]]]:
        replies: dict[str, list[Call]] = {}
        async with running_bot(answer_service) as api:
            chat = PRIVATE_CHAT["id"]
            api.send_text(PRIVATE_CHAT, "/start")
            replies["/start"] = [await api.next_message(chat, after=0)]
            replies[QUESTION] = await api.replies_to(api.send_text(PRIVATE_CHAT, QUESTION))
            replies[FOLLOW_UP] = await api.replies_to(api.send_text(PRIVATE_CHAT, FOLLOW_UP))
            seen = len(api.sent(chat))
            api.send_text(PRIVATE_CHAT, "/reset")
            replies["/reset"] = [await api.next_message(chat, after=seen)]
            api.send_text(PRIVATE_CHAT, "/docs")
            replies["/docs"] = [await api.next_message(chat, after=seen + 1)]
        return api, replies

    api, replies = asyncio.run(scenario())
    help_text = replies["/start"][0].params["text"]
    assert "一共收到多少家企业的首席信息官备案申请" in help_text and "/docs" in help_text

    [answer] = replies[QUESTION]
    assert answer.params["parse_mode"] == "HTML"
    assert "45" in answer.params["text"]
    assert "推广首席信息官制度" in answer.params["text"] and "<blockquote>" in answer.params["text"]
    before_answer = api.calls[api.calls.index(answer) - 1]
    assert before_answer.method == "sendChatAction" and before_answer.params["action"] == "typing"

    [follow_up] = replies[FOLLOW_UP]
    assert "中荣" in follow_up.params["text"]
    assert replies["/reset"][0].params["text"] == RESET_TEXT
    docs = replies["/docs"][0].params
    assert docs["parse_mode"] == "HTML" and "中工信函〔2022〕53号" in docs["text"] and "2022年6月14日" in docs["text"]


def test_group_answers_only_mentions_and_replies_to_the_bot(answer_service):
    async def scenario() -> tuple[FakeBotApi, int, list[Call], list[Call]]:
        async with running_bot(answer_service) as api:
            ignored = api.send_text(GROUP_CHAT, QUESTION)
            text, entities = mention(QUESTION)
            mentioned = await api.replies_to(api.send_text(GROUP_CHAT, text, entities=entities))
            bot_message = {"message_id": 1, "date": int(time.time()), "chat": GROUP_CHAT, "from": BOT_USER, "text": "…"}
            replied = await api.replies_to(api.send_text(GROUP_CHAT, QUESTION, reply_to=bot_message))
        return api, ignored, mentioned, replied

    api, ignored, mentioned, replied = asyncio.run(scenario())
    assert not [call for call in api.sent() if call.reply_to == ignored]
    assert len(api.sent(GROUP_CHAT["id"])) == 2
    assert "45" in mentioned[0].params["text"] and "45" in replied[0].params["text"]
    assert mentioned[0].params["parse_mode"] == "HTML"


def test_mention_is_stripped_from_the_question():
    text, entities = mention("一共收到多少家企业的备案申请？")
    message = Message.de_json({"message_id": 5, "date": 0, "chat": GROUP_CHAT, "from": USER, "text": text,
                               "entities": entities}, None)
    bot = SimpleNamespace(id=BOT_USER["id"], username=BOT_USER["username"].upper())
    assert question_for_bot(message, bot) == "一共收到多少家企业的备案申请？"


def test_chat_outside_allow_list_gets_one_refusal(answer_service):
    async def scenario() -> FakeBotApi:
        async with running_bot(answer_service, allowed_chat_ids=(PRIVATE_CHAT["id"],)) as api:
            api.send_text(OTHER_PRIVATE_CHAT, QUESTION)
            await api.next_message(OTHER_PRIVATE_CHAT["id"], after=0)
            api.send_text(OTHER_PRIVATE_CHAT, "/start")
            await api.replies_to(api.send_text(PRIVATE_CHAT, QUESTION))
        return api

    api = asyncio.run(scenario())
    [refusal] = api.sent(OTHER_PRIVATE_CHAT["id"])
    assert refusal.params["text"] == REFUSAL_TEXT
    assert not [call for call in api.calls if call.method == "sendChatAction" and call.chat_id == OTHER_PRIVATE_CHAT["id"]]
    assert "45" in api.sent(PRIVATE_CHAT["id"])[0].params["text"]


def test_too_long_question_gets_the_error_message(answer_service):
    async def scenario() -> list[Call]:
        async with running_bot(answer_service) as api:
            return await api.replies_to(api.send_text(PRIVATE_CHAT, "问" * 600))

    [reply] = asyncio.run(scenario())
    assert "600" in reply.params["text"] and "500" in reply.params["text"]
    assert "parse_mode" not in reply.params


class BrokenService:
    """A service whose ask fails unexpectedly, as a bug would."""

    def ask(self, question: str, **kwargs) -> None:
        raise RuntimeError(f"index exploded at /bot{TOKEN}/x")


def test_unexpected_error_is_logged_and_user_gets_polite_reply(caplog):
    async def scenario() -> FakeBotApi:
        async with running_bot(BrokenService()) as api:
            api.send_text(PRIVATE_CHAT, QUESTION)
            await api.wait_for(lambda api: len(api.sent()) == 1)
            return api

    with caplog.at_level(logging.ERROR, logger="bot.telegram_bot"):
        api = asyncio.run(scenario())
    assert api.sent()[0].params["text"] == ERROR_TEXT
    assert any("index exploded" in str(record.exc_info[1]) for record in caplog.records if record.exc_info)


def test_log_formatter_never_prints_the_token():
    formatter = telegram_bot._RedactingFormatter(TOKEN)
    try:
        raise RuntimeError(f"POST https://api.telegram.org/bot{TOKEN}/getMe failed")
    except RuntimeError as error:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, f"url /bot{TOKEN}/", (), (type(error), error, error.__traceback__))
    output = formatter.format(record)
    assert TOKEN not in output and "<TELEGRAM_BOT_TOKEN>" in output


@pytest.mark.parametrize("api_url", ["http://127.0.0.1:8081", "http://127.0.0.1:8081/"])
def test_api_url_setting_points_the_bot_at_a_local_bot_api_server(api_url):
    settings = Settings(telegram=TelegramSettings(api_url=api_url))
    application = build_application(settings, BrokenService(), token=TOKEN)
    assert application.bot.base_url == f"http://127.0.0.1:8081/bot{TOKEN}"
    assert application.bot.base_file_url == f"http://127.0.0.1:8081/file/bot{TOKEN}"


@pytest.mark.slow
def test_govqa_telegram_command_answers_and_never_logs_the_token(indexed_settings: Settings, answer_service):
    async def scenario() -> tuple[list[Call], str, int | None]:
        api = FakeBotApi(TOKEN)
        runner = await api.start()
        # The session's prepared default model, as a user's `govqa model prepare` leaves it (naming its directory
        # as GOVQA_EMBEDDING_MODEL would be another model, whose vectors the index refuses).
        env = {key: value for key, value in os.environ.items() if not key.startswith("GOVQA_")}
        env.update(TELEGRAM_BOT_TOKEN=TOKEN, GOVQA_TELEGRAM_API_URL=api.url, GOVQA_DATA_DIR=str(indexed_settings.data_dir),
                   GOVQA_MODELS_DIR=str(Path(indexed_settings.embedding_model).parent))
        script = Path(sys.executable).with_name("govqa")
        process = await asyncio.create_subprocess_exec(str(script), "telegram", env=env, stdout=asyncio.subprocess.PIPE,
                                                       stderr=asyncio.subprocess.STDOUT)
        replied = asyncio.ensure_future(api.replies_to(api.send_text(PRIVATE_CHAT, QUESTION), timeout=STARTUP_WAIT_S))
        exited = asyncio.ensure_future(process.wait())
        try:
            await asyncio.wait({replied, exited}, return_when=asyncio.FIRST_COMPLETED)  # a crashed bot ends the wait
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGINT)
            output, _ = await asyncio.wait_for(process.communicate(), WAIT_S)
            await runner.cleanup()
        text = output.decode(errors="replace")
        assert replied.done() and not replied.exception(), f"no reply; the bot exited {process.returncode}:\n{text[-2000:]}"
        return replied.result(), text, process.returncode

    replies, output, returncode = asyncio.run(scenario())
    assert "45" in replies[0].params["text"] and replies[0].params["parse_mode"] == "HTML"
    assert returncode == 0, output
    assert TOKEN not in output and TOKEN.split(":")[1] not in output
