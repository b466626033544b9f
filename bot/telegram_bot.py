"""`govqa telegram`: the answer service as a Telegram bot over long polling.

Handlers only translate: a message becomes ``service.ask``, an Answer becomes
HTML messages (bot.render). Updates are handled concurrently, one at a time
per chat, so a slow answer in one chat never holds up another.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import weakref

from telegram import Bot, Message, MessageEntity, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from index.errors import GovqaError
from index.settings import Settings
from retrieval.service import AnswerService

from .render import answer_as_telegram_html, documents_as_telegram_html

logger = logging.getLogger(__name__)

TOKEN_ENV = "TELEGRAM_BOT_TOKEN"  # read by Settings into settings.telegram.token
CONCURRENT_UPDATES = 8
TYPING_REFRESH_S = 4.0  # Telegram clears "typing…" after about five seconds.

HELP_TEXT = (
    "你好！我回答关于已收录的政府答复函的问题，并注明出处（哪封函、哪一节、原文）。\n\n"
    "直接发来问题即可，例如：\n"
    "• 一共收到多少家企业的首席信息官备案申请？\n"
    "• 全市的5G基站有多少个？在全省排名第几？\n"
    "• 企业首席信息官培训班举办了几期？\n"
    "• 这封答复函是哪天发出的？\n\n"
    "可以接着追问，我会记得这段对话。在群组里，请 @我 或回复我的消息来提问。\n\n"
    "/docs 列出答复函\n/reset 开始新的对话\n/help 显示本说明"
)
RESET_TEXT = "好的，之前的对话已清空，可以开始新的问题了。"
REFUSAL_TEXT = "抱歉，这个机器人只为指定的聊天提供服务。"
ERROR_TEXT = "抱歉，出错了，请稍后再试。"


def build_application(settings: Settings, service: AnswerService, *, token: str) -> Application:
    """The bot: handlers, the shared service in ``bot_data``, the Bot API URL from settings."""
    builder = Application.builder().token(token).concurrent_updates(CONCURRENT_UPDATES)
    if settings.telegram.api_url:
        api_url = settings.telegram.api_url.rstrip("/")
        # PTB calls f"{base_url}{token}/{method}", like https://api.telegram.org/bot<token>/getMe.
        builder = builder.base_url(f"{api_url}/bot").base_file_url(f"{api_url}/file/bot")
    application = builder.build()
    application.bot_data.update(
        service=service,
        allowed_chat_ids=frozenset(settings.telegram.allowed_chat_ids),
        refused_chat_ids=set(),
        chat_locks=weakref.WeakValueDictionary(),
    )
    _add_handlers(application)
    return application


def run(settings: Settings) -> None:
    """Load the index, then answer Telegram messages until interrupted."""
    token = settings.telegram.token.get_secret_value().strip() if settings.telegram.token else ""
    if not token:
        raise GovqaError(f"{TOKEN_ENV} (or GOVQA_TELEGRAM__TOKEN) is not set. Create a bot with @BotFather, then "
                         f"`export {TOKEN_ENV}=<token>` and run `govqa telegram` again.")
    _configure_logging(token)
    from retrieval.startup import answer_service

    application = build_application(settings, answer_service(settings, read_only=True), token=token)
    logger.info("govqa telegram bot is polling for updates")
    application.run_polling(allowed_updates=Update.ALL_TYPES)


def _add_handlers(application: Application) -> None:
    application.add_handler(TypeHandler(Update, only_allowed_chats), group=-1)
    application.add_handler(CommandHandler(["start", "help"], show_help))
    application.add_handler(CommandHandler("docs", list_documents))
    application.add_handler(CommandHandler("reset", reset_conversation))
    questions = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
    application.add_handler(MessageHandler(questions, answer_question))
    application.add_error_handler(on_error)


async def only_allowed_chats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Outside the allow-list (when there is one), refuse once per chat and handle nothing."""
    allowed = context.bot_data["allowed_chat_ids"]
    chat = update.effective_chat
    if not allowed or (chat and chat.id in allowed):
        return
    refused = context.bot_data["refused_chat_ids"]
    message = update.effective_message
    if chat and message and chat.id not in refused and _is_addressed_to_bot(message, context.bot):
        refused.add(chat.id)
        await message.reply_text(REFUSAL_TEXT)
    raise ApplicationHandlerStop


