"""``newsbot summarize`` and ``newsbot extract``: the pipeline from the command line.

One JSON object per source per line with ``--json``; a failing source gets ``{"source", "error"}`` and the
others go on; the exit status is 2 if any source failed. Never a traceback. Several sources show their progress
on stderr while it is a terminal, and nothing more where it is not.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import shutil
import sys
from typing import Any, TextIO

from summarizer.aggregate import group_facts
from summarizer.backends import BackendError
from summarizer.embeddings import EmbeddingModelError
from summarizer.errors import PipelineError
from summarizer.fetch import Fetcher
from summarizer.pipeline import Pipeline, Result
from summarizer.settings import Settings

logger = logging.getLogger(__name__)

__all__ = ["add_commands", "format_text"]


def add_commands(subparsers: Any, parents: list[argparse.ArgumentParser] | None = None) -> None:
    """Register ``summarize`` and ``extract`` on the top-level parser (``parents``: its shared options)."""
    for name, help_text in (
        ("summarize", "fetch, clean and summarise articles, with key facts"),
        ("extract", "fetch and clean articles only (no model is loaded)"),
    ):
        command = subparsers.add_parser(name, help=help_text, parents=parents or [])
        command.add_argument("sources", nargs="+", metavar="SOURCE", help="http(s) URL, .html/.txt file, or -")
        command.add_argument("--json", action="store_true", help="one JSON object per source per line")
        if name == "summarize":
            command.add_argument(
                "--sentences", type=_sentence_count, metavar="N", help="sentences in the summary (1-20)"
            )
        command.set_defaults(handler=_run_summarize if name == "summarize" else _run_extract)


def _sentence_count(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a number") from None
    if not 1 <= value <= 20:
        raise argparse.ArgumentTypeError("must be between 1 and 20")
    return value


def format_text(result: Result) -> str:
    """A readable report: title, source line, summary bullets, key-facts table."""
    article = result.article
    lines = [article.title or "(untitled)"]
    meta = " · ".join(part for part in (article.site, article.published, article.url) if part)
    if meta:
        lines.append(meta)
    if result.summary:
        lines += ["", "Summary"] + [f"  • {sentence}" for sentence in result.summary]
    groups = group_facts(result.facts)
    if groups:
        width = max(len(_owner(g.who, g.country_code)) for g in groups)
        lines += ["", "Key facts"]
        for group in groups:
            lines.append(f"  {_owner(group.who, group.country_code):<{width}}  {group.line()}")
            for evidence in dict.fromkeys(fact.evidence for fact in group.facts):
                lines.append(f"  {'':<{width}}    “{evidence}”")
    elif article.language not in (None, "en") and result.backend:
        lines += ["", "Key facts are only extracted from English articles for now."]
    return "\n".join(lines)


def _owner(who: str | None, code: str | None) -> str:
    if who is None:
        return "(unattributed)"
    return f"{who} ({code})" if code else who


def _emit(result: Result | None, source: str, error: str | None, as_json: bool, with_summary: bool) -> None:
    if error is not None:
        print(f"newsbot: {source}: {error}", file=sys.stderr)
        if as_json:
            print(json.dumps({"source": source, "error": error}, ensure_ascii=False), flush=True)
        return
    assert result is not None
    if as_json:
        print(json.dumps(result.to_dict(with_summary=with_summary), ensure_ascii=False), flush=True)
    else:
        print(format_text(result) + "\n", flush=True)


class _Progress:
    """One stderr line that counts sources as they finish, "[2/5] summarised SOURCE", cleared before the results
    print. Silent for a single source and when stderr is not a terminal (a pipe, a file, CI)."""

    def __init__(self, total: int, with_summary: bool, stream: TextIO) -> None:
        self.total, self.done, self.stream = total, 0, stream
        self.doing, self.did = ("summarising", "summarised") if with_summary else ("reading", "read")
        self.shown = total > 1 and stream.isatty()
        self._show(f"[0/{total}] {self.doing} {total} sources…")

    def finished(self, source: str) -> None:
        self.done += 1
        self._show(f"[{self.done}/{self.total}] {self.did} {source}")

    def clear(self) -> None:
        self._show("")

    def _show(self, line: str) -> None:
        if not self.shown:
            return
        width = _columns(self.stream) - 1  # a line that wraps cannot be cleared with \r
        if len(line) > width:
            line = line[: width - 1] + "…"
        self.stream.write(f"\r\033[K{line}")
        self.stream.flush()


def _columns(stream: TextIO) -> int:
    """The width of the terminal ``stream`` writes to (stdout may be a pipe while stderr is the terminal)."""
    try:
        columns = os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError):  # no descriptor of its own
        columns = 0
    return max(columns or shutil.get_terminal_size().columns, 20)  # unknown (0): $COLUMNS, else 80


async def _process(settings: Settings, args: argparse.Namespace, with_summary: bool) -> int:
    """Every source at once, printed in the order given. The models load once the first article is in hand,
    while the rest are fetched; a run whose sources all fail never waits for them."""
    progress = _Progress(len(args.sources), with_summary, sys.stderr)
    async with Fetcher(settings.fetch) as fetcher:
        pipeline = Pipeline(settings, fetcher=fetcher, one_shot=True)

        async def run(source: str) -> Result:
            try:
                if with_summary:  # the command line may read files: the user owns the machine
                    return await pipeline.summarize(source, sentences=args.sentences, local_files=True)
                return await pipeline.read(source, local_files=True)
            finally:
                progress.finished(source)

        outcomes = await asyncio.gather(*(run(source) for source in args.sources), return_exceptions=True)
    progress.clear()
    failures = 0
    for source, outcome in zip(args.sources, outcomes, strict=True):
        error = _describe_failure(outcome) if isinstance(outcome, BaseException) else None
        failures += error is not None
        _emit(None if error else outcome, source, error, args.json, with_summary)  # type: ignore[arg-type]
    return 2 if failures else 0


def _describe_failure(exc: BaseException) -> str:
    if isinstance(exc, PipelineError):
        return exc.message
    if isinstance(exc, BackendError | EmbeddingModelError):
        logger.debug("summariser failed to load", exc_info=exc)
        return f"summariser unavailable: {exc}"
    logger.error("unexpected failure", exc_info=exc)
    return f"unexpected error ({type(exc).__name__})"


def _run_summarize(settings: Settings, args: argparse.Namespace) -> int:
    return asyncio.run(_process(settings, args, with_summary=True))


def _run_extract(settings: Settings, args: argparse.Namespace) -> int:
    return asyncio.run(_process(settings, args, with_summary=False))
