"""A broadcast to 5,000 subscribers through the real outbox Sender and PTB's Bot, against a local
Bot API stand-in that enforces Telegram's limits.

The stand-in (asyncio, stdlib only, 127.0.0.1) answers getMe and sendMessage; it answers 429
with `retry_after` when a message would make more than 30 in the last second overall or more
than one in the last second to one chat, and 403 for a set of blocked people. It records every
message it accepted, which is the ground truth for duplicates and losses.

The sender runs in a child process (`--worker`). With `--kill` the child is SIGKILLed midway
and started again on the same database, exactly as after a crash.

    python bench/broadcast.py [--subscribers 5000] [--blocked 50] [--kill]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import random
import signal
import sys
import tempfile
import time
from collections import Counter, deque
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import LANGUAGES  # noqa: E402
from bot.db import open_database  # noqa: E402
from bot.events.broadcast import Audience, start_broadcast  # noqa: E402
from bot.events.repo import subscribe  # noqa: E402
from bot.i18n import I18n  # noqa: E402
from bot.outbox.store import utc_iso  # noqa: E402

LIMIT = 30
TOKEN = "123:bench"
BOT_USER = {"id": 1, "is_bot": True, "first_name": "Harbour", "username": "harbour_bench_bot"}


class StandIn:
    """Telegram's limits, enforced on what arrives."""

    def __init__(self, blocked: set[int]) -> None:
        self.blocked = blocked
        self.accepted: list[tuple[float, int, str]] = []
        self.window: deque[float] = deque()
        self.last: dict[int, float] = {}
        self.too_many = 0
        self.forbidden = 0

    def send_message(self, chat_id: int, text: str) -> tuple[int, dict[str, Any]]:
        now = time.monotonic()
        while self.window and self.window[0] <= now - 1.0:
            self.window.popleft()
        if chat_id in self.blocked:
            self.forbidden += 1
            return 403, {"ok": False, "error_code": 403,
                         "description": "Forbidden: bot was blocked by the user"}
        if len(self.window) >= LIMIT or now - self.last.get(chat_id, -9.0) < 1.0:
            self.too_many += 1
            return 429, {"ok": False, "error_code": 429,
                         "description": "Too Many Requests: retry after 1",
                         "parameters": {"retry_after": 1}}
        self.window.append(now)
        self.last[chat_id] = now
        self.accepted.append((now, chat_id, text))
        message = {"message_id": len(self.accepted), "date": int(time.time()), "text": text,
                   "chat": {"id": chat_id, "type": "private"}, "from": BOT_USER}
        return 200, {"ok": True, "result": message}

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1]
                headers = {k.lower(): v.strip() for k, _, v in
                           (line.partition(":") for line in lines[1:] if line)}
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                status, answer = self.route(path.rsplit("/", 1)[-1], body,
                                            headers.get("content-type", ""))
                data = json.dumps(answer).encode()
                writer.write(f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n"
                             f"Content-Length: {len(data)}\r\n\r\n".encode() + data)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    def route(self, method: str, body: bytes, content_type: str) -> tuple[int, dict[str, Any]]:
        if "json" in content_type:
            params = json.loads(body or b"{}")
        else:
            params = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        if method == "sendMessage":
            return self.send_message(int(params["chat_id"]), str(params.get("text", "")))
        if method == "getMe":
            return 200, {"ok": True, "result": BOT_USER}
        return 200, {"ok": True, "result": True}


# -- the sender process ----------------------------------------------------------------------
async def worker(db_path: str, base_url: str) -> None:
    from telegram import Bot
    from telegram.request import HTTPXRequest

    from bot.handlers.delivery import telegram_send
    from bot.outbox import Sender

    db = await open_database(db_path)
    bot = Bot(TOKEN, base_url=base_url, request=HTTPXRequest(connection_pool_size=16))
    await bot.initialize()
    sender = Sender(db, telegram_send(bot), clock=lambda: dt.datetime.now(dt.UTC))
    await sender.drain(follow=True)
    await bot.shutdown()
    await db.close()
    print(json.dumps(dict(sender.stats)), flush=True)


# -- the bench -------------------------------------------------------------------------------
async def prepare(db_path: Path, subscribers: int, blocked: int) -> set[int]:
    db = await open_database(db_path)
    now = dt.datetime.now(dt.UTC)
    rng = random.Random(8)
    ids = list(range(10_001, 10_001 + subscribers))
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO users (telegram_id, language, created_at, last_seen) VALUES (?, ?, ?, ?)",
            [(u, rng.choice(LANGUAGES), utc_iso(now), utc_iso(now)) for u in ids],
        )
    for user in ids:
        await subscribe(db, user, "social", now)
    texts = {"en": "The drop-in moves to the library on Friday.",
             "ar": "ينتقل اللقاء إلى المكتبة يوم الجمعة.",
             "uk": "У п'ятницю зустріч у бібліотеці."}
    _, count = await start_broadcast(db, I18n(), created_by=1,
                                     audience=Audience("category", "social"), texts=texts, now=now)
    assert count == subscribers
    await db.close()
    return set(rng.sample(ids, blocked))


