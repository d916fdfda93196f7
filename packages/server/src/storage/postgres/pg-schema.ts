/**
 * The PostgreSQL schema, as ordered migrations kept in `nightshift.schema_version`. The tables are
 * those of the SQLite backend (same columns, so both map rows the same way), plus what several
 * workers share: blobs in chunks, and one lease row per task that fences its segments.
 */
export const PG_SCHEMA = "nightshift";

export const PG_MIGRATIONS: string[] = [
  `
  CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    webhook_secret_sealed TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
  );
  CREATE TABLE agents (
    seq BIGSERIAL PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    owner TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    model TEXT NOT NULL,
    timeout_hours DOUBLE PRECISION NOT NULL,
    checkpoint_interval DOUBLE PRECISION NOT NULL,
    max_cost DOUBLE PRECISION NOT NULL,
    hourly_fee DOUBLE PRECISION,
    instructions TEXT,
    plan_model TEXT
  );
  CREATE INDEX agents_owner ON agents (owner, seq);
  CREATE TABLE files (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    bytes BIGINT NOT NULL,
    filename TEXT NOT NULL,
    purpose TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    blob_key TEXT NOT NULL,
    format TEXT NOT NULL
  );
  CREATE TABLE tasks (
    seq BIGSERIAL PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    owner TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    agent_id TEXT NOT NULL,
    instructions TEXT NOT NULL,
    files TEXT NOT NULL,
    output_format TEXT NOT NULL,
    verify_command TEXT,
    webhook_url TEXT,
    metadata TEXT,
    status TEXT NOT NULL,
    run_id TEXT,
    stage_index INTEGER,
    stage_count INTEGER,
    stage_id TEXT,
    stage_title TEXT,
    cost_usd DOUBLE PRECISION NOT NULL,
    max_cost DOUBLE PRECISION NOT NULL,
    elapsed_s DOUBLE PRECISION NOT NULL,
    last_checkpoint TEXT,
    output_file_id TEXT,
    error_message TEXT,
    started_at BIGINT,
    ended_at BIGINT,
    cancel_requested_at BIGINT
  );
  CREATE INDEX tasks_owner ON tasks (owner, seq);
  CREATE INDEX tasks_status ON tasks (status, seq);
  CREATE TABLE task_events (
    task_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    ts TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (task_id, seq)
  );
  CREATE TABLE checkpoints (
    task_id TEXT NOT NULL,
    n INTEGER NOT NULL,
    commit_id TEXT NOT NULL,
    green INTEGER NOT NULL,
    at_s DOUBLE PRECISION NOT NULL,
    cost_usd DOUBLE PRECISION NOT NULL,
    reason TEXT NOT NULL,
    ts TEXT NOT NULL,
    PRIMARY KEY (task_id, n)
  );
  CREATE TABLE idempotency_keys (
    owner TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status_code INTEGER NOT NULL,
    response TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (owner, key)
  );
  CREATE TABLE webhooks (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    task_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    url TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    status TEXT NOT NULL,
    last_error TEXT,
    delivered_at BIGINT
  );
  CREATE INDEX webhooks_due ON webhooks (status, next_attempt_at);
  CREATE INDEX webhooks_task ON webhooks (task_id);
  CREATE TABLE blobs (
    key TEXT PRIMARY KEY,
    bytes BIGINT NOT NULL,
    chunks INTEGER NOT NULL,
    created_at BIGINT NOT NULL
  );
  CREATE TABLE blob_chunks (
    key TEXT NOT NULL,
    n INTEGER NOT NULL,
    data BYTEA NOT NULL,
    PRIMARY KEY (key, n)
  );
  CREATE TABLE task_leases (
    task_id TEXT PRIMARY KEY,
    epoch INTEGER NOT NULL,
    worker TEXT NOT NULL,
    claimed_at BIGINT NOT NULL,
    segments INTEGER NOT NULL DEFAULT 0,
    snapshot_key TEXT,
    snapshot_home TEXT,
    snapshot_at BIGINT
  );
  `,
  `
  ALTER TABLE agents ADD COLUMN review_model TEXT, ADD COLUMN compact_model TEXT;
  `,
];
