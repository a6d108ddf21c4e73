-- Connectors: definitions, their live status, their checkpoints, and the resolution of
-- rejected rows that were corrected and resubmitted.

CREATE TABLE connectors (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    source_key TEXT NOT NULL REFERENCES sources (key),
    -- The definition as JSON, without the key.
    definition TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1,
    -- `api` or `config` (the configuration file).
    origin TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE connector_status (
    connector_key TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    state_since INTEGER NOT NULL,
    last_success_at INTEGER,
    last_error TEXT,
    last_error_at INTEGER,
    lag_ms INTEGER,
    received INTEGER NOT NULL DEFAULT 0,
    accepted INTEGER NOT NULL DEFAULT 0,
    duplicates INTEGER NOT NULL DEFAULT 0,
    conflicts INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
);

CREATE TABLE connector_checkpoints (
    connector_key TEXT PRIMARY KEY,
    cursor TEXT,
    etag TEXT,
    last_modified TEXT,
    last_slot INTEGER,
    updated_at INTEGER NOT NULL
);

CREATE TABLE rejected_resolutions (
    batch_id TEXT NOT NULL,
    row_no INTEGER NOT NULL,
    resolved_by_batch TEXT NOT NULL,
    resolved_at INTEGER NOT NULL,
    PRIMARY KEY (batch_id, row_no)
);

CREATE INDEX batches_by_source ON batches (source_key, received_at);
