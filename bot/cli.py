"""The ``newsbot`` command: ``run`` starts the bot; ``worker`` takes the bots' model jobs from the queue (a larger
deployment); ``summarize`` and ``extract`` run the pipeline; ``model pull`` downloads an abstractive model, the one
thing that reaches the model hub (the bot itself only reads the cache)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from summarizer import __version__
from summarizer import cli as pipeline_cli
from summarizer.settings import ConfigError, Settings, load_settings, redact

logger = logging.getLogger(__name__)

__all__ = ["main"]


# What `model pull` downloads: the config and tokenizer files, and the PyTorch weights as safetensors; an older
# repository without safetensors gets its pytorch_model*.bin instead. TF, Flax, ONNX and Rust copies are skipped.
MODEL_FILES = ["*.json", "*.txt", "*.model", "*.safetensors"]
LEGACY_WEIGHTS = ["pytorch_model*.bin"]


NOISY_LOGGERS = ("httpx", "transformers", "trafilatura", "htmldate", "filelock", "huggingface_hub", "alembic", "taskiq")


def _quiet_libraries(progress_bars: bool = False) -> None:
    """Model libraries talk a lot on stderr; a CLI user wants the answer (and a download's progress).

    huggingface_hub (2.x) also asks the hub for a list to fill in its user agent, on local-only loads too; with
    telemetry off it reaches the network only when `model pull` asks it for files."""
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    if not progress_bars:
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("PTB_TIMEDELTA", "1")  # opt in to PTB's timedelta durations, silencing its warning
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _Redacting(logging.Formatter):
    """Secrets never reach a log line, whoever logs them: PTB logs its Bot API URL (token included) at -vv, and
    an HTTP error's traceback quotes the URL it failed on. The finished line is redacted, tracebacks too."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(LOG_FORMAT)
        self.settings = settings

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self.settings)


