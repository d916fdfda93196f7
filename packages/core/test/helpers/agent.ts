import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type FakeModelServer, type Scenario, startFakeModelServer } from "@nightshift/testkit";
import { Agent, type TurnHooks } from "../../src/agent/agent.js";
import type { SessionEvent } from "../../src/agent/events.js";
import { History } from "../../src/agent/history.js";
import type { TurnLimits } from "../../src/agent/turn-limits.js";
import { UsageLedger } from "../../src/context/ledger.js";
import { createNodeTransport } from "../../src/model/http-transport.js";
import { createResponsesClient } from "../../src/model/responses-client.js";
import { ApprovalCache } from "../../src/sandbox/approval.js";
import { RolloutWriter } from "../../src/session/rollout-writer.js";
import { builtinTools } from "../../src/tools/builtin.js";
import { ToolRegistry } from "../../src/tools/registry.js";
import type { Tool } from "../../src/tools/tool.js";

/** Recorded sleeps of an injected clock that never waits. */
export type InstantClock = { now(): number; sleep(ms: number): Promise<void>; sleeps: number[] };

export function instantClock(): InstantClock {
  const sleeps: number[] = [];
  return { now: () => 0, sleep: async (ms) => void sleeps.push(ms), sleeps };
}

/** A real Agent talking to a real fake model server, with an injected clock and real files. */
export async function agentAgainstFakeServer(
  scenario: Scenario,
  options: {
    hooks?: TurnHooks;
    contextWindow?: number;
    tools?: Tool[];
    remoteCompaction?: boolean;
  } = {},
) {
  const server: FakeModelServer = await startFakeModelServer({ scenario });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ns-agent-"));
  const clock = instantClock();
  const rollout = new RolloutWriter(path.join(dir, "rollout.jsonl"), () => new Date(0));
  const agent = new Agent({
    sessionId: "11111111-2222-3333-4444-555555555555",
    instructions: "You are a test agent.",
    history: new History(),
    settings: {
      model: "gpt-5.1-codex",
      cwd: dir,
      policy: { mode: "read-only", writableRoots: [], networkAccess: false },
      approvalPolicy: "never",
      parallelToolCalls: true,
      retryLimits: { requestMaxRetries: 3, streamMaxRetries: 3 },
      outputBudgetBytes: 40_000,
      contextWindow: options.contextWindow ?? 272_000,
    },
    deps: {
      client: createResponsesClient(
        {
          id: "fake",
          name: "fake",
          baseUrl: server.url,
          wireApi: "responses",
          headers: {},
          queryParams: {},
          requestMaxRetries: 3,
          streamMaxRetries: 3,
          streamIdleTimeoutMs: 5_000,
          supportsRemoteCompaction: options.remoteCompaction ?? false,
          isAzure: false,
        },
        { transport: createNodeTransport(), now: () => 0, userAgentHeaders: {} },
      ),
      tools: new ToolRegistry(options.tools ?? builtinTools({ applyPatch: "freeform" })),
      rollout,
      runCommand: async () => {
        throw new Error("no commands in this test");
      },
      approve: async () => "denied",
      clock,
      random: () => 0.5,
      env: {},
      scratchDir: dir,
      newId: (() => {
        let n = 0;
        return () => `id-${++n}`;
      })(),
      ledger: new UsageLedger(() => null),
      approvalCache: new ApprovalCache(),
      bashParser: async () => undefined,
    },
    hooks: options.hooks,
  });
  return {
    agent,
    server,
    clock,
    dir,
    rolloutPath: rollout.path,
    async turn(input: string, limits?: TurnLimits): Promise<SessionEvent[]> {
      const events: SessionEvent[] = [];
      for await (const event of agent.runTurn(input, new AbortController().signal, limits))
        events.push(event);
      return events;
    },
    async close() {
      rollout.close();
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
