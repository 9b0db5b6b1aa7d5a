"""Generation cost: a randomly initialised model of distilbart-cnn-12-6's size, no download.

    python bench/generate.py [--beams 4 2 1] [--repeats 2]            # the CPU cost table (below)
    python bench/generate.py --device cuda [--paths baseline ours cudnn]  # the serving table (issue #16)
    python bench/generate.py --device cpu --layers 2 --vocab 8000 --tokens 300 --batch 4 --new-tokens 12

The serving table (``--device``): texts in, summaries out, through AbstractiveBackend exactly as configured
(its precision and attention choices, the guard on) against plain fp32 ``model.generate`` (tokenize → generate →
decode) on the same device, with a 50,264-token byte-level BPE tokenizer trained here (on tests/data's reporting
plus seeded made-up words, to reach distilbart's vocabulary size). Per row: the first call at that shape, the
warm call (median of 5) and articles per second. Rows: one article of 989 tokens at 4 beams, then a batch of 16
(318-987 tokens) at 4 beams and at 1. ``cudnn`` adds the path as it was before issue #16 (fp16, cuDNN attention
allowed). Each path runs in its own process. On CUDA it ends with the issue's two targets, met or not.

The CPU cost table (no ``--device``):

1,024 input tokens → 60 new tokens (forced: min = max = 60), for
- baseline: plain transformers with the model's own generation settings, fp32, as the summarization pipeline
  ran it (transformers < 5: the pipeline itself; transformers 5 deleted it, so its documented replacement,
  tokenize → model.generate → decode, with the same settings), and
- ours: AbstractiveBackend's configured CPU path (int8 dynamic quantisation of the linear layers,
  inference mode), at the same beam count and output length.
Each path runs in its own process, so its peak memory is its own. Ratios are against the baseline at the
same beam count, measured in this run.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

INPUT_TOKENS = 1024
NEW_TOKENS = 60
# distilbart-cnn-12-6 (config.json and generation defaults), written here so nothing is downloaded
DISTILBART = {
    "vocab_size": 50264, "d_model": 1024, "encoder_layers": 12, "decoder_layers": 6,
    "encoder_attention_heads": 16, "decoder_attention_heads": 16, "encoder_ffn_dim": 4096,
    "decoder_ffn_dim": 4096, "max_position_embeddings": 1024, "activation_function": "gelu",
    "pad_token_id": 1, "bos_token_id": 0, "eos_token_id": 2, "decoder_start_token_id": 2,
    "forced_bos_token_id": 0, "forced_eos_token_id": 2,
}  # fmt: skip
GENERATION = {"length_penalty": 2.0, "no_repeat_ngram_size": 3, "early_stopping": True}


def build_model():  # type: ignore[no-untyped-def]
    import torch
    from transformers import BartConfig, BartForConditionalGeneration

    torch.manual_seed(0)
    return BartForConditionalGeneration(BartConfig(**DISTILBART)).eval()


def inputs():  # type: ignore[no-untyped-def]
    import torch

    generator = torch.Generator().manual_seed(1)
    ids = torch.randint(3, DISTILBART["vocab_size"], (1, INPUT_TOKENS), generator=generator)
    ids[0, 0], ids[0, -1] = DISTILBART["bos_token_id"], DISTILBART["eos_token_id"]
    return ids, torch.ones_like(ids)


def build_tokenizer(folder: Path, vocab: int) -> Path:
    """A byte-level BPE of ``vocab`` tokens (specials at BART's ids), trained on local text; saved to ``folder``."""
    import random

    from tokenizers import ByteLevelBPETokenizer
    from tokenizers.processors import RobertaProcessing
    from transformers import PreTrainedTokenizerFast

    rng = random.Random(0)
    syllables = [a + b for a in "bcdfghjklmnprstvwz" for b in "aeiou"] + ["str", "ng", "th", "ch", "sh", "qu"]
    made_up = [" ".join("".join(rng.choice(syllables) for _ in range(rng.randint(2, 5))) for _ in range(100))
               for _ in range(3000)]  # fmt: skip
    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]  # ids 0-4, as BART's
    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator([*news_texts(), *made_up], vocab_size=vocab, min_frequency=1, special_tokens=specials,
                            show_progress=False)  # fmt: skip
    bpe.post_processor = RobertaProcessing(("</s>", bpe.token_to_id("</s>")), ("<s>", bpe.token_to_id("<s>")))
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=bpe._tokenizer, bos_token="<s>", eos_token="</s>",
                                        pad_token="<pad>", unk_token="<unk>", mask_token="<mask>",
                                        model_max_length=DISTILBART["max_position_embeddings"])  # fmt: skip
    tokenizer.save_pretrained(folder)
    return folder