def _common_options(default: object) -> argparse.ArgumentParser:
    """--config and -v, accepted before or after the command (``newsbot summarize X --config F``)."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--config", metavar="PATH", default=default, help="your TOML file (else $NEWSBOT_CONFIG)")
    options.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0 if default is None else default,
        help="more logging (-vv for debug)",
    )
    return options


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsbot", description="Summarise news with a model on your own machine.", parents=[_common_options(None)]
    )
    parser.add_argument("--version", action="version", version=f"newsbot {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True)
    # after the command, absent options must not overwrite what was given before it
    pipeline_cli.add_commands(subparsers, parents=[_common_options(argparse.SUPPRESS)])
    run = subparsers.add_parser(
        "run",
        help="run the Telegram bot (long polling, or a webhook server: bot.mode)",
        parents=[_common_options(argparse.SUPPRESS)],
    )
    run.set_defaults(handler=_run_bot)
    worker = subparsers.add_parser(
        "worker",
        help="run model jobs for the bots (queue.url): start any number, on any machine",
        parents=[_common_options(argparse.SUPPRESS)],
    )
    worker.set_defaults(handler=_run_worker)
    health = subparsers.add_parser(
        "health",
        help="exit 0 if a running bot is alive (for container health checks)",
        parents=[_common_options(argparse.SUPPRESS)],
    )
    health.set_defaults(handler=_health)
    _add_model_commands(subparsers, parents=[_common_options(argparse.SUPPRESS)])
    return parser


def _add_model_commands(subparsers: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    model = subparsers.add_parser("model", help="the abstractive summariser's model", parents=parents)
    actions = model.add_subparsers(dest="action", required=True)
    pull = actions.add_parser(
        "pull", help="download a model from the Hugging Face hub (the bot never downloads)", parents=parents
    )
    pull.add_argument(
        "name", nargs="?", metavar="NAME", help="hub id, e.g. facebook/bart-large-cnn (default: summarizer.model)"
    )
    pull.set_defaults(handler=_pull_model)


def _run_bot(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import run_bot

    return run_bot(settings)


def _run_worker(settings: Settings, args: argparse.Namespace) -> int:
    """Until SIGTERM or SIGINT, after which it takes no new job and finishes those in hand (a second signal stops
    it at once: those jobs are lost, and their users told so by their bots)."""
    import asyncio
    import signal

    from bot.model_queue import serve

    if not settings.queue.url.get_secret_value():
        print("newsbot: the worker needs queue.url (e.g. NEWSBOT_QUEUE__URL=redis://localhost:6379/0)", file=sys.stderr)
        return 2

    async def until_stopped() -> None:
        stopping = asyncio.Event()
        serving = asyncio.ensure_future(serve(settings, stop=stopping))

        def on_signal() -> None:
            if stopping.is_set():
                serving.cancel()
            else:
                logger.info("finishing the jobs in hand; signal again to stop at once")
                stopping.set()

        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, on_signal)
        try:
            await serving
        except asyncio.CancelledError:
            logger.info("worker stopped")

    from redis.exceptions import ConnectionError as RedisUnreachable

    try:
        asyncio.run(until_stopped())
    except (RedisUnreachable, OSError) as error:
        print(f"newsbot: the worker cannot reach the queue: {str(error).splitlines()[0]}", file=sys.stderr)
        return 2
    return 0


def _health(settings: Settings, args: argparse.Namespace) -> int:
    from bot.health import check

    healthy, line = check(settings)
    print(line if healthy else f"newsbot: {line}", file=sys.stdout if healthy else sys.stderr)
    return 0 if healthy else 1


def _pull_model(settings: Settings, args: argparse.Namespace) -> int:
    from summarizer.backends.abstractive import DEFAULT_MODEL

    name = args.name or settings.summarizer.model or DEFAULT_MODEL
    if settings.summarizer.offline:
        print(
            f"newsbot: cannot pull {name}: downloads are off (summarizer.offline, or HF_HUB_OFFLINE=1)", file=sys.stderr
        )
        return 2
    try:
        folder = _download(name, settings.summarizer.cache_dir)
    except (OSError, ValueError) as exc:  # every huggingface_hub error is one of these (HTTP, offline, bad id)
        logger.debug("pulling %s failed", name, exc_info=exc)
        print(f"newsbot: cannot pull {name}: {_why_pull_failed(exc)}", file=sys.stderr)
        return 2
    print(f"{name} is ready in {folder}")
    return 0


def _why_pull_failed(error: Exception) -> str:
    """The first line of the hub's explanation; "no connection" said in plain words."""
    from huggingface_hub.errors import LocalEntryNotFoundError

    first = (str(error).strip().splitlines() or [type(error).__name__])[0]
    if isinstance(error, LocalEntryNotFoundError):  # the hub could not be reached, and nothing was cached before
        return f"the Hugging Face hub cannot be reached ({first.removeprefix('Got: ')})"
    return first


def _download(name: str, cache_dir: Path | None) -> Path:
    """The model's snapshot folder in the cache, with one copy of its PyTorch weights; OSError if there are none."""
    from huggingface_hub import snapshot_download

    folder = Path(snapshot_download(name, cache_dir=cache_dir, allow_patterns=MODEL_FILES))
    if not any(folder.glob("*.safetensors")):
        folder = Path(snapshot_download(name, cache_dir=cache_dir, allow_patterns=LEGACY_WEIGHTS))
    if not any(folder.glob("*.safetensors")) and not any(folder.glob("pytorch_model*.bin")):
        raise OSError("the repository has no PyTorch weights (model.safetensors or pytorch_model.bin)")
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    quiet = logging.INFO if args.command in ("run", "worker") else logging.WARNING  # a daemon says what it does
    level = (quiet, logging.INFO, logging.DEBUG)[min(args.verbose, 2)]
    logging.basicConfig(level=level, format=LOG_FORMAT)
    _quiet_libraries(progress_bars=args.command == "model")
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        print(f"newsbot: {exc}", file=sys.stderr)
        return 2
    for handler in logging.getLogger().handlers:
        handler.setFormatter(_Redacting(settings))
    try:
        return int(args.handler(settings, args))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
