"""Telegram's limits on our side: N starts per sliding window overall, evenly spaced (bursts
would put more requests in flight at once, and more at stake in a crash), one per chat per
interval, and a global pause when Telegram answers RetryAfter. Time and sleep are injectable."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable

Monotonic = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class Pacer:
    def __init__(
        self, per_window: int = 30, window: float = 1.04, chat_interval: float = 1.04, *,
        monotonic: Monotonic = time.monotonic, sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.per_window = per_window
        self.window = window
        self.chat_interval = chat_interval
        self.monotonic = monotonic
        self.sleep = sleep
        self._starts: deque[float] = deque()
        self._chat_last: dict[int, float] = {}
        self._paused_until = 0.0
        self._next_slot = float("-inf")
        self.spacing = window / per_window

    def chat_wait(self, chat_id: int) -> float:
        """Seconds until this chat may receive again (0: now)."""
        last = self._chat_last.get(chat_id)
        if last is None:
            return 0.0
        return max(0.0, last + self.chat_interval - self.monotonic())

    def pause(self, seconds: float) -> None:
        """Telegram asked us to wait: nothing starts before then."""
        self._paused_until = max(self._paused_until, self.monotonic() + seconds)

    async def acquire(self, chat_id: int) -> None:
        """Wait for a free slot overall (and the end of any pause), then take it for this chat."""
        while True:
            now = self.monotonic()
            while self._starts and self._starts[0] + self.window <= now:
                self._starts.popleft()
            wait = max(self._paused_until - now, self._next_slot - now)
            if len(self._starts) >= self.per_window:  # full: wait for the oldest to leave
                wait = max(wait, self._starts[0] + self.window - now, 1e-4)
            wait = max(wait, self.chat_wait(chat_id))
            if wait <= 0:
                break
            await self.sleep(wait)
        now = self.monotonic()
        self._starts.append(now)
        # keep to the planned cadence (a late start lets the next one catch up, by at most
        # half a slot); the sliding window above still bounds every second
        self._next_slot = max(self._next_slot + self.spacing, now + self.spacing / 2)
        self._chat_last[chat_id] = now
        if len(self._chat_last) > 10_000:  # forget chats long past their interval
            cutoff = now - self.chat_interval
            self._chat_last = {c: t for c, t in self._chat_last.items() if t > cutoff}
