"""The abstractive backend on a tiny BART built and trained here, loaded exactly as a hub model would be."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any

import pytest

from summarizer.backends import BackendError, create_backend
from summarizer.backends.abstractive import AbstractiveBackend, AttentionPlan, attention_plan, resolve_precision
from summarizer.backends.extractive import ExtractiveBackend
from summarizer.clean import from_html
from summarizer.guard import FaithfulnessGuard, unsupported
from summarizer.sentences import split_sentences
from summarizer.settings import ConfigError, SummarizerConfig, load_settings
from tests.conftest import SEED_ARTICLE
from tests.helpers.tiny_bart import build_tiny_bart

INVENTED = "Germany has 999 soldiers in Iraq."
cuda = pytest.mark.skipif(not __import__("torch").cuda.is_available(), reason="needs a CUDA GPU")


@pytest.fixture(scope="session")
def article() -> str:
    return from_html((SEED_ARTICLE).read_text("utf-8")).text


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory, article: str) -> Path:
    corpus = [*article.splitlines(), INVENTED]
    return build_tiny_bart(tmp_path_factory.mktemp("models") / "tiny-bart", corpus, always_say=INVENTED)


def config(model: Path | str, **changes: Any) -> SummarizerConfig:
    values = {"backend": "abstractive", "model": str(model), "num_beams": 2, "max_new_tokens": 20,
              "min_new_tokens": 0, "batch_size": 4} | changes  # fmt: skip
    return load_settings(None, summarizer=values).summarizer


class GenerateSpy:
    """Records the batch size of every real model.generate call, and calls through."""

    def __init__(self, backend: AbstractiveBackend) -> None:
        self.batches: list[int] = []
        self._generate = backend.model.generate
        backend.model.generate = self  # type: ignore[method-assign]

    def __call__(self, **kwargs: Any) -> Any:
        self.batches.append(int(kwargs["input_ids"].shape[0]))
        return self._generate(**kwargs)


def test_local_folder_loads_like_a_hub_model(tiny_model: Path) -> None:
    backend = create_backend(config(tiny_model))
    assert isinstance(backend, AbstractiveBackend)
    assert backend.device == "cpu" and backend.max_input_tokens == 96


def test_long_articles_are_chunked_at_sentence_boundaries(tiny_model: Path, article: str) -> None:
    backend = AbstractiveBackend(config(tiny_model))
    chunks = backend.chunks(article)
    assert len(chunks) > 1
    assert all(len(backend.tokenizer(c)["input_ids"]) <= backend.max_input_tokens for c in chunks)
    assert " ".join(chunks).split() == " ".join(article.splitlines()).split()  # nothing lost, nothing reordered


def test_map_then_reduce(tiny_model: Path, article: str) -> None:
    backend = AbstractiveBackend(config(tiny_model, guard=False, batch_size=16))
    spy = GenerateSpy(backend)
    summary = backend.summarize(article, 3)
    assert spy.batches[0] == len(backend.chunks(article))  # map: every chunk, in one batch
    assert spy.batches[-1] == 1  # reduce: one final pass
    assert [s.text for s in summary] == [INVENTED]


def test_batched_generation_gives_the_same_summaries_on_the_cpu_in_fp32(tiny_model: Path, article: str) -> None:
    """The CPU fp32 guarantee: a batched summary is the text the article gets alone (padding is masked out).

    Not asserted on a GPU in half precision, where it does not hold (see the module's docstring and
    test_each_batched_summary_is_checked_against_its_own_article, which holds everywhere)."""
    backend = AbstractiveBackend(config(tiny_model, guard=False, batch_size=2))
    texts = [s.text for s in split_sentences(article.splitlines())[:3]]  # each fits one chunk
    spy = GenerateSpy(backend)
    together = backend.summarize_many(texts, 2)
    assert spy.batches == [2, 1]
    one_by_one = [backend.summarize(t, 2) for t in texts]
    assert [[s.text for s in r] for r in together] == [[s.text for s in r] for r in one_by_one]


def test_guard_replaces_a_sentence_with_an_invented_number(tiny_model: Path, article: str) -> None:
    backend = AbstractiveBackend(config(tiny_model, guard=True))
    (sentence,) = backend.summarize(article, 3)
    assert "999" not in sentence.text and sentence.text in article
    assert "130 German soldiers" in sentence.text  # the closest sentence the article really has
    assert backend.last_report is not None
    (generated, _replacement, problems) = backend.last_report.replaced[0]
    assert (generated, problems) == (INVENTED, ["999"])


def test_without_the_guard_the_invention_goes_through(tiny_model: Path, article: str) -> None:
    backend = AbstractiveBackend(config(tiny_model, guard=False))
    assert [s.text for s in backend.summarize(article, 3)] == [INVENTED]


def test_missing_model_falls_back_to_extractive(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        backend = create_backend(config(tmp_path / "no-such-model"))
    assert isinstance(backend, ExtractiveBackend)
    (record,) = [r for r in caplog.records if r.name == "summarizer.backends"]
    assert "folder not found" in record.getMessage() and "extractive" in record.getMessage()


def test_missing_model_without_fallback_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BackendError, match="folder not found") as caught:
        create_backend(config(tmp_path / "no-such-model", fallback=False))
    assert "\n" not in str(caught.value)


def test_a_model_not_pulled_is_one_line_naming_the_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HF_HUB_OFFLINE")  # local-only without the hub's switch too (test_cli checks no connection)
    name = "sshleifer/distilbart-cnn-12-6"
    with pytest.raises(BackendError) as caught:
        create_backend(config(name, fallback=False, cache_dir=str(tmp_path / "empty-cache")))
    assert str(caught.value) == (
        "summariser model 'sshleifer/distilbart-cnn-12-6' is not on this machine: "
        "run `newsbot model pull sshleifer/distilbart-cnn-12-6`"
    )


def test_a_pulled_model_loads_from_the_cache_by_its_hub_id(tiny_model: Path, tmp_path: Path) -> None:
    cache = tmp_path / "hub"
    revision = "0123456789abcdef0123456789abcdef01234567"
    repository = cache / "models--newsbot-tests--tiny-bart"
    shutil.copytree(tiny_model, repository / "snapshots" / revision)  # the layout snapshot_download leaves
    (repository / "refs").mkdir()
    (repository / "refs" / "main").write_text(revision)
    backend = create_backend(config("newsbot-tests/tiny-bart", fallback=False, cache_dir=str(cache)))
    assert isinstance(backend, AbstractiveBackend) and backend.max_input_tokens == 96


@pytest.mark.parametrize(
    ("sentence", "problems"),
    [
        ("Germany has around 130 soldiers in Iraq.", []),
        ("Sweden has seventy soldiers in Iraq.", []),
        ("Germany has 1,300 soldiers in Iraq.", ["1,300"]),
        ("Angela Merkel spoke in Berlin.", ["Angela", "Merkel", "Berlin"]),
        ("The US killed Qassem Soleimani on Friday.", []),
        ("The Taji base lies 30 km north of Baghdad.", []),
    ],
)
def test_guard_rules(sentence: str, problems: list[str], article: str) -> None:
    assert unsupported(sentence, article) == problems


async def test_cli_uses_the_abstractive_backend(tiny_model: Path) -> None:
    from tests.test_cli import run_cli

    code, out, err = await run_cli(
        "summarize", "--json", str(SEED_ARTICLE),
        NEWSBOT_SUMMARIZER__BACKEND="abstractive", NEWSBOT_SUMMARIZER__MODEL=str(tiny_model),
        NEWSBOT_SUMMARIZER__NUM_BEAMS="2", NEWSBOT_SUMMARIZER__MAX_NEW_TOKENS="20",
    )  # fmt: skip
    assert code == 0, err
    import json

    result = json.loads(out)
    assert result["backend"] == "abstractive"
    assert result["summary"] and all("999" not in sentence for sentence in result["summary"])
    assert len(result["facts"]) == 5  # facts come from the article, whatever the summariser


async def test_a_digest_generates_its_stories_together(tiny_model: Path, encoder: Any, server: Any) -> None:
    from summarizer.feeds import FeedSource
    from summarizer.fetch import Fetcher
    from summarizer.pipeline import Pipeline
    from summarizer.topics import TopicFinder
    from tests.helpers.news import Entry, article_page, rss

    headlines = [
        ("Iraq parliament votes to expel foreign troops", "Lawmakers in Baghdad voted to expel foreign troops."),
        ("US troops in Iraq on high alert after airport strike", "American bases raised their alert level."),
        ("Germany pauses training of Iraqi soldiers", "The Bundeswehr paused its training of Iraqi soldiers."),
    ]
    entries = [Entry(title, article_page(server, f"/s{n}.html", f"story-{n}"), teaser)
               for n, (title, teaser) in enumerate(headlines)]  # fmt: skip
    feed = server.page("/feed.xml", rss(entries), "application/rss+xml")
    settings = load_settings(None, fetch={"allow_private_hosts": True},
                             summarizer={"backend": "abstractive", "model": str(tiny_model), "guard": False,
                                         "num_beams": 1, "max_new_tokens": 12, "min_new_tokens": 0,
                                         "batch_size": 64})  # fmt: skip
    async with Fetcher(settings.fetch) as fetcher:
        backend = AbstractiveBackend(settings.summarizer)
        spy = GenerateSpy(backend)
        pipeline = Pipeline(settings, fetcher=fetcher, backend=backend, encoder=encoder)
        finder = TopicFinder(pipeline, [FeedSource(feed)])
        digest = await finder.digest("Iraq troops", limit=3, sentences=1)
    assert len(digest.stories) == 3 and all(story.summary for story in digest.stories)
    per_story = len(backend.chunks(from_html((SEED_ARTICLE).read_text("utf-8")).text))
    assert spy.batches[0] == 3 * per_story  # the map step of all three stories in one generate call


class CountingEncoder:
    """The real sentence encoder, counting its calls and what each was given."""

    def __init__(self, encoder: Any) -> None:
        self._encoder = encoder
        self.calls: list[list[str]] = []

    def encode(self, sentences: list[str]) -> Any:
        self.calls.append(list(sentences))
        return self._encoder.encode(sentences)


def short_articles(article: str, count: int = 3) -> list[str]:
    """``count`` distinct articles of four sentences each, every one within the tiny model's input."""
    sentences = [s.text for s in split_sentences(article.splitlines())]
    return [" ".join(sentences[4 * n : 4 * n + 4]) for n in range(count)]


