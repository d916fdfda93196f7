// Prompt-cache stability over a scripted 300-request session through the real binary: a resume,
// a sandbox change, a working-directory change and a model switch in the middle. Reads each
// request's usage from the session's rollout and reports the share of input tokens served from the
// fake server's simulated cache, and the first request whose prefix broke (with the reason).
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  functionCall,
  type RecordedRequest,
  reply,
  type StepSpec,
  startFakeModelServer,
  text,
} from "@nightshift/testkit";
import { median, table } from "./stats.js";

const BIN = path.resolve("packages/cli/bin/nightshift.js");
const PHASES = [
  { label: "start", requests: 80, args: ["exec", "--json", "--full-auto", "implement the parser"] },
  {
    label: "resume + sandbox read-only",
    requests: 70,
    args: ["exec", "resume", "--last", "--json", "-s", "read-only", "review it"],
  },
  {
    label: "resume + cd src",
    requests: 70,
    args: ["exec", "resume", "--last", "--json", "--full-auto", "-C", "src", "continue in src"],
  },
  {
    label: "resume + model gpt-5.4",
    requests: 80,
    args: ["exec", "resume", "--last", "--json", "--full-auto", "-m", "gpt-5.4", "finish"],
  },
];

function agentsMd(): string {
  const rules = Array.from(
    { length: 120 },
    (_, i) =>
      `- Rule ${i + 1}: keep module ${i} small, tested and documented; never change its public API without a note.`,
  );
  return `# Project rules\n\n${rules.join("\n")}\n`;
}

function toolStep(n: number): StepSpec {
  switch (n % 4) {
    case 0:
      return reply(functionCall("shell", { command: ["cat", "notes.txt"] }));
    case 1:
      return reply(functionCall("update_plan", { plan: [{ step: `step ${n}`, status: "in_progress" }] }));
    case 2:
      return reply(functionCall("read_file", { path: "notes.txt", limit: 5 }));
    default:
      return reply(functionCall("list_dir", { path: ".", depth: 1 }));
  }
}

function prefixBreak(previous: RecordedRequest, next: RecordedRequest): string | null {
  const a = previous.body!;
  const b = next.body!;
  if (a.instructions !== b.instructions) return "instructions changed";
  if (JSON.stringify(a.tools) !== JSON.stringify(b.tools)) return "tool list changed";
  const start = previous.rawBody.indexOf('"input":[');
  const end = previous.rawBody.indexOf('],"tools":', start);
  const skipModel = (raw: string) => raw.slice(raw.indexOf(',"instructions":'));
  if (skipModel(next.rawBody).startsWith(skipModel(previous.rawBody.slice(0, end)))) return null;
  for (let i = 0; i < a.input.length; i++) {
    if (JSON.stringify(a.input[i]) !== JSON.stringify(b.input[i]))
      return `input item ${i} (${a.input[i].type}) differs`;
  }
  return "bytes before the input differ";
}

