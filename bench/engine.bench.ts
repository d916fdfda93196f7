// The engine's own CPU time per request at 10, 100 and 1,000 history items: building the request,
// sending it, parsing the streamed answer and persisting the new items. The model server runs in
// another process so its work is not counted.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Agent } from "../packages/core/src/agent/agent.js";
import { systemClock } from "../packages/core/src/agent/clock.js";
import { History } from "../packages/core/src/agent/history.js";
import { UsageLedger } from "../packages/core/src/context/ledger.js";
import { createNodeTransport } from "../packages/core/src/model/http-transport.js";
import type { ResponseItem } from "../packages/core/src/model/items.js";
import { createResponsesClient } from "../packages/core/src/model/responses-client.js";
import { ApprovalCache } from "../packages/core/src/sandbox/approval.js";
import { RolloutWriter } from "../packages/core/src/session/rollout-writer.js";
import { builtinTools } from "../packages/core/src/tools/builtin.js";
import { ToolRegistry } from "../packages/core/src/tools/registry.js";
import { startFakeServerProcess } from "./fake-server-process.js";
import { fmtMs, median, table } from "./stats.js";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100);

function syntheticHistory(count: number): ResponseItem[] {
  const items: ResponseItem[] = [];
  for (let i = 0; items.length < count; i++) {
    const callId = `call_${i}`;
    items.push({
      type: "reasoning",
      summary: [{ type: "summary_text", text: `Looking at step ${i}.` }],
      encrypted_content: "x".repeat(300),
    });
    items.push({
      type: "function_call",
      name: "shell",
      arguments: JSON.stringify({ command: ["bash", "-lc", `grep -rn thing src/file${i}.ts`] }),
      call_id: callId,
    });
    items.push({
      type: "function_call_output",
      call_id: callId,
      output: `Exit code: 0\nWall time: 0.1 seconds\nOutput:\n${"src/file.ts:12: const thing = 1;\n".repeat(8)}`,
    });
    items.push({
      type: "message",
      role: "assistant",
      content: [{ type: "output_text", text: `Step ${i} looks fine; moving on to the next file.` }],
    });
  }
  return items.slice(0, count);
}

// Each turn is a small tool loop, as in real sessions: 9 update_plan calls, then an answer.
const TURN_REQUESTS = 10;
const planCall = {
  type: "function_call",
  name: "update_plan",
  arguments: { plan: [{ step: "benchmark", status: "in_progress" }] },
};
const steps = Array.from({ length: TURN_REQUESTS }, (_, i) => ({
  response: { output: [i === TURN_REQUESTS - 1 ? { type: "message", text: "ok" } : planCall] },
}));
const server = await startFakeServerProcess({ steps: Array.from({ length: 2_000 }, () => steps).flat() });
const rows: (string | number)[][] = [
  ["history items", "request body", "CPU per request (median)", "of which building the body", "aim"],
];
for (const size of [10, 100, 1000]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ns-bench-engine-"));
  const tools = new ToolRegistry(builtinTools({ applyPatch: "freeform" }));
  const rollout = new RolloutWriter(path.join(dir, "rollout.jsonl"), () => new Date());
  const agent = new Agent({
    sessionId: "bench-session",
    instructions: "You are a benchmark.",
    history: new History(),
    settings: {
      model: "gpt-5.1-codex",
      cwd: dir,
      policy: { mode: "read-only", writableRoots: [], networkAccess: false },
      approvalPolicy: "never",
      parallelToolCalls: true,
      retryLimits: { requestMaxRetries: 0, streamMaxRetries: 0 },
      outputBudgetBytes: 40_000,
      contextWindow: 272_000,
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
          requestMaxRetries: 0,
          streamMaxRetries: 0,
          streamIdleTimeoutMs: 30_000,
          supportsRemoteCompaction: false,
          isAzure: false,
        },
        { transport: createNodeTransport(), now: Date.now, userAgentHeaders: {} },
      ),
      tools,
      rollout,
      runCommand: async () => {
        throw new Error("no commands in this benchmark");
      },
      approve: async () => "denied",
      clock: systemClock,
      random: Math.random,
      env: {},
      scratchDir: dir,
      newId: () => "id",
      ledger: new UsageLedger(() => null),
      approvalCache: new ApprovalCache(),
      bashParser: async () => undefined,
    },
  });
  const cpu: number[] = [];
  const build: number[] = [];
  const base = syntheticHistory(size);
  // Resetting the history is outside what is measured.
  const reset = () => agent.replaceHistory([...base], "bench");
  const run = async () => {
    for await (const _ of agent.runTurn("next", new AbortController().signal)) {
      // drain
    }
  };
  reset();
  await run(); // warm up
  for (let i = 0; i < REQUESTS / TURN_REQUESTS; i++) {
    reset();
    const before = process.cpuUsage();
    await run();
    const used = process.cpuUsage(before);
    cpu.push((used.user + used.system) / 1000 / TURN_REQUESTS);
    const t0 = process.hrtime.bigint();
    const request = agent.buildRequest();
    const body = `{"input":[${request.inputJson.join(",")}],"tools":${request.toolsJson}}`;
    build.push(Number(process.hrtime.bigint() - t0) / 1e6 + body.length * 0);
  }
  reset();
  const bodyBytes = agent.buildRequest().inputJson.reduce((n, s) => n + s.length + 1, 0);
  rows.push([
    size,
    `${(bodyBytes / 1024).toFixed(0)} KiB`,
    fmtMs(median(cpu)),
    fmtMs(median(build)),
    size === 1000 ? "< 2 ms" : "",
  ]);
  rollout.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
await server.stop();
console.log(table(rows));
console.log(
  `(${REQUESTS} requests per size in turns of ${TURN_REQUESTS}: each turn runs 9 update_plan calls and ends with an answer;\n` +
    ` the rollout is fsync'd once per turn; the model server runs in another process. Node ${process.version})`,
);
