"""Settings read from the environment (prefix `OKR_`), passed in, never global."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "quarterdeck"


class Settings(BaseSettings):
    """Everything configurable. Build one at the edge and hand it down."""

    model_config = SettingsConfigDict(env_prefix="OKR_", extra="ignore", populate_by_name=True)

    data_dir: Path = Field(default_factory=_default_data_dir)
    database_url: str | None = None
    org: str = "demo"

    # `OKR_LLM_*` first, the standard `OPENAI_*` variables as fallbacks.
    llm_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("OKR_LLM_BASE_URL", "OPENAI_BASE_URL")
    )
    llm_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("OKR_LLM_API_KEY", "OPENAI_API_KEY")
    )
    llm_model: str | None = Field(
        default=None, validation_alias=AliasChoices("OKR_LLM_MODEL", "OPENAI_MODEL")
    )
    llm_timeout_s: float = 60.0
    llm_max_retries: int = 4
    llm_total_budget_s: float = 180.0
    llm_backoff_initial_s: float = 0.5
    llm_backoff_max_s: float = 20.0
    llm_repair_rounds: int = 1
    llm_max_output_tokens: int = 4096
    llm_run_token_budget: int = 200_000
    llm_org_token_budget: int = 5_000_000

    chroma_url: str | None = None
    memory_collection: str = "quarterdeck-memory"
    # Memory embeddings: the packaged offline MiniLM unless a model is named here.
    embeddings_base_url: str | None = None
    embeddings_model: str | None = None
    embeddings_api_key: SecretStr | None = None

    # Nudges to stale owners: at most this many per person per rolling week.
    nudge_max_per_week: int = 2
    # Slack-compatible incoming webhook; a secret, never logged.
    slack_webhook_url: SecretStr | None = None

    @property
    def store_url(self) -> str:
        """The database URL: `OKR_DATABASE_URL`, else a SQLite file under the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'quarterdeck.sqlite3'}"
