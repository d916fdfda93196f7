import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import type { JsonObject, RecordedRequest } from "@nightshift/testkit";
import { functionCall, reply, scenario, text } from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { BIN, type Harness, inputOf, startHarness } from "./harness.js";
import { stageOf, statelessModel } from "./run-script.js";

let h: Harness;
let client: Client | undefined;
afterEach(async () => {
  await client?.close();
  client = undefined;
  await h?.close();
});

const ask = (callId: string, choices?: string[]) =>
  functionCall(
    "request_user_input",
    { question: "Which database should the tests use?", ...(choices ? { choices } : {}) },
    callId,
  );
const afterAnswer = (reply_: string) => ({
  match: { lastInput: { type: "function_call_output" } },
  response: { output: [text(reply_)] },
});

async function connect(capabilities: Record<string, unknown> = {}): Promise<Client> {
  client = new Client({ name: "e2e", version: "0" }, { capabilities });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [BIN, "mcp-server"],
      env: h.env as Record<string, string>,
      cwd: h.workspace,
      stderr: "pipe",
    }),
  );
  return client;
}

async function runTask(c: Client): Promise<string | undefined> {
  const answer = (await c.callTool({ name: "nightshift", arguments: { prompt: "set up tests" } }, undefined, {
    timeout: 25_000,
  })) as { structuredContent?: { content: string } };
  return answer.structuredContent?.content;
}

describe("request_user_input", () => {
  it("is offered in every session, after update_plan", async () => {
    h = await startHarness(scenario(reply(text("ok"))));
    expect((await h.run(["exec", "hi"])).code).toBe(0);
    const tools = h.server.requests[0]!.body!.tools;
    const names = tools.map((tool: { name: string }) => tool.name);
    expect(names.indexOf("request_user_input")).toBe(names.indexOf("update_plan") + 1);
    expect(tools[names.indexOf("request_user_input")].parameters).toMatchObject({
      type: "object",
      properties: { question: { type: "string" }, choices: { type: "array", items: { type: "string" } } },
      required: ["question"],
    });
  });

  it("under exec, is answered at once that no one is here, and the turn goes on", async () => {
    h = await startHarness(scenario(reply(ask("q1", ["sqlite", "postgres"])), afterAnswer("chose sqlite")));
    const result = await h.run(["exec", "set up tests"]);
    expect(h.server.failures).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("chose sqlite\n");
    const output = inputOf(h.server, 1).at(-1);
    expect(output).toMatchObject({ type: "function_call_output", call_id: "q1" });
    expect(output.output).toContain(
      "No one is here to answer: this session runs unattended. Do not ask again.",
    );
    expect(result.stderr).toContain("▸ question for the user: Which database should the tests use?");
    expect(result.stderr).toContain("✗ no one here to answer: the model decides");
  });

  it("under the MCP server, asks the client through an elicitation", async () => {
    h = await startHarness(
      scenario(
        reply(ask("q1", ["sqlite", "postgres"])),
        afterAnswer("first"),
        reply(ask("q2")),
        afterAnswer("second"),
      ),
    );
    const c = await connect({ elicitation: {} });
    const asked: { message: string; requestedSchema: unknown }[] = [];
    const answers = [{ choice: "postgres" }, { answer: "  whatever is fastest  " }];
    c.setRequestHandler(ElicitRequestSchema, async (request) => {
      asked.push(request.params as { message: string; requestedSchema: unknown });
      return { action: "accept", content: answers[asked.length - 1]! };
    });
    expect(await runTask(c)).toBe("first");
    expect(asked[0]!.message).toBe("nightshift asks: Which database should the tests use?");
    expect(asked[0]!.requestedSchema).toMatchObject({
      properties: { choice: { type: "string", enum: ["sqlite", "postgres"] }, answer: { type: "string" } },
    });
    expect(inputOf(h.server, 1).at(-1).output).toBe("The user answered: postgres");

    expect(await runTask(c)).toBe("second");
    expect(asked[1]!.requestedSchema).toMatchObject({
      properties: { answer: { type: "string" } },
      required: ["answer"],
    });
    expect(inputOf(h.server, 3).at(-1).output).toBe("The user answered: whatever is fastest");
  });

  it("under the MCP server, tells the model no one is there when the client cannot elicit, or declines", async () => {
    h = await startHarness(
      scenario(reply(ask("q1")), afterAnswer("alone"), reply(ask("q2")), afterAnswer("declined")),
    );
    expect(await runTask(await connect())).toBe("alone");
    expect(inputOf(h.server, 1).at(-1).output).toContain("No one is here to answer");
    await client!.close();

    const c = await connect({ elicitation: {} });
    c.setRequestHandler(ElicitRequestSchema, async () => ({ action: "decline" }));
    expect(await runTask(c)).toBe("declined");
    expect(inputOf(h.server, 3).at(-1).output).toContain("The user chose not to answer.");
  });
});

describe("request_user_input under run", () => {
  it("is answered by policy that no one is there, and the run goes on to completion", async () => {
    const model = statelessModel(["s1"]);
    // Each stage's first work request asks the user; every other request is the stateless model's.
    const asking = (request: RecordedRequest) => {
      const input: JsonObject[] = request.body?.input ?? [];
      const asked = input.some((item) => item.type === "function_call" && item.name === "request_user_input");
      if (stageOf(request) && !asked) return { response: { output: [ask(`q_${stageOf(request)}`)] } };
      return model(request);
    };
    h = await startHarness({ steps: [{ times: 1000, generate: asking }] });
    const result = await h.run(["run", "--json", "write a file"]);
    expect(h.server.failures).toEqual([]);
    expect(result.code).toBe(0);
    expect(h.jsonEvents(result).at(-1)).toMatchObject({ type: "run.completed", status: "completed" });
    const answers = h.server.requests
      .flatMap((request) => (request.body?.input ?? []) as JsonObject[])
      .filter((item) => item.type === "function_call_output" && item.call_id === "q_s1");
    expect(answers.length).toBeGreaterThan(0);
    expect(String(answers[0]!.output)).toContain("No one is here to answer");
  }, 120_000);
});
