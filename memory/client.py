"""Which Chroma the memory talks to: embedded on disk by default, a server when configured.

`OKR_CHROMA_URL` (e.g. `http://chroma.internal:8000`) selects `HttpClient`;
otherwise a `PersistentClient` keeps the memory under `<data_dir>/memory`.
Telemetry is off: the memory must never reach the network on its own.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import chromadb
from chromadb.api import ClientAPI
from chromadb.config import Settings as ChromaSettings

from okr.errors import ValidationError
from okr.settings import Settings

__all__ = ["memory_path", "open_client"]


def memory_path(settings: Settings) -> Path:
    """The folder of the embedded memory."""
    return settings.data_dir / "memory"


def _chroma_settings() -> ChromaSettings:
    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def open_client(settings: Settings) -> ClientAPI:
    """A Chroma client for these settings: the server at `chroma_url`, else the embedded store."""
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValidationError("OKR_CHROMA_URL must look like http://host:port")
        ssl = url.scheme == "https"
        port = url.port or (443 if ssl else 8000)
        return chromadb.HttpClient(host=url.hostname, port=port, ssl=ssl,
                                   settings=_chroma_settings())
    path = memory_path(settings)
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=_chroma_settings())
