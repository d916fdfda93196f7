import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { systemClock } from "../../src/agent/clock.js";
import type { McpServerConfig } from "../../src/mcp/config.js";
import { McpManager } from "../../src/mcp/manager.js";
import type { FunctionTool } from "../../src/tools/tool.js";
import { mcpToolContext } from "./helpers.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const EVERYTHING_BIN = path.join(
  path.dirname(require.resolve("@modelcontextprotocol/server-everything/package.json")),
  "dist/index.js",
);
const EVERYTHING_HTTP = path.resolve(here, "../fixtures/mcp/everything-http.mjs");

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function common(name: string): Omit<McpServerConfig, "transport"> {
  return {
    name,
    required: true,
    startupTimeoutMs: 20_000,
    toolTimeoutMs: 20_000,
    disabledTools: [],
    supportsParallelToolCalls: false,
  };
}

async function startManager(config: McpServerConfig, env: NodeJS.ProcessEnv = process.env) {
  const manager = new McpManager([config], {
    env,
    clock: systemClock,
    clientInfo: { name: "t", version: "0" },
  });
  cleanups.push(() => manager.close());
  const report = await manager.waitForStartup(0);
  const tools = new Map(manager.initialTools().map((tool) => [tool.name, tool as FunctionTool]));
  return { manager, report, tools };
}

type HttpServer = { url: string; requests: Record<string, string | null>[] };

/** Starts the 127.0.0.1 HTTP wrapper around the everything server. */
async function startEverythingHttp(extraArgs: string[] = []): Promise<HttpServer> {
  const child: ChildProcess = spawn(process.execPath, [EVERYTHING_HTTP, ...extraArgs], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill();
      }),
  );
  const requests: Record<string, string | null>[] = [];
  const lines = readline.createInterface({ input: child.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`everything-http exited with ${code}`)));
    lines.on("line", (line) => {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      if (typeof parsed.port === "number") resolve(parsed.port);
      else requests.push(parsed as Record<string, string | null>);
    });
  });
  return { url: `http://127.0.0.1:${port}/mcp`, requests };
}

/** The checks both transports must pass. */
async function exerciseEverything(tools: Map<string, FunctionTool>, server: string) {
  const names = [...tools.keys()];
  const mcpNames = names.filter((name) => name.startsWith("mcp__"));
  expect(mcpNames).toEqual([...mcpNames].sort());
  expect(mcpNames).toContain(`mcp__${server}__echo`);
  expect(mcpNames).toContain(`mcp__${server}__get-structured-content`);
  // Task-only tools cannot be called with a plain tools/call: they are not offered.
  expect(mcpNames).not.toContain(`mcp__${server}__simulate-research-query`);
  expect(names.slice(0, 3)).toEqual([
    "list_mcp_resources",
    "list_mcp_resource_templates",
    "read_mcp_resource",
  ]);

  const { ctx } = mcpToolContext();
  expect(await tools.get(`mcp__${server}__echo`)!.execute({ message: "hi there" }, ctx)).toMatchObject({
    output: "Echo: hi there",
    success: true,
  });
  const weather = await tools
    .get(`mcp__${server}__get-structured-content`)!
    .execute({ location: "Chicago" }, ctx);
  expect(Object.keys(JSON.parse(weather.output)).sort()).toEqual(["conditions", "humidity", "temperature"]);
  const sum = await tools.get(`mcp__${server}__get-sum`)!.execute({ a: 2, b: 3 }, ctx);
  expect(sum.output).toContain("5");
  const image = await tools.get(`mcp__${server}__get-tiny-image`)!.execute({}, ctx);
  expect(image.output).toMatch(/\[image: image\/png, \d+ bytes\]/);

  const listed = JSON.parse((await tools.get("list_mcp_resources")!.execute({ server }, ctx)).output);
  expect(listed.resources.length).toBeGreaterThan(0);
  const first = listed.resources[0] as { uri: string };
  const read = JSON.parse(
    (await tools.get("read_mcp_resource")!.execute({ server, uri: first.uri }, ctx)).output,
  );
  expect(read.contents[0].uri).toBe(first.uri);
  const templates = JSON.parse((await tools.get("list_mcp_resource_templates")!.execute({}, ctx)).output);
  expect(templates.resourceTemplates.length).toBeGreaterThan(0);
  expect(templates.resourceTemplates[0].server).toBe(server);
}

describe("the reference everything server", () => {
  it("works over stdio", async () => {
    const { report, tools } = await startManager({
      ...common("everything"),
      transport: {
        type: "stdio",
        command: process.execPath,
        args: [EVERYTHING_BIN, "stdio"],
        env: {},
        envVars: [],
      },
    });
    expect(report.ready).toEqual(["everything"]);
    await exerciseEverything(tools, "everything");
  });

  it("works over streamable HTTP, sending the bearer token and extra headers", async () => {
    const http = await startEverythingHttp(["--token", "t0ken"]);
    const { report, tools } = await startManager(
      {
        ...common("web"),
        transport: {
          type: "http",
          url: http.url,
          bearerTokenEnvVar: "NS_TEST_MCP_TOKEN",
          httpHeaders: { "X-Extra": "fixed" },
          envHttpHeaders: {},
        },
      },
      { NS_TEST_MCP_TOKEN: "t0ken" },
    );
    expect(report).toMatchObject({ ready: ["web"], requiredFailures: [] });
    await exerciseEverything(tools, "web");
    expect(http.requests.length).toBeGreaterThan(3);
    for (const request of http.requests)
      expect(request).toMatchObject({ authorization: "Bearer t0ken", extra: "fixed" });
  });

  it("fails clearly when the bearer token is missing or wrong", async () => {
    const http = await startEverythingHttp(["--token", "t0ken"]);
    const transport = {
      type: "http" as const,
      url: http.url,
      bearerTokenEnvVar: "NS_TEST_MCP_TOKEN",
      httpHeaders: {},
      envHttpHeaders: {},
    };
    const unset = await startManager({ ...common("web"), transport }, {});
    expect(unset.report.requiredFailures).toEqual([
      { name: "web", error: "environment variable NS_TEST_MCP_TOKEN (bearer_token_env_var) is not set" },
    ]);
    const wrong = await startManager({ ...common("web"), transport }, { NS_TEST_MCP_TOKEN: "nope" });
    expect(wrong.report.requiredFailures[0]!.error).toMatch(/401|nauthorized/);
  });
});