def news_texts() -> list[str]:
    return [path.read_text("utf-8", errors="replace") for path in sorted((ROOT / "tests" / "data").rglob("*.txt"))]


def texts_of(tokenizer, lengths: list[int]) -> list[str]:  # type: ignore[no-untyped-def]
    """Distinct stretches of real reporting, each ``length`` tokens long (with <s> and </s>)."""
    stream = tokenizer(" ".join(" ".join(news_texts()).split()), add_special_tokens=False, verbose=False)["input_ids"]
    texts, start = [], 0
    for length in lengths:
        texts.append(tokenizer.decode(stream[start : start + length - 2]).strip())
        start = (start + 7919) % max(1, len(stream) - max(lengths))  # a prime stride: different articles
    return texts


def serving_model(vocab: int, layers: int | None):  # type: ignore[no-untyped-def]
    import torch
    from transformers import BartConfig, BartForConditionalGeneration

    torch.manual_seed(0)
    sizes = {"vocab_size": vocab}
    if layers:
        sizes |= {"encoder_layers": layers, "decoder_layers": max(1, layers // 2)}
    return BartForConditionalGeneration(BartConfig(**(DISTILBART | sizes))).eval()


def serving_worker(path: str, spec: dict) -> None:  # type: ignore[type-arg]
    """One path's rows: first call, warm median, articles/s; printed as one JSON line."""
    import statistics

    import torch
    from transformers import AutoTokenizer

    device, new = spec["device"], spec["new_tokens"]
    tokenizer = AutoTokenizer.from_pretrained(spec["tokenizer"], local_files_only=True)
    started = time.perf_counter()
    model = serving_model(len(tokenizer), spec["layers"])
    if path == "baseline":
        model = model.to(device)
        kind = "model.generate, fp32"

        def run(texts: list[str], beams: int) -> None:
            encoded = tokenizer(texts, return_tensors="pt", padding=True, truncation=True).to(device)
            with torch.no_grad():
                out = model.generate(**encoded, num_beams=beams, min_new_tokens=new, max_new_tokens=new, **GENERATION)
            tokenizer.batch_decode(out, skip_special_tokens=True)
    else:
        from summarizer.backends.abstractive import AbstractiveBackend
        from summarizer.settings import load_settings

        config = load_settings(None, summarizer={
            "backend": "abstractive", "device": device, "guard": True, "min_new_tokens": new, "max_new_tokens": new,
            "batch_size": spec["batch_size"], "precision": "fp16" if path == "cudnn" else "auto",
        }).summarizer  # fmt: skip
        backend = AbstractiveBackend.from_objects(model, tokenizer, config)
        model = backend.model
        if path == "cudnn":  # as before issue #16: fp16, and torch free to plan attention with cuDNN
            torch.backends.cuda.enable_cudnn_sdp(True)
        kind = f"AbstractiveBackend, {backend.precision}, {backend.attention.implementation} attention, guard on"
        if path == "cudnn":
            kind += ", cuDNN attention"

        def run(texts: list[str], beams: int) -> None:
            backend.config = config.model_copy(update={"num_beams": beams})
            backend.summarize_many(texts, 3)

    loaded_s = time.perf_counter() - started

    def timed(texts: list[str], beams: int) -> float:
        begun = time.perf_counter()
        run(texts, beams)
        if device == "cuda":
            torch.cuda.synchronize()
        return time.perf_counter() - begun

    rows = []
    for texts, beams in [(spec["single"], 4), (spec["batch"], 4), (spec["batch"], 1)]:
        first = timed(texts, beams)
        warm = statistics.median(timed(texts, beams) for _ in range(spec["repeats"]))
        rows.append({"first_s": first, "warm_s": warm, "per_s": len(texts) / warm})
    weights = sum(p.numel() * p.element_size() for p in model.parameters()) / 2**20
    peak = torch.cuda.max_memory_allocated() / 2**20 if device == "cuda" else resident_mib()
    print(json.dumps({"path": path, "kind": kind, "rows": rows, "load_s": loaded_s, "weights_mib": weights,
                      "peak_mib": peak}))  # fmt: skip


def serving(args: argparse.Namespace) -> None:
    import tempfile

    from transformers import AutoTokenizer

    with tempfile.TemporaryDirectory() as folder:
        build_tokenizer(Path(folder), args.vocab)
        tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
        low = max(8, round(args.tokens * 318 / 989))
        lengths = [round(low + (args.tokens - 2 - low) * n / max(1, args.batch - 1)) for n in range(args.batch)]
        spec = {"device": args.device, "tokenizer": folder, "layers": args.layers, "new_tokens": args.new_tokens,
                "repeats": 5, "batch_size": args.batch, "single": texts_of(tokenizer, [args.tokens]),
                "batch": texts_of(tokenizer, lengths)}  # fmt: skip
        measured = {}
        for path in args.paths:
            command = [sys.executable, __file__, "--serving-worker", path, "--spec", json.dumps(spec)]
            done = subprocess.run(command, capture_output=True, text=True)
            if done.returncode:
                sys.exit(f"{path} failed:\n{done.stderr[-3000:]}")
            measured[path] = json.loads(done.stdout.strip().splitlines()[-1])
        sizes = [len(ids) for ids in tokenizer(spec["single"] + spec["batch"])["input_ids"]]
    layers = f"{args.layers}+{max(1, args.layers // 2)} layers" if args.layers else "12+6 layers"
    print(f"distilbart-cnn-12-6-sized BART ({layers}, random weights), {len(tokenizer):,}-token BPE, "
          f"{args.new_tokens} new tokens forced, {args.device}; warm = median of 5\n")  # fmt: skip
    memory = "GPU memory allocated" if args.device == "cuda" else "RSS"
    for path, result in measured.items():
        print(f"{path:>8}: {result['kind']}; built in {result['load_s']:.1f} s, "
              f"weights {result['weights_mib']:.0f} MiB, peak {memory} {result['peak_mib']:.0f} MiB")  # fmt: skip
    labels = [f"1 × {sizes[0]} tokens", f"batch {args.batch} ({min(sizes[1:])}-{max(sizes[1:])} tokens)",
              f"batch {args.batch}"]  # fmt: skip
    header = "| input | beams | " + " | ".join(f"{p} first | {p} warm" for p in measured) + " | articles/s "
    print("\n" + header + " / ".join(measured) + " |")
    print("|---|---|" + "---|---|" * len(measured) + "---|")
    for index, (label, beams) in enumerate(zip(labels, [4, 4, 1], strict=True)):
        rows = [result["rows"][index] for result in measured.values()]
        cells = " | ".join(f"{row['first_s'] * 1000:,.0f} ms | {row['warm_s'] * 1000:,.0f} ms" for row in rows)
        rates = " / ".join(f"{row['per_s']:.1f}" for row in rows)
        print(f"| {label} | {beams} | {cells} | {rates} |")
    if args.device == "cuda" and "ours" in measured and "baseline" in measured:
        ours, base = measured["ours"]["rows"], measured["baseline"]["rows"]
        first = ours[0]["first_s"]
        print(f"\nfirst call {first:.2f} s (target < 1.5 s): {'met' if first < 1.5 else 'NOT met'}")
        for index, beams in ((1, 4), (2, 1)):
            ratio = ours[index]["per_s"] / base[index]["per_s"]
            print(f"batch-{args.batch} throughput at {beams} beam(s): {ratio:.2f}× the baseline (target ≥ 1.5×): "
                  f"{'met' if ratio >= 1.5 else 'NOT met'}")  # fmt: skip


def baseline_runner():  # type: ignore[no-untyped-def]
    """One fp32 model; returns run(beams)."""
    import torch
    import transformers

    model = build_model()
    ids, mask = inputs()
    kind = "pipeline" if int(transformers.__version__.split(".")[0]) < 5 else "model.generate (v5)"

    def run(beams: int) -> int:
        with torch.no_grad():  # what the pipelines used
            out = model.generate(input_ids=ids, attention_mask=mask, num_beams=beams, min_new_tokens=NEW_TOKENS,
                                 max_new_tokens=NEW_TOKENS, **GENERATION)  # fmt: skip
        return int(out.shape[1])

    return run, kind


def ours_runner():  # type: ignore[no-untyped-def]
    """Our backend around the same model; returns run(beams)."""
    from summarizer.backends.abstractive import AbstractiveBackend
    from summarizer.settings import load_settings

    config = load_settings(None, summarizer={
        "backend": "abstractive", "quantize": True, "device": "cpu",
        "min_new_tokens": NEW_TOKENS, "max_new_tokens": NEW_TOKENS, "guard": False,
    }).summarizer  # fmt: skip
    backend = AbstractiveBackend.from_objects(build_model(), None, config)
    ids, mask = inputs()

    def run(beams: int) -> int:
        backend.config = config.model_copy(update={"num_beams": beams})
        return int(backend.generate_tokens(ids, mask).shape[1])

    return run, "AbstractiveBackend (int8 dynamic)"


def worker(path: str, beams: list[int], repeats: int) -> None:
    run, kind = (baseline_runner if path == "baseline" else ours_runner)()
    results = []
    for count in beams:
        run(count)  # warm-up: first-call allocations and kernel selection
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            length = run(count)
            times.append(time.perf_counter() - started)
        results.append({"beams": count, "seconds": min(times), "output_tokens": length, "kind": kind})
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"path": path, "results": results, "peak_mib": peak_mib, "resident_mib": resident_mib()}))


