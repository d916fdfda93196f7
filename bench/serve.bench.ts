// `nightshift serve` (the built binary, in its own process): the time from creating a task to its
// run's first model request, requests per second on the status endpoint under 100 concurrent
// pollers, and the server's memory while they poll and while 100 event streams stay open.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { type RecordedRequest, startFakeModelServer } from "@nightshift/testkit";
import { statelessModel } from "../packages/cli/test/e2e/run-script.js";
import { fmtMs, median, percentile, table } from "./stats.js";

const BIN = path.resolve("packages/cli/bin/nightshift.js");
const TASKS = Number(process.env.BENCH_SERVE_TASKS ?? 5);
const POLLERS = 100;
const POLL_MS = Number(process.env.BENCH_SERVE_POLL_MS ?? 5_000);

const script = statelessModel(["s1"]);
let firstRequestAt: number | null = null;
const model = await startFakeModelServer({
  scenario: { steps: [{ times: 1_000_000, generate: (r: RecordedRequest) => script(r) }] },
  onRequest: () => {
    firstRequestAt ??= performance.now();
  },
});
const base = fs.mkdtempSync(path.join(os.tmpdir(), "ns-bench-serve-"));
const home = path.join(base, "home");
fs.mkdirSync(home, { recursive: true });
fs.writeFileSync(
  path.join(home, "config.toml"),
  `model = "gpt-5.1-codex"\nmodel_provider = "fake"\n[model_providers.fake]\nname = "fake"\nbase_url = "${model.url}"\nwire_api = "responses"\n`,
);
const env = { PATH: process.env.PATH, HOME: base, NIGHTSHIFT_HOME: home, TZ: "UTC", SHELL: "/bin/bash" };
const key = JSON.parse(
  spawnSync(process.execPath, [BIN, "serve", "keys", "create", "--name", "bench", "--json"], {
    env,
    encoding: "utf8",
  }).stdout,
) as { api_key: string };

const child: ChildProcess = spawn(process.execPath, [BIN, "serve", "--port", "0", "--workers", "2"], {
  env,
  stdio: ["ignore", "ignore", "pipe"],
});
const url = await new Promise<string>((resolve, reject) => {
  readline.createInterface({ input: child.stderr! }).on("line", (line) => {
    const match = /listening on (http:\/\/\S+)/.exec(line);
    if (match) resolve(match[1]!);
  });
  child.once("close", (code) => reject(new Error(`nightshift serve exited with ${code}`)));
});

