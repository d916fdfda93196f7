import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type FakeModelServer, type Scenario, startFakeModelServer } from "@nightshift/testkit";

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, "../../../..");
export const BIN = path.join(repoRoot, "packages/cli/bin/nightshift.js");

export type RunResult = {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
};

export type Harness = {
  server: FakeModelServer;
  home: string;
  workspace: string;
  env: NodeJS.ProcessEnv;
  run(
    args: string[],
    options?: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv },
  ): Promise<RunResult>;
  /** Starts the binary and hands back the child, for tests that kill it. */
  spawn(args: string[], options?: { cwd?: string }): ReturnType<typeof spawn>;
  // biome-ignore lint/suspicious/noExplicitAny: events are checked field by field in tests
  jsonEvents(result: RunResult): any[];
  close(): Promise<void>;
};

/** A temp NIGHTSHIFT_HOME whose config points the "fake" provider at a fresh fake model server. */
export async function startHarness(
  scenario: Scenario,
  options: { config?: string; model?: string; idleTimeoutMs?: number; maxRetries?: number } = {},
): Promise<Harness> {
  const server = await startFakeModelServer({ scenario });
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "ns-e2e-"));
  const home = path.join(base, "home");
  const workspace = path.join(base, "work");
  fs.mkdirSync(home, { recursive: true });
  fs.mkdirSync(workspace, { recursive: true });
  fs.writeFileSync(
    path.join(home, "config.toml"),
    [
      `model = "${options.model ?? "gpt-5.1-codex"}"`,
      `model_provider = "fake"`,
      options.config ?? "",
      "",
      "[model_providers.fake]",
      `name = "fake"`,
      `base_url = "${server.url}"`,
      `wire_api = "responses"`,
      `stream_idle_timeout_ms = ${options.idleTimeoutMs ?? 2000}`,
      `request_max_retries = ${options.maxRetries ?? 4}`,
      `stream_max_retries = ${options.maxRetries ?? 5}`,
      "",
    ].join("\n"),
  );
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: base,
    NIGHTSHIFT_HOME: home,
    TMPDIR: process.env.TMPDIR,
    SHELL: "/bin/bash",
    TZ: "UTC",
  };
  const spawnBin = (args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) =>
    spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? workspace,
      env: { ...env, ...opts.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
  return {
    server,
    home,
    workspace,
    env,
    spawn: spawnBin,
    run(args, opts = {}) {
      return new Promise((resolve, reject) => {
        const child = spawnBin(args, opts);
        let stdout = "";
        let stderr = "";
        child.stdout!.on("data", (chunk) => (stdout += chunk));
        child.stderr!.on("data", (chunk) => (stderr += chunk));
        child.on("error", reject);
        child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
        child.stdin!.end(opts.input ?? "");
      });
    },
    jsonEvents(result) {
      return result.stdout
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => JSON.parse(line));
    },
    async close() {
      await server.close();
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}

/** The `input` array of a recorded request. */
// biome-ignore lint/suspicious/noExplicitAny: request items are checked field by field in tests
export function inputOf(server: FakeModelServer, index: number): any[] {
  return server.requests[index]!.body!.input;
}
