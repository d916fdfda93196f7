import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  APIConnectionError,
  APITimeoutError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  Nightshift,
  NightshiftError,
  NotFoundError,
  RateLimitError,
  WaitTimeoutError,
} from "../src/index.js";
import { projectTarGz } from "./helpers/archives.js";
import { type FaultyProxy, startFaultyProxy } from "./helpers/faulty-proxy.js";
import { manualTimers } from "./helpers/manual-timers.js";
import { diligentModel } from "./helpers/model-script.js";
import { startTaskServer, type TaskServer } from "./helpers/task-server.js";

let h: TaskServer;
let proxy: FaultyProxy;
beforeAll(async () => {
  // No task is worked on here: they stay queued.
  h = await startTaskServer(diligentModel(), { concurrency: 0 });
  proxy = await startFaultyProxy(h.url);
});
afterAll(async () => {
  await proxy?.close();
  await h?.close();
});
beforeEach(() => {
  proxy.faults.length = 0;
  proxy.seen.length = 0;
});

const agentParams = { model: "gpt-5.1-codex", timeout_hours: 1, checkpoint_interval: 10, max_cost: 5 };
const through = (
  timers = manualTimers(),
  options: Partial<ConstructorParameters<typeof Nightshift>[0]> = {},
) => new Nightshift({ apiKey: h.key.api_key, baseURL: proxy.url, timers, ...options });