def resident_mib() -> float:
    """What the process holds now, after generating: the footprint of a running bot."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--beams", type=int, nargs="+", default=[4, 2, 1])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--worker", choices=["baseline", "ours"], help=argparse.SUPPRESS)
    serving_options = parser.add_argument_group("the serving table")
    serving_options.add_argument("--device", choices=["cpu", "cuda"], help="run the serving table on this device")
    serving_options.add_argument(
        "--paths", nargs="+", choices=["baseline", "ours", "cudnn"], default=["baseline", "ours"]
    )
    serving_options.add_argument("--layers", type=int, help="encoder layers (decoder: half); default 12 and 6")
    serving_options.add_argument("--vocab", type=int, default=DISTILBART["vocab_size"])
    serving_options.add_argument("--tokens", type=int, default=989, help="the single article's length")
    serving_options.add_argument("--batch", type=int, default=16)
    serving_options.add_argument("--new-tokens", type=int, default=NEW_TOKENS)
    parser.add_argument("--serving-worker", choices=["baseline", "ours", "cudnn"], help=argparse.SUPPRESS)
    parser.add_argument("--spec", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serving_worker:
        serving_worker(args.serving_worker, json.loads(args.spec))
        return
    if args.device:
        serving(args)
        return
    if args.worker:
        worker(args.worker, args.beams, args.repeats)
        return
    measured = {}
    for path in ("baseline", "ours"):
        command = [sys.executable, __file__, "--worker", path, "--repeats", str(args.repeats), "--beams",
                   *map(str, args.beams)]  # fmt: skip
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
        measured[path] = json.loads(output)
    base, ours = measured["baseline"], measured["ours"]
    print(f"distilbart-cnn-12-6-sized BART (random weights), {INPUT_TOKENS} input tokens → {NEW_TOKENS} new, CPU\n")
    print(f"baseline: {base['results'][0]['kind']}, fp32;  ours: {ours['results'][0]['kind']}\n")
    print(f"{'beams':>5} {'baseline s':>10} {'ours s':>7} {'speed-up':>8}")
    for b, o in zip(base["results"], ours["results"], strict=True):
        print(f"{b['beams']:>5} {b['seconds']:>10.2f} {o['seconds']:>7.2f} {b['seconds'] / o['seconds']:>7.2f}×")
    for label, key in (("peak memory (RSS)", "peak_mib"), ("resident after generating", "resident_mib")):
        print(f"{label + ':':<27} baseline {base[key]:>5.0f} MiB, ours {ours[key]:>5.0f} MiB "
              f"({ours[key] / base[key]:.2f}×)")  # fmt: skip
    print("(ours loads fp32 weights, then quantises them in place: the peak is that moment)")


if __name__ == "__main__":
    main()
