// `nightshift run` over a simulated 24 hours on a real multi-file git project, with the fake model
// server on 127.0.0.1 and a manual clock (every model request is 4 minutes of simulated work), then
// checkpoint and restore times on a generated 60k-file tree. Prints measured numbers beside targets.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createSession } from "../packages/core/src/index.js";
import { CheckpointRepo } from "../packages/runner/src/git/checkpoints.js";
import { git } from "../packages/runner/src/git/git.js";
import { openWorkspaceRepo } from "../packages/runner/src/git/workspace-repo.js";
import { type RunEvent, startRun } from "../packages/runner/src/index.js";
import { runPaths } from "../packages/runner/src/state/paths.js";
import {
  ManualClock,
  type RecordedRequest,
  type StepSpec,
  startFakeModelServer,
} from "../packages/testkit/src/index.js";
import { fmtMs, median, table } from "./stats.js";

const STEP_MS = 4 * 60_000;
const TREE_FILES = Number(process.env.BENCH_TREE_FILES ?? 60_000);
const usage = { input_tokens: 30_000, output_tokens: 800, cached_tokens: 24_000 };

function gitIn(cwd: string, ...args: string[]) {
  return execFileSync("git", ["-c", "user.name=b", "-c", "user.email=b@b", ...args], {
    cwd,
    encoding: "utf8",
  }).trim();
}

/** A small TypeScript-like project: 24 modules, a check script that the verification runs. */
function makeProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ns-bench-run-"));
  for (let i = 0; i < 24; i++) {
    fs.mkdirSync(path.join(dir, "src", `mod${i % 6}`), { recursive: true });
    fs.writeFileSync(
      path.join(dir, "src", `mod${i % 6}`, `file${i}.ts`),
      `export const value${i} = ${i};\n`.repeat(40),
    );
  }
  fs.writeFileSync(path.join(dir, "check.sh"), "! grep -q 'value0 = 1' src/mod0/file0.ts\n");
  gitIn(dir, "init", "-q", "-b", "main");
  gitIn(dir, "add", "-A");
  gitIn(dir, "commit", "-q", "-m", "project");
  return dir;
}

let call = 0;
const patch = (body: string): StepSpec => ({
  response: {
    output: [{ type: "custom_tool_call", name: "apply_patch", input: body, call_id: `b${++call}` }],
    usage,
  },
});
const fn = (name: string, args: unknown): StepSpec => ({
  response: { output: [{ type: "function_call", name, arguments: args, call_id: `b${++call}` }], usage },
});

/** Six stages of five edits each; the second one breaks check.sh's file first (a regression rolled back). */
function scriptedModel(request: RecordedRequest): StepSpec {
  const body = request.body ?? {};
  const text = JSON.stringify(body.input ?? []);
  if ((body.tools ?? []).some((t: { name: string }) => t.name === "submit_plan")) {
    const stages = Array.from({ length: 7 }, (_, i) => ({
      id: `s${i + 1}`,
      title: `stage ${i + 1}`,
      goal: `edit module ${i}`,
      acceptance: i === 6 ? ["test -f never-done.txt"] : [`test -f src/stage${i + 1}.ts`],
      risks: [],
    }));
    return fn("submit_plan", { stages });
  }
  const stage = /Current stage: (s\d+)/.exec(text)?.[1] ?? "s1";
  const edits = (text.match(/Add File: src\/edit-/g) ?? []).length;
  const input: { type: string; call_id?: string; name?: string }[] = body.input ?? [];
  const last = input.at(-1);
  const lastCall = input.find((item) => item.call_id === last?.call_id && item.name)?.name;
  if (lastCall === "stage_complete")
    return { response: { output: [{ type: "message", text: "waiting" }], usage } };
  const n = Number(stage.slice(1));
  if (edits < 5 || n === 7) {
    const breaks = n === 2 && !text.includes("A different approach is needed") && edits === 0;
    const name = `src/edit-${stage}-${call}.ts`;
    return breaks
      ? patch(
          `*** Begin Patch\n*** Update File: src/mod0/file0.ts\n@@\n-export const value0 = 0;\n+export const value0 = 1;\n*** Add File: ${name}\n+x\n*** End Patch`,
        )
      : patch(`*** Begin Patch\n*** Add File: ${name}\n+export const x = ${call};\n*** End Patch`);
  }
  if (lastCall === "apply_patch" && !text.includes(`Add File: src/stage${n}.ts`)) {
    return patch(`*** Begin Patch\n*** Add File: src/stage${n}.ts\n+export {};\n*** End Patch`);
  }
  return fn("stage_complete", { stage_id: stage, summary: `stage ${stage} edits` });
}

