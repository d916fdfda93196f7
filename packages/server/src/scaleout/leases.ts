import type { Queryable } from "../storage/postgres/pg-ops.js";

/** Who runs a task's segments, and where its last segment left its state. */
export type Lease = {
  task_id: string;
  /** Goes up by one each time a worker takes the task: a worker whose epoch is stale is fenced out. */
  epoch: number;
  worker: string;
  segments: number;
  snapshot_key: string | null;
  /** The roots (JSON: home and tasks folder) the snapshot's paths were written under. */
  snapshot_home: string | null;
  /** Who held the task before this claim (null the first time). */
  previous_worker: string | null;
};

const toLease = (r: Record<string, unknown>): Lease => ({
  task_id: String(r.task_id),
  epoch: Number(r.epoch),
  worker: String(r.worker),
  segments: Number(r.segments),
  snapshot_key: r.snapshot_key === null ? null : String(r.snapshot_key),
  snapshot_home: r.snapshot_home === null ? null : String(r.snapshot_home),
  previous_worker:
    r.previous_worker === null || r.previous_worker === undefined ? null : String(r.previous_worker),
});

/** Takes the task for `worker`: the epoch goes up, so whoever held it before can no longer commit. */
export async function claimLease(db: Queryable, taskId: string, worker: string, now: number): Promise<Lease> {
  const { rows } = await db.query(
    `WITH previous AS (SELECT worker FROM task_leases WHERE task_id = $1)
     INSERT INTO task_leases (task_id, epoch, worker, claimed_at) VALUES ($1, 1, $2, $3)
     ON CONFLICT (task_id) DO UPDATE SET epoch = task_leases.epoch + 1, worker = $2, claimed_at = $3
     RETURNING *, (SELECT worker FROM previous) AS previous_worker`,
    [taskId, worker, now],
  );
  return toLease(rows[0]!);
}

export async function currentEpoch(db: Queryable, taskId: string): Promise<number | null> {
  const { rows } = await db.query("SELECT epoch FROM task_leases WHERE task_id = $1", [taskId]);
  return rows[0] ? Number(rows[0].epoch) : null;
}

/**
 * Records the state a segment ended with, inside the caller's transaction, only while `epoch`
 * still holds the task (the row stays locked until the commit). False: another worker took it.
 */
export async function commitSnapshot(
  db: Queryable,
  lease: Lease,
  snapshot: { key: string; home: string; at: number },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE task_leases SET snapshot_key = $3, snapshot_home = $4, snapshot_at = $5, segments = segments + 1
     WHERE task_id = $1 AND epoch = $2`,
    [lease.task_id, lease.epoch, snapshot.key, snapshot.home, snapshot.at],
  );
  return (rowCount ?? 0) > 0;
}

/** Counts a segment that ended the task. */
export async function countSegment(db: Queryable, lease: Lease): Promise<void> {
  await db.query("UPDATE task_leases SET segments = segments + 1 WHERE task_id = $1 AND epoch = $2", [
    lease.task_id,
    lease.epoch,
  ]);
}

/**
 * Events a lost segment stored past the state it is resumed from are withdrawn: the resumed run
 * numbers its events from there again, and would otherwise be hidden behind them.
 */
export async function dropEventsAfter(db: Queryable, taskId: string, seq: number): Promise<void> {
  await db.query("DELETE FROM task_events WHERE task_id = $1 AND seq > $2", [taskId, seq]);
}
