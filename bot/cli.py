"""The ``newsbot`` command: ``run`` starts the bot; ``summarize`` and ``extract`` run the pipeline."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from summarizer import __version__
from summarizer import cli as pipeline_cli
from summarizer.settings import ConfigError, Settings, load_settings, redact

logger = logging.getLogger(__name__)

__all__ = ["main"]


def _quiet_libraries() -> None:
    """Model libraries talk a lot on stderr; a CLI user wants the answer."""
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("PTB_TIMEDELTA", "1")  # opt in to PTB's timedelta durations, silencing its warning
    for name in ("httpx", "transformers", "trafilatura", "htmldate", "filelock", "huggingface_hub"):
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
    options.add_argument("-v", "--verbose", action="count", default=0 if default is None else default,
                         help="more logging (-vv for debug)")  # fmt: skip
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
        "run", help="run the Telegram bot (long polling)", parents=[_common_options(argparse.SUPPRESS)]
    )
    run.set_defaults(handler=_run_bot)
    health = subparsers.add_parser(
        "health", help="exit 0 if a running bot is alive (for container health checks)",
        parents=[_common_options(argparse.SUPPRESS)],
    )  # fmt: skip
    health.set_defaults(handler=_health)
    return parser


def _run_bot(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import run_bot

    return run_bot(settings)


def _health(settings: Settings, args: argparse.Namespace) -> int:
    from bot.health import check

    healthy, line = check(settings)
    print(line if healthy else f"newsbot: {line}", file=sys.stdout if healthy else sys.stderr)
    return 0 if healthy else 1


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    quiet = logging.INFO if args.command == "run" else logging.WARNING  # a daemon says what it does
    level = (quiet, logging.INFO, logging.DEBUG)[min(args.verbose, 2)]
    logging.basicConfig(level=level, format=LOG_FORMAT)
    _quiet_libraries()
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
