"""Why a change was not made."""

from __future__ import annotations

from typing import Any


class InvalidValue(ValueError):
    """A typed value the catalog rules reject; the message says what is wrong (English)."""


class Conflict(Exception):
    """The service changed since the change was started; `current` is its state now."""

    def __init__(self, service_id: str, base: int, revision: int, current: dict[str, Any] | None):
        super().__init__(f"{service_id} is at revision {revision}, the change was based on {base}")
        self.service_id, self.base, self.revision, self.current = (
            service_id, base, revision, current,
        )


class NotFound(LookupError):
    """No such service, proposal or revision."""
