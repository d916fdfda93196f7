import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { type FakeModelServer, startFakeModelServer } from "@nightshift/testkit";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import { BIN } from "../../cli/test/e2e/harness.js";
import { statelessModel } from "../../cli/test/e2e/run-script.js";
import { openSqliteStorage } from "../src/storage/sqlite/sqlite-storage.js";
import { systemTarGz } from "./helpers/archives.js";
import { readEventsUntil, type StreamEvent } from "./helpers/event-stream.js";
import { testEnv, uploadForm, writeConfig } from "./helpers/server-harness.js";
import { startWebhookReceiver, type WebhookReceiver } from "./helpers/webhook-receiver.js";

type Serve = {
  child: ChildProcess;
  url: string;
  exited: Promise<{ code: number | null; signal: string | null }>;
};

let model: FakeModelServer | null = null;
let hooks: WebhookReceiver | null = null;
let serve: Serve | null = null;
let base = "";
afterEach(async () => {
  if (serve && serve.child.exitCode === null && serve.child.signalCode === null) {
    serve.child.kill("SIGKILL");
    await serve.exited;
  }
  await hooks?.close();
  await model?.close();
  if (base) fs.rmSync(base, { recursive: true, force: true });
  serve = hooks = model = null;
});

/** `nightshift serve` from the built binary, in its own process; resolves once /healthz answers 200. */
async function startServe(env: NodeJS.ProcessEnv): Promise<Serve> {
  const child = spawn(
    process.execPath,
    [BIN, "serve", "--port", "0", "--workers", "1", "--allow-private-webhooks"],
    {
      env,
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stderr! });
    lines.on("line", (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match) resolve(match[1]!);
    });
    child.once("close", (code) => reject(new Error(`nightshift serve exited with ${code} before listening`)));
  });
  expect((await fetch(`${url}/healthz`)).status).toBe(200);
  return { child, url, exited };
}

describe("nightshift serve as a process: drain, kill -9, resume", { timeout: 240_000 }, () => {
  it("drains on SIGTERM and survives kill -9: the task resumes from its last checkpoint each time and completes with one webhook", async () => {
    model = await startFakeModelServer({
      scenario: { steps: [{ times: 100_000, generate: statelessModel(["s1", "s2", "s3"]) }] },
    });
    base = fs.mkdtempSync(path.join(os.tmpdir(), "ns-srv-proc-"));
    const home = path.join(base, "home");
    writeConfig(home, model.url);
    const env = { ...testEnv(home), NODE_OPTIONS: "" };
    const created = spawnSync(process.execPath, [BIN, "serve", "keys", "create", "--name", "ci", "--json"], {
      env,
      encoding: "utf8",
    });
    expect(created.status).toBe(0);
    const key = JSON.parse(created.stdout) as { api_key: string; webhook_secret: string };
    expect(key.api_key).toMatch(/^nsk_/);
    expect(key.webhook_secret).toMatch(/^whsec_/);
    hooks = await startWebhookReceiver();

    serve = await startServe(env);
    const api = (pathname: string, init: RequestInit & { json?: unknown } = {}) => {
      const headers = new Headers(init.headers);
      headers.set("authorization", `Bearer ${key.api_key}`);
      if (init.json !== undefined) headers.set("content-type", "application/json");
      const body = init.json !== undefined ? JSON.stringify(init.json) : init.body;
      return fetch(`${serve!.url}${pathname}`, { ...init, headers, body });
    };
    const json = async (pathname: string, init: RequestInit & { json?: unknown } = {}) => {
      const response = await api(pathname, init);
      expect(response.ok, `${pathname}: ${response.status}`).toBe(true);
      return response.json();
    };
    let seen = 0;
    const events: StreamEvent[] = [];
    const follow = async (taskId: string, until: (e: StreamEvent) => boolean) => {
      const read = await readEventsUntil(
        (signal) =>
          api(`/v1/agent_tasks/${taskId}/events?after=${seen}`, {
            headers: { accept: "text/event-stream" },
            signal,
          }),
        until,
      );
      for (const e of read) if (e.id) seen = Math.max(seen, Number(e.id));
      events.push(...read);
      return read;
    };
    const checkpointAtLeast = (n: number) => (e: StreamEvent) =>
      e.event === "run.checkpoint" && JSON.parse(e.data).data.n >= n;

    const file = await json("/v1/files", {
      method: "POST",
      body: uploadForm(systemTarGz({ "README.md": "# demo\n" }, { prefix: "demo" })),
    });
    const agent = await json("/v1/agents", {
      method: "POST",
      json: { model: "gpt-5.1-codex", timeout_hours: 1, checkpoint_interval: 30, max_cost: 5 },
    });
    const task = await json("/v1/agent_tasks", {
      method: "POST",
      json: {
        agent_id: agent.id,
        instructions: "write three files",
        files: [file.id],
        output_format: "zip",
        webhook_url: hooks.url,
      },
    });

    // SIGTERM after the first stage's checkpoint: the server drains and exits 0; the task stays open.
    await follow(task.id, checkpointAtLeast(1));
    serve.child.kill("SIGTERM");
    expect(await serve.exited).toEqual({ code: 0, signal: null });
    const db = openSqliteStorage(path.join(home, "serve.db"));
    const drained = await db.getTaskById(task.id);
    await db.close();
    expect(drained?.status).toBe("running");
    expect(drained?.ended_at).toBeNull();

    // Restarted: the task resumes; kill -9 after the next checkpoint.
    serve = await startServe(env);
    await follow(task.id, checkpointAtLeast(2));
    serve.child.kill("SIGKILL");
    expect((await serve.exited).signal).toBe("SIGKILL");

    // Restarted again: it resumes once more and completes.
    serve = await startServe(env);
    const last = (await follow(task.id, (e) => e.event === "end")).at(-1)!;
    expect(JSON.parse(last.data)).toEqual({ id: task.id, status: "completed" });

    const started = events.filter((e) => e.event === "run.started").map((e) => JSON.parse(e.data).data);
    expect(started.map((s) => s.resumed)).toEqual([false, true, true]);
    expect(new Set(started.map((s) => s.run_id)).size).toBe(1);
    // No finished stage is worked on again.
    const begun = events
      .filter((e) => e.event === "run.stage")
      .map((e) => JSON.parse(e.data).data)
      .filter((s) => s.status === "in_progress")
      .map((s) => s.stage_id);
    expect(begun.filter((s) => s === "s1")).toEqual(["s1"]);
    const seqs = events.filter((e) => e.id).map((e) => Number(e.id));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));

    const done = await json(`/v1/agent_tasks/${task.id}`);
    expect(done).toMatchObject({ status: "completed", stage: { index: 3, total: 3 } });
    const [hook] = await hooks.waitFor(1);
    expect(new Webhook(key.webhook_secret).verify(hook!.body, hook!.headers)).toMatchObject({
      type: "agent_task.completed",
      data: { id: task.id, status: "completed" },
    });

    serve.child.kill("SIGTERM");
    expect((await serve.exited).code).toBe(0);
    expect(hooks.received).toHaveLength(1);
    const after = openSqliteStorage(path.join(home, "serve.db"));
    const outbox = await after.listWebhooks(task.id);
    await after.close();
    expect(outbox.map((w) => [w.id, w.status, w.event_type])).toEqual([
      [hook!.headers["webhook-id"], "delivered", "agent_task.completed"],
    ]);
  });
});
