"""The ONNX embedding runtime: export at install, int8 dynamic quantisation, and an onnxruntime encoder.

Why not sentence-transformers' own ``backend="onnx"``: it needs ``optimum-onnx``, whose only release pins
``transformers<4.58`` while sentence-transformers 6 needs ``transformers>=5``; installing it would
downgrade transformers under sentence-transformers. The steps it performs are done here with the same
libraries underneath (``torch.onnx`` export, onnxruntime's ``quantize_dynamic``), and the encoder
reproduces sentence-transformers' pipeline: the model's own tokenizer.json (truncation at
``max_seq_length``), mean pooling over the attention mask, L2 normalisation. Encoding imports neither
torch nor sentence-transformers, so a query costs milliseconds and a CLI call starts fast.

How the encoder spends CPU (measured, README "Scale: embedding CPU per passage"): each model call runs
on one thread without spinning, batches are formed by token count (texts sorted by length, at most
``TOKEN_BUDGET`` padded tokens per call) so activations stay in the core's cache and padding is nearly
nil, and bulk encoding runs ``embed_threads()`` such calls side by side on one session. Batches of 32
passages (31 MB of activations in the feed-forward layers) and onnxruntime's spinning thread pool cost
twice the CPU per passage. int8 activation ranges are computed per call, so a text's vector can differ
very slightly (cosine ≥ 0.99) with the texts it shares a call with; the cache keeps it stable.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from ontology.errors import BadParameter

log = logging.getLogger(__name__)

ONNX_DIR = "onnx"
FP32_FILE = "model.onnx"
INT8_FILE = "model_int8.onnx"
_EXPORT_VERSION = 1  # bump when the export or quantisation recipe changes (rebuilds the files)
_OPSET = 17
SMALL_BATCH = 4  # up to this many texts (a question) are tokenised without loading the full vocabulary
# Padded tokens per model call. Chosen on 384 generated passages (mean 154 tokens): CPU per passage is
# flat from one passage per call up to 512 tokens per call and ~37 % higher at 32 passages per call.
# 256 runs most passages alone (their vectors then do not depend on other texts) and still batches
# short texts (labels, questions) so the per-call overhead stays small.
TOKEN_BUDGET = 256
THREADS_ENV = "BELEIDSGRAAF_EMBED_THREADS"


def embed_threads() -> int:
    """How many model calls bulk encoding runs side by side: ``$BELEIDSGRAAF_EMBED_THREADS``, else the
    number of CPUs this process may use. Each call uses one thread; set 1 to leave the other cores to
    other work (an ingest that runs graph building beside embedding)."""
    raw = os.environ.get(THREADS_ENV, "").strip()
    if not raw:
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except AttributeError:  # not on Linux
            return max(1, os.cpu_count() or 1)
    try:
        threads = int(raw)
    except ValueError:
        threads = 0
    if threads < 1:
        raise BadParameter(f"{THREADS_ENV} must be a whole number ≥ 1, not {raw!r}", value=raw)
    return threads


def token_batches(lengths: Sequence[int], max_rows: int, budget: int = TOKEN_BUDGET) -> list[list[int]]:
    """Indices grouped into model calls: longest first, each call at most ``budget`` padded tokens
    (rows × its longest text) and ``max_rows`` rows; a text longer than the budget goes alone."""
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    batches: list[list[int]] = []
    for i in order:
        current = batches[-1] if batches else None
        # the first (longest) text of a batch fixes its width
        if current and len(current) < max_rows and lengths[current[0]] * (len(current) + 1) <= budget:
            current.append(i)
        else:
            batches.append([i])
    return batches


def onnx_file(model_dir: Path, quantised: bool) -> Path:
    return Path(model_dir) / ONNX_DIR / (INT8_FILE if quantised else FP32_FILE)


def _stamp(model_dir: Path) -> Path:
    return Path(model_dir) / ONNX_DIR / "beleidsgraaf-onnx.json"


def _is_current(model_dir: Path, quantised: bool) -> bool:
    stamp = _stamp(model_dir)
    if not stamp.exists() or not onnx_file(model_dir, quantised).exists():
        return False
    return json.loads(stamp.read_text()).get("export_version") == _EXPORT_VERSION


def _export_fp32(model_dir: Path, dest: Path) -> None:
    """torch → ONNX (inputs input_ids, attention_mask; output last_hidden_state).

    onnxruntime fuses LayerNorm, GELU and the quantised matrix products itself when it loads the file.
    Fusing ahead of time with its transformer optimizer (attention included, which needs an export with
    eager attention, and ``DefaultTensorType`` for the quantiser) was measured at 1-2 % less CPU per
    passage, within the noise, so it is not done (README "Scale: embedding CPU per passage").
    """
    import torch
    from transformers import AutoModel

    encoder = AutoModel.from_pretrained(model_dir, local_files_only=True).eval()

    class _Hidden(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.inner(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    sample = torch.ones(2, 16, dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    with torch.no_grad():
        torch.onnx.export(
            _Hidden(encoder),
            (sample, sample),
            str(dest),
            input_names=["input_ids", "attention_mask"],
            output_names=["last_hidden_state"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes},
            opset_version=_OPSET,
            dynamo=False,
        )


def _quantise(src: Path, dest: Path) -> None:
    """Dynamic int8 quantisation (weights int8 per channel, activations quantised at run time)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    level = root.level
    root.setLevel(max(level, logging.WARNING))  # the quantiser logs one INFO line per tensor on root
    try:
        quantize_dynamic(str(src), str(dest), weight_type=QuantType.QInt8, per_channel=True)
    finally:
        root.setLevel(level)


