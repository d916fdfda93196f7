import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { functionCall, reply, scenario, text } from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { BIN, type Harness, inputOf, repoRoot, startHarness } from "./harness.js";

const HOSTILE = path.join(repoRoot, "packages/core/test/fixtures/mcp/hostile-server.mjs");

const stdioServer = (name: string, args: string[]) =>
  [
    `[mcp_servers.${name}]`,
    `command = ${JSON.stringify(process.execPath)}`,
    `args = ${JSON.stringify(args)}`,
    "",
  ].join("\n");

/** A TCP gate for the hostile MCP server's `--gate`: counts server starts and lets each go at once. */
async function startGate(): Promise<{ port: number; starts: () => number; close: () => Promise<void> }> {
  let starts = 0;
  const server = net.createServer((socket) => {
    starts++;
    socket.on("error", () => {});
    socket.end("go\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    starts: () => starts,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Living processes (not zombies) whose command line contains `marker`. */
function livingProcessesWith(marker: string): number {
  let found = 0;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8");
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      if (stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z" && cmdline.includes(marker)) found++;
    } catch {}
  }
  return found;
}

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
    expect(asked[0]!.message).toContain("nightshift wants to run a command: bash -lc 'mkdir made-by-agent'");
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

  it("opens a resumed thread once when two replies for it arrive together", async () => {
    const gate = await startGate();
    try {
      h = await startHarness(
        scenario(reply(text("started")), {
          match: { inputContains: "again" },
          response: { output: [text("second")] },
        }),
        { config: stdioServer("gated", [HOSTILE, "--gate", String(gate.port)]) },
      );
      const first = await call(await connect(), "nightshift", { prompt: "hello" });
      const threadId = first.structuredContent!.threadId;
      expect(gate.starts()).toBe(1);
      await client!.close();

      const c = await connect();
      const answers = await Promise.all([
        call(c, "nightshift-reply", { threadId, prompt: "again, once" }),
        call(c, "nightshift-reply", { threadId, prompt: "again, twice" }),
      ]);
      // One session (one rollout writer, one set of MCP servers), one turn; the other call is told why.
      expect(gate.starts()).toBe(2);
      expect(h.server.requests).toHaveLength(2);
      expect(answers.map((answer) => answer.content[0]!.text).sort()).toEqual([
        "second",
        `thread ${threadId} is still running a turn`,
      ]);
    } finally {
      await gate.close();
    }
  });

  it("keeps at most 8 threads open, closing the least recently used one with its MCP servers", async () => {
    const marker = `lru-marker-${process.pid}`;
    h = await startHarness(scenario({ ...reply(text("done")), times: 10 }), {
      config: stdioServer("marked", [HOSTILE, "--name", marker]),
    });
    const c = await connect();
    const ids: string[] = [];
    for (let i = 0; i < 9; i++) {
      ids.push((await call(c, "nightshift", { prompt: `task ${i}` })).structuredContent!.threadId);
    }
    await expect.poll(() => livingProcessesWith(marker), { timeout: 10_000 }).toBe(8);
    // The closed thread comes back from disk when asked for.
    const again = await call(c, "nightshift-reply", { threadId: ids[0]!, prompt: "back again" });
    expect(again.structuredContent).toEqual({ threadId: ids[0], content: "done" });
    expect(JSON.stringify(inputOf(h.server, 9))).toContain("task 0");
    await expect.poll(() => livingProcessesWith(marker), { timeout: 10_000 }).toBe(8);
  });

  it("refuses config that reaches outside the session", async () => {
    h = await startHarness(scenario());
    const c = await connect();
    const attempts: Record<string, unknown>[] = [
      { model_providers: { fake: { base_url: "http://127.0.0.1:9/v1" } } },
      { mcp_servers: { evil: { command: "sh", args: ["-c", "touch pwned"] } } },
      { notify: ["sh", "-c", "touch pwned"] },
      { model_instructions_file: "/etc/passwd" },
      { shell_environment_policy: { inherit: "all" } },
      { profiles: { p: { model_instructions_file: "/etc/passwd" } } },
    ];
    for (const config of attempts) {
      const answer = await call(c, "nightshift", { prompt: "hi", config });
      expect(answer.isError).toBe(true);
      expect(answer.content[0]!.text).toContain(
        `"${Object.keys(config)[0]}" cannot be set through the nightshift tool`,
      );
    }
    expect(h.server.requests).toEqual([]);
    expect(fs.existsSync(path.join(h.workspace, "pwned"))).toBe(false);
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
