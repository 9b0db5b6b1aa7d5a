"""A fake Telegram Bot API server on 127.0.0.1, for driving the real PTB Application end to end.

It speaks the Bot API wire format (form fields, JSON-encoded complex values, ``{"ok": ..., "result": ...}``)
for the methods newsbot uses, queues updates for ``getUpdates`` long polling, and records every call.
Tests in the same process use the helper methods; other processes (``newsbot run`` started by hand, the
load benchmark) use the control endpoints ``POST /_control/message`` and ``GET /_control/calls``.

    python -m tests.helpers.fake_telegram --port 8081   # then NEWSBOT_TELEGRAM__BASE_URL=http://127.0.0.1:8081/bot
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "123456:TEST-TOKEN"
BOT_USER = {
    "id": 1000,
    "is_bot": True,
    "first_name": "newsbot",
    "username": "newsbot_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
_JSON_FIELDS = {"reply_markup", "link_preview_options", "reply_parameters", "commands", "entities", "scope",
                "allowed_updates"}  # fmt: skip
MAX_POLL_WAIT_S = 2.0  # getUpdates never holds a request longer than this, whatever the client asks


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def url_entities(text: str) -> list[dict[str, Any]]:
    """The ``url`` entities Telegram would attach to a text (offsets in UTF-16 code units)."""
    return [
        {"type": "url", "offset": _utf16_len(text[: m.start()]), "length": _utf16_len(m.group(0).rstrip(".,)"))}
        for m in _URL.finditer(text)
    ]


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    result: Any = None

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None


class FakeBotAPI:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._changed = asyncio.Condition()
        self._fail: dict[str, list[dict[str, Any]]] = {}
        self.blocked: set[int] = set()
        self._holds: list[tuple[str, str, asyncio.Event]] = []
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- lifecycle ----------------------------------------------------------------------------------

    async def start(self, port: int = 0) -> FakeBotAPI:
        app = web.Application()
        app.router.add_post("/_control/message", self._control_message)
        app.router.add_get("/_control/calls", self._control_calls)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    # --- what a user does -----------------------------------------------------------------------------

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def _push(self, update: dict[str, Any]) -> None:
        update["update_id"] = next(self._update_ids)
        self.updates.append(update)
        asyncio.get_running_loop().create_task(self._notify())

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def send_text(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        chat_type: str = "private",
        reply_to: dict[str, Any] | None = None,
        entities: list[dict[str, Any]] | None = None,
        sender_chat: int | None = None,
    ) -> dict[str, Any]:
        """A user writes ``text``; commands and links get the entities Telegram would give them."""
        chat_id = chat_id if chat_id is not None else user_id
        chat = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = f"user{user_id}"
        else:
            chat["title"] = f"group {chat_id}"
        if entities is None:
            entities = url_entities(text)
            if text.startswith("/"):
                command = text.split()[0]
                entities.insert(0, {"type": "bot_command", "offset": 0, "length": _utf16_len(command)})
            for match in re.finditer(r"@\w+", text):
                entities.append({"type": "mention", "offset": _utf16_len(text[: match.start()]),
                                 "length": _utf16_len(match.group(0))})  # fmt: skip
        message: dict[str, Any] = {
            "message_id": self._next_message_id(chat_id),
            "date": int(time.time()),
            "chat": chat,
            "from": {"id": user_id, "is_bot": False, "first_name": f"user{user_id}"},
            "text": text,
        }
        if sender_chat is not None:  # posted "as a channel": Telegram sends its placeholder user in "from"
            message["sender_chat"] = {"id": sender_chat, "type": "channel", "title": f"channel {sender_chat}"}
            message["from"] = {"id": 136817688, "is_bot": True, "first_name": "Channel", "username": "Channel_Bot"}
        if entities:
            message["entities"] = sorted(entities, key=lambda e: e["offset"])
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        self._push({"message": message})
        return message

    def press(self, user_id: int, message: dict[str, Any], data: str) -> str:
        """A user taps an inline button under one of the bot's messages."""
        query_id = f"q{next(self._update_ids)}"
        self._push({"callback_query": {
            "id": query_id, "chat_instance": "ci", "data": data, "message": message,
            "from": {"id": user_id, "is_bot": False, "first_name": f"user{user_id}"},
        }})  # fmt: skip
        return query_id

    def hold(self, method: str, contains: str) -> asyncio.Event:
        """Leave calls of ``method`` whose text has ``contains`` unanswered until the returned event is set."""
        release = asyncio.Event()
        self._holds.append((method, contains, release))
        return release

    def fail_next(self, method: str, *, retry_after: int = 1, times: int = 1) -> None:
        """Answer the next calls of ``method`` with 429 Too Many Requests."""
        error = {"ok": False, "error_code": 429, "description": f"Too Many Requests: retry after {retry_after}",
                 "parameters": {"retry_after": retry_after}}  # fmt: skip
        self._fail.setdefault(method, []).extend([error] * times)

    def take_updates(self) -> list[dict[str, Any]]:
        """The queued updates, removed: what Telegram POSTs to a webhook instead of answering getUpdates with."""
        taken, self.updates = self.updates, []
        return taken

    # --- what the bot did -----------------------------------------------------------------------------

    def calls_to(self, *methods: str, chat_id: int | None = None) -> list[Call]:
        return [c for c in self.calls if c.method in methods and (chat_id is None or c.chat_id == chat_id)]

    async def wait_for(self, predicate: Callable[[Call], bool], timeout: float = 30.0) -> Call:
        """The first recorded call matching ``predicate``, waiting at most ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        async with self._changed:
            while True:
                for call in self.calls:
                    if predicate(call):
                        return call
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [(c.method, c.text[:80]) for c in self.calls[-10:]]
                    raise TimeoutError(f"no matching Bot API call within {timeout}s; last calls: {seen}")
                try:
                    await asyncio.wait_for(self._changed.wait(), remaining)
                except TimeoutError:
                    continue

    async def wait_for_reply(self, chat_id: int, contains: str, timeout: float = 30.0) -> Call:
        """The message (sent or edited into) that contains ``contains`` in ``chat_id``."""
        return await self.wait_for(
            lambda c: c.method in ("sendMessage", "editMessageText") and c.chat_id == chat_id and contains in c.text,
            timeout,
        )

    # --- the Bot API ----------------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params = await self._params(request)
        if self._fail.get(method):
            return web.json_response(self._fail[method].pop(0), status=429)
        if method.startswith("send") and params.get("chat_id") is not None and int(params["chat_id"]) in self.blocked:
            error = {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
            return web.json_response(error, status=403)
        if method == "getUpdates":
            return web.json_response({"ok": True, "result": await self._get_updates(params)})
        for held_method, contains, release in self._holds:
            if method == held_method and contains in str(params.get("text", "")) and not release.is_set():
                self.calls.append(Call(f"held:{method}", params))  # seen, but not answered until released
                await self._notify()
                await release.wait()
                handler = getattr(self, f"_m_{method}", None)
                return web.json_response({"ok": True, "result": handler(params) if handler else True})
        handler = getattr(self, f"_m_{method}", None)
        call = Call(method, params, result=handler(params) if handler else True)
        self.calls.append(call)
        await self._notify()
        return web.json_response({"ok": True, "result": call.result})

    @staticmethod
    async def _params(request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return dict(await request.json())
        params: dict[str, Any] = dict(await request.post())
        for key, value in list(params.items()):
            if isinstance(value, web.FileField):  # an uploaded file (a photo): keep its bytes
                params[key] = value.file.read()
        for key in _JSON_FIELDS & params.keys():
            params[key] = json.loads(params[key])
        return params

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset", 0) or 0)
        self.updates = [u for u in self.updates if u["update_id"] >= offset]  # acknowledged ones go
        if not self.updates:
            wait = min(float(params.get("timeout", 0) or 0), MAX_POLL_WAIT_S)
            async with self._changed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait_for(lambda: bool(self.updates)), wait)
        return self.updates[: int(params.get("limit", 100) or 100)]

    def _message(self, params: dict[str, Any], message_id: int | None = None) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        message = {
            "message_id": message_id or self._next_message_id(chat_id),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "from": BOT_USER,
            "text": params.get("text", ""),
        }
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        return message

    def _m_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return BOT_USER

    def _m_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._message(params)

    def _m_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._message(params, int(params["message_id"]))

    def _m_setWebhook(self, params: dict[str, Any]) -> bool:
        return True

    def _m_deleteWebhook(self, params: dict[str, Any]) -> bool:
        return True

    def _m_sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._message(params)
        message["photo"] = [{"file_id": "photo1", "file_unique_id": "u1", "width": 770, "height": 400}]
        message["caption"] = params.get("caption", "")
        return message

    # --- control endpoints for bots in other processes --------------------------------------------------

    async def _control_message(self, request: web.Request) -> web.Response:
        body = await request.json()
        message = self.send_text(int(body["user_id"]), body["text"], chat_id=body.get("chat_id"))
        return web.json_response(message)

    async def _control_calls(self, request: web.Request) -> web.Response:
        return web.json_response([{"method": c.method, "params": c.params} for c in self.calls])


async def _serve(port: int) -> None:
    server = await FakeBotAPI().start(port)
    print(f"fake Bot API at {server.base_url} (token {TOKEN})", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Run the fake Bot API server by hand.")
    parser.add_argument("--port", type=int, default=8081)
    asyncio.run(_serve(parser.parse_args().port))
