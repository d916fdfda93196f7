/** The SQLite schema, as ordered migrations: `user_version` says how many have run. */
export const MIGRATIONS: string[] = [
  `
  CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    webhook_secret_sealed TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
  );
  CREATE TABLE agents (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    owner TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    model TEXT NOT NULL,
    timeout_hours REAL NOT NULL,
    checkpoint_interval REAL NOT NULL,
    max_cost REAL NOT NULL,
    hourly_fee REAL,
    instructions TEXT,
    plan_model TEXT
  );
  CREATE INDEX agents_owner ON agents (owner, seq);
  CREATE TABLE files (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    filename TEXT NOT NULL,
    purpose TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    blob_key TEXT NOT NULL,
    format TEXT NOT NULL
  );
  CREATE TABLE tasks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    owner TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
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
    cost_usd REAL NOT NULL,
    max_cost REAL NOT NULL,
    elapsed_s REAL NOT NULL,
    last_checkpoint TEXT,
    output_file_id TEXT,
    error_message TEXT,
    started_at INTEGER,
    ended_at INTEGER,
    cancel_requested_at INTEGER
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
  ) WITHOUT ROWID;
  CREATE TABLE checkpoints (
    task_id TEXT NOT NULL,
    n INTEGER NOT NULL,
    commit_id TEXT NOT NULL,
    green INTEGER NOT NULL,
    at_s REAL NOT NULL,
    cost_usd REAL NOT NULL,
    reason TEXT NOT NULL,
    ts TEXT NOT NULL,
    PRIMARY KEY (task_id, n)
  ) WITHOUT ROWID;
  CREATE TABLE idempotency_keys (
    owner TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status_code INTEGER NOT NULL,
    response TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (owner, key)
  ) WITHOUT ROWID;
  CREATE TABLE webhooks (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    task_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    url TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    status TEXT NOT NULL,
    last_error TEXT,
    delivered_at INTEGER
  );
  CREATE INDEX webhooks_due ON webhooks (status, next_attempt_at);
  CREATE INDEX webhooks_task ON webhooks (task_id);
  `,
  `
  ALTER TABLE agents ADD COLUMN review_model TEXT;
  ALTER TABLE agents ADD COLUMN compact_model TEXT;
  `,
];
