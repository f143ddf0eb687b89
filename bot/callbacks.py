"""Versioned callback data for inline buttons: `v1:<kind>:<args>`, at most 64 bytes.

`decode` is strict: anything not produced by `encode` of this version is None, and the handlers
treat None (and ids that no longer exist) as "this button has expired".
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from bot import LANGUAGES

VERSION = "v1"
MAX_BYTES = 64
_ID = r"[a-z0-9][a-z0-9_-]{0,39}"
_REF = r"~[0-9a-f]{10}|[a-z0-9][a-z0-9_-]{0,39}"
MAX_PLAIN_ID = 40
"""longer service ids travel as a short hash (`~` and 10 hex digits)"""
_PAGE = r"(?:0|[1-9][0-9]{0,2})"
_LANG = "|".join(LANGUAGES)
KINDS: dict[str, tuple[str, ...]] = {
    "svc": (_REF,),  # a service card
    "more": (_REF,),  # more services like this one
    "cats": (_PAGE,),  # a page of the category menu
    "cat": (_ID, _PAGE),  # a page of one category's services
    "lang": (f"(?:{_LANG})",),  # choose a language
    "fb": ("[01]", _REF),  # did this help? 1 yes / 0 no, for a service
    "forget": ("(?:yes|no)",),  # confirm or cancel erasing
    "emergency": (),  # show the emergency lines
}


@lru_cache(maxsize=8192)
def service_ref(service_id: str) -> str:
    """How a service is named in callback data: its id, or a short hash of a long id."""
    if len(service_id) <= MAX_PLAIN_ID and re.fullmatch(_ID, service_id):
        return service_id
    return "~" + hashlib.sha256(service_id.encode()).hexdigest()[:10]


class CallbackError(ValueError):
    pass


@dataclass(frozen=True)
class Callback:
    kind: str
    args: tuple[str, ...]

    def arg(self, n: int) -> str:
        return self.args[n]

    def page(self, n: int) -> int:
        return int(self.args[n])


class Codec:
    """`<version>:<kind>:<args>` for one family of buttons, at most MAX_BYTES, strict both ways:
    each kind has a fixed number of arguments, each matching its pattern."""

    def __init__(self, version: str, kinds: Mapping[str, tuple[str, ...]]) -> None:
        self.version = version
        self._patterns = {
            kind: [re.compile(f"(?:{p})") for p in parts] for kind, parts in kinds.items()
        }

    def encode(self, kind: str, *args: object) -> str:
        """The callback data for a button; raises CallbackError if it would not decode back."""
        data = ":".join((self.version, kind, *(str(a) for a in args)))
        if self.decode(data) != Callback(kind, tuple(str(a) for a in args)):
            raise CallbackError(f"cannot encode {kind} {args!r} as callback data")
        return data

    def decode(self, data: object) -> Callback | None:
        """The callback, or None for anything malformed, too long, of another version or
        unknown."""
        if not isinstance(data, str) or len(data.encode("utf-8")) > MAX_BYTES:
            return None
        parts = data.split(":")
        if len(parts) < 2 or parts[0] != self.version or parts[1] not in self._patterns:
            return None
        kind, args = parts[1], tuple(parts[2:])
        patterns = self._patterns[kind]
        if len(args) != len(patterns):
            return None
        if not all(p.fullmatch(a) for p, a in zip(patterns, args, strict=True)):
            return None
        return Callback(kind, args)

    def matches(self, data: object) -> bool:
        """A CallbackQueryHandler pattern accepting any valid data of this family."""
        return self.decode(data) is not None


_V1 = Codec(VERSION, KINDS)
decode = _V1.decode


@lru_cache(maxsize=8192)
def encode(kind: str, *args: object) -> str:
    """`v1` callback data for a button (remembered: buttons repeat); see `Codec.encode`."""
    return _V1.encode(kind, *args)


def matcher(*kinds: str) -> Callable[[object], bool]:
    """A CallbackQueryHandler pattern accepting valid data of these kinds."""

    def matches(data: object) -> bool:
        found = decode(data)
        return found is not None and found.kind in kinds

    return matches
