import { afterEach, describe, expect, it, vi } from "vitest";
import { statelessModel } from "../../cli/test/e2e/run-script.js";
import { systemTarGz } from "./helpers/archives.js";
import { readEventsUntil, type StreamEvent } from "./helpers/event-stream.js";
import { type ServerHarness, startServerHarness, uploadForm } from "./helpers/server-harness.js";
import { startWebhookReceiver, type WebhookReceiver } from "./helpers/webhook-receiver.js";

let h: ServerHarness | null = null;
let hooks: WebhookReceiver | null = null;
afterEach(async () => {
  await h?.close();
  await hooks?.close();
  h = hooks = null;
});

// biome-ignore lint/suspicious/noExplicitAny: API objects are checked field by field
type Json = any;

async function call(
  server: ServerHarness,
  pathname: string,
  init: Parameters<ServerHarness["api"]>[1] = {},
): Promise<Json> {
  const response = await server.api(pathname, init);
  const body = await response.json();
  if (!response.ok) throw new Error(`${response.status}: ${JSON.stringify(body)}`);
  return body;
}

async function agentAndFile(server: ServerHarness) {
  const archive = systemTarGz({ "README.md": "# demo\n" });
  const file = await call(server, "/v1/files", { method: "POST", body: uploadForm(archive) });
  const agent = await call(server, "/v1/agents", {
    method: "POST",
    json: { model: "gpt-5.1-codex", timeout_hours: 1, checkpoint_interval: 30, max_cost: 5 },
  });
  return { agent, file };
}

function stream(server: ServerHarness, taskId: string, until: (e: StreamEvent) => boolean) {
  return readEventsUntil(
    (signal) =>
      server.api(`/v1/agent_tasks/${taskId}/events`, { headers: { accept: "text/event-stream" }, signal }),
    until,
  );
}

describe("task control", { timeout: 120_000 }, () => {
  it("cancels a queued task at once and a running one as it wraps up; one cancelled webhook each; lists page by cursor", async () => {
    h = await startServerHarness(statelessModel(["s1"], { forever: true }), { concurrency: 1 });
    hooks = await startWebhookReceiver();
    const { agent, file } = await agentAndFile(h);
    const create = (instructions: string) =>
      call(h!, "/v1/agent_tasks", {
        method: "POST",
        json: {
          agent_id: agent.id,
          instructions,
          files: [file.id],
          output_format: "patch",
          webhook_url: hooks!.url,
        },
      });
    const running = await create("keep going");
    await stream(h, running.id, (e) => e.event === "run.stage");
    const queued = await create("wait your turn");
    expect((await call(h, `/v1/agent_tasks/${queued.id}`)).status).toBe("queued");

    // Another key can neither see nor cancel them.
    expect(
      (await h.api(`/v1/agent_tasks/${queued.id}/cancel`, { method: "POST", key: h.other })).status,
    ).toBe(404);

    const cancelledQueued = await call(h, `/v1/agent_tasks/${queued.id}/cancel`, { method: "POST" });
    expect(cancelledQueued).toMatchObject({ status: "cancelled", cancel_requested: true });
    expect(cancelledQueued.error.message).toMatch(/before it started/);

    const asked = await call(h, `/v1/agent_tasks/${running.id}/cancel`, { method: "POST" });
    expect(asked.cancel_requested).toBe(true);
    const end = (await stream(h, running.id, (e) => e.event === "end")).at(-1)!;
    expect(JSON.parse(end.data)).toEqual({ id: running.id, status: "cancelled" });
    const done = await call(h, `/v1/agent_tasks/${running.id}`);
    expect(done).toMatchObject({ status: "cancelled", output_format: "patch" });
    expect(done.completed_at).not.toBeNull();
    expect((await h.api(`/v1/agent_tasks/${running.id}/cancel`, { method: "POST" })).status).toBe(409);

    const received = await hooks.waitFor(2);
    const types = received
      .map((r) => JSON.parse(r.body))
      .map((b) => `${b.data.id}:${b.type}`)
      .sort();
    expect(types).toEqual([`${queued.id}:agent_task.cancelled`, `${running.id}:agent_task.cancelled`].sort());
    expect(new Set(received.map((r) => r.headers["webhook-id"])).size).toBe(2);

    // Pages: newest first by default, `after` continues, `order=asc` reverses.
    const first = await call(h, "/v1/agent_tasks?limit=1");
    expect(first).toMatchObject({ object: "list", has_more: true });
    expect(first.data.map((t: { id: string }) => t.id)).toEqual([queued.id]);
    const second = await call(h, `/v1/agent_tasks?limit=1&after=${queued.id}`);
    expect(second.data.map((t: { id: string }) => t.id)).toEqual([running.id]);
    expect(second.has_more).toBe(false);
    const asc = await call(h, "/v1/agent_tasks?order=asc&status=cancelled,failed");
    expect(asc.data.map((t: { id: string }) => t.id)).toEqual([running.id, queued.id]);
    expect((await call(h, "/v1/agent_tasks?status=running")).data).toEqual([]);
  });

  it("lets go of every event stream a client leaves: 100 streams open, then none", async () => {
    h = await startServerHarness(statelessModel(["s1"], { forever: true }), { concurrency: 1 });
    const { agent, file } = await agentAndFile(h);
    const task = await call(h, "/v1/agent_tasks", {
      method: "POST",
      json: { agent_id: agent.id, instructions: "keep going", files: [file.id], output_format: "patch" },
    });
    await stream(h, task.id, (e) => e.event === "run.stage");
    const clients = Array.from({ length: 100 }, () => new AbortController());
    const responses = await Promise.all(
      clients.map((abort) =>
        h!.api(`/v1/agent_tasks/${task.id}/events`, {
          headers: { accept: "text/event-stream" },
          signal: abort.signal,
        }),
      ),
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
    await vi.waitFor(() => expect(h!.server.bus.listeners).toBe(100), { timeout: 15_000 });
    for (const abort of clients) abort.abort();
    await vi.waitFor(() => expect(h!.server.bus.listeners).toBe(0), { timeout: 15_000 });
    await call(h, `/v1/agent_tasks/${task.id}/cancel`, { method: "POST" });
  });

  it("refuses a loopback webhook URL unless the server allows private webhooks", async () => {
    h = await startServerHarness(statelessModel(["s1"]), { allowPrivateWebhooks: false });
    const { agent, file } = await agentAndFile(h);
    const response = await h.api("/v1/agent_tasks", {
      method: "POST",
      json: {
        agent_id: agent.id,
        instructions: "x",
        files: [file.id],
        output_format: "zip",
        webhook_url: "http://127.0.0.1:9/hook",
      },
    });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toMatch(/--allow-private-webhooks/);
    expect((await call(h, "/v1/agent_tasks")).data).toEqual([]);
  });
});
