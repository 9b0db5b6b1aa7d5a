"""Admin commands: configure the running bot from Telegram. Only the user ids in ``bot.admin_ids`` may.

Every command checks the sender's user id (never the chat: a group with an admin in it is not an admin);
anyone else gets one polite line and the attempt is logged. Every change is written to the audit log, and
no reply ever shows the token or a database password (``masked``).
"""

from __future__ import annotations

import functools
import json
import logging
import secrets
import statistics
import time
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.administration import Sent
from bot.chat import message_of, query_of, sender_id, services
from bot.replies import MAX_MESSAGE, utf16_len, within_limit
from bot.replies import escape_text as escape
from summarizer.settings import ConfigError, masked

logger = logging.getLogger(__name__)


__all__ = [
    "ADMIN_COMMANDS",
    "ADMIN_HANDLERS",
    "access_gate",
    "admin_only",
    "on_access",
    "on_admin",
    "on_allow",
    "on_audit",
    "on_block",
    "on_broadcast",
    "on_broadcast_button",
    "on_config",
    "on_set",
    "on_sources",
    "on_stats",
    "on_unset",
]

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]
REFUSAL = "Sorry, that command is only for this bot's admins."
ADMIN_COMMANDS = {
    "config": "[section] — the effective configuration (secrets hidden)",
    "set": "<key> <value> — change a setting (validated, kept across restarts)",
    "unset": "<key> — back to the file/environment value",
    "sources": "[add|remove URL] — news feeds and search endpoints",
    "stats": "uptime, traffic, cache, latency, queue, users, failing sources",
    "access": "open|allowlist — who may use the bot",
    "allow": "<user id> — let a user in (allowlist mode)",
    "block": "<user id> — stop a user's requests",
    "broadcast": "<text> — message every chat, after a confirmation",
    "audit": "[n] — the last admin actions",
}


