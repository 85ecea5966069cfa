"""Makes a tiny Llama-architecture model with random weights, entirely offline.

No model can be downloaded here, so the end-to-end test against a real vLLM serves this one:
2 layers, hidden size 64, a 512-token BPE vocabulary trained on generated text.
Its output is random text, which is all a latency benchmark needs.

Usage: python make_tiny_model.py OUT_DIR
Writes config.json, generation_config.json, model.safetensors, tokenizer.json and
tokenizer_config.json (with a chat template, so /v1/chat/completions works) into OUT_DIR.
"""

import os
import random
import sys

os.environ["HF_HUB_OFFLINE"] = "1"  # never reach a hub, whatever the caller's environment
os.environ["TRANSFORMERS_OFFLINE"] = "1"

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers  # noqa: E402

VOCAB_SIZE = 512
BOS, EOS, UNK = "<s>", "</s>", "<unk>"
# The simplest template vLLM accepts: role-tagged turns, then the assistant's tag.
CHAT_TEMPLATE = (
    "{{ bos_token }}{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}\n{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)


def training_text(seed: int) -> list[str]:
    """Generated lines like the bench's random prompts (letter triples) plus some words."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = ["the", "a", "request", "token", "model", "server", "user", "assistant", "hello"]
    lines = []
    for _ in range(2000):
        triples = ["".join(rng.choice(letters) for _ in range(3)) for _ in range(12)]
        lines.append(" ".join(triples + rng.sample(words, 3)))
    return lines


def build_tokenizer() -> Tokenizer:
    """BPE over printable ASCII with a sentencepiece-style space marker.

    Every token decodes to visible text (a byte-level vocabulary would let the random model emit
    half UTF-8 characters, which vLLM streams as empty chunks). Other characters become <unk>.
    """
    tok = Tokenizer(models.BPE(unk_token=UNK))
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    tok.decoder = decoders.Metaspace()
    alphabet = [chr(c) for c in range(33, 127)] + ["\u2581"]
    trainer = trainers.BpeTrainer(
        vocab_size=VOCAB_SIZE,
        special_tokens=[BOS, EOS, UNK],
        initial_alphabet=alphabet,
        limit_alphabet=len(alphabet),
        show_progress=False,
    )
    tok.train_from_iterator(training_text(0), trainer=trainer)
    return tok


def save_tokenizer(tok: Tokenizer, out_dir: str) -> None:
    from transformers import PreTrainedTokenizerFast

    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token=BOS, eos_token=EOS, unk_token=UNK, model_max_length=4096
    )
    fast.chat_template = CHAT_TEMPLATE
    fast.save_pretrained(out_dir)


def save_model(tok: Tokenizer, out_dir: str) -> None:
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=tok.get_vocab_size(),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=2,  # head_dim 32: a size vLLM's CPU attention kernels support
        num_key_value_heads=2,
        max_position_embeddings=4096,
        bos_token_id=tok.token_to_id(BOS),
        eos_token_id=tok.token_to_id(EOS),
        tie_word_embeddings=False,
        dtype="bfloat16",
    )
    model = LlamaForCausalLM(config).to(torch.bfloat16)
    model.save_pretrained(out_dir)


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: make_tiny_model.py OUT_DIR")
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    tok = build_tokenizer()
    save_tokenizer(tok, out_dir)
    save_model(tok, out_dir)
    print(f"tiny model in {out_dir}: vocab {tok.get_vocab_size()}, files {sorted(os.listdir(out_dir))}")


if __name__ == "__main__":
    main()
