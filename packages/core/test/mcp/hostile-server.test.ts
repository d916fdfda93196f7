import { afterEach, describe, expect, it } from "vitest";
import { systemClock } from "../../src/agent/clock.js";
import { McpManager } from "../../src/mcp/manager.js";
import { type FunctionTool, toolSpec } from "../../src/tools/tool.js";
import { endlessGraceClock, hostileConfig, mcpToolContext, noGraceClock, startGate } from "./helpers.js";

const clientInfo = { name: "nightshift-test", version: "0" };
const managers: McpManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((manager) => manager.close()));
});

function manage(...configs: Parameters<typeof hostileConfig>[]): McpManager {
  const manager = new McpManager(
    configs.map((args) => hostileConfig(...args)),
    { env: process.env, clock: systemClock, clientInfo },
  );
  managers.push(manager);
  return manager;
}

async function readyTools(manager: McpManager): Promise<Map<string, FunctionTool>> {
  const report = await manager.waitForStartup(60_000);
  expect(report.failures).toEqual([]);
  const tools = manager.initialTools() as FunctionTool[];
  return new Map(tools.map((tool) => [tool.name, tool]));
}

describe("MCP manager against a hostile server", () => {
  it("offers resource tools, then the server tools sorted by server and name, with the server's schemas", async () => {
    const manager = manage(
      ["zeta", { disabledTools: ["env"] }],
      ["alpha", { enabledTools: ["echo", "mutate"] }],
    );
    const tools = await readyTools(manager);
    expect([...tools.keys()]).toEqual([
      "list_mcp_resources",
      "list_mcp_resource_templates",
      "read_mcp_resource",
      "mcp__alpha__echo",
      "mcp__alpha__mutate",
      "mcp__zeta__add_tool",
      "mcp__zeta__crash",
      "mcp__zeta__echo",
      "mcp__zeta__fail",
      "mcp__zeta__flood",
      "mcp__zeta__hang",
      "mcp__zeta__image",
      "mcp__zeta__mutate",
      "mcp__zeta__structured",
    ]);
    const echo = tools.get("mcp__alpha__echo")!;
    expect(echo.readOnly).toBe(true);
    expect(tools.get("mcp__alpha__mutate")!.readOnly).toBe(false);
    expect(JSON.stringify(toolSpec(echo))).toBe(
      JSON.stringify({
        type: "function",
        name: "mcp__alpha__echo",
        description: "Echoes text back",
        strict: false,
        parameters: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
      }),
    );
  });

  it("maps text, structured, image and error results", async () => {
    const tools = await readyTools(manage(["h", {}]));
    const { ctx } = mcpToolContext();
    expect(await tools.get("mcp__h__echo")!.execute({ text: "hi" }, ctx)).toMatchObject({
      output: "echo: hi",
      success: true,
    });
    expect((await tools.get("mcp__h__structured")!.execute({}, ctx)).output).toBe('{"unit":"m","answer":42}');
    expect((await tools.get("mcp__h__image")!.execute({}, ctx)).output).toBe(
      "here is a picture\n[image: image/png, 16 bytes]",
    );
    expect(await tools.get("mcp__h__fail")!.execute({}, ctx)).toMatchObject({
      output: "it broke",
      success: false,
    });
    const invalid = await tools.get("mcp__h__echo")!.execute({ text: 5 }, ctx);
    expect(invalid.success).toBe(false);
    expect(invalid.output).toMatch(/text/);
  });

  it("bounds a flood to the output budget", async () => {
    const tools = await readyTools(manage(["h", {}]));
    const { ctx } = mcpToolContext({ outputBudgetBytes: 2_000 });
    const result = await tools.get("mcp__h__flood")!.execute({ bytes: 3_000_000 }, ctx);
    expect(result.success).toBe(true);
    expect(result.output).toMatch(/^Total output lines: 157895\n/);
    expect(result.output).toContain("tokens truncated");
    expect(Buffer.byteLength(result.output)).toBeLessThan(2_200);
  });

  it("times a hanging call out per tool_timeout_sec, and the server stays usable", async () => {
    const tools = await readyTools(manage(["h", { toolTimeoutMs: 300 }]));
    const { ctx } = mcpToolContext();
    expect(await tools.get("mcp__h__hang")!.execute({}, ctx)).toMatchObject({
      output: "MCP tool h.hang timed out after 0.3s",
      success: false,
    });
    expect((await tools.get("mcp__h__echo")!.execute({ text: "still here" }, ctx)).output).toBe(
      "echo: still here",
    );
  });

  it("lets the turn's signal abort a call", async () => {
    const tools = await readyTools(manage(["h", {}]));
    const { ctx, abort } = mcpToolContext();
    const call = tools.get("mcp__h__hang")!.execute({}, ctx);
    abort.abort(new Error("interrupted"));
    await expect(call).rejects.toThrow();
  });

  it("turns a crash into model-visible errors naming the server, with its stderr", async () => {
    const manager = manage(["h", {}], ["other", {}]);
    const tools = await readyTools(manager);
    const { ctx } = mcpToolContext();
    const crashed = await tools.get("mcp__h__crash")!.execute({}, ctx);
    expect(crashed.success).toBe(false);
    expect(crashed.output).toMatch(
      /^MCP server h is not running: the server exited \(stderr: .*crashing on purpose/s,
    );
    const after = await tools.get("mcp__h__echo")!.execute({ text: "x" }, ctx);
    expect(after.output).toMatch(/^MCP server h is not running/);
    expect((await tools.get("mcp__other__echo")!.execute({ text: "fine" }, ctx)).output).toBe("echo: fine");
    expect(manager.connections.find((c) => c.name === "h")!.status).toBe("failed");
  });

  it("reports a required server that cannot start, with what it wrote to stderr", async () => {
    const manager = manage(["broken", { required: true }, ["--crash-on-start"]], ["fine", {}]);
    const report = await manager.waitForStartup(60_000);
    expect(report.ready).toEqual(["fine"]);
    expect(report.requiredFailures).toHaveLength(1);
    expect(report.requiredFailures[0]!.name).toBe("broken");
    expect(report.requiredFailures[0]!.error).toContain("cannot start, bad configuration");
  });

  it("fails a server that does not start within startup_timeout_sec", async () => {
    const gate = await startGate();
    try {
      const manager = manage([
        "stuck",
        { required: true, startupTimeoutMs: 300 },
        ["--gate", String(gate.port)],
      ]);
      const report = await manager.waitForStartup(0);
      expect(report.requiredFailures).toEqual([{ name: "stuck", error: "did not start within 0.3s" }]);
    } finally {
      await gate.close();
    }
  });

  it("does not wait for a slow optional server past the grace period", async () => {
    const gate = await startGate();
    try {
      const manager = new McpManager(
        [hostileConfig("fast"), hostileConfig("slow", {}, ["--gate", String(gate.port)])],
        { env: process.env, clock: noGraceClock, clientInfo },
      );
      managers.push(manager);
      await manager.connections[0]!.started;
      const report = await manager.waitForStartup(2_000);
      expect(report.ready).toEqual(["fast"]);
      expect(report.pending).toEqual(["slow"]);
      expect(manager.initialTools().some((tool) => tool.name.startsWith("mcp__slow__"))).toBe(false);
    } finally {
      await gate.close();
    }
  });

  it("waits for optional servers while the grace period lasts", async () => {
    const manager = new McpManager([hostileConfig("a"), hostileConfig("b")], {
      env: process.env,
      clock: endlessGraceClock,
      clientInfo,
    });
    managers.push(manager);
    expect((await manager.waitForStartup(2_000)).ready).toEqual(["a", "b"]);
  });

  it("passes only allowed, listed and configured variables to a stdio server", async () => {
    const config = hostileConfig("h");
    if (config.transport.type !== "stdio") throw new Error("stdio expected");
    config.transport.envVars = ["NS_WANTED"];
    config.transport.env = { NS_SET: "set" };
    const manager = new McpManager([config], {
      env: { PATH: process.env.PATH, NS_WANTED: "wanted", NS_SECRET: "secret", USER: "tester" },
      clock: systemClock,
      clientInfo,
    });
    managers.push(manager);
    await manager.waitForStartup(60_000);
    const { ctx } = mcpToolContext();
    const tool = manager.initialTools().find((t) => t.name === "mcp__h__env") as FunctionTool;
    const env = JSON.parse((await tool.execute({}, ctx)).output) as Record<string, string>;
    expect(env.NS_WANTED).toBe("wanted");
    expect(env.NS_SET).toBe("set");
    expect(env.USER).toBe("tester");
    expect(env.NS_SECRET).toBeUndefined();
    expect(env.HOME).toBeUndefined();
  });
});

describe("MCP tool approvals", () => {
  it("asks under untrusted for tools not marked read-only, and remembers approved_for_session", async () => {
    const tools = await readyTools(manage(["h", {}]));
    const denied = mcpToolContext({ approvalPolicy: "untrusted" }, "denied");
    expect(await tools.get("mcp__h__mutate")!.execute({ what: "x" }, denied.ctx)).toMatchObject({
      output: "MCP tool call rejected by user",
      success: false,
    });
    expect(denied.approvals).toEqual([
      {
        callId: "call-mcp",
        kind: "mcp",
        summary: 'h.mutate {"what":"x"}',
        reason: "MCP tools run outside the sandbox (approval policy untrusted)",
      },
    ]);
    expect((await tools.get("mcp__h__echo")!.execute({ text: "ro" }, denied.ctx)).output).toBe("echo: ro");
    expect(denied.approvals).toHaveLength(1);

    const session = mcpToolContext({ approvalPolicy: "untrusted" }, "approved_for_session");
    expect((await tools.get("mcp__h__mutate")!.execute({ what: "a" }, session.ctx)).output).toBe("changed a");
    expect((await tools.get("mcp__h__mutate")!.execute({ what: "b" }, session.ctx)).output).toBe("changed b");
    expect(session.approvals).toHaveLength(1);
  });

  it("runs without asking under on-request and never", async () => {
    const tools = await readyTools(manage(["h", {}]));
    for (const approvalPolicy of ["on-request", "never", "on-failure"] as const) {
      const { ctx, approvals } = mcpToolContext({ approvalPolicy });
      expect((await tools.get("mcp__h__mutate")!.execute({ what: approvalPolicy }, ctx)).output).toBe(
        `changed ${approvalPolicy}`,
      );
      expect(approvals).toEqual([]);
    }
  });
});

describe("MCP resource tools", () => {
  it("lists resources and templates of every server, and reads one", async () => {
    const tools = await readyTools(manage(["a", {}], ["b", {}]));
    const { ctx } = mcpToolContext();
    const listed = JSON.parse((await tools.get("list_mcp_resources")!.execute({}, ctx)).output);
    expect(listed.resources.map((r: { server: string; uri: string }) => `${r.server} ${r.uri}`)).toEqual([
      "a fixture://greeting",
      "b fixture://greeting",
    ]);
    const one = JSON.parse((await tools.get("list_mcp_resources")!.execute({ server: "b" }, ctx)).output);
    expect(one).toMatchObject({ server: "b", resources: [{ uri: "fixture://greeting", name: "greeting" }] });
    const templates = JSON.parse(
      (await tools.get("list_mcp_resource_templates")!.execute({ server: "a" }, ctx)).output,
    );
    expect(templates.resourceTemplates).toMatchObject([
      { uriTemplate: "fixture://notes/{id}", name: "note" },
    ]);
    const read = JSON.parse(
      (await tools.get("read_mcp_resource")!.execute({ server: "a", uri: "fixture://notes/7" }, ctx)).output,
    );
    expect(read).toEqual({
      server: "a",
      uri: "fixture://notes/7",
      contents: [{ uri: "fixture://notes/7", text: "note 7" }],
    });
  });

  it("tells the model about unknown servers and cursors without a server", async () => {
    const tools = await readyTools(manage(["a", {}]));
    const { ctx } = mcpToolContext();
    expect(await tools.get("read_mcp_resource")!.execute({ server: "nope", uri: "x" }, ctx)).toEqual({
      output: 'unknown MCP server "nope" (servers: a)',
      success: false,
    });
    expect((await tools.get("list_mcp_resources")!.execute({ cursor: "c" }, ctx)).success).toBe(false);
    const missing = await tools
      .get("read_mcp_resource")!
      .execute({ server: "a", uri: "fixture://missing" }, ctx);
    expect(missing.success).toBe(false);
    expect(missing.output).toMatch(/^MCP tool a\.resources\/read failed: /);
  });
});
