import { createRequire } from "node:module";
import path from "node:path";
import { functionCall, reply, scenario, text } from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, inputOf, repoRoot, startHarness } from "./harness.js";

const require = createRequire(import.meta.url);
const EVERYTHING_BIN = path.join(
  path.dirname(require.resolve("@modelcontextprotocol/server-everything/package.json")),
  "dist/index.js",
);
const HOSTILE = path.join(repoRoot, "packages/core/test/fixtures/mcp/hostile-server.mjs");

const stdioServer = (name: string, args: string[], extra = "") =>
  [
    `[mcp_servers.${name}]`,
    `command = ${JSON.stringify(process.execPath)}`,
    `args = ${JSON.stringify(args)}`,
    "required = true",
    extra,
    "",
  ].join("\n");

const BUILTINS = [
  "shell",
  "write_stdin",
  "update_plan",
  "request_user_input",
  "apply_patch",
  "view_image",
  "read_file",
  "list_dir",
  "grep",
];
const RESOURCE_TOOLS = ["list_mcp_resources", "list_mcp_resource_templates", "read_mcp_resource"];

let h: Harness;
afterEach(async () => h?.close());

describe("nightshift exec with MCP servers", () => {
  it("calls a tool of the reference everything server and sends its result back", async () => {
    h = await startHarness(
      scenario(reply(functionCall("mcp__everything__echo", { message: "hello mcp" }, "c1")), {
        match: { lastInput: { type: "function_call_output", contains: "Echo: hello mcp" } },
        response: { output: [text("echoed")] },
      }),
      { config: stdioServer("everything", [EVERYTHING_BIN, "stdio"]) },
    );
    const result = await h.run(["exec", "--json", "echo something"]);
    expect(h.server.failures).toEqual([]);
    expect(result.code).toBe(0);
    const names = (h.server.requests[0]!.body!.tools as { name: string }[]).map((tool) => tool.name);
    expect(names.slice(0, BUILTINS.length + RESOURCE_TOOLS.length)).toEqual([...BUILTINS, ...RESOURCE_TOOLS]);
    const mcpNames = names.slice(BUILTINS.length + RESOURCE_TOOLS.length);
    expect(mcpNames.length).toBeGreaterThan(5);
    expect(mcpNames.every((name) => name.startsWith("mcp__everything__"))).toBe(true);
    expect(mcpNames).toEqual([...mcpNames].sort());
    expect(h.server.requests[1]!.body!.tools).toEqual(h.server.requests[0]!.body!.tools);
    expect(inputOf(h.server, 1).at(-1)).toEqual({
      type: "function_call_output",
      call_id: "c1",
      output: "Echo: hello mcp",
    });
    const item = h
      .jsonEvents(result)
      .find((e) => e.type === "item.completed" && e.item.type === "mcp_tool_call");
    expect(item?.item).toMatchObject({ server: "everything", tool: "echo", status: "completed" });
  });

  it("fails before any request when a required server cannot start", async () => {
    h = await startHarness(scenario(reply(text("never"))), {
      config: stdioServer("broken", [HOSTILE, "--crash-on-start"]),
    });
    const result = await h.run(["exec", "hello"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('required MCP server "broken" failed to start');
    expect(result.stderr).toContain("cannot start, bad configuration");
    expect(h.server.requests).toEqual([]);
  });

  it("goes on when an optional server cannot start, and says so", async () => {
    h = await startHarness(scenario(reply(text("fine without it"))), {
      // A grace long enough for a loaded machine: the crash, not the grace, must end the wait.
      config: `mcp_startup_grace_sec = 120\n${stdioServer("broken", [HOSTILE, "--crash-on-start"]).replace(
        "required = true",
        "required = false",
      )}`,
    });
    const result = await h.run(["exec", "hello"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('MCP server "broken" failed to start');
    expect(result.stdout).toBe("fine without it\n");
  });

  it("tells the model when a server crashed, times out a hanging call, and finishes the session", async () => {
    h = await startHarness(
      scenario(
        reply(functionCall("mcp__h__hang", {}, "c1")),
        reply(functionCall("mcp__h__crash", {}, "c2")),
        reply(functionCall("mcp__h__echo", { text: "anyone?" }, "c3")),
        reply(text("the server is gone")),
      ),
      { config: stdioServer("h", [HOSTILE, "--name", "h"], "tool_timeout_sec = 0.5") },
    );
    const result = await h.run(["exec", "try the tools"]);
    expect(h.server.failures).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("the server is gone\n");
    expect(inputOf(h.server, 1).at(-1).output).toBe("MCP tool h.hang timed out after 0.5s");
    expect(inputOf(h.server, 2).at(-1).output).toMatch(/^MCP server h is not running: the server exited/);
    expect(inputOf(h.server, 3).at(-1).output).toMatch(/^MCP server h is not running/);
  });
});
