import { afterEach, describe, expect, it } from "vitest";
import {
  type FakeModelServer,
  functionCall,
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

const history = [
  userItem("fix the failing test"),
  { type: "function_call", name: "shell", arguments: '{"command":["ls"]}', call_id: "call_1" },
  { type: "function_call_output", call_id: "call_1", output: 'total 0\nsrc "quoted"' },
];

describe("step matching", () => {
  it("accepts a request that meets every field", async () => {
    server = await startFakeModelServer({
      scenario: scenario({
        match: {
          path: "/v1/responses",
          model: "gpt-5.1-codex",
          lastInput: { type: "function_call_output", contains: 'src "quoted"' },
          inputContains: "fix the failing",
          headers: { "X-Session": "s1" },
        },
        ...reply(text("ok")),
      }),
    });
    const res = await post(server, "/v1/responses", responsesBody(history), { "x-session": "s1" });
    expect(res.status).toBe(200);
    await res.text();
    expect(server.failures).toEqual([]);
    expect(server.requests[0]!.stepIndex).toBe(0);
  });

  it("rejects a mismatch with a readable diff, records it, and keeps the step", async () => {
    server = await startFakeModelServer({
      scenario: scenario({
        label: "after ls",
        match: { model: "other-model", lastInput: { type: "message", role: "user", contains: "hello" } },
        ...reply(text("ok")),
      }),
    });
    const res = await post(server, "/v1/responses", responsesBody(history));
    expect(res.status).toBe(400);
    const error = (await jsonOf(res)).error;
    expect(error.code).toBe("fake_scenario_mismatch");
    expect(server.failures).toHaveLength(1);
    const report = server.failures[0]!;
    expect(error.message).toBe(report);
    expect(report).toContain(
      'request #0 POST /v1/responses model=gpt-5.1-codex: does not match step 0 ("after ls")',
    );
    expect(report).toContain('model: expected "other-model", got "gpt-5.1-codex"');
    expect(report).toContain('lastInput.type: expected "message", got "function_call_output"');
    expect(report).toContain('lastInput.role: expected "user", got null');
    expect(report).toContain(
      'lastInput.contains: expected text containing "hello", got "total 0\\nsrc \\"quoted\\""',
    );
    expect(report).toContain("last input items (3 in all):");
    expect(report).toContain('[1] function_call shell call_1: "{\\"command\\":[\\"ls\\"]}"');
    expect(report).toContain("[2] function_call_output call_1:");
    expect(server.requests[0]).toMatchObject({ stepIndex: null, error: report });
    expect(server.remainingSteps()).toBe(1);
  });

  it("fails loudly when no steps remain", async () => {
    server = await startFakeModelServer({ scenario: scenario(reply(text("only"))) });
    await (await post(server, "/v1/responses", responsesBody([userItem("one")]))).text();
    const res = await post(server, "/v1/responses", responsesBody([userItem("two")]));
    expect(res.status).toBe(400);
    expect(server.failures).toHaveLength(1);
    expect(server.failures[0]).toContain(
      "request #1 POST /v1/responses model=gpt-5.1-codex: no scenario steps remain (the scenario had 1)",
    );
    expect(server.failures[0]).toContain('[0] message/user: "two"');
  });

  it("checks the path and the headers", async () => {
    server = await startFakeModelServer({
      scenario: scenario({
        match: { path: "/v1/chat/completions", headers: { originator: "nightshift" } },
        ...reply(text("x")),
      }),
    });
    await post(server, "/v1/responses", responsesBody([userItem("x")]));
    expect(server.failures[0]).toContain("path: expected /v1/chat/completions, got /v1/responses");
    expect(server.failures[0]).toContain('header originator: expected "nightshift", got null');
  });

  it("reports inputContains misses and non-JSON bodies", async () => {
    server = await startFakeModelServer({
      scenario: scenario({ match: { inputContains: "needle" }, ...reply(text("x")) }),
    });
    await post(server, "/v1/responses", responsesBody([userItem("haystack")]));
    await post(server, "/v1/responses", "{not json");
    expect(server.failures[0]).toContain('inputContains: no input item contains "needle"');
    expect(server.failures[1]).toContain("the body is not a JSON object");
    expect(server.requests[1]).toMatchObject({ body: null, rawBody: "{not json" });
  });

  it("reports unknown endpoints", async () => {
    server = await startFakeModelServer({});
    const res = await post(server, "/v1/v1/responses", responsesBody([]));
    expect(res.status).toBe(404);
    expect((await jsonOf(res)).error.code).toBe("unknown_url");
    expect(server.failures[0]).toContain("POST /v1/v1/responses");
  });

  it("setScenario replaces the steps and resets the cursor", async () => {
    server = await startFakeModelServer({ scenario: scenario(reply(text("a")), reply(text("b"))) });
    await (await post(server, "/v1/responses", responsesBody([userItem("x")]))).text();
    server.setScenario(scenario(reply(functionCall("shell", { command: ["pwd"] }))));
    expect(server.remainingSteps()).toBe(1);
    const events = sseJson(
      await (await post(server, "/v1/responses", responsesBody([userItem("x")]))).text(),
    );
    expect(events.at(-1)!.response.output[0].name).toBe("shell");
    expect(server.requests.map((r) => r.stepIndex)).toEqual([0, 0]);
  });

  it("checks the match a generated step returns", async () => {
    server = await startFakeModelServer({
      scenario: scenario(() => ({ match: { inputContains: "expected" }, ...reply(text("x")) })),
    });
    const res = await post(server, "/v1/responses", responsesBody([userItem("something else")]));
    expect(res.status).toBe(400);
    expect(server.failures[0]).toContain('inputContains: no input item contains "expected"');
  });

  it("requires the API key when one is configured", async () => {
    server = await startFakeModelServer({ scenario: scenario(reply(text("x"))), apiKey: "sk-test" });
    expect((await post(server, "/v1/responses", responsesBody([]))).status).toBe(401);
    const ok = await post(server, "/v1/responses", responsesBody([]), { authorization: "Bearer sk-test" });
    expect(ok.status).toBe(200);
    await ok.text();
  });
});
