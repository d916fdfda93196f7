import { afterEach, describe, expect, it } from "vitest";
import {
  type FakeModelServer,
  fault,
  functionCall,
  reply,
  scenario,
  startFakeModelServer,
  text,
} from "../src/index.js";
import { jsonOf, parseSse, post, readUntil, responsesBody, sseJson, userItem } from "./helpers.js";

let server: FakeModelServer;
afterEach(async () => {
  await server?.close();
});

const body = responsesBody([userItem("hi")]);

/** Reads a body to its end or its error; returns what arrived and the error, if any. */
async function drain(response: Response): Promise<{ text: string; error: unknown }> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return { text, error: null };
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    return { text, error };
  }
}

describe("HTTP faults", () => {
  it("answers 429 with Retry-After and the OpenAI error shape, then serves the next step", async () => {
    server = await startFakeModelServer({
      scenario: scenario(fault({ type: "http", status: 429, retryAfter: 2 }), reply(text("after retry"))),
    });
    const res = await post(server, "/v1/responses", body);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("2");
    expect(await jsonOf(res)).toEqual({
      error: { message: expect.any(String), type: "requests", param: null, code: "rate_limit_exceeded" },
    });
    const retry = sseJson(await (await post(server, "/v1/responses", body)).text());
    expect(retry.at(-1)!.response.output[0].content[0].text).toBe("after retry");
    expect(server.requests.map((r) => r.stepIndex)).toEqual([0, 1]);
    expect(server.failures).toEqual([]);
  });

  it("uses defaults per status and takes custom bodies", async () => {
    server = await startFakeModelServer({
      scenario: scenario(
        fault({ type: "http", status: 500 }),
        fault({ type: "http", status: 503, code: "server_is_overloaded", message: "busy" }),
        fault({
          type: "http",
          status: 429,
          body: { error: { type: "usage_limit_reached", plan_type: "plus" } },
        }),
      ),
    });
    const r500 = await post(server, "/v1/responses", body);
    expect(r500.status).toBe(500);
    expect((await jsonOf(r500)).error).toMatchObject({ type: "server_error", code: null });
    const r503 = await post(server, "/v1/responses", body);
    expect(r503.status).toBe(503);
    expect((await jsonOf(r503)).error).toMatchObject({ message: "busy", code: "server_is_overloaded" });
    const r429 = await post(server, "/v1/responses", body);
    expect(await jsonOf(r429)).toEqual({ error: { type: "usage_limit_reached", plan_type: "plus" } });
  });
});

