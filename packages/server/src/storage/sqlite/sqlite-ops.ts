import type { DatabaseSync, StatementSync } from "node:sqlite";
import type {
  AgentRow,
  ApiKeyRow,
  CheckpointRow,
  FileRow,
  IdempotencyRow,
  Page,
  PageQuery,
  StorageOps,
  TaskEventRow,
  TaskFilter,
  TaskPatch,
  TaskRow,
  TaskStatus,
  WebhookRow,
} from "../types.js";
import {
  insertOf,
  type Raw,
  type SqlValue,
  taskColumn,
  toAgent,
  toApiKey,
  toCheckpoint,
  toFile,
  toTask,
  toWebhook,
} from "./rows.js";

/** The synchronous form of every storage operation (node:sqlite is synchronous). */
export type SyncOps = {
  [K in keyof StorageOps]: StorageOps[K] extends (...args: infer A) => Promise<infer R>
    ? (...args: A) => R
    : never;
};

/** Every operation on one SQLite connection; statements are prepared once and reused. */
export class SqliteOps implements SyncOps {
  readonly #statements = new Map<string, StatementSync>();

  constructor(private readonly db: DatabaseSync) {}

  #all(sql: string, ...values: SqlValue[]): Raw[] {
    return this.#prepare(sql).all(...values) as Raw[];
  }

  #get(sql: string, ...values: SqlValue[]): Raw | null {
    return (this.#prepare(sql).get(...values) as Raw | undefined) ?? null;
  }

  #run(sql: string, ...values: SqlValue[]): number {
    return Number(this.#prepare(sql).run(...values).changes);
  }

  #prepare(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #insert(table: string, row: Record<string, SqlValue>): void {
    const { sql, values } = insertOf(table, row);
    this.#run(sql, ...values);
  }

  /** One page of a table ordered by its `seq`, for one owner, with extra conditions. */
  #page<T>(
    table: string,
    owner: string,
    page: PageQuery,
    where: string[],
    values: SqlValue[],
    map: (r: Raw) => T,
  ): Page<T> {
    const conditions = ["owner = ?", ...where];
    const args: SqlValue[] = [owner, ...values];
    const desc = page.order === "desc";
    for (const [cursor, forward] of [
      [page.after, true],
      [page.before, false],
    ] as const) {
      if (!cursor) continue;
      const row = this.#get(`SELECT seq FROM ${table} WHERE id = ? AND owner = ?`, cursor, owner);
      // An unknown cursor gives an empty page rather than the first one again.
      const seq = row ? Number(row.seq) : desc === forward ? -1 : Number.MAX_SAFE_INTEGER;
      conditions.push(`seq ${desc === forward ? "<" : ">"} ?`);
      args.push(seq);
    }
    // Paging backwards reads in the other order, then turns the page around.
    const reverse = Boolean(page.before) && !page.after;
    const direction = desc !== reverse ? "DESC" : "ASC";
    const rows = this.#all(
      `SELECT * FROM ${table} WHERE ${conditions.join(" AND ")} ORDER BY seq ${direction} LIMIT ?`,
      ...args,
      page.limit + 1,
    );
    const data = rows.slice(0, page.limit).map(map);
    if (reverse) data.reverse();
    return { data, has_more: rows.length > page.limit };
  }

  insertApiKey(row: ApiKeyRow): void {
    this.#insert("api_keys", row);
  }

  findApiKeyByHash(hash: string): ApiKeyRow | null {
    const row = this.#get("SELECT * FROM api_keys WHERE hash = ?", hash);
    return row ? toApiKey(row) : null;
  }

  getApiKey(id: string): ApiKeyRow | null {
    const row = this.#get("SELECT * FROM api_keys WHERE id = ?", id);
    return row ? toApiKey(row) : null;
  }

  listApiKeys(): ApiKeyRow[] {
    return this.#all("SELECT * FROM api_keys ORDER BY created_at, id").map(toApiKey);
  }

  revokeApiKey(id: string, at: number): boolean {
    return this.#run("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", at, id) > 0;
  }

  insertAgent(row: AgentRow): void {
    this.#insert("agents", row);
  }

  getAgent(owner: string, id: string): AgentRow | null {
    const row = this.#get("SELECT * FROM agents WHERE id = ? AND owner = ?", id, owner);
    return row ? toAgent(row) : null;
  }

  listAgents(owner: string, page: PageQuery): Page<AgentRow> {
    return this.#page("agents", owner, page, [], [], toAgent);
  }

  insertFile(row: FileRow): void {
    this.#insert("files", row);
  }

  getFile(owner: string, id: string): FileRow | null {
    const row = this.#get("SELECT * FROM files WHERE id = ? AND owner = ?", id, owner);
    return row ? toFile(row) : null;
  }

  insertTask(row: TaskRow): void {
    const columns: Record<string, SqlValue> = {};
    for (const [key, value] of Object.entries(row)) columns[key] = taskColumn(key as keyof TaskRow, value);
    this.#insert("tasks", columns);
  }

  getTask(owner: string, id: string): TaskRow | null {
    const row = this.#get("SELECT * FROM tasks WHERE id = ? AND owner = ?", id, owner);
    return row ? toTask(row) : null;
  }

  getTaskById(id: string): TaskRow | null {
    const row = this.#get("SELECT * FROM tasks WHERE id = ?", id);
    return row ? toTask(row) : null;
  }

  listTasks(owner: string, filter: TaskFilter, page: PageQuery): Page<TaskRow> {
    const where: string[] = [];
    const values: SqlValue[] = [];
    if (filter.status?.length) {
      where.push(`status IN (${filter.status.map(() => "?").join(", ")})`);
      values.push(...filter.status);
    }
    if (filter.agent_id) {
      where.push("agent_id = ?");
      values.push(filter.agent_id);
    }
    return this.#page("tasks", owner, page, where, values, toTask);
  }

  tasksInStatus(statuses: readonly TaskStatus[], limit: number): TaskRow[] {
    if (statuses.length === 0) return [];
    return this.#all(
      `SELECT * FROM tasks WHERE status IN (${statuses.map(() => "?").join(", ")}) ORDER BY seq LIMIT ?`,
      ...statuses,
      limit,
    ).map(toTask);
  }

  updateTask(id: string, patch: TaskPatch, onlyFrom?: readonly TaskStatus[]): boolean {
    const keys = Object.keys(patch) as (keyof TaskPatch)[];
    if (keys.length === 0) return this.getTaskById(id) !== null;
    const sets = keys.map((k) => `${k} = ?`);
    const values = keys.map((k) => taskColumn(k, patch[k]));
    let sql = `UPDATE tasks SET ${sets.join(", ")} WHERE id = ?`;
    values.push(id);
    if (onlyFrom) {
      if (onlyFrom.length === 0) return false;
      sql += ` AND status IN (${onlyFrom.map(() => "?").join(", ")})`;
      values.push(...onlyFrom);
    }
    return this.#run(sql, ...values) > 0;
  }

  appendEvents(events: TaskEventRow[]): void {
    for (const e of events) {
      this.#run(
        "INSERT OR IGNORE INTO task_events (task_id, seq, type, ts, data) VALUES (?, ?, ?, ?, ?)",
        e.task_id,
        e.seq,
        e.type,
        e.ts,
        e.data,
      );
    }
  }

  listEvents(taskId: string, afterSeq: number, limit: number): TaskEventRow[] {
    return this.#all(
      "SELECT * FROM task_events WHERE task_id = ? AND seq > ? ORDER BY seq LIMIT ?",
      taskId,
      afterSeq,
      limit,
    ) as TaskEventRow[];
  }

  upsertCheckpoint(row: CheckpointRow): void {
    this.#run(
      `INSERT INTO checkpoints (task_id, n, commit_id, green, at_s, cost_usd, reason, ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (task_id, n) DO UPDATE SET commit_id = excluded.commit_id, green = excluded.green,
       at_s = excluded.at_s, cost_usd = excluded.cost_usd, reason = excluded.reason, ts = excluded.ts`,
      row.task_id,
      row.n,
      row.commit,
      row.green ? 1 : 0,
      row.at_s,
      row.cost_usd,
      row.reason,
      row.ts,
    );
  }

  listCheckpoints(taskId: string): CheckpointRow[] {
    return this.#all("SELECT * FROM checkpoints WHERE task_id = ? ORDER BY n", taskId).map(toCheckpoint);
  }

  getIdempotency(owner: string, key: string): IdempotencyRow | null {
    return this.#get(
      "SELECT * FROM idempotency_keys WHERE owner = ? AND key = ?",
      owner,
      key,
    ) as IdempotencyRow | null;
  }

  putIdempotency(row: IdempotencyRow): void {
    this.#insert("idempotency_keys", row);
  }

  deleteIdempotencyBefore(at: number): number {
    return this.#run("DELETE FROM idempotency_keys WHERE created_at < ?", at);
  }

  enqueueWebhook(row: WebhookRow): void {
    this.#insert("webhooks", row);
  }

  dueWebhooks(now: number, limit: number): WebhookRow[] {
    return this.#all(
      "SELECT * FROM webhooks WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, created_at LIMIT ?",
      now,
      limit,
    ).map(toWebhook);
  }

  nextWebhookAt(): number | null {
    const row = this.#get("SELECT MIN(next_attempt_at) AS at FROM webhooks WHERE status = 'pending'");
    return row?.at === null || row?.at === undefined ? null : Number(row.at);
  }

  updateWebhook(id: string, patch: Partial<Omit<WebhookRow, "id">>): void {
    const keys = Object.keys(patch) as (keyof typeof patch)[];
    if (keys.length === 0) return;
    this.#run(
      `UPDATE webhooks SET ${keys.map((k) => `${k} = ?`).join(", ")} WHERE id = ?`,
      ...keys.map((k) => patch[k] as SqlValue),
      id,
    );
  }

  listWebhooks(taskId: string): WebhookRow[] {
    return this.#all("SELECT * FROM webhooks WHERE task_id = ? ORDER BY created_at, id", taskId).map(
      toWebhook,
    );
  }
}
