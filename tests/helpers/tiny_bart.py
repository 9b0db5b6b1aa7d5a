"""Build a tiny BART summariser and its tokenizer from scratch, and save them like a hub model.

The tokenizer is a byte-level BPE trained on the given corpus; the model is a one-layer BART. With
``always_say`` the model is trained for a few steps to answer every input with that sentence, which lets a
test put a known (e.g. invented) figure through the real generation and guard code.
"""

from __future__ import annotations

from pathlib import Path


def build_tiny_bart(folder: Path, corpus: list[str], always_say: str | None = None, max_positions: int = 96) -> Path:
    import torch
    from tokenizers import ByteLevelBPETokenizer
    from tokenizers.processors import RobertaProcessing
    from transformers import BartConfig, BartForConditionalGeneration, PreTrainedTokenizerFast

    torch.manual_seed(0)
    folder.mkdir(parents=True, exist_ok=True)
    bpe = ByteLevelBPETokenizer()
    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    bpe.train_from_iterator(corpus, vocab_size=600, min_frequency=1, special_tokens=specials, show_progress=False)
    bpe.post_processor = RobertaProcessing(("</s>", bpe.token_to_id("</s>")), ("<s>", bpe.token_to_id("<s>")))
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=bpe._tokenizer,
        bos_token="<s>",
        eos_token="</s>",
        pad_token="<pad>",
        unk_token="<unk>",
        mask_token="<mask>",
        model_max_length=max_positions,
    )
    config = BartConfig(
        vocab_size=len(tokenizer),
        d_model=32,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        max_position_embeddings=max_positions,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.eos_token_id,
        forced_bos_token_id=tokenizer.bos_token_id,
        forced_eos_token_id=tokenizer.eos_token_id,
    )
    model = BartForConditionalGeneration(config)
    if always_say:
        _train_to_say(model, tokenizer, corpus, always_say)
    model.eval()
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def _train_to_say(model, tokenizer, corpus: list[str], sentence: str, steps: int = 150) -> None:  # type: ignore[no-untyped-def]
    import torch

    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    labels = tokenizer([sentence], return_tensors="pt").input_ids
    model.train()
    for step in range(steps):
        text = corpus[step % len(corpus)]
        inputs = tokenizer(
            [text], return_tensors="pt", truncation=True, max_length=model.config.max_position_embeddings
        )
        loss = model(**inputs, labels=labels).loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
