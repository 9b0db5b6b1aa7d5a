"""The bot's web server: Telegram's webhook, ``/healthz`` and ``/metrics``, on aiohttp.

PTB's custom-webhook pattern (its ``customwebhookbot`` examples): the Application is built without an Updater,
this server checks each POST and puts the update on ``application.update_queue``, and the Application handles
it as if polling had fetched it. Nothing here is shared between processes, so any number of replicas can stand
behind one URL. In polling mode the same server, without the webhook route, serves ``/metrics`` and
``/healthz`` when ``bot.metrics_port`` is set.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import signal

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.chat import ALLOWED_UPDATES
from bot.metrics import CONTENT_TYPE, Metrics, render
from bot.services import Services
from summarizer.settings import Settings

logger = logging.getLogger(__name__)

__all__ = ["MAX_UPDATE_BYTES", "SECRET_HEADER", "BotServer", "WebhookBot", "run_webhook"]

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1 << 20  # an update is a few kilobytes; a long message with entities stays far below this


def _same(given: str, expected: str) -> bool:
    """Constant-time comparison, for any header text (hmac.compare_digest takes only ASCII str)."""
    return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), expected.encode("utf-8"))


class BotServer:
    """The aiohttp server; with ``webhook=True`` it also takes Telegram's updates on ``bot.webhook_path``."""

    def __init__(self, application: Application, settings: Settings, *, webhook: bool) -> None:
        self.application = application
        self.settings = settings
        self.webhook = webhook
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def metrics(self) -> Metrics:
        metrics: Metrics = self.application.bot_data["metrics"]
        return metrics

    def web_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_UPDATE_BYTES)
        app.router.add_get("/healthz", self._health)
        app.router.add_get("/metrics", self._metrics)
        if self.webhook:
            app.router.add_post(self.settings.bot.webhook_path, self._update)
        return app

    async def start(self, port: int) -> None:
        self._runner = web.AppRunner(self.web_app(), access_log=None, shutdown_timeout=10.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.settings.bot.listen, port).start()
        self.port = self._runner.addresses[0][1]
        logger.info("listening on %s:%d", self.settings.bot.listen, self.port)

    async def close(self) -> None:
        """Stop accepting, let the requests in progress finish (their updates are queued by then), close."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _answer(self, status: int) -> web.Response:
        self.metrics.webhook_requests[status] += 1
        return web.Response(status=status)

    async def _update(self, request: web.Request) -> web.Response:
        """One update from Telegram: checked, queued, answered at once (the handlers run after)."""
        if not _same(request.headers.get(SECRET_HEADER, ""), self.settings.bot.webhook_secret.get_secret_value()):
            logger.warning("webhook: refused a request without the right secret from %s", request.remote)
            return self._answer(403)  # the body is neither read nor logged
        if request.content_length is not None and request.content_length > MAX_UPDATE_BYTES:
            return self._answer(413)
        try:
            data = await request.json()
            update = Update.de_json(data, self.application.bot)
        except web.HTTPRequestEntityTooLarge:  # a chunked body, without a length, that grew past the limit
            return self._answer(413)
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            logger.warning("webhook: an update that does not parse (%s)", type(error).__name__)
            return self._answer(400)
        if update is None:
            return self._answer(400)
        await self.application.update_queue.put(update)
        return self._answer(200)

    async def _health(self, request: web.Request) -> web.Response:
        running = self.application.running
        body = {
            "ok": running,
            "mode": self.settings.bot.mode,
            "pending_updates": self.application.update_queue.qsize(),
        }
        return web.json_response(body, status=200 if running else 503, dumps=json.dumps)

    async def _metrics(self, request: web.Request) -> web.Response:
        services: Services = self.application.bot_data["services"]
        text = render(self.metrics, services, pending_updates=self.application.update_queue.qsize())
        return web.Response(body=text.encode("utf-8"), headers={"Content-Type": CONTENT_TYPE})


class WebhookBot:
    """The Application in webhook mode: ``start`` and ``stop`` are what ``run_polling`` does for polling."""

    def __init__(self, application: Application, settings: Settings) -> None:
        self.application = application
        self.settings = settings
        self.server = BotServer(application, settings, webhook=True)

    async def start(self) -> None:
        application, bot = self.application, self.settings.bot
        await application.initialize()
        if application.post_init:
            await application.post_init(application)
        # Every replica registers the same URL; none deletes it when it stops, or the others would go deaf.
        await application.bot.set_webhook(
            url=bot.webhook_url,
            secret_token=bot.webhook_secret.get_secret_value(),
            allowed_updates=ALLOWED_UPDATES,
        )
        await application.start()
        await self.server.start(bot.webhook_port)

    async def stop(self) -> None:
        """Stop taking updates, handle every one already queued, then close the services."""
        await self.server.close()
        application = self.application
        if application.running:
            await application.stop()  # processes what is on the update queue first
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)


async def run_webhook(application: Application, settings: Settings) -> None:
    """Serve until SIGTERM or SIGINT, then shut down gracefully."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    bot = WebhookBot(application, settings)
    try:
        await bot.start()
        logger.info("webhook mode: Telegram calls %s", settings.bot.webhook_url)
        await stopping.wait()
        logger.info("stopping: finishing the updates already received")
    finally:
        await bot.stop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(ValueError, RuntimeError):
                loop.remove_signal_handler(signum)
