-- The catalog as documents (the YAML form as JSON), people, and the append-only history.
CREATE TABLE organizations (
    id TEXT PRIMARY KEY,
    doc TEXT NOT NULL,
    imported_hash TEXT,
    updated_at TEXT NOT NULL
);

CREATE TABLE services (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    doc TEXT NOT NULL,
    status TEXT NOT NULL,
    revision INTEGER NOT NULL DEFAULT 1,
    imported_hash TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX services_by_org ON services(organization_id);

CREATE TABLE service_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    service_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    action TEXT NOT NULL,
    actor INTEGER,
    before TEXT,
    after TEXT,
    at TEXT NOT NULL
);
CREATE INDEX history_by_service ON service_history(service_id, id);

CREATE TRIGGER service_history_no_update BEFORE UPDATE ON service_history
BEGIN
    SELECT RAISE(ABORT, 'service_history is append-only');
END;

CREATE TRIGGER service_history_no_delete BEFORE DELETE ON service_history
BEGIN
    SELECT RAISE(ABORT, 'service_history is append-only');
END;

CREATE TABLE users (
    telegram_id INTEGER PRIMARY KEY,
    language TEXT,
    role TEXT NOT NULL DEFAULT 'public' CHECK (role IN ('public', 'volunteer', 'staff', 'admin')),
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    last_seen TEXT NOT NULL
);

CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
