import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Clock } from "../../src/agent/clock.js";
import type { McpServerConfig } from "../../src/mcp/config.js";
import { ApprovalCache } from "../../src/sandbox/approval.js";
import type { ApprovalRequest, ToolContext } from "../../src/tools/tool.js";

const here = path.dirname(fileURLToPath(import.meta.url));
export const HOSTILE_SERVER = path.resolve(here, "../fixtures/mcp/hostile-server.mjs");

/** A stdio config that runs the hostile fixture server with this Node. */
export function hostileConfig(
  name: string,
  overrides: Partial<McpServerConfig> = {},
  extraArgs: string[] = [],
): McpServerConfig {
  return {
    name,
    transport: {
      type: "stdio",
      command: process.execPath,
      args: [HOSTILE_SERVER, "--name", name, ...extraArgs],
      env: {},
      envVars: [],
    },
    required: false,
    startupTimeoutMs: 20_000,
    toolTimeoutMs: 20_000,
    disabledTools: [],
    supportsParallelToolCalls: false,
    ...overrides,
  };
}

/** A wait on an injected clock that never ends on its own. */
const never = (signal?: AbortSignal) =>
  new Promise<void>((_, reject) =>
    signal?.addEventListener("abort", () => reject(new Error("aborted")), { once: true }),
  );

/**
 * A clock on which the start-up grace (a few seconds) is over at once, so the startup wait takes
 * only required servers, while the servers' own start-up timeouts (tens of seconds) never run out.
 */
export const noGraceClock: Clock = {
  now: () => 0,
  sleep: (ms, signal) => (ms <= 5_000 ? Promise.resolve() : never(signal)),
};

/** A clock on which no wait ends on its own: neither the grace period nor a start-up timeout. */
export const endlessGraceClock: Clock = {
  now: () => 0,
  sleep: (_ms, signal) => never(signal),
};

export type Gate = { port: number; connected: Promise<void>; open(): void; close(): Promise<void> };

/** A 127.0.0.1 socket a gated fixture server waits on before it starts. */
export async function startGate(): Promise<Gate> {
  const sockets: net.Socket[] = [];
  let opened = false;
  let markConnected!: () => void;
  const connected = new Promise<void>((resolve) => {
    markConnected = resolve;
  });
  const server = net.createServer((socket) => {
    sockets.push(socket);
    markConnected();
    if (opened) socket.write("go\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connected,
    open() {
      opened = true;
      for (const socket of sockets) socket.write("go\n");
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type TestToolContext = { ctx: ToolContext; approvals: ApprovalRequest[]; abort: AbortController };

/** A ToolContext for MCP tools: approvals are recorded and answered with `answer`. */
export function mcpToolContext(
  overrides: Partial<ToolContext> = {},
  answer: Awaited<ReturnType<ToolContext["approve"]>> = "denied",
): TestToolContext {
  const approvals: ApprovalRequest[] = [];
  const abort = new AbortController();
  const ctx: ToolContext = {
    callId: "call-mcp",
    cwd: os.tmpdir(),
    signal: abort.signal,
    policy: { mode: "read-only", writableRoots: [], networkAccess: false },
    approvalPolicy: "never",
    approve: async (request) => {
      approvals.push(request);
      return answer;
    },
    approvalCache: new ApprovalCache(),
    bashParser: async () => undefined,
    runCommand: async () => {
      throw new Error("MCP tools run no commands");
    },
    env: {},
    scratchDir: fs.mkdtempSync(path.join(os.tmpdir(), "ns-mcp-")),
    outputBudgetBytes: 40_000,
    progress: () => {},
    ...overrides,
  };
  return { ctx, approvals, abort };
}
