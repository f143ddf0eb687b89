"""Harbour: a multilingual Telegram bot connecting refugees to local services."""

__version__ = "0.1.0"

LANGUAGES: tuple[str, ...] = (
    "en", "ar", "fa", "ps", "ckb", "uk", "ru", "tr", "bg", "fr", "es", "el", "so", "ti",
)
"""The languages Harbour speaks, in menu order."""

RTL_LANGUAGES = frozenset({"ar", "fa", "ps", "ckb"})
