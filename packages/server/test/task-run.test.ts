import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { statelessModel } from "../../cli/test/e2e/run-script.js";
import { systemTarGz } from "./helpers/archives.js";
import { type ServerHarness, startServerHarness, uploadForm } from "./helpers/server-harness.js";
import { startWebhookReceiver, type WebhookReceiver } from "./helpers/webhook-receiver.js";

let h: ServerHarness;
let hooks: WebhookReceiver;
beforeAll(async () => {
  h = await startServerHarness(statelessModel(["s1", "s2"]));
  hooks = await startWebhookReceiver();
});
afterAll(async () => {
  await h?.close();
  await hooks?.close();
});

// biome-ignore lint/suspicious/noExplicitAny: API objects are checked field by field
async function call(pathname: string, init: Parameters<ServerHarness["api"]>[1] = {}): Promise<any> {
  const response = await h.api(pathname, init);
  const body = await response.json();
  if (!response.ok) throw new Error(`${response.status}: ${JSON.stringify(body)}`);
  return body;
}

/** Reads an event stream to its end: every event's name and data. */
async function readStream(response: Response): Promise<{ event: string; id: string | null; data: string }[]> {
  const text = await response.text();
  return text
    .split("\n\n")
    .filter((block) => block.includes("data:"))
    .map((block) => {
      const field = (name: string) =>
        block
          .split("\n")
          .find((l) => l.startsWith(`${name}:`))
          ?.slice(name.length + 1)
          .trim() ?? null;
      return { event: field("event") ?? "message", id: field("id"), data: field("data") ?? "" };
    });
}

describe("a task from upload to result", { timeout: 120_000 }, () => {
  it("runs an uploaded project without git to completion: status, events, stream, output, report, one signed webhook", async () => {
    const archive = systemTarGz({ "README.md": "# demo\n", "src/main.sh": "echo hi\n" }, { prefix: "demo" });
    const file = await call("/v1/files", { method: "POST", body: uploadForm(archive) });
    const agent = await call("/v1/agents", {
      method: "POST",
      json: {
        model: "gpt-5.1-codex",
        timeout_hours: 1,
        checkpoint_interval: 30,
        max_cost: 5,
        hourly_fee: 0.5,
      },
    });
    const body = {
      agent_id: agent.id,
      instructions: "write s1.txt and s2.txt",
      files: [file.id],
      output_format: "zip",
      verify_command: "test -f README.md",
      webhook_url: hooks.url,
      metadata: { ticket: "NS-1" },
    };
    const created = await call("/v1/agent_tasks", {
      method: "POST",
      json: body,
      headers: { "Idempotency-Key": "k1" },
    });
    expect(created).toMatchObject({
      object: "agent_task",
      status: "queued",
      metadata: { ticket: "NS-1" },
      max_cost: 5,
    });

    // The same Idempotency-Key answers with the same task; with another body it is refused.
    const again = await h.api("/v1/agent_tasks", {
      method: "POST",
      json: body,
      headers: { "Idempotency-Key": "k1" },
    });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect((await again.json()).id).toBe(created.id);
    const changed = await h.api("/v1/agent_tasks", {
      method: "POST",
      json: { ...body, instructions: "other" },
      headers: { "Idempotency-Key": "k1" },
    });
    expect(changed.status).toBe(409);

    // The live stream from the start: every event in order, then "end" with the status.
    const stream = await h.api(`/v1/agent_tasks/${created.id}/events`, {
      headers: { accept: "text/event-stream" },
    });
    expect(stream.headers.get("content-type")).toMatch(/text\/event-stream/);
    const streamed = await readStream(stream);
    expect(streamed.at(-1)).toMatchObject({ event: "end" });
    expect(JSON.parse(streamed.at(-1)!.data)).toEqual({ id: created.id, status: "completed" });
    const runEvents = streamed.slice(0, -1);
    expect(runEvents[0]!.event).toBe("run.started");
    expect(runEvents.at(-1)!.event).toBe("run.completed");
    expect(runEvents.map((e) => Number(e.id))).toEqual(runEvents.map((_, i) => i + 1));

    const done = await call(`/v1/agent_tasks/${created.id}`);
    expect(done).toMatchObject({
      status: "completed",
      stage: { index: 2, total: 2, id: "s2" },
      error: null,
      cancel_requested: false,
    });
    expect(done.cost_usd).toBeGreaterThan(0);
    expect(done.elapsed_s).toBeGreaterThan(0);
    expect(done.last_checkpoint).toMatchObject({ green: true });
    expect(done.completed_at).toBeGreaterThanOrEqual(done.created_at);

    // The JSON events: the same, without the server's paths.
    const events = await call(`/v1/agent_tasks/${created.id}/events?after=0&limit=1000`);
    expect(events.data.map((e: { seq: number }) => e.seq)).toEqual(runEvents.map((e) => Number(e.id)));
    expect(JSON.stringify(events.data)).not.toContain(h.home);
    const later = await call(`/v1/agent_tasks/${created.id}/events?after=${events.data.length - 1}`);
    expect(later.data.map((e: { type: string }) => e.type)).toEqual(["run.completed"]);

    // The output: a zip of the project with the work done.
    const output = await call(`/v1/files/${done.output_file_id}`);
    expect(output).toMatchObject({ purpose: "agent_output", filename: `${created.id}.zip` });
    const zip = Buffer.from(await (await h.api(`/v1/files/${done.output_file_id}/content`)).arrayBuffer());
    const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ns-srv-out-")), "out.zip");
    fs.writeFileSync(tmp, zip);
    const names = execFileSync("unzip", ["-Z1", tmp], { encoding: "utf8" }).trim().split("\n").sort();
    expect(names).toEqual(["README.md", "s1.txt", "s2.txt", "src/main.sh"]);
    expect((await h.api(`/v1/files/${done.output_file_id}/content`, { key: h.other })).status).toBe(404);

    const report = await call(`/v1/agent_tasks/${created.id}/report`);
    expect(report.data).toMatchObject({
      status: "completed",
      artifact: { path: null, file_id: done.output_file_id },
    });
    expect(report.markdown).toContain("Everything is green");

    // One webhook, signed with the key's secret, verified by the reference library.
    const [hook] = await hooks.waitFor(1);
    const payload = new Webhook(h.key.webhook_secret).verify(hook!.body, hook!.headers) as {
      type: string;
      data: unknown;
    };
    expect(payload).toMatchObject({
      type: "agent_task.completed",
      data: { id: created.id, status: "completed" },
    });
    expect(hook!.headers["webhook-id"]).toMatch(/^msg_/);
    expect(() => new Webhook(h.other.webhook_secret).verify(hook!.body, hook!.headers)).toThrow();

    // Lists: filtered by status and agent, paged.
    const completed = await call(`/v1/agent_tasks?status=completed&agent_id=${agent.id}&limit=1`);
    expect(completed.data.map((t: { id: string }) => t.id)).toEqual([created.id]);
    expect((await call("/v1/agent_tasks?status=queued")).data).toEqual([]);
    expect((await h.api("/v1/agent_tasks?status=nope")).status).toBe(400);
    expect((await call("/v1/agent_tasks", { key: h.other })).data).toEqual([]);
    expect((await h.api(`/v1/agent_tasks/${created.id}/events`, { key: h.other })).status).toBe(404);

    // Cancelling what has ended is a conflict.
    expect((await h.api(`/v1/agent_tasks/${created.id}/cancel`, { method: "POST" })).status).toBe(409);
    expect(hooks.received).toHaveLength(1);
  });
});
