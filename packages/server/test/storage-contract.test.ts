import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openPostgresStorage } from "../src/storage/postgres/pg-storage.js";
import { openSqliteStorage } from "../src/storage/sqlite/sqlite-storage.js";
import type { Storage } from "../src/storage/types.js";
import { startTestPostgres, type TestPostgres } from "./helpers/postgres.js";
import { taskRow as task, webhookRow } from "./helpers/storage-rows.js";

/**
 * One suite for every storage backend: what the server and the workers rely on, whichever
 * database is behind them.
 */
let cluster: TestPostgres | null = null;
const opened: Storage[] = [];
const dirs: string[] = [];
beforeAll(async () => {
  cluster = await startTestPostgres();
}, 60_000);
afterAll(() => cluster?.stop());
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const backends: [string, () => Promise<Storage>][] = [
  [
    "SQLite",
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ns-srv-db-"));
      dirs.push(dir);
      return openSqliteStorage(path.join(dir, "serve.db"));
    },
  ],
  ["PostgreSQL", async () => openPostgresStorage(await cluster!.createDatabase())],
];

describe.each(backends)("storage contract: %s", (_name, make) => {
  const open = async () => {
    const s = await make();
    opened.push(s);
    return s;
  };

  it("scopes rows to their owner and pages through them in both orders", async () => {
    const s = await open();
    for (let i = 1; i <= 5; i++)
      await s.insertTask(task(`task_${i}`, "key_1", { status: i % 2 ? "queued" : "running" }));
    await s.insertTask(task("task_other", "key_2"));
    expect(await s.getTask("key_2", "task_1")).toBeNull();
    expect(await s.getTask("key_1", "task_1")).toMatchObject({ files: ["file_1"], metadata: { team: "a" } });
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
    expect((await s.tasksInStatus(["running"], 10)).map((t) => t.id)).toEqual(["task_2", "task_4"]);
  });

  it("keeps every field of every row as it was written", async () => {
    const s = await open();
    const key = {
      id: "key_1",
      name: "ci",
      hash: "h1",
      prefix: "ns_ab",
      webhook_secret_sealed: "v1.x",
      created_at: 1_700_000_000_000,
      revoked_at: null,
    };
    await s.insertApiKey(key);
    expect(await s.findApiKeyByHash("h1")).toEqual(key);
    expect(await s.revokeApiKey("key_1", 5)).toBe(true);
    expect(await s.revokeApiKey("key_1", 6)).toBe(false);
    expect((await s.listApiKeys())[0]!.revoked_at).toBe(5);
    const agent = {
      id: "agent_1",
      owner: "key_1",
      created_at: 2,
      model: "m",
      timeout_hours: 1.5,
      checkpoint_interval: 30,
      max_cost: 2.25,
      hourly_fee: null,
      instructions: "be brief",
      plan_model: null,
      review_model: null,
      compact_model: null,
    };
    await s.insertAgent(agent);
    expect(await s.getAgent("key_1", "agent_1")).toEqual(agent);
    const file = {
      id: "file_1",
      owner: "key_1",
      created_at: 3,
      bytes: 3_000_000_000,
      filename: "p.zip",
      purpose: "agent" as const,
      sha256: "ab",
      blob_key: "ab",
      format: "zip",
    };
    await s.insertFile(file);
    expect(await s.getFile("key_1", "file_1")).toEqual(file);
    const full = task("task_a", "key_1", {
      status: "running",
      last_checkpoint: { n: 2, green: true, at_s: 1.5, cost_usd: 0.25, ts: "t" },
      started_at: 1_700_000_000_123,
      cost_usd: 0.125,
    });
    await s.insertTask(full);
    expect(await s.getTaskById("task_a")).toEqual(full);
    const checkpoint = {
      task_id: "task_a",
      n: 1,
      commit: "c1",
      green: false,
      at_s: 2.5,
      cost_usd: 0.5,
      reason: "interval",
      ts: "t",
    };
    await s.upsertCheckpoint(checkpoint);
    await s.upsertCheckpoint({ ...checkpoint, green: true });
    expect(await s.listCheckpoints("task_a")).toEqual([{ ...checkpoint, green: true }]);
    const idem = {
      owner: "key_1",
      key: "k",
      request_hash: "rh",
      status_code: 201,
      response: "{}",
      created_at: 7,
    };
    await s.putIdempotency(idem);
    expect(await s.getIdempotency("key_1", "k")).toEqual(idem);
    expect(await s.deleteIdempotencyBefore(8)).toBe(1);
    expect(await s.getIdempotency("key_1", "k")).toBeNull();
  });

  it("changes a status once: a terminal update from the wrong status changes nothing", async () => {
    const s = await open();
    await s.insertTask(task("task_a", "key_1", { status: "running" }));
    expect(await s.updateTask("task_a", { status: "completed" }, ["queued", "planning", "running"])).toBe(
      true,
    );
    expect(await s.updateTask("task_a", { status: "failed" }, ["queued", "planning", "running"])).toBe(false);
    expect((await s.getTaskById("task_a"))!.status).toBe("completed");
  });

  it("commits a transaction as a whole, or nothing of it", async () => {
    const s = await open();
    await s.insertTask(task("task_a", "key_1", { status: "running" }));
    await expect(
      s.transaction(async (tx) => {
        await tx.updateTask("task_a", { status: "completed" });
        await tx.enqueueWebhook(webhookRow("msg_1", "task_a"));
        throw new Error("crash before commit");
      }),
    ).rejects.toThrow("crash before commit");
    expect((await s.getTaskById("task_a"))!.status).toBe("running");
    expect(await s.listWebhooks("task_a")).toEqual([]);
    await s.transaction(async (tx) => {
      await tx.updateTask("task_a", { status: "completed" });
      await tx.enqueueWebhook(webhookRow("msg_1", "task_a"));
    });
    expect((await s.getTaskById("task_a"))!.status).toBe("completed");
    expect(await s.dueWebhooks(1, 10)).toHaveLength(1);
  });

  it("keeps one event per seq and lists them after a seq", async () => {
    const s = await open();
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

  it("hands out due webhooks oldest first and says when the next one is due", async () => {
    const s = await open();
    expect(await s.nextWebhookAt()).toBeNull();
    await s.enqueueWebhook(webhookRow("msg_b", "task_a", { created_at: 2, next_attempt_at: 10 }));
    await s.enqueueWebhook(webhookRow("msg_a", "task_a", { created_at: 1, next_attempt_at: 10 }));
    await s.enqueueWebhook(webhookRow("msg_c", "task_a", { created_at: 3, next_attempt_at: 500 }));
    expect(await s.nextWebhookAt()).toBe(10);
    expect((await s.dueWebhooks(5, 10)).map((w) => w.id)).toEqual([]);
    expect((await s.dueWebhooks(20, 10)).map((w) => w.id)).toEqual(["msg_a", "msg_b"]);
    await s.updateWebhook("msg_a", { status: "delivered", attempts: 1, delivered_at: 21 });
    expect((await s.listWebhooks("task_a")).find((w) => w.id === "msg_a")).toMatchObject({
      status: "delivered",
      attempts: 1,
      delivered_at: 21,
    });
  });
});
