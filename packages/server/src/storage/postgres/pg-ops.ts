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
} from "../sqlite/rows.js";
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

/** A pool or one client of it (inside a transaction): what the operations run on. */
export type Queryable = {
  query(text: string, values?: unknown[]): Promise<{ rows: Raw[]; rowCount: number | null }>;
};

/** How long a webhook handed to one dispatcher is hidden from the others (longer than a send). */
export const WEBHOOK_LEASE_MS = 60_000;

/** `?` placeholders (as the SQLite backend writes them) numbered for PostgreSQL. */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** Every storage operation on PostgreSQL, on whatever `db` is: the pool, or a transaction's client. */
export class PgOps implements StorageOps {
  constructor(private readonly db: Queryable) {}

  async #all(sql: string, ...values: SqlValue[]): Promise<Raw[]> {
    return (await this.db.query(numbered(sql), values)).rows;
  }

  async #get(sql: string, ...values: SqlValue[]): Promise<Raw | null> {
    return (await this.#all(sql, ...values))[0] ?? null;
  }

  async #run(sql: string, ...values: SqlValue[]): Promise<number> {
    return (await this.db.query(numbered(sql), values)).rowCount ?? 0;
  }

  async #insert(table: string, row: Record<string, SqlValue>): Promise<void> {
    const { sql, values } = insertOf(table, row);
    await this.#run(sql, ...values);
  }

  /** One page of a table ordered by its `seq`, for one owner (the same rules as the SQLite backend). */
  async #page<T>(
    table: string,
    owner: string,
    page: PageQuery,
    where: string[],
    values: SqlValue[],
    map: (r: Raw) => T,
  ): Promise<Page<T>> {
    const conditions = ["owner = ?", ...where];
    const args: SqlValue[] = [owner, ...values];
    const desc = page.order === "desc";
    for (const [cursor, forward] of [
      [page.after, true],
      [page.before, false],
    ] as const) {
      if (!cursor) continue;
      const row = await this.#get(`SELECT seq FROM ${table} WHERE id = ? AND owner = ?`, cursor, owner);
      const seq = row ? Number(row.seq) : desc === forward ? -1 : Number.MAX_SAFE_INTEGER;
      conditions.push(`seq ${desc === forward ? "<" : ">"} ?`);
      args.push(seq);
    }
    const reverse = Boolean(page.before) && !page.after;
    const direction = desc !== reverse ? "DESC" : "ASC";
    const rows = await this.#all(
      `SELECT * FROM ${table} WHERE ${conditions.join(" AND ")} ORDER BY seq ${direction} LIMIT ?`,
      ...args,
      page.limit + 1,
    );
    const data = rows.slice(0, page.limit).map(map);
    if (reverse) data.reverse();
    return { data, has_more: rows.length > page.limit };
  }

  async insertApiKey(row: ApiKeyRow): Promise<void> {
    await this.#insert("api_keys", row);
  }

  async findApiKeyByHash(hash: string): Promise<ApiKeyRow | null> {
    const row = await this.#get("SELECT * FROM api_keys WHERE hash = ?", hash);
    return row ? toApiKey(row) : null;
  }

  async getApiKey(id: string): Promise<ApiKeyRow | null> {
    const row = await this.#get("SELECT * FROM api_keys WHERE id = ?", id);
    return row ? toApiKey(row) : null;
  }

  async listApiKeys(): Promise<ApiKeyRow[]> {
    return (await this.#all("SELECT * FROM api_keys ORDER BY created_at, id")).map(toApiKey);
  }

  async revokeApiKey(id: string, at: number): Promise<boolean> {
    return (
      (await this.#run("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", at, id)) > 0
    );
  }

  async insertAgent(row: AgentRow): Promise<void> {
    await this.#insert("agents", row);
  }

  async getAgent(owner: string, id: string): Promise<AgentRow | null> {
    const row = await this.#get("SELECT * FROM agents WHERE id = ? AND owner = ?", id, owner);
    return row ? toAgent(row) : null;
  }

  listAgents(owner: string, page: PageQuery): Promise<Page<AgentRow>> {
    return this.#page("agents", owner, page, [], [], toAgent);
  }

  async insertFile(row: FileRow): Promise<void> {
    await this.#insert("files", row);
  }

  async getFile(owner: string, id: string): Promise<FileRow | null> {
    const row = await this.#get("SELECT * FROM files WHERE id = ? AND owner = ?", id, owner);
    return row ? toFile(row) : null;
  }

  async insertTask(row: TaskRow): Promise<void> {
    const columns: Record<string, SqlValue> = {};
    for (const [key, value] of Object.entries(row)) columns[key] = taskColumn(key as keyof TaskRow, value);
    await this.#insert("tasks", columns);
  }

  async getTask(owner: string, id: string): Promise<TaskRow | null> {
    const row = await this.#get("SELECT * FROM tasks WHERE id = ? AND owner = ?", id, owner);
    return row ? toTask(row) : null;
  }

  async getTaskById(id: string): Promise<TaskRow | null> {
    const row = await this.#get("SELECT * FROM tasks WHERE id = ?", id);
    return row ? toTask(row) : null;
  }

  listTasks(owner: string, filter: TaskFilter, page: PageQuery): Promise<Page<TaskRow>> {
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

  async tasksInStatus(statuses: readonly TaskStatus[], limit: number): Promise<TaskRow[]> {
    if (statuses.length === 0) return [];
    const rows = await this.#all(
      `SELECT * FROM tasks WHERE status IN (${statuses.map(() => "?").join(", ")}) ORDER BY seq LIMIT ?`,
      ...statuses,
      limit,
    );
    return rows.map(toTask);
  }

  async updateTask(id: string, patch: TaskPatch, onlyFrom?: readonly TaskStatus[]): Promise<boolean> {
    const keys = Object.keys(patch) as (keyof TaskPatch)[];
    if (keys.length === 0) return (await this.getTaskById(id)) !== null;
    const values = keys.map((k) => taskColumn(k, patch[k]));
    let sql = `UPDATE tasks SET ${keys.map((k) => `${k} = ?`).join(", ")} WHERE id = ?`;
    values.push(id);
    if (onlyFrom) {
      if (onlyFrom.length === 0) return false;
      // Under concurrent updates PostgreSQL re-checks this condition on the newest row version:
      // of two workers ending the same task, only one changes it.
      sql += ` AND status IN (${onlyFrom.map(() => "?").join(", ")})`;
      values.push(...onlyFrom);
    }
    return (await this.#run(sql, ...values)) > 0;
  }

  async appendEvents(events: TaskEventRow[]): Promise<void> {
    if (events.length === 0) return;
    const values: SqlValue[] = [];
    const rows = events.map((e) => {
      values.push(e.task_id, e.seq, e.type, e.ts, e.data);
      return "(?, ?, ?, ?, ?)";
    });
    await this.#run(
      `INSERT INTO task_events (task_id, seq, type, ts, data) VALUES ${rows.join(", ")} ON CONFLICT DO NOTHING`,
      ...values,
    );
  }

  async listEvents(taskId: string, afterSeq: number, limit: number): Promise<TaskEventRow[]> {
    const rows = await this.#all(
      "SELECT * FROM task_events WHERE task_id = ? AND seq > ? ORDER BY seq LIMIT ?",
      taskId,
      afterSeq,
      limit,
    );
    return rows as TaskEventRow[];
  }

  async upsertCheckpoint(row: CheckpointRow): Promise<void> {
    await this.#run(
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

  async listCheckpoints(taskId: string): Promise<CheckpointRow[]> {
    return (await this.#all("SELECT * FROM checkpoints WHERE task_id = ? ORDER BY n", taskId)).map(
      toCheckpoint,
    );
  }

  async getIdempotency(owner: string, key: string): Promise<IdempotencyRow | null> {
    const row = await this.#get("SELECT * FROM idempotency_keys WHERE owner = ? AND key = ?", owner, key);
    if (!row) return null;
    return {
      owner: String(row.owner),
      key: String(row.key),
      request_hash: String(row.request_hash),
      status_code: Number(row.status_code),
      response: String(row.response),
      created_at: Number(row.created_at),
    };
  }

  async putIdempotency(row: IdempotencyRow): Promise<void> {
    await this.#insert("idempotency_keys", row);
  }

  deleteIdempotencyBefore(at: number): Promise<number> {
    return this.#run("DELETE FROM idempotency_keys WHERE created_at < ?", at);
  }

  async enqueueWebhook(row: WebhookRow): Promise<void> {
    await this.#insert("webhooks", row);
  }

  /**
   * Due webhooks, leased: several processes drain the same outbox, so the rows handed out are
   * locked past the others (SKIP LOCKED) and hidden from them for WEBHOOK_LEASE_MS. The
   * dispatcher's update after its attempt sets the real next time; a dispatcher that dies
   * mid-send leaves the row to come due again when the lease runs out (same webhook-id).
   */
  async dueWebhooks(now: number, limit: number): Promise<WebhookRow[]> {
    const rows = await this.#all(
      `UPDATE webhooks SET next_attempt_at = ? WHERE id IN (
         SELECT id FROM webhooks WHERE status = 'pending' AND next_attempt_at <= ?
         ORDER BY next_attempt_at, created_at LIMIT ? FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      now + WEBHOOK_LEASE_MS,
      now,
      limit,
    );
    return rows.map(toWebhook).sort((a, b) => a.created_at - b.created_at || a.id.localeCompare(b.id));
  }

  async nextWebhookAt(): Promise<number | null> {
    const row = await this.#get("SELECT MIN(next_attempt_at) AS at FROM webhooks WHERE status = 'pending'");
    return row?.at === null || row?.at === undefined ? null : Number(row.at);
  }

  async updateWebhook(id: string, patch: Partial<Omit<WebhookRow, "id">>): Promise<void> {
    const keys = Object.keys(patch) as (keyof typeof patch)[];
    if (keys.length === 0) return;
    await this.#run(
      `UPDATE webhooks SET ${keys.map((k) => `${k} = ?`).join(", ")} WHERE id = ?`,
      ...keys.map((k) => patch[k] as SqlValue),
      id,
    );
  }

  async listWebhooks(taskId: string): Promise<WebhookRow[]> {
    return (await this.#all("SELECT * FROM webhooks WHERE task_id = ? ORDER BY created_at, id", taskId)).map(
      toWebhook,
    );
  }
}
