"""`harbour ask`: the answer a person would get, as text or JSON (a contract for other tools)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from bot.catalog.loader import load_or_raise
from bot.config import Config
from bot.search.engine import SearchEngine
from bot.search.lexicon import load_lexicon
from bot.search.render import answer_json, answer_text


def register(sub: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    ask = sub.add_parser("ask", parents=[common], help="answer one message as the bot would")
    ask.add_argument("text", nargs="?", help="the message")
    ask.add_argument("--lang", default="auto", help="reply language code, or auto")
    ask.add_argument("--near", help="LAT,LON of the person")
    ask.add_argument("--limit", type=int, default=3)
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    ask.add_argument("--jsonl", action="store_true", help="read JSON lines on stdin")
    ask.set_defaults(func=cmd_ask)


def parse_near(value: Any) -> tuple[float, float] | None:
    """'LAT,LON' or [lat, lon] into a pair; ValueError when malformed."""
    if value in (None, ""):
        return None
    parts = value.split(",") if isinstance(value, str) else list(value)
    if len(parts) != 2:
        raise ValueError(f"near must be LAT,LON, got {value!r}")
    lat, lon = float(parts[0]), float(parts[1])
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"near {value!r} is not a coordinate")
    return lat, lon


def build_engine(config: Config) -> SearchEngine:
    """From the catalog files (the CLI needs no database)."""
    source = load_or_raise(config.catalog_path)
    return SearchEngine(source.to_catalog(), load_lexicon(config.catalog_path))


def cmd_ask(args: argparse.Namespace, config: Config) -> int:
    engine = build_engine(config)
    if args.jsonl:
        for line in sys.stdin:
            if not line.strip():
                continue
            item: Any = None
            try:
                item = json.loads(line)
                lang = item.get("lang")
                answer = engine.ask(
                    str(item["text"]), language=None if lang in (None, "auto") else lang,
                    near=parse_near(item.get("near")), limit=args.limit,
                )
                out = {"id": item.get("id"), **answer_json(answer)}
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                out = {"id": item.get("id") if isinstance(item, dict) else None,
                       "error": f"bad input line: {exc}"}
            print(json.dumps(out, ensure_ascii=False), flush=True)
        return 0
    if not args.text:
        print("harbour ask: give the message text, or --jsonl", file=sys.stderr)
        return 2
    try:
        near = parse_near(args.near)
    except ValueError as exc:
        print(f"harbour ask: {exc}", file=sys.stderr)
        return 2
    answer = engine.ask(
        args.text, language=None if args.lang == "auto" else args.lang, near=near,
        limit=args.limit,
    )
    if args.json:
        print(json.dumps(answer_json(answer), ensure_ascii=False))
    else:
        print(answer_text(answer))
    return 0
