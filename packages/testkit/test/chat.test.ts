import { afterEach, describe, expect, it } from "vitest";
import {
  type FakeModelServer,
  functionCall,
  type JsonObject,
  reasoning,
  reply,
  type StepSpec,
  scenario,
  startFakeModelServer,
  text,
} from "../src/index.js";
import { jsonOf, post, sseJson } from "./helpers.js";

let server: FakeModelServer;
afterEach(async () => {
  await server?.close();
});

const messages = [
  { role: "system", content: "be brief" },
  { role: "user", content: "list files" },
];

function chatBody(extra: Record<string, unknown> = {}) {
  return { model: "gpt-oss:20b", messages, stream: true, ...extra };
}

async function chunksFor(step: StepSpec, extra: Record<string, unknown> = {}) {
  server = await startFakeModelServer({ scenario: scenario(step) });
  const res = await post(server, "/v1/chat/completions", chatBody(extra));
  expect(res.status).toBe(200);
  const body = await res.text();
  expect(body.endsWith("data: [DONE]\n\n")).toBe(true);
  return sseJson(body);
}

function deltas(chunks: JsonObject[]) {
  return chunks.filter((c) => c.choices.length > 0).map((c) => c.choices[0].delta);
}

describe("POST /v1/chat/completions streaming", () => {
  it("streams text and reasoning_content, then stop", async () => {
    const chunks = await chunksFor(reply(reasoning("thinking hard"), text("Here you go")));
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({
        id: "chatcmpl-fake000001",
        object: "chat.completion.chunk",
        model: "gpt-oss:20b",
      });
      expect(chunk).not.toHaveProperty("usage");
    }
    const ds = deltas(chunks);
    expect(ds[0]).toEqual({ role: "assistant", content: "" });
    expect(ds.map((d) => d.reasoning_content ?? "").join("")).toBe("thinking hard");
    expect(ds.map((d) => d.content ?? "").join("")).toBe("Here you go");
    expect(chunks.at(-1)!.choices[0]).toEqual({ index: 0, delta: {}, logprobs: null, finish_reason: "stop" });
  });

  it("streams tool calls with id and name only in the first chunk of each index", async () => {
    const chunks = await chunksFor({
      ...reply(functionCall("shell", { command: ["ls"] }), functionCall("read", { path: "a.txt" }, "call_r")),
      chunks: 4,
    });
    const calls = deltas(chunks).flatMap((d) => d.tool_calls ?? []);
    for (const index of [0, 1]) {
      const mine = calls.filter((c) => c.index === index);
      expect(mine.length).toBeGreaterThan(2);
      expect(mine[0]).toMatchObject({ type: "function", function: { name: index === 0 ? "shell" : "read" } });
      expect(mine.slice(1).every((c) => c.id === undefined && c.function.name === undefined)).toBe(true);
    }
    expect(calls[0].id).toBe("call_1");
    const args = (index: number) =>
      calls
        .filter((c) => c.index === index)
        .map((c) => c.function.arguments)
        .join("");
    expect(JSON.parse(args(0))).toEqual({ command: ["ls"] });
    expect(JSON.parse(args(1))).toEqual({ path: "a.txt" });
    expect(calls.find((c) => c.index === 1).id).toBe("call_r");
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe("tool_calls");
  });

  it("sends the usage chunk only with stream_options.include_usage, unless omitUsage", async () => {
    const withUsage = await chunksFor(reply(text("hi")), { stream_options: { include_usage: true } });
    const last = withUsage.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({
      prompt_tokens: Math.ceil((JSON.stringify(messages[0]) + JSON.stringify(messages[1])).length / 4),
      completion_tokens: 1,
      prompt_tokens_details: { cached_tokens: 0 },
    });
    expect(last.usage.total_tokens).toBe(last.usage.prompt_tokens + 1);
    expect(withUsage.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    await server.close();

    const omitted = await chunksFor(
      { ...reply(text("hi")), omitUsage: true },
      { stream_options: { include_usage: true } },
    );
    expect(omitted.some((c) => c.usage)).toBe(false);
  });

  it("puts reasoning in `reasoning` or in think tags on request", async () => {
    const plain = await chunksFor({ ...reply(reasoning("hmm"), text("ok")), reasoningField: "reasoning" });
    expect(
      deltas(plain)
        .map((d) => d.reasoning ?? "")
        .join(""),
    ).toBe("hmm");
    await server.close();
    const tags = await chunksFor({ ...reply(reasoning("hmm"), text("ok")), reasoningField: "think_tags" });
    expect(
      deltas(tags)
        .map((d) => d.content ?? "")
        .join(""),
    ).toBe("<think>hmm</think>ok");
  });

  it("sends raw arguments verbatim and honours finishReason", async () => {
    const chunks = await chunksFor({
      ...reply(functionCall("shell", { command: ["ls"] })),
      rawArguments: '{"command": ["ls"',
      finishReason: "length",
    });
    const args = deltas(chunks)
      .flatMap((d) => d.tool_calls ?? [])
      .map((c) => c.function.arguments)
      .join("");
    expect(args).toBe('{"command": ["ls"');
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe("length");
  });

  it("answers stream:false with a chat.completion", async () => {
    server = await startFakeModelServer({
      scenario: scenario(reply(reasoning("r"), text("hello"), functionCall("f", {}))),
    });
    const json = await jsonOf(post(server, "/v1/chat/completions", chatBody({ stream: false })));
    expect(json.object).toBe("chat.completion");
    expect(json.choices[0]).toMatchObject({
      finish_reason: "tool_calls",
      message: {
        role: "assistant",
        content: "hello",
        reasoning_content: "r",
        tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: "{}" } }],
      },
    });
    expect(json.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it("computes cached prompt tokens from prompt_cache_key", async () => {
    server = await startFakeModelServer({ scenario: { steps: [{ ...reply(text("ok")), times: 2 }] } });
    const long = [{ role: "user", content: "z".repeat(10_000) }];
    const opts = { messages: long, prompt_cache_key: "k", stream_options: { include_usage: true } };
    await (await post(server, "/v1/chat/completions", chatBody(opts))).text();
    const second = {
      ...opts,
      messages: [...long, { role: "assistant", content: "ok" }, { role: "user", content: "more" }],
    };
    const chunks = sseJson(await (await post(server, "/v1/chat/completions", chatBody(second))).text());
    expect(chunks.at(-1)!.usage.prompt_tokens_details.cached_tokens).toBe(2432);
  });
});