def admin_only(handler: Handler) -> Handler:
    @functools.wraps(handler)
    async def checked(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        if user is None or user.id not in services(context).settings.bot.admin_ids:
            if update.callback_query:
                command = f"button {update.callback_query.data}"
            else:
                words = (update.effective_message.text or "").split() if update.effective_message else []
                command = words[0] if words else "?"
            logger.warning(
                "refused %s to user %s in chat %s",
                command,
                user.id if user else None,
                update.effective_chat.id if update.effective_chat else None,
            )
            if update.callback_query:
                await update.callback_query.answer(REFUSAL, show_alert=True)
            elif update.effective_message:
                await message_of(update).reply_text(REFUSAL)
            return
        await handler(update, context)

    return checked


async def access_gate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs before every handler: remembers users and chats, and stops blocked or not-allowed users."""
    user, chat = update.effective_user, update.effective_chat
    service = services(context)
    await service.remember(user.id if user else None, chat.id if chat else None, chat.type if chat else "")
    # A message posted as a channel (or by an anonymous admin) carries Telegram's placeholder user in "from":
    # the channel is the sender that can be allowed or blocked, by its id.
    sender = update.effective_sender
    sender_id_ = sender.id if sender is not None else None
    if sender_id_ is None or service.may_use(sender_id_):
        return
    if update.effective_message and chat and chat.type == "private":
        await message_of(update).reply_text("Sorry, this bot is not open to you. Ask its owner for access.")
    raise ApplicationHandlerStop


@admin_only
async def on_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lines = ["<b>Admin commands</b>", *(f"/{name} {escape(text)}" for name, text in ADMIN_COMMANDS.items())]
    await message_of(update).reply_text("\n".join(lines))


@admin_only
async def on_config(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    data = masked(services(context).settings)
    wanted = context.args[0] if context.args else None
    if wanted and wanted not in data:
        await message_of(update).reply_text(f"No section {escape(wanted)!r}; sections: {', '.join(data)}.")
        return
    overrides = await services(context).administration.overrides()
    lines = []
    for section, values in data.items():
        if wanted and section != wanted:
            continue
        lines.append(f"<b>[{section}]</b>")
        for key, value in values.items():
            name = f"{section}.{key}"
            pending = services(context).pending_setting(name, overrides)
            mark = " <i>(set here)</i>" if name in overrides else ""
            if pending is not None:
                mark = f" <i>(set here: {escape(json.dumps(pending)[:100])} after restart)</i>"
            lines.append(f"<code>{escape(key)} = {escape(json.dumps(value)[:300])}</code>{mark}")
    await message_of(update).reply_text(within_limit(lines))


async def _change(update: Update, context: ContextTypes.DEFAULT_TYPE, key: str, raw: str | None) -> None:
    try:
        effect = await services(context).change_setting(key, raw, sender_id(update))
    except ConfigError as error:
        await message_of(update).reply_text(f"Not changed: {escape(str(error))}")
        return
    shown = "removed the override of" if raw is None else "set"
    await message_of(update).reply_text(f"OK, {shown} <code>{escape(key)}</code> ({effect}).")


@admin_only
async def on_set(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    args = context.args or []
    if len(args) < 2:
        await message_of(update).reply_text("Usage: /set <key> <value>, e.g. /set summarizer.sentences 2")
        return
    await _change(update, context, args[0], " ".join(args[1:]))


@admin_only
async def on_unset(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not context.args:
        await message_of(update).reply_text("Usage: /unset <key>")
        return
    await _change(update, context, context.args[0], None)


@admin_only
async def on_sources(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    service, args = services(context), context.args or []
    news = service.settings.news
    if len(args) == 2 and args[0] in ("add", "remove"):
        url = args[1]
        key = "news.search_urls" if "{query}" in url else "news.feeds"
        current = list(getattr(news, key.split(".")[1]))
        if args[0] == "add" and url not in current:
            current.append(url)
        elif args[0] == "remove" and url in current:
            current.remove(url)
        else:
            await message_of(update).reply_text("Nothing to change." if args[0] == "add" else "No such source.")
            return
        await _change(update, context, key, json.dumps(current))
        return
    failing = service.stats.failing_sources
    lines = [
        "<b>Feeds</b>",
        *(_source_line(u, failing) for u in news.feeds),
        "<b>Searches</b>",
        *(_source_line(u, failing) for u in news.search_urls),
        "/sources add|remove URL",
    ]
    await message_of(update).reply_text(within_limit(lines))


def _source_line(url: str, failing: dict[str, str]) -> str:
    problem = failing.get(url)
    return f"{'⚠️' if problem else '•'} {escape(url)}" + (f" — {escape(problem)}" if problem else "")


@admin_only
async def on_stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    service = services(context)
    stats, counts = service.stats, await service.administration.counts()
    latencies = sorted(stats.latencies_ms)
    p50 = statistics.median(latencies) if latencies else 0.0
    p95 = latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))] if latencies else 0.0
    hours = (time.time() - stats.started) / 3600
    hit_rate = stats.cache_hits / stats.links if stats.links else 0.0
    failing = ", ".join(escape(name) for name in stats.failing_sources) or "none"
    await message_of(update).reply_text(
        f"<b>Stats</b>\nuptime {hours:.1f} h\nlinks {stats.links} (cache hits {hit_rate:.0%}, failures "
        f"{stats.failures})\nlatency p50 {p50 / 1000:.2f} s, p95 {p95 / 1000:.2f} s\nqueue {service.workers.pending}"
        f"\nusers {counts['users']}, chats {counts['chats']}, subscriptions {counts['subscriptions']}"
        f"\nfailing sources: {failing}"
    )


@admin_only
async def on_access(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    mode = (context.args or [""])[0]
    if mode not in ("open", "allowlist"):
        current = services(context).settings.bot.access
        await message_of(update).reply_text(f"Access is {current}. Usage: /access open|allowlist")
        return
    await _change(update, context, "bot.access", mode)


async def _set_access(update: Update, context: ContextTypes.DEFAULT_TYPE, status: str) -> None:
    args = context.args or []
    if len(args) != 1 or not args[0].lstrip("-").isdigit():
        await message_of(update).reply_text(f"Usage: /{status.removesuffix('ed')} <user or channel id>")
        return
    await services(context).set_access(int(args[0]), status, sender_id(update))
    await message_of(update).reply_text(f"User {int(args[0])} is now {status}.")


@admin_only
async def on_allow(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _set_access(update, context, "allowed")


@admin_only
async def on_block(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _set_access(update, context, "blocked")


@admin_only
async def on_broadcast(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    text = (message_of(update).text or "").partition(" ")[2].strip()
    if not text:
        await message_of(update).reply_text("Usage: /broadcast <text>")
        return
    if utf16_len(escape(text)) > MAX_MESSAGE - 100:
        await message_of(update).reply_text("That is too long for one message; shorten it and try again.")
        return
    chats = await services(context).administration.known_chats()
    token = secrets.token_hex(6)
    context.bot_data.setdefault("broadcasts", {})[token] = (sender_id(update), text)  # only its author confirms
    buttons = [
        [
            InlineKeyboardButton(f"Send to {len(chats)} chats", callback_data=f"broadcast:{token}:send"),
            InlineKeyboardButton("Cancel", callback_data=f"broadcast:{token}:cancel"),
        ]
    ]
    preview = escape(text[:2000]) + ("…" if len(text) > 2000 else "")
    await message_of(update).reply_text(
        f"Send this to {len(chats)} chats?\n\n{preview}", reply_markup=InlineKeyboardMarkup(buttons)
    )


@admin_only
async def on_broadcast_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = query_of(update)
    _, token, choice = [*(query.data or "").split(":", 2), "", ""][:3]  # button data is untrusted too
    pending = context.bot_data.get("broadcasts", {})
    author, text = pending.get(token, (None, None))
    if text is None or choice not in ("send", "cancel"):
        await query.answer("That broadcast was already sent or cancelled.", show_alert=True)
        return
    if author != sender_id(update):
        await query.answer("Only the admin who wrote this broadcast can send or cancel it.", show_alert=True)
        return
    del pending[token]
    await query.answer()
    if choice != "send":
        await query.edit_message_text("Broadcast cancelled.")
        return

    async def send(chat_id: int) -> Sent:
        try:
            await context.bot.send_message(chat_id, escape(text))
        except Forbidden:
            return Sent.BLOCKED
        except TelegramError as error:
            logger.warning("broadcast to %s failed: %s", chat_id, error)
            return Sent.FAILED
        return Sent.DELIVERED

    sent = await services(context).administration.broadcast(sender_id(update), text, send)
    await query.edit_message_text(f"Broadcast sent to {sent} chats.")


@admin_only
async def on_audit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    args = context.args or []
    count = int(args[0]) if args and args[0].isdigit() else 10
    entries = await services(context).administration.recent_actions(count)
    if not entries:
        await message_of(update).reply_text("No admin actions yet.")
        return
    lines = [f"{e.at:%Y-%m-%d %H:%M} UTC · {e.user_id} · {escape(e.action)} {escape(e.detail[:200])}" for e in entries]
    await message_of(update).reply_text(within_limit(["<b>Audit</b>", *lines]))


# Every admin command's handler, by command name: bot.app registers them from this table.
ADMIN_HANDLERS: dict[str, Handler] = {
    "config": on_config,
    "set": on_set,
    "unset": on_unset,
    "sources": on_sources,
    "stats": on_stats,
    "access": on_access,
    "allow": on_allow,
    "block": on_block,
    "broadcast": on_broadcast,
    "audit": on_audit,
}
