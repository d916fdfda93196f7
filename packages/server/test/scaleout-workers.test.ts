import type { RecordedRequest } from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { stageOf, statelessModel } from "../../cli/test/e2e/run-script.js";
import {
  type ScaleOutCluster,
  startScaleOutCluster,
  type WorkerProcess,
} from "./helpers/scaleout-cluster.js";

let cluster: ScaleOutCluster | null = null;
afterEach(async () => {
  await cluster?.close();
  cluster = null;
});

const STAGES = ["s1", "s2"];
/** Short segments so a task goes through several; the shortest heartbeat pg-boss allows. */
const WORKER_ARGS = [
  "--concurrency",
  "1",
  "--segment-minutes",
  "0.05",
  "--heartbeat-seconds",
  "10",
  "--supervise-seconds",
  "1",
];

describe("nightshift worker on PostgreSQL", { timeout: 300_000 }, () => {
  it("finishes every task across workers after one is SIGKILLed mid-task: one completion webhook id each, each stage done once", async () => {
    let victimTask: string | null = null;
    let killed: Promise<WorkerProcess> | null = null;
    const model = statelessModel(STAGES);
    cluster = await startScaleOutCluster((request: RecordedRequest) => {
      // The first work request of stage s2 of the chosen task: kill whoever holds that task now.
      if (!killed && victimTask && stageOf(request) === "s2") killed = killHolder(cluster!, victimTask);
      return model(request);
    });
    for (let i = 0; i < 3; i++) cluster.spawnWorker(WORKER_ARGS);
    await cluster.until("three workers ready", () =>
      cluster!.workers.every((w) => w.lines.some((l) => l.type === "ready")),
    );
    victimTask = await cluster.createTask();
    const other = await cluster.createTask();
    const c = cluster;
    // What the API's scheduler does after creating a task: queue its first segment.
    await wakeWorkers(c, [victimTask, other]);

    const done = await c.until("both tasks to end", async () => {
      const rows = await Promise.all([victimTask!, other].map((id) => c.storage.getTaskById(id)));
      return rows.every((t) => t && !["queued", "planning", "running"].includes(t.status)) ? rows : null;
    });
    expect(killed, "the chosen task never reached stage s2").not.toBeNull();
    const victim = await killed!;
    expect((await victim.exited).signal).toBe("SIGKILL");
    for (const task of done) expect(task!.status, task!.error_message ?? "").toBe("completed");
    for (const task of done) expect(task!.output_file_id).not.toBeNull();

    // Exactly one completion webhook per task, wherever it ended and whoever sent it.
    await c.until("both webhooks", () => c.deliveries.length >= 2);
    for (const id of [victimTask, other]) {
      const mine = c.deliveries.filter((d) => d.taskId === id);
      expect(new Set(mine.map((d) => d.id)).size).toBe(1);
      expect(mine.map((d) => d.type)).toEqual(["agent_task.completed"]);
      expect((await c.storage.listWebhooks(id)).map((w) => w.status)).toEqual(["delivered"]);
    }

    // The killed task was finished by another worker, from where the last segment left it.
    const lease = (await c.storage.pool.query("SELECT * FROM task_leases WHERE task_id = $1", [victimTask]))
      .rows[0];
    expect(lease.worker).not.toBe(victim.worker);
    expect(lease.epoch).toBeGreaterThanOrEqual(2);
    // Segments were handed on through the queue (several per task), and no stage was done twice.
    const segments = c.workers.flatMap((w) => w.lines.filter((l) => l.type === "segment"));
    expect(segments.filter((s) => s.outcome === "continued").length).toBeGreaterThan(0);
    expect(
      segments
        .filter((s) => s.outcome === "ended")
        .map((s) => s.task_id)
        .sort(),
    ).toEqual([victimTask, other].sort());
    for (const id of [victimTask, other]) {
      const events = await c.storage.listEvents(id, 0, 10_000);
      for (const stage of STAGES) {
        const doneEvents = events.filter((e) => {
          const data = JSON.parse(e.data);
          return e.type === "run.stage" && data.stage_id === stage && data.status === "done";
        });
        expect(doneEvents, `${id} ${stage}`).toHaveLength(1);
      }
    }
  });
});

/** SIGKILLs the worker that holds the task's lease at this moment. */
async function killHolder(c: ScaleOutCluster, taskId: string): Promise<WorkerProcess> {
  const { rows } = await c.storage.pool.query("SELECT worker FROM task_leases WHERE task_id = $1", [taskId]);
  const holder = c.workers.find((w) => w.worker === rows[0]?.worker);
  if (!holder) throw new Error(`no worker holds ${taskId}`);
  holder.child.kill("SIGKILL");
  return holder;
}

async function wakeWorkers(c: ScaleOutCluster, taskIds: string[]): Promise<void> {
  const { openTaskQueue, DEFAULT_QUEUE_TIMING } = await import("../src/scaleout/task-queue.js");
  const queue = await openTaskQueue({
    url: c.url,
    timing: DEFAULT_QUEUE_TIMING,
    maxConnections: 2,
    applicationName: "test",
    supervise: false,
    log: () => {},
  });
  try {
    for (const id of taskIds) await queue.enqueue(id);
  } finally {
    await queue.stop();
  }
}