# --- precision and attention (issue #16) ------------------------------------------------------------------


def _never_asked() -> bool:
    raise AssertionError("bf16 support is a CUDA question")


@pytest.mark.parametrize(
    ("wanted", "device", "bf16_native", "expected"),
    [
        ("auto", "cpu", None, "fp32"),
        ("fp32", "cpu", None, "fp32"),
        ("bf16", "cpu", None, "bf16"),
        ("fp16", "cpu", None, "fp16"),
        ("auto", "cuda", True, "bf16"),
        ("auto", "cuda", False, "fp16"),
        ("bf16", "cuda", True, "bf16"),
        ("fp16", "cuda", True, "fp16"),
        ("fp16", "cuda", False, "fp16"),
        ("fp32", "cuda", True, "fp32"),
        ("fp32", "cuda", False, "fp32"),
    ],
)
def test_precision_resolution(wanted: str, device: str, bf16_native: bool | None, expected: str) -> None:
    answer = _never_asked if bf16_native is None else (lambda: bf16_native)
    assert resolve_precision(wanted, device, answer) == expected


def test_bf16_asked_of_a_gpu_without_it_is_one_line() -> None:
    with pytest.raises(BackendError, match="no native bfloat16") as caught:
        resolve_precision("bf16", "cuda", lambda: False)
    assert "\n" not in str(caught.value)


