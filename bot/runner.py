"""`harbour run` (long polling, or a webhook with a secret token) and `harbour demo`."""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import sys
from typing import Any
from urllib.parse import urlparse

from telegram import Update

from bot.catalog.loader import CatalogError
from bot.config import Config

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.MY_CHAT_MEMBER]


def register(sub: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    run = sub.add_parser(
        "run", parents=[common],
        help="run the bot (long polling; a demo when TELEGRAM_BOT_TOKEN is not set)",
    )
    run.add_argument("--webhook", metavar="URL", help="public HTTPS URL: run a webhook instead")
    run.add_argument("--listen", default="0.0.0.0", help="webhook listen address")
    run.add_argument("--port", type=int, default=8443, help="webhook listen port")
    run.add_argument(
        "--secret-token", default=os.environ.get("HARBOUR_WEBHOOK_SECRET"),
        help="webhook secret token (default: $HARBOUR_WEBHOOK_SECRET, else a random one)",
    )
    run.set_defaults(func=cmd_run)
    demo = sub.add_parser("demo", parents=[common], help="chat with the bot in the terminal")
    demo.set_defaults(func=cmd_demo)


def _logging() -> None:
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        level=logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its lines would show the token


def cmd_run(args: argparse.Namespace, config: Config) -> int:
    if not config.token:
        print("TELEGRAM_BOT_TOKEN is not set: starting the demo instead.", file=sys.stderr)
        return cmd_demo(args, config)
    from bot.app import build_application

    _logging()
    try:
        app = build_application(config)
    except CatalogError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    if args.webhook:
        secret = args.secret_token or secrets.token_urlsafe(32)
        app.run_webhook(
            listen=args.listen, port=args.port, url_path=urlparse(args.webhook).path.lstrip("/"),
            webhook_url=args.webhook, secret_token=secret, allowed_updates=ALLOWED_UPDATES,
        )
    else:
        app.run_polling(allowed_updates=ALLOWED_UPDATES)
    return 0


def cmd_demo(args: argparse.Namespace, config: Config) -> int:
    from bot.demo import run_demo

    logging.basicConfig(level=logging.WARNING)
    try:
        return run_demo(config)
    except CatalogError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
