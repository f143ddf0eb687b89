-- Volunteers keep the catalog true: invites, change proposals awaiting review, chat drafts.
CREATE TABLE invites (
    token_hash TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('volunteer', 'staff')),
    created_by INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_by INTEGER,
    used_at TEXT
);

CREATE TABLE proposals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    service_id TEXT NOT NULL,
    organization_id TEXT NOT NULL,
    action TEXT NOT NULL,
    field TEXT NOT NULL,
    base_revision INTEGER NOT NULL,
    before TEXT,
    after TEXT NOT NULL,
    proposer INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'approved', 'rejected', 'conflict', 'applied')),
    reason TEXT,
    decided_by INTEGER,
    created_at TEXT NOT NULL,
    decided_at TEXT
);
CREATE INDEX proposals_by_status ON proposals(status, id);

CREATE TABLE drafts (
    flow TEXT NOT NULL,
    chat_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    state TEXT NOT NULL,
    data TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (flow, chat_id, user_id)
);
