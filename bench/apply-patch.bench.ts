// apply_patch speed on a 10,000-line file (parse + match + write, in process), and peak memory
// of apply_patch on a 9 MB file measured in fresh processes: the model's tool as a session runs
// it (sandboxed runner, verify-first) and the real `nightshift apply-patch` command.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { applyPatch, runApplyPatch } from "@nightshift/core/apply-patch";
import { ApprovalCache } from "../packages/core/src/sandbox/approval.js";
import { probeSandbox } from "../packages/core/src/sandbox/probe.js";
import { createCommandRunner } from "../packages/core/src/sandbox/runner.js";
import type { ToolContext } from "../packages/core/src/tools/tool.js";
import { fmtMs, median, percentile, table } from "./stats.js";

/** Codex's peak on the same 9 MB patch (issue 11): what the measured figures are compared with. */
const PEAK_RSS_TARGET_MIB = 273;
/** A 9 MB file of short lines (a million of them): what makes a line-by-line patcher costly. */
const BIG_FILE_LINES = 1_000_000;
const bigLine = (i: number) => `v${String(i).padStart(7, "0")}`;

if (process.argv[2] === "--peak-rss-child") {
  await peakRssChild(process.argv[3]!);
} else {
  await speed();
  peakMemory();
}

async function speed(): Promise<void> {
  const LINES = 10_000;
  const RUNS = 50;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ns-bench-patch-"));
  const file = path.join(dir, "big.ts");
  const original = `${Array.from({ length: LINES }, (_, i) => `export const value${i} = ${i}; // line ${i}`).join("\n")}\n`;
  const rows: (string | number)[][] = [["patch on a 10,000-line file", "median", "p90"]];
  for (const [label, patch] of [
    ["1 hunk, exact match", patchWith(LINES, 1, false)],
    ["10 hunks, exact match", patchWith(LINES, 10, false)],
    ["10 hunks, whitespace-fuzzy match", patchWith(LINES, 10, true)],
  ] as const) {
    const times: number[] = [];
    for (let i = 0; i < RUNS + 5; i++) {
      fs.writeFileSync(file, original);
      const start = process.hrtime.bigint();
      const result = await applyPatch(patch, { cwd: dir });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (!result.ok) throw new Error(result.error);
      if (i >= 5) times.push(ms);
    }
    rows.push([label, fmtMs(median(times)), fmtMs(percentile(times, 90))]);
  }
  console.log(table(rows));
  console.log(`(${RUNS} runs each, file rewritten before every run)`);
  fs.rmSync(dir, { recursive: true, force: true });
}

function line(i: number): string {
  return `export const value${i} = ${i}; // line ${i}`;
}

function patchWith(lines: number, hunks: number, fuzzy: boolean, text = line): string {
  const parts = ["*** Begin Patch", "*** Update File: big.ts"];
  for (let h = 0; h < hunks; h++) {
    const at = Math.floor(((h + 1) * lines) / (hunks + 1));
    const ctx = (i: number) => `${fuzzy ? " " : ""}${text(i)}${fuzzy ? "  " : ""}`;
    parts.push(
      `@@`,
      ` ${ctx(at - 1)}`,
      `-${ctx(at)}`,
      `+export const value${at} = ${at * 2}; // changed`,
      ` ${ctx(at + 1)}`,
    );
  }
  parts.push("*** End Patch");
  return parts.join("\n");
}

/** A workspace with a 9 MB big.ts and a 10-hunk patch for it (context matched exactly or fuzzily). */
function bigWorkspace(fuzzy: boolean): { dir: string; patch: string; bytes: number } {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "ns-bench-patch-rss-")));
  const text = `${Array.from({ length: BIG_FILE_LINES }, (_, i) => bigLine(i)).join("\n")}\n`;
  fs.writeFileSync(path.join(dir, "big.ts"), text);
  return { dir, patch: patchWith(BIG_FILE_LINES, 10, fuzzy, bigLine), bytes: Buffer.byteLength(text) };
}

/** Peak RSS (MiB) of each way of applying the patch, each in a process of its own. */
function peakMemory(): void {
  const self = fileURLToPath(import.meta.url);
  const cli = path.resolve("packages/cli/bin/nightshift.js");
  const reportPeak = `data:text/javascript,process.on("exit",()=>process.stderr.write("peak-rss-kib="+process.resourceUsage().maxRSS+"\\n"))`;
  const rows: (string | number)[][] = [
    ["apply_patch, 10 hunks in a 9 MB file", "peak RSS", "target (Codex)"],
  ];
  let size = 0;
  const tool = (dir: string, patch: string) =>
    spawnSync(process.execPath, [self, "--peak-rss-child", dir], { input: patch, encoding: "utf8" });
  const command = (dir: string, patch: string) =>
    spawnSync(process.execPath, ["--import", reportPeak, cli, "apply-patch"], {
      cwd: dir,
      input: patch,
      encoding: "utf8",
    });
  for (const [label, run, fuzzy] of [
    ["apply_patch tool (sandboxed, verify-first), exact context", tool, false],
    ["apply_patch tool, whitespace-fuzzy context", tool, true],
    ["nightshift apply-patch (CLI), exact context", command, false],
  ] as const) {
    const { dir, patch, bytes } = bigWorkspace(fuzzy);
    size = bytes;
    const result = run(dir, patch);
    fs.rmSync(dir, { recursive: true, force: true });
    const kib = Number(/peak-rss-kib=(\d+)/.exec(result.stderr)?.[1] ?? Number.NaN);
    if (result.status !== 0 || Number.isNaN(kib)) {
      rows.push([label, `failed: ${(result.stderr || result.stdout).trim().split("\n")[0]}`, ""]);
      continue;
    }
    rows.push([label, `${(kib / 1024).toFixed(0)} MiB`, `under ${PEAK_RSS_TARGET_MIB} MiB`]);
  }
  console.log(`\n${table(rows)}`);
  console.log(
    `(file of ${(size / 1e6).toFixed(1)} MB, ${BIG_FILE_LINES.toLocaleString("en-US")} lines; each run in a fresh process)`,
  );
}

/** The tool as a session runs it: workspace-write, the real sandbox, patch on stdin. */
async function peakRssChild(dir: string): Promise<void> {
  const patch = fs.readFileSync(0, "utf8");
  const probe = await probeSandbox({ cwd: dir });
  const env = { PATH: process.env.PATH, HOME: dir };
  const ctx: ToolContext = {
    callId: "bench",
    cwd: dir,
    signal: new AbortController().signal,
    policy: { mode: "workspace-write", writableRoots: [], networkAccess: false, excludeSlashTmp: true },
    approvalPolicy: "never",
    approve: async () => "denied",
    approvalCache: new ApprovalCache(),
    bashParser: async () => undefined,
    runCommand: createCommandRunner({ sandbox: probe, env }),
    env,
    scratchDir: fs.mkdtempSync(path.join(os.tmpdir(), "ns-bench-scratch-")),
    outputBudgetBytes: 40_000,
    progress: () => {},
  };
  const result = await runApplyPatch(patch, ctx);
  fs.rmSync(ctx.scratchDir, { recursive: true, force: true });
  if (!result.success) throw new Error(result.output);
  process.stderr.write(`peak-rss-kib=${process.resourceUsage().maxRSS}\n`);
}