const headers = { authorization: `Bearer ${key.api_key}` };
async function post(pathname: string, body: unknown | FormData) {
  const response = await fetch(`${url}${pathname}`, {
    method: "POST",
    headers: body instanceof FormData ? headers : { ...headers, "content-type": "application/json" },
    body: body instanceof FormData ? body : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${pathname}: ${response.status} ${await response.text()}`);
  return response.json() as Promise<{ id: string; status: string }>;
}
async function waitEnd(taskId: string): Promise<void> {
  const response = await fetch(`${url}/v1/agent_tasks/${taskId}/events`, {
    headers: { ...headers, accept: "text/event-stream" },
  });
  await response.text();
}
function serverRssMiB(): number {
  const status = fs.readFileSync(`/proc/${child.pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

// A project of 50 small files.
const projectDir = path.join(base, "project");
fs.mkdirSync(path.join(projectDir, "src"), { recursive: true });
for (let i = 0; i < 50; i++)
  fs.writeFileSync(path.join(projectDir, "src", `f${i}.txt`), `file ${i}\n`.repeat(20));
spawnSync("tar", ["-czf", path.join(base, "project.tar.gz"), "-C", projectDir, "."]);
const form = new FormData();
form.set("purpose", "agent");
form.set("file", new Blob([fs.readFileSync(path.join(base, "project.tar.gz"))]), "project.tar.gz");
const file = await post("/v1/files", form);
const agent = await post("/v1/agents", {
  model: "gpt-5.1-codex",
  timeout_hours: 1,
  checkpoint_interval: 30,
  max_cost: 5,
});

// Task creation to the first model request, one task at a time.
const toFirstRequest: number[] = [];
const toRunStarted: number[] = [];
let lastTask = "";
for (let i = 0; i < TASKS; i++) {
  firstRequestAt = null;
  const start = performance.now();
  const wallStart = Date.now();
  const task = await post("/v1/agent_tasks", {
    agent_id: agent.id,
    instructions: "write s1.txt",
    files: [file.id],
    output_format: "patch",
  });
  await waitEnd(task.id);
  if (firstRequestAt === null) throw new Error("the task made no model request");
  toFirstRequest.push((firstRequestAt as number) - start);
  const events = await fetch(`${url}/v1/agent_tasks/${task.id}/events?limit=1`, { headers });
  const [started] = ((await events.json()) as { data: { created_at: string }[] }).data;
  toRunStarted.push(Date.parse(started!.created_at) - wallStart);
  lastTask = task.id;
}

// 100 pollers on the status endpoint, each one request after another.
const rssBefore = serverRssMiB();
let rssPeak = rssBefore;
const sampler = setInterval(() => {
  rssPeak = Math.max(rssPeak, serverRssMiB());
}, 100);
const latencies: number[] = [];
let requests = 0;
const until = performance.now() + POLL_MS;
const pollStart = performance.now();
await Promise.all(
  Array.from({ length: POLLERS }, async () => {
    while (performance.now() < until) {
      const t = performance.now();
      const response = await fetch(`${url}/v1/agent_tasks/${lastTask}`, { headers });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`status endpoint answered ${response.status}`);
      latencies.push(performance.now() - t);
      requests++;
    }
  }),
);
const rps = requests / ((performance.now() - pollStart) / 1000);
const rssPolling = rssPeak;

// 100 event streams of a running task held open.
const longTask = await post("/v1/agent_tasks", {
  agent_id: agent.id,
  instructions: "write s1.txt",
  files: [file.id],
  output_format: "patch",
});
const streams = Array.from({ length: POLLERS }, () => new AbortController());
await Promise.all(
  streams.map(async (abort) => {
    const response = await fetch(`${url}/v1/agent_tasks/${longTask.id}/events`, {
      headers: { ...headers, accept: "text/event-stream" },
      signal: abort.signal,
    });
    response.body?.pipeTo(new WritableStream()).catch(() => {});
  }),
);
await waitEnd(longTask.id);
for (const abort of streams) abort.abort();
clearInterval(sampler);
const rssStreams = Math.max(rssPeak, serverRssMiB());

child.kill("SIGTERM");
await new Promise((resolve) => child.once("close", resolve));
await model.close();
fs.rmSync(base, { recursive: true, force: true });

console.log(
  table([
    ["measure", "value", "target"],
    ["task created -> first model request (median)", fmtMs(median(toFirstRequest)), "< 2000 ms"],
    ["task created -> first model request (max)", fmtMs(Math.max(...toFirstRequest)), ""],
    ["  of which: created -> run started (queue, unpack)", fmtMs(median(toRunStarted)), "< 500 ms"],
    [`status endpoint, ${POLLERS} concurrent pollers`, `${Math.round(rps)} req/s`, "> 1000 req/s"],
    [
      "status endpoint latency p50 / p99",
      `${fmtMs(median(latencies))} / ${fmtMs(percentile(latencies, 99))}`,
      "",
    ],
    ["server RSS before polling", `${rssBefore.toFixed(0)} MiB`, ""],
    [`server RSS peak, ${POLLERS} pollers`, `${rssPolling.toFixed(0)} MiB`, `< before + 64 MiB`],
    [`server RSS peak, ${POLLERS} event streams`, `${rssStreams.toFixed(0)} MiB`, `< before + 64 MiB`],
  ]),
);
console.log(
  `(load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs; ${TASKS} tasks, ${requests} status requests over ${POLL_MS / 1000} s; Node ${process.version})`,
);
