// apply_patch on a 10,000-line file: a patch of several hunks spread over the file, applied to a
// fresh copy each time (parse + match + write).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { applyPatch } from "@nightshift/core/apply-patch";
import { fmtMs, median, percentile, table } from "./stats.js";

const LINES = 10_000;
const RUNS = 50;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ns-bench-patch-"));
const file = path.join(dir, "big.ts");
const original = `${Array.from({ length: LINES }, (_, i) => `export const value${i} = ${i}; // line ${i}`).join("\n")}\n`;

function patchWith(hunks: number, fuzzy: boolean): string {
  const parts = ["*** Begin Patch", "*** Update File: big.ts"];
  for (let h = 0; h < hunks; h++) {
    const at = Math.floor(((h + 1) * LINES) / (hunks + 1));
    const ctx = (i: number) =>
      `${fuzzy ? " " : ""}export const value${i} = ${i}; // line ${i}${fuzzy ? "  " : ""}`;
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

const rows: (string | number)[][] = [["patch on a 10,000-line file", "median", "p90"]];
for (const [label, patch] of [
  ["1 hunk, exact match", patchWith(1, false)],
  ["10 hunks, exact match", patchWith(10, false)],
  ["10 hunks, whitespace-fuzzy match", patchWith(10, true)],
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
