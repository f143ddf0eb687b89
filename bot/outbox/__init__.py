"""The durable outbox: every reminder, notice and broadcast message is a row before it is sent.

No `telegram` import here: the Sender sends through an injected `send(chat_id, text)` that raises
`RetryAfter`, `Blocked`, `TransientError` or `PermanentError` (bot/handlers/delivery.py adapts
the Bot API's exceptions).

Row life: `pending` -> `claimed` -> `sent` | `failed` | `dropped` (or back to `pending` to retry).

Crash safety. Telegram offers no idempotency key and no way to ask "did this message arrive?",
so exactly-once delivery is impossible; what can be guaranteed is *at most once* per row, with
the uncertain rows made as few as possible and recorded, never silently skipped:

1. A small batch is claimed in one transaction: `status = 'claimed'`, `claimed_by = <run id>`
   (a fresh id per process). Nothing has been sent yet.
2. Just before the Bot API call for one row, `send_started_at` is committed in its own small
   transaction (and `attempts` counted). Only then is the request made.
3. After the call the outcome is committed: `sent` (with `sent_at`), or the retry / give-up.

On start (and before each drain) rows claimed by another run are orphans of a crash or kill -9
(one sender per database: the bot runs one process). They are resolved by what step they reached:

- `send_started_at IS NULL`: the request was never made, so the row goes back to `pending`
  and is sent once later. Nobody is skipped.
- `send_started_at` set: the request may or may not have reached Telegram. Re-sending could
  deliver a duplicate, so the row becomes `failed` with `error = 'interrupted: ...'` and is not
  re-sent (at most once). At most `max_in_flight` rows can be in this state per crash, all
  visible to staff. At-most-once is also the likelier-correct guess: the gap between the
  commit of step 2 and the request leaving is microseconds on a local socket, whereas the gap
  between Telegram accepting a message and step 3 committing is a network round trip, so a
  killed in-flight row has almost always been delivered already.

A graceful stop (`Sender.stop()`) lets in-flight calls finish and returns rows claimed but not
started to `pending`, so only a hard kill can leave an uncertain row.

Late rows: a row may carry `not_after` (reminders: their time plus a grace period; notices:
the event's start). A row found past it at claim time is `dropped` with `error = 'late'`, never
sent late. Rows of inactive (blocked) people are dropped at claim time too.
"""

from bot.outbox.sender import (
    Blocked,
    Limits,
    PermanentError,
    RetryAfter,
    Sender,
    SendError,
    TransientError,
)
from bot.outbox.store import OutboxRow, Progress, enqueue, progress, utc_iso

__all__ = [
    "Blocked", "Limits", "OutboxRow", "PermanentError", "Progress", "RetryAfter", "SendError",
    "Sender", "TransientError", "enqueue", "progress", "utc_iso",
]