describe("stream faults", () => {
  it("cut: sends n events and half of the next, then drops the connection", async () => {
    server = await startFakeModelServer({
      scenario: scenario(fault({ type: "cut", afterEvents: 3 }, reply(text("hello")))),
    });
    const res = await post(server, "/v1/responses", body);
    expect(res.status).toBe(200);
    const { text: received, error } = await drain(res);
    expect(error).toBeInstanceOf(Error);
    const blocks = received.split("\n\n");
    expect(blocks).toHaveLength(4);
    expect(sseJson(blocks.slice(0, 3).join("\n\n")).map((e) => e.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
    ]);
    expect(blocks[3]!.startsWith("event: response.content_part.added")).toBe(true);
    expect(() => JSON.parse(blocks[3]!.split("data: ")[1] ?? "")).toThrow();
  });

  it("cut past the last event: everything arrives, but the connection still drops", async () => {
    server = await startFakeModelServer({
      scenario: scenario(fault({ type: "cut", afterEvents: 1000 }, reply(text("hi")))),
    });
    const { text: received, error } = await drain(await post(server, "/v1/responses", body));
    expect(error).toBeInstanceOf(Error);
    expect(sseJson(received).at(-1)!.type).toBe("response.completed");
  });

  it("stall: sends n events then nothing until the client gives up", async () => {
    server = await startFakeModelServer({
      scenario: scenario(fault({ type: "stall", afterEvents: 2 }, reply(text("x")))),
    });
    const controller = new AbortController();
    const res = await post(server, "/v1/responses", body, {}, controller.signal);
    const { text: received, reader } = await readUntil(res, (t) => t.split("\n\n").length > 2);
    expect(sseJson(received).map((e) => e.type)).toEqual(["response.created", "response.in_progress"]);
    const pending = reader.read();
    controller.abort();
    await expect(pending).rejects.toThrow(/abort/i);
    // The server is still healthy afterwards.
    const models = await fetch(`${server.url}/models`);
    expect(models.status).toBe(200);
  });

  it("stall with seconds: pauses, then sends the rest of the stream", async () => {
    server = await startFakeModelServer({
      scenario: scenario(fault({ type: "stall", afterEvents: 2, seconds: 0.05 }, reply(text("x")))),
    });
    const res = await post(server, "/v1/responses", body);
    const { text: received } = await drain(res);
    expect(sseJson(received).at(-1)!.type).toBe("response.completed");
  });

  it("stall: close() destroys the stalled connection at once", async () => {
    server = await startFakeModelServer({ scenario: scenario(fault({ type: "stall", afterEvents: 0 })) });
    const res = await post(server, "/v1/responses", body);
    expect(res.status).toBe(200);
    const reading = drain(res);
    await server.close();
    const { text: received, error } = await reading;
    expect(received).toBe("");
    expect(error).toBeInstanceOf(Error);
  });

  it("malformed: sends a data line that is not JSON, then ends the stream", async () => {
    server = await startFakeModelServer({
      scenario: scenario(fault({ type: "malformed", afterEvents: 1 }, reply(text("x")))),
    });
    const { text: received, error } = await drain(await post(server, "/v1/responses", body));
    expect(error).toBeNull();
    const events = parseSse(received);
    expect(events).toHaveLength(2);
    expect(JSON.parse(events[0]!.data).type).toBe("response.created");
    expect(() => JSON.parse(events[1]!.data)).toThrow();
  });

  it("failed: response.created, then response.failed with the error code and message", async () => {
    server = await startFakeModelServer({
      scenario: scenario(
        fault({ type: "failed", code: "rate_limit_exceeded" }),
        fault({ type: "failed", code: "context_length_exceeded", message: "too long" }),
      ),
    });
    const events = sseJson(await (await post(server, "/v1/responses", body)).text());
    expect(events.map((e) => e.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.failed",
    ]);
    const failed = events[2]!.response;
    expect(failed.status).toBe("failed");
    expect(failed.error.code).toBe("rate_limit_exceeded");
    expect(failed.error.message).toMatch(/try again in 1\.5s/i);
    const second = sseJson(await (await post(server, "/v1/responses", body)).text());
    expect(second.at(-1)!.response.error).toEqual({ code: "context_length_exceeded", message: "too long" });
  });

  it("incomplete: streams the items, then response.incomplete with the reason", async () => {
    server = await startFakeModelServer({
      scenario: scenario(fault({ type: "incomplete", reason: "max_output_tokens" }, reply(text("partial")))),
    });
    const events = sseJson(await (await post(server, "/v1/responses", body)).text());
    const last = events.at(-1)!;
    expect(last.type).toBe("response.incomplete");
    expect(last.response).toMatchObject({
      status: "incomplete",
      incomplete_details: { reason: "max_output_tokens" },
    });
    expect(last.response.output[0].content[0].text).toBe("partial");
    expect(events.some((e) => e.type === "response.completed")).toBe(false);
  });

  it("applies to non-streaming responses too", async () => {
    server = await startFakeModelServer({
      scenario: scenario(
        fault({ type: "cut", afterEvents: 0 }, reply(text("x"))),
        fault({ type: "failed", code: "insufficient_quota" }),
      ),
    });
    const cut = await drain(await post(server, "/v1/responses", { ...body, stream: false }));
    expect(cut.error).toBeInstanceOf(Error);
    expect(cut.text.length).toBeGreaterThan(0);
    const failed = await post(server, "/v1/responses", { ...body, stream: false });
    expect(failed.status).toBe(429);
    expect((await jsonOf(failed)).error.code).toBe("insufficient_quota");
  });
});

describe("faults on chat completions", () => {
  const chat = { model: "gpt-oss:20b", stream: true, messages: [{ role: "user", content: "hi" }] };

  it("http, cut, failed and incomplete", async () => {
    server = await startFakeModelServer({
      scenario: scenario(
        fault({ type: "http", status: 500 }),
        fault({ type: "cut", afterEvents: 1 }, reply(text("hello"))),
        fault({ type: "failed", code: "server_error", message: "boom" }),
        fault({ type: "incomplete", reason: "max_output_tokens" }, reply(text("cut short"))),
      ),
    });
    expect((await post(server, "/v1/chat/completions", chat)).status).toBe(500);
    const cut = await drain(await post(server, "/v1/chat/completions", chat));
    expect(cut.error).toBeInstanceOf(Error);
    expect(cut.text.split("\n\n")).toHaveLength(2);
    const failed = parseSse(await (await post(server, "/v1/chat/completions", chat)).text());
    expect(failed.map((e) => JSON.parse(e.data))).toEqual([
      { error: { message: "boom", type: "server_error", param: null, code: "server_error" } },
    ]);
    const chunks = sseJson(await (await post(server, "/v1/chat/completions", chat)).text());
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe("length");
  });
});

