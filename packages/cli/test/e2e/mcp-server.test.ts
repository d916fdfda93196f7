import fs from "node:fs";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { functionCall, reply, scenario, text } from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { BIN, type Harness, inputOf, startHarness } from "./harness.js";

let h: Harness;
let client: Client | undefined;
afterEach(async () => {
  await client?.close();
  client = undefined;
  await h?.close();
});

/** The SDK's client, talking to `nightshift mcp-server` (the built binary) over stdio. */
async function connect(capabilities: Record<string, unknown> = {}): Promise<Client> {
  client = new Client({ name: "e2e", version: "0" }, { capabilities });
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, "mcp-server"],
    env: h.env as Record<string, string>,
    cwd: h.workspace,
    stderr: "pipe",
  });
  await client.connect(transport);
  return client;
}

type ToolAnswer = {
  content: { type: string; text: string }[];
  structuredContent?: { threadId: string; content: string };
  isError?: boolean;
};

async function call(c: Client, name: string, args: Record<string, unknown>): Promise<ToolAnswer> {
  return (await c.callTool({ name, arguments: args }, undefined, { timeout: 25_000 })) as ToolAnswer;
}

describe("nightshift mcp-server", () => {
  it("offers nightshift and nightshift-reply, runs a session and continues it by thread id", async () => {
    h = await startHarness(
      scenario(reply(text("first answer")), {
        match: { inputContains: "second prompt" },
        response: { output: [text("second answer")] },
      }),
    );
    const c = await connect();
    const tools = await c.listTools();
    expect(tools.tools.map((tool) => tool.name)).toEqual(["nightshift", "nightshift-reply"]);
    const start = tools.tools[0]!;
    expect(start.inputSchema.required).toEqual(["prompt"]);
    expect(Object.keys(start.inputSchema.properties ?? {})).toEqual([
      "prompt",
      "cwd",
      "model",
      "profile",
      "sandbox",
      "approval-policy",
      "config",
      "developer-instructions",
    ]);
    expect(tools.tools[1]!.inputSchema.required).toEqual(["threadId", "prompt"]);

    const first = await call(c, "nightshift", { prompt: "first prompt", config: { model_verbosity: "low" } });
    expect(first.isError).toBeUndefined();
    expect(first.content).toEqual([{ type: "text", text: "first answer" }]);
    const threadId = first.structuredContent!.threadId;
    expect(threadId).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.structuredContent).toEqual({ threadId, content: "first answer" });
    expect(h.server.requests[0]!.body!.prompt_cache_key).toBe(threadId);
    expect(h.server.requests[0]!.body!.text).toMatchObject({ verbosity: "low" });

    const second = await call(c, "nightshift-reply", { threadId, prompt: "second prompt" });
    expect(second.structuredContent).toEqual({ threadId, content: "second answer" });
    expect(h.server.failures).toEqual([]);
    expect(h.server.requests[1]!.body!.prompt_cache_key).toBe(threadId);
    const history = JSON.stringify(inputOf(h.server, 1));
    expect(history).toContain("first prompt");
    expect(history).toContain("first answer");
  });

  it("resumes a thread from disk after a restart", async () => {
    h = await startHarness(
      scenario(reply(text("before restart")), {
        match: { inputContains: "after restart?" },
        response: { output: [text("remembered")] },
      }),
    );
    const first = await call(await connect(), "nightshift", { prompt: "remember me" });
    const threadId = first.structuredContent!.threadId;
    await client!.close();
    const second = await call(await connect(), "nightshift-reply", { threadId, prompt: "after restart?" });
    expect(second.structuredContent).toEqual({ threadId, content: "remembered" });
    expect(JSON.stringify(inputOf(h.server, 1))).toContain("remember me");
  });

  it("forwards an approval to the client as an elicitation and acts on the answer", async () => {
    h = await startHarness(
      scenario(reply(functionCall("shell", { command: ["bash", "-lc", "mkdir made-by-agent"] }, "c1")), {
        match: { lastInput: { type: "function_call_output" } },
        response: { output: [text("made it")] },
      }),
    );
    const c = await connect({ elicitation: {} });
    const asked: { message: string; requestedSchema: unknown }[] = [];
    c.setRequestHandler(ElicitRequestSchema, async (request) => {
      asked.push(request.params as { message: string; requestedSchema: unknown });
      return { action: "accept", content: { decision: "approved" } };
    });
    const result = await call(c, "nightshift", {
      prompt: "make a directory",
      sandbox: "danger-full-access",
      "approval-policy": "untrusted",
    });
    expect(result.structuredContent?.content).toBe("made it");
    expect(asked).toHaveLength(1);
    expect(asked[0]!.message).toContain("nightshift wants to run a command: bash -lc mkdir made-by-agent");
    expect(asked[0]!.requestedSchema).toMatchObject({
      properties: { decision: { enum: ["approved", "approved_for_session", "denied", "abort"] } },
    });
    expect(fs.statSync(path.join(h.workspace, "made-by-agent")).isDirectory()).toBe(true);
    expect(inputOf(h.server, 1).at(-1).output).toContain("Exit code: 0");
  });

  it("denies approvals when the client cannot answer elicitations", async () => {
    h = await startHarness(
      scenario(reply(functionCall("shell", { command: ["bash", "-lc", "mkdir not-made"] }, "c1")), {
        match: { lastInput: { type: "function_call_output" } },
        response: { output: [text("was refused")] },
      }),
    );
    const result = await call(await connect(), "nightshift", {
      prompt: "make a directory",
      sandbox: "danger-full-access",
      "approval-policy": "untrusted",
    });
    expect(result.structuredContent?.content).toBe("was refused");
    expect(inputOf(h.server, 1).at(-1).output).toBe("exec command rejected by user");
    expect(fs.existsSync(path.join(h.workspace, "not-made"))).toBe(false);
  });

  it("answers bad arguments and unknown threads with tool errors", async () => {
    h = await startHarness(scenario());
    const c = await connect();
    const unknown = await call(c, "nightshift-reply", { threadId: "no-such-thread", prompt: "hi" });
    expect(unknown.isError).toBe(true);
    expect(unknown.content[0]!.text).toContain('no session with id "no-such-thread"');
    const badCwd = await call(c, "nightshift", { prompt: "hi", cwd: "/definitely/not/here" });
    expect(badCwd.isError).toBe(true);
    expect(badCwd.content[0]!.text).toContain("is not a directory");
    const badConfig = await call(c, "nightshift", { prompt: "hi", config: { no_such_key: 1 } });
    expect(badConfig.isError).toBe(true);
    expect(badConfig.content[0]!.text).toContain("no_such_key");
    expect(h.server.requests).toEqual([]);
  });
});
