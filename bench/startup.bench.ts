// Cold start of `nightshift --version`, and the time from launching `nightshift exec` to its first
// request reaching the model server.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { reply, scenario, startFakeModelServer, text } from "@nightshift/testkit";
import { fmtMs, median, percentile, table } from "./stats.js";

const BIN = path.resolve("packages/cli/bin/nightshift.js");
const RUNS = 20;

function timeVersion(): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [BIN, "--version"], { encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`--version failed: ${result.stderr}`);
  return ms;
}

async function timeFirstRequest(): Promise<{ firstRequest: number; total: number }> {
  let firstAt = 0n;
  const server = await startFakeModelServer({
    scenario: scenario(reply(text("hi"))),
    onRequest: () => {
      if (firstAt === 0n) firstAt = process.hrtime.bigint();
    },
  });
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "ns-bench-"));
  fs.writeFileSync(
    path.join(home, "config.toml"),
    `model = "gpt-5.1-codex"\nmodel_provider = "fake"\n[model_providers.fake]\nbase_url = "${server.url}"\n`,
  );
  const start = process.hrtime.bigint();
  const child = spawn(process.execPath, [BIN, "exec", "hello"], {
    env: { PATH: process.env.PATH, HOME: home, NIGHTSHIFT_HOME: home },
    cwd: home,
    stdio: ["ignore", "ignore", "ignore"],
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const total = Number(process.hrtime.bigint() - start) / 1e6;
  await server.close();
  fs.rmSync(home, { recursive: true, force: true });
  if (code !== 0) throw new Error(`exec exited ${code}`);
  return { firstRequest: Number(firstAt - start) / 1e6, total };
}

timeVersion(); // warm the file cache
const version = Array.from({ length: RUNS }, timeVersion);
const runs: { firstRequest: number; total: number }[] = [];
for (let i = 0; i < RUNS; i++) runs.push(await timeFirstRequest());
const first = runs.map((r) => r.firstRequest);
const total = runs.map((r) => r.total);
console.log(
  table([
    ["measure", "median", "p90", "aim"],
    ["nightshift --version (cold start)", fmtMs(median(version)), fmtMs(percentile(version, 90)), "< 100 ms"],
    ["launch -> first request at the server", fmtMs(median(first)), fmtMs(percentile(first, 90)), "< 250 ms"],
    // No aim of our own here; only figures measured on this machine are printed.
    ["whole one-request exec run", fmtMs(median(total)), fmtMs(percentile(total, 90)), "-"],
  ]),
);
console.log(`(${RUNS} runs each, Node ${process.version})`);
