"""Configuration from the environment and an optional `.env`, validated once at start."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"


class ConfigError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Config:
    token: str | None = None
    api_base_url: str = DEFAULT_API_BASE_URL
    db_path: Path = Path("harbour.sqlite3")
    catalog_path: Path = Path("services_catalog/plymouth")
    admins: frozenset[int] = frozenset()
    timezone: str | None = None
    """None: use the region file's timezone"""

    def with_paths(self, db: str | None = None, catalog: str | None = None) -> Config:
        return replace(
            self,
            db_path=Path(db) if db else self.db_path,
            catalog_path=Path(catalog) if catalog else self.catalog_path,
        )


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines; blank lines and # comments ignored; surrounding quotes removed."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        key = key.strip().removeprefix("export ").strip()
        values[key] = value.strip().strip("'\"")
    return values


def load_config(
    environ: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")
) -> Config:
    """Build the config; the real environment wins over `.env`. Raise ConfigError listing all."""
    env = {
        **(read_dotenv(dotenv) if dotenv else {}),
        **(os.environ if environ is None else environ),
    }
    problems: list[str] = []
    token = env.get("TELEGRAM_BOT_TOKEN", "").strip() or None
    if token is not None and (":" not in token or not token.split(":", 1)[0].isdigit()):
        problems.append("TELEGRAM_BOT_TOKEN does not look like a bot token (<digits>:<secret>)")
    base_url = env.get("TELEGRAM_API_BASE_URL", "").strip() or DEFAULT_API_BASE_URL
    parsed = urlparse(base_url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        problems.append(
            f"TELEGRAM_API_BASE_URL {base_url!r} must be an http(s) URL such as "
            f"{DEFAULT_API_BASE_URL} (the token is appended to it)"
        )
    admins: set[int] = set()
    for part in env.get("HARBOUR_ADMINS", "").split(","):
        part = part.strip()
        if not part:
            continue
        if part.lstrip("-").isdigit():
            admins.add(int(part))
        else:
            problems.append(f"HARBOUR_ADMINS: {part!r} is not a Telegram user id (digits)")
    timezone = env.get("HARBOUR_TIMEZONE", "").strip() or None
    if timezone is not None:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(f"HARBOUR_TIMEZONE: unknown timezone {timezone!r}, e.g. Europe/London")
    catalog = Path(env.get("HARBOUR_CATALOG", "").strip() or "services_catalog/plymouth")
    if problems:
        raise ConfigError(problems)
    return Config(
        token=token,
        api_base_url=base_url,
        db_path=Path(env.get("HARBOUR_DB", "").strip() or "harbour.sqlite3"),
        catalog_path=catalog,
        admins=frozenset(admins),
        timezone=timezone,
    )