const steps: StepSpec[] = [];
for (const phase of PHASES) {
  for (let i = 0; i < phase.requests - 1; i++) steps.push(toolStep(steps.length));
  steps.push(reply(text(`${phase.label}: done`)));
}
const server = await startFakeModelServer({ scenario: { steps } });
const base = fs.mkdtempSync(path.join(os.tmpdir(), "ns-bench-cache-"));
const home = path.join(base, "home");
const work = path.join(base, "work");
fs.mkdirSync(path.join(work, "src"), { recursive: true });
fs.mkdirSync(path.join(work, ".git"));
fs.mkdirSync(home);
fs.writeFileSync(path.join(work, "AGENTS.md"), agentsMd());
fs.writeFileSync(path.join(work, "notes.txt"), "parser: tokens, grammar, errors\n");
fs.writeFileSync(path.join(work, "src", "notes.txt"), "src notes\n");
fs.writeFileSync(
  path.join(home, "config.toml"),
  `model = "gpt-5.1-codex"\nmodel_provider = "fake"\n[model_providers.fake]\nbase_url = "${server.url}"\n`,
);
const env = { PATH: process.env.PATH, HOME: base, NIGHTSHIFT_HOME: home, TZ: "UTC", SHELL: "/bin/bash" };
const started = Date.now();
for (const phase of PHASES) {
  const child = spawn(process.execPath, [BIN, ...phase.args], {
    cwd: work,
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const code = await new Promise((resolve) => child.on("close", resolve));
  if (code !== 0) throw new Error(`${phase.label} failed (${code}): ${stderr}`);
}
const seconds = (Date.now() - started) / 1000;
if (server.failures.length > 0) throw new Error(server.failures.join("\n"));

const rollout = fs
  .readdirSync(path.join(home, "sessions"), { recursive: true, withFileTypes: true })
  .find((entry) => entry.isFile() && entry.name.startsWith("rollout-"))!;
const usage = fs
  .readFileSync(path.join(rollout.parentPath, rollout.name), "utf8")
  .split("\n")
  .filter(Boolean)
  .map((line) => JSON.parse(line))
  .filter((line) => line.type === "usage")
  .map((line) => line.payload.usage as { input_tokens: number; cached_input_tokens: number });

const shares = usage.map((u) => (u.input_tokens ? u.cached_input_tokens / u.input_tokens : 0));
// Prefix reuse: how much of the previous request this one found in the cache (rounding aside, 100%
// means nothing already sent was changed).
const reuse = usage.map((u, i) =>
  i === 0 ? 1 : Math.min(1, (u.cached_input_tokens + 128) / usage[i - 1]!.input_tokens),
);
const rows: (string | number)[][] = [
  [
    "phase",
    "requests",
    "input tokens (first..last)",
    "cached share: min",
    "median",
    "below 99%",
    "prefix reuse: min",
  ],
];
let offset = 0;
for (const phase of PHASES) {
  const part = shares.slice(offset, offset + phase.requests).slice(offset === 0 ? 1 : 0);
  const tokens = usage.slice(offset, offset + phase.requests).map((u) => u.input_tokens);
  rows.push([
    phase.label,
    phase.requests,
    `${tokens[0]}..${tokens.at(-1)}`,
    `${(Math.min(...part) * 100).toFixed(2)}%`,
    `${(median(part) * 100).toFixed(2)}%`,
    part.filter((s) => s < 0.99).length,
    `${(Math.min(...reuse.slice(offset === 0 ? 1 : offset, offset + phase.requests)) * 100).toFixed(2)}%`,
  ]);
  offset += phase.requests;
}
const totalIn = usage.reduce((n, u) => n + u.input_tokens, 0);
const totalCached = usage.reduce((n, u) => n + u.cached_input_tokens, 0);
let firstBreak = "none: every request's input starts with the previous request's input, byte for byte";
for (let i = 1; i < server.requests.length; i++) {
  const reason = prefixBreak(server.requests[i - 1]!, server.requests[i]!);
  if (reason) {
    firstBreak = `request ${i + 1}: ${reason}`;
    break;
  }
}
const modelSwitch = server.requests.findIndex(
  (r, i) => i > 0 && r.body!.model !== server.requests[i - 1]!.body!.model,
);
console.log(table(rows));
console.log(
  `requests: ${usage.length} in ${seconds.toFixed(1)} s · overall cached share: ${((totalCached / totalIn) * 100).toFixed(2)}% of ${totalIn.toLocaleString("en-US")} input tokens`,
);
console.log(`requests after the first below 99% cached: ${shares.slice(1).filter((s) => s < 0.99).length}`);
console.log(`first prefix break: ${firstBreak}`);
if (modelSwitch > 0)
  console.log(
    `model switch at request ${modelSwitch + 1} (a real provider caches per model: expect one miss there)`,
  );
console.log(
  "(the simulated cache counts whole 128-token blocks above 1,024 tokens, as the provider does; what a request",
);
console.log(" adds since the previous one cannot be cached yet, so early, short prompts sit just under 99%)");
await server.close();
fs.rmSync(base, { recursive: true, force: true });
