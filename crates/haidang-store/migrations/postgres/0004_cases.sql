-- Citizen reports (phản ánh hiện trường): categories, the working-day calendar, cases,
-- their history and their photos.

CREATE TABLE case_categories (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL,
    description TEXT NOT NULL,
    group_name TEXT NOT NULL,
    keywords TEXT NOT NULL,
    agency_key TEXT NOT NULL,
    working_days BIGINT NOT NULL,
    attributes TEXT NOT NULL DEFAULT '[]'
);

CREATE TABLE work_calendar (
    day TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL
);

CREATE TABLE cases (
    id BIGSERIAL PRIMARY KEY,
    token TEXT NOT NULL UNIQUE,
    category_code TEXT NOT NULL,
    state TEXT NOT NULL,
    channel TEXT NOT NULL,
    description TEXT NOT NULL,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    address TEXT,
    unit_code TEXT,
    agency_key TEXT,
    reporter_name TEXT,
    reporter_phone TEXT,
    reporter_email TEXT,
    attributes TEXT NOT NULL DEFAULT '{}',
    media_url TEXT,
    answer TEXT,
    status_note TEXT,
    merged_into BIGINT,
    rating BIGINT,
    received_at BIGINT NOT NULL,
    original_deadline BIGINT NOT NULL,
    deadline BIGINT NOT NULL,
    extension_approved BOOLEAN NOT NULL DEFAULT FALSE,
    resolved_at BIGINT,
    updated_at BIGINT NOT NULL,
    simulated BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX cases_by_agency ON cases (agency_key, state);
CREATE INDEX cases_by_unit ON cases (unit_code, state);
CREATE INDEX cases_by_category ON cases (category_code, received_at);

CREATE TABLE case_events (
    id BIGSERIAL PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id),
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    actor TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    party TEXT NOT NULL,
    note TEXT,
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX case_events_by_case ON case_events (case_id, id);

CREATE TABLE case_media (
    id TEXT PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id),
    purpose TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    bytes BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX case_media_by_case ON case_media (case_id);
