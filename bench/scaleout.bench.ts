// Scale-out on PostgreSQL: tasks per minute with 1, 2 and 4 `nightshift worker` processes (short
// scripted one-stage tasks against the fake model server), the time for a SIGKILLed worker's task
// to be taken up by another, and the queue's and shared state's overhead per segment.
import os from "node:os";
import { statelessModel } from "../packages/cli/test/e2e/run-script.js";
import {
  type ScaleOutCluster,
  startScaleOutCluster,
} from "../packages/server/test/helpers/scaleout-cluster.js";
import { fmtMs, median, table } from "./stats.js";

const TASKS = Number(process.env.SCALEOUT_TASKS ?? 8);
const FAST = ["--concurrency", "1", "--heartbeat-seconds", "10", "--supervise-seconds", "1"];

async function ended(c: ScaleOutCluster, ids: string[]): Promise<void> {
  await c.until(
    `${ids.length} tasks to end`,
    async () => {
      const rows = await Promise.all(ids.map((id) => c.storage.getTaskById(id)));
      return rows.every((t) => t && !["queued", "planning", "running"].includes(t.status));
    },
    1_800_000,
  );
}

async function ready(c: ScaleOutCluster, n: number): Promise<void> {
  await c.until(
    "workers ready",
    () => c.workers.filter((w) => w.lines.some((l) => l.type === "ready")).length >= n,
  );
}

async function throughput(workers: number): Promise<{ perMin: number; overheads: number[] }> {
  const c = await startScaleOutCluster(statelessModel(["s1"]));
  try {
    for (let i = 0; i < workers; i++) c.spawnWorker(FAST);
    await ready(c, workers);
    const started = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < TASKS; i++) ids.push(await c.createTask({ webhook_url: null }));
    await enqueue(c, ids);
    await ended(c, ids);
    const minutes = (Date.now() - started) / 60_000;
    const overheads = c.workers.flatMap((w) =>
      w.lines.filter((l) => l.type === "segment").map((l) => Number(l.overheadMs)),
    );
    return { perMin: TASKS / minutes, overheads };
  } finally {
    await c.close();
  }
}

async function killResume(): Promise<number> {
  let killAt = 0;
  let victim: string | null = null;
  const c: ScaleOutCluster = await startScaleOutCluster((request) => {
    if (!killAt && victim && JSON.stringify(request.body?.input ?? []).includes("Current stage: s1")) {
      killAt = Date.now();
      c.storage.pool
        .query("SELECT worker FROM task_leases WHERE task_id = $1", [victim])
        .then(({ rows }) => c.workers.find((w) => w.worker === rows[0]?.worker)?.child.kill("SIGKILL"));
    }
    return statelessModel(["s1"])(request);
  });
  try {
    c.spawnWorker(FAST);
    c.spawnWorker(FAST);
    await ready(c, 2);
    victim = await c.createTask({ webhook_url: null });
    await enqueue(c, [victim]);
    const first = await c.until("the first claim", async () => {
      const { rows } = await c.storage.pool.query("SELECT worker FROM task_leases WHERE task_id = $1", [
        victim,
      ]);
      return rows[0]?.worker as string | undefined;
    });
    const resumedBy = await c.until("another worker to take the task", async () => {
      const { rows } = await c.storage.pool.query(
        "SELECT worker, epoch FROM task_leases WHERE task_id = $1",
        [victim],
      );
      return killAt && rows[0] && rows[0].worker !== first ? Date.now() : null;
    });
    await ended(c, [victim]);
    return resumedBy - killAt;
  } finally {
    await c.close();
  }
}

async function enqueue(c: ScaleOutCluster, ids: string[]): Promise<void> {
  const { openTaskQueue, DEFAULT_QUEUE_TIMING } = await import(
    "../packages/server/src/scaleout/task-queue.js"
  );
  const queue = await openTaskQueue({
    url: c.url,
    timing: DEFAULT_QUEUE_TIMING,
    maxConnections: 2,
    applicationName: "bench",
    supervise: false,
    log: () => {},
  });
  for (const id of ids) await queue.enqueue(id);
  await queue.stop();
}

const rows: (string | number)[][] = [["measure", "value", "target"]];
const overheads: number[] = [];
let base = 0;
for (const n of [1, 2, 4]) {
  const result = await throughput(n);
  if (n === 1) base = result.perMin;
  overheads.push(...result.overheads);
  rows.push([
    `tasks/min, ${n} worker process(es), ${TASKS} one-stage tasks`,
    `${result.perMin.toFixed(1)}${n > 1 ? ` (x${(result.perMin / base).toFixed(2)})` : ""}`,
    n === 1 ? "-" : `rises with workers while cores last (${os.cpus().length} here)`,
  ]);
}
rows.push([
  "queue + shared-state overhead per segment (median)",
  fmtMs(median(overheads)),
  "< 1 s (segments last up to 30 min)",
]);
rows.push([
  "SIGKILLed worker's task taken up elsewhere (heartbeat 10 s, supervise 1 s)",
  fmtMs(await killResume()),
  "< 60 s (default heartbeat 30 s + supervise 15 s)",
]);
process.stdout.write(
  `${table(rows)}\nload average: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}\n`,
);
