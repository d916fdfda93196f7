import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentTask, type AgentTaskEvent, Nightshift, NotFoundError } from "../src/index.js";
import { projectTarGz } from "./helpers/archives.js";
import { startFaultyProxy } from "./helpers/faulty-proxy.js";
import { manualTimers } from "./helpers/manual-timers.js";
import { diligentModel } from "./helpers/model-script.js";
import { startTaskServer, type TaskServer } from "./helpers/task-server.js";

const GATE = path.join(os.tmpdir(), `ns-sdk-gate-${process.pid}-${Date.now()}`);
let h: TaskServer;
let client: Nightshift;
let hooks: {
  url: string;
  received: Promise<{ body: string; headers: http.IncomingHttpHeaders }>;
  close(): void;
};
beforeAll(async () => {
  h = await startTaskServer(diligentModel({ gateFile: GATE }));
  client = new Nightshift({ apiKey: h.key.api_key, baseURL: h.url, webhookSecret: h.key.webhook_secret });
  hooks = await webhookReceiver();
});
afterAll(async () => {
  hooks?.close();
  await h?.close();
  fs.rmSync(GATE, { force: true });
});

const agentParams = { model: "gpt-5.1-codex", timeout_hours: 1, checkpoint_interval: 10, max_cost: 5 };

