"""Per-person flood control: one person sending too fast is told once, then ignored a while."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum


class Verdict(Enum):
    OK = "ok"
    WARN = "warn"
    """over the limit just now: say 'slow down' once"""
    IGNORE = "ignore"


@dataclass
class _Track:
    times: deque[float] = field(default_factory=deque)
    muted_until: float = 0.0


@dataclass
class FloodGuard:
    limit: int = 20
    """messages allowed per window"""
    window: float = 60.0
    pause: float = 120.0
    """how long someone over the limit is ignored"""
    clock: Callable[[], float] = time.monotonic
    _tracks: dict[int, _Track] = field(default_factory=dict)

    def check(self, user_id: int) -> Verdict:
        now = self.clock()
        track = self._tracks.get(user_id)
        if track is None:
            if len(self._tracks) > 50_000:
                self._forget_idle(now)
            track = self._tracks[user_id] = _Track()
        if now < track.muted_until:
            return Verdict.IGNORE
        times = track.times
        while times and times[0] <= now - self.window:
            times.popleft()
        times.append(now)
        if len(times) > self.limit:
            track.muted_until = now + self.pause
            times.clear()
            return Verdict.WARN
        return Verdict.OK

    def _forget_idle(self, now: float) -> None:
        idle = [
            uid for uid, t in self._tracks.items()
            if now >= t.muted_until and (not t.times or t.times[-1] <= now - self.window)
        ]
        for uid in idle:
            del self._tracks[uid]