def test_precision_is_validated_and_quantize_needs_fp32() -> None:
    assert load_settings(None).summarizer.precision == "auto"
    with pytest.raises(ConfigError, match=r"summarizer\.precision"):
        load_settings(None, summarizer={"precision": "fp8"})
    with pytest.raises(ConfigError, match=r"quantize .* needs fp32 weights, not bf16") as caught:
        load_settings(None, summarizer={"quantize": True, "precision": "bf16"})
    assert "\n" not in str(caught.value)
    assert load_settings(None, summarizer={"quantize": True, "precision": "fp32"}).summarizer.quantize


@pytest.mark.parametrize("precision", ["fp32", "bf16", "fp16"])
def test_attention_is_sdpa_without_cudnn_on_cuda_only(precision: str) -> None:
    assert attention_plan("cuda") == AttentionPlan(implementation="sdpa", cudnn_sdpa=False)
    assert attention_plan("cpu") == AttentionPlan(implementation="sdpa", cudnn_sdpa=True)


def test_the_cpu_path_runs_in_fp32_with_sdpa(tiny_model: Path) -> None:
    import torch

    backend = AbstractiveBackend(config(tiny_model, guard=False))
    assert backend.precision == "fp32" and backend.model.config._attn_implementation == "sdpa"
    assert {p.dtype for p in backend.model.parameters()} == {torch.float32}
    ids = backend.tokenizer(["Germany has soldiers in Iraq."], return_tensors="pt")
    with torch.inference_mode():
        assert backend.model(**ids, decoder_input_ids=ids["input_ids"][:, :2]).logits.dtype == torch.float32
    assert torch.backends.cuda.cudnn_sdp_enabled()  # the process-wide switch is for CUDA only


def test_bf16_on_the_cpu_works(tiny_model: Path, article: str, encoder: Any) -> None:
    """Honoured rather than refused: torch computes bf16 on the CPU, and it halves the model's memory."""
    import torch

    backend = AbstractiveBackend(config(tiny_model, precision="bf16"), encoder=encoder)
    assert {p.dtype for p in backend.model.parameters()} == {torch.bfloat16}
    summary = backend.summarize(short_articles(article, 1)[0], 2)
    assert summary and all(not unsupported(s.text, article) for s in summary)


# --- devices (issue #16) ----------------------------------------------------------------------------------


