CREATE TABLE agencies (
    key TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    responsible_person TEXT NOT NULL,
    responsible_title TEXT,
    updated_at INTEGER NOT NULL
);

CREATE TABLE sources (
    key TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    agency_key TEXT NOT NULL REFERENCES agencies (key),
    kind TEXT NOT NULL,
    simulated INTEGER NOT NULL DEFAULT 0,
    expected_interval_secs INTEGER,
    description TEXT,
    attribution TEXT,
    updated_at INTEGER NOT NULL
);

CREATE TABLE units (
    code TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    level TEXT NOT NULL,
    parent TEXT,
    kind TEXT NOT NULL,
    PRIMARY KEY (code, valid_from)
);

CREATE TABLE successions (
    old_code TEXT NOT NULL,
    new_code TEXT NOT NULL,
    effective TEXT NOT NULL,
    share REAL NOT NULL,
    exact INTEGER NOT NULL,
    PRIMARY KEY (old_code, new_code, effective)
);

CREATE TABLE entities (
    key TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    lat REAL,
    lon REAL,
    unit_code TEXT,
    source_key TEXT REFERENCES sources (key),
    simulated INTEGER NOT NULL DEFAULT 0,
    note TEXT
);

CREATE TABLE series (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    indicator TEXT,
    min REAL,
    max REAL,
    expected_interval_secs INTEGER,
    source_key TEXT REFERENCES sources (key),
    unit_code TEXT,
    entity_key TEXT REFERENCES entities (key),
    last_received_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE INDEX series_by_indicator ON series (indicator);

CREATE TABLE batches (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    source_key TEXT,
    format TEXT NOT NULL,
    file_name TEXT,
    api_key_id TEXT,
    status TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    finished_at INTEGER,
    row_count INTEGER NOT NULL DEFAULT 0,
    accepted INTEGER NOT NULL DEFAULT 0,
    duplicates INTEGER NOT NULL DEFAULT 0,
    conflicts INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE observations (
    series_id INTEGER NOT NULL,
    ts INTEGER NOT NULL,
    value REAL NOT NULL,
    -- batches.seq: an integer keeps the hot table narrow.
    batch_seq INTEGER NOT NULL,
    row_no INTEGER NOT NULL,
    ingested_at INTEGER NOT NULL,
    PRIMARY KEY (series_id, ts)
) WITHOUT ROWID;

CREATE TABLE superseded_observations (
    series_id INTEGER NOT NULL,
    ts INTEGER NOT NULL,
    value REAL NOT NULL,
    batch_id TEXT NOT NULL,
    row_no INTEGER NOT NULL,
    ingested_at INTEGER NOT NULL,
    replaced_by_batch TEXT NOT NULL,
    replaced_by_row INTEGER NOT NULL
);
CREATE INDEX superseded_by_series ON superseded_observations (series_id, ts);

CREATE TABLE rollups (
    series_id INTEGER NOT NULL,
    step TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    count INTEGER NOT NULL,
    sum REAL NOT NULL,
    min REAL NOT NULL,
    max REAL NOT NULL,
    last_ts INTEGER NOT NULL,
    last_value REAL NOT NULL,
    PRIMARY KEY (series_id, step, bucket)
) WITHOUT ROWID;

CREATE TABLE rejected_rows (
    batch_id TEXT NOT NULL,
    row_no INTEGER NOT NULL,
    reason_code TEXT NOT NULL,
    params TEXT NOT NULL,
    raw TEXT NOT NULL
);
CREATE INDEX rejected_rows_by_batch ON rejected_rows (batch_id, row_no);

CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER,
    last_used_at INTEGER
);

CREATE TABLE boundaries (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    level TEXT NOT NULL,
    geometry TEXT NOT NULL
);

CREATE TABLE storms (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    year INTEGER NOT NULL,
    max_grade INTEGER NOT NULL,
    min_distance_km REAL,
    source_key TEXT REFERENCES sources (key)
);

CREATE TABLE storm_fixes (
    storm_id TEXT NOT NULL REFERENCES storms (id),
    ts INTEGER NOT NULL,
    grade INTEGER NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    pressure_hpa REAL,
    max_wind_kt REAL,
    PRIMARY KEY (storm_id, ts)
);
