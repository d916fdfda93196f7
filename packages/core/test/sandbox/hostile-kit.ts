import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "vitest";
import type { SandboxPolicy } from "../../src/sandbox/policy.js";
import type { CommandResult } from "../../src/tools/tool.js";

/**
 * What the hostile suites share: a temp base, workspaces with a `.git` and a `.nightshift` and an
 * "outside" folder beside them, and the table of attempts each suite prints at the end. Every
 * case records whether the attempt was contained; a case that was not fails its test too.
 */
export type HostileTable = {
  base: string;
  record(attempt: string, held: boolean, result: CommandResult | string): void;
  makeWorkspace(): Workspace;
  /** Prints the table and removes the temp base. */
  finish(): void;
};

export type Workspace = {
  ws: string;
  outside: string;
  victim: string;
  gitConfig: string;
  nightshiftConfig: string;
};

export function createHostileTable(prefix: string): HostileTable {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  const rows: Array<{ attempt: string; held: boolean; evidence: string }> = [];
  let counter = 0;
  return {
    base,
    record(attempt, held, result) {
      const evidence =
        typeof result === "string" ? result : firstLine(result.output) || `exit ${result.exitCode}`;
      rows.push({ attempt, held, evidence: evidence.slice(0, 110) });
      expect(held, `${attempt}: ${evidence}`).toBe(true);
    },
    makeWorkspace() {
      const dir = path.join(base, `case-${++counter}`);
      const ws = path.join(dir, "ws");
      const outside = path.join(dir, "outside");
      fs.mkdirSync(path.join(ws, ".git", "hooks"), { recursive: true });
      fs.mkdirSync(path.join(ws, ".nightshift"));
      fs.mkdirSync(outside);
      const gitConfig = path.join(ws, ".git", "config");
      const nightshiftConfig = path.join(ws, ".nightshift", "config.toml");
      const victim = path.join(outside, "victim.txt");
      fs.writeFileSync(gitConfig, "[core]\n\tbare = false\n");
      fs.writeFileSync(nightshiftConfig, 'sandbox_mode = "workspace-write"\n');
      fs.writeFileSync(path.join(ws, "README.md"), "hello\n");
      fs.writeFileSync(victim, "original\n");
      return { ws, outside, victim, gitConfig, nightshiftConfig };
    },
    finish() {
      fs.rmSync(base, { recursive: true, force: true });
      const lines = rows.map(
        (row) =>
          `| ${row.attempt} | ${row.held ? "yes" : "**NO**"} | ${row.evidence.replaceAll("|", "\\|")} |`,
      );
      const held = rows.filter((row) => row.held).length;
      console.log(
        [
          "",
          "| attempt | contained | evidence |",
          "| --- | --- | --- |",
          ...lines,
          `(${held} of ${rows.length} contained)`,
        ].join("\n"),
      );
    },
  };
}

export const workspaceWrite = (extra: Partial<SandboxPolicy> = {}): SandboxPolicy => ({
  mode: "workspace-write",
  writableRoots: [],
  networkAccess: false,
  excludeSlashTmp: true,
  excludeTmpdirEnvVar: true,
  ...extra,
});

export function firstLine(text: string): string {
  return text.split("\n").find((line) => line.trim() !== "") ?? "";
}

export const read = (file: string) => fs.readFileSync(file, "utf8");

/** Processes (not zombies) whose command line contains `marker`. */
export function livingProcessesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8");
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const zombie = stat.slice(stat.lastIndexOf(")") + 2)[0] === "Z";
      if (!zombie && cmdline.includes(marker)) found.push(Number(entry));
    } catch {}
  }
  return found;
}