async def show_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start and /help: what the bot does, with example questions."""
    await update.effective_message.reply_text(HELP_TEXT)


async def list_documents(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/docs: the indexed letters with 文号 and date."""
    records = await asyncio.to_thread(_service(context).documents)
    for part in documents_as_telegram_html(records):
        await update.effective_message.reply_html(part)


async def reset_conversation(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reset: forget this chat's conversation."""
    chat_id = update.effective_chat.id
    async with _chat_lock(context, chat_id):
        await asyncio.to_thread(_service(context).reset, session_id(chat_id))
    await update.effective_message.reply_text(RESET_TEXT)


async def answer_question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A text message: ask the service (in a thread) and reply with the rendered answer."""
    message = update.effective_message
    question = question_for_bot(message, context.bot)
    if question is None:
        return
    async with _chat_lock(context, message.chat_id), _typing(context.bot, message.chat_id):
        try:
            answer = await asyncio.to_thread(_service(context).ask, question, session_id=session_id(message.chat_id))
        except GovqaError as error:
            await message.reply_text(str(error), do_quote=True)
            return
    for number, part in enumerate(answer_as_telegram_html(answer)):
        await message.reply_html(part, do_quote=number == 0)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log any unexpected error and tell the user, politely, that something went wrong."""
    logger.error("Error while handling a Telegram update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_message:
        with contextlib.suppress(TelegramError):
            await update.effective_message.reply_text(ERROR_TEXT)


def session_id(chat_id: int) -> str:
    """The conversation id of a Telegram chat."""
    return f"tg:{chat_id}"


def question_for_bot(message: Message, bot: Bot) -> str | None:
    """The question in ``message``, or None when it is not meant for the bot.

    Private chats: every message. Groups: only messages that @mention the bot
    (the mention is removed) or reply to one of the bot's messages.
    """
    text = (message.text or "").strip()
    if message.chat.type == ChatType.PRIVATE:
        return text
    if _mentions_bot(message, bot):
        return re.sub(re.escape(f"@{bot.username}"), " ", text, flags=re.IGNORECASE).strip()
    if _replies_to_bot(message, bot):
        return text
    return None


def _is_addressed_to_bot(message: Message, bot: Bot) -> bool:
    if message.chat.type == ChatType.PRIVATE or _mentions_bot(message, bot) or _replies_to_bot(message, bot):
        return True
    return bool(message.text and message.text.startswith("/"))


def _mentions_bot(message: Message, bot: Bot) -> bool:
    mentions = message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION])
    for entity, text in mentions.items():
        if text.lower() == f"@{bot.username}".lower() or (entity.user and entity.user.id == bot.id):
            return True
    return False


def _replies_to_bot(message: Message, bot: Bot) -> bool:
    replied = message.reply_to_message
    return bool(replied and replied.from_user and replied.from_user.id == bot.id)


def _service(context: ContextTypes.DEFAULT_TYPE) -> AnswerService:
    return context.bot_data["service"]


def _chat_lock(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> asyncio.Lock:
    """One lock per chat keeps a chat's turns in order; it disappears when no update holds it."""
    locks: weakref.WeakValueDictionary[int, asyncio.Lock] = context.bot_data["chat_locks"]
    lock = locks.get(chat_id)
    if lock is None:
        lock = locks[chat_id] = asyncio.Lock()
    return lock


@contextlib.asynccontextmanager
async def _typing(bot: Bot, chat_id: int):
    """Show "typing…" now and keep it showing until the block ends."""
    await bot.send_chat_action(chat_id, ChatAction.TYPING)
    refresher = asyncio.create_task(_keep_typing(bot, chat_id))
    try:
        yield
    finally:
        refresher.cancel()


async def _keep_typing(bot: Bot, chat_id: int) -> None:
    while True:
        await asyncio.sleep(TYPING_REFRESH_S)
        with contextlib.suppress(TelegramError):
            await bot.send_chat_action(chat_id, ChatAction.TYPING)


class _RedactingFormatter(logging.Formatter):
    """Formats log lines (tracebacks included) with the bot token blanked out."""

    def __init__(self, token: str) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self._token = token

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).replace(self._token, "<TELEGRAM_BOT_TOKEN>")


def _configure_logging(token: str) -> None:
    """Log to stderr without ever printing the token (httpx logs every URL, which contains it)."""
    logging.basicConfig(level=logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(_RedactingFormatter(token))
