"""index.settings: one field per setting, the README's short names, one place for a data dir's files."""
from __future__ import annotations

from pathlib import Path

import pytest

from index.settings import FLAT_ENV_NAMES, LLMSettings, Settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in [*os.environ]:
        if name.startswith("GOVQA_") or name in FLAT_ENV_NAMES:
            monkeypatch.delenv(name)


def test_each_llm_and_telegram_setting_is_one_field() -> None:
    assert not [name for name in Settings.model_fields if name.startswith(("llm_", "telegram_"))]


def test_the_readmes_short_names_set_the_nested_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVQA_LLM_BASE_URL", "http://localhost:11434/v1")
    monkeypatch.setenv("GOVQA_LLM_MODEL", "qwen")
    monkeypatch.setenv("GOVQA_LLM_API_KEY", "sk-test")
    monkeypatch.setenv("GOVQA_TELEGRAM_API_URL", "http://127.0.0.1:8081")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    settings = Settings()
    assert (settings.llm.base_url, settings.llm.model, settings.llm.api_key.get_secret_value()) == (
        "http://localhost:11434/v1", "qwen", "sk-test")
    assert settings.llm.enabled
    assert settings.telegram.api_url == "http://127.0.0.1:8081"
    assert settings.telegram.token.get_secret_value() == "123:abc"


def test_the_nested_name_wins_and_other_nested_fields_stay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVQA_LLM_MODEL", "short")
    monkeypatch.setenv("GOVQA_LLM__MODEL", "nested")
    monkeypatch.setenv("GOVQA_LLM__TIMEOUT_S", "5")
    monkeypatch.setenv("GOVQA_TELEGRAM__TOKEN", "1:nested")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "1:short")
    settings = Settings()
    assert (settings.llm.model, settings.llm.timeout_s) == ("nested", 5.0)
    assert settings.telegram.token.get_secret_value() == "1:nested"


def test_empty_short_names_mean_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVQA_LLM_BASE_URL", "")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "  ")
    settings = Settings()
    assert settings.llm.base_url is None and settings.telegram.token is None and not settings.llm.enabled


def test_arguments_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVQA_LLM_MODEL", "from-env")
    assert Settings(llm=LLMSettings(model="given")).llm.model == "given"


def test_one_place_names_every_file_of_a_data_dir(tmp_path: Path) -> None:
    from index.lock import hold_writer_lock

    paths = Settings(data_dir=tmp_path).paths
    assert {paths.registry, paths.chroma, paths.term_cache, paths.writer_lock, paths.uploads, paths.chat_history} == {
        tmp_path / name for name in ("registry.sqlite3", "chroma", "bm25-terms.sqlite3", "writer.lock", "uploads",
                                     "chat_history")}
    assert Settings(data_dir=tmp_path).registry_path == paths.registry
    hold_writer_lock(tmp_path, who="test")
    assert paths.writer_lock.is_file()
