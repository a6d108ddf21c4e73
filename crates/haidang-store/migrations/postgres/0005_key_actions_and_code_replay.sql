ALTER TABLE api_keys ADD COLUMN actions TEXT;
-- The last one-time-code step accepted, so that a code cannot be used twice.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
