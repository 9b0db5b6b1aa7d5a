"""Abstractive summaries from any Hugging Face seq2seq summariser (BART, DistilBART, PEGASUS, T5…).

Three steps, as transformers' own pipelines did: preprocess (split the article at sentence boundaries into
chunks that fit the model's input), generate (batched, beam search), postprocess (decode, split into
sentences, and the faithfulness guard). A long article is summarised map-then-reduce: each chunk, then the
joined chunk summaries. Loading never touches the network: the model comes from a local folder or from the
Hugging Face cache that ``newsbot model pull`` fills, and a model that is not there is one clear BackendError line.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import re
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from summarizer.backends import BackendError, RankedSentence
from summarizer.guard import FaithfulnessGuard, GuardReport
from summarizer.sentences import split_sentences
from summarizer.settings import SummarizerConfig

if TYPE_CHECKING:
    from summarizer.embeddings import SentenceEncoder

logger = logging.getLogger(__name__)

__all__ = ["DEFAULT_MODEL", "AbstractiveBackend"]

DEFAULT_MODEL = "sshleifer/distilbart-cnn-12-6"
MAX_REDUCE_ROUNDS = 4


def _not_on_this_machine(name: str) -> str:
    """The one line for a hub model that has not been pulled, naming the command that pulls it."""
    return f"summariser model {name!r} is not on this machine: run `newsbot model pull {name}`"


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _looks_like_path(name: str) -> bool:
    return name.startswith((".", "/", "~")) or os.sep in name.strip("/").split("/", 1)[0] or Path(name).exists()


def _release_freed_memory() -> None:
    """Hand freed heap pages back to the OS (glibc keeps them otherwise); a no-op elsewhere."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _batches(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class AbstractiveBackend:
    name = "abstractive"

    def __init__(
        self,
        config: SummarizerConfig,
        guard: FaithfulnessGuard | None = None,
        *,
        loaded: tuple[Any, Any] | None = None,
        encoder: SentenceEncoder | None = None,
    ) -> None:
        import torch

        self.config = config
        self.model_name = config.model or DEFAULT_MODEL
        self._torch = torch
        self.device = self._device(config.device)
        tokenizer, model = loaded if loaded is not None else self._load(self.model_name)
        self.tokenizer, self.model = tokenizer, self._prepare(model)
        limits = [
            getattr(tokenizer, "model_max_length", None),
            getattr(self.model.config, "max_position_embeddings", 1024),
        ]
        self.max_input_tokens = int(min(limit for limit in limits if limit and limit < 1_000_000))
        self._sentence_encoder = encoder  # the pipeline's; loaded here only when the backend is used alone
        self.guard = guard if guard is not None else (FaithfulnessGuard(self._encoder) if config.guard else None)
        self._lock = threading.Lock()
        self.last_report: GuardReport | None = None
        logger.info("loaded %s on %s (input limit %d tokens)", self.model_name, self.device, self.max_input_tokens)

    # --- loading ------------------------------------------------------------------------------------------

    def _device(self, wanted: str) -> str:
        if wanted == "cuda" and not self._torch.cuda.is_available():
            raise BackendError("summarizer.device is 'cuda' but no CUDA device is available")
        return "cuda" if wanted in ("auto", "cuda") and self._torch.cuda.is_available() else "cpu"

    def _load(self, name: str) -> tuple[Any, Any]:
        """The tokenizer and model from a local folder or the local cache; downloading is `newsbot model pull`'s."""
        local = Path(name).expanduser()
        if _looks_like_path(name) and not local.is_dir():
            raise BackendError(f"summariser model folder not found: {local.resolve()}")
        hub_id = not local.is_dir()
        try:
            return self._from_pretrained(name if hub_id else str(local), self.config.cache_dir)
        except OSError as exc:  # transformers' word for "a file is missing", whether from a folder or the cache
            if hub_id:
                raise BackendError(_not_on_this_machine(name)) from exc
            raise BackendError(f"cannot load summariser model {name!r}: {_first_line(exc)}") from exc
        except ValueError as exc:  # the files are there but describe no seq2seq model transformers knows
            raise BackendError(f"cannot load summariser model {name!r}: {_first_line(exc)}") from exc

    @classmethod
    def from_objects(cls, model: Any, tokenizer: Any, config: SummarizerConfig) -> AbstractiveBackend:
        """A backend around a model already in memory, prepared exactly as a loaded one (benchmarks)."""
        return cls(config, loaded=(tokenizer, model))

    def _prepare(self, model: Any) -> Any:
        """Evaluation mode; fp16 on CUDA; int8 dynamic quantisation of the linear layers on CPU if asked."""
        model.eval()
        if self.device == "cuda":
            return model.half().to("cuda")
        if self.config.quantize:
            torch = self._torch
            # in place: a copy would hold the fp32 and int8 weights at once, raising peak memory by half
            with warnings.catch_warnings():  # torch.ao's int8 path is deprecated in favour of torchao, still supported
                warnings.filterwarnings("ignore", message=".*quantize_per_tensor.*", category=UserWarning)
                quantized = torch.ao.quantization.quantize_dynamic(
                    model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True
                )
            _release_freed_memory()  # the fp32 weights just freed would otherwise stay in the process
            return quantized
        return model

    @staticmethod
    def _from_pretrained(source: str, cache_dir: Path | None) -> tuple[Any, Any]:
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
        options: dict[str, Any] = {"local_files_only": True, "cache_dir": str(cache_dir) if cache_dir else None}
        tokenizer = AutoTokenizer.from_pretrained(source, **options)
        model = AutoModelForSeq2SeqLM.from_pretrained(source, **options)
        return tokenizer, model

    def _encoder(self, sentences: list[str]) -> Any:
        from summarizer.embeddings import SentenceEncoder

        if self._sentence_encoder is None:
            self._sentence_encoder = SentenceEncoder()
        return self._sentence_encoder.encode(sentences)

    # --- preprocess ---------------------------------------------------------------------------------------

    def _tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def chunks(self, text: str) -> list[str]:
        """The article in pieces of whole sentences, each within the model's input limit."""
        budget = self.max_input_tokens - 4  # room for the special tokens
        pieces: list[str] = []
        current: list[str] = []
        used = 0
        for sentence in split_sentences(text.splitlines()):
            size = self._tokens(sentence.text)
            if current and used + size > budget:
                pieces.append(" ".join(current))
                current, used = [], 0
            current.append(sentence.text)  # a sentence longer than the budget alone is truncated by the tokenizer
            used += size
        if current:
            pieces.append(" ".join(current))
        return pieces

    # --- generate -----------------------------------------------------------------------------------------

    def generate(self, texts: list[str]) -> list[str]:
        """One summary per text, generated in batches of ``batch_size``."""
        config = self.config
        outputs: list[str] = []
        with self._lock, self._torch.inference_mode():
            for batch in _batches(texts, config.batch_size):
                encoded = self.tokenizer(
                    batch, return_tensors="pt", padding=True, truncation=True, max_length=self.max_input_tokens
                ).to(self.device)
                generated = self.generate_tokens(encoded["input_ids"], encoded["attention_mask"])
                outputs += self.tokenizer.batch_decode(generated, skip_special_tokens=True)
        return [re.sub(r"\s+", " ", text).strip() for text in outputs]

    def generate_tokens(self, input_ids: Any, attention_mask: Any) -> Any:
        """Beam search with the configured settings, on token ids (callers hold the lock or own the model)."""
        config = self.config
        with self._torch.inference_mode():
            return self.model.generate(
                input_ids=input_ids,
                attention_mask=attention_mask,
                num_beams=config.num_beams,
                max_new_tokens=config.max_new_tokens,
                min_new_tokens=min(config.min_new_tokens, config.max_new_tokens),
                no_repeat_ngram_size=config.no_repeat_ngram_size,
                length_penalty=config.length_penalty,
                early_stopping=True,
            )

    def summary_texts(self, articles: list[str]) -> list[str]:
        """Map then reduce: every chunk of every article in shared batches, then the joined chunk summaries."""
        pieces = [self.chunks(article) or [article] for article in articles]
        for _round in range(MAX_REDUCE_ROUNDS):
            flat = [chunk for chunks in pieces for chunk in chunks]
            done = self.generate(flat)
            regrouped, position = [], 0
            for chunks in pieces:
                regrouped.append(done[position : position + len(chunks)])
                position += len(chunks)
            if all(len(group) == 1 for group in regrouped):
                return [group[0] for group in regrouped]
            pieces = [[group[0]] if len(group) == 1 else self.chunks(" ".join(group)) for group in regrouped]
        return [" ".join(group) for group in pieces]

    # --- postprocess --------------------------------------------------------------------------------------

    def summarize_many(
        self, articles: list[str], count: int, *, titles: list[str | None] | None = None
    ) -> list[list[RankedSentence]]:
        """Several articles at once (digests): one batched generation for all of them (titles are not used)."""
        results = []
        for article, summary in zip(articles, self.summary_texts(articles), strict=True):
            sentences = [s.text for s in split_sentences([summary])][:count]
            if self.guard is not None:
                self.last_report = self.guard.check(sentences, article)
                sentences = self.last_report.sentences
            results.append([RankedSentence(text, None, 1.0 - rank / 100) for rank, text in enumerate(sentences)])
        return results

    def summarize(self, text: str, count: int, *, title: str | None = None) -> list[RankedSentence]:
        return self.summarize_many([text], count)[0]
