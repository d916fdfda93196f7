// Runs the built `nightshift exec` against the fake model server and reports what the CLI
// process itself used: its peak resident memory and CPU time, read with `process.resourceUsage()`
// by a small exit hook loaded with `--import` (the only addition to the real binary), the wall
// time of the whole run, and when each request reached the server.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { functionCall, startFakeModelServer, text } from "@nightshift/testkit";

/** The CLI under test: this checkout's build, or another one's (`BENCH_CLI=/path/to/bin/nightshift.js`). */
const BIN = path.resolve(process.env.BENCH_CLI ?? "packages/cli/bin/nightshift.js");

/** Written next to the run; reports the CLI's own resource use when it exits. */
const EXIT_HOOK = `
import { writeFileSync } from "node:fs";
process.on("exit", () => {
  const usage = process.resourceUsage();
  writeFileSync(process.env.NIGHTSHIFT_BENCH_USAGE, JSON.stringify(usage));
});
`;

export type CliRun = {
  /** Peak resident set size of the nightshift process, MiB. */
  peakRssMiB: number;
  /** CPU time (user + system) of the nightshift process, ms; its commands are not counted. */
  cpuMs: number;
  /** From launch to exit, ms. */
  wallMs: number;
  /** Between consecutive requests at the server, ms: one step each (answer, tool, next request). */
  stepMs: number[];
};

export type ShellCall = { command: string[] };

/** A model answer: one function call, or the final message. */
export type Step = { call: string; args: unknown } | { text: string };

export type SessionOptions = {
  /** Written to `~/.profile` of the run's home (the login profile `bash -lc` reads). */
  profile?: string;
  sandbox?: "read-only" | "workspace-write" | "danger-full-access";
  /** Another build's `bin/nightshift.js` to compare with (default: BENCH_CLI, else this checkout's). */
  bin?: string;
};

/** Runs one `nightshift exec` session whose model answers with `steps`, then a final message. */
export async function runCliSession(steps: Step[], options: SessionOptions = {}): Promise<CliRun> {
  const usage = { input_tokens: 1000, output_tokens: 10 };
  const scenario = {
    steps: [...steps, { text: "done" }].map((step) => ({
      response: {
        output: ["text" in step ? text(step.text) : functionCall(step.call, step.args)],
        // A small, fixed usage: the session never reaches auto-compaction.
        usage,
      },
    })),
  };
  const arrivals: bigint[] = [];
  const server = await startFakeModelServer({
    scenario,
    maxRecordedRequests: 1,
    onRequest: () => arrivals.push(process.hrtime.bigint()),
  });
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "ns-bench-cli-")));
  const home = path.join(dir, "home");
  const nightshiftHome = path.join(home, ".nightshift");
  const workspace = path.join(home, "project");
  fs.mkdirSync(nightshiftHome, { recursive: true });
  fs.mkdirSync(path.join(workspace, "src"), { recursive: true });
  for (let i = 0; i < 20; i++)
    fs.writeFileSync(
      path.join(workspace, "src", `file${i}.ts`),
      `export const value${i} = ${i};\n`.repeat(40),
    );
  fs.writeFileSync(path.join(workspace, "README.md"), "# project\n\nA benchmark workspace.\n");
  if (options.profile !== undefined) fs.writeFileSync(path.join(home, ".profile"), options.profile);
  fs.writeFileSync(
    path.join(nightshiftHome, "config.toml"),
    `model = "gpt-5.1-codex"\nmodel_provider = "fake"\n[model_providers.fake]\nbase_url = "${server.url}"\n`,
  );
  const hook = path.join(dir, "exit-hook.mjs");
  const usageFile = path.join(dir, "usage.json");
  fs.writeFileSync(hook, EXIT_HOOK);
  const start = process.hrtime.bigint();
  const child = spawn(
    process.execPath,
    [
      "--import",
      hook,
      options.bin ? path.resolve(options.bin) : BIN,
      "exec",
      "-s",
      options.sandbox ?? "workspace-write",
      "work through the steps",
    ],
    {
      env: {
        PATH: process.env.PATH,
        HOME: home,
        NIGHTSHIFT_HOME: nightshiftHome,
        NIGHTSHIFT_BENCH_USAGE: usageFile,
      },
      cwd: workspace,
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  child.stderr!.on("data", (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  await server.close();
  try {
    if (code !== 0) throw new Error(`nightshift exec exited ${code}: ${stderr}`);
    if (server.failures.length > 0) throw new Error(`fake model server: ${server.failures[0]}`);
    const used = JSON.parse(fs.readFileSync(usageFile, "utf8")) as NodeJS.ResourceUsage;
    return {
      peakRssMiB: used.maxRSS / 1024,
      cpuMs: (used.userCPUTime + used.systemCPUTime) / 1000,
      wallMs,
      stepMs: arrivals.slice(1).map((at, i) => Number(at - arrivals[i]!) / 1e6),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `count` shell calls running `bash -lc` scripts a model typically sends while it explores. */
export function bashLcSteps(count: number): Step[] {
  const scripts = [
    "ls -la",
    "cat README.md",
    "grep -rn value1 src | head -5",
    "wc -l src/*.ts",
    "sed -n 1,5p src/file3.ts",
    "git status 2>/dev/null || echo no repo",
    "find . -name '*.ts' | sort | head",
    "echo done && pwd",
  ];
  return Array.from({ length: count }, (_, i) => ({
    call: "shell",
    args: { command: ["bash", "-lc", scripts[i % scripts.length]!] },
  }));
}

export const mib = (value: number) => `${value.toFixed(0)} MiB`;