async def run_worker(db_path: Path, url: str, kill_after: int | None, standin: StandIn
                     ) -> tuple[asyncio.subprocess.Process, bool]:
    child = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--worker", "--db", str(db_path), "--url", url,
        stdout=asyncio.subprocess.PIPE,
    )
    killed = False
    while child.returncode is None:
        if kill_after is not None and len(standin.accepted) >= kill_after:
            os.kill(child.pid, signal.SIGKILL)
            killed = True
            break
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(child.wait(), 0.01)
    await child.wait()
    return child, killed


async def bench(subscribers: int, blocked_count: int, kill: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "bench.sqlite3"
        blocked = await prepare(db_path, subscribers, blocked_count)
        standin = StandIn(blocked)
        server = await asyncio.start_server(standin.handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        url = f"http://127.0.0.1:{port}/bot"
        started = time.monotonic()
        spans = []
        first, killed = await run_worker(db_path, url, subscribers // 2 if kill else None, standin)
        spans.append(time.monotonic() - started)
        cut = len(standin.accepted)
        stats: dict[str, Any] = {}
        if killed:
            restart = time.monotonic()
            second, _ = await run_worker(db_path, url, None, standin)
            spans.append(time.monotonic() - restart)
            stats = json.loads((await second.stdout.read()).decode() or "{}")  # type: ignore[union-attr]
        else:
            stats = json.loads((await first.stdout.read()).decode() or "{}")  # type: ignore[union-attr]
        server.close()
        db = await open_database(db_path)
        inactive = await db.fetchone(
            f"SELECT COUNT(*) FROM users WHERE active = 0 AND telegram_id IN "
            f"({','.join(map(str, blocked))})")
        statuses = dict(await db.fetchall("SELECT status, COUNT(*) FROM outbox GROUP BY status"))
        await db.close()
    got = Counter(chat for _, chat, _ in standin.accepted)
    wanted = set(range(10_001, 10_001 + subscribers)) - blocked
    runs = [standin.accepted[:cut], standin.accepted[cut:]]
    span = sum(r[-1][0] - r[0][0] for r in runs if len(r) > 1)
    rate = (len(standin.accepted) - len(runs)) / span if span else 0.0
    """while a sender runs: the restart's downtime (a new process) is not the sender's pace"""
    return {
        "variant": "kill -9 midway and restart" if kill else "one run",
        "subscribers": subscribers, "blocked": len(blocked),
        "delivered": len(got), "rate_per_s": rate, "share_of_30": rate / LIMIT,
        "wall_s": sum(spans), "kill_after": cut if killed else None,
        "too_many_429": standin.too_many, "forbidden_403": standin.forbidden,
        "duplicates": sum(n - 1 for n in got.values() if n > 1),
        "losses": len(wanted - set(got)),
        "blocked_marked_inactive": inactive[0] if inactive else 0,
        "outbox": statuses, "killed": killed, "sender_stats_last_run": stats,
    }


def report(r: dict[str, Any]) -> None:
    print(f"== broadcast to {r['subscribers']:,} subscribers ({r['variant']})")
    print(f"delivered {r['delivered']:,}, {r['blocked']} blocked, wall {r['wall_s']:.1f} s")
    print(f"achieved rate {r['rate_per_s']:.2f} msg/s = {r['share_of_30']:.3f} of 30/s "
          f"(target >= 0.9)")
    print(f"429 received {r['too_many_429']}, 403 received {r['forbidden_403']}")
    print(f"duplicates {r['duplicates']}, losses {r['losses']}, blocked marked inactive "
          f"{r['blocked_marked_inactive']}/{r['blocked']}")
    print(f"outbox rows by status {r['outbox']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--subscribers", type=int, default=5000)
    parser.add_argument("--blocked", type=int, default=50)
    parser.add_argument("--kill", action="store_true", help="SIGKILL the sender midway")
    parser.add_argument("--both", action="store_true", help="run both variants")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        asyncio.run(worker(args.db, args.url))
        return 0
    variants = (False, True) if args.both else (args.kill,)
    ok = True
    for kill in variants:
        result = asyncio.run(bench(args.subscribers, args.blocked, kill))
        print(json.dumps(result)) if args.json else report(result)
        ok = ok and result["duplicates"] == 0 and result["share_of_30"] >= 0.9
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
