"""An article's cost is bounded whatever its length, and what is not an article is refused in one line."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bot.workers import JobTimeout, ModelWorkers
from summarizer.backends.extractive import MAX_CANDIDATES, ExtractiveBackend
from summarizer.clean import MAX_ARTICLE_CHARS, from_text
from summarizer.encoding import looks_binary
from summarizer.errors import PipelineError
from summarizer.inputs import load_document

EXECUTABLE = Path("/bin/ls").read_bytes()[:50_000]


def long_article(sentences: int) -> str:
    """Distinct, ordinary news sentences, a paragraph of five at a time."""
    lines = [f"Officials in district {n} said {n * 7} families had received aid by the end of week {n % 52}."
             for n in range(sentences)]  # fmt: skip
    return "\n".join(" ".join(lines[i : i + 5]) for i in range(0, sentences, 5))


class CountingEncoder:
    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.encoded = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        self.encoded += len(texts)
        return np.asarray(self.inner.encode(texts))


def test_the_model_sees_a_bounded_number_of_sentences(encoder: Any) -> None:
    counting = CountingEncoder(encoder)
    backend = ExtractiveBackend(encoder=counting)  # type: ignore[arg-type]
    summary = backend.summarize(long_article(2000), 3, title="Aid reaches districts")
    assert len(summary) == 3
    assert counting.encoded <= MAX_CANDIDATES + 1  # the candidates and the title, not 2,000 sentences


def test_a_huge_text_is_cut_at_a_paragraph() -> None:
    text = long_article(30_000)  # about 2.5 MB
    assert len(text) > 20 * MAX_ARTICLE_CHARS
    article = from_text(text)
    assert MAX_ARTICLE_CHARS / 2 < len(article.text) <= MAX_ARTICLE_CHARS
    assert article.text.endswith(".")  # whole paragraphs only


async def test_a_job_past_its_time_limit_is_given_up_but_still_counted() -> None:
    workers = ModelWorkers(1, 0, job_timeout_s=0.2)
    release = threading.Event()
    with pytest.raises(JobTimeout):
        await workers.run(release.wait, 10)
    assert workers.pending == 1  # the thread is still busy with it: no new job may pretend there is room
    release.set()
    for _ in range(100):
        if workers.pending == 0:
            break
        await asyncio.sleep(0.02)
    assert workers.pending == 0
    assert await workers.run(sum, [1, 2]) == 3
    workers.shutdown()


@pytest.mark.parametrize("name", ["ls", "image.png", "archive.txt"])
async def test_binary_files_are_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(EXECUTABLE if name == "ls" else b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50)
    with pytest.raises(PipelineError) as refused:
        await load_document(str(path), None, local_files=True)
    assert str(refused.value) == "Not a text or HTML file."


def test_text_in_any_encoding_is_not_binary() -> None:
    for text in ("Plain news text.\n", "Ünïcödé: “quotes” — and emoji 🙂\n"):
        for codec in ("utf-8", "utf-16", "cp1252" if text.isascii() else "utf-8"):
            assert not looks_binary(text.encode(codec) * 100), codec


async def test_the_time_limit_counts_from_when_a_worker_takes_the_job() -> None:
    workers = ModelWorkers(1, 4, job_timeout_s=0.5)
    first = asyncio.create_task(workers.run(time.sleep, 0.4))
    second = asyncio.create_task(workers.run(time.sleep, 0.3))  # queued 0.4 s, then runs 0.3 s: within its limit
    await asyncio.gather(first, second)
    workers.shutdown()
