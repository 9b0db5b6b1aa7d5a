"""What every handler module shares: the services of the running bot, "typing…", and the busy line."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from telegram import Message
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.services import Services

__all__ = ["BUSY", "services", "typing"]

BUSY = "⏳ I'm busy with other articles right now. Please try again in a minute."
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