function advanced<T>(clock: ManualClock, answer: () => T): T {
  clock.advance(STEP_MS);
  return answer();
}

async function withServer<T>(
  clock: ManualClock,
  script: (r: RecordedRequest) => StepSpec,
  work: (url: string) => Promise<T>,
) {
  const server = await startFakeModelServer({
    now: () => clock.now(),
    // Keeping every request body would grow this process, and git's fork with it.
    maxRecordedRequests: 10,
    scenario: { steps: [{ times: 1_000_000, generate: (r) => advanced(clock, () => script(r)) }] },
  });
  try {
    return await work(server.url);
  } finally {
    await server.close();
  }
}

function homeFor(url: string): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "ns-bench-home-"));
  fs.writeFileSync(
    path.join(home, "config.toml"),
    `model = "gpt-5.1-codex"\nmodel_provider = "fake"\n\n[model_providers.fake]\nname = "fake"\nbase_url = "${url}"\nwire_api = "responses"\n`,
  );
  return home;
}

// 1. Checkpoint and restore on a 60k-file tree (first, while this process is fresh).
const tree = fs.mkdtempSync(path.join(os.tmpdir(), "ns-bench-tree-"));
const perDir = 200;
for (let d = 0; d < TREE_FILES / perDir; d++) {
  const dir = path.join(tree, `pkg${d}`);
  fs.mkdirSync(dir);
  for (let f = 0; f < perDir; f++)
    fs.writeFileSync(path.join(dir, `m${f}.ts`), `export const v = ${d * perDir + f};\n`);
}
gitIn(tree, "init", "-q", "-b", "main");
gitIn(tree, "add", "-A");
gitIn(tree, "commit", "-q", "-m", "tree");
// A real repository is packed (cloned, or gc'd now and then); 60k loose objects would slow every git command.
gitIn(tree, "repack", "-adq");
const benchHome = fs.mkdtempSync(path.join(os.tmpdir(), "ns-bench-home-"));
const paths = runPaths(benchHome, "bench");
fs.mkdirSync(paths.dir, { recursive: true });
const repo = new CheckpointRepo(await openWorkspaceRepo(tree, paths), "bench", Date.now);
const timed = async <T>(work: () => Promise<T>) => {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
};
const spawnTimes: number[] = [];
for (let i = 0; i < 5; i++) spawnTimes.push((await timed(() => git(null, ["--version"]))).ms);
const first = await timed(async () => repo.commit(0, await repo.snapshotTree(), null, "cp 0"));
let previous = first.value;
const restoreTimes: number[] = [];
const checkpointTimes: number[] = [];
for (let i = 1; i <= 5; i++) {
  for (let k = 0; k < 20; k++)
    fs.writeFileSync(path.join(tree, `pkg${(i * 7 + k) % 300}`, `m${k}.ts`), `export const v = ${i};\n`);
  fs.writeFileSync(path.join(tree, `new${i}.ts`), "x\n");
  const cp = await timed(async () => repo.commit(i, await repo.snapshotTree(), previous, `cp ${i}`));
  checkpointTimes.push(cp.ms);
  // A rollback restores right after its "from" checkpoint, so the private index is current: only read-tree.
  const restore = await timed(() => repo.restore(previous));
  restoreTimes.push(restore.ms);
  previous = cp.value;
}

