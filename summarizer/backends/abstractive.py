"""Abstractive summaries from any Hugging Face seq2seq summariser (BART, DistilBART, PEGASUS, T5…).

Three steps, as transformers' own pipelines did: preprocess (split the article at sentence boundaries into
chunks that fit the model's input), generate (batched, beam search), postprocess (decode, split into
sentences, and the faithfulness guard). A long article is summarised map-then-reduce: each chunk, then the
joined chunk summaries. Loading never touches the network: the model comes from a local folder or from the
Hugging Face cache that ``newsbot model pull`` fills, and a model that is not there is one clear BackendError line.

What batching guarantees: every article gets a summary of its own, in order, checked by the guard against that
article alone, on every device and precision. On the CPU in fp32 a batched summary is also the same text as that
article summarised alone (padding is masked out; only the order of float sums changes, far below what flips a
token). On a GPU in half precision it need not be: padding changes the kernels' tiling, bf16/fp16 rounding then
differs in the last bits, and at several beams a near-tie can go the other way. Both texts are valid summaries.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import re
import threading
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from summarizer.backends import BackendError, RankedSentence
from summarizer.guard import FaithfulnessGuard, GuardReport
from summarizer.sentences import split_sentences
from summarizer.settings import SummarizerConfig

if TYPE_CHECKING:
    from summarizer.embeddings import SentenceEncoder

logger = logging.getLogger(__name__)

__all__ = ["DEFAULT_MODEL", "AbstractiveBackend", "AttentionPlan", "attention_plan", "resolve_precision"]

DEFAULT_MODEL = "sshleifer/distilbart-cnn-12-6"
MAX_REDUCE_ROUNDS = 4
Precision = Literal["bf16", "fp16", "fp32"]
_DTYPES: dict[str, str] = {"bf16": "bfloat16", "fp16": "float16", "fp32": "float32"}


def resolve_precision(wanted: str, device: str, bf16_supported: Callable[[], bool]) -> Precision:
    """The weights' precision for ``summarizer.precision`` on ``device`` ("cpu" or "cuda").

    "auto": bf16 on a GPU that computes it natively (Ampere and later), else fp16; fp32 on the CPU, where half
    precision saves memory but not time on most processors. bf16 has fp32's range, so checkpoints trained in bf16
    or fp32 (T5, PEGASUS) do not overflow as they can in fp16. An explicit choice is honoured on the CPU too
    (torch computes bf16 and fp16 there); bf16 asked of a GPU without it is one BackendError line, not a slow
    emulation. ``bf16_supported`` is asked only on CUDA.
    """
    if device == "cuda" and wanted in ("auto", "bf16"):
        if bf16_supported():
            return "bf16"
        if wanted == "bf16":
            raise BackendError(
                "summarizer.precision is 'bf16' but this GPU has no native bfloat16: use 'auto' or 'fp16'"
            )
        return "fp16"
    if wanted == "auto":
        return "fp32"
    if wanted not in _DTYPES:
        raise BackendError(f"unknown summarizer.precision {wanted!r}")
    return wanted  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class AttentionPlan:
    """How attention is computed: transformers' ``attn_implementation`` and whether torch may use cuDNN for it."""

    implementation: Literal["sdpa", "eager"]
    cudnn_sdpa: bool


