"""`harbour run` against a local Bot API server given by TELEGRAM_API_BASE_URL, and the demo."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

from bot.config import Config
from bot.demo import chat
from bot.fakeapi import BOT_USER
from tests.conftest import REAL_CATALOG, ROOT

TOKEN = "123456:test-token"
PERSON = 77


class LocalBotAPI:
    """A tiny Bot API server: one /start update, then empty long polls; records every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.replied = threading.Event()
        self.delivered = False
        self.next_id = 0
        self.lock = threading.Lock()

    def answer(self, method: str, params: dict[str, Any]) -> Any:
        with self.lock:
            self.calls.append((method, params))
        if method == "getMe":
            return BOT_USER
        if method == "getUpdates":
            if not self.delivered:
                self.delivered = True
                return [{"update_id": 1, "message": {
                    "message_id": 1, "date": int(time.time()), "text": "/start",
                    "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                    "chat": {"id": PERSON, "type": "private"},
                    "from": {"id": PERSON, "is_bot": False, "first_name": "A"},
                }}]
            time.sleep(0.1)
            return []
        if method == "sendMessage":
            self.next_id += 1
            if "Welcome" in str(params.get("text")):
                self.replied.set()
            return {"message_id": self.next_id, "date": int(time.time()), "text": params["text"],
                    "chat": {"id": int(params["chat_id"]), "type": "private"}, "from": BOT_USER}
        return True


@pytest.fixture
def server() -> Iterator[tuple[LocalBotAPI, str]]:
    api = LocalBotAPI()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            if "json" in (self.headers.get("Content-Type") or ""):
                params = json.loads(body or "{}")
            else:
                params = {k: _value(v[0]) for k, v in parse_qs(body).items()}
            prefix = f"/bot{TOKEN}/"
            if not self.path.startswith(prefix):
                self.send_response(404)
                self.end_headers()
                return
            result = api.answer(self.path[len(prefix):], params)
            payload = json.dumps({"ok": True, "result": result}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST

        def log_message(self, *args: Any) -> None:
            return

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield api, f"http://127.0.0.1:{httpd.server_address[1]}/bot"
    httpd.shutdown()
    httpd.server_close()


def _value(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def test_harbour_run_polls_the_server_from_the_environment(
    server: tuple[LocalBotAPI, str], tmp_path: Path
) -> None:
    api, base_url = server
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": base_url,
           "HARBOUR_DB": str(tmp_path / "run.sqlite3"), "HARBOUR_CATALOG": str(REAL_CATALOG)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run"], cwd=tmp_path, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        assert api.replied.wait(120), "the bot never answered /start"
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, output
    methods = [m for m, _ in api.calls]
    assert methods[0] == "getMe" and "setMyCommands" in methods and "getUpdates" in methods
    polls = [p for m, p in api.calls if m == "getUpdates"]
    assert "my_chat_member" in polls[0]["allowed_updates"]
    assert TOKEN.split(":")[1] not in output  # the token is never logged


async def test_demo_runs_from_piped_input(tmp_path: Path) -> None:
    config = Config(db_path=tmp_path / "demo.sqlite3", catalog_path=REAL_CATALOG)
    stdin = io.StringIO("1\nI need a doctor\n/categories\n1\n/quit\n")
    out = io.StringIO()
    assert await chat(config, stdin, out) == 0
    text = out.getvalue()
    assert "[1] English" in text and "Language: English" in text
    assert "DCRS Health Point" in text and "👍 This helped" in text
    assert "bot (edited)> " in text and "Goodbye." in text


def test_run_without_a_token_starts_the_demo(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env["HARBOUR_DB"] = str(tmp_path / "demo.sqlite3")
    env["HARBOUR_CATALOG"] = str(REAL_CATALOG)
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"], cwd=tmp_path, env=env, input="/help\n",
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "starting the demo" in done.stderr and "/forget" in done.stdout
    assert (ROOT / "bot" / "demo.py").exists()