class DeviceSpy:
    """Stands in for model.generate on a model moved to the meta device: records where its inputs are."""

    def __init__(self, backend: AbstractiveBackend) -> None:
        self.devices: list[str] = []
        backend.model.generate = self  # type: ignore[method-assign]

    def __call__(self, **kwargs: Any) -> Any:
        import torch

        self.devices += [str(kwargs["input_ids"].device), str(kwargs["attention_mask"].device)]
        return torch.zeros((1, 1), dtype=torch.long)


def test_generate_tokens_moves_its_inputs_to_the_model(tiny_model: Path) -> None:
    backend = AbstractiveBackend(config(tiny_model, guard=False))
    ids = backend.tokenizer(["Germany has soldiers in Iraq."], return_tensors="pt")  # made on the CPU
    backend.model.to("meta")  # another device than the inputs', without a GPU
    spy = DeviceSpy(backend)
    backend.generate_tokens(ids["input_ids"], ids["attention_mask"])
    assert spy.devices == ["meta", "meta"] == [str(backend.model.device)] * 2


# --- the guard: one encoder batch per article (issue #16) -------------------------------------------------


def test_the_guard_embeds_an_article_once_however_many_sentences_it_replaces(article: str, encoder: Any) -> None:
    counting = CountingEncoder(encoder)
    generated = [INVENTED, "Sweden has 70 soldiers in Iraq.", "Sweden has 1,400 soldiers.", "Angela Merkel spoke."]
    report = FaithfulnessGuard(counting.encode).check(generated, article)
    assert [problems for _, _, problems in report.replaced] == [["999"], ["1,400"], ["Angela", "Merkel"]]
    (call,) = counting.calls
    candidates = [s.text for s in split_sentences(article.splitlines())]
    assert call == [*candidates, INVENTED, "Sweden has 1,400 soldiers.", "Angela Merkel spoke."]
    assert report.sentences[1] == "Sweden has 70 soldiers in Iraq."
    assert "130 German soldiers" in report.sentences[0]  # the same pick as embedding each sentence alone
    assert len(set(report.sentences)) == 4 and all(s in article for s in report.sentences[2:])


def test_a_faithful_summary_is_not_embedded_at_all(article: str, encoder: Any) -> None:
    counting = CountingEncoder(encoder)
    FaithfulnessGuard(counting.encode).check(["Sweden has 70 soldiers in Iraq."], article)
    assert counting.calls == []


def test_each_batched_summary_is_checked_against_its_own_article(tiny_model: Path, article: str, encoder: Any) -> None:
    """What batching guarantees on every device and precision: a summary per article, in order, that the guard
    held to that article alone, with one encoder batch per article."""
    counting = CountingEncoder(encoder)
    backend = AbstractiveBackend(config(tiny_model, batch_size=3), encoder=counting)  # type: ignore[arg-type]
    articles = short_articles(article)
    results = backend.summarize_many(articles, 2)
    assert len(results) == 3 and len(counting.calls) == 3
    for own, result, call in zip(articles, results, counting.calls, strict=True):
        assert result and all(s.text in own and not unsupported(s.text, own) for s in result)
        assert call[-1] == INVENTED and all(sentence in own for sentence in call[:-1])


def test_the_guards_device_copy_of_the_encoder_gives_the_shared_encoders_vectors(encoder: Any) -> None:
    """On a GPU the guard embeds with a copy of the encoder there; here, on the CPU, both must agree."""
    import numpy as np

    sentences = ["Germany has 130 soldiers in Iraq.", "NATO has hundreds of personnel.", "Short."]
    copied = encoder.on("cpu").encode(sentences)
    assert np.allclose(copied, encoder.encode(sentences), atol=1e-5)


# --- on a GPU (the device sessions; skipped without one) --------------------------------------------------


@cuda
def test_on_cuda_inputs_from_the_cpu_and_the_guard_on_the_gpu(tiny_model: Path, article: str, encoder: Any) -> None:
    import torch

    backend = AbstractiveBackend(config(tiny_model, device="cuda"), encoder=encoder)
    expected = "bf16" if torch.cuda.is_bf16_supported(including_emulation=False) else "fp16"
    assert backend.precision == expected and not torch.backends.cuda.cudnn_sdp_enabled()
    assert backend._guard_encoder is not None and backend._guard_encoder.model.device.type == "cuda"
    ids = backend.tokenizer(short_articles(article, 1), return_tensors="pt")
    assert backend.generate_tokens(ids["input_ids"], ids["attention_mask"]).device.type == "cuda"
    results = backend.summarize_many(short_articles(article), 2)  # in bf16/fp16: any valid text, guarded
    for own, result in zip(short_articles(article), results, strict=True):
        assert result and all(not unsupported(s.text, own) for s in result)