describe("faults that send something twice", () => {
  const answered = [
    userItem("go"),
    { type: "function_call", name: "shell", arguments: '{"command":["ls"]}', call_id: "c1" },
    { type: "function_call_output", call_id: "c1", output: "ok" },
    { type: "custom_tool_call", name: "apply_patch", input: "*** Begin Patch", call_id: "c2" },
    { type: "function_call", name: "shell", arguments: "{}", call_id: "c3" },
  ];

  it("repeat: sends one frame twice, byte for byte", async () => {
    server = await startFakeModelServer({
      scenario: scenario(fault({ type: "repeat", event: 0 }, reply(text("x")))),
    });
    const blocks = (await (await post(server, "/v1/responses", body)).text()).split("\n\n");
    expect(blocks[1]).toBe(blocks[0]);
    expect(
      sseJson(blocks.slice(1).join("\n\n"))
        .map((e) => e.sequence_number)
        .slice(0, 3),
    ).toEqual([0, 1, 2]);
  });

  it("duplicate_item_done: sends an item's output_item.done again before the end, numbered in turn", async () => {
    server = await startFakeModelServer({
      scenario: scenario(fault({ type: "duplicate_item_done" }, reply(functionCall("shell", {}, "c9")))),
    });
    const events = sseJson(await (await post(server, "/v1/responses", body)).text());
    const dones = events.filter((e) => e.type === "response.output_item.done");
    expect(dones.map((e) => e.item.call_id)).toEqual(["c9", "c9"]);
    expect(events.at(-2)).toEqual({ ...dones[0], sequence_number: events.length - 2 });
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
  });

  it("replay_answered_call: starts the answer with the newest call that has its output", async () => {
    server = await startFakeModelServer({
      scenario: scenario(
        fault({ type: "replay_answered_call" }, reply(text("after"))),
        fault({ type: "replay_answered_call" }, reply(text("chat"))),
        fault({ type: "replay_answered_call" }, reply(text("none"))),
      ),
    });
    const events = sseJson(await (await post(server, "/v1/responses", responsesBody(answered))).text());
    expect(events.at(-1)!.response.output.map((i: { type: string }) => i.type)).toEqual([
      "function_call",
      "message",
    ]);
    expect(events.at(-1)!.response.output[0]).toMatchObject({
      name: "shell",
      arguments: '{"command":["ls"]}',
      call_id: "c1",
    });
    const chat = {
      model: "gpt-oss:20b",
      stream: true,
      messages: [
        { role: "user", content: "go" },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "t1", type: "function", function: { name: "shell", arguments: "{}" } }],
        },
        { role: "tool", tool_call_id: "t1", content: "ok" },
      ],
    };
    const chunks = sseJson(await (await post(server, "/v1/chat/completions", chat)).text());
    const calls = chunks.flatMap((c) => c.choices?.[0]?.delta?.tool_calls ?? []);
    expect(calls[0]).toMatchObject({ id: "t1", function: { name: "shell" } });
    expect(server.failures).toEqual([]);
    // Nothing answered yet: reported as a failure of the scenario, and the step is served as is.
    const plain = sseJson(await (await post(server, "/v1/responses", body)).text());
    expect(plain.at(-1)!.response.output.map((i: { type: string }) => i.type)).toEqual(["message"]);
    expect(server.failures).toHaveLength(1);
    expect(server.failures[0]).toMatch(/replay_answered_call: the input holds no answered call/);
  });

  it("omitUsage on the Responses wire sends usage: null", async () => {
    server = await startFakeModelServer({ scenario: scenario({ ...reply(text("x")), omitUsage: true }) });
    const events = sseJson(await (await post(server, "/v1/responses", body)).text());
    expect(events.at(-1)!.response.usage).toBeNull();
  });

  it("records when each request arrived, on the server's clock", async () => {
    let clock = 1_000;
    server = await startFakeModelServer({
      scenario: scenario(reply(text("a")), reply(text("b"))),
      now: () => clock,
    });
    await (await post(server, "/v1/responses", body)).text();
    clock = 1_250;
    await (await post(server, "/v1/responses", body)).text();
    expect(server.requests.map((r) => r.receivedAt)).toEqual([1_000, 1_250]);
  });
});
