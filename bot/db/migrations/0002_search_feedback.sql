-- Anonymous records for volunteers: what people asked that found nothing, and answer feedback.
-- No user id is stored in either table.
CREATE TABLE unanswered (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    text TEXT NOT NULL,
    language TEXT,
    at TEXT NOT NULL
);

CREATE TABLE feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    helpful INTEGER NOT NULL CHECK (helpful IN (0, 1)),
    category TEXT,
    service_id TEXT,
    language TEXT,
    text TEXT,
    at TEXT NOT NULL
);