describe("retries, timeouts and typed errors (a real proxy in front of the real server)", () => {
  it("retries 5xx with exponential backoff and reuses the idempotency key, so a lost answer creates once", async () => {
    const timers = manualTimers();
    const client = through(timers);
    const before = (await client.agents.list({ limit: 100 })).data.length;
    proxy.seen.length = 0;
    proxy.faults.push({ kind: "status", status: 503 }, { kind: "lost" });
    const agent = await client.agents.create(agentParams);
    expect(agent.object).toBe("agent");
    expect(timers.sleeps).toEqual([500, 1000]);
    const keys = proxy.seen.map((s) => s.idempotencyKey);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^sdk-/);
    // The second attempt reached the server and created the agent; the third got it replayed.
    expect((await client.agents.list({ limit: 100 })).data.length).toBe(before + 1);
  });

  it("waits as long as Retry-After asks on 429, and gives a RateLimitError once the retries are spent", async () => {
    const timers = manualTimers();
    const client = through(timers, { maxRetries: 1 });
    const limited = {
      kind: "status" as const,
      status: 429,
      headers: { "retry-after": "3" },
      body: JSON.stringify({ error: { type: "rate_limit_error", message: "slow down" } }),
    };
    proxy.faults.push(limited, limited);
    const error = await client.agents.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, type: "rate_limit_error", errorMessage: "slow down" });
    expect(timers.sleeps).toEqual([3000]);
    expect(proxy.seen).toHaveLength(2);
  });

  it("retries a dropped connection, and names the server when it stays unreachable", async () => {
    const timers = manualTimers();
    proxy.faults.push({ kind: "reset" });
    expect((await through(timers).agents.list()).object).toBe("list");
    expect(timers.sleeps).toEqual([500]);

    proxy.faults.push({ kind: "reset" }, { kind: "reset" }, { kind: "reset" });
    const error = await through()
      .agents.list()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error as Error).message).toContain(proxy.url);
    const closed = new Nightshift({
      apiKey: "nsk_x",
      baseURL: "http://127.0.0.1:9",
      timers: manualTimers(),
      maxRetries: 0,
    });
    expect(await closed.agents.list().catch((e: unknown) => e)).toBeInstanceOf(APIConnectionError);
  });

  it("times an attempt out, retries it, then throws APITimeoutError", async () => {
    const timers = manualTimers();
    proxy.faults.push({ kind: "hang" }, { kind: "hang" });
    const error = await through(timers, { timeout: 100, maxRetries: 1 })
      .agents.list()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APITimeoutError);
    expect(timers.sleeps).toHaveLength(1);
    expect(proxy.seen).toHaveLength(2);
  });

  it("stops at once when the caller aborts", async () => {
    proxy.faults.push({ kind: "hang" });
    const controller = new AbortController();
    const pending = through().agents.list({}, { signal: controller.signal });
    while (proxy.seen.length === 0) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    expect(await Promise.resolve(pending).catch((e: unknown) => e)).toBeInstanceOf(APIUserAbortError);
  });

  it("throws typed errors with the server's status, type and message, without retrying 4xx", async () => {
    const timers = manualTimers();
    const client = through(timers);
    const bad = await client.agents.create({ ...agentParams, timeout_hours: 25 }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(BadRequestError);
    expect(bad).toMatchObject({ status: 400, type: "invalid_request_error" });
    expect((bad as BadRequestError).errorMessage).toMatch(/timeout_hours/);
    const missing = await client.agentTasks.retrieve("task_nope").catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as Error).message).toContain("task_nope");
    await client.agents.create(agentParams, { idempotencyKey: "same" });
    const conflict = await client.agents
      .create({ ...agentParams, max_cost: 9 }, { idempotencyKey: "same" })
      .catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(ConflictError);
    const unauthorized = await new Nightshift({ apiKey: "nsk_wrong", baseURL: proxy.url, timers }).agents
      .list()
      .catch((e: unknown) => e);
    expect(unauthorized).toBeInstanceOf(AuthenticationError);
    expect(unauthorized).toMatchObject({ status: 401, type: "authentication_error" });
    expect(timers.sleeps).toEqual([]);

    proxy.faults.push(
      { kind: "status", status: 500, body: "not json" },
      { kind: "status", status: 500 },
      { kind: "status", status: 500 },
    );
    const server = await client.agents.list().catch((e: unknown) => e);
    expect(server).toBeInstanceOf(InternalServerError);
    expect(server).toBeInstanceOf(NightshiftError);
    expect(() => new Nightshift({ env: {} })).toThrow(/NIGHTSHIFT_API_KEY/);
  });

  it("waitForCompletion gives up after its timeout on the injected clock, with the task as it was", async () => {
    const timers = manualTimers();
    const client = through(timers);
    const agent = await client.agents.create(agentParams);
    const file = await client.files.create({
      file: projectTarGz({ "a.txt": "a" }),
      filename: "p.tar.gz",
      purpose: "agent",
    });
    const task = await client.agentTasks.create({
      agent_id: agent.id,
      instructions: "x",
      files: [file.id],
      output_format: "zip",
    });
    const seen: string[] = [];
    proxy.seen.length = 0;
    const error = await client.agentTasks
      .waitForCompletion(task.id, {
        pollInterval: 1000,
        timeout: 5000,
        onProgress: (t) => seen.push(t.status),
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as WaitTimeoutError).task).toMatchObject({ id: task.id, status: "queued" });
    expect(timers.sleeps).toEqual([1000, 1000, 1000, 1000, 1000]);
    expect(proxy.seen).toHaveLength(6);
    expect(seen).toEqual(["queued"]);
  });

  it("uploads a file stream from its path, and a Blob", async () => {
    const fs = await import("node:fs");
    const path = await import("node:path");
    const archive = projectTarGz({ "b.txt": "b" });
    const file = path.join(h.scratch, "upload.tar.gz");
    fs.writeFileSync(file, archive);
    const client = through();
    const fromStream = await client.files.create({ file: fs.createReadStream(file), purpose: "agent" });
    expect(fromStream).toMatchObject({ filename: "upload.tar.gz", bytes: archive.length });
    // A retried upload sends the whole file again.
    proxy.faults.push({ kind: "status", status: 502 });
    const fromBlob = await client.files.create({
      file: new Blob([new Uint8Array(archive)]),
      filename: "b.tgz",
      purpose: "agent",
    });
    expect(fromBlob).toMatchObject({ filename: "b.tgz", sha256: fromStream.sha256 });
  });
});
