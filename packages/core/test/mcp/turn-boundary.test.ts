import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  type FakeModelServer,
  functionCall,
  reply,
  scenario,
  startFakeModelServer,
  text,
} from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import {
  type AgentEvent,
  ApprovalCache,
  createNodeTransport,
  createResponsesClient,
  openSession,
  systemClock,
  ToolRegistry,
  updatePlanTool,
} from "../../src/index.js";
import { McpManager } from "../../src/mcp/index.js";
import { hostileConfig, noGraceClock, startGate } from "./helpers.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function toolNames(server: FakeModelServer, index: number): string[] {
  return (server.requests[index]!.body!.tools as { name: string }[]).map((tool) => tool.name);
}

async function runTurn(
  agent: ReturnType<typeof openSession>["agent"],
  prompt: string,
): Promise<AgentEvent[]> {
  const events: AgentEvent[] = [];
  for await (const event of agent.runTurn(prompt, new AbortController().signal)) events.push(event);
  return events;
}

describe("MCP tools at turn boundaries", () => {
  it("keeps the tool list fixed within a turn and brings late and changed tools in at the next, once", async () => {
    const server = await startFakeModelServer({
      scenario: scenario(
        reply(functionCall("mcp__h__add_tool", { name: "late" }, "c1")),
        reply(text("added")),
        reply(functionCall("mcp__h__late", {}, "c2")),
        reply(text("done")),
        reply(text("quiet")),
      ),
    });
    cleanups.push(() => server.close());
    const gate = await startGate();
    cleanups.push(() => gate.close());
    const manager = new McpManager(
      [hostileConfig("slow", {}, ["--gate", String(gate.port)]), hostileConfig("h", { required: true })],
      { env: process.env, clock: noGraceClock, clientInfo: { name: "t", version: "0" } },
    );
    cleanups.push(() => manager.close());
    const report = await manager.waitForStartup(2_000);
    expect(report.pending).toEqual(["slow"]);

    const home = fs.mkdtempSync(path.join(os.tmpdir(), "ns-mcp-home-"));
    cleanups.push(async () => fs.rmSync(home, { recursive: true, force: true }));
    const client = createResponsesClient(
      {
        id: "fake",
        name: "fake",
        baseUrl: server.url,
        wireApi: "responses",
        headers: {},
        queryParams: {},
        requestMaxRetries: 0,
        streamMaxRetries: 0,
        streamIdleTimeoutMs: 5_000,
        supportsRemoteCompaction: false,
        isAzure: false,
      },
      { transport: createNodeTransport(), now: () => 0, userAgentHeaders: {} },
    );
    const { agent } = openSession({
      home,
      instructions: "test",
      providerId: "fake",
      cliVersion: "0",
      now: () => new Date(0),
      settings: {
        model: "gpt-test",
        cwd: home,
        policy: { mode: "read-only", writableRoots: [], networkAccess: false },
        approvalPolicy: "never",
        parallelToolCalls: false,
        retryLimits: { requestMaxRetries: 0, streamMaxRetries: 0 },
        outputBudgetBytes: 40_000,
        contextWindow: 100_000,
      },
      deps: {
        client,
        tools: new ToolRegistry([updatePlanTool, ...manager.initialTools()]),
        runCommand: async () => {
          throw new Error("no commands here");
        },
        approve: async () => "denied",
        clock: systemClock,
        random: () => 0,
        env: {},
        newId: (() => {
          let n = 0;
          return () => `id-${++n}`;
        })(),
        approvalCache: new ApprovalCache(),
        bashParser: async () => undefined,
      },
      hooks: () => manager.hooks(),
      priceOf: () => null,
    });
    cleanups.push(async () => agent.deps.rollout.close());

    const first = await runTurn(agent, "add a tool");
    expect(first.filter((e) => e.type === "warning")).toEqual([]);
    expect(first.at(-1)).toMatchObject({ type: "turn_completed", lastAgentMessage: "added" });
    const hTools = [
      "mcp__h__add_tool",
      "mcp__h__crash",
      "mcp__h__echo",
      "mcp__h__env",
      "mcp__h__fail",
      "mcp__h__flood",
      "mcp__h__hang",
      "mcp__h__image",
      "mcp__h__mutate",
      "mcp__h__structured",
    ];
    const resourceTools = ["list_mcp_resources", "list_mcp_resource_templates", "read_mcp_resource"];
    expect(toolNames(server, 0)).toEqual(["update_plan", ...resourceTools, ...hTools]);
    // The server announced a new tool mid-turn: the next request of the same turn did not see it.
    expect(server.requests[1]!.body!.tools).toEqual(server.requests[0]!.body!.tools);

    const h = manager.connections.find((c) => c.name === "h")!;
    await h.whenIdle();
    gate.open();
    const slow = manager.connections.find((c) => c.name === "slow")!;
    await slow.started;
    expect(slow.status).toBe("ready");

    const second = await runTurn(agent, "use it");
    expect(second.filter((e) => e.type === "warning")).toEqual([
      {
        type: "warning",
        message:
          "MCP tools changed from this turn on: h (11 tools), slow (10 tools); the tool list is part of the cached prompt prefix, so this costs one prompt-cache miss",
      },
    ]);
    const withLate = [...hTools.slice(0, 8), "mcp__h__late", ...hTools.slice(8)];
    expect(toolNames(server, 2)).toEqual([
      "update_plan",
      ...resourceTools,
      ...withLate,
      ...hTools.map((name) => name.replace("mcp__h__", "mcp__slow__")),
    ]);
    expect(server.requests[3]!.body!.tools).toEqual(server.requests[2]!.body!.tools);
    const outputs = (server.requests[3]!.body!.input as { type: string; output?: string }[]).filter(
      (item) => item.type === "function_call_output",
    );
    expect(outputs.at(-1)!.output).toBe("late ran");

    const third = await runTurn(agent, "nothing new");
    expect(third.filter((e) => e.type === "warning")).toEqual([]);
    expect(server.requests[4]!.body!.tools).toEqual(server.requests[3]!.body!.tools);
    expect(server.failures).toEqual([]);
  });
});
