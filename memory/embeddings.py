"""Chroma embedding functions: the packaged MiniLM (offline, default) or an OpenAI-compatible API.

Both are registered with Chroma (`@register_embedding_function`) so a
collection reopens with the function that built it. Each has a `model_id`,
recorded in the collection's metadata, so a memory built with one model is
never queried or extended with another's vectors.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

from memory.minilm import MODEL_NAME, load_minilm
from okr.errors import ValidationError
from okr.settings import Settings

__all__ = [
    "MiniLMEmbeddingFunction",
    "OpenAICompatibleEmbeddingFunction",
    "embedder_from_settings",
    "model_id",
]

#: Where the OpenAI-compatible function reads its key; the key itself is never stored.
API_KEY_ENV = "OKR_EMBEDDINGS_API_KEY"


@register_embedding_function
class MiniLMEmbeddingFunction(EmbeddingFunction[Documents]):
    """all-MiniLM-L6-v2 from the packaged weights, run with numpy; no network, no torch.

    Identical texts in one call are embedded once (check-in notes repeat a lot).
    """

    def __init__(self, batch_size: int = 32) -> None:
        self.batch_size = batch_size

    def __call__(self, input: Documents) -> Embeddings:
        texts = list(input)
        unique = list(dict.fromkeys(texts))
        vectors = load_minilm().encode(unique, batch_size=self.batch_size)
        row = {text: i for i, text in enumerate(unique)}
        return [vectors[row[text]] for text in texts]

    @staticmethod
    def name() -> str:
        return "quarterdeck-minilm-l6-v2"

    @property
    def model_id(self) -> str:
        return f"local:{MODEL_NAME}"

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine", "ip", "l2"]

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMEmbeddingFunction:
        return MiniLMEmbeddingFunction(batch_size=int(config.get("batch_size", 32)))

    def get_config(self) -> dict[str, Any]:
        return {"batch_size": self.batch_size}


@register_embedding_function
class OpenAICompatibleEmbeddingFunction(EmbeddingFunction[Documents]):
    """Embeddings from any OpenAI-compatible `/embeddings` endpoint (OpenAI, vLLM, Ollama, ...).

    The API key is read from `OKR_EMBEDDINGS_API_KEY` (or passed in) and never
    written to the collection's configuration.
    """

    def __init__(self, model: str, base_url: str | None = None, api_key: str | None = None,
                 timeout_s: float = 30.0, batch_size: int = 128) -> None:
        self.model = model
        self.base_url = base_url
        self.timeout_s = timeout_s
        self.batch_size = batch_size
        self._api_key = api_key

    def __call__(self, input: Documents) -> Embeddings:
        from openai import OpenAI

        key = self._api_key or os.environ.get(API_KEY_ENV) or "not-needed"
        client = OpenAI(base_url=self.base_url, api_key=key, timeout=self.timeout_s,
                        max_retries=3)
        texts = list(input)
        out: Embeddings = []
        for start in range(0, len(texts), self.batch_size):
            response = client.embeddings.create(model=self.model,
                                                input=texts[start:start + self.batch_size])
            ordered = sorted(response.data, key=lambda d: d.index)
            out.extend(np.asarray(d.embedding, dtype=np.float32) for d in ordered)
        return out

    @staticmethod
    def name() -> str:
        return "quarterdeck-openai-compatible"

    @property
    def model_id(self) -> str:
        return f"openai-compatible:{self.model}"

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine", "ip", "l2"]

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> OpenAICompatibleEmbeddingFunction:
        return OpenAICompatibleEmbeddingFunction(
            model=str(config["model"]), base_url=config.get("base_url"),
            timeout_s=float(config.get("timeout_s", 30.0)),
            batch_size=int(config.get("batch_size", 128)))

    def get_config(self) -> dict[str, Any]:
        return {"model": self.model, "base_url": self.base_url, "timeout_s": self.timeout_s,
                "batch_size": self.batch_size}


def model_id(embedder: EmbeddingFunction[Documents]) -> str:
    """The name recorded with a collection: which model made its vectors."""
    known = getattr(embedder, "model_id", None)
    if isinstance(known, str):
        return known
    return f"chroma:{embedder.name()}"


def embedder_from_settings(settings: Settings) -> EmbeddingFunction[Documents]:
    """The configured embedding function: an OpenAI-compatible endpoint when
    `OKR_EMBEDDINGS_MODEL` is set, else the packaged offline MiniLM."""
    if settings.embeddings_model:
        key = settings.embeddings_api_key.get_secret_value() if settings.embeddings_api_key \
            else None
        return OpenAICompatibleEmbeddingFunction(model=settings.embeddings_model,
                                                 base_url=settings.embeddings_base_url,
                                                 api_key=key)
    if settings.embeddings_base_url:
        raise ValidationError("OKR_EMBEDDINGS_BASE_URL is set but OKR_EMBEDDINGS_MODEL is not")
    return MiniLMEmbeddingFunction()