def ensure_onnx(model_dir: Path, quantised: bool = True) -> Path:
    """The ONNX file for a sentence-transformers folder, exported (and quantised) once, atomically."""
    model_dir = Path(model_dir)
    target = onnx_file(model_dir, quantised)
    if _is_current(model_dir, quantised):
        return target
    if not (model_dir / "1_Pooling" / "config.json").exists():
        raise BadParameter(
            f"{model_dir}: the ONNX runtime needs a sentence-transformers folder with mean pooling"
        )
    log.info("exporting %s to ONNX%s (once)", model_dir.name, " int8" if quantised else "")
    tmp = Path(tempfile.mkdtemp(prefix=".onnx.", dir=model_dir))
    try:
        fp32 = tmp / FP32_FILE
        existing = onnx_file(model_dir, False)
        if existing.exists() and _stamp(model_dir).exists() and _is_current(model_dir, False):
            shutil.copy2(existing, fp32)
        else:
            _export_fp32(model_dir, fp32)
        if quantised:
            _quantise(fp32, tmp / INT8_FILE)
            fp32.unlink()  # 4× the size of the int8 file; re-exported only if the fp32 runtime is asked for
        final = model_dir / ONNX_DIR
        final.mkdir(exist_ok=True)
        for produced in tmp.iterdir():
            os.replace(produced, final / produced.name)
        _stamp(model_dir).write_text(json.dumps({"export_version": _EXPORT_VERSION, "opset": _OPSET}))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


