CREATE TABLE agencies (
    key TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    responsible_person TEXT NOT NULL,
    responsible_title TEXT,
    updated_at BIGINT NOT NULL
);

CREATE TABLE sources (
    key TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    agency_key TEXT NOT NULL REFERENCES agencies (key),
    kind TEXT NOT NULL,
    simulated BOOLEAN NOT NULL DEFAULT FALSE,
    expected_interval_secs BIGINT,
    description TEXT,
    attribution TEXT,
    updated_at BIGINT NOT NULL
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
    share DOUBLE PRECISION NOT NULL,
    exact BOOLEAN NOT NULL,
    PRIMARY KEY (old_code, new_code, effective)
);

CREATE TABLE entities (
    key TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    unit_code TEXT,
    source_key TEXT REFERENCES sources (key),
    simulated BOOLEAN NOT NULL DEFAULT FALSE,
    note TEXT
);

CREATE TABLE series (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    indicator TEXT,
    min DOUBLE PRECISION,
    max DOUBLE PRECISION,
    expected_interval_secs BIGINT,
    source_key TEXT REFERENCES sources (key),
    unit_code TEXT,
    entity_key TEXT REFERENCES entities (key),
    last_received_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE INDEX series_by_indicator ON series (indicator);

CREATE TABLE batches (
    id TEXT PRIMARY KEY,
    seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    source_key TEXT,
    format TEXT NOT NULL,
    file_name TEXT,
    api_key_id TEXT,
    status TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    finished_at BIGINT,
    row_count BIGINT NOT NULL DEFAULT 0,
    accepted BIGINT NOT NULL DEFAULT 0,
    duplicates BIGINT NOT NULL DEFAULT 0,
    conflicts BIGINT NOT NULL DEFAULT 0,
    rejected BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE observations (
    series_id BIGINT NOT NULL,
    ts BIGINT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    -- batches.seq: an integer keeps the hot table narrow.
    batch_seq BIGINT NOT NULL,
    row_no BIGINT NOT NULL,
    ingested_at BIGINT NOT NULL,
    PRIMARY KEY (series_id, ts)
);

CREATE TABLE superseded_observations (
    series_id BIGINT NOT NULL,
    ts BIGINT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    batch_id TEXT NOT NULL,
    row_no BIGINT NOT NULL,
    ingested_at BIGINT NOT NULL,
    replaced_by_batch TEXT NOT NULL,
    replaced_by_row BIGINT NOT NULL
);
CREATE INDEX superseded_by_series ON superseded_observations (series_id, ts);

CREATE TABLE rollups (
    series_id BIGINT NOT NULL,
    step TEXT NOT NULL,
    bucket BIGINT NOT NULL,
    count BIGINT NOT NULL,
    sum DOUBLE PRECISION NOT NULL,
    min DOUBLE PRECISION NOT NULL,
    max DOUBLE PRECISION NOT NULL,
    last_ts BIGINT NOT NULL,
    last_value DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (series_id, step, bucket)
);

CREATE TABLE rejected_rows (
    batch_id TEXT NOT NULL,
    row_no BIGINT NOT NULL,
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
    created_at BIGINT NOT NULL,
    revoked_at BIGINT,
    last_used_at BIGINT
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
    year BIGINT NOT NULL,
    max_grade BIGINT NOT NULL,
    min_distance_km DOUBLE PRECISION,
    source_key TEXT REFERENCES sources (key)
);

CREATE TABLE storm_fixes (
    storm_id TEXT NOT NULL REFERENCES storms (id),
    ts BIGINT NOT NULL,
    grade BIGINT NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    pressure_hpa DOUBLE PRECISION,
    max_wind_kt DOUBLE PRECISION,
    PRIMARY KEY (storm_id, ts)
);
