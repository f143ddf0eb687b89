-- Events, subscriptions, reminder requests, broadcasts and the durable outbox.
-- Times are UTC ISO strings of one fixed form ('YYYY-MM-DDTHH:MM:SS+00:00'), so they compare as
-- text. Rows about a person cascade away with the users row (/forget).
CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uid TEXT UNIQUE,
    series_id TEXT,
    category TEXT NOT NULL,
    venue TEXT NOT NULL DEFAULT '',
    service_id TEXT,
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    recurrence TEXT CHECK (recurrence IN ('weekly')),
    capacity_note TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'scheduled'
        CHECK (status IN ('scheduled', 'cancelled', 'moved')),
    created_by INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX events_by_start ON events(starts_at);
CREATE INDEX events_by_series ON events(series_id);

CREATE TABLE event_translations (
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (event_id, language)
);

CREATE TABLE subscriptions (
    user_id INTEGER NOT NULL REFERENCES users(telegram_id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, category)
);
CREATE INDEX subscriptions_by_category ON subscriptions(category);

CREATE TABLE reminders_requested (
    user_id INTEGER NOT NULL REFERENCES users(telegram_id) ON DELETE CASCADE,
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, event_id)
);
CREATE INDEX reminders_by_event ON reminders_requested(event_id);

CREATE TABLE broadcasts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_by INTEGER NOT NULL,
    audience TEXT NOT NULL CHECK (audience IN ('all', 'category', 'language')),
    audience_value TEXT,
    texts TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'cancelled')),
    recipients INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    cancelled_at TEXT
);

-- One row per person per item, written before any sending starts. `send_started_at` is
-- committed just before the Bot API call: see bot/outbox/__init__.py for crash recovery.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    item_kind TEXT NOT NULL,
    item_id TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(telegram_id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'claimed', 'sent', 'failed', 'dropped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    not_after TEXT,
    claimed_by TEXT,
    claimed_at TEXT,
    send_started_at TEXT,
    sent_at TEXT,
    error TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (item_kind, item_id, user_id)
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
CREATE INDEX outbox_by_item ON outbox(item_kind, item_id, status);
CREATE INDEX outbox_by_user ON outbox(user_id, status);