describe("the SDK against the real server: a task from upload to artifact", { timeout: 120_000 }, () => {
  it("creates an agent, uploads, runs a task, follows its events live, waits, downloads the zip", async () => {
    const agent = await client.agents.create({ ...agentParams, hourly_fee: 1 });
    expect(agent).toMatchObject({ object: "agent", max_cost: 5, hourly_fee: 1 });
    expect(await client.agents.retrieve(agent.id)).toEqual(agent);

    const archive = projectTarGz({ "base.txt": "ok\n" });
    const file = await client.files.create({ file: archive, filename: "project.tar.gz", purpose: "agent" });
    expect(file).toMatchObject({ object: "file", bytes: archive.length, filename: "project.tar.gz" });
    expect(Buffer.from(await (await client.files.content(file.id)).arrayBuffer()).equals(archive)).toBe(true);

    const task = await client.agentTasks.create(
      {
        agent_id: agent.id,
        instructions: "write s1.txt and s2.txt",
        files: [file.id],
        output_format: "zip",
        verify_command: "grep -q ok base.txt",
        metadata: { ticket: "42" },
        webhook_url: hooks.url,
      },
      { idempotencyKey: "sdk-task-1" },
    );
    expect(task).toMatchObject({ object: "agent_task", status: "queued", metadata: { ticket: "42" } });
    const again = await client.agentTasks.create(
      {
        agent_id: agent.id,
        instructions: "write s1.txt and s2.txt",
        files: [file.id],
        output_format: "zip",
        verify_command: "grep -q ok base.txt",
        metadata: { ticket: "42" },
        webhook_url: hooks.url,
      },
      { idempotencyKey: "sdk-task-1" },
    );
    expect(again.id).toBe(task.id);

    // Follow the events live; once the first stage is under way, let the work go on.
    const events: AgentTaskEvent[] = [];
    const followed = (async () => {
      for await (const event of client.agentTasks.events(task.id)) {
        events.push(event);
        if (event.type === "run.stage" && event.data.stage_id === "s1" && event.data.status === "in_progress")
          fs.writeFileSync(GATE, "");
      }
    })();
    const progress: AgentTask[] = [];
    const done = await client.agentTasks.waitForCompletion(task.id, {
      pollInterval: 25,
      onProgress: (t) => progress.push(t),
    });
    await followed;

    expect(done.status).toBe("completed");
    expect(done.stage).toMatchObject({ index: 2, total: 2, id: "s2" });
    expect(done.output_file_id).toMatch(/^file_/);
    expect(done.cost_usd).toBeGreaterThan(0);
    expect(done.last_checkpoint).toMatchObject({ n: 2, green: true });
    // Progress was reported as it changed: the running stage 1/2 was seen before the end.
    expect(progress.some((t) => t.status === "running" && t.stage?.index === 1)).toBe(true);
    expect(progress.at(-1)!.status).toBe("completed");
    expect(
      new Set(progress.map((t) => JSON.stringify([t.status, t.stage, t.cost_usd, t.last_checkpoint]))).size,
    ).toBe(progress.length);

    // Events: every one once, in order, from started to completed.
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(events[0]!.type).toBe("run.started");
    expect(events.at(-1)!.type).toBe("run.completed");
    expect(events.filter((e) => e.type === "run.checkpoint").map((e) => e.data.n)).toEqual([0, 1, 2]);
    // Resuming after a seq gives the rest and ends (the task is over).
    const rest: number[] = [];
    for await (const event of client.agentTasks.events(task.id, { after: seqs[2]! })) rest.push(event.seq);
    expect(rest).toEqual(seqs.slice(3));
    expect(
      (await client.agentTasks.listEvents(task.id, { after: 0, limit: 2 })).data.map((e) => e.seq),
    ).toEqual(seqs.slice(0, 2));

    // The artifact: a zip (its magic bytes) with the work in it.
    const output = await client.files.retrieve(done.output_file_id!);
    const zip = Buffer.from(await (await client.files.content(output.id)).arrayBuffer());
    expect(zip.length).toBe(output.bytes);
    expect(zip.subarray(0, 4).toString("latin1")).toBe("PK\x03\x04");
    expect(zip.includes(Buffer.from("s2.txt"))).toBe(true);
    const report = await client.agentTasks.report(task.id);
    expect(report.markdown.length).toBeGreaterThan(0);
    expect(report.data.status).toBe("completed");

    // The webhook: signed with the key's secret, verified by the SDK.
    const hook = await hooks.received;
    expect(client.webhooks.unwrap(hook.body, hook.headers)).toMatchObject({
      type: "agent_task.completed",
      data: { id: task.id, status: "completed" },
    });
    expect(() => client.webhooks.unwrap(hook.body.replace("completed", "failed"), hook.headers)).toThrow(
      /signature/,
    );

    // A stream that breaks after each event is picked up again after the last one seen.
    const proxy = await startFaultyProxy(h.url);
    try {
      const timers = manualTimers();
      const flaky = new Nightshift({ apiKey: h.key.api_key, baseURL: proxy.url, timers });
      proxy.faults.push(...seqs.map(() => ({ kind: "cut-after-first-event" as const })));
      const resumed: number[] = [];
      for await (const event of flaky.agentTasks.events(task.id)) resumed.push(event.seq);
      expect(resumed).toEqual(seqs);
      expect(proxy.seen.length).toBe(seqs.length + 1);
      expect(timers.sleeps).toEqual([]);
    } finally {
      await proxy.close();
    }

    // Lists: the task is there, by status, and walking every page finds it.
    const listed = await client.agentTasks.list({ status: ["completed"], limit: 1 });
    expect(listed.data.map((t) => t.id)).toEqual([task.id]);
    const walked: string[] = [];
    for await (const t of client.agentTasks.list({ limit: 1 })) walked.push(t.id);
    expect(walked).toEqual([task.id]);
  });

  it("walks every page of a list; another key sees none of it", async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i++)
      made.push((await client.agents.create({ ...agentParams, max_cost: i + 1 })).id);
    const all: string[] = [];
    for await (const agent of client.agents.list({ limit: 2, order: "asc" })) all.push(agent.id);
    expect(all.slice(-5)).toEqual(made);
    expect(new Set(all).size).toBe(all.length);
    const page = await client.agents.list({ limit: 2 });
    expect(page).toMatchObject({ object: "list", has_more: true });
    expect(page.data).toHaveLength(2);

    const stranger = new Nightshift({ apiKey: h.other.api_key, baseURL: h.url });
    const error = await stranger.agents.retrieve(made[0]!).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 404, type: "not_found_error" });
    expect((await stranger.agents.list()).data).toEqual([]);
  });

  it("cancels a task that has not started", async () => {
    const paused = await startTaskServer(diligentModel(), { concurrency: 0 });
    try {
      const c = new Nightshift({ apiKey: paused.key.api_key, baseURL: paused.url });
      const agent = await c.agents.create(agentParams);
      const file = await c.files.create({
        file: projectTarGz({ "a.txt": "a" }),
        filename: "p.tgz",
        purpose: "agent",
      });
      const task = await c.agentTasks.create({
        agent_id: agent.id,
        instructions: "x",
        files: [file.id],
        output_format: "patch",
      });
      const cancelled = await c.agentTasks.cancel(task.id);
      expect(cancelled.cancel_requested).toBe(true);
    } finally {
      await paused.close();
    }
  });
});

/** A webhook endpoint on 127.0.0.1: the first delivery, as received. */
async function webhookReceiver() {
  let deliver: (hook: { body: string; headers: http.IncomingHttpHeaders }) => void = () => {};
  const received = new Promise<{ body: string; headers: http.IncomingHttpHeaders }>((resolve) => {
    deliver = resolve;
  });
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString("utf8");
    });
    req.on("end", () => {
      res.end("ok");
      deliver({ body, headers: req.headers });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}
