"""The Sender: claims due outbox rows in small batches and sends them within Telegram's limits."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.db import Database
from bot.outbox import store
from bot.outbox.pacing import Pacer
from bot.outbox.store import OutboxRow

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
SendFn = Callable[[int, str], Awaitable[None]]


class SendError(Exception):
    """What an injected `send` raises; anything else counts as transient."""


class RetryAfter(SendError):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"flood control: retry after {seconds:g} s")
        self.seconds = seconds


class Blocked(SendError):
    """The person blocked the bot (or deleted their account)."""


class TransientError(SendError):
    """Worth trying again later (network, 5xx)."""


class PermanentError(SendError):
    """Will never succeed (e.g. chat not found, malformed message)."""


@dataclass(frozen=True)
class Limits:
    per_window: int = 30
    """at most this many sends start in any `window` seconds (Telegram: 30 a second)"""
    window: float = 1.04
    chat_interval: float = 1.04
    """one message per chat per second; the margin absorbs network jitter"""
    batch: int = 20
    max_in_flight: int = 8
    max_attempts: int = 5
    backoff: float = 5.0
    """first retry after this many seconds, doubling each time"""
    backoff_cap: float = 600.0


class Sender:
    """One per process. `drain()` sends everything due; `stop()` ends it gracefully."""

    def __init__(
        self, db: Database, send: SendFn, *, clock: Clock, limits: Limits | None = None,
        pacer: Pacer | None = None, run_id: str | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> None:
        self.db = db
        self.send = send
        self.clock = clock
        self.limits = limits or Limits()
        self.pacer = pacer or Pacer(
            self.limits.per_window, self.limits.window, self.limits.chat_interval
        )
        self.run_id = run_id or uuid.uuid4().hex
        self.stats: Counter[str] = Counter()
        self._lock = asyncio.Lock()
        self._stopping = False
        self._recovered = False
        self._should_stop = should_stop or (lambda: False)

    @property
    def busy(self) -> bool:
        return self._lock.locked()

    @property
    def stopping(self) -> bool:
        return self._stopping or self._should_stop()

    async def recover(self) -> None:
        back, lost = await store.recover(self.db, self.run_id, self.clock())
        self.stats["recovered"] += back
        self.stats["interrupted"] += lost
        if back or lost:
            log.warning("outbox recovery: %d rows back to pending, %d marked interrupted",
                        back, lost)
        self._recovered = True

    async def drain(self, *, follow: bool = False) -> int:
        """Send every due row; with `follow`, also wait for rows due later until none is
        pending. Return how many were sent by this call."""
        async with self._lock:
            if not self._recovered:
                await self.recover()
            before = self.stats["sent"]
            in_flight = asyncio.Semaphore(self.limits.max_in_flight)
            tasks: set[asyncio.Task[None]] = set()
            while not self.stopping:
                rows = await store.claim(self.db, self.run_id, self.clock(), self.limits.batch)
                if not rows:
                    if follow and not self.stopping and await self._wait_for_more(tasks):
                        continue
                    break
                await self._dispatch(rows, in_flight, tasks)
            if tasks:
                await asyncio.gather(*tasks)
            return self.stats["sent"] - before

    async def stop(self) -> None:
        """Let in-flight calls finish, put claimed-but-unstarted rows back, then return."""
        self._stopping = True
        async with self._lock:
            pass
        self._stopping = False

    async def _wait_for_more(self, tasks: set[asyncio.Task[None]]) -> bool:
        if tasks:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            return True
        due = await store.next_due(self.db)
        if due is None:
            return False
        await self.pacer.sleep(min(max((due - self.clock()).total_seconds(), 0.01), 5.0))
        return True

    async def _dispatch(
        self, rows: list[OutboxRow], in_flight: asyncio.Semaphore,
        tasks: set[asyncio.Task[None]],
    ) -> None:
        for n, row in enumerate(rows):
            if self.stopping:
                for left in rows[n:]:
                    await store.release(self.db, left.id, self.clock())
                return
            wait = self.pacer.chat_wait(row.user_id)
            if wait > 0:  # this chat had a message under a second ago: its turn comes later
                await store.release(self.db, row.id, self.clock() + dt.timedelta(seconds=wait))
                continue
            await in_flight.acquire()
            await self.pacer.acquire(row.user_id)
            await store.mark_started(self.db, row.id, self.clock())
            task = asyncio.create_task(self._deliver(row, in_flight))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            await asyncio.sleep(0)  # let the request leave now, in its paced slot

    async def _deliver(self, row: OutboxRow, in_flight: asyncio.Semaphore) -> None:
        try:
            await self._attempt(row)
        finally:
            in_flight.release()

    async def _attempt(self, row: OutboxRow) -> None:
        attempts = row.attempts + 1
        try:
            await self.send(row.user_id, row.text)
        except RetryAfter as exc:
            self.stats["retry_after"] += 1
            self.pacer.pause(exc.seconds)
            at = self.clock() + dt.timedelta(seconds=exc.seconds)
            await store.release(self.db, row.id, at, str(exc), uncount=True)
        except Blocked:
            self.stats["blocked"] += 1
            await store.mark_blocked(self.db, row.id, row.user_id)
        except PermanentError as exc:
            self.stats["failed"] += 1
            await store.give_up(self.db, row.id, f"permanent: {exc}")
        except Exception as exc:  # TransientError, and anything the adapter did not expect
            if attempts >= self.limits.max_attempts:
                self.stats["failed"] += 1
                await store.give_up(self.db, row.id, f"gave up after {attempts} attempts: {exc}")
            else:
                self.stats["retried"] += 1
                delay = min(self.limits.backoff * 2 ** (attempts - 1), self.limits.backoff_cap)
                at = self.clock() + dt.timedelta(seconds=delay)
                await store.release(self.db, row.id, at, f"attempt {attempts}: {exc}")
        else:
            self.stats["sent"] += 1
            await store.mark_sent(self.db, row.id, self.clock())