// 2. The simulated 24-hour run.
const clock = new ManualClock({ autoAdvanceMs: 5_000 });
const project = makeProject();
const events: RunEvent[] = [];
const maxCost = 40;
const t0 = performance.now();
const result = await withServer(clock, scriptedModel, (url) =>
  startRun(
    {
      task: "refactor the modules, stage by stage",
      workspace: project,
      maxCost,
      hourlyFee: 0.5,
      verify: ["bash check.sh"],
    },
    {
      home: homeFor(url),
      env: { PATH: process.env.PATH, HOME: os.tmpdir() },
      version: "bench",
      clock,
      onEvent: (e) => events.push(e),
    },
  ),
);
const runWallMs = performance.now() - t0;
const report = result.report;

// 3. The same number of requests through a bare session (the engine without the runner).
const bareClock = new ManualClock({ autoAdvanceMs: 5_000 });
const bareCount = Math.min(report.requests, 200);
let served = 0;
const bareWallMs = await withServer(
  bareClock,
  () =>
    ++served < bareCount
      ? patch(`*** Begin Patch\n*** Add File: bare/f${served}.ts\n+x\n*** End Patch`)
      : { response: { output: [{ type: "message", text: "done" }], usage } },
  async (url) => {
    const dir = makeProject();
    const session = await createSession(
      { cwd: dir },
      { home: homeFor(url), env: { PATH: process.env.PATH }, version: "bench", clock: bareClock },
    );
    const start = performance.now();
    for await (const _ of session.runTurn("go", { signal: new AbortController().signal })) {
      // drain
    }
    const wall = performance.now() - start;
    await session.close();
    return wall;
  },
);
const perRequestRun = runWallMs / report.requests;
const perRequestBare = bareWallMs / bareCount;

const count = (type: string) => events.filter((e) => e.type === type).length;
process.stdout.write(
  `${table([
    ["measure", "value", "target"],
    ["simulated hours", (report.elapsed_s / 3600).toFixed(2), "24 (ends before the deadline)"],
    ["status", report.status, "timed_out (last stage never done)"],
    ["model requests", report.requests, ""],
    [
      "stages done",
      `${report.stages.filter((s) => s.status === "done").length} of ${report.stages.length}`,
      "6 of 7",
    ],
    ["checkpoints", count("run.checkpoint"), "every 30 min + each green stage"],
    ["rollbacks", report.rollbacks.length, "1 (the regression in s2)"],
    [
      "spend vs max_cost",
      `$${report.cost_usd.total.toFixed(2)} of $${maxCost} (tokens $${report.cost_usd.tokens.toFixed(2)} + fee $${report.cost_usd.fee.toFixed(2)})`,
      "never above max_cost",
    ],
    ["wall time of the whole run", `${(runWallMs / 1000).toFixed(1)} s`, "seconds, not hours"],
    ["per request: run / bare session", `${fmtMs(perRequestRun)} / ${fmtMs(perRequestBare)}`, ""],
    [
      "runner overhead per request",
      fmtMs(perRequestRun - perRequestBare),
      "small next to a model request (seconds); checkpoints, checks and new sessions included",
    ],
    [
      `first checkpoint, ${TREE_FILES.toLocaleString("en-US")} files`,
      fmtMs(first.ms),
      "(cold: hashes stat data once)",
    ],
    [
      `checkpoint, ${TREE_FILES.toLocaleString("en-US")} files (median of 5)`,
      fmtMs(median(checkpointTimes)),
      "< 500 ms",
    ],
    [
      `restore, ${TREE_FILES.toLocaleString("en-US")} files (median of 5)`,
      fmtMs(median(restoreTimes)),
      "< 500 ms",
    ],
    [
      "one git process (git --version)",
      `${fmtMs(median(spawnTimes))} (this process: ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB)`,
      "a checkpoint runs 4 of them",
    ],
    ["machine load (1 min average)", os.loadavg()[0]!.toFixed(2), `${os.cpus().length} cores`],
  ])}\n`,
);
for (const dir of [project, tree, benchHome]) fs.rmSync(dir, { recursive: true, force: true });
