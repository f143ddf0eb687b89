"""The `harbour` command line."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bot.catalog.export import export_hsds, export_yaml
from bot.catalog.loader import CatalogSource, load_catalog
from bot.catalog.stats import catalog_stats, format_stats
from bot.catalog.store import ImportConflict, import_catalog, is_empty, live_source
from bot.config import Config, ConfigError, load_config
from bot.db import Database, open_database

Command = Callable[[argparse.Namespace, Config], int]


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS, help="SQLite database path")
    common.add_argument("--catalog", default=argparse.SUPPRESS, help="catalog region directory")
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = argparse.ArgumentParser(
        prog="harbour", parents=[common],
        description="Harbour: a multilingual bot connecting refugees to local services.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    catalog = sub.add_parser("catalog", help="validate, import, export and count the catalog")
    csub = catalog.add_subparsers(dest="action", required=True)
    validate = csub.add_parser("validate", parents=[common], help="check catalog files")
    validate.add_argument("path", nargs="?", help="region directory (default: --catalog)")
    validate.set_defaults(func=cmd_validate)
    imp = csub.add_parser("import", parents=[common], help="load the files into the database")
    imp.add_argument("--force", action="store_true", help="overwrite entries edited in the chat")
    imp.set_defaults(func=cmd_import)
    exp = csub.add_parser("export", parents=[common], help="write the live catalog out")
    exp.add_argument("--format", choices=("yaml", "hsds", "csv"), default="yaml")
    exp.add_argument("--out", required=True, help="output directory")
    exp.set_defaults(func=cmd_export)
    stats = csub.add_parser("stats", parents=[common], help="counts per category and language")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(func=cmd_stats)
    for register in _extra_commands():
        register(sub, common)
    return parser


Register = Callable[["argparse._SubParsersAction[Any]", argparse.ArgumentParser], None]


def _extra_commands() -> list[Register]:
    """Commands of other packages, imported lazily so the catalog commands stay light."""
    from bot.events.cli import register as register_events
    from bot.i18n_status import register as register_i18n
    from bot.search.cli import register as register_ask

    commands: list[Register] = [register_ask, register_i18n, register_events]
    try:
        from bot.runner import register as register_run
    except ImportError:  # the Telegram layer is not built yet: say so instead of failing
        return [*commands, _register_placeholder_run]
    return [*commands, register_run]


def _register_placeholder_run(
    sub: argparse._SubParsersAction[Any], common: argparse.ArgumentParser
) -> None:
    run = sub.add_parser("run", parents=[common], help="run the bot (not built yet)")
    run.set_defaults(func=_placeholder_run)


def _placeholder_run(args: argparse.Namespace, config: Config) -> int:
    print(
        "The Telegram bot is not part of this build yet. Meanwhile you can ask questions as a\n"
        "person would:  harbour ask \"I need English classes\"\n"
    )
    build_parser().print_help()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        config = load_config()
        config = config.with_paths(getattr(args, "db", None), getattr(args, "catalog", None))
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"configuration: {problem}", file=sys.stderr)
        return 2
    func: Command = args.func
    return func(args, config)


def load_files_or_report(path: Path) -> CatalogSource | None:
    result = load_catalog(path)
    if not result.ok or result.source is None:
        for problem in result.problems:
            print(problem)
        print(f"{len(result.problems)} problem(s) in {path}", file=sys.stderr)
        return None
    return result.source


async def open_live(config: Config, files: CatalogSource) -> tuple[Database, CatalogSource]:
    """Open the database, importing the files first when it holds no catalog yet."""
    db = await open_database(config.db_path)
    if await is_empty(db):
        await import_catalog(db, files)
    return db, await live_source(db, files)


def cmd_validate(args: argparse.Namespace, config: Config) -> int:
    path = Path(args.path) if args.path else config.catalog_path
    source = load_files_or_report(path)
    if source is None:
        return 1
    catalog = source.to_catalog()
    print(
        f"{path}: valid: {len(catalog.organizations)} organisations, {len(catalog.services)} "
        f"services, {len(catalog.categories)} categories"
    )
    return 0


def cmd_import(args: argparse.Namespace, config: Config) -> int:
    source = load_files_or_report(config.catalog_path)
    if source is None:
        print("nothing was imported; the database is unchanged", file=sys.stderr)
        return 1

    async def run() -> int:
        db = await open_database(config.db_path)
        try:
            report = await import_catalog(db, source, force=args.force)
        except ImportConflict as exc:
            print(f"import stopped, nothing changed: {exc}", file=sys.stderr)
            return 1
        finally:
            await db.close()
        print(f"imported {config.catalog_path} into {config.db_path}: {report.summary()}")
        return 0

    return asyncio.run(run())


def read_live(config: Config) -> CatalogSource | None:
    """The live catalog (the database, filled from the files when empty); None on bad files."""
    files = load_files_or_report(config.catalog_path)
    if files is None:
        return None

    async def run() -> CatalogSource:
        db, live = await open_live(config, files)
        await db.close()
        return live

    return asyncio.run(run())


def cmd_export(args: argparse.Namespace, config: Config) -> int:
    live = read_live(config)
    if live is None:
        return 1
    out = Path(args.out)
    if args.format == "yaml":
        written = export_yaml(live, config.catalog_path.parent / "taxonomy.yaml", out)
    else:
        written = export_hsds(live, out, args.format)
    print(f"wrote {len(written)} files to {out}")
    return 0


def cmd_stats(args: argparse.Namespace, config: Config) -> int:
    live = read_live(config)
    if live is None:
        return 1
    stats = catalog_stats(live.to_catalog())
    print(json.dumps(stats, indent=2) if args.json else format_stats(stats))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
