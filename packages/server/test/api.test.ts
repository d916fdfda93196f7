import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemTarGz, tarGz } from "./helpers/archives.js";
import { type ServerHarness, startServerHarness, uploadForm } from "./helpers/server-harness.js";

let h: ServerHarness;
beforeAll(async () => {
  // Nothing here runs a task to the end: the model is never asked.
  h = await startServerHarness(() => ({ response: { output: [{ type: "message", text: "hi" }] } }), {
    concurrency: 0,
  });
});
afterAll(async () => h?.close());

const agentBody = { model: "gpt-5.1-codex", timeout_hours: 1, checkpoint_interval: 10, max_cost: 5 };

async function json(response: Response) {
  return { status: response.status, body: await response.json() };
}

describe("the API: keys, errors, objects", () => {
  it("answers /healthz without a key and refuses /v1 without a valid one", async () => {
    expect((await fetch(`${h.server.url}/healthz`)).status).toBe(200);
    const none = await fetch(`${h.server.url}/v1/agents`);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/Bearer/);
    expect((await none.json()).error.type).toBe("authentication_error");
    const wrong = await fetch(`${h.server.url}/v1/agents`, { headers: { authorization: "Bearer nsk_nope" } });
    expect(wrong.status).toBe(401);
  });

  it("creates, retrieves and lists agents; another key's id answers 404", async () => {
    const created = await json(
      await h.api("/v1/agents", {
        method: "POST",
        json: {
          ...agentBody,
          plan_model: "gpt-5.4-mini",
          review_model: "gpt-5.4-nano",
          compact_model: "gpt-5.4-mini",
        },
      }),
    );
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      object: "agent",
      model: "gpt-5.1-codex",
      plan_model: "gpt-5.4-mini",
      review_model: "gpt-5.4-nano",
      compact_model: "gpt-5.4-mini",
      hourly_fee: null,
    });
    expect(created.body.id).toMatch(/^agent_/);
    expect(typeof created.body.created_at).toBe("number");
    expect((await json(await h.api(`/v1/agents/${created.body.id}`))).body.id).toBe(created.body.id);
    const foreign = await json(await h.api(`/v1/agents/${created.body.id}`, { key: h.other }));
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.type).toBe("not_found_error");
    const list = await json(await h.api("/v1/agents"));
    expect(list.body).toMatchObject({ object: "list", has_more: false });
    expect(list.body.data.map((a: { id: string }) => a.id)).toContain(created.body.id);
    expect((await json(await h.api("/v1/agents", { key: h.other }))).body.data).toEqual([]);
  });

  it("says what is wrong with a body, with the right 4xx", async () => {
    const missing = await json(await h.api("/v1/agents", { method: "POST", json: { model: "m" } }));
    expect(missing.status).toBe(400);
    expect(missing.body.error.type).toBe("invalid_request_error");
    expect(missing.body.error.message).toMatch(/timeout_hours/);
    const unknown = await json(
      await h.api("/v1/agents", { method: "POST", json: { ...agentBody, colour: "red" } }),
    );
    expect(unknown.body.error.message).toMatch(/unknown field\(s\) colour/);
    const tooLong = await json(
      await h.api("/v1/agents", { method: "POST", json: { ...agentBody, timeout_hours: 25 } }),
    );
    expect(tooLong.body.error.message).toMatch(/timeout_hours/);
    const notJson = await h.api("/v1/agents", {
      method: "POST",
      body: "{",
      headers: { "content-type": "application/json" },
    });
    expect(notJson.status).toBe(400);
    const text = await h.api("/v1/agents", {
      method: "POST",
      body: "x",
      headers: { "content-type": "text/plain" },
    });
    expect(text.status).toBe(415);
    expect((await h.api("/v1/nothing")).status).toBe(404);
  });

  it("takes an upload, reports its size and hash, and serves it back", async () => {
    const archive = systemTarGz({ "a.txt": "a\n" });
    const created = await json(await h.api("/v1/files", { method: "POST", body: uploadForm(archive) }));
    expect(created.status).toBe(200);
    const { createHash } = await import("node:crypto");
    expect(created.body).toMatchObject({
      object: "file",
      bytes: archive.length,
      filename: "project.tar.gz",
      purpose: "agent",
      sha256: createHash("sha256").update(archive).digest("hex"),
    });
    const content = await h.api(`/v1/files/${created.body.id}/content`);
    expect(Buffer.from(await content.arrayBuffer()).equals(archive)).toBe(true);
    expect((await h.api(`/v1/files/${created.body.id}`, { key: h.other })).status).toBe(404);
    expect((await h.api(`/v1/files/${created.body.id}/content`, { key: h.other })).status).toBe(404);
  });

  it("refuses hostile and wrong uploads with a clear 4xx", async () => {
    const evil = await json(
      await h.api("/v1/files", {
        method: "POST",
        body: uploadForm(await tarGz([{ name: "../x", content: "x" }])),
      }),
    );
    expect(evil.status).toBe(400);
    expect(evil.body.error.message).toMatch(/archive is refused.*climbs out/);
    const purpose = await json(
      await h.api("/v1/files", {
        method: "POST",
        body: uploadForm(systemTarGz({ a: "a" }), "p.tgz", "fine-tune"),
      }),
    );
    expect(purpose.status).toBe(400);
    expect(purpose.body.error.message).toMatch(/purpose/);
    const notMultipart = await h.api("/v1/files", { method: "POST", json: {} });
    expect(notMultipart.status).toBe(415);
  });

  it("refuses an upload over 256 MiB with 413, reading no further than it must", {
    timeout: 60_000,
  }, async () => {
    const chunk = Buffer.alloc(1024 * 1024, 1);
    const boundary = "----nsboundary";
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nagent\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.tar.gz"\r\nContent-Type: application/gzip\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    let sent = 0;
    const body = new ReadableStream({
      pull(controller) {
        if (sent === 0) controller.enqueue(head);
        if (sent < 257) {
          controller.enqueue(chunk);
          sent++;
        } else {
          controller.enqueue(tail);
          controller.close();
        }
      },
    });
    const response = await h.api("/v1/files", {
      method: "POST",
      body,
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
      // @ts-expect-error: Node's fetch needs this for a streamed body
      duplex: "half",
    });
    expect(response.status).toBe(413);
    expect((await response.json()).error.message).toMatch(/256 MiB/);
  });
});
