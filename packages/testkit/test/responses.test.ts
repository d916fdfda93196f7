import { afterEach, describe, expect, it } from "vitest";
import {
  customToolCall,
  type FakeModelServer,
  functionCall,
  reasoning,
  reply,
  scenario,
  startFakeModelServer,
  text,
} from "../src/index.js";
import { jsonOf, post, responsesBody, sseJson, userItem } from "./helpers.js";

let server: FakeModelServer;
afterEach(async () => {
  await server?.close();
});

describe("POST /v1/responses streaming", () => {
  it("streams every item type with the real event sequence", async () => {
    server = await startFakeModelServer({
      scenario: scenario(
        reply(
          reasoning("Looking at the repo", "opaque-1"),
          text("Running ls", "commentary"),
          functionCall("shell", { command: ["ls", "-la"] }),
          customToolCall("apply_patch", "*** Begin Patch\n*** End Patch\n", "patch-call"),
        ),
      ),
      now: () => 1_750_000_000_000,
    });
    const res = await post(server, "/v1/responses", responsesBody([userItem("list files")]));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const events = sseJson(await res.text());

    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const types = events.map((e) => e.type);
    const expected = [
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.reasoning_summary_part.added",
      ...Array(3).fill("response.reasoning_summary_text.delta"),
      "response.reasoning_summary_text.done",
      "response.reasoning_summary_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.content_part.added",
      ...Array(3).fill("response.output_text.delta"),
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.output_item.added",
      ...Array(3).fill("response.function_call_arguments.delta"),
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.output_item.added",
      ...Array(3).fill("response.custom_tool_call_input.delta"),
      "response.custom_tool_call_input.done",
      "response.output_item.done",
      "response.completed",
    ];
    expect(types).toEqual(expected);

    const created = events[0]!.response;
    expect(created).toMatchObject({
      id: "resp_fake_000001",
      object: "response",
      status: "in_progress",
      model: "gpt-5.1-codex",
      output: [],
      created_at: 1_750_000_000,
      instructions: "be brief",
    });

    const deltas = (type: string) => events.filter((e) => e.type === type).map((e) => e.delta);
    expect(deltas("response.output_text.delta").join("")).toBe("Running ls");
    expect(deltas("response.reasoning_summary_text.delta").join("")).toBe("Looking at the repo");
    expect(deltas("response.function_call_arguments.delta").join("")).toBe('{"command":["ls","-la"]}');
    expect(deltas("response.custom_tool_call_input.delta").join("")).toBe("*** Begin Patch\n*** End Patch\n");
    const textDelta = events.find((e) => e.type === "response.output_text.delta")!;
    expect(textDelta).toMatchObject({ item_id: "msg_fake_000001", output_index: 1, content_index: 0 });

    const added = events.filter((e) => e.type === "response.output_item.added").map((e) => e.item);
    expect(added[1]).toEqual({
      id: "msg_fake_000001",
      type: "message",
      status: "in_progress",
      content: [],
      role: "assistant",
      phase: "commentary",
    });
    expect(added[2]).toMatchObject({
      type: "function_call",
      status: "in_progress",
      arguments: "",
      call_id: "call_1",
    });

    const done = events.filter((e) => e.type === "response.output_item.done").map((e) => e.item);
    expect(done).toEqual([
      {
        id: "rs_fake_000001",
        type: "reasoning",
        summary: [{ type: "summary_text", text: "Looking at the repo" }],
        encrypted_content: "opaque-1",
      },
      {
        id: "msg_fake_000001",
        type: "message",
        status: "completed",
        role: "assistant",
        content: [{ type: "output_text", annotations: [], logprobs: [], text: "Running ls" }],
        phase: "commentary",
      },
      {
        id: "fc_fake_000001",
        type: "function_call",
        status: "completed",
        arguments: '{"command":["ls","-la"]}',
        call_id: "call_1",
        name: "shell",
      },
      {
        id: "ctc_fake_000001",
        type: "custom_tool_call",
        status: "completed",
        call_id: "patch-call",
        input: "*** Begin Patch\n*** End Patch\n",
        name: "apply_patch",
      },
    ]);

    const completed = events.at(-1)!.response;
    expect(completed.status).toBe("completed");
    expect(completed.output).toEqual(done);
    const inputTokens = Math.ceil(
      (JSON.stringify("be brief") + JSON.stringify([]) + JSON.stringify(userItem("list files"))).length / 4,
    );
    expect(completed.usage).toEqual({
      input_tokens: inputTokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: expect.any(Number),
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: inputTokens + completed.usage.output_tokens,
    });
  });

  it("generates call ids per server and takes usage from the step", async () => {
    server = await startFakeModelServer({
      scenario: scenario(
        { response: { output: [functionCall("a", {})], usage: { output_tokens: 77, reasoning_tokens: 40 } } },
        reply(functionCall("b", "{not json", undefined, "mcp__files")),
      ),
    });
    const first = sseJson(await (await post(server, "/v1/responses", responsesBody([userItem("x")]))).text());
    const second = sseJson(
      await (await post(server, "/v1/responses", responsesBody([userItem("y")]))).text(),
    );
    expect(first.at(-1)!.response.output[0].call_id).toBe("call_1");
    expect(first.at(-1)!.response.usage.output_tokens).toBe(77);
    expect(first.at(-1)!.response.usage.output_tokens_details.reasoning_tokens).toBe(40);
    expect(second.at(-1)!.response.output[0]).toMatchObject({
      call_id: "call_2",
      arguments: "{not json",
      namespace: "mcp__files",
    });
    expect(second.at(-1)!.response.id).toBe("resp_fake_000002");
  });

  it("adds encrypted reasoning when the request includes it, and honours the chunk count", async () => {
    server = await startFakeModelServer({
      scenario: scenario({ ...reply(reasoning(["first part", "second part"]), text("abcdef")), chunks: 6 }),
    });
    const body = responsesBody([userItem("x")], { include: ["reasoning.encrypted_content"] });
    const events = sseJson(await (await post(server, "/v1/responses", body)).text());
    const item = events.at(-1)!.response.output[0];
    expect(item.summary).toEqual([
      { type: "summary_text", text: "first part" },
      { type: "summary_text", text: "second part" },
    ]);
    expect(typeof item.encrypted_content).toBe("string");
    const summaryIndexes = events
      .filter((e) => e.type === "response.reasoning_summary_part.added")
      .map((e) => e.summary_index);
    expect(summaryIndexes).toEqual([0, 1]);
    expect(events.filter((e) => e.type === "response.output_text.delta").map((e) => e.delta)).toEqual([
      "a",
      "b",
      "c",
      "d",
      "e",
      "f",
    ]);
  });

  it("answers stream:false with the response object", async () => {
    server = await startFakeModelServer({ scenario: scenario(reply(text("hello"))) });
    const res = await post(server, "/v1/responses", responsesBody([userItem("x")], { stream: false }));
    expect(res.headers.get("content-type")).toBe("application/json");
    const json = await jsonOf(res);
    expect(json).toMatchObject({ object: "response", status: "completed" });
    expect(json.output[0].content[0].text).toBe("hello");
    expect(json.usage.input_tokens).toBeGreaterThan(0);
  });

  it("records every request with lowercased headers and the step that served it", async () => {
    server = await startFakeModelServer({ scenario: scenario({ ...reply(text("a")), times: 2 }) });
    await (
      await post(server, "/v1/responses?x=1", responsesBody([userItem("one")]), { "X-Trace": "t1" })
    ).text();
    expect(server.remainingSteps()).toBe(1);
    await (await post(server, "/v1/responses", responsesBody([userItem("two")]))).text();
    expect(server.remainingSteps()).toBe(0);
    expect(server.requests).toHaveLength(2);
    const [first] = server.requests;
    expect(first).toMatchObject({ index: 0, method: "POST", path: "/v1/responses", stepIndex: 0 });
    expect(first!.headers["x-trace"]).toBe("t1");
    expect(first!.body!.input[0].content[0].text).toBe("one");
    expect(JSON.parse(first!.rawBody)).toEqual(first!.body);
    expect(server.failures).toEqual([]);
  });

  it("serves generated steps and keeps only the most recent requests when asked", async () => {
    server = await startFakeModelServer({
      scenario: scenario((request) => reply(text(`echo ${request.body!.input.length}`)), {
        times: 3,
        generate: (request) => reply(text(`gen ${request.index}`)),
      }),
      maxRecordedRequests: 2,
    });
    const texts: string[] = [];
    for (let i = 0; i < 4; i++) {
      const events = sseJson(
        await (await post(server, "/v1/responses", responsesBody([userItem("q")]))).text(),
      );
      texts.push(events.at(-1)!.response.output[0].content[0].text);
    }
    expect(texts).toEqual(["echo 1", "gen 1", "gen 2", "gen 3"]);
    expect(server.requests.map((r) => r.index)).toEqual([2, 3]);
    expect(server.requests.map((r) => r.stepIndex)).toEqual([1, 1]);
  });

  it("decodes compressed request bodies", async () => {
    const { zstdCompressSync, gzipSync } = await import("node:zlib");
    server = await startFakeModelServer({ scenario: scenario({ ...reply(text("ok")), times: 2 }) });
    const raw = JSON.stringify(responsesBody([userItem("compressed")]));
    for (const [encoding, body] of [
      ["zstd", zstdCompressSync(raw)],
      ["gzip", gzipSync(raw)],
    ] as const) {
      const res = await fetch(`${server.url}/responses`, {
        method: "POST",
        headers: { "content-type": "application/json", "content-encoding": encoding },
        body,
      });
      expect(res.status).toBe(200);
      await res.text();
    }
    expect(server.requests.map((r) => r.body!.input[0].content[0].text)).toEqual([
      "compressed",
      "compressed",
    ]);
  });
});
