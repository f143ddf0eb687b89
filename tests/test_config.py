from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import DEFAULT_API_BASE_URL, ConfigError, load_config


def test_defaults() -> None:
    config = load_config({}, dotenv=None)
    assert config.token is None and config.api_base_url == DEFAULT_API_BASE_URL
    assert config.db_path == Path("harbour.sqlite3")
    assert config.catalog_path == Path("services_catalog/plymouth")


def test_every_bad_value_is_reported() -> None:
    with pytest.raises(ConfigError) as raised:
        load_config(
            {
                "TELEGRAM_BOT_TOKEN": "not-a-token",
                "TELEGRAM_API_BASE_URL": "ftp:/x",
                "HARBOUR_ADMINS": "12, bob",
                "HARBOUR_TIMEZONE": "Mars/Olympus",
            },
            dotenv=None,
        )
    text = " | ".join(raised.value.problems)
    assert len(raised.value.problems) == 4
    for part in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "'bob'", "Mars/Olympus"):
        assert part in text


def test_dotenv_is_read_and_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("# comment\nHARBOUR_ADMINS=1,2\nHARBOUR_DB='/tmp/a.db'\n")
    config = load_config({"HARBOUR_DB": "/tmp/b.db"}, dotenv=env_file)
    assert config.admins == frozenset({1, 2}) and config.db_path == Path("/tmp/b.db")
