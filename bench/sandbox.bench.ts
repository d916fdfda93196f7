// What the sandbox adds to starting a command: `true` run directly vs. inside bubblewrap
// (workspace-write, network off, with and without the seccomp filter the probe found).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { SandboxPolicy } from "../packages/core/src/sandbox/policy.js";
import { probeSandbox } from "../packages/core/src/sandbox/probe.js";
import { createCommandRunner } from "../packages/core/src/sandbox/runner.js";
import type { CommandRunner } from "../packages/core/src/tools/tool.js";
import { fmtMs, median, percentile, table } from "./stats.js";

const RUNS = 60;
const workspace = fs.mkdtempSync(path.join(os.tmpdir(), "ns-bench-sandbox-"));
const probe = await probeSandbox({ env: process.env, cwd: workspace });
if (!probe.available) {
  console.log(`no sandbox on this machine (${probe.reason}); nothing to measure`);
  process.exit(0);
}
const runner = createCommandRunner({ sandbox: probe, env: process.env });
// The same sandbox without the per-command process cap, to show what the cap costs.
const uncapped = createCommandRunner({
  sandbox: probe.kind === "bwrap" ? { ...probe, processCap: null } : probe,
  env: process.env,
});
const workspaceWrite: SandboxPolicy = { mode: "workspace-write", writableRoots: [], networkAccess: false };
const policies: [string, SandboxPolicy, CommandRunner?][] = [
  [
    "unsandboxed (danger-full-access)",
    { mode: "danger-full-access", writableRoots: [], networkAccess: false },
  ],
  ["workspace-write, network off", { mode: "workspace-write", writableRoots: [], networkAccess: false }],
  ["workspace-write, network on", { mode: "workspace-write", writableRoots: [], networkAccess: true }],
  ["read-only", { mode: "read-only", writableRoots: [], networkAccess: false }],
  ["workspace-write, network off, no process cap", workspaceWrite, uncapped],
];

async function time(run: CommandRunner, policy: SandboxPolicy): Promise<number> {
  const start = process.hrtime.bigint();
  const result = await run({
    argv: ["true"],
    cwd: workspace,
    sandboxCwd: workspace,
    timeoutMs: 10_000,
    policy,
  });
  if (result.exitCode !== 0) throw new Error(`true failed: ${result.output}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const results = new Map<string, number[]>();
for (let i = 0; i < 5; i++) for (const [, policy, run] of policies) await time(run ?? runner, policy);
for (let i = 0; i < RUNS; i++) {
  for (const [name, policy, run] of policies) {
    const list = results.get(name) ?? [];
    list.push(await time(run ?? runner, policy));
    results.set(name, list);
  }
}
const base = median(results.get(policies[0]![0])!);
const rows: (string | number)[][] = [["command start", "median", "p90", "added vs. unsandboxed"]];
for (const [name] of policies) {
  const list = results.get(name)!;
  rows.push([
    name,
    fmtMs(median(list)),
    fmtMs(percentile(list, 90)),
    name.startsWith("unsandboxed") ? "-" : `+${fmtMs(median(list) - base)}`,
  ]);
}
console.log(table(rows));
console.log(
  `(${RUNS} runs of \`true\` each, interleaved; sandbox: ${probe.kind}${probe.kind === "bwrap" ? `, seccomp ${probe.seccomp ? "on" : "off"}, process cap ${probe.processCap?.kind ?? "none"}` : ""}; aim: under 20 ms added)`,
);
fs.rmSync(workspace, { recursive: true, force: true });
