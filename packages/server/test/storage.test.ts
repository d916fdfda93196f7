import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openSqliteStorage } from "../src/storage/sqlite/sqlite-storage.js";
import type { Storage } from "../src/storage/types.js";
import { taskRow as task } from "./helpers/storage-rows.js";

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

/** What only the SQLite backend does; what every backend does is in storage-contract.test.ts. */
describe("SQLite storage", () => {
  it("is in WAL mode and keeps rows across a reopen", async () => {
    const s = open();
    await s.insertTask(task("task_a", "key_1"));
    await s.close();
    storage = openSqliteStorage(path.join(dir, "db", "serve.db"));
    expect(await storage.getTaskById("task_a")).toMatchObject({ files: ["file_1"], metadata: { team: "a" } });
    expect(fs.existsSync(path.join(dir, "db", "serve.db-wal"))).toBe(true);
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