class OnnxEncoder:
    """sentence-transformers' encode() for Transformer → mean Pooling → Normalize, on onnxruntime."""

    def __init__(self, model_dir: Path, quantised: bool = True):
        import onnxruntime as ort

        model_dir = Path(model_dir)
        st_config = json.loads((model_dir / "sentence_bert_config.json").read_text())
        pooling = json.loads((model_dir / "1_Pooling" / "config.json").read_text())
        if not pooling.get("pooling_mode_mean_tokens"):
            raise BadParameter(f"{model_dir}: only mean pooling is supported by the ONNX runtime")
        prompts_file = model_dir / "config_sentence_transformers.json"
        self.prompts: dict[str, str] = (
            json.loads(prompts_file.read_text()).get("prompts", {}) if prompts_file.exists() else {}
        )
        self.dimension = int(pooling["word_embedding_dimension"])
        self.normalise = (model_dir / "2_Normalize").exists()
        self.tokenizer_file = model_dir / "tokenizer.json"
        self.max_length = int(st_config.get("max_seq_length", 512))
        self._full_tokenizer = None
        tok_config = json.loads((model_dir / "tokenizer_config.json").read_text())
        pad = tok_config.get("pad_token", "<pad>")
        self.pad_id = (
            self._small_tokenizer().token_to_id(pad if isinstance(pad, str) else pad["content"]) or 0
        )
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # One thread per call, no spinning: parallelism comes from calls side by side (``embed_threads``).
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.add_session_config_entry("session.inter_op.allow_spinning", "0")
        self.session = ort.InferenceSession(
            str(onnx_file(model_dir, quantised)), options, providers=["CPUExecutionProvider"]
        )

    def get_sentence_embedding_dimension(self) -> int:
        return self.dimension

    @property
    def tokenizer(self):
        """The model's full tokenizer (loaded on first use: building its 250,000-piece vocabulary takes
        most of a second, which a question need not pay)."""
        if self._full_tokenizer is None:
            from tokenizers import Tokenizer

            tokenizer = Tokenizer.from_file(str(self.tokenizer_file))
            tokenizer.no_padding()
            tokenizer.enable_truncation(self.max_length)
            self._full_tokenizer = tokenizer
        return self._full_tokenizer

    def _small_tokenizer(self):
        from search.small_tokenizer import small_tokenizer

        return small_tokenizer(self.tokenizer_file, self.max_length)

    def _tokenise(self, texts: list[str]) -> list[list[int]]:
        # the same ids either way: a few texts through the small tokenizer, bulk through the full one
        few = self._full_tokenizer is None and len(texts) <= SMALL_BATCH
        return [e.ids for e in (self._small_tokenizer() if few else self.tokenizer).encode_batch(texts)]

    def _run(self, ids_list: list[list[int]]) -> np.ndarray:
        """Mean-pooled (not yet normalised) vectors of one model call."""
        width = max(len(ids) for ids in ids_list)
        ids = np.full((len(ids_list), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(ids_list), width), dtype=np.int64)
        for i, row in enumerate(ids_list):
            ids[i, : len(row)] = row
            mask[i, : len(row)] = 1
        (hidden,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask})
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return pooled.astype(np.float32)

    def encode(
        self,
        sentences: str | Sequence[str],
        *,
        prompt: str | None = None,
        batch_size: int = 32,
        normalize_embeddings: bool = False,
        **_ignored: object,
    ) -> np.ndarray:
        """Vectors in input order; calls of at most ``batch_size`` texts and ``TOKEN_BUDGET`` tokens."""
        single = isinstance(sentences, str)
        texts = [sentences] if single else list(sentences)
        if prompt:
            texts = [prompt + t for t in texts]
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        tokens = self._tokenise(texts) if texts else []
        batches = token_batches([len(t) for t in tokens], max(1, int(batch_size)), TOKEN_BUDGET)

        def run(rows: list[int]) -> np.ndarray:
            return self._run([tokens[i] for i in rows])

        threads = embed_threads() if len(batches) > 1 else 1
        if threads > 1:
            with ThreadPoolExecutor(min(threads, len(batches)), thread_name_prefix="embed") as pool:
                results = list(pool.map(run, batches))
        else:
            results = [run(rows) for rows in batches]
        for rows, vectors in zip(batches, results, strict=True):
            out[rows] = vectors
        if self.normalise or normalize_embeddings:
            out /= np.clip(np.linalg.norm(out, axis=1, keepdims=True), 1e-12, None)
        return out[0] if single else out
