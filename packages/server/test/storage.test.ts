import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openSqliteStorage } from "../src/storage/sqlite/sqlite-storage.js";
import type { Storage, TaskRow } from "../src/storage/types.js";

let storage: Storage | null = null;
let dir = "";
afterEach(async () => {
  await storage?.close();
  storage = null;
  fs.rmSync(dir, { recursive: true, force: true });
});

function open(): Storage {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ns-srv-db-"));
  storage = openSqliteStorage(path.join(dir, "db", "serve.db"));
  return storage;
}

function task(id: string, owner: string, extra: Partial<TaskRow> = {}): TaskRow {
  return {
    id,
    owner,
    created_at: 1,
    updated_at: 1,
    agent_id: "agent_1",
    instructions: "do it",
    files: ["file_1"],
    output_format: "zip",
    verify_command: null,
    webhook_url: null,
    metadata: { team: "a" },
    status: "queued",
    run_id: null,
    stage_index: null,
    stage_count: null,
    stage_id: null,
    stage_title: null,
    cost_usd: 0,
    max_cost: 5,
    elapsed_s: 0,
    last_checkpoint: null,
    output_file_id: null,
    error_message: null,
    started_at: null,
    ended_at: null,
    cancel_requested_at: null,
    ...extra,
  };
}

describe("SQLite storage", () => {
  it("is in WAL mode and keeps rows across a reopen", async () => {
    const s = open();
    await s.insertTask(task("task_a", "key_1"));
    await s.close();
    storage = openSqliteStorage(path.join(dir, "db", "serve.db"));
    expect(await storage.getTaskById("task_a")).toMatchObject({ files: ["file_1"], metadata: { team: "a" } });
    expect(fs.existsSync(path.join(dir, "db", "serve.db-wal"))).toBe(true);
  });

  it("scopes rows to their owner and pages through them in both orders", async () => {
    const s = open();
    for (let i = 1; i <= 5; i++)
      await s.insertTask(task(`task_${i}`, "key_1", { status: i % 2 ? "queued" : "running" }));
    await s.insertTask(task("task_other", "key_2"));
    expect(await s.getTask("key_2", "task_1")).toBeNull();
    const first = await s.listTasks("key_1", {}, { limit: 2, order: "desc" });
    expect(first.data.map((t) => t.id)).toEqual(["task_5", "task_4"]);
    expect(first.has_more).toBe(true);
    const next = await s.listTasks("key_1", {}, { limit: 2, order: "desc", after: "task_4" });
    expect(next.data.map((t) => t.id)).toEqual(["task_3", "task_2"]);
    const back = await s.listTasks("key_1", {}, { limit: 2, order: "desc", before: "task_2" });
    expect(back.data.map((t) => t.id)).toEqual(["task_4", "task_3"]);
    const queued = await s.listTasks("key_1", { status: ["queued"] }, { limit: 10, order: "asc" });
    expect(queued.data.map((t) => t.id)).toEqual(["task_1", "task_3", "task_5"]);
    expect((await s.listTasks("key_1", {}, { limit: 10, order: "asc", after: "task_other" })).data).toEqual(
      [],
    );
  });

  it("changes a status once: a terminal update from the wrong status changes nothing", async () => {
    const s = open();
    await s.insertTask(task("task_a", "key_1", { status: "running" }));
    expect(await s.updateTask("task_a", { status: "completed" }, ["queued", "planning", "running"])).toBe(
      true,
    );
    expect(await s.updateTask("task_a", { status: "failed" }, ["queued", "planning", "running"])).toBe(false);
    expect((await s.getTaskById("task_a"))!.status).toBe("completed");
  });

  it("commits a transaction as a whole, or nothing of it", async () => {
    const s = open();
    await s.insertTask(task("task_a", "key_1", { status: "running" }));
    const webhook = {
      id: "msg_1",
      owner: "key_1",
      task_id: "task_a",
      event_type: "agent_task.completed",
      url: "http://example.test/hook",
      payload: "{}",
      created_at: 1,
      attempts: 0,
      next_attempt_at: 1,
      status: "pending" as const,
      last_error: null,
      delivered_at: null,
    };
    await expect(
      s.transaction(async (tx) => {
        await tx.updateTask("task_a", { status: "completed" });
        await tx.enqueueWebhook(webhook);
        throw new Error("crash before commit");
      }),
    ).rejects.toThrow("crash before commit");
    expect((await s.getTaskById("task_a"))!.status).toBe("running");
    expect(await s.listWebhooks("task_a")).toEqual([]);
    // Operations outside wait for a running transaction instead of landing inside it.
    const order: string[] = [];
    const tx = s.transaction(async (t) => {
      await t.updateTask("task_a", { status: "completed" });
      await new Promise((resolve) => setImmediate(resolve));
      order.push("tx");
      await t.enqueueWebhook(webhook);
    });
    const read = s.getTaskById("task_a").then((t) => order.push(`read ${t!.status}`));
    await Promise.all([tx, read]);
    expect(order).toEqual(["tx", "read completed"]);
    expect(await s.dueWebhooks(1, 10)).toHaveLength(1);
    expect(await s.nextWebhookAt()).toBe(1);
  });

  it("keeps one event per seq and lists them after a seq", async () => {
    const s = open();
    const e = (seq: number) => ({
      task_id: "task_a",
      seq,
      type: "run.stage",
      ts: "t",
      data: `{"seq":${seq}}`,
    });
    await s.appendEvents([e(1), e(2), e(3)]);
    await s.appendEvents([e(2), e(4)]);
    expect((await s.listEvents("task_a", 1, 10)).map((x) => x.seq)).toEqual([2, 3, 4]);
    expect((await s.listEvents("task_a", 0, 2)).map((x) => x.seq)).toEqual([1, 2]);
  });

  it("refuses a database from a newer schema", async () => {
    const s = open();
    await s.close();
    const { DatabaseSync } = await import("node:sqlite");
    const raw = new DatabaseSync(path.join(dir, "db", "serve.db"));
    raw.exec("PRAGMA user_version = 99");
    raw.close();
    storage = null;
    expect(() => openSqliteStorage(path.join(dir, "db", "serve.db"))).toThrow(/newer nightshift/);
  });
});