def attention_plan(device: str) -> AttentionPlan:
    """The attention kernels, chosen rather than left to torch's defaults.

    PyTorch's scaled-dot-product attention ("sdpa": one fused kernel, no attention matrix kept) everywhere. On
    CUDA its dispatcher prefers cuDNN's kernel for half precision, and cuDNN builds an execution plan for every new
    attention shape: 55-75 ms per shape, so a first call took 7.7 s and every batch with a new padded length
    (nearly every digest) 2-5 s more, measured on an H100. Without cuDNN the dispatcher takes FlashAttention
    (fp16/bf16) or the memory-efficient kernel (any dtype, and padding masks), which need no planning: the first
    call took 0.83 s. Eager attention (plain matmuls) would avoid planning too, but keeps the whole attention
    matrix of every beam in memory and is slower. In fp32 cuDNN is not used anyway: one plan for every precision.
    """
    return AttentionPlan(implementation="sdpa", cudnn_sdpa=device != "cuda")


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
        self.precision = resolve_precision(
            config.precision, self.device, lambda: torch.cuda.is_bf16_supported(including_emulation=False)
        )
        self.attention = attention_plan(self.device)
        tokenizer, model = loaded if loaded is not None else self._load(self.model_name)
        self.tokenizer, self.model = tokenizer, self._prepare(model)
        limits = [
            getattr(tokenizer, "model_max_length", None),
            getattr(self.model.config, "max_position_embeddings", 1024),
        ]
        self.max_input_tokens = int(min(limit for limit in limits if limit and limit < 1_000_000))
        self._sentence_encoder = encoder  # the pipeline's; loaded here only when the backend is used alone
        # On a GPU the guard embeds with a copy of the encoder there (90 MB): milliseconds instead of a CPU's
        # hundreds. The pipeline's encoder stays on the CPU for the extractive backend and clustering.
        self._guard_encoder: SentenceEncoder | None = None
        self.guard = guard if guard is not None else (FaithfulnessGuard(self._encoder) if config.guard else None)
        if self.guard is not None and guard is None and self.device != "cpu":
            self._guard_encoder = self._cpu_encoder().on(self.device)  # now, not in a user's request
        self._lock = threading.Lock()
        self.last_report: GuardReport | None = None
        logger.info(
            "loaded %s on %s in %s, %s attention (input limit %d tokens)",
            self.model_name, self.device, self.precision, self.attention.implementation, self.max_input_tokens,
        )  # fmt: skip

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
            dtype = getattr(self._torch, _DTYPES[self.precision])
            return self._from_pretrained(name if hub_id else str(local), self.config.cache_dir, dtype)
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
        """Evaluation mode, the attention plan, the precision and device; int8 linear layers on CPU if asked."""
        model.eval()
        self._use_attention(model)
        model = model.to(device=self.device, dtype=getattr(self._torch, _DTYPES[self.precision]))
        if self.device == "cuda":
            return model
        if self.config.quantize:  # the settings refuse quantize with half precision: int8 needs fp32 weights
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
    def _from_pretrained(source: str, cache_dir: Path | None, dtype: Any = None) -> tuple[Any, Any]:
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
        options: dict[str, Any] = {"local_files_only": True, "cache_dir": str(cache_dir) if cache_dir else None}
        tokenizer = AutoTokenizer.from_pretrained(source, **options)
        model = AutoModelForSeq2SeqLM.from_pretrained(source, dtype=dtype, **options)  # no fp32 copy on the way
        return tokenizer, model

    def _use_attention(self, model: Any) -> None:
        """Apply ``self.attention`` (see attention_plan); a model without SDPA support keeps eager attention."""
        if not self.attention.cudnn_sdpa:
            # process-wide, once: every SDPA call in this process (the guard's MiniLM too) skips cuDNN's planning
            self._torch.backends.cuda.enable_cudnn_sdp(False)
        current = getattr(model.config, "_attn_implementation", None)
        if current in (None, self.attention.implementation):
            return
        try:
            model.set_attn_implementation(self.attention.implementation)
        except (ValueError, ImportError) as exc:
            logger.info("%s keeps %s attention: %s", self.model_name, current, _first_line(exc))

    def _cpu_encoder(self) -> SentenceEncoder:
        from summarizer.embeddings import SentenceEncoder

        if self._sentence_encoder is None:
            self._sentence_encoder = SentenceEncoder()
        return self._sentence_encoder

    def _encoder(self, sentences: list[str]) -> Any:
        """The guard's embeddings, on the backend's device (one batch per article: FaithfulnessGuard.check)."""
        if self._guard_encoder is not None:
            return self._guard_encoder.encode(sentences)
        return self._cpu_encoder().encode(sentences)

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
                )
                generated = self.generate_tokens(encoded["input_ids"], encoded["attention_mask"])
                outputs += self.tokenizer.batch_decode(generated, skip_special_tokens=True)
        return [re.sub(r"\s+", " ", text).strip() for text in outputs]

    def generate_tokens(self, input_ids: Any, attention_mask: Any) -> Any:
        """Beam search with the configured settings, on token ids wherever they are (callers hold the lock or own
        the model); the ids come back on the model's device."""
        config = self.config
        device = self.model.device
        with self._torch.inference_mode():
            return self.model.generate(
                input_ids=input_ids.to(device),
                attention_mask=attention_mask.to(device),
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
