"""The one wiring point: settings → services → the PTB Application with every handler, in order.

``newsbot run`` calls ``run_bot``; the tests call ``build_application`` and drive it against a fake Bot API
server through ``telegram.base_url``, the same setting that points the bot at a self-hosted Bot API server.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import tempfile

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import admin, handlers, health, schedule, subscriptions
from bot.chat import ALLOWED_UPDATES
from bot.metrics import MeasuredApplication, Metrics
from bot.services import Services
from bot.storage import StorageError
from bot.webhook import BotServer, run_webhook
from summarizer.backends import Backend
from summarizer.settings import Settings

logger = logging.getLogger(__name__)

__all__ = ["COMMANDS", "build_application", "run_bot"]

COMMANDS = [
    BotCommand("summarize", "Summarise a link: /summarize <link>"),
    BotCommand("topic", "Latest stories on a topic: /topic <words>"),
    BotCommand("subscribe", "Digests: /subscribe <topic> [at HH:MM] [every N h]"),
    BotCommand("subscriptions", "This chat's subscriptions"),
    BotCommand("unsubscribe", "Stop a subscription: /unsubscribe <id or topic>"),
    BotCommand("digest", "Send this chat's digests now"),
    BotCommand("timezone", "Set the chat's time zone: /timezone Europe/Berlin"),
    BotCommand("help", "What I do and how to use me"),
]


async def _post_init(application: Application) -> None:
    service: Services = application.bot_data["services"]
    await service.open()
    await schedule.restore(application)
    schedule.start_housekeeping(application)
    schedule.start_sync(application)  # several replicas on one database: each takes in what the others changed
    await health.start_heartbeat(application, service.settings)
    await application.bot.set_my_commands(COMMANDS)
    settings = service.settings.bot
    if settings.mode == "polling" and settings.metrics_port:  # webhook mode serves /metrics on its own server
        server = application.bot_data["metrics_server"] = BotServer(application, service.settings, webhook=False)
        await server.start(settings.metrics_port)
    logger.info("newsbot is ready as @%s", application.bot.username)


async def _post_shutdown(application: Application) -> None:
    if "metrics_server" in application.bot_data:
        await application.bot_data.pop("metrics_server").close()
    await application.bot_data["services"].close()


def build_application(settings: Settings, backend: Backend | None = None) -> Application:
    """The Application, with resources opened in post_init; ``backend`` lets tests share a loaded model."""
    builder = (
        Application.builder()
        .application_class(MeasuredApplication)
        .token(settings.telegram.token.get_secret_value())
        .base_url(settings.telegram.base_url)
        .base_file_url(settings.telegram.base_file_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .rate_limiter(AIORateLimiter(max_retries=3))  # Telegram's flood limits; honours RetryAfter
        .concurrent_updates(64)  # one slow site must not hold up anyone else
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if settings.bot.mode == "webhook":
        builder = builder.updater(None)  # updates arrive through bot.webhook, not getUpdates
    application = builder.build()
    application.bot_data["services"] = Services(settings, backend)
    application.bot_data["metrics"] = Metrics()

    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    text = (filters.TEXT | filters.CAPTION) & ~filters.COMMAND
    # 0. before anything else: an update handled before is dropped (group -2), then who may use the bot (group -1);
    # either may stop the update
    application.add_handler(TypeHandler(Update, handlers.skip_handled), group=-2)
    application.add_handler(TypeHandler(Update, admin.access_gate), group=-1)
    # 1. commands
    application.add_handler(CommandHandler(["start", "help"], handlers.on_help))
    application.add_handler(CommandHandler("summarize", handlers.on_summarize_command))
    application.add_handler(CommandHandler("topic", subscriptions.on_topic))
    application.add_handler(CommandHandler("subscribe", subscriptions.on_subscribe))
    application.add_handler(CommandHandler("subscriptions", subscriptions.on_subscriptions))
    application.add_handler(CommandHandler("unsubscribe", subscriptions.on_unsubscribe))
    application.add_handler(CommandHandler("digest", subscriptions.on_digest))
    application.add_handler(CommandHandler("timezone", subscriptions.on_timezone))
    application.add_handler(CommandHandler("admin", admin.on_admin))
    for name, handler in admin.ADMIN_HANDLERS.items():
        application.add_handler(CommandHandler(name, handler))
    # 2. buttons under a summary, and the broadcast confirmation
    application.add_handler(CallbackQueryHandler(admin.on_broadcast_button, pattern=r"^broadcast:"))
    application.add_handler(CallbackQueryHandler(handlers.on_button, pattern=r"^(more|facts):"))
    # 3. messages: everything in private chats, only what is addressed to the bot in groups
    application.add_handler(MessageHandler(private & text, handlers.on_text))
    application.add_handler(
        MessageHandler(groups & text & (filters.Entity("mention") | filters.REPLY), handlers.on_group_text)
    )
    # 4. anything else that looks like a command, in private chats
    application.add_handler(MessageHandler(private & filters.COMMAND, handlers.on_unknown_command))
    application.add_error_handler(handlers.on_error)
    return application


class _BootstrapFailures(logging.Filter):
    """PTB logs a start-up failure with its traceback before raising it; run_bot says it in one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Bootstrap" not in record.getMessage()


def _data_dir_problem(settings: Settings) -> str | None:
    """Why the bot could not write its data folder (a bind mount owned by another user, say), or None."""
    folder = settings.database.resolved_data_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            return None
    except OSError as error:
        return (
            f"the data folder {folder} is not writable by user id {os.getuid()} ({error.strerror}): "
            "chown it to that user, or set database.data_dir"
        )


def run_bot(settings: Settings) -> int:
    """Long polling, or the webhook server, until interrupted; returns the process exit status."""
    logging.getLogger("telegram.ext").addFilter(_BootstrapFailures())
    if not settings.telegram.token.get_secret_value():
        print("newsbot: no Telegram token: set TELEGRAM_BOT_TOKEN (or telegram.token in your config)", file=sys.stderr)
        return 2
    problem = _data_dir_problem(settings)
    if problem:
        print(f"newsbot: {problem}", file=sys.stderr)
        return 2
    try:
        application = build_application(settings)
        if settings.bot.mode == "webhook":
            asyncio.run(run_webhook(application, settings))
        else:
            application.run_polling(allowed_updates=ALLOWED_UPDATES)
    except InvalidToken:
        print("newsbot: Telegram refused the token: check TELEGRAM_BOT_TOKEN", file=sys.stderr)
        return 2
    except NetworkError as error:
        print(f"newsbot: cannot reach the Bot API at {settings.telegram.base_url}: {error}", file=sys.stderr)
        return 1
    except TelegramError as error:
        print(f"newsbot: Telegram error: {error}", file=sys.stderr)
        return 1
    except StorageError as error:
        print(f"newsbot: {error}", file=sys.stderr)
        return 1
    return 0
