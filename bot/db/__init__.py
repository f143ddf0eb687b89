"""SQLite storage: one aiosqlite connection per process, migrations by PRAGMA user_version."""

from bot.db.database import Database, open_database

__all__ = ["Database", "open_database"]
