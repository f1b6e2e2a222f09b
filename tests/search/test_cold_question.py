"""A question in a fresh process: no spaCy, thinc, torch or sentence-transformers; the model's own tokens."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

from search.model import ensure_runtime
from search.small_tokenizer import SmallTokenizer

REPO = Path(__file__).resolve().parents[2]
EVAL_DIR = REPO.parent / "shared" / "eval"
HEAVY = ("spacy", "thinc", "torch", "sentence_transformers", "transformers")


def test_after_setup_a_cold_question_imports_no_spacy_torch_or_sentence_transformers(search_home, tmp_path):
    """In a fresh derived-data cache: what ``setup`` prepares, then a question in a new process."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "BELEIDSGRAAF_CACHE": str(tmp_path / "derived")}
    prepare = "from search.engine import prepare; prepare()"
    subprocess.run([sys.executable, "-c", prepare], env=env, check=True)
    question = "Welke gemeenten zetten integrale controles in tegen ondermijning?"
    code = (
        "import sys\n"
        "from search.engine import search\n"
        f"r = search({str(search_home)!r}, {question!r})\n"
        "assert r['municipalities'], r\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def _texts() -> list[str]:
    texts: list[str] = []
    for path in (EVAL_DIR / "questions.json", EVAL_DIR / "municipalities" / "questions.json"):
        for q in json.loads(path.read_text(encoding="utf-8"))["questions"]:
            texts += ["query: " + q[k] for k in ("question_nl", "question_en") if q.get(k)]
    corpus = "".join(p.read_text(encoding="utf-8") for p in sorted((REPO / "corpus").glob("*.txt")))
    odd = [
        "<mask>",
        "</s>",
        "<unk>",
        "  ",
        "\t",
        "\n",
        "ﬁ",
        "Ａ",
        "①",
        "😀",
        "e\u0301",
        "\u200b",
        "中文",
        "x" * 40,
    ]
    rng = random.Random(7)
    for _ in range(300):
        start = rng.randrange(len(corpus))
        words = corpus[start : start + rng.randrange(1, 300)].split(" ")
        words.insert(rng.randrange(len(words) + 1), rng.choice(odd))
        texts.append(" ".join(words))
    texts.append(corpus[:20_000])  # longer than the model takes: truncation
    return texts


def test_small_tokenizer_gives_the_full_tokenizers_ids():
    from tokenizers import Tokenizer

    tokenizer_file = ensure_runtime() / "tokenizer.json"
    full = Tokenizer.from_file(str(tokenizer_file))
    full.no_padding()
    full.enable_truncation(512)
    small = SmallTokenizer(tokenizer_file, 512)
    texts = _texts()
    assert len(texts) > 350
    for text in texts:
        assert small.encode(text).ids == full.encode(text).ids, text[:80]
    assert len(full.encode(texts[-1]).ids) == 512
