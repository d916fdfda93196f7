import { afterEach, describe, expect, it } from "vitest";
import {
  compaction,
  decodeCompactionBlob,
  type FakeModelServer,
  fault,
  reply,
  scenario,
  startFakeModelServer,
  text,
  userMessage,
} from "../src/index.js";
import { jsonOf, post, responsesBody, sseJson, userItem } from "./helpers.js";

let server: FakeModelServer;
afterEach(async () => {
  await server?.close();
});

const history = [
  {
    type: "message",
    role: "developer",
    content: [{ type: "input_text", text: "<permissions instructions>…" }],
  },
  {
    type: "message",
    role: "user",
    content: [
      { type: "input_text", text: "# AGENTS.md instructions for /repo\n\n<INSTRUCTIONS>…</INSTRUCTIONS>" },
      { type: "input_text", text: "<environment_context>\n  <cwd>/repo</cwd>\n</environment_context>" },
    ],
  },
  userItem("fix the failing test"),
  { type: "reasoning", summary: [], encrypted_content: "abc" },
  { type: "function_call", name: "shell", arguments: "{}", call_id: "call_1" },
  { type: "function_call_output", call_id: "call_1", output: "ok" },
  { type: "message", role: "assistant", content: [{ type: "output_text", text: "Fixed." }] },
  userItem("now add a test"),
];

function compactBody(input: unknown[]) {
  return { model: "gpt-5.1-codex", input, instructions: "be brief", tools: [], parallel_tool_calls: true };
}

describe("POST /v1/responses/compact", () => {
  it("keeps real user messages and folds the rest into one compaction item, without consuming steps", async () => {
    server = await startFakeModelServer({ scenario: scenario(reply(text("after compaction"))) });
    const res = await post(server, "/v1/responses/compact", compactBody(history));
    expect(res.status).toBe(200);
    const json = await jsonOf(res);
    expect(json).toMatchObject({ object: "response.compaction", id: expect.stringMatching(/^resp_/) });
    expect(json.output).toEqual([
      userItem("fix the failing test"),
      userItem("now add a test"),
      { type: "compaction", encrypted_content: expect.stringMatching(/^enc:/) },
    ]);
    expect(decodeCompactionBlob(json.output[2].encrypted_content)).toMatchObject({ replaced: 6, kept: 2 });
    expect(json.usage).toMatchObject({ input_tokens: expect.any(Number), output_tokens: expect.any(Number) });
    expect(server.remainingSteps()).toBe(1);
    expect(server.requests[0]!.stepIndex).toBeNull();

    const again = await jsonOf(post(server, "/v1/responses/compact", compactBody(history)));
    expect(again.output).toEqual(json.output);

    const events = sseJson(await (await post(server, "/v1/responses", responsesBody(json.output))).text());
    expect(events.at(-1)!.response.output[0].content[0].text).toBe("after compaction");
    expect(server.failures).toEqual([]);
  });

  it("serves a step that targets the compact path, faults included", async () => {
    server = await startFakeModelServer({
      scenario: scenario(fault({ type: "http", status: 500 }, { match: { path: "/v1/responses/compact" } }), {
        match: { path: "/v1/responses/compact", lastInput: { contains: "now add" } },
        response: { output: [userMessage("summary kept"), compaction("custom-blob")] },
      }),
    });
    expect((await post(server, "/v1/responses/compact", compactBody(history))).status).toBe(500);
    const json = await jsonOf(post(server, "/v1/responses/compact", compactBody(history)));
    expect(json.output).toEqual([userMessage("summary kept"), compaction("custom-blob")]);
    expect(server.requests.map((r) => r.stepIndex)).toEqual([0, 1]);
    expect(server.remainingSteps()).toBe(0);
  });

  it("a /v1/responses request does not take a compact step", async () => {
    server = await startFakeModelServer({
      scenario: scenario({
        match: { path: "/v1/responses/compact" },
        response: { output: [compaction("x")] },
      }),
    });
    const res = await post(server, "/v1/responses", responsesBody(history));
    expect(res.status).toBe(400);
    expect(server.failures[0]).toContain("path: expected /v1/responses/compact, got /v1/responses");
  });
});
