"""Settings read from the environment (prefix `OKR_`), passed in, never global."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "quarterdeck"


class Settings(BaseSettings):
    """Everything configurable. Build one at the edge and hand it down."""

    model_config = SettingsConfigDict(env_prefix="OKR_", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir)
    database_url: str | None = None
    org: str = "demo"

    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = None
    llm_model: str | None = None
    llm_timeout_s: float = 60.0
    llm_max_retries: int = 4
    llm_total_budget_s: float = 180.0
    llm_run_token_budget: int = 200_000
    llm_org_token_budget: int = 5_000_000

    chroma_url: str | None = None

    @property
    def store_url(self) -> str:
        """The database URL: `OKR_DATABASE_URL`, else a SQLite file under the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'quarterdeck.sqlite3'}"
