import { type FakeModelServer, functionCall, reply, scenario, text } from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { McpManager } from "../../src/mcp/index.js";
import { updatePlanTool } from "../../src/tools/update-plan/tool.js";
import { agentAgainstFakeServer } from "../helpers/agent.js";
import { hostileConfig, noGraceClock, startGate } from "./helpers.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function toolNames(server: FakeModelServer, index: number): string[] {
  return (server.requests[index]!.body!.tools as { name: string }[]).map((tool) => tool.name);
}

describe("MCP tools at turn boundaries", () => {
  it("keeps the tool list fixed within a turn and brings late and changed tools in at the next, once", async () => {
    const gate = await startGate();
    cleanups.push(() => gate.close());
    const manager = new McpManager(
      [hostileConfig("slow", {}, ["--gate", String(gate.port)]), hostileConfig("h", { required: true })],
      { env: process.env, clock: noGraceClock, clientInfo: { name: "t", version: "0" } },
    );
    cleanups.push(() => manager.close());
    const report = await manager.waitForStartup(2_000);
    expect(report.pending).toEqual(["slow"]);

    const setup = await agentAgainstFakeServer(
      scenario(
        reply(functionCall("mcp__h__add_tool", { name: "late" }, "c1")),
        reply(text("added")),
        reply(functionCall("mcp__h__late", {}, "c2")),
        reply(text("done")),
        reply(text("quiet")),
      ),
      { tools: [updatePlanTool, ...manager.initialTools()], hooks: manager.hooks() },
    );
    cleanups.push(() => setup.close());
    const server: FakeModelServer = setup.server;

    const first = await setup.turn("add a tool");
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

    const second = await setup.turn("use it");
    expect(second.filter((e) => e.type === "warning").map((e) => "message" in e && e.message)).toEqual([
      "MCP tools changed from this turn on: h (11 tools), slow (10 tools); the tool list is part of the cached prompt prefix, so this costs one prompt-cache miss",
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

    const third = await setup.turn("nothing new");
    expect(third.filter((e) => e.type === "warning")).toEqual([]);
    expect(server.requests[4]!.body!.tools).toEqual(server.requests[3]!.body!.tools);
    expect(server.failures).toEqual([]);
  });
});
