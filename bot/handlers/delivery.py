"""The outbox meets Telegram: the Bot API adapter for the Sender, and the JobQueue jobs that
drive the sender and the reminder planning (`schedule_jobs(app)`, called from post_init)."""

from __future__ import annotations

import datetime as dt
import logging

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError, TimedOut
from telegram.error import RetryAfter as TelegramRetryAfter

from bot.events.planning import Planner
from bot.handlers.common import App, Context
from bot.outbox import Blocked, PermanentError, RetryAfter, Sender, TransientError
from bot.outbox.sender import SendFn
from bot.state import SERVICES_KEY, Services

log = logging.getLogger(__name__)

SENDER_KEY = "outbox_sender"
PLANNER_KEY = "events_planner"
SEND_EVERY = 1.0
"""seconds between drains when the outbox is idle"""
PLAN_EVERY = 60.0


def telegram_send(bot: Bot) -> SendFn:
    """`send(chat_id, html)` raising the outbox's typed errors."""

    async def send(chat_id: int, text: str) -> None:
        try:
            await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)
        except TelegramRetryAfter as exc:
            wait = exc.retry_after
            raise RetryAfter(wait.total_seconds() if isinstance(wait, dt.timedelta)
                             else float(wait)) from exc
        except Forbidden as exc:
            raise Blocked(exc.message) from exc
        except BadRequest as exc:
            raise PermanentError(exc.message) from exc
        except TimedOut as exc:
            if "not* sent" in exc.message:  # pool timeout: the request never left
                raise TransientError(exc.message) from exc
            # the request may have reached Telegram: at most once, never a duplicate
            raise PermanentError(f"timed out, delivery unknown: {exc.message}") from exc
        except NetworkError as exc:
            raise TransientError(exc.message) from exc
        except TelegramError as exc:
            raise TransientError(exc.message) from exc

    return send


def sender(app: App) -> Sender:
    found: Sender = app.bot_data[SENDER_KEY]
    return found


def planner(app: App) -> Planner:
    found: Planner = app.bot_data[PLANNER_KEY]
    return found


def schedule_jobs(app: App) -> None:
    """Create the Sender and Planner and start their jobs. The schedule itself lives in the
    database (outbox rows with their times), so a restart loses nothing."""
    svc: Services = app.bot_data[SERVICES_KEY]
    app.bot_data[SENDER_KEY] = Sender(
        svc.db, telegram_send(app.bot), clock=svc.now, should_stop=lambda: not app.running,
    )
    app.bot_data[PLANNER_KEY] = Planner(svc.db, svc.i18n, svc.engine.tz)
    if app.job_queue is None:
        log.warning("no JobQueue: reminders and broadcasts will not be sent")
        return
    app.job_queue.run_repeating(plan_job, interval=PLAN_EVERY, first=1.0, name="events:plan")
    app.job_queue.run_once(send_job, when=SEND_EVERY, name="outbox:send")


async def plan_job(context: Context) -> None:
    svc: Services = context.bot_data[SERVICES_KEY]
    planned, dropped = await planner(context.application).plan_reminders(svc.now())
    if planned or dropped:
        log.info("reminders: %d planned, %d dropped as late", planned, dropped)


async def send_job(context: Context) -> None:
    """Drain the outbox, then come back in a second. One chain of one-off jobs, so runs never
    overlap; it stops between two messages when the application stops."""
    app = context.application
    try:
        await sender(app).drain()
    except Exception:
        log.exception("outbox drain failed")
    finally:
        if app.running and context.job_queue is not None:
            context.job_queue.run_once(send_job, when=SEND_EVERY, name="outbox:send")
