"""Generation cost on CPU: a randomly initialised model of distilbart-cnn-12-6's size, no download.

    python bench/generate.py [--beams 4 2 1] [--repeats 2]

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
    args = parser.parse_args()
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
