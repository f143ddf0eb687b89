"""`harbour events import FILE.ics` (and `harbour events list`)."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from bot import LANGUAGES
from bot.config import Config
from bot.db import open_database
from bot.events.ical import import_events, parse
from bot.events.repo import events_between


def register(sub: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    events = sub.add_parser("events", help="import and list events")
    esub = events.add_subparsers(dest="action", required=True)
    imp = esub.add_parser("import", parents=[common], help="import an iCalendar (.ics) file")
    imp.add_argument("file", help="the .ics file ('-' for standard input)")
    imp.add_argument("--weeks", type=int, default=12,
                     help="expand recurring events this many weeks ahead (default 12)")
    imp.add_argument("--from", dest="start", type=dt.date.fromisoformat, default=None,
                     help="window start, YYYY-MM-DD (default today)")
    imp.add_argument("--language", default="en", choices=LANGUAGES,
                     help="the language the file is written in (default en)")
    imp.set_defaults(func=cmd_import)
    listing = esub.add_parser("list", parents=[common], help="events of the coming weeks")
    listing.add_argument("--weeks", type=int, default=2)
    listing.set_defaults(func=cmd_list)


def region_timezone(config: Config) -> ZoneInfo:
    """HARBOUR_TIMEZONE, else the region file's timezone, else Europe/London."""
    if config.timezone:
        return ZoneInfo(config.timezone)
    region = config.catalog_path / "region.yaml"
    doc = yaml.safe_load(region.read_text(encoding="utf-8")) if region.is_file() else {}
    return ZoneInfo(str((doc or {}).get("timezone") or "Europe/London"))


def cmd_import(args: argparse.Namespace, config: Config) -> int:
    tz = region_timezone(config)
    now = dt.datetime.now(tz)
    start = dt.datetime.combine(args.start, dt.time(0), tzinfo=tz) if args.start else now
    try:
        data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
        found = parse(data, tz, start, dt.timedelta(weeks=args.weeks), args.language)
    except (OSError, ValueError) as exc:
        print(f"cannot import {args.file}: {exc}", file=sys.stderr)
        return 1

    async def run() -> int:
        db = await open_database(config.db_path)
        try:
            report = await import_events(db, found, now)
        finally:
            await db.close()
        print(f"imported {args.file} into {config.db_path}: {report.created} new occurrences, "
              f"{report.skipped} already there")
        return 0

    return asyncio.run(run())


def cmd_list(args: argparse.Namespace, config: Config) -> int:
    tz = region_timezone(config)
    now = dt.datetime.now(tz)

    async def run() -> int:
        db = await open_database(config.db_path)
        try:
            found = await events_between(db, now, now + dt.timedelta(weeks=args.weeks),
                                         include_cancelled=True)
        finally:
            await db.close()
        for event in found:
            start = event.starts_at.astimezone(tz)
            print(f"{event.id:>5}  {start:%a %d %b %H:%M}  {event.status:<9}  "
                  f"{event.category:<8}  {event.text('en').title}")
        print(f"{len(found)} event(s)")
        return 0

    return asyncio.run(run())
