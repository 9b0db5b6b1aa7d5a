"""What every handler module shares: the services of the running bot, "typing…", and the busy line."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from telegram import CallbackQuery, Message, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.services import Services
from bot.workers import Busy, JobTimeout, WorkerLost

__all__ = [
    "ALLOWED_UPDATES",
    "BUSY",
    "OVERLOADED",
    "SLOW_DOWN",
    "TOO_SLOW",
    "WORKER_LOST",
    "message_of",
    "overload_line",
    "query_of",
    "sender_id",
    "sender_of",
    "services",
    "typing",
]

BUSY = "⏳ I'm busy with other articles right now. Please try again in a minute."
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]  # what the handlers answer; polling and webhook ask for these
SLOW_DOWN = "🐢 You're sending requests faster than I can read. Please wait a minute."
TOO_SLOW = "⏱ That took me too long to summarise, so I stopped. Please try again later."
WORKER_LOST = "⚠️ The summariser stopped while working on that. Please send it again."
# The model pool cannot take or finish the job: say so, try again later.
OVERLOADED = (Busy, JobTimeout, WorkerLost)


def overload_line(error: Exception) -> str:
    if isinstance(error, WorkerLost):
        return WORKER_LOST
    return TOO_SLOW if isinstance(error, JobTimeout) else BUSY


TYPING_EVERY_S = 4.5  # Telegram shows "typing…" for about 5 seconds


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    found: Services = context.application.bot_data["services"]
    return found


@contextlib.asynccontextmanager
async def typing(message: Message) -> AsyncIterator[None]:
    """Keep the "typing…" indicator on while the work inside runs."""

    async def keep() -> None:
        while True:
            with contextlib.suppress(TelegramError):
                await message.chat.send_action(ChatAction.TYPING)
            await asyncio.sleep(TYPING_EVERY_S)

    task = asyncio.create_task(keep())
    try:
        yield
    finally:
        task.cancel()


def message_of(update: Update) -> Message:
    """The message a message handler runs for (PTB types it optional because other updates have none)."""
    if update.effective_message is None:
        raise LookupError("a message handler was given an update without a message")
    return update.effective_message


def sender_of(message: Message) -> int | None:
    """Who a message counts against: the channel it was posted as, else its user. In groups, every channel
    post and every anonymous admin share one placeholder user, which must not share one rate limit."""
    if message.sender_chat is not None:
        return message.sender_chat.id
    return message.from_user.id if message.from_user else None


def query_of(update: Update) -> CallbackQuery:
    if update.callback_query is None:
        raise LookupError("a button handler was given an update without a callback query")
    return update.callback_query


def sender_id(update: Update) -> int:
    if update.effective_user is None:
        raise LookupError("an update without a sender reached a handler that needs one")
    return update.effective_user.id
