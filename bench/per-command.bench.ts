// What one request and one command cost the real CLI (`nightshift exec`, bundled, workspace-write
// sandbox) against the fake model server. Wall time per step is the median gap between
// consecutive requests at the server (the answer streamed, the tool run, the next request sent),
// so start-up and exit are left out; the CLI's CPU per step is its CPU over a session of STEPS
// steps, less that of a session with none, divided by STEPS. Commands add their process and
// sandbox start to a request; `bash -lc` should add about what `bash -c` does, since the login
// profile runs once per session, not once per command.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type CliRun, runCliSession, type SessionOptions, type Step } from "./cli-session.js";
import { fmtMs, median, table } from "./stats.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const STEPS = 40;

/** A stand-in for a developer's login profile (version managers, completions): real shell work. */
const HEAVY_PROFILE = [
  "total=0; for i in $(seq 1 20000); do total=$((total + i)); done; export PROFILE_TOTAL=$total",
  ...Array.from({ length: 50 }, (_, i) => `tool_${i}() { echo "tool ${i} $*"; }`),
  'export PATH="$HOME/.local/bin:$PATH"',
].join("\n");

const shell = (command: string[]): Step => ({ call: "shell", args: { command } });
const REQUEST_ONLY = "request only (update_plan)";
const BASH_C = "command: bash -c";
const kinds: Array<{ name: string; step: Step; options?: SessionOptions }> = [
  {
    name: REQUEST_ONLY,
    step: { call: "update_plan", args: { plan: [{ step: "x", status: "in_progress" }] } },
  },
  { name: "command: echo", step: shell(["echo", "hi"]) },
  { name: BASH_C, step: shell(["bash", "-c", "echo hi"]) },
  { name: "command: bash -lc", step: shell(["bash", "-lc", "echo hi"]) },
  {
    name: "command: bash -lc, heavy ~/.profile",
    step: shell(["bash", "-lc", "echo hi"]),
    options: { profile: HEAVY_PROFILE },
  },
];

/** What the heavy profile itself costs a login shell (outside nightshift, no sandbox). */
function profileCost(): number {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "ns-bench-profile-"));
  fs.writeFileSync(path.join(home, ".profile"), HEAVY_PROFILE);
  const env = { PATH: process.env.PATH, HOME: home };
  const time = (args: string[]) => {
    const start = process.hrtime.bigint();
    spawnSync("bash", args, { env });
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  const login = median(Array.from({ length: 10 }, () => time(["-lc", "true"])));
  const plain = median(Array.from({ length: 10 }, () => time(["-c", "true"])));
  fs.rmSync(home, { recursive: true, force: true });
  return login - plain;
}

// Round after round of every kind, so that a change in the machine's load spreads over all rows.
const idle: CliRun[] = [];
const runs = new Map<string, CliRun[]>(kinds.map((kind) => [kind.name, []]));
for (let round = 0; round < RUNS; round++) {
  idle.push(await runCliSession([]));
  for (const kind of kinds)
    runs.get(kind.name)!.push(await runCliSession(Array(STEPS).fill(kind.step), kind.options));
}
const idleCpu = median(idle.map((run) => run.cpuMs));
const results = new Map<string, { wall: number; cpu: number }>();
for (const [name, kindRuns] of runs) {
  results.set(name, {
    wall: median(kindRuns.flatMap((run) => run.stepMs)),
    cpu: (median(kindRuns.map((run) => run.cpuMs)) - idleCpu) / STEPS,
  });
}
const request = results.get(REQUEST_ONLY)!;
const bashC = results.get(BASH_C)!;
const rows: (string | number)[][] = [
  ["step", "wall per step", "CLI CPU per step", "wall over a request", "aim"],
];
for (const kind of kinds) {
  const cost = results.get(kind.name)!;
  const aim =
    kind.name === REQUEST_ONLY
      ? "wall < 10 ms"
      : kind.name.startsWith("command: bash -lc")
        ? `<= bash -c + 5 ms (${fmtMs(cost.wall - bashC.wall)} here)`
        : "";
  rows.push([
    kind.name,
    fmtMs(cost.wall),
    fmtMs(cost.cpu),
    kind.name === REQUEST_ONLY ? "" : fmtMs(cost.wall - request.wall),
    aim,
  ]);
}
console.log(table(rows));
console.log(
  `(the heavy profile alone costs a login shell ${fmtMs(profileCost())} per start here, measured without nightshift;\n` +
    ` ${RUNS} sessions of ${STEPS} steps per row; wall = median gap between requests; Node ${process.version})`,
);
